"""A clinic's tags on the people of its caseload, and the clinician assigned to a person
(docs/caseload.md). Tags and assignments belong to a clinic: a clinician sees those of
the clinics they are a current member of, on the people they may see.

Who may (``services.access``): a clinic's members read its tags; its clinic admins add
and remove them; putting tags on a person and assigning a clinician change how the
clinic organises the person, so they need ``manage`` on the person (a view-only share
is 403) and membership of the clinic; the assigned clinician must be a current member.
Each change is audited (the person sees it on "Who looked at my data").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nightbridge.core.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from nightbridge.services.access import Actor
    from nightbridge.storage.database import Database

MAX_TAG = 40
MAX_TAGS_PER_CLINIC = 100


@dataclass(frozen=True, slots=True)
class Tag:
    id: int
    clinic_id: int
    name: str

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "clinic_id": self.clinic_id, "name": self.name}


def _tag_name(text: str) -> str:
    name = " ".join(str(text).split())
    if not name:
        raise InvalidInput.one("tag", "give the tag a name")
    if len(name) > MAX_TAG:
        raise InvalidInput.one("tag", f"at most {MAX_TAG} characters")
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        raise InvalidInput.one("tag", "contains a control character")
    return name


def list_clinic_tags(db: Database, actor: Actor, clinic_id: int) -> list[Tag]:
    """The clinic's tags (any current member)."""
    from nightbridge.services.access import authorize_clinic
    from nightbridge.storage.repositories.tags import TagRepository

    with db.reader() as session:
        authorize_clinic(session, actor, clinic_id, "view")
        return [
            Tag(t.id, t.clinic_id, t.name) for t in TagRepository(session).clinic_tags([clinic_id])
        ]


def add_clinic_tag(db: Database, actor: Actor, clinic_id: int, name: str) -> Tag:
    """A new tag of the clinic (its clinic admins); a name it has already (case-blind)
    is refused."""
    from nightbridge.services.access import authorize_clinic
    from nightbridge.services.audit import record_event
    from nightbridge.storage.repositories.tags import TagRepository
    from nightbridge.storage.tables.base import utcnow

    clean = _tag_name(name)
    with db.transaction() as session:
        authorize_clinic(session, actor, clinic_id, "admin")
        repo = TagRepository(session)
        if repo.find(clinic_id, clean) is not None:
            raise InvalidInput.one("tag", f"the clinic already has the tag {clean!r}")
        if len(repo.clinic_tags([clinic_id])) >= MAX_TAGS_PER_CLINIC:
            raise InvalidInput.one("tag", f"a clinic has at most {MAX_TAGS_PER_CLINIC} tags")
        row = repo.add(clinic_id, clean, actor.account_id, utcnow())
        record_event(
            session,
            actor,
            person_id=None,
            action="clinic.tag.add",
            object=f"clinic/{clinic_id}",
            outcome="allowed",
            detail=f"tag {row.id}",
        )
        return Tag(row.id, clinic_id, row.name)


def remove_clinic_tag(db: Database, actor: Actor, clinic_id: int, tag_id: int) -> None:
    """Remove the clinic's tag, and it from everyone (its clinic admins)."""
    from nightbridge.services.access import authorize_clinic
    from nightbridge.services.audit import record_event
    from nightbridge.storage.repositories.tags import TagRepository

    with db.transaction() as session:
        authorize_clinic(session, actor, clinic_id, "admin")
        repo = TagRepository(session)
        tag = repo.get(tag_id) if 1 <= tag_id <= 2**31 - 1 else None
        if tag is None or tag.clinic_id != clinic_id:
            raise NotFound(f"no tag {tag_id}")
        repo.remove(tag)
        record_event(
            session,
            actor,
            person_id=None,
            action="clinic.tag.remove",
            object=f"clinic/{clinic_id}",
            outcome="allowed",
            detail=f"tag {tag_id}",
        )


def _clinic_for(session: object, actor: Actor, clinic_id: int | None) -> int:
    """The clinic a tag or an assignment is for: the one named (the actor a current
    member), or the actor's only clinic."""
    from nightbridge.services.access import authorize_clinic
    from nightbridge.storage.repositories.clinics import ClinicRepository

    if clinic_id is None:
        if actor.account_id is None:
            raise NotFound("no clinic")
        mine = ClinicRepository(session).clinics_of(actor.account_id)  # type: ignore[arg-type]
        if len(mine) != 1:
            raise InvalidInput.one(
                "clinic_id",
                "you are in no clinic" if not mine else "say which of your clinics this is for",
            )
        return int(mine[0][0].id)
    authorize_clinic(session, actor, clinic_id, "view")  # type: ignore[arg-type]
    return clinic_id


def set_person_tags(
    db: Database,
    actor: Actor,
    person_id: int,
    names: Sequence[str],
    *,
    clinic_id: int | None = None,
    object: str,
    now: dt.datetime | None = None,
) -> list[str]:
    """The person's tags of the clinic become ``names`` (each one of the clinic's tags;
    an unknown one refuses them all). Needs ``manage`` on the person; audited."""
    from nightbridge.services.access import authorize_and_audit
    from nightbridge.storage.repositories.tags import TagRepository
    from nightbridge.storage.tables.base import utcnow

    with db.transaction() as session:
        refusal = authorize_and_audit(session, actor, person_id, "manage", object)
        if refusal is None:
            clinic = _clinic_for(session, actor, clinic_id)
            repo = TagRepository(session)
            ids = []
            for name in names:
                tag = repo.find(clinic, " ".join(str(name).split()))
                if tag is None:
                    raise InvalidInput.one(
                        "tags", f"{str(name)[:40]!r} is not one of the clinic's tags"
                    )
                ids.append(tag.id)
            repo.set_person_tags(person_id, clinic, ids, actor.account_id, now or utcnow())
            return repo.tags_of([person_id], [clinic]).get(person_id, [])
    raise refusal


def assign_person(
    db: Database,
    actor: Actor,
    person_id: int,
    clinician: str | None,
    *,
    clinic_id: int | None = None,
    object: str,
    now: dt.datetime | None = None,
) -> str | None:
    """Assign the clinic's clinician called ``clinician`` (a current member) to the
    person, or nobody (None or ""). Needs ``manage`` on the person; audited."""
    from nightbridge.services.access import authorize_and_audit
    from nightbridge.storage.repositories.clinics import ClinicRepository
    from nightbridge.storage.repositories.tags import TagRepository
    from nightbridge.storage.tables.base import utcnow

    with db.transaction() as session:
        refusal = authorize_and_audit(session, actor, person_id, "manage", object)
        if refusal is None:
            clinic = _clinic_for(session, actor, clinic_id)
            repo = TagRepository(session)
            account = None
            if clinician:
                account = repo.account_by_username(clinician.strip())
                if account is None or ClinicRepository(session).role_of(clinic, account) is None:
                    raise InvalidInput.one(
                        "assignee", f"{clinician[:80]!r} is not a member of the clinic"
                    )
            repo.assign(person_id, clinic, account, actor.account_id, now or utcnow())
            return clinician.strip() if account is not None and clinician else None
    raise refusal


@dataclass(frozen=True, slots=True)
class Organising:
    """What the caseload's filter menus offer a clinician: the tags and the members of
    their clinics."""

    tags: list[str]
    members: list[str]


def organising(db: Database, actor: Actor) -> Organising:
    from nightbridge.services.access import clinics_of
    from nightbridge.storage.repositories.tags import TagRepository

    with db.reader() as session:
        clinics = clinics_of(actor)
        if clinics is None:
            return Organising([], [])
        repo = TagRepository(session)
        names = list(dict.fromkeys(t.name for t in repo.clinic_tags(clinics)))
        return Organising(names, [name for _, name in repo.members(clinics)])

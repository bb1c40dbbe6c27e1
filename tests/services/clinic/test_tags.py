"""A clinic's tags and assigned clinicians on the caseload (services/clinic/tags.py):
who may add, put on and see them, and the caseload's ``tag`` and ``assigned`` filters
(both stores)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from nightbridge.core.caseload import parse_query
from nightbridge.core.errors import InvalidInput, NotFound
from nightbridge.core.profile import Profile
from nightbridge.services.access import Actor, Forbidden
from nightbridge.services.clinic.caseload import caseload_page
from nightbridge.services.clinic.tags import (
    add_clinic_tag,
    assign_person,
    list_clinic_tags,
    organising,
    remove_clinic_tag,
    set_person_tags,
)
from nightbridge.storage.database import Database
from nightbridge.storage.repositories.accounts import AccountRepository
from nightbridge.storage.repositories.clinics import ClinicRepository
from nightbridge.storage.repositories.persons import PersonRepository
from nightbridge.storage.repositories.shares import ShareRepository

NOW = dt.datetime(2026, 3, 12, 15, 0, tzinfo=dt.UTC)


@dataclass
class World:
    clinic: int
    other_clinic: int
    lee: Actor  # clinic admin
    kim: Actor  # clinician of the clinic
    viewer: Actor  # member, but the people share with the clinic... and view only with them
    outsider: Actor  # a clinician of another clinic
    ana: int
    ben: int
    cy: int  # shares with the other clinic only


def build(db: Database) -> World:
    with db.transaction() as session:
        accounts, persons = AccountRepository(session), PersonRepository(session)
        clinics, shares = ClinicRepository(session), ShareRepository(session)
        lee = accounts.create("dr-lee", "h", "clinician", None).id
        kim = accounts.create("dr-kim", "h", "clinician", None).id
        viewer = accounts.create("dr-view", "h", "clinician", None).id
        outsider = accounts.create("dr-out", "h", "clinician", None).id
        clinic = clinics.create("Northside", "NORTHNORTH12", NOW).id
        other = clinics.create("Southside", "SOUTHSOUTH12", NOW).id
        clinics.add_member(clinic, lee, "clinic_admin", NOW)
        clinics.add_member(clinic, kim, "clinician", NOW)
        clinics.add_member(other, viewer, "clinician", NOW)
        clinics.add_member(other, outsider, "clinic_admin", NOW)
        ana, ben, cy = (persons.create(Profile(), display_name=n) for n in ("Ana", "Ben", "Cy"))
        shares.add_clinic_share(ana, clinic, NOW, "manage")
        shares.add_clinic_share(ben, clinic, NOW, "manage")
        shares.add_clinic_share(cy, other, NOW, "manage")
        shares.add_share(ana, viewer, NOW, "view")  # sees Ana, may not manage her
    return World(
        clinic,
        other,
        Actor(lee, "clinician"),
        Actor(kim, "clinician"),
        Actor(viewer, "clinician"),
        Actor(outsider, "clinician"),
        ana,
        ben,
        cy,
    )


def listed(
    db: Database, actor: Actor, **params: str
) -> dict[str, tuple[tuple[str, ...], str | None]]:
    rows = caseload_page(db, actor, parse_query(params), now=NOW).rows
    return {r.triage.name: (r.tags, r.assigned) for r in rows}


def test_tags_and_assignment_show_and_filter_on_the_clinic_caseload(database: Database) -> None:
    w = build(database)
    with time_machine.travel(NOW, tick=False):
        new = add_clinic_tag(database, w.lee, w.clinic, "New intake")
        add_clinic_tag(database, w.lee, w.clinic, "Nights")
        with pytest.raises(InvalidInput) as twice:
            add_clinic_tag(database, w.lee, w.clinic, "new INTAKE")
        assert twice.value.problems[0].field == "tag"
        with pytest.raises(Forbidden):
            add_clinic_tag(database, w.kim, w.clinic, "Mine")  # not a clinic admin
        with pytest.raises(NotFound):
            add_clinic_tag(database, w.outsider, w.clinic, "Theirs")
        assert [t.name for t in list_clinic_tags(database, w.kim, w.clinic)] == [
            "New intake",
            "Nights",
        ]
        assert set_person_tags(database, w.kim, w.ana, ["nights", "New intake"], object="test") == [
            "New intake",
            "Nights",
        ]
        assert assign_person(database, w.kim, w.ana, "dr-lee", object="test") == "dr-lee"
        assign_person(database, w.lee, w.ben, "dr-kim", object="test")
        assert listed(database, w.kim) == {
            "Ana": (("New intake", "Nights"), "dr-lee"),
            "Ben": ((), "dr-kim"),
        }
        assert set(listed(database, w.kim, tag="nights")) == {"Ana"}
        assert set(listed(database, w.kim, assigned="me")) == {"Ben"}
        assert set(listed(database, w.lee, assigned="me")) == {"Ana"}
        assert set(listed(database, w.kim, assigned="dr-lee")) == {"Ana"}
        assert set(listed(database, w.kim, assigned="nobody-here")) == set()
        assign_person(database, w.kim, w.ben, None, object="test")
        assert set(listed(database, w.kim, assigned="none")) == {"Ben"}
        # another clinic's member who sees Ana directly sees none of this clinic's tags
        assert listed(database, w.viewer) == {"Ana": ((), None), "Cy": ((), None)}
        assert listed(database, w.viewer, tag="nights") == {}
        assert organising(database, w.kim).tags == ["New intake", "Nights"]
        assert organising(database, w.kim).members == ["dr-kim", "dr-lee"]
        # removing the tag takes it off everyone
        remove_clinic_tag(database, w.lee, w.clinic, new.id)
        assert listed(database, w.kim)["Ana"][0] == ("Nights",)
        with pytest.raises(NotFound):
            remove_clinic_tag(database, w.outsider, w.other_clinic, new.id)  # not its tag


def test_tagging_and_assigning_need_manage_and_the_clinic(database: Database) -> None:
    w = build(database)
    with time_machine.travel(NOW, tick=False):
        add_clinic_tag(database, w.lee, w.clinic, "Nights")
        add_clinic_tag(database, w.outsider, w.other_clinic, "South")
        with pytest.raises(NotFound):  # Cy does not share with this clinic
            set_person_tags(database, w.kim, w.cy, ["Nights"], object="test")
        with pytest.raises(Forbidden):  # a view-only share
            set_person_tags(database, w.viewer, w.ana, ["South"], object="test")
        with pytest.raises(InvalidInput) as unknown:
            set_person_tags(database, w.kim, w.ana, ["South"], object="test")
        assert unknown.value.problems[0].field == "tags"
        with pytest.raises(InvalidInput) as stranger:
            assign_person(database, w.kim, w.ana, "dr-out", object="test")
        assert stranger.value.problems[0].field == "assignee"
        with pytest.raises(NotFound):  # not a member of the clinic named
            set_person_tags(
                database, w.kim, w.ana, ["South"], clinic_id=w.other_clinic, object="test"
            )
        assert listed(database, w.kim)["Ana"] == ((), None)

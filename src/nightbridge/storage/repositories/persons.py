"""Persons and their profile (core.profile.Profile)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nightbridge.core.errors import NotFound
from nightbridge.core.profile import Profile, WindowSettings
from nightbridge.storage.tables.persons import PersonRow


class PersonRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, profile: Profile, *, display_name: str = "", is_owner: bool = False) -> int:
        row = PersonRow(display_name=display_name, is_owner=is_owner)
        _apply_profile(row, profile)
        self.session.add(row)
        self.session.flush()
        return row.id

    def owner_id(self) -> int | None:
        """The store's own person (the one ``nightbridge init`` creates), if any."""
        return self.session.scalar(
            select(PersonRow.id).where(PersonRow.is_owner.is_(True)).order_by(PersonRow.id)
        )

    def ensure_owner(self, profile: Profile) -> int:
        """The owner's id, creating the owner with ``profile`` the first time."""
        existing = self.owner_id()
        if existing is not None:
            return existing
        return self.create(profile, display_name="me", is_owner=True)

    def _row(self, person_id: int) -> PersonRow:
        row = self.session.get(PersonRow, person_id)
        if row is None:
            raise NotFound(f"no person {person_id}")
        # The session's identity map holds rows weakly: keep this one for the unit of
        # work, so the next read of the same person (alerts, summaries) costs no query.
        self.session.info.setdefault("nb_rows", []).append(row)
        return row

    def get_profile(self, person_id: int) -> Profile:
        row = self._row(person_id)
        return Profile(
            tz=row.tz,
            region=row.region,
            conditions=frozenset(row.conditions or ()),
            safety_critical_job=row.safety_critical_job,
            window=WindowSettings(
                floor_min=row.floor_min,
                raise_at_pct=row.raise_at_pct,
                lower_at_pct=row.lower_at_pct,
                step_min=row.step_min,
            ),
            screened=row.screened,
            located=row.located,
        )

    def display_name(self, person_id: int) -> str:
        return self._row(person_id).display_name

    def save_profile(self, person_id: int, profile: Profile) -> None:
        _apply_profile(self._row(person_id), profile)
        self.session.flush()

    def ids(self) -> list[int]:
        return list(self.session.scalars(select(PersonRow.id).order_by(PersonRow.id)))


def _apply_profile(row: PersonRow, profile: Profile) -> None:
    row.tz = profile.tz
    row.region = profile.region
    row.conditions = sorted(profile.conditions)
    row.safety_critical_job = profile.safety_critical_job
    row.floor_min = profile.window.floor_min
    row.raise_at_pct = profile.window.raise_at_pct
    row.lower_at_pct = profile.window.lower_at_pct
    row.step_min = profile.window.step_min
    row.screened = profile.screened
    row.located = profile.located

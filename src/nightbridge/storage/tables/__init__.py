"""Every table module, imported so ``Base.metadata`` knows them all (Alembic compares it).

One module per area; an area's migration lives in ``storage/migrations/versions``.
"""

from nightbridge.storage.tables import (
    accounts,
    caseload,
    clinics,
    devices,
    diary,
    imports,
    notifications,
    persons,
    questionnaires,
    safety,
    summaries,
    sync,
    toolkit,
    window_plans,
)
from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow

__all__ = [
    "Base",
    "UTCDateTime",
    "accounts",
    "caseload",
    "clinics",
    "devices",
    "diary",
    "imports",
    "notifications",
    "persons",
    "questionnaires",
    "safety",
    "summaries",
    "sync",
    "toolkit",
    "utcnow",
    "window_plans",
]

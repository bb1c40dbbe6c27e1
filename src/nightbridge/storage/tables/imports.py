"""The import jobs of the web app (docs/web-imports.md).

One row per uploaded device export: its state (``queued``, ``running``, ``done``,
``failed``), how far the reading has got (bytes of the export's files read, of the
total), the message shown when it failed, and the import summary when it is done. The
state lives in the database so that any app process serving the store can show it.
``runner`` names the process that holds the job (host, pid and the process's start time)
and ``upload_dir`` the folder its upload waits in, so a server starting again marks the
jobs of a process that died as failed and deletes their files at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nightbridge.storage.tables.base import Base, UTCDateTime, utcnow

#: Longest stored message (the refusal text of a bad file is cut to this).
MESSAGE_LENGTH = 2000


class ImportJobRow(Base):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False)
    bytes_done: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    bytes_total: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    message: Mapped[str] = mapped_column(String(MESSAGE_LENGTH), nullable=False, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    runner: Mapped[str] = mapped_column(String(200), nullable=False, server_default="")
    upload_dir: Mapped[str] = mapped_column(String(1000), nullable=False, server_default="")

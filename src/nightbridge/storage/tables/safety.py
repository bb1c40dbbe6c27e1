"""Tables for the safety area (filled in by the work on that area)."""

from __future__ import annotations

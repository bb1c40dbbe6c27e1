"""Tables for the devices area (filled in by the work on that area)."""

from __future__ import annotations

"""Offline sync: idempotency keys so a form sent twice from a phone is stored once."""

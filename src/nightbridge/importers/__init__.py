"""Importers: one module per device export; file object in, core objects out."""

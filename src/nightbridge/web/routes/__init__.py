"""Routers, one module per area; each exposes ``router``. Listed in ``web.registry``."""

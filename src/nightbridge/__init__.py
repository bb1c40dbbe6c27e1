"""Nightbridge: a local-first sleep and recovery companion.

Layers (dependencies point one way): ``core`` <- ``importers``, ``storage``, ``reports``
<- ``services`` <- ``web``, ``cli``. See docs/architecture.md.
"""

__version__ = "0.1.0"

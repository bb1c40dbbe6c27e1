"""Nightbridge: a local-first sleep and recovery companion.

Layers (dependencies point one way): ``core`` <- ``importers``, ``storage``, ``reports``
<- ``services`` <- ``web``, ``cli``. See docs/architecture.md.
"""

import os

# numpy's OpenBLAS starts a thread per core for every matrix operation; Nightbridge's
# matrices are small (a person's nights), so the threads only spin: a year's report
# spent 0.1-0.5 s of CPU in them instead of 0.06 s (docs/benchmarks.md). One thread,
# unless the environment says otherwise; set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"

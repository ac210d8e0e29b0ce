"""The server process's garbage collector, tuned once for a class on one process.

Measured on this app (bench/bench_classroom.py, a gc callback timing each collection): under a class the
process ran a full (generation 2) collection about once a second, each 100-200 ms with the GIL held,
because a full collection walks every object the process has ever kept: the imported libraries, the shared
results and charts. Any student whose page was being built waited for it, so one burst in three took
0.2-0.3 s longer than the others.

So, on the first visit of the process:
- `gc.freeze()`: everything that exists by then (modules, Streamlit, pandas, Altair, the catalogue) moves
  to the permanent generation, which collections no longer walk. These objects live as long as the
  process anyway;
- full collections become ten times rarer (the third threshold 10 -> 100): young objects are still
  collected as often as before, and cyclic garbage waits a few seconds longer.
"""

from __future__ import annotations

import gc
import threading

FULL_EVERY = 100  # generation-1 collections between two full ones (Python's default: 10)
_done = False
_lock = threading.Lock()


def tune_once() -> None:
    """Freeze what exists and space out full collections, once per process (later calls do nothing)."""
    global _done
    with _lock:
        if _done:
            return
        _done = True
        gc.collect()  # what is garbage now is freed, not frozen
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_EVERY)

"""Process start-up without the garbage collector walking what start-up builds.

A cold ``psr-check lint`` imports spaCy and builds the rule pack and the pipeline: about 110,000
objects that live as long as the process. While they are made, Python's cyclic collector runs
again and again over all of them (about 80 ms of a 1.1 s cold lint, a full walk of the heap each
time the oldest generation fills), and finds almost nothing to free. ``collector_paused`` turns it
off for that stretch, then moves everything made so far out of its sight (``gc.freeze()``, as
``lint.settle_for_batch`` does for batches) and turns it back on, so what the checks allocate
afterwards is collected as before. Only when memory is looked at changes, never a result; the
price is the few thousand cyclic leftovers of start-up (well under a megabyte), kept until exit.
No spaCy here: the CLI imports this before anything heavy.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with the cyclic collector off; afterwards freeze what exists and turn it on.

    Nested or already-paused uses do nothing: whoever turned the collector off turns it on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()

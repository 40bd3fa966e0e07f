"""Python's cycle collector paused while a read builds many objects and no cycles.

Loading, scoring and explaining a long cycle allocate tens of thousands of objects (its
facts, the tree with a node per fact, that tree as JSON and as lines) with no reference
cycles among them, so the collector's passes over them find nothing: on a 7,000-event
cycle they were a tenth of ``explain``'s time. What the pause leaves uncollected is freed
by reference counting as usual; a cycle made meanwhile waits for the next pass.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, then as it was (a nested pause leaves it off)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()

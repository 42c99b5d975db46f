"""Python's cycle collector held off while a whole structure is checked or approved.

Checking a whole structure (an imported workbook: hundreds of thousands of triples) makes
millions of small objects that live until the check ends; the collector walks all of them
again and again as they accumulate, which costs about a third of the check. None of them form
cycles that need collecting before the check ends, so the collector waits until then (its
next run after it takes back whatever did).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = True


@contextmanager
def collector_paused(when: bool = True) -> Iterator[None]:
    """Hold off automatic cycle collection inside the block, `when` it holds (a whole
    structure: for a small change the garbage kept meanwhile would cost more memory than
    collecting it costs time). Nested and threaded uses count: the collector runs again when
    the last block ends, if it ran before the first began."""
    global _holders, _was_enabled
    if not when:
        yield
        return
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()

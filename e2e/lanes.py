"""Lanes: how many cells of one engine are in flight at once (``--jobs``),
and how an engine's cells are handed to its lanes.

Each lane is a thread with a browser of its own (Playwright's sync API binds a
browser to the thread that launched it; a WebKitWebDriver serves one session),
so lanes share no cookies, no cache and no page. A free lane takes the next
cell, so a slow cell (a Lambda running into its timeout) holds up only its own
lane.
"""
from __future__ import annotations

import threading
from collections import deque

from e2e.scenarios import Cell

# Lanes per engine when --jobs is not given: what `make bench` measured best
# on this 2-core machine (README, "Cells in flight").
DEFAULT_JOBS = 4
MAX_JOBS = 32


class EngineWork:
    """One engine's cells, taken one at a time by whichever lane is free."""

    def __init__(self, cells: list[Cell]) -> None:
        self._cells = deque(cells)
        self.failed = threading.Event()   # a lane of this engine failed: the others stop

    def next(self) -> Cell | None:
        try:
            return self._cells.popleft()  # atomic: no two lanes get the same cell
        except IndexError:
            return None

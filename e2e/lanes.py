"""Lanes: how many cells of one engine are in flight at once (``--jobs``),
and how an engine's cells are handed to its lanes.

Each lane is a thread with a browser of its own (Playwright's sync API binds a
browser to the thread that launched it; a WebKitWebDriver serves one session),
so lanes share no cookies, no cache and no page. A free lane takes the next
cell, so a slow cell (a Lambda running into its timeout) holds up only its own
lane.
"""
from __future__ import annotations

import os
import threading
from collections import deque

from e2e.scenarios import Cell, units

MAX_JOBS = 32


def default_jobs() -> int:
    """Lanes per engine when --jobs is not given: one less than the cores this
    process may use (at most 8), so 1 on a 2-core machine. Measured there by
    `make bench` (README, "Cells in flight"): a cell costs about 60 ms of CPU
    at --jobs 1 and more at --jobs 2 (each lane is a browser of its own), so
    three engines side by side already keep two cores busy; lanes pay off
    where cores are free."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(8, cores - 1))


DEFAULT_JOBS = default_jobs()


class EngineWork:
    """One engine's cells, taken a unit at a time by whichever lane is free.

    A unit is one cell, or an ordered scenario's cells in this engine
    (scenarios.units): what such a cell shows depends on the cells before it
    (a CDN's cache), so one lane runs the whole unit, in order."""

    def __init__(self, cells: list[Cell]) -> None:
        self._units = deque(units(cells))
        self.failed = threading.Event()   # a lane of this engine failed: the others stop

    def next(self) -> list[Cell] | None:
        try:
            return self._units.popleft()  # atomic: no two lanes get the same unit
        except IndexError:
            return None

"""Lanes: how many cells of one engine are in flight at once (``--jobs``),
and how an engine's cells are handed to its lanes.

Each lane is a thread. In Chromium and Firefox the lanes of one engine share
one browser, each lane with a browser context of its own (its own cookies,
cache and pages), driven through one Playwright driver on an event loop of
the engine's (e2e.engines.playwright_engine). In WebKitGTK each lane is a
WebDriver session with a MiniBrowser of its own (a WebKitWebDriver serves one
session). So lanes share no cookies, no cache and no page. A free lane takes
the next cell, so a slow cell (a Lambda running into its timeout) holds up
only its own lane.
"""
from __future__ import annotations

import os
import threading
from collections import deque

from e2e.scenarios import Cell, units

MAX_JOBS = 32


def default_jobs() -> int:
    """Lanes per engine when --jobs is not given: as many as the cores this
    process may use, at least 2 and at most 8. Measured by `make bench` on a
    2-core machine (README, "Cells in flight"): the default matrix at --jobs 2
    took 0.83x the wall of --jobs 1 (53.1 s against 63.6 s); in other runs
    --jobs 3 took no less and --jobs 4 longer again: three engines' lanes
    side by side are then bound by CPU."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(2, min(8, cores))


DEFAULT_JOBS = default_jobs()


class EngineWork:
    """One engine's cells, taken a unit at a time by whichever lane is free.

    A unit is one cell, or an ordered scenario's cells in this engine
    (scenarios.units): what such a cell shows depends on the cells before it
    (a CDN's cache), so one lane runs the whole unit, in order."""

    def __init__(self, cells: list[Cell], by_page: bool = False) -> None:
        grouped = units(cells)
        if by_page:
            # The cells of one page (origin) one after another: a WebDriver
            # engine switches windows, a command of its own, whenever the page
            # changes. (Not for a shuffled run, whose order is the point.)
            grouped.sort(key=lambda unit: (unit[0].origin.spec, unit[0].origin.page))
        self._units = deque(grouped)
        self.failed = threading.Event()   # a lane of this engine failed: the others stop

    def next(self) -> list[Cell] | None:
        try:
            return self._units.popleft()  # atomic: no two lanes get the same unit
        except IndexError:
            return None

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
    (a CDN's cache), so one lane runs the whole unit, in order.

    ``by_page`` (not for a shuffled run, whose order is the point): a lane
    keeps to the page (origin) it is on while that page has cells left, and
    a lane in need of a page takes the one with the most cells left that no
    other lane is on, else the one with the most cells left. Each lane opens
    a page only when it must (see Engine.retire_page for what a page open
    costs), and a WebDriver engine switches windows less.
    Which lane runs a cell never changes its verdict: each cell has its own
    token, and lanes share no cookies, cache or page."""

    def __init__(self, cells: list[Cell], by_page: bool = False) -> None:
        grouped = units(cells)
        self._lock = threading.Lock()
        self.by_page = by_page
        self._units: deque[list[Cell]] = deque()
        self._pages: dict[tuple[str, str], deque[list[Cell]]] = {}
        if by_page:
            for unit in sorted(grouped, key=_page_of):
                self._pages.setdefault(_page_of(unit), deque()).append(unit)
        else:
            self._units.extend(grouped)
        self._lane_page: dict[int, tuple[str, str]] = {}   # lane -> the page it is on
        self.failed = threading.Event()   # a lane of this engine failed: the others stop

    def next(self, lane: int = 0) -> list[Cell] | None:
        """The next unit for this lane, or None when there is none left. No
        two lanes ever get the same unit."""
        with self._lock:
            if not self.by_page:
                return self._units.popleft() if self._units else None
            here = self._lane_page.get(lane)
            if here not in self._pages:
                here = self._choose()
                if here is None:
                    self._lane_page.pop(lane, None)
                    return None
                self._lane_page[lane] = here
            queue = self._pages[here]
            unit = queue.popleft()
            if not queue:
                del self._pages[here]
            return unit

    def _choose(self) -> tuple[str, str] | None:
        if not self._pages:
            return None
        taken = set(self._lane_page.values())
        free = [page for page in self._pages if page not in taken]
        # max() keeps the first of equals: pages in a stable order.
        return max(free or self._pages, key=lambda page: len(self._pages[page]))


def _page_of(unit: list[Cell]) -> tuple[str, str]:
    return (unit[0].origin.spec, unit[0].origin.page)

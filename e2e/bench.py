"""``make bench``: what a cell costs, measured in one run on this machine.

1. The default matrix in every engine at ``--jobs 1`` and at the default
   ``--jobs``: wall time, cells per second per engine, CPU seconds per cell
   (the whole process tree's own accounting: this process and every browser,
   driver and Lambda worker it started, reaped), and whether both runs gave
   the same cell ids and verdicts.
2. Growth: ms per cell at 1x, 4x and 16x the default matrix (its scenarios
   repeated under new names: generated cells), in Chromium at the default
   ``--jobs``, so a cost that grows with the number of cells shows.
3. The naive way in Chromium (a new context, page and navigation per cell)
   against the harness's way on the same cells.

Figures are for comparison within one run (ratios), not absolute promises;
the load average is printed beside them, since a shared machine moves them.
``python -m e2e.bench --quick`` skips the 16x step.
"""
from __future__ import annotations

import ctypes
import os
import resource
import sys
import time
from dataclasses import replace
from typing import Any

from e2e.engines import ENGINE_NAMES, EngineOptions, make_engine
from e2e.engines.base import ProbeSpec
from e2e.engines.playwright_engine import PlaywrightEngine
from e2e.environment import Environment
from e2e.lanes import DEFAULT_JOBS
from e2e.runner import MatrixRun, run_cell
from e2e.scenarios import DEFAULT_SCENARIOS, ScenarioFile, expand, load_scenarios

ENGINES = list(ENGINE_NAMES)
NAIVE_CELLS = 40
PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> None:
    """Orphaned descendants (a browser whose driver was killed) are reparented
    to us, so their CPU time reaches RUSAGE_CHILDREN once reaped."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the figure then misses orphans' time


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _cpu_s() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


class Measured:
    def __init__(self, sfile: ScenarioFile, browsers: list[str], jobs: int) -> None:
        self.finished: dict[str, list[float]] = {b: [] for b in browsers}
        cpu, start = _cpu_s(), time.perf_counter()
        self.start = start
        result = MatrixRun(sfile=sfile, browsers=browsers, explicit_browsers=True, jobs=jobs,
                           on_result=lambda r: self.finished[r.browser].append(time.perf_counter())).run()
        self.wall = time.perf_counter() - start
        _reap()
        self.cpu = _cpu_s() - cpu
        if result.engine_errors:
            raise SystemExit(f"bench: engines failed: {result.engine_errors}")
        self.cells = {c.id: c.verdict for c in result.cells}
        self.differ = len(result.mismatches)

    def rate(self, browser: str) -> float:
        """Cells per second of one engine, from the run's start to its last cell."""
        times = self.finished[browser]
        return len(times) / (max(times) - self.start) if times else 0.0


def _scaled(sfile: ScenarioFile, times: int) -> ScenarioFile:
    if times == 1:
        return sfile
    scenarios = [replace(s, name=f"{s.name}#{k}") for k in range(times) for s in sfile.scenarios]
    return replace(sfile, scenarios=scenarios)


def _naive_vs_harness() -> tuple[float, float, int]:
    """Per-cell ms in Chromium: new context+page+navigation per cell vs the harness."""
    sfile = load_scenarios(DEFAULT_SCENARIOS)
    cells = expand(sfile, ["chromium"])[:NAIVE_CELLS]
    with Environment(sfile) as env:
        engine = make_engine("chromium", env.engine_options(EngineOptions()))
        engine.start()
        try:
            # Warm up: every origin's page open (the harness opens each once
            # per run), the Lambda workers started.
            for cell in {cell.origin: cell for cell in cells}.values():
                run_cell(engine, env, cell)
            start = time.perf_counter()
            for cell in cells:
                run_cell(engine, env, cell)
            harness = (time.perf_counter() - start) * 1000 / len(cells)

            async def naive_way(browser: Any) -> float:
                # The same browser, driven the naive way: a new context, page
                # and navigation for every cell.
                start = time.perf_counter()
                for i, cell in enumerate(cells):
                    context = await browser.new_context(ignore_https_errors=True)
                    page = await context.new_page()
                    page_url = env.page_url(cell.origin)
                    await page.goto(page_url)
                    spec = ProbeSpec(url=env.request_url(cell.scenario, f"naive{i}", page_url),
                                     method=cell.scenario.method,
                                     headers=cell.scenario.headers, body=cell.scenario.body,
                                     credentials=cell.credentials)
                    await page.evaluate("spec => window.corsProbe(spec)", spec.to_js())
                    await context.close()
                return time.perf_counter() - start

            assert isinstance(engine, PlaywrightEngine)
            naive = engine.run_async(naive_way) * 1000 / len(cells)
        finally:
            engine.close()
    return harness, naive, len(cells)


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    _become_subreaper()
    sfile = load_scenarios(DEFAULT_SCENARIOS)
    print(f"cors-e2e bench (default scenario file; figures from this one run; {os.cpu_count()} CPUs, "
          f"load average {_load()} at the start)")

    # Against --jobs 1: the default, or 2 lanes where the default is 1 (2 cores).
    jobs = DEFAULT_JOBS if DEFAULT_JOBS > 1 else 2
    serial = Measured(sfile, ENGINES, 1)
    lanes = Measured(sfile, ENGINES, jobs)
    n = len(serial.cells)
    print(f"\n1. default matrix, {n} cells in {len(ENGINES)} engines side by side (default --jobs "
          f"{DEFAULT_JOBS} here; load now {_load()})")
    for label, m in ((" --jobs 1", serial), (f" --jobs {jobs}", lanes)):
        rates = ", ".join(f"{b} {m.rate(b):.1f}" for b in ENGINES)
        print(f"  {label:<10} wall {m.wall:6.1f} s; cells/s per engine: {rates}; "
              f"CPU {m.cpu:.1f} s = {m.cpu / n * 1000:.0f} ms per cell; {m.differ} not as expected")
    same = serial.cells == lanes.cells
    cores = os.cpu_count() or 1
    print(f"   wall --jobs {jobs} / --jobs 1: {lanes.wall / serial.wall:.2f}x "
          f"(target <= 0.5x); same ids and verdicts: {'yes' if same else 'NO'}")
    print(f"   CPU floor at --jobs {jobs} (its CPU / {cores} cores): {lanes.cpu / cores:.1f} s, "
          f"{lanes.cpu / cores / serial.wall:.2f}x the --jobs 1 wall: no wall can beat it")

    print(f"\n2. growth: chromium at --jobs {DEFAULT_JOBS}, the default matrix's scenarios repeated")
    per_cell: dict[int, float] = {}
    for times in (1, 4) if quick else (1, 4, 16):
        m = Measured(_scaled(sfile, times), ["chromium"], DEFAULT_JOBS)
        per_cell[times] = m.wall * 1000 / len(m.cells)
        print(f"   {times:>2}x: {len(m.cells):>5} cells in {m.wall:6.1f} s: {per_cell[times]:.1f} ms per cell, "
              f"CPU {m.cpu / len(m.cells) * 1000:.0f} ms per cell (load {_load()})")
    last = max(per_cell)
    print(f"   ms per cell at {last}x / 1x: {per_cell[last] / per_cell[1]:.2f}x (target <= 1.2x)")

    harness, naive, count = _naive_vs_harness()
    print(f"\n3. chromium, {count} cells one at a time: harness {harness:.1f} ms/cell, naive (new "
          f"context+page+navigation per cell) {naive:.1f} ms/cell: naive costs {naive / harness:.2f}x; "
          f"against the harness at --jobs {DEFAULT_JOBS} ({per_cell[1]:.1f} ms/cell): {naive / per_cell[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``make bench``: what a cell costs, measured in one run on this machine.

1. The default matrix in every engine, side by side: wall time, and each
   engine's cost per cell (one browser per engine, one page per origin).
2. The same matrix one engine at a time: the sum of those wall times against
   the side-by-side wall time.
3. The naive way in Chromium (a new context, page and navigation per cell)
   against the harness's way on the same cells.

Figures are for comparison within one run (ratios), not absolute promises.
"""
from __future__ import annotations

import statistics
import sys
import time

from e2e.engines import ENGINE_NAMES, EngineOptions, make_engine
from e2e.engines.base import ProbeSpec
from e2e.environment import Environment
from e2e.runner import MatrixRun, run_cell
from e2e.scenarios import DEFAULT_SCENARIOS, expand, load_scenarios

ENGINES = list(ENGINE_NAMES)
NAIVE_CELLS = 40


def _matrix(browsers: list[str]) -> tuple[float, dict[str, list[float]]]:
    sfile = load_scenarios(DEFAULT_SCENARIOS)
    start = time.perf_counter()
    result = MatrixRun(sfile=sfile, browsers=browsers, explicit_browsers=True).run()
    wall = time.perf_counter() - start
    if result.engine_errors:
        raise SystemExit(f"bench: engines failed: {result.engine_errors}")
    per: dict[str, list[float]] = {b: [] for b in browsers}
    for c in result.cells:
        per[c.browser].append(c.duration_ms or 0.0)
    return wall, per


def _naive_vs_harness() -> tuple[float, float, int]:
    """Per-cell ms in Chromium: new context+page+navigation per cell vs the harness."""
    sfile = load_scenarios(DEFAULT_SCENARIOS)
    cells = expand(sfile, ["chromium"])[:NAIVE_CELLS]
    with Environment(sfile) as env:
        engine = make_engine("chromium", env.engine_options(EngineOptions()))
        engine.start()
        try:
            run_cell(engine, env, cells[0])  # warm up: pages open, workers warm
            start = time.perf_counter()
            for cell in cells:
                run_cell(engine, env, cell)
            harness = (time.perf_counter() - start) * 1000 / len(cells)

            browser = engine._browser  # the same browser, driven the naive way
            start = time.perf_counter()
            for i, cell in enumerate(cells):
                context = browser.new_context(ignore_https_errors=True)
                page = context.new_page()
                page_url = env.page_url(cell.origin)
                page.goto(page_url)
                spec = ProbeSpec(url=env.request_url(cell.scenario, f"naive{i}", page_url),
                                 method=cell.scenario.method,
                                 headers=cell.scenario.headers, body=cell.scenario.body,
                                 credentials=cell.credentials)
                page.evaluate("spec => window.corsProbe(spec)", spec.to_js())
                context.close()
            naive = (time.perf_counter() - start) * 1000 / len(cells)
        finally:
            engine.close()
    return harness, naive, len(cells)


def main() -> int:
    print("cors-e2e bench (default scenario file; figures from this one run)")
    wall_par, per = _matrix(ENGINES)
    cells = sum(len(v) for v in per.values())
    print(f"\n1. all engines side by side: {cells} cells in {wall_par:.1f} s wall")
    for b in ENGINES:
        print(f"   {b:<9} {len(per[b])} cells, per cell: mean {statistics.mean(per[b]):.1f} ms, "
              f"median {statistics.median(per[b]):.1f} ms")
    solo = {}
    for b in ENGINES:
        solo[b], _ = _matrix([b])
    total = sum(solo.values())
    print("\n2. one engine at a time (launch included): "
          + ", ".join(f"{b} {solo[b]:.1f} s" for b in ENGINES))
    print(f"   sum {total:.1f} s vs side by side {wall_par:.1f} s: {total / wall_par:.2f}x")
    harness, naive, n = _naive_vs_harness()
    print(f"\n3. chromium, {n} cells: harness {harness:.1f} ms/cell, naive (new context+page+navigation "
          f"per cell) {naive:.1f} ms/cell: naive costs {naive / harness:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

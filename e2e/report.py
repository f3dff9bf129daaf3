"""The console report: a table of cells, the details of the ones that differ,
and one summary line."""
from __future__ import annotations

from typing import TextIO

from e2e.results import CellResult, RunResult


def _status(c: CellResult) -> str:
    return "-" if c.status is None else str(c.status)


def cell_line(c: CellResult, width: int = 60) -> str:
    mark = "ok  " if c.match else "DIFF"
    return (f"{mark} {c.id:<{width}} expected {c.expected:<13} got {c.verdict:<13} "
            f"{_status(c):>4}  {c.reason or ''}").rstrip()


def cell_details(c: CellResult) -> list[str]:
    lines = []
    if c.reason:
        layer = f" (layer: {c.layer})" if c.layer else ""
        lines.append(f"       reason: {c.reason}{layer}")
    if c.explanation:
        lines.append(f"       why:    {c.explanation}")
    if c.oracle_agrees is False:
        lines.append(f"       oracle: the Fetch standard predicts {c.oracle_verdict}"
                     + (f" ({c.oracle_reason})" if c.oracle_reason else "")
                     + (f"; known engine deviation {c.deviation}" if c.deviation else ""))
    if c.expected_cookie is not None and c.cookie_sent != c.expected_cookie:
        lines.append(f"       cookie: expected the session cookie to be {'sent' if c.expected_cookie else 'withheld'}, "
                     f"it was {'sent' if c.cookie_sent else 'not sent'}")
    if c.engine_detail:
        lines.append(f"       engine: {c.engine_detail}")
    if c.error:
        lines.append(f"       page:   {c.error}")
    for msg in c.console[:2]:
        lines.append(f"       console: {msg[:300]}")
    return lines


def print_table(result: RunResult, out: TextIO) -> None:
    width = max((len(c.id) for c in result.cells), default=20)
    for c in result.cells:
        print(cell_line(c, width), file=out)
        if not c.match:
            for line in cell_details(c):
                print(line, file=out)


def summary_line(result: RunResult) -> str:
    s = result.summary()
    verdicts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items()) or "none"
    engines = ", ".join(result.engines) or "no engine"
    state = " (interrupted)" if result.interrupted else ""
    return (f"{s['cells']} cells in {engines}: {s['as_expected']} as expected, {s['differ']} differ "
            f"({verdicts}) in {s['duration_s']:.1f}s{state}")

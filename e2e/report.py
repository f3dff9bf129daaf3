"""The console report: a table of cells, the details of the ones that differ,
and one summary line."""
from __future__ import annotations

from typing import TextIO

from e2e.decide import cookie_sentence
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
    cookie = cookie_sentence(c.to_json())
    if cookie:
        lines.append(f"       cookie: {cookie}")
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
    skipped = (f"; skipped {', '.join(s['skipped_engines'])} (did not run, see above)"
               if s["skipped_engines"] else "")
    return (f"{s['cells']} cells in {engines}: {s['as_expected']} as expected, {s['differ']} differ "
            f"({verdicts}) in {s['duration_s']:.1f}s{state}{skipped}")


def exchange_lines(c: CellResult) -> list[str]:
    """The raw exchange, one line per request and response (secrets already redacted)."""
    lines = []
    for e in c.exchange:
        lines.append(f"       > {e['method']} {e['path']}" + (f"?{e['query']}" if e.get("query") else ""))
        for name, value in e["request_headers"]:
            if name.lower() in ("origin", "access-control-request-method", "access-control-request-headers",
                                "cookie", "authorization", "content-type"):
                lines.append(f"       >   {name}: {value}")
        lines.append(f"       < {e['status']}" + (f"  [{e['layer']}]" if e.get("layer") else ""))
        for name, value in e["response_headers"]:
            if name.lower().startswith("access-control-") or name.lower() in ("vary", "set-cookie",
                                                                              "x-amzn-errortype"):
                lines.append(f"       <   {name}: {value}")
    return lines

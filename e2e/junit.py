"""JUnit XML from a run's JSON document, for CI systems that chart test results.

One ``testcase`` per cell, named as the pytest plugin names it
(``test_cors[scenario|browser|origin|credentials]``) with the scenario as its
``classname``; a cell that is not as expected is a ``failure`` whose ``type`` is
its outcome (e2e.html_report.OUTCOMES) and whose message gives the expected
and actual verdicts and the reason. ``tests`` and ``failures`` equal the JSON
summary's ``cells`` and ``differ``, and the HTML report's counts.

Engines that did not run have no cells; they are listed in the suite's
properties and its ``system-err``.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from e2e.decide import AS_EXPECTED, OUTCOME_LABELS, mismatch_sentence, outcome
from e2e.html_report import outcome_counts

if TYPE_CHECKING:
    from e2e.baseline import Comparison

# Characters XML 1.0 cannot carry at all (a console line with an ANSI escape
# would otherwise make the whole file unreadable to the CI system).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def case_name(cell_id: str) -> str:
    """The pytest plugin's name for a cell (e2e.pytest_plugin)."""
    return f"test_cors[{cell_id}]"


def _x(value: Any) -> str:
    text = "" if value is None else str(value)
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def failure_message(cell: Mapping[str, Any]) -> str:
    """One line: what was expected, what happened, and why."""
    text = _x(mismatch_sentence(cell))
    return f"{OUTCOME_LABELS[outcome(cell)]}: {text}"


def _failure_text(cell: Mapping[str, Any]) -> str:
    lines = [failure_message(cell),
             f"{_x(cell.get('method'))} {_x(cell.get('url'))} from {_x(cell.get('page_origin'))}, "
             f"credentials {_x(cell.get('credentials'))}"]
    for label, key in (("explanation", "explanation"), ("layer", "layer"), ("engine", "engine_detail"),
                       ("page", "error"), ("deviation", "deviation")):
        if cell.get(key):
            lines.append(f"{label}: {_x(cell.get(key))}")
    if cell.get("underlying_status") is not None:
        lines.append(f"hidden status: {cell.get('underlying_status')}")
    evidence = cell.get("evidence")
    if isinstance(evidence, Mapping):
        lines += [f"evidence {_x(k)}: {_x(v)}" for k, v in evidence.items()]
    return "\n".join(lines)


_CELL_PROPERTIES = ("expected", "verdict", "reason", "status", "layer", "browser", "origin", "credentials",
                    "page_origin", "method", "url", "api", "oracle_verdict", "oracle_agrees", "deviation",
                    "cookie_sent", "expected_cookie")


def build_junit(doc: Mapping[str, Any], *, comparison: Comparison | None = None) -> ET.Element:
    """The ``<testsuites>`` element for a run."""
    cells = [c for c in (doc.get("cells") or []) if isinstance(c, Mapping)]
    counts = outcome_counts({"cells": cells})
    summary = doc.get("summary") if isinstance(doc.get("summary"), Mapping) else {}
    duration = summary.get("duration_s") if summary else None
    total_time = f"{float(duration):.3f}" if isinstance(duration, (int, float)) else f"{_cells_time(cells):.3f}"
    changes = {ch.id: ch for ch in comparison.changes} if comparison is not None else {}
    attrs = {"name": "cors-e2e", "tests": str(counts["cells"]), "failures": str(counts["differ"]),
             "errors": "0", "skipped": "0", "time": total_time}
    root = ET.Element("testsuites", attrs)
    suite = ET.SubElement(root, "testsuite", {**attrs, "timestamp": _x(doc.get("started"))})
    props = ET.SubElement(suite, "properties")
    suite_props: list[tuple[str, Any]] = [("target", doc.get("target")), ("scenarios_file", doc.get("scenarios_file")),
                                          ("schema", doc.get("schema")), ("interrupted", doc.get("interrupted"))]
    engines = doc.get("engines") if isinstance(doc.get("engines"), Mapping) else {}
    errors = doc.get("engine_errors") if isinstance(doc.get("engine_errors"), Mapping) else {}
    suite_props += [(f"engine.{n}", v) for n, v in engines.items()]
    suite_props += [(f"engine_error.{n}", v) for n, v in sorted(errors.items())]
    if comparison is not None:
        suite_props += [("baseline", comparison.baseline),
                        ("regressions", " ".join(c.id for c in comparison.regressions))]
    for name, value in suite_props:
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": _x(value)})
    for cell in cells:
        ms = cell.get("duration_ms")
        case = ET.SubElement(suite, "testcase", {
            "classname": _x(cell.get("scenario")), "name": _x(case_name(str(cell.get("id")))),
            "time": f"{float(ms) / 1000:.3f}" if isinstance(ms, (int, float)) else "0.000"})
        cprops = ET.SubElement(case, "properties")
        for key in _CELL_PROPERTIES:
            if cell.get(key) is not None:
                ET.SubElement(cprops, "property", {"name": key, "value": _x(cell.get(key))})
        change = changes.get(str(cell.get("id")))
        if change is not None:
            ET.SubElement(cprops, "property", {"name": "baseline_change", "value": ", ".join(change.kinds)})
            ET.SubElement(cprops, "property", {"name": "regression", "value": str(change.regression).lower()})
        out = outcome(cell)
        if out != AS_EXPECTED:
            fail = ET.SubElement(case, "failure", {"type": out, "message": failure_message(cell)})
            fail.text = _failure_text(cell)
            console = [_x(line) for line in (cell.get("console") or [])]
            if console:
                ET.SubElement(case, "system-out").text = "\n".join(console)
    if errors:
        ET.SubElement(suite, "system-err").text = "\n".join(
            f"engine {_x(n)} did not run: {_x(v)}" for n, v in sorted(errors.items()))
    return root


def render_junit(doc: Mapping[str, Any], *, comparison: Comparison | None = None) -> str:
    root = build_junit(doc, comparison=comparison)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(doc: Mapping[str, Any], path: str | Path, *, comparison: Comparison | None = None) -> None:
    text = render_junit(doc, comparison=comparison)
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _cells_time(cells: list[Mapping[str, Any]]) -> float:
    return sum(float(c["duration_ms"]) / 1000 for c in cells if isinstance(c.get("duration_ms"), (int, float)))

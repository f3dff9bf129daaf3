"""JUnit XML (issue 8): one testcase per cell, named as the pytest plugin
names it, failures with the expected and actual verdicts and the reason, and
counts equal to the JSON summary and the HTML report's."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from e2e.baseline import compare
from e2e.html_report import outcome_counts, render_html
from e2e.junit import case_name, render_junit, write_junit
from tests.test_html_report import every_outcome_run


def parse(doc: dict[str, Any], **kw: Any) -> ET.Element:
    return ET.fromstring(render_junit(doc, **kw).encode("utf-8"))


def test_one_testcase_per_cell_named_as_the_pytest_plugin_names_it() -> None:
    doc = every_outcome_run()
    cases = parse(doc).findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == [f"test_cors[{c['id']}]" for c in doc["cells"]]
    assert [c.get("classname") for c in cases] == [c["scenario"] for c in doc["cells"]]
    assert case_name("a/b|chromium|allowed|omit") == "test_cors[a/b|chromium|allowed|omit]"


def test_counts_equal_the_json_summary_and_the_html_report() -> None:
    doc = every_outcome_run()
    root = parse(doc)
    suite = root.find("testsuite")
    assert suite is not None
    for el in (root, suite):
        assert el.get("tests") == str(doc["summary"]["cells"])
        assert el.get("failures") == str(doc["summary"]["differ"])
        assert el.get("errors") == "0"
    assert len(suite.findall("testcase/failure")) == doc["summary"]["differ"]
    html = render_html(doc)
    counts = outcome_counts(doc)
    shown = dict(re.findall(r'id="count-([a-z-]+)" data-count="(\d+)"', html))
    assert shown["cells"] == suite.get("tests") and shown["differ"] == suite.get("failures")
    failure_types = [f.get("type") for f in suite.iter("failure")]
    for name, n in counts.items():
        assert shown[name] == str(n)
        if name not in ("cells", "differ", "as-expected"):
            assert failure_types.count(name) == n


def test_a_failure_says_what_was_expected_what_happened_and_why() -> None:
    doc = every_outcome_run()
    case = parse(doc).findall("testsuite/testcase")[1]
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "unexpectedly-blocked"
    assert failure.get("message") == "unexpectedly blocked: expected allowed, got blocked, reason missing-allow-origin"
    text = failure.text or ""
    assert 'explanation: fix it <script>alert("x")</script>' in text  # escaped by XML, intact when parsed
    assert "engine: MissingAllowOriginHeader" in text
    assert "evidence screenshot: evidence/get include.png" in text
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["expected"] == "allowed" and props["verdict"] == "blocked"
    assert props["reason"] == "missing-allow-origin"
    system_out = case.find("system-out")
    assert system_out is not None and "console says" in (system_out.text or "")


def test_the_suite_names_target_engines_and_engines_that_did_not_run() -> None:
    root = parse(every_outcome_run())
    props = {p.get("name"): p.get("value") for p in root.findall("testsuite/properties/property")}
    assert props["target"] == "https://api.example.com/prod"
    assert props["engine.chromium"] == "Chromium 1" and props["engine.firefox"] == "Firefox 2"
    assert props["engine_error.webkit"].startswith("webkit: no browser")
    err = root.find("testsuite/system-err")
    assert err is not None and "engine webkit did not run" in (err.text or "")


def test_characters_xml_cannot_carry_do_not_spoil_the_file(tmp_path: Path) -> None:
    doc = every_outcome_run()
    doc["cells"][1]["console"] = ["\x1b[31mred\x1b[0m \x00 bell\x07", "lone \udc80 surrogate"]
    doc["cells"][1]["reason"] = "a\x0bb"
    write_junit(doc, tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    case = root.findall("testsuite/testcase")[1]
    assert case.findtext("system-out") == "\\x1b[31mred\\x1b[0m \\x00 bell\\x07\nlone \\xdc80 surrogate"
    assert "reason a\\x0bb" in (case.find("failure").get("message") or "")  # type: ignore[union-attr]


def test_a_baseline_comparison_marks_the_cells_that_changed() -> None:
    before = every_outcome_run()
    after = every_outcome_run()
    after["cells"][0].update(verdict="blocked", match=False, reason="missing-allow-origin", status=None)
    root = parse(after, comparison=compare(before, after, baseline_name="b.json"))
    props = {p.get("name"): p.get("value") for p in root.findall("testsuite/properties/property")}
    assert props["regressions"] == after["cells"][0]["id"]
    case = root.findall("testsuite/testcase")[0]
    cprops = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert cprops["baseline_change"] == "newly-blocked, flipped" and cprops["regression"] == "true"


def test_a_cookie_that_was_not_as_expected_says_so() -> None:
    case = parse(every_outcome_run()).findall("testsuite/testcase")[-1]
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "cookie-differs"
    assert failure.get("message") == ("cookie not as expected: expected allowed, got allowed (status 200); "
                                      "expected the session cookie to be sent, it was not sent")


def test_the_names_are_the_ones_the_pytest_plugin_collects(pytester: pytest.Pytester) -> None:
    from e2e.scenarios import expand, load_scenarios

    path = pytester.makefile(".yaml", cors_names="""
target: local-rest
api: reference
scenarios:
  - {name: items/get, path: /items, credentials: [omit, include], expect: {allowed: allowed, denied: blocked}}
""")
    result = pytester.runpytest_inprocess("--collect-only", "-q", "--cors-browser", "chromium", str(path))
    collected = [line.split("::", 1)[1] for line in result.outlines if "::test_cors[" in line]
    cells = expand(load_scenarios(path), ["chromium"])
    assert collected == [case_name(c.id) for c in cells] and collected

"""The HTML report (issue 8): one self-contained file whose counts and red
cells, as a real browser shows them, equal the JSON result's; everything a
server sent is escaped and secrets stay redacted."""
from __future__ import annotations

import json
import threading
from html.parser import HTMLParser
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from e2e.html_report import (AS_EXPECTED, COOKIE_DIFFERS, NETWORK_ERROR, OUTCOMES, TIMEOUT, UNEXPECTEDLY_ALLOWED,
                             UNEXPECTEDLY_BLOCKED, outcome, outcome_counts, render_html, write_html)
from e2e.results import CellResult, RunResult

T = TypeVar("T")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def make_cell(scenario: str, browser: str, origin: str, creds: str, expected: str, verdict: str,
              **extra: Any) -> CellResult:
    defaults: dict[str, Any] = dict(
        page_origin="http://localhost:4000", method="GET", url="http://127.0.0.1:5000/prod/items",
        status=200 if verdict == "allowed" else None, reason=None, engine_detail=None, preflight=False)
    defaults.update(extra)
    return CellResult(id=f"{scenario}|{browser}|{origin}|{creds}", scenario=scenario, browser=browser,
                      origin=origin, credentials=creds, expected=expected, verdict=verdict,
                      match=expected == verdict, **defaults)


def every_outcome_run() -> dict[str, Any]:
    """A run with one cell of each outcome in two engines, and hostile data."""
    run = RunResult(target="https://api.example.com/prod", scenarios_file="s.yaml",
                    engines={"chromium": "Chromium 1", "firefox": "Firefox 2"},
                    engine_errors={"webkit": f"webkit: no browser {HOSTILE}"})
    run.cells = [
        make_cell("items/get", "chromium", "allowed", "omit", "allowed", "allowed"),
        make_cell("items/get", "chromium", "allowed", "include", "allowed", "blocked",
                  reason="missing-allow-origin", explanation=f"fix it {HOSTILE}",
                  engine_detail="MissingAllowOriginHeader", console=[f"console says {HOSTILE}"],
                  exchange=[{"method": "GET", "path": "/prod/items", "query": "a=1",
                             "request_headers": [["Authorization", "Bearer sekrit-token"],
                                                 ["Cookie", "session=sekrit-cookie"], ["X-Evil", HOSTILE]],
                             "status": 200,
                             "response_headers": [["Set-Cookie", "sid=sekrit-sid; Path=/; SameSite=None"],
                                                  ["X-Reflected", HOSTILE]],
                             "body": HOSTILE, "layer": "lambda", "detail": None}]),
        make_cell("items/get", "firefox", "denied", "omit", "blocked", "allowed"),
        make_cell("items/get", "firefox", "denied", "include", "blocked", "network-error",
                  error="TypeError: NetworkError when attempting to fetch resource."),
        make_cell(f"weird/{HOSTILE}", "firefox", "allowed", "omit", "allowed", "timeout"),
        make_cell("session", "firefox", "allowed", "include", "allowed", "allowed", cookie_sent=False,
                  expected_cookie=True),
    ]
    run.cells[-1].match = False  # as the runner marks a cell whose cookie was not as expected
    run.finished = run.started + 3
    doc = run.to_json()
    # Evidence paths, as the runner adds them to cells that are not as expected.
    doc["cells"][1]["evidence"] = {"screenshot": "evidence/get include.png", "console": "evidence/get.log",
                                   "trace": "javascript:alert(1)"}
    return doc


def test_outcomes_follow_match_and_verdict() -> None:
    doc = every_outcome_run()
    assert [outcome(c) for c in doc["cells"]] == [AS_EXPECTED, UNEXPECTEDLY_BLOCKED, UNEXPECTEDLY_ALLOWED,
                                                  NETWORK_ERROR, TIMEOUT, COOKIE_DIFFERS]
    counts = outcome_counts(doc)
    assert counts["cells"] == doc["summary"]["cells"] == 6
    assert counts["differ"] == doc["summary"]["differ"] == 5
    assert counts[AS_EXPECTED] == doc["summary"]["as_expected"]


def test_server_supplied_text_is_escaped_everywhere() -> None:
    html = render_html(every_outcome_run())
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert html.count("<script>") == 1  # the report's own filter script
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_secret_headers_are_redacted_even_when_the_json_was_not() -> None:
    html = render_html(every_outcome_run())
    for secret in ("sekrit-token", "sekrit-cookie", "sekrit-sid"):
        assert secret not in html
    assert "Authorization: &lt;redacted&gt;" in html
    assert "sid=&lt;redacted&gt;; Path=/; SameSite=None" in html  # the cookie's attributes stay


class Tags(HTMLParser):
    """Every start tag of a document with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_report_loads_nothing_from_anywhere_else() -> None:
    html = render_html(every_outcome_run())
    tags = Tags(html).tags
    assert not [t for t, _ in tags if t in ("link", "iframe", "object", "embed", "img", "base")]
    assert not [a for _, a in tags if "src" in a or any(k.startswith("on") for k in a)]
    assert [t for t, _ in tags].count("script") == 1  # the report's own filter script
    hrefs = [a["href"] or "" for _, a in tags if "href" in a]
    assert hrefs and all(h.startswith(("#", "evidence/")) for h in hrefs), hrefs
    assert "@import" not in html and "url(" not in html


def test_evidence_links_are_relative_to_the_report_and_never_a_script(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "site").mkdir()
    write_html(every_outcome_run(), tmp_path / "site" / "report.html", evidence_root=out)
    html = (tmp_path / "site" / "report.html").read_text()
    assert 'href="../out/evidence/get%20include.png"' in html
    assert 'href="../out/evidence/get.log"' in html
    assert 'href="javascript' not in html
    assert "trace: javascript:alert(1)</li>" in html  # shown, not linked


def test_an_empty_run_renders_with_zero_counts() -> None:
    html = render_html(RunResult(target="local-rest", scenarios_file="s.yaml").to_json())
    assert 'id="count-cells" data-count="0"' in html
    assert 'id="matrix-empty"' in html


# -- in a real browser ---------------------------------------------------------

def in_browser(fn: Callable[[Any], T]) -> T:
    """Run fn(page) in a browser of its own, on a thread of its own: the
    harness's engines keep one Playwright driver per thread, and a thread may
    not start a second one."""
    box: dict[str, Any] = {}

    def target() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=["--disable-background-networking",
                                                  "--disable-component-update"])
                try:
                    page = browser.new_page()
                    errors: list[str] = []
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    box["value"] = fn(page)
                    assert not errors, errors
                finally:
                    browser.close()
        except BaseException as exc:  # noqa: BLE001 - re-raised on the test's thread
            box["error"] = exc

    t = threading.Thread(target=target, name="html-report-browser")
    t.start()
    t.join(60)
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


# What the page shows: the counts, and each matrix cell that is visible with
# its id, outcome and the colour it is painted.
READ_PAGE = """() => {
  const counts = {};
  document.querySelectorAll('[id^=count-]').forEach(el => counts[el.id.slice(6)] = Number(el.textContent));
  const cells = [...document.querySelectorAll('#matrix td.cell')].filter(td => td.checkVisibility({opacityProperty: true, visibilityProperty: true}))
    .map(td => ({id: td.dataset.id, outcome: td.dataset.outcome, engine: td.dataset.engine,
                 colour: getComputedStyle(td).backgroundColor}));
  return {counts, cells};
}"""

# The report's "as expected" green; every other outcome is painted a red or orange.
GREEN = "rgb(200, 230, 201)"


def wrong_expectations(tmp: Path) -> Path:
    """Scenarios whose expectations are wrong on purpose, so a real run has
    cells that are unexpectedly blocked and unexpectedly allowed."""
    path = tmp / "wrong.yaml"
    path.write_text("""
target: local-rest
origins: {allowed: stub:allowed, denied: stub:denied}
scenarios:
  - {name: reference/get, api: reference, path: /items, credentials: [omit, include], expect: allowed}
  - {name: reference/post, api: reference, path: /items, method: POST, headers: {Content-Type: application/json},
     body: '{}', credentials: [omit], expect: {allowed: allowed, denied: blocked}}
  - {name: wildcard/get, api: wildcard-credentials, path: /items, credentials: [omit, include], expect: blocked}
""")
    return path


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    from e2e.runner import MatrixRun
    from e2e.scenarios import load_scenarios

    tmp = tmp_path_factory.mktemp("html")
    result = MatrixRun(sfile=load_scenarios(wrong_expectations(tmp)), browsers=["chromium"],
                       explicit_browsers=True).run()
    assert not result.engine_errors, result.engine_errors
    result.write_json(tmp / "results.json")
    doc = json.loads((tmp / "results.json").read_text())
    write_html(doc, tmp / "report.html")
    return doc, tmp / "report.html"


@pytest.mark.browser
def test_a_browser_shows_the_counts_and_the_red_cells_of_the_json(real_run: tuple[dict[str, Any], Path]) -> None:
    doc, report = real_run
    shown = in_browser(lambda page: (page.goto(report.as_uri()), page.evaluate(READ_PAGE))[1])
    summary = doc["summary"]
    assert shown["counts"]["cells"] == summary["cells"] == len(doc["cells"])
    assert shown["counts"]["as-expected"] == summary["as_expected"]
    assert shown["counts"]["differ"] == summary["differ"]
    by_outcome = {o: sum(1 for c in doc["cells"] if outcome(c) == o) for o in OUTCOMES}
    assert {o: shown["counts"][o] for o in OUTCOMES} == by_outcome
    assert by_outcome[UNEXPECTEDLY_BLOCKED] and by_outcome[UNEXPECTEDLY_ALLOWED]  # the run really has both

    assert sorted(c["id"] for c in shown["cells"]) == sorted(c["id"] for c in doc["cells"])
    red = {c["id"] for c in shown["cells"] if c["colour"] != GREEN}
    assert red == {c["id"] for c in doc["cells"] if not c["match"]}
    by_id = {c["id"]: c for c in doc["cells"]}
    for c in shown["cells"]:
        assert c["outcome"] == outcome(by_id[c["id"]])
        assert c["engine"] == by_id[c["id"]]["browser"]


@pytest.mark.browser
def test_filtering_to_one_outcome_shows_only_those_cells(real_run: tuple[dict[str, Any], Path]) -> None:
    doc, report = real_run

    def only_unexpectedly_allowed(page: Any) -> Any:
        page.goto(report.as_uri())
        for o in OUTCOMES:
            if o != UNEXPECTEDLY_ALLOWED:
                page.uncheck(f"#filter-outcome input[value={o}]")
        matrix = page.evaluate(READ_PAGE)["cells"]
        details = page.eval_on_selector_all("details.detail", "els => els.filter(e => e.checkVisibility())"
                                                              ".map(e => e.dataset.id)")
        page.uncheck("#filter-engine input[value=chromium]")
        after_engine = page.evaluate(READ_PAGE)["cells"]
        return matrix, details, after_engine

    matrix, details, after_engine = in_browser(only_unexpectedly_allowed)
    want = sorted(c["id"] for c in doc["cells"] if outcome(c) == UNEXPECTEDLY_ALLOWED)
    assert sorted(c["id"] for c in matrix) == want
    assert sorted(details) == want
    assert after_engine == []


@pytest.mark.browser
def test_clicking_a_red_cell_opens_its_reason_explanation_and_exchange(
        real_run: tuple[dict[str, Any], Path]) -> None:
    doc, report = real_run
    cell = next(c for c in doc["cells"] if outcome(c) == UNEXPECTEDLY_BLOCKED)

    def click(page: Any) -> Any:
        page.goto(report.as_uri())
        page.click(f'#matrix td.cell[data-id="{cell["id"]}"] a')
        opened = page.locator(f'details.detail[data-id="{cell["id"]}"]')
        return opened.evaluate("d => d.open"), opened.inner_text()

    is_open, text = in_browser(click)
    assert is_open
    assert cell["reason"] in text
    assert cell["explanation"] in text
    assert cell["engine_detail"] in text
    assert f"Origin: {cell['page_origin']}" in text  # the raw request the server saw


@pytest.mark.browser
def test_every_outcome_has_a_colour_of_its_own_in_a_browser() -> None:
    doc = every_outcome_run()

    def colours(page: Any) -> Any:
        page.set_content(render_html(doc))
        return page.evaluate(READ_PAGE)

    shown = in_browser(colours)
    by_outcome = {c["outcome"]: c["colour"] for c in shown["cells"]}
    assert set(by_outcome) == set(OUTCOMES)
    assert len(set(by_outcome.values())) == len(OUTCOMES)
    assert by_outcome[AS_EXPECTED] == GREEN
    assert shown["counts"] == {**{o: 1 for o in OUTCOMES}, "cells": 6, "differ": 5}

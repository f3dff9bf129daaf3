"""HAR input of `cors-e2e repro` (issue 7): picking the cross-origin requests,
saying what the HAR lacks (the preflight, sometimes the response) and what is
assumed, and refusing bad files with the file and the field.

The browser tests record real HARs (Playwright's ``record_har_path``, which
only records and never routes) from a page calling the broken
``no-cors-headers`` fixture."""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from e2e.errors import BadInput
from e2e.repro.har import load_har, read_har

DATA = Path(__file__).parent / "data"
BROKEN_FIXTURE_HAR = DATA / "broken-fixture.har"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update"]


def record_har(browser: str, har_path: Path) -> tuple[str, str, dict[str, Any]]:
    """record_har_here on a thread of its own: the harness's engines keep one
    Playwright driver per thread (the pytest plugin's on the main thread), and
    a thread may not start a second one."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = record_har_here(browser, har_path)
        except BaseException as exc:  # noqa: BLE001 - raised again below
            box["error"] = exc

    thread = threading.Thread(target=target, name=f"record-har-{browser}")
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "recording the HAR did not finish"
    if "error" in box:
        raise box["error"]
    return box["value"]


def record_har_here(browser: str, har_path: Path) -> tuple[str, str, dict[str, Any]]:
    """Record a HAR of a page at the stub's allowed origin POSTing JSON with a
    custom header to no-cors-headers (preflight passes, actual blocked).
    Returns (page origin, request URL, the probe's result)."""
    from playwright.sync_api import sync_playwright

    from e2e.gateway import LocalGateway, load_api
    from frontend_stub.app import StubFrontend

    with StubFrontend() as stub, LocalGateway() as gateway:
        api = gateway.add(load_api("no-cors-headers", variables={"allowed_origin": stub.allowed_origin}))
        url = api.base_url + "/items?cors-e2e-cell=har-1"
        with sync_playwright() as p:
            if browser == "firefox":
                launched = p.firefox.launch(channel="moz-firefox", executable_path="/usr/bin/firefox-esr")
            else:
                launched = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                context = launched.new_context(record_har_path=str(har_path))
                page = context.new_page()
                page.goto(stub.allowed_origin + "/")
                page.wait_for_function("window.corsProbeReady === true")
                result = page.evaluate("spec => window.corsProbe(spec)", {
                    "url": url, "method": "POST", "credentials": "include", "body": '{"name":"pear"}',
                    "headers": {"Content-Type": "application/json", "X-Request-Id": "r-1"}})
                context.close()   # writes the HAR
            finally:
                launched.close()
        return stub.allowed_origin, url, result


@pytest.mark.browser
def test_a_chromium_har_of_a_blocked_request_yields_the_cross_origin_entry_without_preflight_or_response(
        tmp_path: Path) -> None:
    har = tmp_path / "chromium.har"
    origin, url, result = record_har("chromium", har)
    assert result["outcome"] == "rejected"
    cases = load_har(har)
    assert [c.request.url for c in cases] == [url]      # the page and probe.js are same-origin
    case = cases[0]
    assert case.request.origin == origin                # Chromium's HAR has no Origin: from the Referer
    assert case.request.method == "POST"
    assert [n.lower() for n, _ in case.request.headers] == ["x-request-id", "content-type"]
    assert case.request.needs_preflight and case.recorded_preflight is None
    assert case.recorded_response is None and not case.replayable
    notes = " ".join(case.all_notes)
    assert "no preflight" in notes and "leave preflights out of HAR files" in notes
    assert "no response recorded" in notes and "--live" in notes


@pytest.mark.browser
def test_a_firefox_har_of_a_blocked_request_records_the_response_and_assumes_a_passing_preflight(
        tmp_path: Path) -> None:
    har = tmp_path / "firefox.har"
    origin, url, result = record_har("firefox", har)
    assert result["outcome"] == "rejected"
    [case] = load_har(har)
    assert (case.request.url, case.request.origin) == (url, origin)
    assert case.recorded_response is not None and case.recorded_response.status == 200
    assert not [n for n, _ in case.recorded_response.headers if n.lower().startswith("access-control-")]
    assert case.preflight_assumed and case.replayable
    notes = " ".join(case.all_notes)
    assert "the HAR has no preflight" in notes
    assert "Access-Control-Allow-Headers content-type,x-request-id" in notes


def test_the_saved_broken_fixture_har_holds_one_replayable_cross_origin_case() -> None:
    [case] = load_har(BROKEN_FIXTURE_HAR)
    assert case.request.method == "POST" and case.request.cross_origin
    assert case.request.path.startswith("/prod/items?")
    assert case.replayable and case.preflight_assumed


# --- constructed HARs -----------------------------------------------------------
PAGE = "https://shop.example.com"
API = "https://api.example.com"


def entry(method: str, url: str, headers: dict[str, str] | list[tuple[str, str]] | None = None, *,
          status: int = 200, response_headers: list[tuple[str, str]] | None = None, body: str = "",
          started: str = "2026-01-01T00:00:01.000Z", **extra: Any) -> dict[str, Any]:
    pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    return {"startedDateTime": started, "pageref": "page_1",
            "request": {"method": method, "url": url, "httpVersion": "HTTP/2", "cookies": [],
                        "headers": [{"name": n, "value": v} for n, v in pairs], "queryString": [],
                        "headersSize": -1, "bodySize": 0},
            "response": {"status": status, "statusText": "", "httpVersion": "HTTP/2", "cookies": [],
                         "headers": [{"name": n, "value": v} for n, v in response_headers or []],
                         "content": {"size": len(body), "mimeType": "text/plain", "text": body},
                         "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}, **extra}


def write(tmp_path: Path, entries: list[dict[str, Any]], title: str = PAGE + "/checkout") -> Path:
    path = tmp_path / "case.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
                                        "pages": [{"id": "page_1", "title": title,
                                                   "startedDateTime": "2026-01-01T00:00:00.000Z",
                                                   "pageTimings": {}}],
                                        "entries": entries}}))
    return path


def test_only_requests_whose_origin_differs_from_the_url_are_picked(tmp_path: Path) -> None:
    path = write(tmp_path, [
        entry("GET", PAGE + "/checkout", _resourceType="document"),
        entry("GET", PAGE + "/api/cart", {"Origin": PAGE}, _resourceType="fetch"),
        entry("GET", "https://cdn.example.net/logo.png", {"Referer": PAGE + "/"}, _resourceType="image"),
        entry("POST", API + "/orders", {"origin": PAGE, "content-type": "application/json"},
              _resourceType="fetch"),
        entry("GET", API + "/me", {"Referer": PAGE + "/checkout"}, _resourceType="xhr"),
    ])
    cases = load_har(path)
    assert [c.index for c in cases] == [3, 4]
    assert all(c.request.origin == PAGE for c in cases)


def test_the_page_title_gives_the_origin_when_there_is_no_origin_or_referer(tmp_path: Path) -> None:
    [case] = load_har(write(tmp_path, [entry("GET", API + "/me", _resourceType="fetch")]))
    assert case.request.origin == PAGE
    assert any("taken from the HAR's page" in n for n in case.request.notes)


def test_a_recorded_preflight_is_attached_to_its_request_and_not_picked_alone(tmp_path: Path) -> None:
    preflight_headers = [("access-control-allow-origin", PAGE), ("access-control-allow-methods", "PUT")]
    path = write(tmp_path, [
        entry("OPTIONS", API + "/orders/1", {"Origin": PAGE, "Access-Control-Request-Method": "PUT"},
              status=204, response_headers=preflight_headers, started="2026-01-01T00:00:01.000Z"),
        entry("PUT", API + "/orders/1", {"Origin": PAGE}, status=500,
              response_headers=[("content-type", "text/plain")], started="2026-01-01T00:00:01.050Z"),
    ])
    [case] = load_har(path)
    assert case.index == 1 and case.preflight_index == 0 and not case.preflight_assumed
    assert case.recorded_preflight is not None and case.recorded_preflight.headers == preflight_headers
    assert any("preflight recorded in log.entries[0]" in n for n in case.notes)


def test_a_request_that_needs_no_preflight_gets_no_preflight_note(tmp_path: Path) -> None:
    [case] = load_har(write(tmp_path, [entry("GET", API + "/me", {"Origin": PAGE})]))
    assert not case.request.needs_preflight and not case.preflight_assumed
    assert not any("preflight" in n for n in case.notes)


def test_entry_picks_one_request_whatever_its_origin_and_says_when_cors_does_not_apply(tmp_path: Path) -> None:
    path = write(tmp_path, [entry("GET", PAGE + "/api/cart", {"Origin": PAGE})])
    with pytest.raises(BadInput, match=r"no cross-origin requests among its 1 entries; pick one with --entry N"):
        load_har(path)
    [case] = load_har(path, entry=0)
    assert any("same-origin request" in n and "CORS does not apply" in n for n in case.request.notes)


def test_cookies_in_the_har_mean_credentials_include(tmp_path: Path) -> None:
    raw = entry("GET", API + "/me", {"Origin": PAGE})
    raw["request"]["cookies"] = [{"name": "session", "value": "x"}]
    [case] = load_har(write(tmp_path, [raw]))
    assert case.request.credentials == "include"


def test_a_base64_response_body_is_decoded(tmp_path: Path) -> None:
    raw = entry("GET", API + "/me", {"Origin": PAGE})
    raw["response"]["content"] = {"size": 2, "mimeType": "application/json", "text": "e30=", "encoding": "base64"}
    [case] = load_har(write(tmp_path, [raw]))
    assert case.recorded_response is not None and case.recorded_response.body == "{}"


@pytest.mark.parametrize("content, message", [
    ("{not json", r"bad\.har: not a HAR file: invalid JSON at line 1"),
    ('{"entries": []}', r"bad\.har: not a HAR file: no top-level 'log' object"),
    ('{"log": {"entries": {}}}', r"bad\.har: log\.entries: missing or not a list"),
    ('{"log": {"entries": []}}', r"bad\.har: log\.entries is empty"),
    ('{"log": {"entries": [{"request": {"method": "GET"}}]}}', r"bad\.har: log\.entries\[0\]\.request\.url: missing"),
    ('{"log": {"entries": [{"request": {"method": "GET", "url": "https://a.example/", "headers": "x"}}]}}',
     r"bad\.har: log\.entries\[0\]\.request\.headers: must be a list"),
])
def test_a_bad_har_names_the_file_and_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(content)
    with pytest.raises(BadInput, match=message):
        load_har(path)


def test_a_missing_file_and_an_entry_out_of_range_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"nope\.har: no such HAR file"):
        read_har(tmp_path / "nope.har")
    path = write(tmp_path, [entry("GET", API + "/me", {"Origin": PAGE})])
    with pytest.raises(BadInput, match=r"--entry 5: the HAR has 1 entries \(0 to 0\)"):
        load_har(path, entry=5)


def test_a_response_without_a_status_code_is_bad_input(tmp_path: Path) -> None:
    raw = entry("GET", API + "/me", {"Origin": PAGE})
    raw["response"]["status"] = "200"
    with pytest.raises(BadInput, match=r"log\.entries\[0\]\.response\.status: must be an HTTP status code"):
        load_har(write(tmp_path, [raw]))


def test_the_saved_chromium_har_of_the_same_failure_has_no_response_to_replay() -> None:
    [case] = load_har(DATA / "broken-fixture-chromium.har")
    assert case.request.method == "POST" and case.request.cross_origin
    assert not case.replayable and any("use --live" in n for n in case.notes)

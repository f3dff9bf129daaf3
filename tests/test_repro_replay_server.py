"""The replay server of `cors-e2e repro --har` (issue 7), at the HTTP level:
recorded responses served as recorded at the HAR's path, framing recomputed,
the assumed preflight passing for exactly the recorded request, and every
exchange recorded."""
from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from e2e import oracle, reasons
from e2e.errors import BadInput
from e2e.exchange import CELL_PARAM, LAYER_SCRIPTED, Headers
from e2e.repro.har import HarCase, RecordedResponse, load_har
from e2e.repro.replay_server import ReplayServer, replayed_headers, respond_for_case
from e2e.repro.request import ParsedRequest

PAGE = "https://shop.example.com"
BROKEN_FIXTURE_HAR = Path(__file__).parent / "data" / "broken-fixture.har"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as s:
        yield s


def send(url: str, method: str, headers: Headers) -> tuple[int, Headers, str]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        conn.putrequest(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                        skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, list(resp.getheaders()), resp.read().decode()
    finally:
        conn.close()


def case(method: str = "PUT", headers: Headers | None = None, credentials: str = "include",
         response: RecordedResponse | None = None, preflight: RecordedResponse | None = None,
         path: str = "/prod/orders/7") -> HarCase:
    request = ParsedRequest(url=f"https://api.example.com{path}?{CELL_PARAM}=c1", method=method,
                            headers=headers if headers is not None else [("Content-Type", "application/json")],
                            body=None, origin=PAGE, credentials=credentials)
    return HarCase(index=3, request=request, recorded_preflight=preflight,
                   recorded_response=response or RecordedResponse(200, [], "ok"))


def test_the_actual_response_is_served_as_recorded_with_its_framing_recomputed(server: ReplayServer) -> None:
    recorded = RecordedResponse(201, [
        ("date", "Mon, 05 Jan 2026 10:00:00 GMT"), ("content-type", "application/json"),
        ("content-length", "999"), ("content-encoding", "br"), ("connection", "keep-alive, x-hop"),
        ("x-hop", "1"), ("transfer-encoding", "chunked"),
        ("access-control-allow-origin", PAGE), ("vary", "Origin"), ("access-control-allow-origin", PAGE),
        ("vary", "Accept-Encoding"), ("x-amzn-RequestId", "r-1")], '{"id":7}')
    url = server.replay(case(response=recorded))
    assert url == f"{server.base_url}/prod/orders/7?{CELL_PARAM}=c1"
    status, headers, body = send(url, "PUT", [("Origin", PAGE)])
    assert (status, body) == (201, '{"id":7}')
    names = [n.lower() for n, _ in headers]
    for gone in ("content-encoding", "connection", "x-hop", "transfer-encoding"):
        assert gone not in names
    assert [v for n, v in headers if n.lower() == "content-length"] == [str(len(body))]
    assert [v for n, v in headers if n == "access-control-allow-origin"] == [PAGE, PAGE]   # duplicates kept
    assert [v for n, v in headers if n == "vary"] == ["Origin", "Accept-Encoding"]
    assert ("x-amzn-RequestId", "r-1") in headers and ("date", "Mon, 05 Jan 2026 10:00:00 GMT") in headers


def test_the_assumed_preflight_passes_for_exactly_the_recorded_request(server: ReplayServer) -> None:
    replay = case(headers=[("Content-Type", "application/json"), ("X-Request-Id", "r")], path="/prod/assumed")
    url = server.replay(replay)
    status, headers, _ = send(url, "OPTIONS", oracle.preflight_request_headers(
        "PUT", replay.request.headers, "http://localhost:4321"))
    assert status == 204
    assert (oracle.ALLOW_ORIGIN, "http://localhost:4321") in headers     # echoes whatever Origin is sent
    assert (oracle.ALLOW_METHODS, "PUT") in headers
    assert (oracle.ALLOW_HEADERS, "content-type,x-request-id") in headers
    assert (oracle.ALLOW_CREDENTIALS, "true") in headers
    verdict = oracle.preflight_check("PUT", ["content-type", "x-request-id"], status, headers,
                                     "http://localhost:4321", "include")
    assert verdict is None


def test_a_recorded_preflight_is_served_instead_of_the_assumed_one(server: ReplayServer) -> None:
    recorded = RecordedResponse(403, [("content-type", "application/json"), ("x-amzn-ErrorType", "ForbiddenException")],
                                '{"message":"Missing Authentication Token"}')
    url = server.replay(case(preflight=recorded, path="/prod/recorded-preflight"))
    status, headers, body = send(url, "OPTIONS", [("Origin", PAGE), (oracle.REQUEST_METHOD, "PUT")])
    assert (status, body) == (403, '{"message":"Missing Authentication Token"}')
    assert ("x-amzn-ErrorType", "ForbiddenException") in headers


def test_a_request_that_needs_no_preflight_gets_no_preflight_script() -> None:
    respond = respond_for_case(case(method="GET", headers=[], credentials="same-origin"))
    assert set(respond) == {"actual"}


def test_every_exchange_is_recorded_with_its_cell_tag(server: ReplayServer) -> None:
    url = server.replay(case(path="/prod/logged"))
    send(url, "OPTIONS", [("Origin", PAGE), (oracle.REQUEST_METHOD, "PUT")])
    send(url, "PUT", [("Origin", PAGE)])
    logged = [e for e in server.exchanges(CELL_PARAM, "c1") if e.path == "/prod/logged"]
    assert [(e.method, e.is_preflight, e.layer) for e in logged] == [
        ("OPTIONS", True, LAYER_SCRIPTED), ("PUT", False, LAYER_SCRIPTED)]


def test_a_case_without_a_recorded_response_cannot_be_replayed() -> None:
    empty = case()
    empty.recorded_response = None
    with pytest.raises(BadInput, match=r"log\.entries\[3\]: the HAR recorded no response .* use --live"):
        respond_for_case(empty)


def test_recorded_text_that_looks_like_a_scripted_placeholder_is_refused() -> None:
    with pytest.raises(BadInput, match=r"contains \{origin\}"):
        respond_for_case(case(response=RecordedResponse(200, [], "hello {origin}")))


def test_hop_by_hop_headers_and_pseudo_headers_are_not_replayed() -> None:
    assert replayed_headers([(":status", "200"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
                             ("Content-Type", "text/plain")]) == [("Content-Type", "text/plain")]


def test_the_broken_fixture_har_replays_to_the_same_blocked_verdict_and_reason(server: ReplayServer) -> None:
    [recorded] = load_har(BROKEN_FIXTURE_HAR)
    request = recorded.request
    url = server.replay(recorded)
    origin = request.origin or ""
    pre_status, pre_headers, _ = send(url, "OPTIONS", oracle.preflight_request_headers(
        request.method, request.headers, origin))
    status, headers, _ = send(url, request.method, [("Origin", origin), *request.headers])
    result = oracle.judge(
        oracle.Request(method=request.method, url=url.replace(server.base_url, request.target), origin=origin,
                       headers=tuple(request.headers), credentials=request.credentials),
        oracle.Response(pre_status, pre_headers), oracle.Response(status, headers))
    assert (result.verdict, result.reason, result.stage) == ("blocked", reasons.MISSING_ALLOW_ORIGIN, "actual")

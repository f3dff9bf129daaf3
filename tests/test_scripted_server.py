"""The scripted server at the HTTP level (issue 4, item 6)."""
from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from e2e import oracle, spec_cases
from e2e.exchange import CELL_PARAM, LAYER_SCRIPTED
from e2e.scripted import ScriptedServer

ORIGIN = "http://localhost:8000"


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s


def fetch(server: ScriptedServer, method: str, target: str, headers: list[tuple[str, str]] | None = None,
          body: str | None = None) -> tuple[int, list[tuple[str, str]], str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        own_host = any(k.lower() == "host" for k, _ in headers or [])
        conn.putrequest(method, target, skip_host=own_host, skip_accept_encoding=True)
        for k, v in headers or []:
            conn.putheader(k, v)
        payload = body.encode() if body is not None else b""
        if body is not None:
            conn.putheader("Content-Length", str(len(payload)))
        conn.endheaders(payload or None)
        resp = conn.getresponse()
        data = resp.read().decode()
        return resp.status, list(resp.getheaders()), data
    finally:
        conn.close()


def test_the_server_listens_on_loopback_port(server: ScriptedServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.port > 0


def test_unscripted_paths_answer_404_without_cors_headers(server: ScriptedServer) -> None:
    status, headers, _ = fetch(server, "GET", "/nothing-here")
    assert status == 404
    assert not [k for k, _ in headers if k.lower().startswith("access-control-")]


def test_the_actual_response_substitutes_the_origin_and_sends_duplicates_as_lines(server: ScriptedServer) -> None:
    server.script("/dup", {"actual": {"status": 201, "headers": {
        "Access-Control-Allow-Origin": "{origin}", "X-Twice": ["a", "b"]}, "body": "hello {origin}"}})
    status, headers, body = fetch(server, "GET", "/dup?x=1", [("Origin", ORIGIN)])
    assert status == 201
    assert ("Access-Control-Allow-Origin", ORIGIN) in headers
    assert [v for k, v in headers if k == "X-Twice"] == ["a", "b"]
    assert body == f"hello {ORIGIN}"


def test_the_response_carries_only_the_scripted_headers(server: ScriptedServer) -> None:
    server.script("/exact", {"actual": {"status": 200, "headers": {"X-Only": "1"}, "body": "ok"}})
    _, headers, _ = fetch(server, "GET", "/exact")
    assert sorted(k for k, _ in headers) == ["Content-Length", "X-Only"]


def test_an_options_with_request_method_gets_the_preflight_answer(server: ScriptedServer) -> None:
    server.script("/pf", {"preflight": {"status": 204, "headers": {"Access-Control-Allow-Methods": "PUT"}},
                          "actual": {"status": 200, "body": "actual"}})
    status, headers, body = fetch(server, "OPTIONS", "/pf", [("Origin", ORIGIN),
                                                             ("Access-Control-Request-Method", "PUT")])
    assert status == 204 and ("Access-Control-Allow-Methods", "PUT") in headers and body == ""
    status, _, body = fetch(server, "OPTIONS", "/pf", [("Origin", ORIGIN)])
    assert (status, body) == (200, "actual")   # a plain OPTIONS is not a preflight


def test_a_preflight_to_a_path_without_one_answers_405_without_cors(server: ScriptedServer) -> None:
    server.script("/no-pf", {"actual": {"status": 200, "headers": {"Access-Control-Allow-Origin": "*"}}})
    status, headers, _ = fetch(server, "OPTIONS", "/no-pf", [("Access-Control-Request-Method", "PUT")])
    assert status == 405 and not [k for k, _ in headers if k.lower().startswith("access-control-")]


def test_any_method_is_answered_including_lowercase_patch(server: ScriptedServer) -> None:
    server.script("/m", {"actual": {"status": 200, "body": "m"}})
    for method in ("patch", "PURGE", "DELETE", "PUT"):
        assert fetch(server, method, "/m", body="x")[0] == 200


def test_exchanges_are_recorded_per_cell(server: ScriptedServer) -> None:
    server.script("/cell", {"actual": {"status": 200, "headers": {"Access-Control-Allow-Origin": "{origin}"}}})
    fetch(server, "GET", f"/cell?{CELL_PARAM}=c1", [("Origin", ORIGIN), ("X-Seen", "yes")])
    fetch(server, "GET", f"/cell?{CELL_PARAM}=c2", [("Origin", ORIGIN)])
    [ex] = server.exchanges(CELL_PARAM, "c1")
    assert (ex.method, ex.path, ex.query, ex.status, ex.layer) == ("GET", "/cell", f"{CELL_PARAM}=c1", 200,
                                                                  LAYER_SCRIPTED)
    assert ("X-Seen", "yes") in ex.request_headers
    assert ex.response_headers == [("Access-Control-Allow-Origin", ORIGIN)]


def test_recording_is_thread_safe(server: ScriptedServer) -> None:
    server.script("/many", {"actual": {"status": 200}})
    threads = [threading.Thread(target=fetch, args=(server, "GET", f"/many?{CELL_PARAM}=many"))
               for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.exchanges(CELL_PARAM, "many")) == 20


def test_redirect_targets_are_served_and_keep_the_cell_query(server: ScriptedServer) -> None:
    server.script("/r", {"actual": {"status": 302, "headers": {
        "Access-Control-Allow-Origin": "{origin}", "Location": "http://{alt_host}/__target/echo?{query}"}}})
    status, headers, _ = fetch(server, "GET", f"/r?{CELL_PARAM}=r1", [("Origin", ORIGIN),
                                                                      ("Host", f"127.0.0.1:{server.port}")])
    location = dict(headers)["Location"]
    assert status == 302 and location == f"http://localhost:{server.port}/__target/echo?{CELL_PARAM}=r1"
    status, headers, _ = fetch(server, "GET", urlsplit(location).path + "?" + urlsplit(location).query,
                               [("Origin", "null")])
    assert status == 200 and ("Access-Control-Allow-Origin", "null") in headers
    assert [e.path for e in server.exchanges(CELL_PARAM, "r1")] == ["/r", "/__target/echo"]


def test_script_rejects_a_respond_without_actual(server: ScriptedServer) -> None:
    with pytest.raises(ValueError, match="actual"):
        server.script("/bad", {"preflight": {"status": 204}})


def test_every_spec_case_is_served_as_simulated(server: ScriptedServer) -> None:
    """Plays each spec case's requests the way a browser would and checks the
    server answered what spec_cases.simulate (which the oracle tests use) says."""
    api = f"http://127.0.0.1:{server.port}"
    for case in spec_cases.CASES:
        spec_cases_scenario = spec_cases.to_scenario(case)
        server.script(spec_cases_scenario["path"], spec_cases_scenario["respond"])
        sim = spec_cases.simulate(case, ORIGIN, api, cell=case.name)
        target = urlsplit(sim.request.url)
        host = [("Host", target.netloc)]
        if sim.preflight is not None:
            method = sim.request.sent_method()
            pre = oracle.preflight_request_headers(method, case.headers, ORIGIN)
            status, headers, _ = fetch(server, "OPTIONS", f"{target.path}?{target.query}", host + pre)
            assert (status, _cors(headers)) == (sim.preflight.status, _cors(sim.preflight.headers)), case.name
        status, headers, _ = fetch(server, sim.request.sent_method(), f"{target.path}?{target.query}",
                                   host + [("Origin", ORIGIN), *case.headers], case.body)
        first = sim.chain[0]
        assert (status, _cors(headers)) == (first.status, _cors(first.headers)), case.name


def _cors(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k.lower(), v) for k, v in headers if k.lower() != "content-length"]

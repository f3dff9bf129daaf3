"""A server that cannot be reached is a network-error and a server that never
answers is a timeout, in every engine: neither is ever reported as a CORS block."""
from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from e2e.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    """A port that refuses connections: bound by us, so no other server can
    take it during the run, but never listening."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope="module")
def answering_url() -> Iterator[str]:
    """An API reached by URL, as a deployed one is (no server log for the
    harness), whose Lambda leaves out the CORS headers."""
    from e2e.gateway import LocalGateway, load_api

    with LocalGateway() as gateway:
        yield gateway.add(load_api("no-cors-headers", variables={"allowed_origin": "http://localhost"})).base_url


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, closed_port: int, silent_port: int,
            answering_url: str) -> dict:
    tmp = tmp_path_factory.mktemp("net")
    sfile = tmp / "net.yaml"
    sfile.write_text(f"""
target: http://127.0.0.1:{closed_port}
scenarios:
  - name: refused
    path: /items
    credentials: [omit, include]
    expect: network-error
  - name: refused-preflighted
    path: /items
    method: DELETE
    expect: network-error
""")
    silent = tmp / "silent.yaml"
    silent.write_text(f"""
target: http://127.0.0.1:{silent_port}
origins: {{allowed: stub:allowed}}
scenarios:
  - name: never-answers
    path: /items
    timeout_ms: 700
    expect: timeout
""")
    answering = tmp / "answering.yaml"
    answering.write_text(f"""
target: {answering_url}
origins: {{allowed: stub:allowed}}
scenarios:
  - name: no-allow-origin
    path: /items
    credentials: [omit, include]
    expect: blocked
""")
    out = {}
    for name, path in (("net", sfile), ("silent", silent), ("answering", answering)):
        json_path = tmp / f"{name}.json"
        code = main(["run", "--scenarios", str(path), "--json", str(json_path), "-q"])
        out[name] = (code, json.loads(json_path.read_text()))
    return out


def test_every_engine_ran(results: dict) -> None:
    code, data = results["net"]
    assert set(data["engines"]) == {"chromium", "firefox", "webkit"}, data["engine_errors"]


def test_a_refused_connection_is_a_network_error_in_every_engine(results: dict) -> None:
    code, data = results["net"]
    bad = [(c["id"], c["verdict"], c["engine_detail"]) for c in data["cells"] if c["verdict"] != "network-error"]
    assert not bad
    assert all(c["reason"] == "connection-failed" for c in data["cells"])
    assert code == 0


def test_a_server_that_never_answers_is_a_timeout(results: dict) -> None:
    code, data = results["silent"]
    assert [c["verdict"] for c in data["cells"]] == ["timeout"] * 3
    assert code == 0


def test_a_server_that_answers_without_cors_headers_is_blocked_without_a_server_log(results: dict) -> None:
    """With no server log to consult, the page itself learns (a no-cors GET
    after the rejection) that the server answered: a CORS block in every
    engine, WebKit included, which names no reason of its own."""
    code, data = results["answering"]
    assert {(c["browser"], c["verdict"]) for c in data["cells"]} == {
        ("chromium", "blocked"), ("firefox", "blocked"), ("webkit", "blocked")}
    assert len(data["cells"]) == 6 and code == 0

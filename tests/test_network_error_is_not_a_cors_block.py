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
def results(tmp_path_factory: pytest.TempPathFactory, closed_port: int, silent_port: int) -> dict:
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
    out = {}
    for name, path in (("net", sfile), ("silent", silent)):
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

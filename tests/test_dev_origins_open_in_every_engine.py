"""The origins users really have open in every engine: a frontend's dev
server (http://localhost:3000, http://127.0.0.1:PORT) next to a production
https origin. Firefox never proxies loopback by default, so an impersonated
http://localhost:3000 once went to the real, unbound port 3000 ("Page.goto:
Protocol error (browsingContext.navigate): unknown error", exit 3); a PAC
script now sends exactly the impersonated pairs to the origin server.

A page that cannot be opened is one line with its URL and the engine's own
reason, never a bare protocol error."""
from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.cli import main
from e2e.engines import make_engine
from e2e.engines.base import ProbeSpec, page_open_failure
from e2e.errors import EnvironmentProblem

pytestmark = pytest.mark.browser

HEADER_CASE_API = Path(__file__).parent / "gateway" / "apis" / "header-case.yaml"
ENGINES = ("chromium", "firefox", "webkit")


@pytest.fixture(scope="module")
def unbound_port() -> Iterator[int]:
    """A loopback port bound by us and never listening: the real address
    refuses, so a page that opens there was served by the impersonation."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, unbound_port: int) -> tuple[int, dict]:
    tmp = tmp_path_factory.mktemp("dev-origins")
    sfile = tmp / "dev.yaml"
    sfile.write_text(f"""
api: {HEADER_CASE_API}
origins:
  dev: http://localhost:3000
  ip: http://127.0.0.1:{unbound_port}
  prod: https://app.example.com
scenarios:
  - name: echo
    path: /lower
    expect: allowed
""")
    out = tmp / "dev.json"
    code = main(["run", "--scenarios", str(sfile), "--json", str(out), "-q"])
    return code, json.loads(out.read_text())


def test_every_engine_opens_every_origin_and_the_fetch_is_allowed(run: tuple[int, dict],
                                                                   unbound_port: int) -> None:
    code, data = run
    assert data["engine_errors"] == {}
    assert set(data["engines"]) == set(ENGINES)
    pages = {(c["browser"], c["origin"]): (c["page_origin"], c["verdict"]) for c in data["cells"]}
    expected = {"dev": "http://localhost:3000", "ip": f"http://127.0.0.1:{unbound_port}",
                "prod": "https://app.example.com"}
    assert pages == {(engine, label): (origin, "allowed") for engine in ENGINES
                     for label, origin in expected.items()}
    assert code == 0


def test_the_api_saw_each_page_origin_in_the_origin_header(run: tuple[int, dict]) -> None:
    _, data = run
    for cell in data["cells"]:
        sent = [v for exchange in cell["exchange"] for k, v in exchange["request_headers"] if k.lower() == "origin"]
        assert sent == [cell["page_origin"]], cell["id"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_page_that_cannot_be_opened_names_its_url_and_the_engines_reason(
        engine: str, unbound_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # WebKitGTK shows its error page instead of failing: the engine reads it
    # once the stub's probe has not appeared for PAGE_READY_S (10 s). The
    # page is up at once, so a shorter wait reads the same text.
    from e2e.engines import webdriver_engine

    monkeypatch.setattr(webdriver_engine, "PAGE_READY_S", 3.0)
    driver = make_engine(engine)
    driver.start()
    page = f"http://127.0.0.1:{unbound_port}/"
    try:
        with pytest.raises(EnvironmentProblem) as caught:
            driver.probe(page, ProbeSpec(url=page + "x", method="GET", headers={}, body=None, credentials="omit"))
    finally:
        driver.close()
    message = str(caught.value)
    assert message.startswith(f"{engine}: cannot open the page {page}: ")
    assert "\n" not in message and "Protocol error" not in message
    assert "refused" in message.lower()


def test_firefoxs_reason_is_taken_from_its_message_line() -> None:
    text = ("Page.goto: Protocol error (browsingContext.navigate): unknown error\n"
            "Message: Error: NS_ERROR_CONNECTION_REFUSED at http://localhost:3000/\n"
            "Call log:\n  - navigating to \"http://localhost:3000/\", waiting until \"load\"\n")
    assert str(page_open_failure("firefox", "http://localhost:3000/", text)) == \
        "firefox: cannot open the page http://localhost:3000/: NS_ERROR_CONNECTION_REFUSED"

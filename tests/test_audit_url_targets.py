"""The audit against an API by URL on loopback: over TLS with a throwaway CA
it works as over plain http; an https hostile page calling a plain-http API
is mixed content where the engine says so (WebKitGTK, even for loopback):
inconclusive there, neither a finding nor a pass."""
from __future__ import annotations

import argparse
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from e2e.audit.command import plan_from, register, run_audit
from e2e.audit.judge import INCONCLUSIVE, READ_WITH_CREDENTIALS

ENGINES = ["chromium", "firefox", "webkit"]
FIREFOX_REFUSES = {"https://app.example.com`.attacker.example", "https://app.example.com}.attacker.example"}


def engines_for(origin: str) -> list[str]:
    return [e for e in ENGINES if not (e == "firefox" and origin in FIREFOX_REFUSES)]
APP = "https://app.example.com"


def parse(*args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["audit", *args])


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    """origin-reflect on the local gateway, called by URL: http://127.0.0.1:P/prod."""
    from e2e.gateway import LocalGateway, load_api

    with LocalGateway() as gateway:
        yield gateway.add(load_api("origin-reflect", variables={"allowed_origin": "http://localhost:1"})).base_url


@pytest.fixture(scope="module")
def tls_url(api_url: str) -> Iterator[str]:
    """The same API behind TLS on loopback, its certificate from a throwaway CA."""
    from e2e.origins import OriginServer
    from frontend_stub.app import create_app

    parts = urlsplit(api_url)
    with OriginServer(create_app(), ["https://tls-front.example"]) as server:
        yield server.https_front(parts.port or 80) + parts.path


def audit(url: str) -> dict:
    plan, _ = plan_from(parse(url + "/items", "--origin", APP))
    result, _ = run_audit(plan, ENGINES, explicit=True)
    assert not result.run.engine_errors, result.run.engine_errors
    return result.to_json()


@pytest.fixture(scope="module")
def over_tls(tls_url: str) -> dict:
    assert tls_url.startswith("https://127.0.0.1:")
    return audit(tls_url)


@pytest.fixture(scope="module")
def over_http(api_url: str) -> dict:
    assert api_url.startswith("http://127.0.0.1:")
    return audit(api_url)


def test_over_tls_every_hostile_origin_reads_with_credentials_in_every_engine(over_tls: dict) -> None:
    assert over_tls["target"].startswith("https://127.0.0.1:")
    assert len(over_tls["findings"]) == over_tls["summary"]["hostile_origins"] == 11
    for f in over_tls["findings"]:
        assert f["readable_in"] == {e: READ_WITH_CREDENTIALS for e in engines_for(f["origin"])}, f
        assert f["page_origins"] == {e: [f["origin"]] for e in engines_for(f["origin"])}
        assert f["severity"] == "high"
    assert over_tls["warnings"] == []


def test_over_http_an_https_page_is_mixed_content_in_webkit_not_a_finding_nor_a_pass(over_http: dict) -> None:
    https_pages = [o for o in over_http["origins"] if o["served_at"].startswith("https:")]
    assert len(https_pages) == 9
    for row in https_pages:
        st = row["engines"]["webkit"]
        assert st["state"] == INCONCLUSIVE and st["reason"].startswith("mixed content"), row
    for f in over_http["findings"]:
        if f["origin"] in {o["origin"] for o in https_pages}:
            assert "webkit" not in f["readable_in"] and "webkit" not in f["not_readable_in"]
            assert f["inconclusive_in"]["webkit"].startswith("mixed content")
    assert any("webkit" in w and "inconclusive" in w for w in over_http["warnings"])


def test_over_http_loopback_is_no_mixed_content_in_chromium_and_firefox(over_http: dict) -> None:
    # http://127.0.0.1 is potentially trustworthy: an https page may call it there.
    for f in over_http["findings"]:
        for engine in {"chromium", "firefox"} & set(engines_for(f["origin"])):
            assert f["readable_in"].get(engine) == READ_WITH_CREDENTIALS, (f["origin"], engine)


def test_over_http_an_http_page_reads_in_every_engine(over_http: dict) -> None:
    by_origin = {f["origin"]: f for f in over_http["findings"]}
    for origin in ("http://app.example.com", "null"):    # the null page's parent is http, as the API
        assert by_origin[origin]["readable_in"] == {e: READ_WITH_CREDENTIALS for e in ENGINES}

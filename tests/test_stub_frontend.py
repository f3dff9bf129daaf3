"""The stub frontend serves its page and probe script from two distinct
loopback origins (different hosts, so different sites too), bound to 127.0.0.1 only."""
from __future__ import annotations

import urllib.request

from frontend_stub.app import StubFrontend


def test_it_serves_two_distinct_origins_on_loopback() -> None:
    with StubFrontend() as stub:
        assert stub.allowed_origin.startswith("http://localhost:")
        assert stub.denied_origin.startswith("http://127.0.0.1:")
        assert stub.allowed_origin.split(":")[-1] != stub.denied_origin.split(":")[-1]
        for listener in stub._listeners:
            assert listener.server.server_address[0] == "127.0.0.1"


def test_both_origins_serve_the_page_and_the_probe() -> None:
    with StubFrontend() as stub:
        for origin in (stub.allowed_origin, stub.denied_origin):
            url = origin.replace("localhost", "127.0.0.1")
            page = urllib.request.urlopen(url + "/").read().decode()
            assert '<script src="/probe.js">' in page
            probe = urllib.request.urlopen(url + "/probe.js")
            assert probe.headers["Content-Type"].startswith("text/javascript")
            text = probe.read().decode()
            assert "window.corsProbe" in text and 'mode: "cors"' in text


def test_closing_stops_both_listeners() -> None:
    stub = StubFrontend().start()
    port = int(stub.denied_origin.rsplit(":", 1)[1])
    stub.close()
    import socket

    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0

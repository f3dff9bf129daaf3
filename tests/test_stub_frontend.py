"""The stub frontend serves its page and probe script from two distinct
loopback origins (different hosts, so different sites too), bound to 127.0.0.1 only."""
from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest

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


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on 127.0.0.1:port, from /proc/net/tcp."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(local.split(":")[1], 16) == port:
            inodes.add(inode)
    return inodes


def _our_socket_inodes() -> set[str]:
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def test_closing_stops_both_listeners() -> None:
    stub = StubFrontend().start()
    listeners = list(stub._listeners)
    ports = [listener.server.server_port for listener in listeners]
    for port in ports:
        assert _listening_inodes(port) & _our_socket_inodes(), "not listening before close()"
    stub.close()
    for listener, port in zip(listeners, ports):
        assert listener.server.socket.fileno() == -1
        assert not listener.thread.is_alive()
        # Another program may bind a freed port at once; what matters is that
        # no listening socket of ours is left on it.
        assert not _listening_inodes(port) & _our_socket_inodes()


@pytest.mark.browser
def test_the_page_shows_the_last_cell_without_its_query_or_password() -> None:
    """#last-cell is what an evidence screenshot shows: origin and path only."""
    import threading

    shown: dict[str, str] = {}

    def look() -> None:
        from playwright.sync_api import sync_playwright

        with StubFrontend() as stub, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--disable-background-networking"])
            try:
                page = browser.new_page()
                page.goto(stub.allowed_origin + "/")
                page.wait_for_function("window.corsProbeReady === true")
                page.evaluate("spec => window.corsProbe(spec)", {
                    "url": f"{stub.denied_origin}/nothing?access_token=TOKENSECRET", "method": "GET",
                    "credentials": "omit", "timeoutMs": 3000})
                shown["text"] = page.inner_text("#last-cell")
            finally:
                browser.close()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(120)
    assert "/nothing" in shown["text"] and "TOKENSECRET" not in shown["text"]

"""The stub frontend serves its page and probe script from two distinct
loopback origins (different hosts, so different sites too), bound to 127.0.0.1 only."""
from __future__ import annotations

import os
import urllib.request
from pathlib import Path

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

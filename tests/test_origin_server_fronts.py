"""TLS fronts for https pages are asked for by every engine's thread at once:
each plain-HTTP port gets exactly one front, and every front serves a
certificate from the run's CA that matches its key."""
from __future__ import annotations

import http.client
import socket
import ssl
import threading

from e2e.origins import OriginServer
from frontend_stub.app import StubFrontend, create_app


def _get_through(url: str, ca: object) -> int:
    host, port = url.removeprefix("https://").split(":")
    context = ssl.create_default_context()
    ca.configure_trust(context)  # type: ignore[attr-defined]
    conn = http.client.HTTPSConnection(host, int(port), context=context, timeout=10)
    try:
        conn.request("GET", "/probe.js")
        return conn.getresponse().status
    finally:
        conn.close()


def test_concurrent_requests_get_one_working_front_per_port() -> None:
    with StubFrontend() as a, StubFrontend() as b, \
            OriginServer(create_app(), ["https://app.example.com"]) as server:
        ports = [int(o.rsplit(":", 1)[1]) for o in (a.allowed_origin, a.denied_origin,
                                                   b.allowed_origin, b.denied_origin)]
        asked = ports * 4
        start = threading.Barrier(len(asked))
        answers: dict[int, str] = {}
        errors: list[BaseException] = []
        lock = threading.Lock()

        def ask(port: int) -> None:
            try:
                start.wait()
                url = server.https_front(port)
                with lock:
                    answers.setdefault(port, url)
                    if answers[port] != url:
                        errors.append(AssertionError(f"two fronts for port {port}"))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=ask, args=(p,)) for p in asked]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors
        assert len(set(answers.values())) == len(ports)
        for url in answers.values():
            assert _get_through(url, server._ca) == 200


def _closed_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    return sock


def _ask_proxy(server: OriginServer, request: bytes) -> bytes:
    port = int(server.proxy_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        reply = b""
        while chunk := conn.recv(4096):
            reply += chunk
    return reply


def test_the_proxy_never_answers_for_an_api_it_cannot_reach() -> None:
    """A 502 of the proxy's own would have no CORS headers and read as a CORS
    block; an unreachable API must reach the browser as a network error."""
    with OriginServer(create_app(), ["http://app.example.com"]) as server, _closed_port() as closed:
        port = closed.getsockname()[1]
        plain = _ask_proxy(server, f"GET http://127.0.0.1:{port}/items HTTP/1.1\r\n"
                                   f"Host: 127.0.0.1:{port}\r\n\r\n".encode())
        assert plain == b""  # the connection just drops
        tunnel = _ask_proxy(server, f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\n\r\n".encode())
        assert tunnel.startswith(b"HTTP/1.1 502 ")  # a failed tunnel, which browsers report as such


def test_a_pipe_carries_bytes_when_the_process_holds_over_1024_descriptors() -> None:
    """Three engines' pages, TLS fronts and Lambda workers take a default run
    past 1024 descriptors; select() refused such sockets ("filedescriptor out
    of range") and the browsers saw reset connections as network errors."""
    import os
    import resource
    import socket
    import threading

    from e2e.origins import _pipe

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1300:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1300, hard), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    client, front_side = socket.socketpair()
    upstream_side, api = socket.socketpair()
    try:
        assert front_side.fileno() > 1024 and upstream_side.fileno() > 1024
        piping = threading.Thread(target=_pipe, args=(front_side, upstream_side), daemon=True)
        piping.start()
        client.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert api.recv(64) == b"GET / HTTP/1.1\r\n\r\n"
        api.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
        assert client.recv(64) == b"HTTP/1.1 204 No Content\r\n\r\n"
        client.close()
        piping.join(10)
        assert not piping.is_alive()
    finally:
        for fd in held:
            os.close(fd)
        for s in (client, front_side, upstream_side, api):
            s.close()

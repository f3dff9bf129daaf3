"""TLS fronts for https pages are asked for by every engine's thread at once:
each plain-HTTP port gets exactly one front, and every front serves a
certificate from the run's CA that matches its key."""
from __future__ import annotations

import http.client
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

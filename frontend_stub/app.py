"""The stub frontend: a Flask app serving a page and its probe script.

It listens on two loopback origins at once. The *allowed* origin
(``http://localhost:P``) is the one fixture APIs put in their allowlist; the
*denied* origin (``http://127.0.0.1:Q``) is another origin and another site,
which no fixture API lists.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, send_from_directory
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

STATIC = Path(__file__).parent / "static"
LOOPBACK = "127.0.0.1"


def create_app() -> Flask:
    app = Flask(__name__, static_folder=None)

    @app.get("/")
    def index() -> Response:
        return _no_store(send_from_directory(STATIC, "index.html"))

    @app.get("/probe.js")
    def probe() -> Response:
        return _no_store(send_from_directory(STATIC, "probe.js", mimetype="text/javascript"))

    # The opaque-origin page (e2e.scenarios.OPAQUE_PAGE): the fetch runs in a
    # sandboxed iframe, whose requests carry Origin: null.
    @app.get("/opaque")
    def opaque() -> Response:
        return _no_store(send_from_directory(STATIC, "opaque.html"))

    @app.get("/opaque-frame.html")
    def opaque_frame() -> Response:
        return _no_store(send_from_directory(STATIC, "opaque-frame.html"))

    @app.get("/opaque.js")
    def opaque_script() -> Response:
        return _no_store(send_from_directory(STATIC, "opaque.js", mimetype="text/javascript"))

    @app.get("/favicon.ico")
    def favicon() -> Response:
        # Answer instead of 404 so the browser's console holds only the cells' messages.
        return Response(status=204)

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


@dataclass
class _Listener:
    server: BaseWSGIServer
    thread: threading.Thread


class _QuietHandler(WSGIRequestHandler):
    disable_nagle_algorithm = True   # no delayed-ACK wait between a response's writes

    def log_request(self, *args: object, **kwargs: object) -> None:
        pass  # one line per probe page load is noise in a run's output


class StubFrontend:
    """Serves the stub page on two origins; use as a context manager."""

    def __init__(self, allowed_host: str = "localhost") -> None:
        self._app = create_app()
        self._allowed_host = allowed_host
        self._listeners: list[_Listener] = []
        self.allowed_origin = ""
        self.denied_origin = ""

    def _listen(self) -> int:
        # Bind loopback only; "localhost" in the allowed origin resolves here too.
        server = make_server(LOOPBACK, 0, self._app, threaded=True,
                             request_handler=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  name="stub-frontend", daemon=True)
        thread.start()
        self._listeners.append(_Listener(server, thread))
        return server.server_port

    def start(self) -> "StubFrontend":
        self.allowed_origin = f"http://{self._allowed_host}:{self._listen()}"
        self.denied_origin = f"http://{LOOPBACK}:{self._listen()}"
        return self

    def close(self) -> None:
        for listener in self._listeners:
            listener.server.shutdown()
            listener.server.server_close()
            listener.thread.join(timeout=5)
        self._listeners.clear()

    def __enter__(self) -> "StubFrontend":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

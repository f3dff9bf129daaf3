"""A raw HTTP client for the gateway tests: exact status, headers and bytes."""
from __future__ import annotations

import http.client
import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from typing import Any

from e2e.gateway import RunningApi

FRONTEND = "http://localhost:41234"      # stands in for the stub frontend's origin
# Each invocation of the test authorizer appends a line here (tests/gateway/lambdas/token_auth.py),
# so a test can tell whether the gateway invoked it; one file per test process.
AUTHORIZER_LOG = os.path.join(tempfile.gettempdir(), f"cors-e2e-authorizer-{uuid.uuid4().hex}.log")
VARIABLES = {"allowed_origin": FRONTEND, "authorizer_log": AUTHORIZER_LOG}


def authorizer_calls() -> int:
    """How many times the test authorizer has run so far."""
    try:
        with open(AUTHORIZER_LOG, encoding="utf-8") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None

    def header_names(self) -> set[str]:
        return {k.lower() for k, _ in self.headers}

    def cors_headers(self) -> dict[str, str]:
        return {k: v for k, v in self.headers if k.lower().startswith("access-control-")}

    def json(self) -> Any:
        return json.loads(self.body)


def call(api: RunningApi, method: str, path: str, headers: dict[str, str] | None = None,
         body: str | bytes | None = None, timeout: float = 10, below_stage: bool = True) -> Response:
    """One raw request to ``api.base_url + path`` (path may carry a query);
    ``below_stage=False`` sends ``path`` as it is, without the stage prefix."""
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=timeout)
    try:
        url = (api.base_url.split(str(api.port), 1)[1] + path) if below_stage else path
        conn.request(method, url, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Response(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()


def preflight(api: RunningApi, path: str, origin: str, method: str = "GET",
              request_headers: str | None = None) -> Response:
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers:
        headers["Access-Control-Request-Headers"] = request_headers
    return call(api, "OPTIONS", path, headers)



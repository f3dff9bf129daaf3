"""The same check against the real cloud (issue 6; style: an opt-in marker
switched on by an environment variable): deploy two fixture APIs to a real
account, generate their scenario files from the live configuration, run them
in Chromium from the stub frontend, tear down.

Opt in with CORS_E2E_AWS=1 plus credentials and a region in the standard
chain. It creates Lambdas, an IAM role and two APIs in its own stack
(cors-e2e-test-XXXXXX) and deletes them afterwards, even when it fails. API
Gateway's control-plane quotas (one DeleteRestApi per 30 s per account) make
teardown take a minute or so.
"""
from __future__ import annotations

import os
import socket
import time
import urllib.error
import urllib.request
import uuid

import pytest

pytestmark = pytest.mark.aws

ENABLED = os.environ.get("CORS_E2E_AWS") == "1"
WHY = "runs against a real AWS account: set CORS_E2E_AWS=1 (with AWS credentials and a region) to opt in"
FIXTURES = ["reference", "reference-http"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_served(url: str, limit_s: float = 90) -> None:
    """A new stage can take a few seconds before it answers."""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=10).close()
            return
        except urllib.error.HTTPError as exc:
            if exc.code < 500 and exc.code != 403:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer within {limit_s:.0f} s of deploying")
        time.sleep(3)


@pytest.mark.skipif(not ENABLED, reason=WHY)
def test_deployed_fixtures_behave_in_a_browser_as_their_configuration_says(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from werkzeug.serving import make_server

    import e2e.environment
    from e2e.aws.config import read_config
    from e2e.aws.deploy import FixtureDeployer
    from e2e.aws.inspect import inspect_config
    from e2e.aws.scenarios_from import build_scenarios, write_scenarios
    from e2e.aws.session import Aws
    from e2e.aws.target import parse_target, resolve
    from e2e.aws.teardown import teardown
    from e2e.runner import MatrixRun
    from e2e.scenarios import load_scenarios
    from frontend_stub import app as stub_app

    port = free_port()
    frontend = f"http://localhost:{port}"

    class StubOnFixedPort(stub_app.StubFrontend):
        """The deployed APIs allow one fixed origin, so the stub's allowed
        origin must listen on that port (the stub itself picks a free one)."""

        def start(self) -> "StubOnFixedPort":
            server = make_server(stub_app.LOOPBACK, port, self._app, threaded=True,
                                 request_handler=stub_app._QuietHandler)
            import threading
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._listeners.append(stub_app._Listener(server, thread))
            self.allowed_origin = frontend
            self.denied_origin = f"http://{stub_app.LOOPBACK}:{self._listen()}"
            return self

    monkeypatch.setattr(e2e.environment, "StubFrontend", StubOnFixedPort)
    aws = Aws()
    stack = f"cors-e2e-test-{uuid.uuid4().hex[:6]}"
    try:
        deployed = FixtureDeployer(aws, stack=stack, allowed_origin=frontend, say=print).deploy(FIXTURES)
        for d in deployed:
            api = resolve(aws, parse_target(f"aws:{d.kind}/{d.api_id}/{d.stage}"))
            config = read_config(aws, api)
            # Only what inspect says of every proxy-Lambda REST API without CORS on DEFAULT_5XX.
            assert [(f.code, f.resource) for f in inspect_config(config, [frontend]).findings
                    if f.resource != "gatewayResponses/DEFAULT_5XX"] == []
            path = tmp_path / f"{d.fixture}.yaml"
            write_scenarios(build_scenarios(config, ["stub:allowed"], ["stub:denied"]), str(path))
            wait_until_served(d.url + "/items")
            result = MatrixRun(sfile=load_scenarios(path), browsers=["chromium"], explicit_browsers=True).run()
            assert not result.engine_errors, result.engine_errors
            assert result.cells and not result.mismatches, [
                (c.id, c.verdict, c.reason) for c in result.mismatches]
    finally:
        teardown(aws, stack, say=print)

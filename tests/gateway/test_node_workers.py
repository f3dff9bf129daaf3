"""Node.js handlers (ES modules) run in warm `node` workers with the same
timeout and crash handling as Python ones."""
from conftest import process_gone

from .httpclient import FRONTEND, call


def test_a_node_handler_answers_from_a_warm_worker(apis):
    first = call(apis["node-lab"], "GET", "/lab?do=context").json()
    second = call(apis["node-lab"], "GET", "/lab?do=context").json()
    assert first["pid"] == second["pid"]
    assert first["functionName"] == "lab"
    assert 0 < first["remaining"] <= 1000


def test_a_node_handler_that_throws_gives_502(apis):
    assert call(apis["node-lab"], "GET", "/lab?do=raise").status == 502


def test_a_node_worker_that_exits_is_replaced(apis):
    assert call(apis["node-lab"], "GET", "/lab?do=exit").status == 502
    assert call(apis["node-lab"], "GET", "/lab").body == b"node"


def test_a_busy_looping_node_handler_is_killed_at_its_timeout(apis, tmp_path):
    pidfile = tmp_path / "pid"
    # Only a kill ends a busy loop: the 502 came from the timeout, and the worker is gone.
    assert call(apis["node-lab"], "GET", f"/lab?do=spin&pidfile={pidfile}").status == 502
    assert process_gone(int(pidfile.read_text()))
    assert call(apis["node-lab"], "GET", "/lab").status == 200


def test_console_log_does_not_corrupt_the_response(apis):
    assert call(apis["node-lab"], "GET", "/lab?do=print").body == b"node"


def test_the_node_reference_keeps_cors_headers_on_its_error_paths(apis):
    for method, path, body, status in [("GET", "/items", None, 200), ("POST", "/items", "{nope", 400),
                                       ("PUT", "/items?fail=1", None, 500)]:
        resp = call(apis["reference-node"], method, path, {"Origin": FRONTEND}, body=body)
        assert resp.status == status
        assert resp.header("Access-Control-Allow-Origin") == FRONTEND
        assert resp.header("Access-Control-Allow-Credentials") == "true"
        assert resp.header("Vary") == "Origin"


def test_the_node_reference_sends_no_allow_origin_to_a_foreign_origin(apis):
    resp = call(apis["reference-node"], "GET", "/items", {"Origin": "https://evil.example"})
    assert resp.header("Access-Control-Allow-Origin") is None

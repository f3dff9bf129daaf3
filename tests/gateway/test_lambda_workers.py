"""Handlers run in real, warm worker processes; a worker that hangs or dies is
replaced and the gateway keeps serving."""
import concurrent.futures

from conftest import process_gone

from .httpclient import call


def test_a_warm_worker_serves_consecutive_requests(apis):
    first = call(apis["lab"], "GET", "/lab?do=context").json()
    second = call(apis["lab"], "GET", "/lab?do=context").json()
    assert first["pid"] == second["pid"]
    assert first["function_name"] == "lab"
    assert first["memory"] == "128"
    assert 0 < first["remaining"] <= 1000
    assert first["aws_request_id"] != second["aws_request_id"]


def test_a_handler_running_past_its_timeout_gives_502_and_the_next_request_is_served(apis, tmp_path):
    release, done, pidfile = tmp_path / "release", tmp_path / "done", tmp_path / "pid"
    # Never released: only the 1 s timeout can end this invocation.
    slow = call(apis["lab"], "GET", f"/lab?do=wait&release={release}&done={done}&pidfile={pidfile}")
    assert slow.status == 502
    assert not done.exists()                       # it did not finish: it was stopped
    assert process_gone(int(pidfile.read_text()))  # its worker was killed, not left waiting
    after = call(apis["lab"], "GET", "/lab?do=context")
    assert after.status == 200
    assert after.json()["pid"] != int(pidfile.read_text())


def test_a_worker_that_exits_is_replaced(apis):
    before = call(apis["lab"], "GET", "/lab?do=context").json()["pid"]
    assert call(apis["lab"], "GET", "/lab?do=exit").status == 502
    after = call(apis["lab"], "GET", "/lab?do=context")
    assert after.status == 200
    assert after.json()["pid"] != before


def test_print_in_a_handler_does_not_corrupt_the_response(apis):
    resp = call(apis["lab"], "GET", "/lab?do=print")
    assert (resp.status, resp.body) == (200, b"printed")


def test_concurrent_invocations_run_in_parallel_workers(apis, tmp_path):
    def meet(directory):
        directory.mkdir()
        url = f"/lab?do=meet&n=3&dir={directory}"
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            return list(pool.map(lambda _: call(apis["lab"], "GET", url), range(3)))

    # The first round may wait on cold starts; the second runs on warm workers.
    assert [r.status for r in meet(tmp_path / "warm-up")] == [200, 200, 200]
    results = [r.json() for r in meet(tmp_path / "measured")]
    assert [r["met"] for r in results] == [True, True, True]   # all three ran at once
    assert len({r["pid"] for r in results}) == 3

"""close() stops the servers and kills every Lambda worker: no stray processes,
even when called twice."""
import os
import threading
import time
from pathlib import Path

from e2e.gateway import LocalGateway, load_api

from .httpclient import VARIABLES, call

LAB = Path(__file__).parent / "apis" / "lab.yaml"


def worker_pids(marker: str) -> set[int]:
    """Our own child processes whose command line mentions marker."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if marker in cmdline and "bootstrap_python" in cmdline and stat.split()[2] != "Z":
            pids.add(int(entry.name))
    return pids


def test_close_kills_idle_and_busy_workers_and_can_be_called_twice():
    gw = LocalGateway()
    api = gw.add(load_api(LAB, variables=VARIABLES))
    pid = call(api, "GET", "/lab?do=context").json()["pid"]
    assert pid in worker_pids("tests/gateway/lambdas")
    outcome: list[object] = []

    def busy_call() -> None:
        # The in-flight request ends either way: a 502 when the worker is killed
        # first, or a dropped connection when the server closes first.
        try:
            outcome.append(call(api, "GET", "/lab?do=sleep&seconds=0.9").status)
        except OSError as exc:
            outcome.append(exc)

    busy = threading.Thread(target=busy_call, daemon=True)
    busy.start()
    time.sleep(0.2)
    gw.close()
    gw.close()
    busy.join(timeout=3)
    assert not busy.is_alive(), "a request in flight was left hanging by close()"
    assert outcome and (outcome[0] == 502 or isinstance(outcome[0], OSError)), outcome
    deadline = time.monotonic() + 2
    while pid in worker_pids("tests/gateway/lambdas") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid not in worker_pids("tests/gateway/lambdas")
    assert not _alive(pid)


def test_an_invocation_reaching_a_closed_function_ends_as_a_crash():
    """A request already inside the gateway when it shuts down gets the 502 of a
    runtime that exited, not a gateway error."""
    from e2e.gateway.lambda_runtime import LambdaService

    lambdas = LambdaService(load_api(LAB, variables=VARIABLES).functions)
    lambdas.close()
    invocation = lambdas.invoke("lab", {}, "request-1").result(timeout=10)
    assert invocation.outcome == "crash"
    assert invocation.error == {"errorType": "Runtime.ExitError",
                                "errorMessage": "RequestId: request-1 Error: Runtime exited"}


def test_a_closed_gateway_refuses_connections():
    with LocalGateway() as gw:
        api = gw.add(load_api(LAB, variables=VARIABLES))
    try:
        call(api, "GET", "/lab", timeout=1)
    except OSError:
        return
    raise AssertionError("the server still answers after close()")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"

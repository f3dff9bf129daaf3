"""The servers' exchange log: indexed by cell token as entries arrive, a waiter
woken by the entry itself (not a poll), and bounded memory for long runs."""
from __future__ import annotations

import threading
import urllib.request

from e2e.exchange import CELL_PARAM, Exchange
from e2e.exchange_log import ExchangeLog, cell_token
from e2e.scripted import ScriptedServer


def _exchange(query: str, path: str = "/p") -> Exchange:
    return Exchange(method="GET", path=path, query=query, request_headers=[], status=200,
                    response_headers=[], body="", layer="scripted")


def test_the_token_is_read_from_the_query_as_sent() -> None:
    assert cell_token(f"a=1&{CELL_PARAM}=abc&b=2") == "abc"
    assert cell_token(f"{CELL_PARAM}=x%20y") == "x y"
    assert cell_token("a=1") is None
    assert cell_token(f"not-{CELL_PARAM}x=1") is None


def test_a_cell_finds_its_own_exchanges_in_arrival_order() -> None:
    log = ExchangeLog()
    log.append(_exchange(f"{CELL_PARAM}=one", "/first"))
    log.append(_exchange(f"{CELL_PARAM}=two", "/other"))
    log.append(_exchange(f"x=1&{CELL_PARAM}=one", "/second"))
    log.append(_exchange("untagged=1"))
    assert [e.path for e in log.for_token("one")] == ["/first", "/second"]
    assert [e.path for e in log.matching(CELL_PARAM, "two")] == ["/other"]
    assert len(log.matching(CELL_PARAM)) == 3          # any value of the parameter
    assert [e.path for e in log.matching("untagged")] == ["/p"]
    assert len(log.all()) == 4


def test_a_waiter_is_woken_by_the_exchange_it_waits_for() -> None:
    log = ExchangeLog()
    waiting = threading.Event()
    got: list[list[Exchange]] = []

    def waiter() -> None:
        waiting.set()
        got.append(log.wait_for("late", timeout_s=60))

    thread = threading.Thread(target=waiter)
    thread.start()
    waiting.wait()
    log.append(_exchange(f"{CELL_PARAM}=someone-else"))
    log.append(_exchange(f"{CELL_PARAM}=late", "/late"))
    thread.join(60)
    assert not thread.is_alive()
    assert [e.path for e in got[0]] == ["/late"]


def test_a_waiter_gives_up_empty_handed_when_nothing_comes() -> None:
    assert ExchangeLog().wait_for("never", timeout_s=0.01) == []


def test_memory_stays_bounded_over_a_long_run() -> None:
    log = ExchangeLog(limit=50, max_tokens=10)
    for i in range(1000):
        log.append(_exchange(f"{CELL_PARAM}=t{i}"))
    assert len(log.all()) == 50
    assert log.tokens() == 10
    assert log.for_token("t0") == [] and len(log.for_token("t999")) == 1
    log.forget("t999", "t998")
    assert log.tokens() == 8 and log.for_token("t999") == []


def test_the_scripted_server_indexes_what_it_serves() -> None:
    with ScriptedServer() as server:
        server.script("/x", {"actual": {"status": 200, "body": "ok"}})
        for token in ("a", "b", "a"):
            urllib.request.urlopen(f"{server.base_url}/x?{CELL_PARAM}={token}", timeout=10).read()
        assert len(server.log.wait_for("a", timeout_s=5)) == 2
        assert len(server.exchanges(CELL_PARAM, "b")) == 1
        server.log.forget("a")
        assert server.exchanges(CELL_PARAM, "a") == []

"""Progress while a run goes (issue 8): one line redrawn in place on a
terminal, plain lines now and then in a CI log, nothing in quiet mode; safe
to call from the engines' threads at once."""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from e2e.progress import Progress


@dataclass
class Done:
    browser: str
    match: bool = True


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_line_redrawn_in_place_and_cleared_at_the_end() -> None:
    out = Terminal()
    clock = FakeClock()
    p = Progress({"chromium": 2, "firefox": 1}, stream=out, clock=clock)
    assert p.tty
    p.engine_started("chromium", "Chromium 1")
    p.cell_done(Done("chromium"))
    clock.now += 1
    p.cell_done(Done("firefox", match=False))
    clock.now += 1
    p.cell_done(Done("chromium"))
    p.close()
    text = out.getvalue()
    assert "\n" not in text
    frames = [f for f in text.split("\r") if f]
    assert frames == ["1/3 cells  chromium 1/2  firefox 0/1\x1b[K",
                      "2/3 cells  chromium 1/2  firefox 1/1  1 differ\x1b[K",
                      "3/3 cells  chromium 2/2  firefox 1/1  1 differ\x1b[K",
                      "\x1b[K"]


def test_a_terminal_is_not_redrawn_for_every_cell() -> None:
    out = Terminal()
    clock = FakeClock()
    p = Progress({"chromium": 100}, stream=out, clock=clock, redraw_s=0.1)
    for _ in range(50):
        p.cell_done(Done("chromium"))
        clock.now += 0.01
    assert 3 <= out.getvalue().count("\r") <= 7


def test_a_log_gets_plain_lines_now_and_then_and_when_an_engine_finishes() -> None:
    out = io.StringIO()
    clock = FakeClock()
    p = Progress({"chromium": 3, "webkit": 2}, stream=out, clock=clock, interval_s=10)
    assert not p.tty
    p.engine_started("chromium", "Chromium 1")
    for browser, dt in (("chromium", 11), ("chromium", 1), ("webkit", 11), ("chromium", 1), ("webkit", 1)):
        clock.now += dt
        p.cell_done(Done(browser))
    p.close()
    assert out.getvalue().splitlines() == [
        "cors-e2e: chromium started: Chromium 1",
        "cors-e2e: 1/5 cells  chromium 1/3  webkit 0/2",
        "cors-e2e: 3/5 cells  chromium 2/3  webkit 1/2",
        "cors-e2e: chromium finished: 3/3 cells",
        "cors-e2e: webkit finished: 2/2 cells",
        "cors-e2e: 5/5 cells  chromium 3/3  webkit 2/2",
    ]


def test_an_engine_that_cannot_start_shows_as_failed() -> None:
    out = io.StringIO()
    p = Progress({"chromium": 1, "webkit": 4}, stream=out)
    p.engine_failed("webkit", "webkit: not installed")
    p.cell_done(Done("chromium"))
    p.close()
    lines = out.getvalue().splitlines()
    assert "cors-e2e: webkit did not run: webkit: not installed" in lines
    assert lines[-1] == "cors-e2e: 1/5 cells  chromium 1/1  webkit failed"


def test_quiet_mode_prints_nothing() -> None:
    for stream in (io.StringIO(), Terminal()):
        with Progress({"chromium": 2}, stream=stream, quiet=True) as p:
            p.engine_started("chromium", "Chromium 1")
            p.cell_done(Done("chromium", match=False))
            p.engine_failed("firefox", "no")
            p.cell_done("chromium")
        assert stream.getvalue() == ""


def test_engines_reporting_from_many_threads_count_every_cell() -> None:
    out = io.StringIO()
    engines = {f"engine{i}": 500 for i in range(4)}
    p = Progress(engines, stream=out, interval_s=0.0)
    barrier = threading.Barrier(len(engines))

    def work(name: str) -> None:
        barrier.wait()
        for i in range(engines[name]):
            p.cell_done(Done(name, match=i % 2 == 0))

    threads = [threading.Thread(target=work, args=(n,)) for n in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    p.close()
    assert p.done == engines and p.differ == 1000
    lines = out.getvalue().splitlines()
    assert all(line.startswith("cors-e2e: ") for line in lines)  # no two writes interleaved
    assert lines[-1] == "cors-e2e: 2000/2000 cells  engine0 500/500  engine1 500/500  engine2 500/500  " \
                        "engine3 500/500  1000 differ"


def test_a_broken_stream_never_stops_a_run() -> None:
    out = io.StringIO()
    out.close()
    p = Progress({"chromium": 2}, stream=out, tty=False, interval_s=0.0)
    p.engine_started("chromium", "Chromium 1")   # each of these writes a line: none may raise
    p.cell_done(Done("chromium", match=False))
    p.engine_failed("firefox", "no")
    p.cell_done(Done("chromium"))
    p.close()
    assert p.done == {"chromium": 2} and p.differ == 1   # and the counting went on

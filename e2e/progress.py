"""Progress while a run goes: cells done out of total, per engine.

On a terminal it is one line, redrawn in place; in a CI log (stderr is not a
TTY) a plain line now and then, plus one when an engine finishes, so a log
neither floods nor stays silent for long; in quiet mode nothing at all.

Engines run in threads of their own, so every method takes a lock. It plugs
into ``MatrixRun(on_result=progress.cell_done, on_engine=progress.engine_started)``.
"""
from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TextIO


class Progress:
    def __init__(self, totals: Mapping[str, int], *, stream: TextIO | None = None, quiet: bool = False,
                 tty: bool | None = None, interval_s: float = 15.0, redraw_s: float = 0.1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """``totals``: cells to run per engine, in display order. ``tty``: force
        the terminal (True) or log (False) style; by default the stream decides.
        ``interval_s``: the most a log goes without a line while cells finish.
        ``redraw_s``: the least time between two redraws of the terminal line."""
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.tty = _isatty(self.stream) if tty is None else tty
        self.interval_s = interval_s
        self.redraw_s = redraw_s
        self.clock = clock
        self.totals = dict(totals)
        self.done = {name: 0 for name in self.totals}
        self.differ = 0
        self.failed: dict[str, str] = {}
        self._lock = threading.Lock()
        self._last = -1e18          # when the last line was written
        self._drawn = False         # a terminal line is showing and needs clearing
        self._closed = False

    # -- events ----------------------------------------------------------------

    def engine_started(self, name: str, version: str) -> None:
        with self._lock:
            if not self.tty:
                self._write_line(f"{name} started: {version}")

    def engine_failed(self, name: str, why: str) -> None:
        with self._lock:
            self.failed[name] = why
            if not self.tty:
                self._write_line(f"{name} did not run: {why}")
            self._update(force=True)

    def cell_done(self, result: Any) -> None:
        """One cell finished: ``result`` is a CellResult (or anything with
        ``browser`` and ``match``), or an engine name."""
        name = result if isinstance(result, str) else str(getattr(result, "browser", ""))
        with self._lock:
            if self._closed:
                return
            self.done[name] = self.done.get(name, 0) + 1
            if not isinstance(result, str) and not getattr(result, "match", True):
                self.differ += 1
            finished_engine = self.done[name] == self.totals.get(name)
            if finished_engine and not self.tty:
                self._write_line(f"{name} finished: {self.done[name]}/{self.totals[name]} cells")
            self._update(force=finished_engine and self.tty)

    def close(self) -> None:
        """Finish: clear the terminal line, or write a last log line."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self.quiet:
                return
            if self.tty:
                if self._drawn:
                    self._emit("\r\x1b[K")
            elif sum(self.done.values()):
                # Nothing ran (the run failed before its first cell): nothing to report.
                self._write_line(self.line())

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- rendering -------------------------------------------------------------

    def line(self) -> str:
        """``34/80 cells  chromium 20/27  firefox 10/27  webkit 4/26  2 differ``."""
        total = sum(self.totals.values())
        done = sum(self.done.values())
        parts = [f"{done}/{total} cells"]
        for name, n in self.totals.items():
            parts.append(f"{name} failed" if name in self.failed else f"{name} {self.done.get(name, 0)}/{n}")
        parts += [f"{name} {n}" for name, n in self.done.items() if name not in self.totals]
        if self.differ:
            parts.append(f"{self.differ} differ")
        return "  ".join(parts)

    def _update(self, force: bool) -> None:
        if self.quiet or self._closed:
            return
        now = self.clock()
        if self.tty:
            if force or now - self._last >= self.redraw_s:
                width = max(20, shutil.get_terminal_size((100, 24)).columns - 1)
                self._emit("\r" + self.line()[:width] + "\x1b[K")
                self._drawn = True
                self._last = now
        elif now - self._last >= self.interval_s:
            self._write_line(self.line())

    def _write_line(self, text: str) -> None:
        if self.quiet:
            return
        if self._drawn:
            self._emit("\r\x1b[K")
            self._drawn = False
        self._emit(f"cors-e2e: {text}\n")
        self._last = self.clock()

    def _emit(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stderr must never stop a run


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False

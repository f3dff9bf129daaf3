"""Runs cells: per engine, ``jobs`` lanes for the whole run, each lane one
browser context in the engine's one browser (one WebDriver session for
WebKitGTK), one page per origin, one fetch per cell. ``run_cell`` observes a
cell (the engine's report, the target's log, a deployed API's replay) and
records what e2e.decide decides.

Cells stay independent without a new browser each: every cell's URL carries a
unique token (so no preflight-cache entry is ever reused and the servers' log
entries are the cell's own), the probe fetches with ``cache: "no-store"``, and
cookies are cleared before each cell that follows one that could have stored
a cookie (credentials other than "omit", or a session route). Lanes run side
by side, one thread each, and no two lanes share cookies: each has its own
browser context (its own cookie jar, cache and pages) or, in WebKitGTK, its
own browser. A lane takes the next cell of its engine when it is free, so a
slow cell holds up only its own lane.
"""
from __future__ import annotations

import hashlib
import random
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from e2e.decide import Decision, Seen, cookie_sent, decide, mismatch_sentence, needs_replay
from e2e.engines import EngineOptions, make_engine
from e2e.engines.base import Engine, ProbeSpec
from e2e.environment import Environment
from e2e.errors import EnvironmentProblem
from e2e.exchange import CELL_PARAM, redact_headers
from e2e.results import CellResult, RunResult
from e2e.lanes import DEFAULT_JOBS, EngineWork
from e2e.shard import Shard
from e2e.scenarios import LOCAL_TARGETS, SCRIPTED_TARGET, Cell, ScenarioFile, choose_target, expand, units
from e2e.verdict import BLOCKED, NETWORK_ERROR


def run_cell(engine: Engine, env: Environment, cell: Cell, evidence_dir: Path | None = None) -> CellResult:
    """One cell in an engine that is already started; with evidence_dir, a cell
    not as expected leaves its console log, screenshot and trace there."""
    started = time.perf_counter()
    if evidence_dir is not None:
        engine.begin_cell()
    scenario = cell.scenario
    token = uuid.uuid4().hex[:20]
    page_url = env.page_url(cell.origin)
    url = env.request_url(scenario, token, page_url, group=env.group_token(cell.unit) if cell.unit else None)
    session_url = None
    if scenario.session:
        # Its own token, so the session exchange is not mistaken for the cell's;
        # the cookie's value is the cell's token, so a stale cookie never counts.
        base = env.base_url(scenario, page_url) + scenario.session
        session_url = f"{base}{'&' if '?' in base else '?'}{CELL_PARAM}={token}s&value={token}"
    spec = ProbeSpec(url=url, method=scenario.method, headers=dict(scenario.headers),
                     body=scenario.body, credentials=cell.credentials, timeout_ms=scenario.timeout_ms,
                     session_url=session_url,
                     reach_url=env.api.reach_url(url) if env.api else None)
    if engine.cookies_may_be_set:
        engine.reset_state()
    engine.cookies_may_be_set = cell.credentials != "omit" or session_url is not None
    obs = engine.probe(page_url, spec)
    # -- the observation: what the engine and the target saw -------------------
    rejected = obs.outcome != "resolved"
    recorded = env.exchanges(token, settle_s=0.05 if rejected else 0.0)
    # The origin the page itself reports (location.origin), not the one we meant.
    page_origin = str(obs.probe.get("pageOrigin") or page_url.rstrip("/"))
    replayed = []
    if env.api is not None and needs_replay(cell, obs, recorded, url, page_origin):
        # A deployed API keeps no log we can read: replay the cell's requests
        # from outside the browser with the page's Origin to see what it answers.
        replayed = env.api.replay(spec, page_origin)
    sent = None
    if scenario.session and recorded is not None and env.has_server_log:
        sent = cookie_sent(recorded, token)
    seen = Seen(obs=obs, url=url, page_origin=page_origin, target_kind=env.target_kind(scenario),
                recorded=recorded, replayed=replayed, cookie_sent=sent)
    # -- the decision, once; the record is built from it -----------------------
    decision = decide(cell, seen)
    res = _record(cell, seen, decision)
    env.forget(token, f"{token}s")  # settled: its log entries are in res
    if evidence_dir is not None:
        res = replace(res, evidence=keep_evidence(engine, res, page_url, evidence_dir) or None)
    return replace(res, duration_ms=round((time.perf_counter() - started) * 1000, 1))


def _record(cell: Cell, seen: Seen, d: Decision) -> CellResult:
    probe, obs = seen.obs.probe, seen.obs
    error = None
    if probe.get("errorName") or probe.get("errorMessage"):
        error = f"{probe.get('errorName') or 'Error'}: {probe.get('errorMessage') or ''}".strip()
    engine_response = None
    if obs.response_status is not None:
        # What the engine itself saw on the wire, even for a blocked response
        # (Chromium's CDP, Firefox's response event): a second witness beside
        # the server's log or the replay.
        engine_response = {"status": obs.response_status,
                           "headers": [list(h) for h in redact_headers(obs.response_headers or [])]}
    scenario = cell.scenario
    return CellResult(
        id=cell.id, scenario=scenario.name, browser=cell.browser, origin=cell.origin.label,
        page_origin=seen.page_origin, credentials=cell.credentials, method=scenario.method,
        url=seen.url, expected=cell.expected, verdict=d.verdict, status=d.status,
        reason=d.reason, engine_detail=d.engine_detail, preflight=d.preflight,
        match=d.match, outcome=d.outcome, api=scenario.api, target_kind=seen.target_kind,
        cookie_sent=d.cookie_sent, expected_cookie=d.expected_cookie, layer=d.layer,
        explanation=d.explanation, underlying_status=d.underlying_status, oracle_verdict=d.oracle_verdict,
        oracle_reason=d.oracle_reason, oracle_agrees=d.oracle_agrees, deviation=d.deviation,
        error=error, console=obs.console, exchange=[e.to_json() for e in d.exchanges],
        elapsed_ms=probe.get("elapsedMs"), engine_response=engine_response,
    )


def keep_evidence(engine: Engine, res: CellResult, page_url: str, root: Path) -> dict[str, str]:
    """The cell's evidence files under root/evidence/, paths relative to root."""
    directory = root / "evidence"
    directory.mkdir(parents=True, exist_ok=True)
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", res.id).strip("_")[:120]
    # Two ids can read the same once cleaned ("a/b" and "a+b"): a hash keeps them apart.
    stem = f"{readable}-{hashlib.sha1(res.id.encode()).hexdigest()[:8]}"
    saved = engine.capture_evidence(page_url, str(directory), stem, keep=not res.match)
    if res.match:
        return {}
    log = directory / f"{stem}.log"
    lines = [f"cell {res.id}", f"{res.method} {res.url} from {res.page_origin} (credentials {res.credentials})",
             mismatch_sentence(res.to_json()),
             f"page error: {res.error or '-'}", f"engine: {res.engine_detail or '-'}",
             f"explanation: {res.explanation or '-'}", "console:", *[f"  {m}" for m in res.console]]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    saved["console"] = log.name
    return {kind: f"evidence/{name}" for kind, name in saved.items()}


@dataclass
class MatrixRun:
    """Runs a scenario file's cells in the chosen engines, side by side."""

    sfile: ScenarioFile
    browsers: list[str]
    explicit_browsers: bool = False       # asked for by name: a missing one is an error
    target: str | None = None
    keyword: str | None = None
    shuffle_seed: int | None = None
    options: EngineOptions = field(default_factory=EngineOptions)
    on_result: Callable[[CellResult], None] | None = None
    on_engine: Callable[[str, str], None] | None = None
    on_engine_error: Callable[[str, str], None] | None = None
    evidence_dir: Path | None = None      # --output: keep evidence of cells not as expected
    jobs: int | None = None               # lanes per engine (cells in flight); None: DEFAULT_JOBS
    shard: Shard | None = None            # --shard K/N: only this shard's cells
    _expanded: tuple[tuple[object, ...], list[Cell]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.target = choose_target(self.sfile, self.target)   # the one check of the target

    def expanded(self) -> list[Cell]:
        """The file's cells in file order, expanded once per run (the CLI asks
        for them to check -k and to size the progress before the run)."""
        key = (id(self.sfile), tuple(self.browsers), self.keyword)
        if self._expanded is None or self._expanded[0] != key:
            self._expanded = (key, expand(self.sfile, self.browsers, self.keyword))
        return self._expanded[1]

    def cells(self) -> list[Cell]:
        cells = list(self.expanded())
        if self.shard is not None:
            # An ordered scenario's unit goes to one shard whole (shard_key).
            cells = [c for c in cells if self.shard.holds(c.shard_key)]
        if self.shuffle_seed is not None:
            # An ordered scenario's cells move as one unit, in their order.
            grouped = units(cells)
            random.Random(self.shuffle_seed).shuffle(grouped)
            cells = [cell for unit in grouped for cell in unit]
        return cells

    def lanes(self, engine: str) -> int:
        """Cells in flight in this engine: --jobs, else DEFAULT_JOBS; but a
        remote WebDriver endpoint gets one lane unless --jobs says otherwise,
        since a lone safaridriver or WebKitWebDriver serves one session."""
        if self.jobs:
            return self.jobs
        if engine == "webkit" and self.options.webdriver_url:
            return 1
        return DEFAULT_JOBS

    def may_trace(self) -> bool:
        """Whether a Playwright trace may be kept as evidence. A trace holds
        every request and response whole, cookies and Authorization included,
        so only for local fixtures and scenarios that send no secret header."""
        if (self.target or self.sfile.target) not in (*LOCAL_TARGETS, SCRIPTED_TARGET):
            return False
        return all(redact_headers(list(s.headers.items())) == list(s.headers.items())
                   for s in self.sfile.scenarios)

    def run(self) -> RunResult:
        cells = self.cells()
        env = Environment(self.sfile, self.target)
        result = RunResult(target=env.target, scenarios_file=self.sfile.path,
                           shard=str(self.shard) if self.shard else None)
        stop = threading.Event()
        lock = threading.Lock()
        returned = False  # an engine thread that outlives an interrupt records nothing more

        def record(res: CellResult) -> None:
            with lock:
                if returned:
                    return
                result.cells.append(res)
            if self.on_result:
                self.on_result(res)

        def failed(name: str, why: str) -> None:
            with lock:
                if returned or name in result.engine_errors:  # one engine, one error (its first lane's)
                    return
                result.engine_errors[name] = why
            if self.on_engine_error:
                self.on_engine_error(name, why)

        running = 0
        all_done = threading.Event()

        def lane_thread(name: str, work: EngineWork, lane: int) -> None:
            nonlocal running
            # Started with the signals held (see below); the browsers and
            # drivers this thread starts must not inherit that.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                run_lane(name, work, lane)
            finally:
                with lock:
                    running -= 1
                    if running == 0:
                        all_done.set()

        def run_lane(name: str, work: EngineWork, lane: int) -> None:
            options = env.engine_options(self.options)
            if self.evidence_dir is not None and self.may_trace():
                options = replace(options, trace=True)
            engine = make_engine(name, options)
            try:
                engine.start()
                with lock:
                    first = name not in result.engines
                    result.engines[name] = engine.version
                if first and self.on_engine:
                    self.on_engine(name, engine.version)
                on_page = None   # the page of this lane's last unit
                while not stop.is_set() and not work.failed.is_set():
                    unit = work.next(lane)
                    if unit is None:
                        break
                    page = env.page_url(unit[0].origin)
                    if work.by_page and on_page not in (None, page):
                        # In page order a lane leaves a page only once its cells
                        # are done: the engine may navigate it to the next.
                        engine.retire_page(on_page)
                    on_page = page
                    for cell in unit:
                        if stop.is_set():
                            break
                        record(run_cell(engine, env, cell, self.evidence_dir))
            except Exception as exc:  # noqa: BLE001 - one engine's crash must not lose the others' results
                # Ctrl-C reaches the browsers and their drivers too; an engine
                # that dies of it (even while starting) has not failed. Give the
                # interrupt a moment to show before calling this a failure.
                if stop.wait(0.5):
                    return
                # The engine's other lanes stop after their cell: an engine
                # that failed is reported as failed, not as partly run.
                work.failed.set()
                if isinstance(exc, EnvironmentProblem):
                    failed(name, str(exc))
                else:
                    failed(name, f"{name}: {type(exc).__name__}: {exc}".splitlines()[0])
            finally:
                engine.close()

        with _interrupts_stop(stop), env:
            threads = []
            for name in self.browsers:
                mine = [c for c in cells if c.browser == name]
                work = EngineWork(mine, by_page=self.shuffle_seed is None)
                threads += [threading.Thread(target=lane_thread, args=(name, work, lane), name=f"engine-{name}-{lane}",
                                             daemon=True)
                            for lane in range(min(self.lanes(name), len(mine)))]
            running = len(threads)
            if not threads:
                all_done.set()
            # Wait on an event, not on Thread.join(timeout): a Ctrl-C that lands
            # inside join() can leave the thread marked finished while it still
            # runs (CPython 3.11), and the servers would then close under it.
            try:
                # Signals are held while the threads start (so none is left
                # unstarted and uncounted) and arrive right after.
                with _signals_held():
                    for t in threads:
                        t.start()
                while not all_done.wait(0.5):
                    pass
            except KeyboardInterrupt:
                result.interrupted = True
                stop.set()
                # Each lane finishes its cell (a cell waits at most its own
                # timeout) and closes its browser. Another Ctrl-C meanwhile does
                # not cut that short: it would leave browsers running.
                deadline = time.monotonic() + INTERRUPT_GRACE_S
                while not all_done.is_set() and time.monotonic() < deadline:
                    try:
                        all_done.wait(0.5)
                    except KeyboardInterrupt:
                        continue
            if all_done.is_set():
                for t in threads:
                    t.join()
        result.finished = time.time()
        # Keep the file's order in the report whatever order cells ran in.
        order = {c.id: i for i, c in enumerate(self.expanded())}
        with lock:
            returned = True
            result.cells.sort(key=lambda c: order.get(c.id, 0))
        return result


# The longest a cell can take (its timeout is at most 120 s) and a browser's close.
INTERRUPT_GRACE_S = 150.0

@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends. Threads started inside
    inherit the mask, and so would every process they start: they unblock
    first thing."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _interrupts_stop(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C, and SIGTERM (a CI job cancelled), stop a run: the stop event is
    set the moment the signal arrives, before anything else is done, so an
    engine whose browser the same signal killed (Ctrl-C reaches the whole
    process group, drivers included) knows why it failed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        stop.set()
        raise KeyboardInterrupt

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig, before in previous.items():
        if before is not signal.SIG_IGN:  # a run started with the signal ignored keeps it ignored
            signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, before in previous.items():
            if before is not None:
                signal.signal(sig, before)


__all__ = ["MatrixRun", "run_cell", "BLOCKED", "NETWORK_ERROR"]

"""pytest plugin (entry point ``pytest11: cors_e2e``): a scenario file's cells
as pytest tests, one per cell, named ``test_cors[scenario|browser|origin|credentials]``,
so ``-k``, ``--junitxml`` and pytest's reports work as usual.

Which files: a YAML scenario file named on the command line
(``pytest fixtures/scenarios/default.yaml``), given with ``--cors-scenarios``,
or named ``cors_*.yaml`` / ``*.cors.yaml`` inside the collected directories.

Browsers: ``--cors-browser``, or pytest-playwright's own ``--browser`` when that
plugin is installed; by default every engine this machine has. One browser per
engine serves the whole session; every cell is its own test. Under
pytest-xdist (``-n N``) each worker has its own environment (gateway, stub
frontend) and browsers, and ``--cors-json`` holds every worker's cells.

Fixtures, layered as playwright-pytest's are (each one overridable in a
conftest.py):

- ``cors_engine_options`` (session): the engines' EngineOptions, from
  ``--cors-connect`` / ``--cors-webdriver-url``.
- ``cors_origins`` (session): the page origins ``cors_fetch`` may run from
  (``--cors-origin``, repeatable); pages are served there for real (e2e.origins).
- ``cors_environment`` (session): the stub frontend at those origins.
- ``cors_browser_name`` / ``cors_engine`` (session): one started engine; a test
  that uses them, or ``cors_fetch``, runs once per selected engine.
- ``cors_fetch(url, origin=..., method=..., headers=..., body=...,
  credentials=...)`` (function): one cell, the fetch run from a page at exactly
  that origin, judged as every cell is (e2e.runner.run_cell); returns its
  CellResult (verdict, status, reason, layer, explanation, exchange).
"""
from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.engines import ENGINE_NAMES, EngineOptions, parse_connect, start_engine
from e2e.engines.base import Engine
from e2e.environment import Environment
from e2e.errors import BadInput, CorsE2EError, EnvironmentProblem
from e2e.exchange import redact_url
from e2e.results import CellResult, RunResult
from e2e.scenarios import (CREDENTIALS, Cell, Origin, Scenario, ScenarioFile, check_origin, choose_target,
                           expand, load_scenarios, split_url)

PATTERNS = ("cors_*.yaml", "cors_*.yml", "*.cors.yaml", "*.cors.yml")
_SESSION = pytest.StashKey["CorsSession"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cors-e2e", "cors-e2e: CORS scenarios in real browsers")
    group.addoption("--cors-scenarios", action="append", default=[], metavar="FILE",
                    help="collect this scenario file's cells as tests (repeatable)")
    group.addoption("--cors-target", default=None, metavar="local-rest|local-http|URL",
                    help="override the scenario files' target")
    group.addoption("--cors-browser", action="append", default=[], choices=ENGINE_NAMES,
                    help="engine to run cells in (repeatable; default: pytest-playwright's --browser, "
                         "else every engine available)")
    group.addoption("--cors-json", default=None, metavar="PATH",
                    help="write the cells' results as cors-e2e JSON")
    group.addoption("--cors-connect", action="append", default=[], metavar="[ENGINE=]WS_URL",
                    help="Playwright engines in a remote browser server")
    group.addoption("--cors-webdriver-url", default=None, metavar="URL",
                    help="WebDriver engines on a remote endpoint")
    group.addoption("--cors-origin", action="append", default=[], metavar="ORIGIN",
                    help="a page origin cors_fetch runs from (repeatable; or override the cors_origins fixture)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cors_cell: a cors-e2e scenario cell")
    config.stash[_SESSION] = CorsSession(config)
    extra = [str(Path(p).resolve()) for p in config.getoption("cors_scenarios")]
    if extra:
        # Named scenario files are collected like paths on the command line.
        source = getattr(config, "args_source", None)
        from_testpaths = source is not None and source.name == "TESTPATHS"
        config.args[:] = extra if from_testpaths or not config.args else [*config.args, *extra]


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Under pytest-xdist a worker hands its results to the controller, which
    # writes one --cors-json for all (pytest_testnodedown); it must do so
    # before it reports its end, so here rather than at unconfigure.
    config = session.config
    cors = config.stash.get(_SESSION, None)
    if cors is not None and hasattr(config, "workeroutput"):
        cors.close()
        if cors.results is not None:
            config.workeroutput["cors_e2e_results"] = cors.results.to_json()  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: a worker finished; keep its cells for the one --cors-json."""
    doc = getattr(node, "workeroutput", {}).get("cors_e2e_results")
    cors = node.config.stash.get(_SESSION, None)
    if doc is not None and cors is not None:
        cors.worker_docs.append((f"worker {getattr(node, 'gateway', None) and node.gateway.id}", doc))


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_SESSION, None)
    if session is not None:
        session.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> "ScenarioFileCollector | None":
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    config = parent.config
    explicit = {str(Path(a.split("::")[0]).resolve()) for a in config.args}
    if str(file_path.resolve()) in explicit or any(fnmatch.fnmatch(file_path.name, p) for p in PATTERNS):
        return ScenarioFileCollector.from_parent(parent, path=file_path)
    return None


def selected_browsers(config: pytest.Config) -> tuple[list[str], bool]:
    """(engines, whether they were named explicitly); unnamed: every engine,
    those this machine lacks collected as skipped (see missing_engines)."""
    named = list(config.getoption("cors_browser") or [])
    try:
        named += list(config.getoption("browser") or [])   # pytest-playwright's --browser
    except ValueError:
        pass
    if named:
        return list(dict.fromkeys(named)), True
    return list(ENGINE_NAMES), False


def missing_engines() -> dict[str, str]:
    """Engines whose browser this machine lacks (found without starting any),
    each with why and how to install it: the resolver's own answer."""
    from e2e.engines.resolve import engine_problems

    return engine_problems()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test using cors_fetch or cors_engine runs once per selected engine, as
    pytest-playwright runs a test once per --browser."""
    if "cors_browser_name" in metafunc.fixturenames:
        browsers, _ = selected_browsers(metafunc.config)
        metafunc.parametrize("cors_browser_name", browsers, scope="session")


class CorsSession:
    """The browsers and environments the session's cells share; closed at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.engines: dict[str, Engine] = {}
        self.engine_errors: dict[str, str] = {}
        self.envs: dict[str, Environment] = {}
        self.results: RunResult | None = None
        self.shared: dict[str, RunResult] = {}   # resolved scenario file path -> a run already made
        self.worker_docs: list[tuple[str, dict[str, Any]]] = []   # pytest-xdist: each worker's results
        self.closed = False

    def shared_result(self, sfile: ScenarioFile, cell_id: str) -> CellResult | None:
        """The cell's result from a whole-file run this session already made
        (share_run), so the same cell is not run twice; None: run it."""
        run = self.shared.get(str(Path(sfile.path).resolve()))
        if run is None or self.config.getoption("cors_target") not in (None, run.target):
            return None
        found = next((c for c in run.cells if c.id == cell_id), None)
        if found is not None:
            if self.results is None:
                self.results = RunResult(target=run.target, scenarios_file=sfile.path)
            for name, version in run.engines.items():
                self.results.engines.setdefault(name, version)
        return found

    def options(self) -> EngineOptions:
        return EngineOptions(connect=parse_connect(self.config.getoption("cors_connect")),
                             webdriver_url=self.config.getoption("cors_webdriver_url"))

    def engine(self, name: str, env: Environment) -> Engine:
        # Impersonated origins are fixed when a browser launches: such a file
        # gets browsers of its own; all other files share one per engine.
        key = f"{name}@{env.sfile.path}" if env.impersonated else name
        if key in self.engine_errors:
            raise EnvironmentProblem(self.engine_errors[key])
        if key not in self.engines:
            try:
                engine = start_engine(name, env.engine_options(self.options()))
            except EnvironmentProblem as exc:
                self.engine_errors[key] = str(exc)
                raise
            self.engines[key] = engine
            if self.results is not None:
                self.results.engines[name] = engine.version
        return self.engines[key]

    def environment(self, sfile: ScenarioFile) -> Environment:
        if sfile.path not in self.envs:
            env = Environment(sfile, choose_target(sfile, self.config.getoption("cors_target")))
            self.envs[sfile.path] = env.start()
            if self.results is None:
                self.results = RunResult(target=env.target, scenarios_file=sfile.path)
        return self.envs[sfile.path]

    def record(self, result: CellResult) -> None:
        if self.results is not None:
            self.results.cells.append(result)

    def close(self) -> None:
        import time

        if self.closed:
            return
        self.closed = True
        for engine in self.engines.values():
            engine.close()
        for env in self.envs.values():
            env.close()
        self.engines.clear()
        self.envs.clear()
        if self.results is not None:
            self.results.finished = time.time()
        if hasattr(self.config, "workerinput"):
            return  # a pytest-xdist worker: the controller writes the JSON
        path = self.config.getoption("cors_json", None)
        if path and self.worker_docs:
            from e2e.merge import merge_docs
            from e2e.results import write_doc

            write_doc(merge_docs(self.worker_docs), path)
        elif path and self.results is not None:
            self.results.write_json(path)


def share_run(config: pytest.Config, run: RunResult) -> None:
    """Offer a whole-file run made in this session (the test suite's canary
    runs the default file once, shuffled) to the collected cells of the same
    file: each reports its verdict from that run instead of running again."""
    config.stash[_SESSION].shared[str(Path(run.scenarios_file).resolve())] = run


class ScenarioFileCollector(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            sfile = load_scenarios(self.path)
        except CorsE2EError as exc:
            raise self.CollectError(str(exc)) from None
        browsers, explicit = selected_browsers(self.config)
        # An engine this machine lacks is reported, cell by cell, as skipped
        # with the reason, not left out of the count. (One named with
        # --cors-browser runs, and fails saying what is missing.)
        missing = {} if explicit else missing_engines()
        for cell in expand(sfile, browsers):
            item = CorsCellItem.from_parent(self, name=f"test_cors[{cell.id}]", sfile=sfile, cell=cell)
            if cell.browser in missing:
                item.add_marker(pytest.mark.skip(reason=f"engine not installed: {missing[cell.browser]}"))
            yield item


class CellMismatch(Exception):
    def __init__(self, result: CellResult) -> None:
        super().__init__(result.id)
        self.result = result


class CorsCellItem(pytest.Item):
    def __init__(self, *, sfile: ScenarioFile, cell: Cell, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sfile = sfile
        self.cell = cell
        self.add_marker("cors_cell")
        self.user_properties.append(("expected", cell.expected))

    def runtest(self) -> None:
        from e2e.runner import run_cell

        session = self.config.stash[_SESSION]
        result = session.shared_result(self.sfile, self.cell.id)
        if result is None:
            env = session.environment(self.sfile)
            engine = session.engine(self.cell.browser, env)
            result = run_cell(engine, env, self.cell)
        session.record(result)
        self.user_properties.append(("verdict", result.verdict))
        self.user_properties.append(("reason", result.reason or ""))
        if not result.match:
            raise CellMismatch(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str:  # type: ignore[override]
        exc = excinfo.value
        if isinstance(exc, CellMismatch):
            from e2e.report import cell_details

            r = exc.result
            from e2e.decide import mismatch_sentence

            lines = [mismatch_sentence(r.to_json()),
                     f"{r.method} {r.url} from {r.page_origin}, credentials {r.credentials}"]
            lines += [line.strip() for line in cell_details(r)]
            return "\n".join(lines)
        if isinstance(exc, CorsE2EError):
            return str(exc)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # A line number (the file's first), so a skipped cell can be reported.
        return self.path, 0, f"cors cell {self.cell.id}"


# -- fixtures: cors_fetch and the layers under it ----------------------------------

PAGE_GROUP = "page"


class FetchEnvironment(Environment):
    """The stub frontend served at the given origins, for fetches whose whole
    URL each test names: the target is the URL itself, reached as a deployed
    API is (no server log; a blocked fetch is replayed from outside the browser
    to tell what answered)."""

    def __init__(self, origins: list[str]) -> None:
        origins = [check_origin(o, "cors_origins") for o in origins]
        sfile = ScenarioFile(path="cors_fetch", target="http://127.0.0.1",
                             origins=[Origin(label=o, group=PAGE_GROUP, spec=o) for o in origins],
                             scenarios=[])
        super().__init__(sfile)

    def base_url(self, scenario: Scenario, page_origin: str | None = None) -> str:
        return ""  # a cors_fetch scenario's path is its whole URL

    def page_origin(self, origin: str) -> Origin:
        for known in self.sfile.origins:
            if known.spec == origin.rstrip("/"):
                return known
        served = ", ".join(o.spec for o in self.sfile.origins) or "none"
        raise BadInput(f"cors_fetch: origin {origin!r} is not served (origins: {served}); "
                       f"add it with --cors-origin {origin} or in an override of the cors_origins fixture")


@pytest.fixture(scope="session")
def cors_engine_options(pytestconfig: pytest.Config) -> EngineOptions:
    """How engines start (remote browser servers, a WebDriver endpoint); override to change it."""
    return pytestconfig.stash[_SESSION].options()


@pytest.fixture(scope="session")
def cors_origins(pytestconfig: pytest.Config) -> list[str]:
    """The page origins cors_fetch may run from; override to name yours."""
    return list(pytestconfig.getoption("cors_origin") or [])


@pytest.fixture(scope="session")
def cors_environment(cors_origins: list[str]) -> Iterator[FetchEnvironment]:
    with FetchEnvironment(cors_origins) as env:
        yield env


@pytest.fixture(scope="session")
def cors_browser_name(request: pytest.FixtureRequest) -> str:
    """The engine this test runs in (parametrised by pytest_generate_tests)."""
    return str(request.param)


@pytest.fixture(scope="session")
def cors_engine(cors_browser_name: str, cors_environment: FetchEnvironment,
                cors_engine_options: EngineOptions) -> Iterator[Engine]:
    """One started engine for the session, launched for the environment's origins."""
    engine = start_engine(cors_browser_name, cors_environment.engine_options(cors_engine_options))
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture
def cors_fetch(cors_engine: Engine, cors_environment: FetchEnvironment) -> Any:
    """``cors_fetch(url, origin=..., method="GET", headers=None, body=None,
    credentials="omit", timeout_ms=10000) -> CellResult``: the fetch, run in a
    real page at exactly ``origin``, judged as a cell. The result's verdict is
    allowed, blocked, network-error or timeout; ``expected`` is "allowed"."""

    def fetch(url: str, origin: str | None = None, method: str = "GET", headers: dict[str, str] | None = None,
              body: str | None = None, credentials: str = "omit", timeout_ms: int = 10000) -> CellResult:
        from e2e.runner import run_cell

        parts = split_url(url)
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadInput(f"cors_fetch: {redact_url(url)!r} is not an http(s) URL with a host")
        if credentials not in CREDENTIALS:
            raise BadInput(f"cors_fetch: credentials {credentials!r} is not one of {', '.join(CREDENTIALS)}")
        if origin is None:
            if not cors_environment.sfile.origins:
                raise BadInput("cors_fetch: no origin given and none served; pass origin= and name it "
                               "with --cors-origin or in an override of the cors_origins fixture")
            page = cors_environment.sfile.origins[0]
        else:
            page = cors_environment.page_origin(origin)
        scenario = Scenario(name="cors_fetch", path=url, method=method.upper(), headers=dict(headers or {}),
                            body=body, credentials=[credentials], expect="allowed", api=None,
                            origin_groups=[PAGE_GROUP], timeout_ms=timeout_ms)
        return run_cell(cors_engine, cors_environment, Cell(scenario, cors_engine.name, page, credentials,
                                                            "allowed"))

    return fetch

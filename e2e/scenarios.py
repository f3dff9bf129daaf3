"""Scenario files: the model, the loader and its validation.

A scenario file names a target (a local fixture gateway, the scripted server,
or a deployed API's base URL), the origins pages are served from, and a list of
scenarios: one fetch each, expanded into cells by origin, credentials mode and
browser. Every mistake is reported at load time as one line naming the file,
the entry and the field.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import yaml

from e2e.errors import BadInput
from e2e.exchange import redact_url
from e2e.oracle import ENGINES as ENGINE_NAMES
from e2e.paths import SCENARIOS_DIR

LOCAL_TARGETS = ("local", "local-rest", "local-http")
SCRIPTED_TARGET = "scripted"
VERDICTS = ("allowed", "blocked", "network-error", "timeout")
CREDENTIALS = ("omit", "same-origin", "include")
ENGINES = ENGINE_NAMES  # the oracle's list (e2e.oracle.ENGINES)
STUB_ALLOWED = "stub:allowed"
STUB_DENIED = "stub:denied"
# The stub page on an address Chromium is told is public (--ip-address-space-overrides),
# for Local Network Access cells. A group of these is used only by scenarios naming it.
STUB_PUBLIC = "stub:public"
STUB_SPECS = (STUB_ALLOWED, STUB_DENIED, STUB_PUBLIC)
DEFAULT_ORIGINS = {"allowed": [STUB_ALLOWED], "denied": [STUB_DENIED]}
STUB_PAGE = "/"            # the stub page: the fetch runs in the page at the origin
OPAQUE_PAGE = "/opaque"    # the fetch runs in a sandboxed iframe there: an opaque origin, Origin: null
DEFAULT_SCENARIOS = SCENARIOS_DIR / "default.yaml"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/+-]*$")
_LABEL = re.compile(r"^[a-z][a-z0-9-]*$")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 token: methods, header names
_TOP_KEYS = {"target", "api", "origins", "scenarios", "description", "timeout_ms", "template", "stack",
             "parameters"}
# A scenario of a file with template: and no api: calls the template's one API.
TEMPLATE_API = "(template)"
_SCENARIO_KEYS = {"name", "api", "path", "method", "headers", "body", "credentials", "expect",
                  "origins", "respond", "description", "timeout_ms", "session", "expect_cookie", "ordered"}


@dataclass(frozen=True)
class Origin:
    label: str      # the cell's origin label: "allowed", "denied", "allowed-2", ...
    group: str      # the origins group it came from: "allowed", "denied", ...
    spec: str       # "stub:allowed", "stub:denied" or an origin URL
    page: str = STUB_PAGE   # the page at spec the fetch runs from (STUB_PAGE or OPAQUE_PAGE)


@dataclass
class Scenario:
    name: str
    path: str
    method: str
    headers: dict[str, str]
    body: str | None
    credentials: list[str]
    expect: Any                  # a verdict word or a nested mapping, see expected_for()
    api: str | None
    origin_groups: list[str]
    respond: dict[str, Any] | None = None
    description: str | None = None
    timeout_ms: int = 10000
    session: str | None = None   # a path that sets the session cookie before the cell's fetch
    expect_cookie: Any = None    # True/False, or a mapping like expect: did the fetch carry it?
    where: str = ""              # "file: scenarios[3] (name)", for messages
    ordered: bool = False        # its cells run in file order, as one unit per engine (see units())


@dataclass(frozen=True)
class TemplateRef:
    """Your own stack instead of a fixture API: a CloudFormation/SAM file or a
    cdk.out directory (``path`` already resolved against the scenario file)."""
    path: str
    stack: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass
class ScenarioFile:
    path: str
    target: str
    origins: list[Origin]
    scenarios: list[Scenario]
    description: str | None = None
    template: TemplateRef | None = None


def _resolve(expect: Any, is_leaf: Any, *, engine: str, origin: str, credentials: str,
             group: str | None) -> Any:
    """The leaf an expectation mapping gives one cell, or None.

    Keys are an engine name, an origin label or group, a credentials mode, or
    ``default``; the most specific key wins in the order engine, origin,
    credentials, and a nested mapping with no answer for the cell falls back
    to the keys around it."""
    if is_leaf(expect):
        return expect
    if not isinstance(expect, dict):
        return None
    for key in (engine, origin, group or origin, credentials, "default"):
        if key in expect:
            found = _resolve(expect[key], is_leaf, engine=engine, origin=origin, credentials=credentials,
                             group=group)
            if found is not None:
                return found
    return None


def expected_for(expect: Any, *, engine: str, origin: str, credentials: str,
                 group: str | None = None) -> str | None:
    """Resolve an expectation for one cell: a verdict word, or a mapping of them.

    So ``{allowed: allowed, denied: blocked, webkit: {allowed: blocked}}`` means
    WebKit is blocked from the allowed origin and every engine from the denied one.
    """
    return _resolve(expect, lambda v: isinstance(v, str), engine=engine, origin=origin,
                    credentials=credentials, group=group)


class _Loc:
    """Builds "file: scenarios[2] (post-json): field" prefixes for messages."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> BadInput:
        return BadInput(f"{self.path}: {where}: {message}" if where else f"{self.path}: {message}")


def choose_target(sfile: "ScenarioFile", override: str | None = None) -> str:
    """The run's target, checked once (the CLI's --target or the plugin's
    --cors-target over the file's own, which was checked at load): an override
    URL is validated, and the file must suit the target (scripted needs
    respond:, a local gateway an api: per scenario). Environment takes the
    result as it is."""
    target = override or sfile.target
    if override and override not in LOCAL_TARGETS and override != SCRIPTED_TARGET:
        target = validate_url(override, what="--target")
    if target == SCRIPTED_TARGET and sfile.target != SCRIPTED_TARGET:
        raise BadInput(f"{sfile.path}: target: --target scripted needs scenarios with respond "
                       f"(this file targets {sfile.target})")
    if target in LOCAL_TARGETS:
        missing = [s.name for s in sfile.scenarios if not s.api]
        if missing:
            raise BadInput(f"{sfile.path}: scenarios ({missing[0]}): api: a {target} target "
                           f"needs the fixture API each scenario calls")
    return target


def validate_target(target: Any, loc: _Loc) -> str:
    if not isinstance(target, str) or not target:
        raise loc.fail("target", "must be local, local-rest, local-http, scripted or an http(s) URL")
    if target in LOCAL_TARGETS or target == SCRIPTED_TARGET:
        return target
    return validate_url(target, what="target", loc=loc)


def split_url(value: str) -> SplitResult | None:
    """``urlsplit(value)``, or None for what it cannot split (an unclosed ``[`` in the host)."""
    try:
        return urlsplit(value)
    except ValueError:
        return None


def is_unicode(value: str) -> bool:
    """False for text with a lone surrogate (from a shell's \\ud800), which no
    encoder, terminal or browser takes."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def port_problem(parts: SplitResult) -> str | None:
    """Why the URL's port is not one (not a number, or not 1-65535), or None."""
    try:
        port = parts.port
    except ValueError:   # "abc", 99999
        port = 0
    return "has an invalid port (a number from 1 to 65535)" if port == 0 else None


def validate_url(value: str, *, what: str, loc: _Loc | None = None) -> str:
    """An absolute http(s) URL with a host; its trailing slash is dropped."""
    parts = split_url(value)
    shown = repr(redact_url(value))
    problem = None
    if parts is None or parts.scheme not in ("http", "https"):
        problem = f"{shown} is not an http(s) URL (nor local, local-rest, local-http, scripted)"
    elif not parts.hostname:
        problem = f"{shown} has no host"
    elif parts.query or parts.fragment:
        problem = f"{shown}: a base URL takes no query or fragment"
    elif parts.username or parts.password:
        problem = f"{shown} has credentials (user:password@) in it; a browser cannot fetch such a URL"
    elif (bad_port := port_problem(parts)) is not None:
        problem = f"{shown} {bad_port}"
    if problem:
        if loc is None:
            raise BadInput(f"{what}: {problem}")
        raise loc.fail(what, problem)
    return value.rstrip("/")


def origin_problem(value: Any, *, stubs: bool = True) -> str | None:
    """Why ``value`` is not an origin (``scheme://host[:port]``, or with ``stubs``
    ``stub:allowed``/``stub:denied``), or None when it is one."""
    if stubs and value in STUB_SPECS:
        return None
    if not isinstance(value, str):
        return (f"must be {STUB_ALLOWED}, {STUB_DENIED} or an origin like https://app.example.com" if stubs
                else "must be an origin like https://app.example.com")
    parts = split_url(value)
    nor = f" nor {STUB_ALLOWED} / {STUB_DENIED}" if stubs else ""
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname \
            or parts.path not in ("", "/") or parts.query or parts.fragment \
            or parts.username is not None or parts.password is not None:
        return f"{redact_url(value)!r} is not an origin (scheme://host[:port], no path){nor}"
    if (bad_port := port_problem(parts)) is not None:
        return f"{value!r} {bad_port}"
    if not is_unicode(value):
        return f"{value!r} has a lone surrogate in it: not a character an origin can hold"
    return None


def check_origin(value: Any, what: str, *, stubs: bool = True) -> str:
    """``value`` as an origin without its trailing slash; else BadInput naming ``what`` (a flag)."""
    problem = origin_problem(value, stubs=stubs)
    if problem:
        raise BadInput(f"{what}: {problem}")
    return value.rstrip("/")


def validate_origin(value: Any, where: str, loc: _Loc) -> str:
    problem = origin_problem(value)
    if problem:
        raise loc.fail(where, problem)
    return value.rstrip("/")


def _load_origins(raw: Any, loc: _Loc) -> list[Origin]:
    if raw is None:
        raw = DEFAULT_ORIGINS
    if not isinstance(raw, dict) or not raw:
        raise loc.fail("origins", "must map labels to origins, e.g. {allowed: [stub:allowed], denied: [stub:denied]}")
    origins: list[Origin] = []
    for group, values in raw.items():
        if not isinstance(group, str) or not _LABEL.match(group):
            raise loc.fail(f"origins.{group}", "labels are lower-case words like allowed, denied")
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not values:
            raise loc.fail(f"origins.{group}", "must be an origin or a non-empty list of origins")
        for i, value in enumerate(values):
            spec = validate_origin(value, f"origins.{group}[{i}]", loc)
            label = group if i == 0 else f"{group}-{i + 1}"
            origins.append(Origin(label=label, group=group, spec=spec))
    return origins


def _opt_in_groups(origins: list[Origin]) -> set[str]:
    """Groups whose origins are all stub:public: only scenarios naming them use them."""
    groups = {o.group for o in origins}
    return {g for g in groups if all(o.spec == STUB_PUBLIC for o in origins if o.group == g)}


def _check_expect(expect: Any, where: str, loc: _Loc, keys: set[str]) -> None:
    if isinstance(expect, str):
        if expect not in VERDICTS:
            raise loc.fail(where, f"{expect!r} is not one of {', '.join(VERDICTS)}")
        return
    if not isinstance(expect, dict) or not expect:
        raise loc.fail(where, f"must be one of {', '.join(VERDICTS)} or a mapping of those")
    for key, value in expect.items():
        if key not in keys:
            raise loc.fail(f"{where}.{key}", f"unknown key; use an origin label, a credentials mode, "
                                             f"an engine or default ({', '.join(sorted(keys))})")
        _check_expect(value, f"{where}.{key}", loc, keys)


def _check_cookie_expect(expect: Any, where: str, loc: _Loc, keys: set[str]) -> None:
    if isinstance(expect, bool):
        return
    if not isinstance(expect, dict) or not expect:
        raise loc.fail(where, "must be true, false or a mapping of those (keys as in expect)")
    for key, value in expect.items():
        if key not in keys:
            raise loc.fail(f"{where}.{key}", f"unknown key; use an origin label, a credentials mode, "
                                             f"an engine or default ({', '.join(sorted(keys))})")
        _check_cookie_expect(value, f"{where}.{key}", loc, keys)


def expected_cookie(expect: Any, *, engine: str, origin: str, credentials: str,
                    group: str | None = None) -> bool | None:
    """Resolve expect_cookie for a cell, with expect's key rules; None: no expectation."""
    return _resolve(expect, lambda v: isinstance(v, bool), engine=engine, origin=origin,
                    credentials=credentials, group=group)


def _string_map(value: Any, where: str, loc: _Loc) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise loc.fail(where, "must be a mapping of header names to values")
    out: dict[str, str] = {}
    for k, v in value.items():
        if not isinstance(k, str) or not _TOKEN.match(k):
            raise loc.fail(f"{where}.{k}", "is not a valid header name")
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            raise loc.fail(f"{where}.{k}", "header values must be strings")
        if any(c in str(v) for c in "\r\n\0"):
            raise loc.fail(f"{where}.{k}", "header values cannot contain line breaks")
        out[k] = str(v)
    return out


def _load_scenario(raw: Any, index: int, top: dict[str, Any], origins: list[Origin],
                   target: str, loc: _Loc, seen: set[str]) -> Scenario:
    if not isinstance(raw, dict):
        raise loc.fail(f"scenarios[{index}]", "must be a mapping with at least name, path and expect")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise loc.fail(f"scenarios[{index}].name", "is required: letters, digits and . _ / + -")
    at = f"scenarios[{index}] ({name})"
    if name in seen:
        raise loc.fail(f"{at}.name", "is used twice; scenario names must be unique")
    seen.add(name)
    for key in raw:
        if key not in _SCENARIO_KEYS:
            raise loc.fail(f"{at}.{key}", f"unknown field; known: {', '.join(sorted(_SCENARIO_KEYS))}")

    path = raw.get("path")
    if not isinstance(path, str) or not path.startswith("/") or any(c in path for c in " #\r\n"):
        raise loc.fail(f"{at}.path", "is required and must start with / (no spaces or #)")
    method = raw.get("method", "GET")
    if not isinstance(method, str) or not _TOKEN.match(method):
        raise loc.fail(f"{at}.method", f"{method!r} is not an HTTP method")
    if method.upper() in ("CONNECT", "TRACE", "TRACK"):
        raise loc.fail(f"{at}.method", f"{method} is a forbidden method: fetch() refuses it")
    headers = _string_map(raw.get("headers"), f"{at}.headers", loc)

    body = raw.get("body")
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    elif body is not None and not isinstance(body, str):
        raise loc.fail(f"{at}.body", "must be a string (or a mapping, sent as JSON)")
    if body is not None and method.upper() in ("GET", "HEAD"):
        raise loc.fail(f"{at}.body", f"a {method.upper()} request cannot have a body")

    creds = raw.get("credentials", "omit")
    creds_list = creds if isinstance(creds, list) else [creds]
    if not creds_list or any(c not in CREDENTIALS for c in creds_list):
        raise loc.fail(f"{at}.credentials", f"must be one of {', '.join(CREDENTIALS)} or a list of them")

    api = raw.get("api", top.get("api"))
    if target in LOCAL_TARGETS and top.get("template") is not None and api is None:
        api = TEMPLATE_API   # the template's only API (its logical id otherwise)
    if target in LOCAL_TARGETS:
        if not isinstance(api, str) or not api:
            raise loc.fail(f"{at}.api", f"a {target} target needs the fixture API to call (api: reference)")
    elif raw.get("api") is not None:
        raise loc.fail(f"{at}.api", f"only local targets take api; this file's target is {target}")

    groups = sorted({o.group for o in origins})
    labels = {o.label for o in origins}
    chosen = raw.get("origins", sorted({o.group for o in origins if o.group not in _opt_in_groups(origins)}))
    if isinstance(chosen, str):
        chosen = [chosen]
    # A group (allowed: each of its origins) or one origin's own label (allowed-2).
    if not isinstance(chosen, list) or not chosen or any(g not in groups and g not in labels for g in chosen):
        raise loc.fail(f"{at}.origins", f"must list origin labels of this file "
                                        f"({', '.join(sorted(labels | set(groups)))})")

    if "expect" not in raw:
        raise loc.fail(f"{at}.expect", f"is required: {', '.join(VERDICTS)}, or a mapping by origin, "
                                       f"credentials or engine")
    expect = raw["expect"]
    keys = set(groups) | labels | set(CREDENTIALS) | set(ENGINES) | {"default"}
    _check_expect(expect, f"{at}.expect", loc, keys)
    for origin in (o for o in origins if o.group in chosen or o.label in chosen):
        for cred in creds_list:
            for engine in ENGINES:
                if expected_for(expect, engine=engine, origin=origin.label, credentials=cred,
                                group=origin.group) is None:
                    raise loc.fail(f"{at}.expect", f"says nothing for origin {origin.label}, credentials "
                                                   f"{cred}, {engine}; add that key or a default")

    session = raw.get("session")
    if session is not None and (not isinstance(session, str) or not session.startswith("/")):
        raise loc.fail(f"{at}.session", "must be a path starting with / (the route that sets the cookie)")
    expect_cookie = raw.get("expect_cookie")
    if expect_cookie is not None:
        if session is None:
            raise loc.fail(f"{at}.expect_cookie", "needs session: the path that sets the cookie")
        _check_cookie_expect(expect_cookie, f"{at}.expect_cookie", loc, keys)

    respond = raw.get("respond")
    if target == SCRIPTED_TARGET:
        if not isinstance(respond, dict) or not isinstance(respond.get("actual"), dict):
            raise loc.fail(f"{at}.respond", "a scripted target needs respond.actual (status, headers, body)")
        _check_respond(respond, f"{at}.respond", loc)
    elif respond is not None:
        raise loc.fail(f"{at}.respond", "only a scripted target takes respond")

    timeout = raw.get("timeout_ms", top.get("timeout_ms", 10000))
    if not isinstance(timeout, int) or isinstance(timeout, bool) or not 100 <= timeout <= 120000:
        raise loc.fail(f"{at}.timeout_ms", "must be a whole number of milliseconds, 100 to 120000")

    ordered = raw.get("ordered", False)
    if not isinstance(ordered, bool):
        raise loc.fail(f"{at}.ordered", "must be true or false")

    return Scenario(name=name, path=path, method=method, headers=headers, body=body,
                    credentials=list(dict.fromkeys(creds_list)), expect=expect, api=api,
                    origin_groups=list(chosen), respond=respond,
                    description=raw.get("description"), timeout_ms=timeout, session=session,
                    expect_cookie=expect_cookie, where=f"{loc.path}: {at}", ordered=ordered)


def _check_respond(respond: dict[str, Any], where: str, loc: _Loc) -> None:
    for part in ("preflight", "actual"):
        spec = respond.get(part)
        if spec is None:
            continue
        if not isinstance(spec, dict):
            raise loc.fail(f"{where}.{part}", "must be a mapping with status, headers and body")
        status = spec.get("status", 200)
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            raise loc.fail(f"{where}.{part}.status", "must be an HTTP status code, 100 to 599")
        headers = spec.get("headers", {}) or {}
        if not isinstance(headers, dict):
            raise loc.fail(f"{where}.{part}.headers", "must map header names to a value or a list of values")
        for k, v in headers.items():
            values = v if isinstance(v, list) else [v]
            if not isinstance(k, str) or not _TOKEN.match(k) or any(
                    not isinstance(x, (str, int)) or isinstance(x, bool) for x in values):
                raise loc.fail(f"{where}.{part}.headers.{k}", "values must be strings or lists of strings")
    unknown = set(respond) - {"preflight", "actual"}
    if unknown:
        raise loc.fail(f"{where}.{sorted(unknown)[0]}", "unknown field; use preflight and actual")


def load_scenarios(path: str | Path) -> ScenarioFile:
    """Load and validate a scenario file; raises BadInput naming what is wrong."""
    shown = str(path)
    loc = _Loc(shown)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{shown}: no such scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{shown}: cannot read: {exc}") from None
    try:
        top = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(f"{shown}: {line}not valid YAML: {problem}") from None
    if not isinstance(top, dict):
        raise loc.fail("", "must be a mapping with target and scenarios")
    for key in top:
        # x-... keys are free for YAML anchors and notes (x-requests: &get ...).
        if key not in _TOP_KEYS and not str(key).startswith("x-"):
            raise loc.fail(str(key), f"unknown field; known: {', '.join(sorted(_TOP_KEYS))}")
    target = validate_target(top.get("target", "local"), loc)
    template = _load_template_ref(top, Path(path).parent, target, loc)
    origins = _load_origins(top.get("origins"), loc)
    raw_scenarios = top.get("scenarios")
    if not isinstance(raw_scenarios, list) or not raw_scenarios:
        raise loc.fail("scenarios", "must be a non-empty list")
    seen: set[str] = set()
    scenarios = [_load_scenario(raw, i, top, origins, target, loc, seen)
                 for i, raw in enumerate(raw_scenarios)]
    return ScenarioFile(path=shown, target=target, origins=origins, scenarios=scenarios,
                        description=top.get("description"), template=template)


def _load_template_ref(top: dict[str, Any], base: Path, target: str, loc: _Loc) -> TemplateRef | None:
    if top.get("template") is None:
        for key in ("stack", "parameters"):
            if top.get(key) is not None:
                raise loc.fail(key, "only with template: (a CloudFormation/SAM file or a cdk.out directory)")
        return None
    raw = top["template"]
    if not isinstance(raw, str) or not raw:
        raise loc.fail("template", "must be the path of a template file or a cdk.out directory")
    if target not in LOCAL_TARGETS:
        raise loc.fail("template", f"a template is served by the local gateway; this file's target is {target}")
    resolved = (base / raw) if not Path(raw).is_absolute() else Path(raw)
    if not resolved.exists():
        raise loc.fail("template", f"{raw}: no such file or directory (relative to the scenario file)")
    stack = top.get("stack")
    if stack is not None and (not isinstance(stack, str) or not stack):
        raise loc.fail("stack", "must be the name of a stack in the cdk.out directory")
    params = top.get("parameters") or {}
    if not isinstance(params, dict) or any(isinstance(v, (dict, list)) or v is None for v in params.values()):
        raise loc.fail("parameters", "must map template parameter names to values")
    return TemplateRef(str(resolved), stack, tuple((str(k), str(v)) for k, v in params.items()))


@dataclass
class Cell:
    """One fetch in one engine from one origin: the unit a verdict is recorded for."""

    scenario: Scenario
    browser: str
    origin: Origin
    credentials: str
    expected: str
    id: str = field(init=False)
    expected_cookie: bool | None = field(init=False)

    @property
    def unit(self) -> str | None:
        """The ordered group this cell belongs to ("scenario|browser"), or None."""
        return f"{self.scenario.name}|{self.browser}" if self.scenario.ordered else None

    @property
    def shard_key(self) -> str:
        """What --shard hashes: the cell's id, or its ordered group's key, so
        that an ordered scenario's cells in one engine land in one shard."""
        return self.unit or self.id

    def __post_init__(self) -> None:
        self.id = f"{self.scenario.name}|{self.browser}|{self.origin.label}|{self.credentials}"
        self.expected_cookie = expected_cookie(self.scenario.expect_cookie, engine=self.browser,
                                               origin=self.origin.label, credentials=self.credentials,
                                               group=self.origin.group)


def expand(sfile: ScenarioFile, browsers: list[str], keyword: str | None = None) -> list[Cell]:
    """The cells of a file, in file order: scenario, browser, origin, credentials.

    ``keyword`` keeps only cells whose id contains it (like ``pytest -k``).
    """
    cells: list[Cell] = []
    for scenario in sfile.scenarios:
        for browser in browsers:
            for origin in sfile.origins:
                if origin.group not in scenario.origin_groups and origin.label not in scenario.origin_groups:
                    continue
                for cred in scenario.credentials:
                    expected = expected_for(scenario.expect, engine=browser, origin=origin.label,
                                            credentials=cred, group=origin.group)
                    assert expected is not None  # checked at load
                    cell = Cell(scenario, browser, origin, cred, expected)
                    if keyword is None or keyword in cell.id:
                        cells.append(cell)
    return cells


def units(cells: list[Cell]) -> list[list[Cell]]:
    """The cells as units that must run whole, in order, in one engine: an
    ordered scenario's cells in one engine are one unit (what a cell shows
    depends on the cells before it, e.g. a CDN cache), every other cell is a
    unit of its own. Shuffling, and any split of a run into lanes, moves
    units, never cells out of one."""
    out: list[list[Cell]] = []
    by_unit: dict[str, list[Cell]] = {}
    for cell in cells:
        key = cell.unit
        if key is None:
            out.append([cell])
        elif key in by_unit:
            by_unit[key].append(cell)
        else:
            by_unit[key] = [cell]
            out.append(by_unit[key])
    return out

"""``cors-e2e audit URL|TARGET --origin LEGIT ...``: the hostile-origin audit
from the command line. Bad input is one line and exit 2 (e2e.errors); the
exit code is 1 when some finding is high, 0 otherwise."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from e2e.audit.hostile import derive
from e2e.audit.plan import AuditPlan, AuditRequest, AuditRun
from e2e.errors import EXIT_INTERRUPTED, EXIT_MISMATCH, EXIT_OK, BadInput, EnvironmentProblem
from e2e.scenarios import LOCAL_TARGETS, SCRIPTED_TARGET, check_origin, validate_url

EXIT_HIGH_FINDING = EXIT_MISMATCH   # 1: some hostile origin read a credentialed response


def register(subparsers: Any) -> None:
    from e2e.engines import ENGINE_NAMES

    p = subparsers.add_parser(
        "audit", help="hostile-origin audit: can an attacker's page read the API's responses?",
        description="Derive hostile origins from the legitimate ones (an unrelated site, the legitimate "
                    "host as prefix and suffix of other domains, a subdomain, the http downgrade, null from "
                    "a sandboxed iframe, special characters), serve a real page at each, and fetch the API "
                    "from it in every engine with and without credentials. Exit 1 when a finding is high "
                    "(a credentialed read), else 0.")
    p.add_argument("target", metavar="URL|TARGET",
                   help="a deployed API's URL; local, local-rest or local-http (with --api); scripted "
                        "(with --respond)")
    p.add_argument("--origin", action="append", required=True, metavar="ORIGIN",
                   help="a legitimate frontend origin, e.g. https://app.example.com; repeatable")
    p.add_argument("--api", action="append", metavar="NAME",
                   help="with a local target: the fixture API (fixtures/apis/NAME.yaml); repeatable")
    p.add_argument("--respond", metavar="FILE",
                   help="with scripted: a YAML file with the responses (preflight, actual) as a scenario's "
                        "respond")
    p.add_argument("-X", "--request", dest="method", metavar="METHOD", help="the method (default GET)")
    p.add_argument("-H", "--header", dest="headers", action="append", default=[], metavar="'Name: value'",
                   help="a request header the page sets; repeatable")
    p.add_argument("--data", metavar="BODY", help="the request body")
    p.add_argument("--path", action="append", metavar="P",
                   help="a path under the target to audit; repeatable (default: the URL's path, or /items "
                        "for local and scripted targets)")
    p.add_argument("--session", metavar="PATH",
                   help="a path that sets the session cookie first: the audit records whether the hostile "
                        "page's request carried it (SameSite), per engine")
    p.add_argument("--browser", action="append", choices=ENGINE_NAMES, metavar="NAME",
                   help="chromium, firefox or webkit; repeatable (default: every engine available)")
    p.add_argument("--json", metavar="PATH", help="write the audit's JSON here (README: audit JSON)")
    p.add_argument("--html", metavar="PATH", help="write an HTML report: origins x engines, the findings")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    p.add_argument("--connect", action="append", metavar="[ENGINE=]WS_URL", help=argparse.SUPPRESS)
    p.add_argument("--webdriver-url", metavar="URL", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_audit)


def _path(value: str) -> str:
    if not value.startswith("/") or any(c in value for c in " #\r\n"):
        raise BadInput(f"--path: {value!r} must start with / (no spaces or #)")
    return value


def _respond(path: str) -> dict[str, Any]:
    import yaml

    from e2e.scenarios import _check_respond, _Loc

    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"--respond {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"--respond {path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise BadInput(f"--respond {path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("actual"), dict):
        raise BadInput(f"--respond {path}: must be a mapping with actual (status, headers, body) and "
                       f"optionally preflight")
    _check_respond(raw, "respond", _Loc(path))
    return raw


def _check_api(name: str) -> None:
    """A fixture API that loads, now rather than once the browsers are up."""
    from e2e.gateway import ApiDefinitionError, load_api

    try:
        load_api(name, variables={"allowed_origin": "http://localhost:1"})
    except ApiDefinitionError as exc:
        raise BadInput(f"--api {name}: {exc}") from None


def plan_from(args: argparse.Namespace) -> tuple[AuditPlan, list[str]]:
    """The audit the flags describe, and notes about the request; BadInput on any mistake."""
    from e2e.repro.command import _flag_headers
    from e2e.repro.request import build_request, check_method

    target = args.target
    local = target in LOCAL_TARGETS
    paths = [_path(p) for p in args.path or []]
    if not local and target != SCRIPTED_TARGET:
        target = validate_url(target, what="target")
        if not paths:
            # The URL's own path is the request; the base is scheme://host[:port].
            parts = urlsplit(target)
            paths = [parts.path or "/"]
            target = f"{parts.scheme}://{parts.netloc}"
    legit = list(dict.fromkeys(check_origin(o, "--origin", stubs=False) for o in args.origin))
    if local and not args.api:
        raise BadInput(f"--api: a {target} target needs the fixture API to audit (e.g. --api origin-reflect)")
    if args.api and not local:
        raise BadInput(f"--api goes with a local target (local, local-rest, local-http), not {target}")
    for name in args.api or []:
        _check_api(name)
    if target == SCRIPTED_TARGET and not args.respond:
        raise BadInput("--respond: a scripted target needs the responses to script (a YAML file)")
    if args.respond and target != SCRIPTED_TARGET:
        raise BadInput("--respond goes with the scripted target")
    if args.session is not None and not args.session.startswith("/"):
        raise BadInput(f"--session: {args.session!r} must be a path starting with /")
    respond = _respond(args.respond) if args.respond else None
    paths = paths or ["/items"]
    method = check_method(args.method or ("POST" if args.data is not None else "GET"), "-X")
    base = target if not (local or target == SCRIPTED_TARGET) else "http://127.0.0.1"
    req = build_request(url=base + paths[0], method=method, headers=_flag_headers(args.headers),
                        body=args.data, cookies=False, what="flags")
    notes = [n for n in req.notes if not n.startswith(("credentials:", "no Origin header", "same-origin"))]
    apis = list(dict.fromkeys(args.api or [None]))
    requests = [AuditRequest(method=req.method, path=p, headers=tuple(req.headers), body=req.body, api=api,
                             respond=respond, session=args.session)
                for api in apis for p in dict.fromkeys(paths)]
    api_scheme = urlsplit(target).scheme if not (local or target == SCRIPTED_TARGET) else "https"
    return AuditPlan(target=target, legit=legit, hostiles=derive(legit, api_scheme=api_scheme),
                     requests=requests), notes


def run_audit(plan: AuditPlan, browsers: list[str], *, explicit: bool = False, options: Any = None,
              on_result: Any = None, on_engine: Any = None, on_engine_error: Any = None) -> Any:
    """Run an audit's cells and judge them (an AuditResult)."""
    from e2e.audit.judge import judge
    from e2e.engines import EngineOptions

    run = AuditRun(sfile=plan.scenario_file(), browsers=browsers, explicit_browsers=explicit,
                   options=options or EngineOptions(), plan=plan, on_result=on_result, on_engine=on_engine,
                   on_engine_error=on_engine_error)
    result = run.run()
    return judge(plan, result, run.tried, browsers), run


def cmd_audit(args: argparse.Namespace) -> int:
    from collections import Counter

    from e2e.audit.report import text_report, write_html
    from e2e.cli import check_writable, engine_options
    from e2e.engines import ENGINE_NAMES
    from e2e.progress import Progress

    plan, notes = plan_from(args)
    for flag in ("json", "html"):
        if getattr(args, flag):
            check_writable(getattr(args, flag), f"--{flag}")
    options = engine_options(args)
    explicit = bool(args.browser)
    browsers = list(dict.fromkeys(args.browser)) if explicit else list(ENGINE_NAMES)
    for note in notes:
        print(f"note: {note}")
    probe = AuditRun(sfile=plan.scenario_file(), browsers=browsers, plan=plan)
    progress = Progress(Counter(c.browser for c in probe.cells()), quiet=args.quiet)
    try:
        audit, _ = run_audit(plan, browsers, explicit=explicit, options=options, on_result=progress.cell_done,
                             on_engine=progress.engine_started, on_engine_error=progress.engine_failed)
    finally:
        progress.close()
    unwritten = []
    for flag, path, write in (("--json", args.json, audit.write_json), ("--html", args.html,
                                                                       lambda p: write_html(audit, p))):
        if path:
            try:
                write(path)
            except OSError as exc:
                unwritten.append(f"{flag} {path}: cannot write: {exc.strerror or exc}")
    if unwritten:
        raise BadInput("; ".join(unwritten))
    for name, why in sorted(audit.run.engine_errors.items()):
        print(f"engine {name} did not run: {why}", file=sys.stderr)
    print(text_report(audit), end="")
    if audit.run.interrupted:
        return EXIT_INTERRUPTED
    if (explicit and audit.run.engine_errors) or not audit.run.engines:
        raise EnvironmentProblem("; ".join(audit.run.engine_errors[n] for n in sorted(audit.run.engine_errors))
                                 or "no engine could start")
    return EXIT_HIGH_FINDING if audit.summary()["high"] else EXIT_OK

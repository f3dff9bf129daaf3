"""``cors-e2e repro``: one customer's request, from the customer's exact
origin, in every engine; the verdict, why, and whether the engines agree.

The request comes from flags, a DevTools "Copy as cURL" command, or a HAR
file. It becomes an ordinary in-memory scenario file whose only expectation
is "allowed" (what the customer wanted), so a cell that differs means the
failure reproduced, and the run, verdicts and JSON are exactly `cors-e2e run`'s.
A HAR is replayed from the scripted server (the recorded responses at the
same path), or with --live sent to the real API.
"""
from __future__ import annotations

import argparse
from typing import Any

from e2e.errors import BadInput
from e2e.exchange import redact_url
from e2e.repro.request import CREDENTIALS, ParsedRequest, build_request, check_method, check_url
from e2e.scenarios import Origin, Scenario, ScenarioFile, check_origin


def register(subparsers: Any) -> None:
    from e2e.engines import ENGINE_NAMES

    p = subparsers.add_parser(
        "repro", help="reproduce a customer's CORS failure: one request from their origin, every engine",
        description="Run one request (from flags, --curl or --har) from the customer's exact origin in "
                    "every engine. Exit 0: allowed everywhere (not reproduced); 1: blocked or a network "
                    "error in at least one engine (reproduced).")
    p.add_argument("--origin", metavar="ORIGIN", help="the page's origin, e.g. https://shop.example.com")
    p.add_argument("--url", metavar="URL", help="the API URL the page fetches")
    p.add_argument("-X", "--request", dest="method", metavar="METHOD", help="the method (default GET)")
    p.add_argument("-H", "--header", dest="headers", action="append", default=[], metavar="'Name: value'",
                   help="a request header the page sets; repeatable")
    p.add_argument("--data", metavar="BODY", help="the request body")
    p.add_argument("--credentials", choices=CREDENTIALS, help="the fetch's credentials mode")
    p.add_argument("--curl", metavar="'curl ...'", help="a DevTools 'Copy as cURL' command")
    p.add_argument("--har", metavar="FILE", help="a HAR file: its cross-origin requests")
    p.add_argument("--entry", type=int, metavar="N", help="with --har: only log.entries[N] (0-based)")
    p.add_argument("--live", action="store_true",
                   help="with --har: call the real API instead of replaying the recorded responses")
    p.add_argument("--browser", action="append", choices=ENGINE_NAMES, metavar="NAME",
                   help="chromium, firefox or webkit; repeatable (default: every engine available)")
    p.add_argument("--json", metavar="PATH", help="write the result (the cells of cors-e2e run's schema)")
    p.add_argument("--connect", action="append", metavar="[ENGINE=]WS_URL", help=argparse.SUPPRESS)
    p.add_argument("--webdriver-url", metavar="URL", help=argparse.SUPPRESS)
    p.add_argument("--quiet", "-q", action="store_true", help="no progress line")
    p.set_defaults(func=cmd_repro)


def _header(value: str, number: int) -> tuple[str, str]:
    name, sep, rest = value.partition(":")
    if not sep or not name.strip():   # not echoed: it may be a token typed without its name
        raise BadInput(f"-H #{number}: write headers as 'Name: value'")
    return name.strip(), rest.strip()


def _flag_headers(values: list[str]) -> list[tuple[str, str]]:
    return [_header(h, i) for i, h in enumerate(values, 1)]


def _apply_flags(req: ParsedRequest, args: argparse.Namespace) -> ParsedRequest:
    """Flags next to --curl/--har override what those said."""
    if args.origin:
        req.origin = check_origin(args.origin, "--origin")
        req.notes = [n for n in req.notes if "give the page origin with --origin" not in n]
    if args.method:
        req.method = check_method(args.method, "-X")
    if args.headers:
        extra = _flag_headers(args.headers)
        names = {n.lower() for n, _ in extra}
        req.headers = [h for h in req.headers if h[0].lower() not in names] + extra
    if args.data is not None:
        req.body = args.data
    if args.credentials:
        req.credentials = args.credentials
    return req


def requests_from(args: argparse.Namespace) -> list[tuple[str, ParsedRequest, dict[str, Any] | None, list[str]]]:
    """(name, request, scripted respond or None, notes) for each request to run."""
    sources = [s for s in ("curl", "har") if getattr(args, s)]
    if len(sources) > 1:
        raise BadInput("give --curl or --har, not both")
    if args.entry is not None and not args.har:
        raise BadInput("--entry goes with --har")
    if args.live and not args.har:
        raise BadInput("--live goes with --har")
    if args.curl:
        from e2e.repro.curl import parse_curl

        req = _apply_flags(parse_curl(args.curl), args)
        return [("curl", req, None, req.notes)]
    if args.har:
        from e2e.repro.har import load_har
        from e2e.repro.replay_server import respond_for_case

        out = []
        for case in load_har(args.har, args.entry):
            req = _apply_flags(case.request, args)
            name = f"har-entry-{case.index}"
            if args.live:
                out.append((name, req, None, case.all_notes))
            elif not case.replayable:
                raise BadInput(f"{args.har}: entry {case.index}: no response was recorded, so there is "
                               f"nothing to replay; use --live, or a HAR saved from Firefox")
            else:
                out.append((name, req, respond_for_case(case), case.all_notes))
        return out
    if not args.url:
        raise BadInput("say what to run: --url (with --origin), --curl or --har")
    url = check_url(args.url, "--url")
    headers = _flag_headers(args.headers)
    req = build_request(url=url, method=check_method(args.method or ("POST" if args.data else "GET"), "-X"),
                        headers=headers, body=args.data, cookies=False, what="flags")
    req = _apply_flags(req, args)
    return [("request", req, None, [n for n in req.notes if not n.startswith("credentials:")])]


def scenario_file(items: list[tuple[str, ParsedRequest, dict[str, Any] | None, list[str]]]) -> ScenarioFile:
    """An in-memory scenario file: one scenario per request, each from its own origin."""
    scripted = items[0][2] is not None
    targets = {req.target for _, req, _, _ in items}
    if not scripted and len(targets) > 1:
        raise BadInput(f"the requests go to {len(targets)} different APIs ({', '.join(sorted(targets))}); "
                       f"pick one with --entry")
    origins: dict[str, Origin] = {}
    scenarios = []
    for name, req, respond, _notes in items:
        if req.origin is None:
            raise BadInput(f"{name}: the page's origin is unknown; give --origin")
        if req.origin not in origins:
            group = "customer" if not origins else f"customer{len(origins) + 1}"
            origins[req.origin] = Origin(label=group, group=group, spec=req.origin)
        scenarios.append(Scenario(
            name=name, path=req.path, method=req.method, headers=req.header_dict(), body=req.body,
            credentials=[req.credentials], expect="allowed", api=None,
            origin_groups=[origins[req.origin].group], respond=respond, where=f"repro: {name}"))
    return ScenarioFile(path="repro", target="scripted" if scripted else next(iter(targets)),
                        origins=list(origins.values()), scenarios=scenarios)


def cmd_repro(args: argparse.Namespace) -> int:
    from e2e.cli import engine_options, run_and_report
    from e2e.engines import ENGINE_NAMES
    from e2e.runner import MatrixRun

    items = requests_from(args)
    sfile = scenario_file(items)
    for name, req, respond, notes in items:
        mode = "replayed from the HAR" if respond is not None else "live"
        print(f"{name}: {req.method} {redact_url(req.url)} from {req.origin}, credentials {req.credentials} "
              f"({mode})")
        for note in notes:
            print(f"  note: {note}")
    explicit = bool(args.browser)
    browsers = list(dict.fromkeys(args.browser)) if explicit else list(ENGINE_NAMES)
    matrix = MatrixRun(sfile=sfile, browsers=browsers, explicit_browsers=explicit,
                       options=engine_options(args))
    return run_and_report(matrix, args, detail_all=True, closing=agreement_line)


def agreement_line(result: Any) -> str:
    """Whether the engines gave the same verdict (and reason) for each request."""
    lines = []
    for scenario in dict.fromkeys(c.scenario for c in result.cells):
        seen = {(c.browser, c.verdict, c.reason) for c in result.cells if c.scenario == scenario}
        verdicts = {v for _, v, _ in seen}
        if len(verdicts) == 1:
            lines.append(f"{scenario}: engines agree: {verdicts.pop()} in "
                         f"{', '.join(sorted(b for b, _, _ in seen))}")
        else:
            lines.append(f"{scenario}: engines DISAGREE: "
                         + "; ".join(f"{b} {v}" + (f" ({r})" if r else "") for b, v, r in sorted(seen)))
    return "\n".join(lines)

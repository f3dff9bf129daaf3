"""The ``cors-e2e`` command.

Exit codes (e2e.errors): 0 every cell as expected; 1 some cell differs;
2 bad input (file, flag, URL); 3 the environment lacks something;
130 interrupted (the results gathered so far are still written).
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, NoReturn, Sequence

if TYPE_CHECKING:
    from collections.abc import Callable

    from e2e.results import RunResult
    from e2e.runner import MatrixRun
    from e2e.scenarios import ScenarioFile

from e2e.engines import ENGINE_NAMES, EngineOptions, parse_connect
from e2e.errors import (EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_REGRESSION, EXIT_MISMATCH, EXIT_OK, BadInput,
                        CorsE2EError, EnvironmentProblem)
from e2e.lanes import DEFAULT_JOBS, MAX_JOBS
from e2e.shard import parse_shard
from e2e.scenarios import DEFAULT_SCENARIOS, LOCAL_TARGETS, expand, load_scenarios


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of lanes from 1 to {MAX_JOBS}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cors-e2e", description="Check in real browsers that a frontend can "
                     "call an API on API Gateway + Lambda across origins.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run a scenario file in real browsers",
                         description="Run every cell of a scenario file and report CORS verdicts.")
    run.add_argument("--scenarios", metavar="FILE", default=None,
                     help="scenario file (default: fixtures/scenarios/default.yaml; with --template, "
                          "scenarios generated from the template)")
    run.add_argument("--template", metavar="PATH",
                     help="your own stack, served by the local gateway: a CloudFormation or SAM template, "
                          "or a CDK cloud assembly directory (cdk.out)")
    run.add_argument("--target", metavar="local|local-rest|local-http|scripted|URL",
                     help="override the file's target: a local gateway, the scripted server (scenarios "
                          "with respond:) or a deployed API's base URL")
    run.add_argument("--browser", action="append", choices=ENGINE_NAMES, metavar="NAME",
                     help="chromium, firefox or webkit; repeatable (default: every engine available)")
    run.add_argument("--json", metavar="PATH", help="write the JSON result here")
    run.add_argument("-k", dest="keyword", metavar="SUBSTRING",
                     help="only cells whose id (scenario|browser|origin|credentials) contains this")
    run.add_argument("--shuffle", metavar="SEED", type=int,
                     help="run the cells in a shuffled order (same verdicts expected)")
    run.add_argument("--jobs", "-j", metavar="N", type=_jobs,
                     help="cells in flight per engine, each lane its own browser context (default: the "
                          f"CPU cores, at least 2, at most 8; here {DEFAULT_JOBS}); 1: one cell at a time")
    run.add_argument("--shard", metavar="K/N",
                     help="run only shard K of N (a stable 1/N of the cells, by a hash of the cell id); "
                          "combine the shards' --json with cors-e2e merge")
    run.add_argument("--connect", metavar="[ENGINE=]WS_URL", action="append",
                     help="run Playwright engines in a remote browser server (playwright run-server); "
                          "prefix chromium= or firefox= for one engine; repeatable")
    run.add_argument("--webdriver-url", metavar="URL",
                     help="run WebDriver engines on a remote WebDriver endpoint (e.g. a Selenium Grid)")
    run.add_argument("--html", metavar="PATH", help="write a self-contained HTML report")
    run.add_argument("--junit", metavar="PATH", help="write JUnit XML, one testcase per cell")
    run.add_argument("--baseline", metavar="PATH",
                     help="compare with a previous --json result; a regression exits 4")
    run.add_argument("--output", metavar="DIR",
                     help="keep evidence (console log, screenshot, trace) of cells not as expected here")
    run.add_argument("--require-all-engines", action="store_true",
                     help="an engine that cannot run is an error (exit 3), not a skip; for CI")
    run.add_argument("--quiet", "-q", action="store_true",
                     help="no progress; print only differing cells, the comparison and the summary")
    from e2e.templates.commands import add_options as template_options

    template_options(run)
    run.set_defaults(func=cmd_run)

    from e2e.audit.command import register as register_audit
    from e2e.aws.cli import register as register_aws
    from e2e.repro.command import register as register_repro

    register_repro(sub)
    register_audit(sub)
    register_aws(sub, _Parser)

    merge = sub.add_parser("merge", help="combine the --json results of shards into one result",
                           description="Combine the JSON results of `run --shard K/N` jobs into one "
                                       "result and its reports, as if one run had made it.")
    merge.add_argument("results", nargs="+", metavar="RESULT.json", help="a shard's --json result")
    merge.add_argument("--json", metavar="PATH", required=True, help="write the merged JSON result here")
    merge.add_argument("--html", metavar="PATH", help="write a self-contained HTML report")
    merge.add_argument("--junit", metavar="PATH", help="write JUnit XML, one testcase per cell")
    merge.add_argument("--baseline", metavar="PATH",
                       help="compare the merged result with a previous --json result; a regression exits 4")
    merge.set_defaults(func=cmd_merge)

    serve = sub.add_parser("serve", help="start the local API Gateway alone and print its invoke URLs",
                           description="Serve fixture APIs (or your own definition files) on 127.0.0.1 "
                                       "until Ctrl-C, for curl or a real frontend.")
    serve.add_argument("--api", action="append", metavar="NAME|FILE",
                       help="a fixture API name (fixtures/apis/NAME.yaml) or a definition .yaml; repeatable "
                            "(with --template: the API's logical id)")
    serve.add_argument("--template", metavar="PATH",
                       help="serve your own stack: a CloudFormation/SAM template or a cdk.out directory")
    serve.add_argument("--stack", metavar="NAME", help="with --template: the stack of a cdk.out directory")
    serve.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE",
                       help="with --template: a template parameter's value; repeatable")
    serve.add_argument("--port", type=int, default=0, metavar="N",
                       help="port for the first API (others get free ports); default: any free port")
    serve.add_argument("--allowed-origin", default="http://localhost:3000", metavar="ORIGIN",
                       help="the frontend origin fixture APIs allow (their ${allowed_origin}); "
                            "default http://localhost:3000")
    serve.set_defaults(func=cmd_serve)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    import signal
    import threading

    from e2e.scenarios import _Loc, validate_origin
    from e2e.gateway import ApiDefinitionError, LocalGateway, load_api

    origin = validate_origin(args.allowed_origin, "--allowed-origin", _Loc("serve"))
    if not 0 <= args.port <= 65535:
        raise BadInput(f"--port: {args.port} is not a port number (0-65535)")
    definitions = []
    if args.template:
        from e2e.templates.commands import open_template

        for name in args.api or [None]:
            loaded = open_template(args.template, args.stack, name, args.parameter)
            definitions.append(loaded.api)
            for note in loaded.notes:
                print(f"note: {note}", flush=True)
    elif not args.api:
        raise BadInput("serve: give --api NAME|FILE (repeatable) or --template PATH")
    elif args.stack or args.parameter:
        raise BadInput("serve: --stack and --parameter go with --template")
    for name in [] if args.template else args.api:
        try:
            definitions.append(load_api(name, variables={"allowed_origin": origin}))
        except ApiDefinitionError as exc:
            raise BadInput(f"--api {name}: {exc}") from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with LocalGateway() as gateway:
        for i, definition in enumerate(definitions):
            try:
                api = gateway.add(definition, port=args.port if i == 0 else 0)
            except OSError as exc:
                raise BadInput(f"--port {args.port}: cannot listen there: {exc.strerror}") from None
            print(f"{api.name}: {api.base_url}", flush=True)
        print("Ctrl-C stops" if args.template else f"allowed origin: {origin}; Ctrl-C stops", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from e2e.runner import MatrixRun

    sfile = _template_scenarios(args) if args.template else load_scenarios(args.scenarios or DEFAULT_SCENARIOS)
    explicit = bool(args.browser)
    browsers = list(dict.fromkeys(args.browser)) if explicit else list(ENGINE_NAMES)
    shard = parse_shard(args.shard) if args.shard else None
    matrix = MatrixRun(sfile=sfile, browsers=browsers, explicit_browsers=explicit, target=args.target,
                       keyword=args.keyword, shuffle_seed=args.shuffle, options=engine_options(args),
                       jobs=args.jobs, shard=shard)
    if not matrix.cells():
        if shard is not None:
            raise BadInput(f"--shard {shard}: no cell of {sfile.path}"
                           + (f" matching -k {args.keyword!r}" if args.keyword else "") + " falls in this shard")
        raise BadInput(f"-k {args.keyword!r}: no cell of {sfile.path} matches")
    return run_and_report(matrix, args)


def _template_scenarios(args: argparse.Namespace) -> "ScenarioFile":
    """``run --template``: the scenario file given, served from the template
    instead of its fixture APIs, or one generated from the template."""
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    import yaml

    from e2e.scenarios import TEMPLATE_API, TemplateRef
    from e2e.templates import parse_parameters
    from e2e.templates.commands import allowed_origins, open_template, template_scenarios

    if args.target and args.target not in LOCAL_TARGETS:
        raise BadInput(f"--target {args.target}: a template is served by the local gateway (local, local-rest "
                       f"or local-http)")
    params = parse_parameters(args.parameter)
    loaded = open_template(args.template, args.stack, args.api, params)   # fails fast, before any browser
    ref = TemplateRef(str(Path(args.template).resolve()), args.stack, tuple(params.items()))
    if args.scenarios:
        sfile = load_scenarios(args.scenarios)
        if sfile.target not in LOCAL_TARGETS:
            raise BadInput(f"--template: {sfile.path} targets {sfile.target}; a template runs on the local gateway")
        for scenario in sfile.scenarios:
            scenario.api = args.api or TEMPLATE_API
        return replace(sfile, template=ref)
    origins = allowed_origins(loaded) or ["stub:allowed"]
    data = template_scenarios(loaded, ref.path, args.stack, params, origins, ["stub:denied"], args.api)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix="cors-e2e-template-", delete=False) as f:
        yaml.safe_dump(data, f, sort_keys=False)
    try:
        sfile = load_scenarios(f.name)
    finally:
        os.unlink(f.name)
    print(f"cors-e2e: {len(sfile.scenarios)} scenarios generated from {args.template} ({loaded.logical_id}); "
          f"allowed origins {', '.join(origins)}", file=sys.stderr)
    return replace(sfile, path=f"{args.template} (generated)")


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge shard results; the exit code as for a run: regression 4, a cell
    that differs (or a shard interrupted, or a shard missing) 1, else 0."""
    from e2e.baseline import compare, load_baseline
    from e2e.merge import load_results, merge_docs, missing_shards
    from e2e.results import write_doc

    baseline = load_baseline(args.baseline) if args.baseline else None
    for flag in ("json", "html", "junit"):
        if getattr(args, flag, None):
            check_writable(getattr(args, flag), f"--{flag}")
    doc = merge_docs(load_results(args.results))
    comparison = compare(baseline, doc, baseline_name=args.baseline) if baseline is not None else None
    write_doc(doc, args.json)
    if args.html:
        from e2e.html_report import write_html

        write_html(doc, args.html, comparison=comparison)
    if args.junit:
        from e2e.junit import write_junit

        write_junit(doc, args.junit, comparison=comparison)
    if comparison is not None:
        print(comparison.to_text(), end="")
    missing = missing_shards(doc)
    for name, why in sorted(doc["engine_errors"].items()):
        print(f"engine {name} did not run: {why}", file=sys.stderr)
    s = doc["summary"]
    verdicts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items()) or "none"
    print(f"merged {len(args.results)} results ({', '.join(doc['merged_from'])}): {s['cells']} cells in "
          f"{', '.join(doc['engines']) or 'no engine'}: {s['as_expected']} as expected, {s['differ']} differ "
          f"({verdicts})" + (" (a shard was interrupted)" if doc["interrupted"] else "")
          + (f"; missing shards: {', '.join(missing)}" if missing else ""))
    if comparison is not None and comparison.regressions:
        return EXIT_REGRESSION
    return EXIT_MISMATCH if s["differ"] or doc["interrupted"] or missing else EXIT_OK


def engine_options(args: argparse.Namespace) -> EngineOptions:
    if args.webdriver_url and args.webdriver_url.split("://", 1)[0] not in ("http", "https"):
        raise BadInput(f"--webdriver-url: {args.webdriver_url!r} is not an http(s):// URL")
    return EngineOptions(connect=parse_connect(args.connect), webdriver_url=args.webdriver_url)


def check_writable(path: str, flag: str) -> None:
    """A report path the run will be able to write, or BadInput now."""
    from pathlib import Path

    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise BadInput(f"{flag} {path}: is a directory; give a file name")
    if not parent.is_dir():
        raise BadInput(f"{flag} {path}: no such directory {parent}")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise BadInput(f"{flag} {path}: not writable")


def run_and_report(matrix: "MatrixRun", args: argparse.Namespace, *, detail_all: bool = False,
                   closing: "Callable[[RunResult], str] | None" = None) -> int:
    """Run a matrix and write every report asked for; the exit code by precedence:
    interrupted, environment, regression, mismatch, ok."""
    from collections import Counter
    from pathlib import Path

    from e2e.baseline import compare, load_baseline
    from e2e.progress import Progress
    from e2e.report import cell_details, cell_line, exchange_lines, print_table, summary_line

    baseline = load_baseline(args.baseline) if getattr(args, "baseline", None) else None  # fail fast
    if baseline is not None and matrix.shard is not None:
        # A shard answers for its own cells only: the rest of the baseline is
        # not "removed", it is another shard's.
        keys = {c.id: c.shard_key for c in expand(matrix.sfile, matrix.browsers, matrix.keyword)}
        baseline = {**baseline, "cells": [c for c in baseline["cells"]
                                          if matrix.shard.holds(keys.get(c["id"], c["id"]))]}
    if getattr(args, "output", None):
        # First: a report may be written inside it (--html site/index.html --output site).
        out_dir = Path(args.output)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BadInput(f"--output {args.output}: cannot create it: {exc.strerror}") from None
        matrix.evidence_dir = out_dir
    for flag in ("json", "html", "junit"):
        if getattr(args, flag, None):
            check_writable(getattr(args, flag), f"--{flag}")  # before the run, not after it
    progress = Progress(Counter(c.browser for c in matrix.cells()), quiet=args.quiet)
    matrix.on_result, matrix.on_engine = progress.cell_done, progress.engine_started
    matrix.on_engine_error = progress.engine_failed
    try:
        result = matrix.run()
    finally:
        progress.close()
    doc = result.to_json()
    comparison = compare(baseline, doc, baseline_name=args.baseline) if baseline is not None else None
    writers: list[tuple[str, str, Callable[[str], None]]] = []
    if args.json:
        writers.append(("--json", args.json, result.write_json))
    if getattr(args, "html", None):
        from e2e.html_report import write_html

        writers.append(("--html", args.html, lambda path: write_html(
            doc, path, comparison=comparison, evidence_root=getattr(args, "output", None))))
    if getattr(args, "junit", None):
        from e2e.junit import write_junit

        writers.append(("--junit", args.junit, lambda path: write_junit(doc, path, comparison=comparison)))
    unwritten = []
    for flag, path, write in writers:  # each report is written even when another cannot be
        try:
            write(path)
        except OSError as exc:
            unwritten.append(f"{flag} {path}: cannot write: {exc.strerror or exc}")
    if unwritten:
        raise BadInput("; ".join(unwritten))
    out = sys.stdout
    for name, why in sorted(result.engine_errors.items()):
        print(f"engine {name} did not run: {why}", file=sys.stderr)
    if detail_all:
        for c in result.cells:
            print(cell_line(c), file=out)
            for line in cell_details(c) + exchange_lines(c):
                print(line, file=out)
    elif args.quiet:
        for c in result.mismatches:
            print(cell_line(c), file=out)
            for line in cell_details(c):
                print(line, file=out)
    else:
        print_table(result, out)
    if comparison is not None:
        print(comparison.to_text(), end="", file=out)
    for name, version in sorted(result.engines.items()):
        print(f"engine {name}: {version}", file=out)
    if closing is not None:
        print(closing(result), file=out)
    print(summary_line(result), file=out)
    if result.interrupted:
        return EXIT_INTERRUPTED
    must_run_all = matrix.explicit_browsers or getattr(args, "require_all_engines", False)
    if (must_run_all and result.engine_errors) or not result.engines:
        raise EnvironmentProblem("; ".join(result.engine_errors[n] for n in sorted(result.engine_errors))
                                 or "no engine could start")
    if comparison is not None and comparison.regressions:
        return EXIT_REGRESSION
    return EXIT_MISMATCH if result.mismatches else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CorsE2EError as exc:
        print(f"cors-e2e: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("cors-e2e: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line, the traceback on request
        if os.environ.get("CORS_E2E_DEBUG"):
            raise
        where = ""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
        print(f"cors-e2e: internal error: {type(exc).__name__}: {exc}{where} "
              f"(please report it; CORS_E2E_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())

"""The AWS subcommands: ``inspect``, ``scenarios-from``, ``deploy-fixtures`` and
``teardown-fixtures``. ``register(subparsers, parser_class)`` adds them to the
``cors-e2e`` command; each handler returns an exit code or raises a
CorsE2EError subclass (AWS failures: e2e.aws.errors, exit codes 5-10)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from e2e.aws.findings import SEVERITIES
from e2e.aws.target import TARGET_HELP
from e2e.errors import EXIT_MISMATCH, EXIT_OK, BadInput
from e2e.scenarios import check_origin
from e2e.templates.commands import add_options as template_options
from e2e.templates.commands import is_template

TEMPLATE_HELP = (", or your own stack before deploy: a CloudFormation/SAM template or a cdk.out directory "
                 "(with --stack, --api, --parameter)")


def register(subparsers: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add the AWS subcommands to ``subparsers`` (from add_subparsers)."""
    def aws_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--region", metavar="REGION",
                       help="AWS region (default: the standard chain: AWS_REGION, the profile, ...)")
        p.add_argument("--profile", metavar="NAME", help="AWS profile (default: AWS_PROFILE or default)")

    p = subparsers.add_parser("inspect", help="read a deployed API's CORS configuration and report findings",
                              description="Read a deployed API's configuration with boto3 and report what "
                              "will break CORS, with evidence and fix. Exit 0 if nothing at or above "
                              "--fail-on, 1 otherwise.")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP + TEMPLATE_HELP)
    p.add_argument("--origin", action="append", default=[], metavar="ORIGIN",
                   help="a frontend origin that must be allowed (repeatable): reports origin-not-allowed")
    p.add_argument("--json", metavar="PATH", help="also write the findings as JSON here")
    p.add_argument("--fail-on", choices=SEVERITIES, default="warning",
                   help="lowest severity that makes the exit code 1 (default: warning)")
    aws_options(p)
    template_options(p)
    p.set_defaults(func=cmd_inspect)

    p = subparsers.add_parser("scenarios-from", help="write a scenario file covering every route of a deployed API",
                              description="Write a scenario file with one scenario per route and method of "
                              "a deployed API, targeting its base URL.")
    p.add_argument("target", metavar="TARGET", help=TARGET_HELP + TEMPLATE_HELP)
    p.add_argument("--origin", action="append", default=[], required=True, metavar="ORIGIN",
                   help="an origin expected to be allowed (repeatable; stub:allowed for the harness's own page)")
    p.add_argument("--denied-origin", action="append", default=[], metavar="ORIGIN",
                   help="an origin expected to be blocked (repeatable; e.g. stub:denied)")
    p.add_argument("--output", "-o", metavar="PATH", default="-",
                   help="where to write the file (default: standard output)")
    aws_options(p)
    template_options(p)
    p.set_defaults(func=cmd_scenarios_from)

    p = subparsers.add_parser("deploy-fixtures", help="create the fixture APIs in an AWS account",
                              description="Create the fixture APIs of fixtures/apis (Lambdas, REST and HTTP "
                              "APIs, gateway responses, an IAM role), tagged, idempotently; print their URLs.")
    p.add_argument("--allowed-origin", metavar="ORIGIN", default=None,
                   help="the frontend origin the fixtures allow (their ${allowed_origin}; "
                        "default http://localhost:41234)")
    p.add_argument("--only", action="append", metavar="FIXTURE", help="deploy only this fixture (repeatable)")
    p.add_argument("--stack", default=None, metavar="NAME",
                   help="name prefix and cors-e2e:stack tag value (default cors-e2e)")
    p.add_argument("--json", metavar="PATH", help="also write {fixture: {url, apiId, kind, stage}} here")
    aws_options(p)
    p.set_defaults(func=cmd_deploy_fixtures)

    p = subparsers.add_parser("teardown-fixtures", help="delete everything deploy-fixtures created",
                              description="Delete every resource tagged with the stack's cors-e2e:stack tag.")
    p.add_argument("--stack", default=None, metavar="NAME", help="the stack to delete (default cors-e2e)")
    aws_options(p)
    p.set_defaults(func=cmd_teardown_fixtures)


def _aws(args: argparse.Namespace, region: str | None = None) -> Any:
    from e2e.aws.session import Aws
    return Aws(region=region or args.region, profile=args.profile)


def _resolve(args: argparse.Namespace) -> tuple[Any, Any]:
    from e2e.aws.target import parse_target, region_of, resolve
    ref = parse_target(args.target)
    aws = _aws(args, region_of(ref, args.region))
    return aws, resolve(aws, ref)


def cmd_inspect(args: argparse.Namespace) -> int:
    from e2e.aws.config import read_config
    from e2e.aws.inspect import inspect_config

    for origin in args.origin:
        check_origin(origin, "--origin", stubs=False)
    loaded = None
    if is_template(args.target):
        from e2e.templates.commands import open_template
        from e2e.templates.config import template_config

        loaded = open_template(args.target, args.stack, args.api, args.parameter)
        config = template_config(loaded)
    else:
        _no_template_options(args)
        aws, api = _resolve(args)
        config = read_config(aws, api)
    report = inspect_config(config, args.origin)
    # A second opinion: the same configuration run through the local gateway; where it disagrees, say so.
    from e2e.templates.probe import second_opinion

    if loaded is not None:
        report.notes += second_opinion(config, loaded.api, set(report.codes), args.origin)
    else:
        from e2e.aws.live_model import live_model

        model_notes: list[str] = []
        model = live_model(config, model_notes)
        report.notes += model_notes + second_opinion(config, model, set(report.codes), args.origin)
    if args.json:
        report.write_json(args.json)
    report.print_text(sys.stdout, args.fail_on)
    return EXIT_MISMATCH if report.failing(args.fail_on) else EXIT_OK


def cmd_scenarios_from(args: argparse.Namespace) -> int:
    import yaml

    from e2e.aws.config import read_config
    from e2e.aws.scenarios_from import build_scenarios, check_origins, write_scenarios
    from e2e.scenarios import load_scenarios

    check_origins(args.origin, args.denied_origin)   # before calling AWS
    if is_template(args.target):
        return _template_scenarios_from(args)
    _no_template_options(args)
    aws, api = _resolve(args)
    data = build_scenarios(read_config(aws, api), args.origin, args.denied_origin)
    if args.output == "-":
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, width=100))
        return EXIT_OK
    write_scenarios(data, args.output)
    sfile = load_scenarios(args.output)   # the file must load; a bug here is ours, not the user's
    print(f"wrote {args.output}: {len(sfile.scenarios)} scenarios for {api.label} ({api.base_url})")
    return EXIT_OK


def _no_template_options(args: argparse.Namespace) -> None:
    for flag in ("stack", "api", "parameter"):
        if getattr(args, flag):
            raise BadInput(f"--{flag}: only for a template (a file or cdk.out directory); "
                           f"{args.target!r} is not one on disk")


def _template_scenarios_from(args: argparse.Namespace) -> int:
    import yaml

    from e2e.aws.scenarios_from import write_scenarios
    from e2e.scenarios import load_scenarios
    from e2e.templates import parse_parameters
    from e2e.templates.commands import open_template, relative_to, template_scenarios

    params = parse_parameters(args.parameter)
    loaded = open_template(args.target, args.stack, args.api, params)
    where = "." if args.output == "-" else str(Path(args.output).parent)
    data = template_scenarios(loaded, relative_to(args.target, where), args.stack, params, args.origin,
                              args.denied_origin, args.api)
    if args.output == "-":
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, width=100))
        return EXIT_OK
    write_scenarios(data, args.output)
    sfile = load_scenarios(args.output)   # the file must load; a bug here is ours, not the user's
    print(f"wrote {args.output}: {len(sfile.scenarios)} scenarios for {loaded.logical_id} in {args.target}")
    return EXIT_OK


def cmd_deploy_fixtures(args: argparse.Namespace) -> int:
    from e2e.aws.deploy import DEFAULT_ALLOWED_ORIGIN, DEFAULT_STACK, FixtureDeployer
    from e2e.gateway import list_apis

    names = _fixtures(args.only, list_apis())
    origin = args.allowed_origin or DEFAULT_ALLOWED_ORIGIN
    check_origin(origin, "--allowed-origin", stubs=False)
    stack = _stack(args.stack or DEFAULT_STACK)
    aws = _aws(args)
    print(f"deploying {len(names)} fixture API{'s' if len(names) != 1 else ''} to {aws.region} "
          f"(stack {stack}, allowed origin {origin})")
    deployed = FixtureDeployer(aws, stack, origin, say=print).deploy(names)
    if args.json:
        data = {d.fixture: {"url": d.url, "apiId": d.api_id, "kind": d.kind, "stage": d.stage,
                            "target": f"aws:{d.kind}/{d.api_id}/{d.stage}"} for d in deployed}
        try:
            Path(args.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"--json: cannot write {args.json}: {exc.strerror or exc}") from None
    counts = {a: sum(d.action == a for d in deployed) for a in ("created", "replaced", "unchanged")}
    print(", ".join(f"{n} {a}" for a, n in counts.items()))
    return EXIT_OK


def cmd_teardown_fixtures(args: argparse.Namespace) -> int:
    from e2e.aws.deploy import DEFAULT_STACK
    from e2e.aws.teardown import teardown

    stack = _stack(args.stack or DEFAULT_STACK)
    aws = _aws(args)
    gone = teardown(aws, stack, say=print)
    print(f"deleted {len(gone)} resource{'s' if len(gone) != 1 else ''} of stack {stack} in {aws.region}")
    return EXIT_OK


def _fixtures(only: list[str] | None, known: list[str]) -> list[str]:
    if not only:
        return known
    unknown = [n for n in only if n not in known]
    if unknown:
        raise BadInput(f"--only: unknown fixture {unknown[0]!r} (fixtures: {', '.join(known)})")
    return list(dict.fromkeys(only))


def _stack(name: str) -> str:
    import re
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", name):
        raise BadInput(f"--stack: {name!r}: use 1-20 lower-case letters, digits and -, starting with a letter")
    return name


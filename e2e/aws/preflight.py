"""What a REST API's MOCK OPTIONS method answers, found by running it.

The integration is run by the local gateway's own MOCK engine (request
template, integration response selection, response parameters, and the VTL
response template with its ``responseOverride``), so what inspect reads from a
mapping template is what the local gateway, and API Gateway, answer with.
The origins it can answer are found by asking: once with an origin no list
names (an answer echoing it means any site is let in), then once with every
origin the template or the mapping names as a string literal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from e2e.exchange import header_value
from e2e.gateway.errors import GatewayError
from e2e.gateway.model import Integration
from e2e.gateway.rest.mock import run_mock
from e2e.gateway.vtl import BinOp, Call, If, Lit, Ref, Set, TemplateError, parse_template
from e2e.gateway.wire import HttpRequest

# An origin no allow-list names: echoed back, it means every origin is.
UNLISTED = "https://cors-e2e-unlisted.invalid"
_OVERRIDE = ["context", "responseoverride", "header", "access-control-allow-origin"]


@dataclass
class Preflight:
    status: str
    origins: list[str] = field(default_factory=list)   # every origin it can answer with
    reflected: str | None = None      # evidence when Allow-Origin echoes any request Origin
    methods: list[str] | None = None  # Access-Control-Allow-Methods, None when absent
    headers: list[str] | None = None  # Access-Control-Allow-Headers, None when absent
    credentials: bool = False
    raw: dict[str, str] = field(default_factory=dict)  # header name -> mapping source, as configured


def decode(integration: dict[str, Any]) -> Preflight | None:
    """The preflight a MOCK integration (boto3's shape) answers with, or None when it is not
    a MOCK (a Lambda answers, and only a browser run can tell what) or uses template
    features the local gateway does not run (it would not guess)."""
    from e2e.aws.live_model import rest_integration

    if integration.get("type") != "MOCK":
        return None
    model = rest_integration(integration, {})
    assert model is not None
    return run_preflight(model)


def run_preflight(integration: Integration) -> Preflight | None:
    if integration.type != "MOCK":
        return None
    try:
        nodes = [n for r in integration.integration_responses for t in r.response_templates.values()
                 for n in parse_template(t or "")]
        nodes += [n for t in integration.request_templates.values() for n in parse_template(t or "")]
    except TemplateError:
        return None
    status, answered = _ask(integration, UNLISTED)
    if status is None:
        return Preflight(status=str(answered))
    pf = Preflight(status=str(status))
    # What is configured: the response parameters of the response the MOCK selects.
    for key, source in _selected_parameters(integration, status).items():
        if key.lower().startswith("method.response.header."):
            pf.raw[key[len("method.response.header."):].lower()] = source
    origin = header_value(answered, "Access-Control-Allow-Origin")
    if origin == UNLISTED:
        override = _override_value(nodes)
        pf.reflected = (f"the response template sets Access-Control-Allow-Origin to {override} "
                        f"without comparing it with a list of origins") if override is not None else \
            f"Access-Control-Allow-Origin is mapped from {pf.raw.get('access-control-allow-origin', 'the request')}"
    elif origin is not None:
        pf.origins.append(origin)
    for candidate in _named_origins(integration, nodes):
        _, got = _ask(integration, candidate)
        value = header_value(got, "Access-Control-Allow-Origin")
        if value is not None and value not in pf.origins and value != UNLISTED:
            pf.origins.append(value)
    pf.methods = _list(answered, pf.raw, "access-control-allow-methods")
    pf.headers = _list(answered, pf.raw, "access-control-allow-headers")
    pf.credentials = (header_value(answered, "Access-Control-Allow-Credentials") or "").lower() == "true"
    return pf


def _ask(integration: Integration, origin: str) -> tuple[int | None, Any]:
    """Run the MOCK on a preflight from ``origin``: (status, headers), or (None, status) when it fails."""
    req = HttpRequest("OPTIONS", "/", "", [("Origin", origin), ("Access-Control-Request-Method", "POST")])
    try:
        status, headers, _ = run_mock(integration, req, {"httpMethod": "OPTIONS", "requestId": req.request_id},
                                      {}, {})
    except GatewayError as exc:
        return None, exc.status
    return status, headers


def _selected_parameters(integration: Integration, status: int) -> dict[str, str]:
    for response in integration.integration_responses:
        if response.status_code == status:
            return response.response_parameters
    first = integration.integration_responses[0] if integration.integration_responses else None
    return first.response_parameters if first else {}


def _named_origins(integration: Integration, nodes: list[Any]) -> list[str]:
    """Origins written as literals: in the response parameters and anywhere in the templates."""
    found: list[str] = []
    for response in integration.integration_responses:
        for source in response.response_parameters.values():
            if len(source) >= 2 and source[0] == source[-1] == "'":
                found.append(source[1:-1])
    for node in _walk(nodes):
        if isinstance(node, Lit) and isinstance(node.value, str):
            found.append(node.value)
    return [o for o in dict.fromkeys(found) if "://" in o]


def _walk(nodes: list[Any]) -> Any:
    for node in nodes:
        yield node
        if isinstance(node, If):
            for condition, body in node.branches:
                if condition is not None:
                    yield from _walk([condition])
                yield from _walk(body)
        elif isinstance(node, Set):
            yield from _walk([node.value])
        elif isinstance(node, BinOp):
            yield from _walk([node.left, node.right])
        elif isinstance(node, Call):
            yield from _walk(node.args)


def _override_value(nodes: list[Any]) -> str | None:
    """How the template's Allow-Origin override is written (for the evidence), None without one."""
    for node in _walk(nodes):
        if isinstance(node, Set) and [p.lower() for p in node.target.parts] == _OVERRIDE:
            return _written(node.value)
    return None


def _written(expr: Any) -> str:
    if isinstance(expr, Lit):
        return f'"{expr.value}"' if isinstance(expr.value, str) else str(expr.value)
    if isinstance(expr, Ref):
        return "$" + ".".join(expr.parts)
    if isinstance(expr, Call):
        args = ", ".join(_written(a) for a in expr.args)
        head, _, rest = expr.target.partition("input.params.")
        if not head and rest:
            return f"$input.params().{rest}({args})"
        return f"${expr.target}({args})"
    assert isinstance(expr, BinOp)
    return f"{_written(expr.left)} {expr.op} {_written(expr.right)}"


def _list(answered: Any, raw: dict[str, str], name: str) -> list[str] | None:
    value = header_value(answered, name)
    if value is None:
        return [] if name in raw else None
    return [p.strip() for p in value.split(",") if p.strip()]

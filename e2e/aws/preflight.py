"""What a REST API's MOCK OPTIONS method answers, decoded from its integration
response: the static ``responseParameters`` and, for CDK's multi-origin
support, the response template that overrides Allow-Origin."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from e2e.aws.origins import is_request_origin, literal

_OVERRIDE = re.compile(r"#set\(\s*\$context\.responseOverride\.header\.Access-Control-Allow-Origin\s*=\s*(.+?)\s*\)\s*$",
                       re.IGNORECASE)
_COMPARED = re.compile(r"==\s*[\"']([^\"']*)[\"']")


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
    """The preflight a MOCK integration answers with, or None when it is not a
    MOCK (a Lambda answers, and only a browser run can tell what)."""
    if integration.get("type") != "MOCK":
        return None
    responses = list((integration.get("integrationResponses") or {}).values())
    if not responses:
        return Preflight(status="500")
    # The default response (no selectionPattern) is what a MOCK {statusCode: 200} selects
    # unless a pattern matches "200".
    chosen = next((r for r in responses if r.get("selectionPattern") == "200"), None) \
        or next((r for r in responses if not r.get("selectionPattern")), responses[0])
    pf = Preflight(status=str(chosen.get("statusCode", "")))
    for key, source in (chosen.get("responseParameters") or {}).items():
        if key.lower().startswith("method.response.header."):
            pf.raw[key[len("method.response.header."):].lower()] = source
    origin = pf.raw.get("access-control-allow-origin")
    if origin is not None:
        value = literal(origin)
        if value is not None:
            pf.origins.append(value)
        elif is_request_origin(origin):
            pf.reflected = f"Access-Control-Allow-Origin is mapped from {origin}"
    for template in (chosen.get("responseTemplates") or {}).values():
        _scan_template(template or "", pf)
    if "access-control-allow-methods" in pf.raw:
        pf.methods = _split(literal(pf.raw["access-control-allow-methods"]) or "")
    if "access-control-allow-headers" in pf.raw:
        pf.headers = _split(literal(pf.raw["access-control-allow-headers"]) or "")
    pf.credentials = (literal(pf.raw.get("access-control-allow-credentials", "")) or "").lower() == "true"
    return pf


def _scan_template(text: str, pf: Preflight) -> None:
    """Find Allow-Origin overrides and the #if conditions they sit under."""
    conditions: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#if(") or s.startswith("#if ("):
            conditions.append(s)
        elif s.startswith("#elseif"):
            if conditions:
                conditions[-1] = s
        elif s.startswith("#else"):
            if conditions:
                conditions[-1] = "#else"      # the complement of a list allows anything else
        elif s.startswith("#end"):
            if conditions:
                conditions.pop()
        m = _OVERRIDE.search(s)
        if not m:
            continue
        value = m.group(1).strip()
        if value[:1] in "\"'" and value[-1:] == value[:1]:
            pf.origins.append(value[1:-1])
            continue
        allowed = [o for c in conditions if c != "#else" for o in _COMPARED.findall(c) if o]
        if allowed and "#else" not in conditions:
            pf.origins.extend(o for o in allowed if o not in pf.origins)
        else:
            pf.reflected = f"the response template sets Access-Control-Allow-Origin to {value} " \
                           f"without comparing it with a list of origins"


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]

"""Targets: ``aws:rest/{id}/{stage}``, ``aws:http/{id}[/{stage}]``, or a base URL
(``https://{id}.execute-api.{region}.amazonaws.com[/{stage}]`` or a custom
domain), resolved to one API and stage through boto3."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from e2e.aws.errors import UnknownApi
from e2e.aws.session import Aws
from e2e.errors import BadInput
from e2e.exchange import redact_url
from e2e.scenarios import port_problem, split_url

_API_ID = re.compile(r"^[a-z0-9]{1,32}$")
_STAGE = re.compile(r"^(?:\$default|[A-Za-z0-9_-]{1,128})$")
_EXECUTE_API = re.compile(r"^(?P<id>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")

TARGET_HELP = "aws:rest/API_ID/STAGE, aws:http/API_ID[/STAGE] or the stage's base URL"


@dataclass(frozen=True)
class TargetRef:
    """What the user wrote, parsed; nothing looked up yet."""

    kind: Literal["rest", "http", "auto", "domain"]
    api_id: str = ""
    stage: str | None = None
    region: str | None = None          # from an execute-api host
    host: str = ""                     # a custom domain
    base_path: str = ""                # a custom domain's first path segment
    url: str | None = None             # the base URL as given


@dataclass(frozen=True)
class ResolvedApi:
    kind: Literal["rest", "http"]
    api_id: str
    name: str
    stage: str
    region: str
    base_url: str                      # what a browser calls: stage URL or custom domain URL

    @property
    def label(self) -> str:
        return f"aws:{self.kind}/{self.api_id}/{self.stage}"


def parse_target(text: str) -> TargetRef:
    if text.startswith("aws:"):
        kind, _, rest = text[4:].partition("/")
        parts = rest.split("/") if rest else []
        if kind not in ("rest", "http") or not parts or not _API_ID.match(parts[0]) \
                or len(parts) > 2 or (kind == "rest" and len(parts) != 2) \
                or (len(parts) == 2 and not _STAGE.match(parts[1])):
            raise BadInput(f"target: {text!r} is not {TARGET_HELP}")
        return TargetRef(kind=kind, api_id=parts[0], stage=parts[1] if len(parts) == 2 else None)  # type: ignore[arg-type]
    parts = split_url(text)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise BadInput(f"target: {redact_url(text)!r} is not {TARGET_HELP}")
    if (bad_port := port_problem(parts)) is not None:
        raise BadInput(f"target: {text!r} {bad_port}")
    url = text.rstrip("/")
    segments = [s for s in parts.path.split("/") if s]
    m = _EXECUTE_API.match(parts.hostname)
    if m:
        if len(segments) > 1:
            raise BadInput(f"target: {text!r}: give the stage's base URL (…amazonaws.com/STAGE), not a path below it")
        return TargetRef(kind="auto", api_id=m["id"], stage=segments[0] if segments else None,
                         region=m["region"], url=url)
    return TargetRef(kind="domain", host=parts.hostname, base_path="/".join(segments), url=url)


def resolve(aws: Aws, ref: TargetRef) -> ResolvedApi:
    """Look the target up: the API exists, the stage exists, and its base URL."""
    if ref.kind == "domain":
        return _resolve_domain(aws, ref)
    if ref.kind in ("rest", "auto"):
        try:
            api = aws.call("apigateway", "get_rest_api", restApiId=ref.api_id,
                           doing=f"reading REST API {ref.api_id}")
        except UnknownApi:
            if ref.kind == "rest":
                raise UnknownApi(f"no REST API {ref.api_id} in {aws.region} (wrong id or region? "
                                 f"set AWS_REGION or pass --region)") from None
        else:
            return _rest(aws, ref, api)
    return _http(aws, ref)


def _rest(aws: Aws, ref: TargetRef, api: dict) -> ResolvedApi:
    stages = [s["stageName"] for s in aws.call("apigateway", "get_stages", restApiId=ref.api_id,
                                               doing=f"listing stages of REST API {ref.api_id}").get("item", [])]
    if ref.stage is None or ref.stage not in stages:
        what = "needs a stage" if ref.stage is None else f"has no stage {ref.stage!r}"
        raise UnknownApi(f"REST API {ref.api_id} {what} (stages: {', '.join(sorted(stages)) or 'none deployed'})")
    url = ref.url or f"https://{ref.api_id}.execute-api.{aws.region}.{_suffix(aws.region)}/{ref.stage}"
    return ResolvedApi("rest", ref.api_id, api.get("name", ""), ref.stage, aws.region, url)


def _http(aws: Aws, ref: TargetRef) -> ResolvedApi:
    try:
        api = aws.call("apigatewayv2", "get_api", ApiId=ref.api_id, doing=f"reading HTTP API {ref.api_id}")
    except UnknownApi:
        kind = "REST or HTTP" if ref.kind == "auto" else "HTTP"
        raise UnknownApi(f"no {kind} API {ref.api_id} in {aws.region} (wrong id or region? "
                         f"set AWS_REGION or pass --region)") from None
    if api.get("ProtocolType") != "HTTP":
        raise BadInput(f"target: API {ref.api_id} is a {api.get('ProtocolType')} API; cors-e2e reads "
                       f"REST and HTTP APIs")
    stages = [s["StageName"] for s in aws.pages("apigatewayv2", "get_stages", "Items", ApiId=ref.api_id,
                                                doing=f"listing stages of HTTP API {ref.api_id}")]
    stage = ref.stage
    if stage is None:
        # A base URL without a path, or aws:http/ID: the $default stage, or the only one.
        stage = "$default" if "$default" in stages else (stages[0] if len(stages) == 1 else None)
        if stage is None:
            raise UnknownApi(f"HTTP API {ref.api_id} has no $default stage; name one "
                             f"(stages: {', '.join(sorted(stages)) or 'none'})")
    elif stage not in stages:
        raise UnknownApi(f"HTTP API {ref.api_id} has no stage {stage!r} (stages: {', '.join(sorted(stages)) or 'none'})")
    endpoint = str(api.get("ApiEndpoint") or f"https://{ref.api_id}.execute-api.{aws.region}.{_suffix(aws.region)}")
    url = ref.url or (endpoint if stage == "$default" else f"{endpoint}/{stage}")
    return ResolvedApi("http", ref.api_id, api.get("Name", ""), stage, aws.region, url)


def _resolve_domain(aws: Aws, ref: TargetRef) -> ResolvedApi:
    try:
        mappings = aws.pages("apigatewayv2", "get_api_mappings", "Items", DomainName=ref.host,
                             doing=f"reading the API mappings of {ref.host}")
    except UnknownApi:
        raise UnknownApi(f"{ref.host} is neither an execute-api host nor a custom domain name in "
                         f"{aws.region} (wrong region? set AWS_REGION or pass --region)") from None
    keys = {m.get("ApiMappingKey", ""): m for m in mappings}
    # The longest mapping key that prefixes the URL's path (multi-level mappings: "v1/orders").
    match = max((k for k in keys if k == "" or ref.base_path == k or ref.base_path.startswith(k + "/")),
                key=len, default=None)
    if match is None:
        raise UnknownApi(f"{ref.host} maps no API at /{ref.base_path} (mappings: "
                         f"{', '.join('/' + k for k in sorted(keys)) or 'none'})")
    mapping = keys[match]
    inner = TargetRef(kind="auto", api_id=mapping["ApiId"], stage=mapping["Stage"], url=ref.url)
    return resolve(aws, inner)


def _suffix(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def region_of(ref: TargetRef, flag: str | None) -> str | None:
    """The region to use: --region wins, then an execute-api host's own region."""
    if flag and ref.region and flag != ref.region:
        raise BadInput(f"--region {flag} contradicts the target's host, which is in {ref.region}")
    return flag or ref.region


__all__ = ["ResolvedApi", "TargetRef", "parse_target", "region_of", "resolve"]

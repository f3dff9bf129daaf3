"""Diagnosis of a blocked cell in API Gateway + Lambda terms.

From what the browser said (its verdict and, when it gave one, its reason) and
what the server recorded (the preflight and actual exchanges), :func:`explain`
names the reason code, the layer of the stack that produced the failing
response, the HTTP status the CORS error hides, and the fix in a sentence or
two.

Where the reason comes from: the engine's reason when it gave one and the
oracle's reading of the exchange does not contradict it (the oracle's code is
kept when it is only more precise, e.g. Firefox does not say whether the
preflight or the actual response failed); the oracle's when the engine gave
none. A contradiction is stated in the explanation, labelled as an engine
deviation when a known one accounts for it.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlsplit
from dataclasses import dataclass
from typing import Literal

from e2e import oracle, reasons as R
from e2e.exchange import (LAYER_CDN, LAYER_GATEWAY_ERROR, LAYER_HTTP_API_CORS, LAYER_LAMBDA, LAYER_OPTIONS_METHOD,
                          LAYER_REMOTE, Exchange, header_value, redact_url)
from e2e.gateway.errors import RESPONSE_STATUS, RESPONSE_TYPE_OF_ERROR
from e2e.oracle import ALLOW_HEADERS, ALLOW_METHODS, ALLOW_ORIGIN, OracleResult

Target = Literal["rest", "http", "scripted", "remote"]
LAYER_NONE = "none"   # no response reached the browser (network error, timeout)
LAYER_BROWSER = "browser"   # the browser refused before sending (Local Network Access)

# Headers API Gateway puts on responses it generates itself.
AMZN_ERROR_TYPE = "x-amzn-ErrorType"
AMZN_REQUEST_ID = "x-amzn-RequestId"
HTTP_API_REQUEST_ID = "apigw-requestid"

# x-amzn-ErrorType -> gateway response type recognises a gateway error in a
# deployed API's replayed exchange: the gateway's own table.
_ERROR_TYPES = RESPONSE_TYPE_OF_ERROR


@dataclass(frozen=True)
class CellFacts:
    request: oracle.Request
    browser_verdict: str                       # allowed | blocked | network-error | timeout
    exchanges: Sequence[Exchange] = ()         # the cell's raw exchanges, in order
    engine: str | None = None                  # chromium | firefox | webkit
    engine_reason: str | None = None           # an e2e.reasons code; None when the engine gave none
    engine_failed_parameter: str | None = None
    target: Target = "remote"
    local_network_permission: str | None = None  # the page's Local Network Access permission state

    @property
    def preflight(self) -> Exchange | None:
        return next((e for e in self.exchanges if e.is_preflight), None)

    @property
    def actual_chain(self) -> list[Exchange]:
        """The actual request and the redirects it followed."""
        return [e for e in self.exchanges if not e.is_preflight]


@dataclass(frozen=True)
class Explanation:
    reason: str | None
    layer: str | None                    # an e2e.exchange LAYER_* value, or LAYER_NONE
    explanation: str
    underlying_status: int | None        # the status of the response CORS withheld
    oracle_verdict: str | None = None    # None when the exchange was too incomplete to judge
    oracle_reason: str | None = None
    oracle_agrees: bool | None = None    # browser verdict == oracle's engine-expected verdict
    deviation: str | None = None         # a labelled engine deviation accounting for a difference


@dataclass(frozen=True)
class _Context:
    facts: CellFacts
    reason: str
    parameter: str | None
    exchange: Exchange | None            # the response that failed
    stage: str
    layer: str
    gateway_type: str | None


def explain(facts: CellFacts) -> Explanation:
    """Explain one cell that did not come out allowed."""
    if facts.engine_reason == R.LOCAL_NETWORK_ACCESS:
        return _local_network_access(facts)
    if facts.browser_verdict in ("network-error", "timeout") and not facts.exchanges:
        return _no_response(facts)
    verdict = judge_cell(facts)
    reason, parameter, note, deviation = _settle_reason(facts, verdict)
    stage = "preflight" if _is_preflight_reason(reason) else "actual"
    exchange = _failing_exchange(facts, stage)
    layer, gateway_type = _layer_of(exchange, facts.target)
    if parameter is None and reason == R.METHOD_NOT_ALLOWED:
        parameter = facts.request.sent_method()
    ctx = _Context(facts, reason, parameter, exchange, stage, layer, gateway_type)
    text = " ".join(part for part in (_masking(ctx), _diagnosis(ctx), note) if part)
    return Explanation(
        reason=reason, layer=layer, explanation=text,
        underlying_status=exchange.status if exchange is not None else None,
        oracle_verdict=verdict.verdict if verdict else None,
        oracle_reason=verdict.reason if verdict else None,
        oracle_agrees=(verdict.verdict == facts.browser_verdict) if verdict else None,
        deviation=deviation or (verdict.engine_deviation if verdict else None))


@dataclass(frozen=True)
class Agreement:
    oracle_verdict: str | None       # None: the exchange was too incomplete to judge
    oracle_agrees: bool | None
    deviation: str | None            # the labelled engine deviation accounting for the verdict


def agreement(facts: CellFacts) -> Agreement:
    """The oracle's verdict next to the browser's, for any cell (allowed ones too)."""
    verdict = judge_cell(facts)
    if verdict is None:
        return Agreement(None, None, None)
    agrees = verdict.verdict == facts.browser_verdict
    deviation = verdict.engine_deviation
    if not agrees and facts.engine and facts.browser_verdict in (oracle.ALLOWED, oracle.BLOCKED):
        deviation = oracle.label_disagreement(facts.request, facts.preflight, facts.actual_chain or None,
                                              engine=facts.engine, observed_verdict=facts.browser_verdict)
    return Agreement(verdict.verdict, agrees, deviation)


# --- settling the reason ------------------------------------------------------------
def judge_cell(facts: CellFacts) -> OracleResult | None:
    """oracle.judge over the cell's exchanges; None when they are incomplete."""
    try:
        return oracle.judge(facts.request, facts.preflight, facts.actual_chain or None, engine=facts.engine)
    except oracle.IncompleteExchange:
        return None


def _settle_reason(facts: CellFacts, verdict: OracleResult | None
                   ) -> tuple[str, str | None, str | None, str | None]:
    """(reason, failed parameter, a note on any disagreement, deviation label)."""
    engine_reason = facts.engine_reason
    engine_name = facts.engine or "the engine"
    if verdict is None:
        return engine_reason or R.UNKNOWN, facts.engine_failed_parameter, None, None
    if verdict.verdict == oracle.ALLOWED:
        deviation = None
        if facts.engine:
            deviation = oracle.label_disagreement(facts.request, facts.preflight, facts.actual_chain or None,
                                                  engine=facts.engine, observed_verdict=facts.browser_verdict)
        why = f"a known engine deviation ({deviation})" if deviation else "an engine deviation or an oracle bug"
        note = (f"The oracle judges this exchange allowed, yet {engine_name} blocked it: {why}.")
        return engine_reason or R.UNKNOWN, facts.engine_failed_parameter, note, deviation
    assert verdict.reason is not None
    if engine_reason is None or _compatible(engine_reason, verdict, facts.engine):
        return verdict.reason, verdict.failed_parameter, None, None
    note = (f"{engine_name} reported {engine_reason}, but the exchange shows {verdict.reason}"
            f"{_param_suffix(verdict.failed_parameter)}: an engine deviation or an oracle bug.")
    return engine_reason, facts.engine_failed_parameter, note, None


def _compatible(engine_reason: str, verdict: OracleResult, engine: str | None) -> bool:
    """Whether the engine's reason is the oracle's finding, said more coarsely,
    or another check the same response also fails."""
    found = {verdict.reason, *verdict.also_failed}
    if engine_reason in found:
        return True
    # Firefox checks a redirected preflight's Allow-Origin before it says
    # "redirect": a redirect without CORS headers reads as missing-allow-origin.
    if verdict.reason == R.PREFLIGHT_REDIRECT and _bare(engine_reason) == R.MISSING_ALLOW_ORIGIN:
        return True
    # Firefox and WebKit do not say whether the preflight or the actual response failed.
    bare = {_bare(code) for code in found if code}
    if _bare(engine_reason) in bare:
        return True
    # A present but wrong Allow-Origin is classified differently by each engine
    # (Firefox calls "a, b" a mismatch); WebKit even uses one message for a
    # missing and a mismatched one.
    family = {R.ALLOW_ORIGIN_MISMATCH, R.INVALID_ALLOW_ORIGIN, R.MULTIPLE_ALLOW_ORIGIN}
    if engine == "webkit":
        family |= {R.MISSING_ALLOW_ORIGIN}
    return _bare(engine_reason) in family and bool(bare & family)


def _bare(code: str) -> str:
    return code[len(R.PREFLIGHT):] if code.startswith(R.PREFLIGHT) else code


def _is_preflight_reason(reason: str) -> bool:
    return reason.startswith(R.PREFLIGHT) or reason in (R.METHOD_NOT_ALLOWED, R.HEADER_NOT_ALLOWED,
                                                        R.INVALID_ALLOW_METHODS, R.INVALID_ALLOW_HEADERS)


def _failing_exchange(facts: CellFacts, stage: str) -> Exchange | None:
    if stage == "preflight":
        return facts.preflight
    chain = facts.actual_chain
    return chain[-1] if chain else None


def _param_suffix(parameter: str | None) -> str:
    return f" ({parameter})" if parameter else ""


# --- which layer answered ----------------------------------------------------------------
def _layer_of(exchange: Exchange | None, target: str) -> tuple[str, str | None]:
    """(layer, gateway response type when API Gateway generated the response)."""
    if exchange is None:
        return LAYER_NONE, None
    if exchange.layer == LAYER_GATEWAY_ERROR:
        return exchange.layer, exchange.detail or _gateway_type(exchange)
    if exchange.layer != LAYER_REMOTE:
        return exchange.layer, None
    # A deployed API: recognise CloudFront's own answers and API Gateway's errors by their marks.
    if _cdn_kind(exchange) is not None:
        return LAYER_CDN, None
    gateway_type = _gateway_type(exchange)
    if gateway_type is not None:
        return LAYER_GATEWAY_ERROR, gateway_type
    return LAYER_REMOTE, None


def _gateway_type(exchange: Exchange) -> str | None:
    error_type = header_value(exchange.response_headers, AMZN_ERROR_TYPE)
    if error_type:
        name = error_type.split(":", 1)[0].strip()
        known = _ERROR_TYPES.get(name)
        # BadRequestException is REQUEST_TOO_LARGE only as a 413: a type is
        # named only when the status is the one it is sent with.
        if known is not None and RESPONSE_STATUS.get(known, exchange.status) == exchange.status:
            return known
        if name == "ForbiddenException" and exchange.status == 403:
            # Sent by INVALID_API_KEY and WAF_FILTERED alike: name the common one;
            # a deployed API's explanation adds that WAF looks the same.
            return "INVALID_API_KEY"
        return name
    message = _json_message(exchange.body)
    if exchange.status == 504 and message == "Endpoint request timed out":
        return "INTEGRATION_TIMEOUT"
    if exchange.status == 502 and message == "Internal server error":
        return "DEFAULT_5XX"
    return None


def _json_message(body: str) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        return None
    if isinstance(data, dict):
        value = data.get("message", data.get("Message"))
        return value if isinstance(value, str) else None
    return None


# --- the words -----------------------------------------------------------------------------
def _no_response(facts: CellFacts) -> Explanation:
    if facts.browser_verdict == "timeout":
        text = ("No response within the cell's timeout: the server never answered (an API Gateway "
                "integration times out after at most 29 s with a 504; a hang longer than the probe's "
                "timeout points at the network or a local server that is stuck).")
        return Explanation(R.TIMEOUT, LAYER_NONE, text, None)
    if facts.engine_reason == R.MIXED_CONTENT:
        text = ("The browser did not send the request: an https page may not fetch a plain http URL (mixed "
                "content); this is not a CORS decision. Serve the API over https.")
        return Explanation(R.MIXED_CONTENT, LAYER_NONE, text, None)
    text = ("The request never reached a server (connection refused, DNS or TLS failure): this is not "
            "a CORS decision. Check that the API's URL and stage are right and that it is running.")
    return Explanation(facts.engine_reason or R.CONNECTION_FAILED, LAYER_NONE, text, None)


def _masking(ctx: _Context) -> str:
    ex = ctx.exchange
    if ex is None or ex.status < 400:
        return ""
    what = "preflight" if ctx.stage == "preflight" else "request"
    return f"The CORS error masks a {ex.status} response to the {what}."


def _diagnosis(ctx: _Context) -> str:
    if ctx.exchange is None:
        return _spec_text(ctx) + " (no recorded exchange to say which layer answered)."
    if ctx.layer == LAYER_GATEWAY_ERROR:
        return _gateway_error_text(ctx)
    if ctx.layer == LAYER_OPTIONS_METHOD:
        return _options_method_text(ctx)
    if ctx.layer == LAYER_HTTP_API_CORS:
        return _http_api_cors_text(ctx)
    if ctx.layer == LAYER_LAMBDA:
        return _lambda_text(ctx)
    if ctx.layer == LAYER_CDN:
        return _cdn_text(ctx)
    return _spec_text(ctx) + "."


def _origin(ctx: _Context) -> str:
    return ctx.facts.request.origin


def _sent(ctx: _Context, name: str) -> str:
    value = header_value(ctx.exchange.response_headers, name) if ctx.exchange else None
    return f"{name}: {value}" if value is not None else f"no {name}"


def _spec_text(ctx: _Context) -> str:
    """What failed, in the standard's terms, with the general fix."""
    reason, p = _bare(ctx.reason), ctx.parameter
    pre = "the preflight's " if ctx.reason.startswith(R.PREFLIGHT) else "the "
    texts = {
        R.MISSING_ALLOW_ORIGIN: f"{pre}response has no Access-Control-Allow-Origin: send the page's origin "
                                f"({_origin(ctx)}) or * on it",
        R.ALLOW_ORIGIN_MISMATCH: f"{pre}response allows origin {p!r}, not the page's {_origin(ctx)!r} (the "
                                 f"comparison is byte for byte: scheme, host case, port, no trailing slash): "
                                 f"echo the request's Origin when it is allowed",
        R.MULTIPLE_ALLOW_ORIGIN: f"{pre}response sends several origins ({p}), possibly in two header lines: "
                                 f"send exactly one, the request's Origin",
        R.INVALID_ALLOW_ORIGIN: f"{pre}response's Access-Control-Allow-Origin {p!r} is not an origin: send "
                                f"the request's Origin",
        R.WILDCARD_WITH_CREDENTIALS: "`*` cannot be used with credentials: echo the allowed origin instead "
                                     "(and add Vary: Origin)",
        R.INVALID_ALLOW_CREDENTIALS: f"the request carries credentials but {pre}response's "
                                     f"Access-Control-Allow-Credentials is {p or 'missing'!r}, not exactly "
                                     f"'true': send Access-Control-Allow-Credentials: true",
        R.PREFLIGHT_STATUS: f"the preflight answered {p or (ctx.exchange.status if ctx.exchange else '?')}, "
                            f"not 2xx: OPTIONS must succeed without credentials",
        R.PREFLIGHT_REDIRECT: f"the preflight was redirected (to {p}): browsers never follow a preflight's "
                              f"redirect; answer OPTIONS at the requested URL",
        R.METHOD_NOT_ALLOWED: f"method {p} is not in the preflight's Access-Control-Allow-Methods "
                              f"({_sent(ctx, ALLOW_METHODS)}): add it" + _method_case_hint(p),
        R.HEADER_NOT_ALLOWED: f"header {p} is not in the preflight's Access-Control-Allow-Headers "
                              f"({_sent(ctx, ALLOW_HEADERS)}): add it" + _authorization_hint(ctx),
        R.INVALID_ALLOW_METHODS: f"the preflight's Access-Control-Allow-Methods {p!r} is not a comma-separated "
                                 f"list of methods",
        R.INVALID_ALLOW_HEADERS: f"the preflight's Access-Control-Allow-Headers {p!r} is not a comma-separated "
                                 f"list of header names",
        R.REDIRECT_WITH_CREDENTIALS: f"the request was redirected to a URL with user:password ({p}), which "
                                     f"CORS forbids",
        R.CORS_DISABLED_SCHEME: f"the request was redirected to a non-HTTP URL ({p})",
    }
    return texts.get(reason, f"blocked by CORS ({ctx.reason}{_param_suffix(p)})")


def _method_case_hint(method: str | None) -> str:
    if method and method != method.upper():
        return (f"; Allow-Methods is case-sensitive and fetch() sends {method!r} as written, so list "
                f"{method!r} or send {method.upper()!r}")
    return ""


def _authorization_hint(ctx: _Context) -> str:
    if ctx.parameter == oracle.AUTHORIZATION and ctx.exchange is not None and \
            "*" in (header_value(ctx.exchange.response_headers, ALLOW_HEADERS) or ""):
        return " explicitly: `*` never covers Authorization"
    return ""


# A 429 and a WAF 403 on the preflight look alike in the browser (no CORS headers, a
# failed preflight); the fix is in different places.
_THROTTLED_PREFLIGHT = (
    "the preflight was throttled (429 Too Many Requests), not refused by a rule: preflights count against "
    "the stage's and the usage plan's rate and burst limits like any request; raise throttlingRateLimit / "
    "throttlingBurstLimit (stage or method settings, usage plan) and let browsers cache preflights longer "
    "(Access-Control-Max-Age, CDK maxAge) so fewer are sent. CORS headers on THROTTLED do not help here: a "
    "429 preflight fails whatever it carries (a WAF block would be 403 WAF_FILTERED)")
_WAF_PREFLIGHT = (
    "AWS WAF's web ACL on the stage blocked the preflight (403 Forbidden, WAF_FILTERED) before API Gateway "
    "routed it, not throttling: a preflight carries no credentials, custom headers or body, so a rule that "
    "needs one must skip OPTIONS (a scope-down statement NOT method = OPTIONS; the rule's name is in the web "
    "ACL's sampled requests or WAF logs). CORS headers on WAF_FILTERED do not help here: a 403 preflight "
    "fails whatever it carries (throttling would be 429 THROTTLED)")
_WAF_ACTUAL = (
    "AWS WAF's web ACL on the stage blocked the request before API Gateway routed it (the rule's name is "
    "in the web ACL's sampled requests or WAF logs); fix the rule or the request, and add CORS headers to "
    "the WAF_FILTERED (or DEFAULT_4XX) gateway response so the page can read the 403")
_WAF_LOOKALIKE = (" A 403 Forbidden with ForbiddenException is also what an AWS WAF block looks like "
                  "(WAF_FILTERED): if the method needs no API key, look at the stage's web ACL.")


# Where a default authorizer reaches the CORS OPTIONS method, and the setting that keeps it off.
_AUTHORIZER_ON_OPTIONS = (" (authorizationType NONE on the OPTIONS method; SAM: "
                          "Auth.AddDefaultAuthorizerToCorsPreflight: false, it defaults to true; CDK: "
                          "defaultMethodOptions reached the CORS OPTIONS before aws-cdk#8615, so upgrade "
                          "aws-cdk-lib or set the authorizer per method)")


def _gateway_error_text(ctx: _Context) -> str:
    ex = ctx.exchange
    assert ex is not None
    kind = ctx.gateway_type or f"{ex.status}"
    has_cors = header_value(ex.response_headers, ALLOW_ORIGIN) is not None
    lead = f"API Gateway answered {ex.status} itself ({kind})" + ("" if has_cors else " without CORS headers")
    if ctx.gateway_type == "WAF_FILTERED":
        lead = (f"AWS WAF blocked the {'preflight' if ctx.stage == 'preflight' else 'request'} and API Gateway "
                f"answered {ex.status} (WAF_FILTERED)" + ("" if has_cors else " without CORS headers"))
    if has_cors and _bare(ctx.reason) == R.MULTIPLE_ALLOW_ORIGIN:
        return _gateway_response_origin_list_text(ctx, lead)
    if ctx.facts.target == "http":
        return _http_api_error_text(ctx, lead)
    preflight = ctx.stage == "preflight"
    cause_and_fix = {
        "DEFAULT_5XX": "the Lambda crashed, timed out or returned a malformed proxy response; add CORS "
                       "headers to the DEFAULT_5XX gateway response and handle the error in the Lambda",
        "INTEGRATION_TIMEOUT": "the integration did not answer within its timeout; add CORS headers to the "
                               "INTEGRATION_TIMEOUT (or DEFAULT_5XX) gateway response and make the call faster",
        "AUTHORIZER_CONFIGURATION_ERROR": "the authorizer failed; fix it and add CORS headers to the "
                                          "DEFAULT_5XX gateway response",
        "THROTTLED": "the request was throttled; add CORS headers to the THROTTLED (or DEFAULT_4XX) gateway "
                     "response so the page can see the 429 and retry",
        "PAYLOAD_OVER_QUOTA": "the body is over API Gateway's 10 MB payload quota, refused in front of the "
                              "API where no gateway response applies, so no CORS header can be added; send "
                              "large bodies elsewhere (an S3 presigned URL)",
        "HEADERS_OVER_QUOTA": "the request's header values are over API Gateway's 10240-byte quota (large "
                              "cookies or tokens), refused in front of the API where no gateway response "
                              "applies; send fewer or smaller headers",
        "REQUEST_TOO_LARGE": "the request is over Lambda's 6 MB invocation payload; add CORS headers to the "
                             "REQUEST_TOO_LARGE (or DEFAULT_4XX) gateway response so the page can see the 413, "
                             "and send large bodies elsewhere (an S3 presigned URL)",
        "API_CONFIGURATION_ERROR": "the Lambda's isBase64Encoded body is not valid base64 (binaryMediaTypes "
                                   "matched, so API Gateway decoded it); fix the body and add CORS headers "
                                   "to the DEFAULT_5XX gateway response",
        "WAF_FILTERED": _WAF_ACTUAL,
    }
    if preflight:
        cause_and_fix |= {
            "THROTTLED": _THROTTLED_PREFLIGHT,
            "WAF_FILTERED": _WAF_PREFLIGHT,
            "MISSING_AUTHENTICATION_TOKEN": "this resource has no OPTIONS method; add a CORS preflight to it "
                                            "(defaultCorsPreflightOptions / addCorsPreflight, or Enable CORS)",
            "UNAUTHORIZED": "the OPTIONS method is behind an authorizer, but a preflight never carries "
                            "credentials; leave OPTIONS without an authorizer" + _AUTHORIZER_ON_OPTIONS,
            "ACCESS_DENIED": "the OPTIONS method is behind an authorizer, but a preflight never carries "
                             "credentials; leave OPTIONS without an authorizer" + _AUTHORIZER_ON_OPTIONS,
            "INVALID_API_KEY": "the OPTIONS method requires an API key, but a preflight cannot send one; set "
                               "apiKeyRequired to false on OPTIONS (SAM: Auth.AddApiKeyRequiredToCorsPreflight: "
                               "false; it defaults to true)",
        }
    else:
        cause_and_fix |= {
            "MISSING_AUTHENTICATION_TOKEN": "no resource and method match this request (check the path, "
                                            "stage and method); add CORS headers to the DEFAULT_4XX gateway "
                                            "response so such errors stay readable",
            "UNAUTHORIZED": "the authorizer rejected the request; add CORS headers to the UNAUTHORIZED (or "
                            "DEFAULT_4XX) gateway response so the page can see the 401",
            "ACCESS_DENIED": "the authorizer denied the request; add CORS headers to the ACCESS_DENIED (or "
                             "DEFAULT_4XX) gateway response",
            "INVALID_API_KEY": "the API key is missing or invalid; add CORS headers to the DEFAULT_4XX "
                               "gateway response",
        }
    default = (f"add CORS headers to the {ctx.gateway_type or 'DEFAULT_4XX/DEFAULT_5XX'} gateway response"
               if not has_cors else _spec_text(ctx))
    text = f"{lead}: {cause_and_fix.get(ctx.gateway_type or '', default)}."
    if ctx.facts.target == "remote" and ctx.gateway_type == "INVALID_API_KEY":
        text += _WAF_LOOKALIKE
    return text


def _http_api_error_text(ctx: _Context, lead: str) -> str:
    ex = ctx.exchange
    assert ex is not None
    causes = {404: "no route matches this method and path (check the route keys and the stage)",
              500: "the Lambda failed or returned malformed output",
              503: "the integration timed out (30 s at most)",
              413: "the body is over the 10 MB payload quota or Lambda's 6 MB invocation payload"}
    cause = causes.get(ex.status, "the request failed at the gateway")
    return (f"{lead}: {cause}. HTTP APIs have no gateway responses to add CORS headers to, so fix the "
            f"cause; for an OPTIONS route or $default catching the preflight, let corsConfiguration answer it.")


def _options_method_text(ctx: _Context) -> str:
    ex = ctx.exchange
    assert ex is not None
    reason = ctx.reason
    lead = "The REST API's OPTIONS method (MOCK integration) answered the preflight"
    if reason == R.HEADER_NOT_ALLOWED:
        fix = (f"header {ctx.parameter} is not in the preflight's allowHeaders ({_sent(ctx, ALLOW_HEADERS)}); "
               f"add it to allowHeaders of the CORS preflight options" + _authorization_hint(ctx))
    elif reason == R.METHOD_NOT_ALLOWED:
        fix = (f"method {ctx.parameter} is not in the preflight's allowMethods ({_sent(ctx, ALLOW_METHODS)}); "
               f"add it to allowMethods" + _method_case_hint(ctx.parameter))
    elif reason == R.preflight(R.ALLOW_ORIGIN_MISMATCH):
        fix = (f"it sent Access-Control-Allow-Origin {ctx.parameter!r} for origin {_origin(ctx)!r}: a CDK "
               f"preflight sends its first allowOrigins entry to every origin it does not list; add "
               f"{_origin(ctx)} to allowOrigins")
    elif reason == R.preflight(R.MULTIPLE_ALLOW_ORIGIN):
        fix = _options_origin_list_fix(ctx)
    elif reason == R.preflight(R.WILDCARD_WITH_CREDENTIALS):
        fix = ("`*` cannot be used with credentials: list the exact origins in allowOrigins (the preflight "
               "then echoes a listed origin) and keep allowCredentials")
    elif reason == R.preflight(R.INVALID_ALLOW_CREDENTIALS):
        fix = "the request carries credentials: set allowCredentials: true in the CORS preflight options"
    elif reason == R.PREFLIGHT_STATUS and ex.status == 500:
        fix = ("the MOCK integration failed; a preflight whose Content-Type has no request template (only "
               "application/json has one) gets 500: add a template for it or drop the Content-Type mapping")
    elif reason == R.preflight(R.MISSING_ALLOW_ORIGIN):
        fix = ("without Access-Control-Allow-Origin: map it in the OPTIONS integration response "
               "(method.response.header.Access-Control-Allow-Origin)")
    else:
        fix = _spec_text(ctx)
    return f"{lead}, but {fix}."


def _http_api_cors_text(ctx: _Context) -> str:
    reason = ctx.reason
    lead = "The HTTP API's corsConfiguration answered"
    if reason == R.HEADER_NOT_ALLOWED:
        fix = f"header {ctx.parameter} is not in corsConfiguration.allowHeaders; add it"
    elif reason == R.METHOD_NOT_ALLOWED:
        fix = f"method {ctx.parameter} is not in corsConfiguration.allowMethods; add it"
    elif _bare(reason) in (R.MISSING_ALLOW_ORIGIN, R.ALLOW_ORIGIN_MISMATCH):
        fix = (f"origin {_origin(ctx)} is not in corsConfiguration.allowOrigins, so no CORS headers were "
               f"added; add it (exactly, scheme and port included)")
    elif _bare(reason) == R.INVALID_ALLOW_CREDENTIALS:
        fix = "the request carries credentials: set allowCredentials: true in corsConfiguration"
    else:
        fix = _spec_text(ctx)
    return f"{lead}, but {fix}."


def _lambda_text(ctx: _Context) -> str:
    ex = ctx.exchange
    assert ex is not None
    if ctx.stage == "preflight":
        route = "an ANY method or a greedy proxy" if ctx.facts.target != "http" else "an OPTIONS, ANY or $default route"
        return (f"The preflight reached the Lambda ({route} catches OPTIONS) and its answer fails: "
                f"{_spec_text(ctx)}; answer OPTIONS in the Lambda with the CORS headers, or let the gateway "
                f"answer it (an explicit OPTIONS method / corsConfiguration).")
    path = "error path" if ex.status >= 400 else "success path"
    http = ctx.facts.target == "http"
    if _bare(ctx.reason) == R.MISSING_ALLOW_ORIGIN:
        if http:
            return (f"The Lambda's response ({ex.status}) reached the browser without CORS headers: with "
                    f"corsConfiguration the HTTP API adds them only for origins in allowOrigins (and ignores "
                    f"the Lambda's own); add {_origin(ctx)} there, or, without corsConfiguration, return "
                    f"Access-Control-Allow-Origin from the Lambda on every path.")
        return (f"The Lambda's {path} returned {ex.status} without Access-Control-Allow-Origin: API Gateway "
                f"adds no CORS headers to proxy responses; return them from the Lambda on every path, "
                f"errors included." + _allowlist_miss_hint(ctx))
    if _bare(ctx.reason) == R.MULTIPLE_ALLOW_ORIGIN:
        return _lambda_origin_list_text(ctx, path)
    if _bare(ctx.reason) == R.ALLOW_ORIGIN_MISMATCH and (near := _near_miss(ctx)) is not None:
        return (f"The Lambda's {path} ({ex.status}) sent Access-Control-Allow-Origin {ctx.parameter!r} to a page "
                f"on {_origin(ctx)!r}: {near} Compare the request's whole Origin (scheme, host, port) with "
                f"normalised allowlist entries and echo the request's Origin, never the entry.")
    return f"The Lambda's response on its {path} ({ex.status}) fails: {_spec_text(ctx)}."



# --- the failure catalogue's classes (issue 16): which setting to change ---------------------
def _allow_origin_values(ctx: _Context) -> list[str]:
    """Every origin the failing response's Access-Control-Allow-Origin lines list."""
    value = header_value(ctx.exchange.response_headers, ALLOW_ORIGIN) if ctx.exchange else None
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _lambda_origin_list_text(ctx: _Context, path: str) -> str:
    values = _allow_origin_values(ctx)
    ex = ctx.exchange
    assert ex is not None
    if len(values) > 1 and (len(set(values)) == 1 or "*" in values):
        return (f"The Lambda's {path} ({ex.status}) sent {len(values)} Access-Control-Allow-Origin values "
                f"({', '.join(values)}): it set the header in both headers and multiValueHeaders (a wrapper or "
                f"framework adapter filling one, the handler the other), and API Gateway sends the merged list. "
                f"Put each header in one map only (multiValueHeaders alone, or headers alone), set by one "
                f"piece of code (e.g. aws-lambda-go-api-proxy after its PR 73).")
    return (f"The Lambda's {path} ({ex.status}) sent several origins in Access-Control-Allow-Origin "
            f"({', '.join(values) or ctx.parameter}): a browser accepts exactly one. Check the request's "
            f"Origin against the allowlist in the Lambda and echo that one origin (with Vary: Origin).")


def _gateway_response_origin_list_text(ctx: _Context, lead: str) -> str:
    values = _allow_origin_values(ctx)
    kind = ctx.gateway_type or "DEFAULT_4XX/DEFAULT_5XX"
    return (f"{lead}, and its gateway response maps Access-Control-Allow-Origin to several origins "
            f"({', '.join(values)}): a browser accepts exactly one. A gateway response header is one static "
            f"value for every caller: set gatewayresponse.header.Access-Control-Allow-Origin on {kind} (or the DEFAULT_4XX/5XX it falls back to) to "
            f"one origin in quotes (the main frontend's), not a comma-joined allowlist.")


def _options_origin_list_fix(ctx: _Context) -> str:
    values = _allow_origin_values(ctx)
    return (f"its Access-Control-Allow-Origin lists several origins ({', '.join(values)}): a MOCK integration "
            f"response sends the mapped value as it is to every origin, and a browser accepts exactly one. "
            f"SAM's Cors AllowOrigin (and the console's field) takes one origin, not a comma-joined list; for "
            f"several, echo the request's Origin from a response template when it is listed (CDK's "
            f"defaultCorsPreflightOptions with several allowOrigins does this)")


def _near_miss(ctx: _Context) -> str | None:
    """How an Allow-Origin the Lambda sent almost matches the page's origin (an
    allowlist that ignores the port or the case), or None."""
    sent, page = ctx.parameter or "", _origin(ctx)
    if not sent or sent == page or not oracle._looks_like_url(sent):
        return None
    if sent.lower() == page.lower():
        return ("they differ only in case. Browsers send the origin lower-case and compare byte for byte, "
                "so an allowlist entry written in another case must not be echoed.")
    ours, theirs = urlsplit(sent), urlsplit(page)
    if (ours.hostname or "").lower() == (theirs.hostname or "").lower():
        return ("the same host at another port or scheme: the allowlist check matched by host name and sent its "
                "own entry.")
    return None


def _allowlist_miss_hint(ctx: _Context) -> str:
    """A Lambda that sends Vary: Origin but no Allow-Origin checks an allowlist, and this origin failed it."""
    ex = ctx.exchange
    if ex is None or "origin" not in (header_value(ex.response_headers, "Vary") or "").lower():
        return ""
    return (f" It sent Vary: Origin, so it checks an allowlist and {_origin(ctx)} failed it; if that origin "
            f"should be allowed, its entry must be the exact serialized origin (lower-case scheme and host, the "
            f"port unless it is the default, no trailing slash) or the check must normalise entries: one typed "
            f"with capitals or a trailing slash never matches what a browser sends.")


# --- a CDN or proxy in front of the API (e2e.gateway.front; CloudFront when deployed) ---------
CDN_REDIRECTS = ("redirect-to-https", "trailing-slash-redirect")


def _cdn_kind(exchange: Exchange) -> str | None:
    """What the front did: cache-hit, method-not-allowed, a redirect kind, or
    None when the API answered (the front only passed it on)."""
    if exchange.layer == LAYER_CDN and exchange.detail:
        return exchange.detail
    x_cache = (header_value(exchange.response_headers, "X-Cache") or "").lower()
    if "cloudfront" not in x_cache:
        return None
    if x_cache.startswith(("hit", "refreshhit")):
        return "cache-hit"
    if x_cache.startswith("redirect"):
        return "redirect"
    if x_cache.startswith("error") and exchange.status == 403:
        return "method-not-allowed"
    return None


def _cdn_text(ctx: _Context) -> str:
    ex = ctx.exchange
    assert ex is not None
    kind = _cdn_kind(ex) or ""
    what = "preflight" if ctx.stage == "preflight" else "request"
    if kind in CDN_REDIRECTS or kind == "redirect":
        location = header_value(ex.response_headers, "Location") or "?"
        if kind == "redirect-to-https" or location.startswith("https:"):
            rule = ("CloudFront's viewer protocol policy redirect-to-https (the frontend calls http://); call "
                    "the https URL from the frontend, or set the policy to allow-all / https-only")
        else:
            rule = ("a trailing-slash rule in front of the API (a proxy, a CloudFront Function, a custom "
                    "domain's path mapping); call the canonical URL the redirect names, or drop the rule for "
                    "the API's paths")
        why = ("browsers never follow a preflight's redirect" if ctx.stage == "preflight" else
               "a redirect without CORS headers fails the CORS check before the browser would follow it")
        return (f"The CDN / proxy in front of the API answered the {what} with a {ex.status} redirect to "
                f"{redact_url(location)} instead of passing it to API Gateway: {why}. The redirect comes from "
                f"{rule}.")
    if kind == "method-not-allowed":
        return (f"CloudFront answered the {what} ({ex.method}) 403 itself: the distribution's cache behavior "
                f"does not allow {ex.method} (its default AllowedMethods are GET, HEAD), so it never reached "
                f"API Gateway. Set AllowedMethods to GET, HEAD, OPTIONS (all seven for PUT, POST, DELETE); "
                f"cache OPTIONS only with Origin, Access-Control-Request-Method and -Headers in the cache key.")
    if kind == "cache-hit":
        age = header_value(ex.response_headers, "Age")
        values = ", ".join(_allow_origin_values(ctx)) or "none"
        keyed = ("Origin, Access-Control-Request-Method and Access-Control-Request-Headers" if
                 ctx.stage == "preflight" else "Origin")
        return (f"CloudFront served this {what}'s response from its cache (X-Cache: Hit from cloudfront"
                f"{f', Age {age} s' if age else ''}): it was made for another origin (its "
                f"Access-Control-Allow-Origin is {values}, the page is {_origin(ctx)}). The cache key leaves "
                f"Origin out and CloudFront ignores Vary: Origin, so the first origin's answer goes to every "
                f"origin. Put {keyed} in the cache policy's headers (a custom cache policy; or "
                f"Managed-CachingDisabled for the API's paths).")
    return f"A CDN / proxy in front of the API answered: {_spec_text(ctx)}."


# --- not the API at all: Chromium's Local Network Access -------------------------------------
def _local_network_access(facts: CellFacts) -> Explanation:
    before, _, after = (facts.local_network_permission or "unknown").partition("->")
    sent = [e for e in facts.exchanges if not e.is_preflight]
    reached = "it never reached the API" if not facts.exchanges else "the API's answer was withheld"
    states = f"{before!r} before the fetch" + (f", {after!r} after it" if after and after != before else "")
    never = " (never granted; a prompt nobody answers counts as a denial)" if before == "prompt" else ""
    text = (f"Not a CORS misconfiguration of the API: Chromium's Local Network Access refused the request "
            f"({reached}). The page counts as public and the API is on a loopback or private address, which "
            f"needs the page's local-network permission: it was {states}{never}. No CORS header "
            f"changes this. Grant the permission (the user's Allow; in tests Playwright's "
            f"permissions=['local-network-access'] or CDP Browser.setPermission), serve the page from the "
            f"same network, or call a public API (a deployed stage) from a public page.")
    return Explanation(R.LOCAL_NETWORK_ACCESS, LAYER_BROWSER, text, sent[-1].status if sent else None)

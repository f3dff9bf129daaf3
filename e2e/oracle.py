"""The Fetch standard's CORS decisions as pure functions over plain data.

Given what a page asked for and what the server answered, the oracle predicts
whether a browser lets script read the response and, if not, which rule failed
(a reason code from :mod:`e2e.reasons`) and the value that failed it. Nothing
here does I/O: the runner, the explainer and the tests feed it recorded
exchanges.

Sections follow https://fetch.spec.whatwg.org/ :
  * which requests need a preflight (safelisted methods, headers and values);
  * the CORS check (Allow-Origin, Allow-Credentials);
  * the preflight checks (ok status, Allow-Methods, Allow-Headers, Max-Age);
  * redirects of the preflight and of the actual request;
  * which response headers script may read.

The spec only says "network error"; the reason codes refine *why* the way
Chromium's diagnostics do (e.g. a comma in Allow-Origin is reported as
``multiple-allow-origin`` rather than as a plain mismatch), because those are
the names users see in DevTools.

Engine deviations (behaviour real browsers ship that differs from the spec) are
switches in :class:`Rules`; :func:`judge` with ``engine=`` applies the ones
known for that engine and labels the difference.

Limitations: the preflight cache is not modelled (the harness gives every cell
a unique URL, so no cell hits another's cache entry); after a redirect, a new
preflight to the redirect target is not modelled (redirects are judged for
requests that need no preflight); the request's ``mode`` other than "cors" is
only coarsely handled.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urljoin, urlsplit

from e2e import reasons
from e2e.exchange import Exchange, Headers, header_value, header_values

# --- header names, defined once (compare them case-insensitively) ----------
ORIGIN = "Origin"
ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
ALLOW_METHODS = "Access-Control-Allow-Methods"
ALLOW_HEADERS = "Access-Control-Allow-Headers"
EXPOSE_HEADERS = "Access-Control-Expose-Headers"
MAX_AGE = "Access-Control-Max-Age"
REQUEST_METHOD = "Access-Control-Request-Method"
REQUEST_HEADERS = "Access-Control-Request-Headers"
LOCATION = "Location"
AUTHORIZATION = "authorization"

Credentials = Literal["omit", "same-origin", "include"]
Verdict = Literal["allowed", "blocked"]
Stage = Literal["preflight", "actual"]
Failure = tuple[str, str | None]  # (reason code, failed parameter)

ALLOWED: Verdict = "allowed"
BLOCKED: Verdict = "blocked"
ENGINES = ("chromium", "firefox", "webkit")   # the engines whose deviations this oracle knows; the harness's list


def is_preflight_request(method: str, headers: Iterable[tuple[str, str]]) -> bool:
    """Whether a request is a CORS preflight: OPTIONS carrying Access-Control-Request-Method."""
    return method == "OPTIONS" and any(k.lower() == "access-control-request-method" for k, _ in headers)


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


def mixed_content(engine: str, page_origin: str | None, url: str) -> bool:
    """Whether an https page's fetch of this http URL is blocked as mixed content.

    Loopback URLs are potentially trustworthy and allowed from https pages in
    Chromium and Firefox; WebKitGTK blocks them too (observed here)."""
    if not page_origin or not page_origin.startswith("https:") or not url.startswith("http:"):
        return False
    host = (urlsplit(url).hostname or "").lower()
    return engine == "webkit" or not (host in LOOPBACK_HOSTS or host.startswith("127."))

# --- methods ----------------------------------------------------------------
SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
# fetch() upper-cases only these when given in another case; any other method
# (notably "patch") is sent exactly as written.
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})


def normalize_method(method: str) -> str:
    """The method as fetch() sends it: ``delete`` becomes ``DELETE``, ``patch`` stays."""
    upper = method.upper()
    return upper if upper in NORMALIZED_METHODS else method


def is_cors_safelisted_method(method: str) -> bool:
    # Byte-exact: "get" is not safelisted, but fetch() would already have
    # normalized it to "GET" (see normalize_method).
    return method in SAFELISTED_METHODS


# --- request headers ----------------------------------------------------------
SAFELISTED_VALUE_LIMIT = 128     # bytes per safelisted header value
SAFELISTED_TOTAL_LIMIT = 1024    # bytes of all safelisted values together

# Bytes that make accept / content-type values unsafe: controls other than
# tab, DEL, and the delimiters  " ( ) : < > ? @ [ \ ] { }
_UNSAFE_VALUE_BYTES = frozenset(
    [b for b in range(0x20) if b != 0x09] + [0x7F] + list(b'"():<>?@[\\]{}'))
# accept-language / content-language: only these bytes.
_LANGUAGE_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")
SAFELISTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HTTP_WS = " \t\r\n"


def _bytes(value: str) -> bytes:
    # Header values are byte sequences; JS strings are isomorphic-encoded, so
    # latin-1 is the faithful mapping (non-latin-1 text cannot be a header value).
    return value.encode("latin-1", errors="replace")


def mime_essence(value: str) -> str | None:
    """The essence (``type/subtype``, lower-case) of a MIME type, or None when
    it does not parse. Parameters are not validated further: only the essence
    decides safelisting."""
    text = value.strip(_HTTP_WS)
    type_, slash, rest = text.partition("/")
    if not slash:
        return None
    subtype = rest.split(";", 1)[0].rstrip(_HTTP_WS)
    if not _TOKEN.match(type_) or not _TOKEN.match(subtype):
        return None
    return f"{type_}/{subtype}".lower()


def _is_simple_range(value: str) -> bool:
    # Only "bytes=N-" and "bytes=N-M" (N <= M), no whitespace, no suffix ranges.
    match = re.fullmatch(r"bytes=([0-9]+)-([0-9]*)", value)
    if not match:
        return False
    start, end = match.group(1), match.group(2)
    return not end or int(start) <= int(end)


def is_cors_safelisted_request_header(name: str, value: str) -> bool:
    """Whether a (name, value) pair may be sent cross-origin without a preflight."""
    raw = _bytes(value)
    if len(raw) > SAFELISTED_VALUE_LIMIT:
        return False
    lname = name.lower()
    if lname == "accept":
        return not any(b in _UNSAFE_VALUE_BYTES for b in raw)
    if lname in ("accept-language", "content-language"):
        return all(b in _LANGUAGE_BYTES for b in raw)
    if lname == "content-type":
        if any(b in _UNSAFE_VALUE_BYTES for b in raw):
            return False
        return mime_essence(value) in SAFELISTED_CONTENT_TYPES
    if lname == "range":
        return _is_simple_range(value)
    return False


def unsafe_request_header_names(headers: Iterable[tuple[str, str]]) -> list[str]:
    """The request's header names that need the server's permission: sorted,
    lower-case, unique. Safelisted headers count too once their values add up
    to more than 1024 bytes."""
    unsafe: set[str] = set()
    safelisted: set[str] = set()
    total = 0
    for name, value in headers:
        if is_cors_safelisted_request_header(name, value):
            safelisted.add(name.lower())
            total += len(_bytes(value))
        else:
            unsafe.add(name.lower())
    if total > SAFELISTED_TOTAL_LIMIT:
        unsafe |= safelisted
    return sorted(unsafe)


def needs_preflight(method: str, headers: Iterable[tuple[str, str]], *, mode: str = "cors") -> bool:
    """Whether a cross-origin request sends an OPTIONS preflight first.

    Only "cors" mode preflights; ``method`` is taken as sent (normalize first)."""
    if mode != "cors":
        return False
    return not is_cors_safelisted_method(method) or bool(unsafe_request_header_names(headers))


def preflight_request_headers(method: str, headers: Iterable[tuple[str, str]], origin: str) -> Headers:
    """The headers a browser's preflight carries (besides its own User-Agent etc.)."""
    out: Headers = [("Accept", "*/*"), (REQUEST_METHOD, method)]
    names = unsafe_request_header_names(headers)
    if names:
        out.append((REQUEST_HEADERS, ",".join(names)))
    out.append((ORIGIN, origin))
    return out


# --- URLs and origins -----------------------------------------------------------
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin_of(url: str) -> str:
    """The serialized origin of an absolute URL (``scheme://host[:port]``)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs (or serialized origins) share scheme, host and port."""
    return origin_of(a) == origin_of(b)


def url_has_credentials(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.username or parts.password)


def _looks_like_url(value: str) -> bool:
    # Enough to tell "a URL that is simply not ours" from garbage: an absolute
    # URL with a scheme and an authority or path.
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(.+)$", value)
    if not match:
        return False
    if match.group(1).lower() in ("http", "https"):
        return bool(urlsplit(value).hostname) and " " not in value
    return True


# --- the CORS check ---------------------------------------------------------------
def cors_failures(response_headers: Headers, origin: str, credentials_mode: str) -> list[Failure]:
    """Every way a response fails the CORS check, most telling first (empty
    list: the check passes). Allow-Origin problems come before credentials."""
    allow_origin = header_value(response_headers, ALLOW_ORIGIN)
    include = credentials_mode == "include"
    failures: list[Failure] = []
    if allow_origin is None:
        failures.append((reasons.MISSING_ALLOW_ORIGIN, None))
    elif allow_origin == "*":
        # "*" is a wildcard only for requests without credentials.
        if include:
            failures.append((reasons.WILDCARD_WITH_CREDENTIALS, allow_origin))
    elif allow_origin != origin:
        failures.append((_allow_origin_mismatch_reason(allow_origin), allow_origin))
    if include:
        allow_credentials = header_value(response_headers, ALLOW_CREDENTIALS)
        # Exactly "true": "True", "true, true" (two header lines) or absent fail.
        if allow_credentials != "true":
            failures.append((reasons.INVALID_ALLOW_CREDENTIALS, allow_credentials or ""))
    return failures


def _allow_origin_mismatch_reason(allow_origin: str) -> str:
    # Two header lines arrive combined as "a, b"; a space also means the server
    # tried to list several origins. Either way it can never equal one origin.
    if "," in allow_origin or " " in allow_origin:
        return reasons.MULTIPLE_ALLOW_ORIGIN
    # "null" is a valid value that only matches an opaque origin.
    if allow_origin == "null":
        return reasons.ALLOW_ORIGIN_MISMATCH
    if not _looks_like_url(allow_origin):
        return reasons.INVALID_ALLOW_ORIGIN
    return reasons.ALLOW_ORIGIN_MISMATCH


def cors_check(response_headers: Headers, origin: str, credentials_mode: str) -> Failure | None:
    """None when the response passes the CORS check, else (reason, failed parameter).

    ``origin`` is the request's serialized origin ("null" after a cross-origin
    redirect or from an opaque origin); it must equal Allow-Origin byte for byte."""
    failures = cors_failures(response_headers, origin, credentials_mode)
    return failures[0] if failures else None


# --- preflight ----------------------------------------------------------------
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def is_ok_status(status: int) -> bool:
    return 200 <= status <= 299


def is_redirect(status: int, headers: Headers) -> bool:
    """A response the browser would follow: a redirect status with a Location."""
    return status in REDIRECT_STATUSES and header_value(headers, LOCATION) is not None


class InvalidList(ValueError):
    """An Access-Control-Allow-Methods/-Headers value that is not a token list."""


def parse_token_list(headers: Headers, name: str) -> list[str] | None:
    """The values of a comma-separated token list header (all its lines), None
    when absent. Raises InvalidList when an item is not a token ("GET POST",
    "x-a; x-b"). Empty items are skipped, as HTTP list rules allow."""
    values = header_values(headers, name)
    if not values:
        return None
    items: list[str] = []
    for value in values:
        for item in value.split(","):
            item = item.strip(" \t")
            if not item:
                continue
            if not _TOKEN.match(item):
                raise InvalidList(item)
            items.append(item)
    return items


@dataclass(frozen=True)
class Rules:
    """Switches for behaviour where an engine departs from the spec.

    The default is the Fetch standard."""

    wildcard_covers_authorization: bool = False   # Allow-Headers "*" lets Authorization through
    methods_match_uppercased: bool = False        # Allow-Methods compared with the method upper-cased


SPEC_RULES = Rules()

DEVIATION_WILDCARD_AUTHORIZATION = "allow-headers-wildcard-covers-authorization"
DEVIATION_METHODS_UPPERCASED = "allow-methods-compared-uppercased"

# Deviations the engines are known to ship (docs/browsers.md): applied by judge(engine=...).
KNOWN_DEVIATIONS: dict[str, dict[str, bool]] = {
    "chromium": {"wildcard_covers_authorization": True},
    "firefox": {"wildcard_covers_authorization": True},
    "webkit": {"wildcard_covers_authorization": True},
}
# Deviations an engine may ship depending on its version or field trials
# (Chromium's legacy upper-casing of the method before matching Allow-Methods,
# crbug.com/1228178). Not applied; used to label a disagreement when a browser's
# verdict matches them.
POSSIBLE_DEVIATIONS: dict[str, dict[str, bool]] = {
    "chromium": {"methods_match_uppercased": True},
}
_DEVIATION_LABELS = {
    "wildcard_covers_authorization": DEVIATION_WILDCARD_AUTHORIZATION,
    "methods_match_uppercased": DEVIATION_METHODS_UPPERCASED,
}


def rules_for(engine: str | None) -> Rules:
    return replace(SPEC_RULES, **KNOWN_DEVIATIONS.get(engine or "", {}))


def method_allowed(method: str, allowed: Sequence[str], credentials_mode: str,
                   rules: Rules = SPEC_RULES) -> bool:
    # Chromium's legacy matching upper-cases the request's method first, so
    # "patch" matches PATCH but no longer matches "patch".
    compared = method.upper() if rules.methods_match_uppercased else method
    if is_cors_safelisted_method(compared) or compared in allowed:
        return True
    # "*" is a wildcard only without credentials; with them it is a method named "*".
    return credentials_mode != "include" and "*" in allowed


def disallowed_header(unsafe_names: Sequence[str], allowed: Sequence[str], credentials_mode: str,
                      rules: Rules = SPEC_RULES) -> str | None:
    """The first request header name the Allow-Headers list does not cover, or None."""
    allowed_lower = {a.lower() for a in allowed}
    wildcard = credentials_mode != "include" and "*" in allowed_lower
    names = [n.lower() for n in unsafe_names]
    # Authorization is never covered by "*" (Fetch: CORS non-wildcard request-header name).
    if AUTHORIZATION in names and AUTHORIZATION not in allowed_lower:
        if not (wildcard and rules.wildcard_covers_authorization):
            return AUTHORIZATION
    for name in sorted(names):
        if name not in allowed_lower and not wildcard:
            return name
    return None


def preflight_failures(method: str, unsafe_header_names: Sequence[str], preflight_status: int,
                       preflight_headers: Headers, origin: str, credentials_mode: str,
                       rules: Rules = SPEC_RULES) -> list[Failure]:
    """Every reason a preflight response refuses the request, most telling first.

    Checks after the CORS check and the status are only evaluated when both
    pass, as in the spec: a 403 without CORS headers lists
    ``preflight-missing-allow-origin`` and ``preflight-status``, nothing about
    methods."""
    if is_redirect(preflight_status, preflight_headers):
        # A preflight is never followed.
        return [(reasons.PREFLIGHT_REDIRECT, header_value(preflight_headers, LOCATION))]
    failures = [(reasons.preflight(code), param)
                for code, param in cors_failures(preflight_headers, origin, credentials_mode)]
    if not is_ok_status(preflight_status):
        failures.append((reasons.PREFLIGHT_STATUS, str(preflight_status)))
    if failures:
        return failures
    try:
        methods = parse_token_list(preflight_headers, ALLOW_METHODS) or []
    except InvalidList as bad:
        return [(reasons.INVALID_ALLOW_METHODS, header_value(preflight_headers, ALLOW_METHODS) or str(bad))]
    try:
        header_names = parse_token_list(preflight_headers, ALLOW_HEADERS) or []
    except InvalidList as bad:
        return [(reasons.INVALID_ALLOW_HEADERS, header_value(preflight_headers, ALLOW_HEADERS) or str(bad))]
    if not method_allowed(method, methods, credentials_mode, rules):
        return [(reasons.METHOD_NOT_ALLOWED, method)]
    missing = disallowed_header(unsafe_header_names, header_names, credentials_mode, rules)
    if missing is not None:
        return [(reasons.HEADER_NOT_ALLOWED, missing)]
    return []


def preflight_check(method: str, unsafe_header_names: Sequence[str], preflight_status: int,
                    preflight_headers: Headers, origin: str, credentials_mode: str,
                    rules: Rules = SPEC_RULES) -> Failure | None:
    """None when the preflight response permits the request, else (reason, failed parameter)."""
    failures = preflight_failures(method, unsafe_header_names, preflight_status, preflight_headers,
                                  origin, credentials_mode, rules)
    return failures[0] if failures else None


# --- Max-Age ------------------------------------------------------------------
DEFAULT_MAX_AGE = 5  # seconds, when the header is absent or invalid
ENGINE_MAX_AGE_CAPS = {"chromium": 7200, "firefox": 86400, "webkit": 600}


def preflight_cache_seconds(max_age: str | None, engine: str | None = None) -> int:
    """How long a preflight result is reused.

    Spec: Max-Age is delta-seconds; absent or invalid (including negative
    values such as CDK's ``disableCache`` -1) means 5 s; user agents impose a
    cap. Chromium treats a negative value as "do not cache" (0 s)."""
    value = (max_age or "").strip(" \t")
    seconds: int
    if re.fullmatch(r"[0-9]+", value):
        seconds = int(value)
    elif engine == "chromium" and re.fullmatch(r"-[0-9]+", value):
        seconds = 0
    else:
        seconds = DEFAULT_MAX_AGE
    cap = ENGINE_MAX_AGE_CAPS.get(engine or "")
    return min(seconds, cap) if cap is not None else seconds


# --- redirects ----------------------------------------------------------------
def redirect_failure(current_url: str, location: str, request_origin: str) -> Failure | None:
    """Why a CORS request may not follow a redirect to ``location``, or None."""
    target = urljoin(current_url, location)
    if urlsplit(target).scheme not in ("http", "https"):
        return (reasons.CORS_DISABLED_SCHEME, target)
    # A cross-origin request may not be redirected to a URL with userinfo.
    if url_has_credentials(target):
        return (reasons.REDIRECT_WITH_CREDENTIALS, target)
    return None


def origin_after_redirect(current_url: str, target_url: str, origin: str) -> str:
    """The Origin the next request carries. Once a redirect leaves the current
    URL's origin while that origin is not the page's own, the origin is
    "tainted" and serializes as "null" from then on."""
    if origin == "null":
        return origin
    if not same_origin(target_url, current_url) and not same_origin(origin, current_url):
        return "null"
    return origin


def method_after_redirect(status: int, method: str) -> str:
    """301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        return "GET"
    return method


# --- exposed response headers ---------------------------------------------------
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {"cache-control", "content-language", "content-length", "content-type", "expires",
     "last-modified", "pragma"})
FORBIDDEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2"})


def exposed_header_names(response_headers: Headers, credentials_mode: str) -> set[str]:
    """Lower-case names of the response headers script can read with
    ``response.headers.get``: the safelisted ones plus Expose-Headers (where
    "*" means all, but only without credentials). Set-Cookie never."""
    present = {k.lower() for k, _ in response_headers} - FORBIDDEN_RESPONSE_HEADERS
    try:
        listed = {n.lower() for n in parse_token_list(response_headers, EXPOSE_HEADERS) or []}
    except InvalidList:
        listed = set()  # an unparsable list exposes nothing extra
    if credentials_mode != "include" and "*" in listed:
        return present
    return present & (SAFELISTED_RESPONSE_HEADERS | listed)


def is_header_readable(name: str, response_headers: Headers, credentials_mode: str) -> bool:
    return name.lower() in exposed_header_names(response_headers, credentials_mode)


# --- the whole decision ---------------------------------------------------------
@dataclass(frozen=True)
class Request:
    """What the page's fetch() asked for."""

    method: str
    url: str
    origin: str                                  # the page's serialized origin
    headers: tuple[tuple[str, str], ...] = ()    # author headers, duplicates allowed
    credentials: str = "same-origin"             # fetch()'s default
    mode: str = "cors"

    def sent_method(self) -> str:
        return normalize_method(self.method)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Headers = field(default_factory=list)
    location: str | None = None                  # defaults to the Location header

    @classmethod
    def of(cls, item: "Response | Exchange") -> "Response":
        if isinstance(item, Response):
            return item
        return cls(status=item.status, headers=list(item.response_headers))

    def redirect_location(self) -> str | None:
        if self.status not in REDIRECT_STATUSES:
            return None
        return self.location if self.location is not None else header_value(self.headers, LOCATION)


class IncompleteExchange(ValueError):
    """The responses given stop before the browser's decision could be made
    (a needed preflight or a redirect's next hop is missing)."""


@dataclass(frozen=True)
class OracleResult:
    verdict: Verdict                    # expected in the engine if one was given, else the spec's
    reason: str | None                  # e2e.reasons code, None when allowed
    failed_parameter: str | None        # the value that failed: header name, method, origin...
    preflight_needed: bool
    stage: Stage | None                 # where it failed
    spec_verdict: Verdict
    engine_deviation: str | None = None  # label when the engine's expected verdict/reason differs
    spec_reason: str | None = None
    also_failed: tuple[str, ...] = ()   # other failing checks of the same response
    final_origin: str | None = None     # the Origin sent on the last hop ("null" if tainted)

    @property
    def allowed(self) -> bool:
        return self.verdict == ALLOWED


@dataclass(frozen=True)
class _Decision:
    verdict: Verdict
    failures: tuple[Failure, ...] = ()
    stage: Stage | None = None
    final_origin: str | None = None


def _decide(request: Request, preflight: Response | None, actual: Sequence[Response],
            rules: Rules) -> _Decision:
    method = request.sent_method()
    headers = list(request.headers)
    if same_origin(request.origin, request.url):
        return _Decision(ALLOWED, final_origin=request.origin)
    if request.mode == "same-origin":
        return _Decision(BLOCKED, ((reasons.DISALLOWED_BY_MODE, request.mode),), "actual")
    if request.mode == "no-cors":
        # An opaque response: never a CORS failure, never readable.
        return _Decision(ALLOWED, final_origin=request.origin)
    if needs_preflight(method, headers):
        if preflight is None:
            raise IncompleteExchange("the request needs a preflight but no preflight response was given")
        failures = preflight_failures(method, unsafe_request_header_names(headers), preflight.status,
                                      preflight.headers, request.origin, request.credentials, rules)
        if failures:
            return _Decision(BLOCKED, tuple(failures), "preflight", request.origin)
    return _follow(request, method, actual)


def _follow(request: Request, method: str, actual: Sequence[Response]) -> _Decision:
    """The actual request and any redirects it follows."""
    if not actual:
        raise IncompleteExchange("no actual response was given")
    url, origin = request.url, request.origin
    for index, response in enumerate(actual):
        failures = cors_failures(response.headers, origin, request.credentials)
        if failures:
            return _Decision(BLOCKED, tuple(failures), "actual", origin)
        location = response.redirect_location()
        if location is None:
            return _Decision(ALLOWED, final_origin=origin)
        refused = redirect_failure(url, location, origin)
        if refused:
            return _Decision(BLOCKED, (refused,), "actual", origin)
        target = urljoin(url, location)
        origin = origin_after_redirect(url, target, origin)
        method = method_after_redirect(response.status, method)
        url = target
        if index == len(actual) - 1:
            raise IncompleteExchange(f"the redirect to {target} was followed but its response was not given")
    raise AssertionError("unreachable")


def _as_chain(actual: "Response | Exchange | Sequence[Response | Exchange] | None") -> list[Response]:
    if actual is None:
        return []
    if isinstance(actual, (Response, Exchange)):
        return [Response.of(actual)]
    return [Response.of(r) for r in actual]


def judge(request: Request, preflight_response: "Response | Exchange | None",
          actual_response: "Response | Exchange | Sequence[Response | Exchange] | None",
          *, engine: str | None = None) -> OracleResult:
    """Predict the browser's verdict for one fetch.

    ``actual_response`` may be a redirect chain (the first response, then the
    response of each followed redirect). With ``engine``, the engine's known
    deviations are applied: ``verdict``/``reason`` are what that engine is
    expected to do, ``spec_verdict``/``spec_reason`` what the standard says,
    and ``engine_deviation`` names the difference. Raises IncompleteExchange
    when a response the decision needs is missing."""
    preflight = Response.of(preflight_response) if preflight_response is not None else None
    chain = _as_chain(actual_response)
    needed = request.mode == "cors" and not same_origin(request.origin, request.url) and \
        needs_preflight(request.sent_method(), list(request.headers))
    spec = _decide(request, preflight, chain, SPEC_RULES)
    observed = spec
    deviation = None
    if engine is not None:
        rules = rules_for(engine)
        observed = _decide(request, preflight, chain, rules)
        if observed != spec:
            deviation = _label(rules, SPEC_RULES)
    first = observed.failures[0] if observed.failures else (None, None)
    spec_first = spec.failures[0] if spec.failures else (None, None)
    return OracleResult(
        verdict=observed.verdict, reason=first[0], failed_parameter=first[1],
        preflight_needed=needed, stage=observed.stage, spec_verdict=spec.verdict,
        engine_deviation=deviation, spec_reason=spec_first[0],
        also_failed=tuple(code for code, _ in observed.failures[1:]),
        final_origin=observed.final_origin)


def _label(rules: Rules, baseline: Rules) -> str:
    changed = [_DEVIATION_LABELS[name] for name, label in _DEVIATION_LABELS.items()
               if getattr(rules, name) != getattr(baseline, name)]
    return ",".join(changed)


def label_disagreement(request: Request, preflight_response: "Response | Exchange | None",
                       actual_response: "Response | Exchange | Sequence[Response | Exchange] | None",
                       *, engine: str, observed_verdict: str) -> str | None:
    """When a browser's verdict differs from judge(engine=...), name a possible
    engine deviation that explains it, or None (then suspect the oracle)."""
    preflight = Response.of(preflight_response) if preflight_response is not None else None
    chain = _as_chain(actual_response)
    base = rules_for(engine)
    for name, value in POSSIBLE_DEVIATIONS.get(engine, {}).items():
        candidate = replace(base, **{name: value})
        try:
            if _decide(request, preflight, chain, candidate).verdict == observed_verdict:
                return _DEVIATION_LABELS[name]
        except IncompleteExchange:
            return None
    return None

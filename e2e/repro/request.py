"""The request a customer's page made, as both inputs (curl, HAR) describe it,
reduced to what a page can ask ``fetch()`` for.

A copied request carries everything the browser put on the wire: its own
headers (Host, User-Agent, sec-*, Accept-Encoding), the page's origin, the
cookies. A page cannot set most of those from script, and replaying them as
script headers would change the request (a ``priority`` header set by script
needs a preflight; the browser's own does not). So the headers are sorted
here, once, for both inputs:

* ``Origin`` becomes the page's origin (``Referer`` is the fallback);
* ``Cookie`` is removed and means ``credentials: include``; ``Authorization``
  is kept and also means ``credentials: include``;
* forbidden request headers (Fetch standard) are dropped: the browser sets them;
* headers a browser adds on its own (User-Agent, Priority, HTTP-cache
  revalidation, DevTools' "Disable cache" pair) are dropped;
* everything else is the page's, kept in order.

Every drop and every inference is written to ``notes``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from e2e import oracle
from e2e.errors import BadInput
from e2e.exchange import Headers, redact_url
from e2e.scenarios import is_unicode, origin_problem, port_problem, split_url

COOKIE = "cookie"
AUTHORIZATION = "authorization"
REFERER = "referer"
ORIGIN = "origin"

# Fetch standard, "forbidden request-header": the browser owns these.
FORBIDDEN_REQUEST_HEADERS = frozenset({
    "accept-charset", "accept-encoding", "access-control-request-headers",
    "access-control-request-method", "connection", "content-length", "cookie", "cookie2", "date",
    "dnt", "expect", "host", "keep-alive", "origin", "referer", "set-cookie", "te", "trailer",
    "transfer-encoding", "upgrade", "via",
})
FORBIDDEN_PREFIXES = ("proxy-", "sec-")
# Forbidden only when a value names a forbidden method (they smuggle a method).
METHOD_OVERRIDE_HEADERS = frozenset({"x-http-method", "x-http-method-override", "x-method-override"})
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

# Not forbidden, but put there by the browser rather than the page. Kept, they
# would be script-set headers and change what is preflighted.
BROWSER_ADDED_HEADERS = frozenset({
    "user-agent",                 # Chromium ignores a script-set one; Firefox would preflight it
    "priority",                   # RFC 9218 priority, from the browser's scheduler
    "upgrade-insecure-requests",  # navigations only
    "if-none-match", "if-modified-since",  # HTTP-cache revalidation
    "x-client-data",              # Chrome, to Google properties
    "authority",                  # older Chromium copied HTTP/2's :authority as a header
})
_NO_CACHE_PAIR = ("pragma", "cache-control")  # DevTools' "Disable cache" adds both as no-cache

CREDENTIALS = ("omit", "same-origin", "include")
DEFAULT_CREDENTIALS = "same-origin"  # fetch()'s default

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass
class ParsedRequest:
    """One request, as a page would make it with ``fetch(url, {method, headers,
    body, credentials})`` from ``origin``."""

    url: str                      # absolute http(s) URL, query included
    method: str                   # as sent (already upper-case for the standard methods)
    headers: Headers              # the page's own headers, ordered, as written
    body: str | None
    origin: str | None            # the page's origin; None when the input does not say
    credentials: str              # omit | same-origin | include
    notes: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        """``scheme://host[:port]`` of the URL: a scenario file's target."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def path(self) -> str:
        """Path and query of the URL: a scenario's path."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def cross_origin(self) -> bool | None:
        """Whether CORS applies at all; None when the origin is unknown."""
        if self.origin is None:
            return None
        return not oracle.same_origin(self.origin, self.url)

    def header_dict(self) -> dict[str, str]:
        """Headers for ``fetch()``: repeated names combined with ", ", as the
        Headers object does."""
        out: dict[str, str] = {}
        seen: dict[str, str] = {}
        for name, value in self.headers:
            key = seen.setdefault(name.lower(), name)
            out[key] = f"{out[key]}, {value}" if key in out else value
        return out

    @property
    def needs_preflight(self) -> bool:
        return oracle.needs_preflight(oracle.normalize_method(self.method), self.headers)


def is_forbidden_request_header(name: str, value: str) -> bool:
    lname = name.lower()
    if lname in FORBIDDEN_REQUEST_HEADERS or lname.startswith(FORBIDDEN_PREFIXES):
        return True
    if lname in METHOD_OVERRIDE_HEADERS:
        return any(m.strip().upper() in FORBIDDEN_METHODS for m in value.split(","))
    return False


def parse_origin(value: str) -> str | None:
    """The serialized origin in an Origin header, or None for ``null`` and
    anything that is not ``scheme://host[:port]``."""
    value = value.strip()
    if origin_problem(value, stubs=False) is not None:
        return None
    return oracle.origin_of(value)


def origin_of_referer(value: str) -> str | None:
    parts = split_url(value.strip())
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname \
            or port_problem(parts) is not None:
        return None
    return oracle.origin_of(value.strip())


def check_url(url: str, what: str) -> str:
    """The URL a page can fetch (its fragment dropped), else BadInput; the
    message shows the URL with its secrets masked (redact_url)."""
    shown = repr(redact_url(url))
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{what}: {shown} is not an absolute http(s) URL")
    if port_problem(parts) is not None:
        raise BadInput(f"{what}: {shown} has an invalid port")
    if parts.username or parts.password:
        raise BadInput(f"{what}: {shown} has credentials (user:password@) in the URL; fetch() refuses such URLs")
    if not is_unicode(url):
        raise BadInput(f"{what}: {shown} has a lone surrogate in it: not a character a URL can hold")
    return url.split("#", 1)[0]


def check_method(method: str, what: str) -> str:
    if not _TOKEN.match(method):
        raise BadInput(f"{what}: {method!r} is not an HTTP method")
    if method.upper() in FORBIDDEN_METHODS:
        raise BadInput(f"{what}: {method} is a forbidden method: fetch() refuses it")
    return method


def build_request(*, url: str, method: str, headers: Iterable[tuple[str, str]], body: str | None,
                  cookies: bool, what: str, notes: list[str] | None = None,
                  origin_hint: str | None = None) -> ParsedRequest:
    """Sort a copied request's headers into the page's request (see module doc).

    ``cookies`` says the input carried cookies outside the headers (curl's
    ``-b``, a HAR's ``request.cookies``); ``origin_hint`` is the page origin
    when the input knows it from elsewhere (a HAR's page), used only when
    there is neither Origin nor Referer; ``what`` names the input in errors."""
    notes = list(notes or [])
    if body is not None and method.upper() in ("GET", "HEAD"):
        raise BadInput(f"{what}: a {method.upper()} request with a body: fetch() cannot send that; "
                       f"drop the body or give the method")
    kept: Headers = []
    forbidden: list[str] = []
    browser_added: list[str] = []
    origin_value: str | None = None
    referer: str | None = None
    cookie_seen = cookies
    authorization = False
    pairs = [(n, v) for n, v in headers if not n.startswith(":")]  # HTTP/2 pseudo-headers
    lower = {n.lower(): v.strip().lower() for n, v in pairs}
    devtools_no_cache = all(lower.get(n) == "no-cache" for n in _NO_CACHE_PAIR)
    for number, (name, value) in enumerate(pairs, 1):
        if not _TOKEN.match(name):   # not echoed: a malformed line may be a secret value
            raise BadInput(f"{what}: header {number} has an invalid name (letters, digits and "
                           f"!#$%&'*+.^_`|~- only; no spaces): write headers as 'Name: value'")
        if any(c in value for c in "\r\n\0"):
            raise BadInput(f"{what}: header {name} has a line break in its value")
        lname = name.lower()
        if lname == ORIGIN:
            origin_value = value
        elif lname == REFERER:
            referer = value
        if lname == COOKIE:
            cookie_seen = True
        elif is_forbidden_request_header(name, value):
            forbidden.append(name)
        elif lname in BROWSER_ADDED_HEADERS or (devtools_no_cache and lname in _NO_CACHE_PAIR):
            browser_added.append(name)
        else:
            if lname == AUTHORIZATION:
                authorization = True
            kept.append((name, value.strip(" \t")))

    origin = _page_origin(origin_value, referer, origin_hint, notes)
    if forbidden:
        notes.append("dropped headers the browser sets itself (a page cannot set them): "
                     + ", ".join(_unique(forbidden)))
    if browser_added:
        notes.append("dropped headers the browser or DevTools added, not the page (kept, they would "
                     "be script headers and could need a preflight): " + ", ".join(_unique(browser_added))
                     + "; add them back with -H if the page really sets them")
    credentials = DEFAULT_CREDENTIALS
    if cookie_seen or authorization:
        credentials = "include"
        why = " and ".join(w for w, on in (("cookies", cookie_seen), ("Authorization", authorization)) if on)
        notes.append(f"credentials: include, because the request carried {why}")
    else:
        notes.append("credentials: same-origin (fetch's default; no cookies cross-origin), because "
                     "the request carried no cookies or Authorization; use --credentials include if "
                     "the page uses credentials: 'include' or withCredentials")
    if cookie_seen:
        notes.append("Cookie removed: a page cannot set it from script; with credentials include the "
                     "browser sends its own cookies for the API, and the test browser has none of the "
                     "customer's")
    if authorization:
        notes.append("Authorization kept as a script header (it needs a preflight); if the page sends "
                     "it without credentials: 'include' (a bearer token), use --credentials same-origin")
    request = ParsedRequest(url=url, method=method, headers=kept, body=body, origin=origin,
                            credentials=credentials, notes=notes)
    if request.cross_origin is False:
        notes.append(f"same-origin request ({origin}): CORS does not apply to it")
    return request


def _page_origin(origin_value: str | None, referer: str | None, hint: str | None,
                 notes: list[str]) -> str | None:
    if origin_value is not None:
        origin = parse_origin(origin_value)
        if origin is None:
            notes.append(f"Origin is {origin_value.strip()!r} (an opaque origin: a sandboxed iframe, a "
                         f"file: page or a redirect across origins); give the page origin with --origin")
        return origin
    if referer is not None and (origin := origin_of_referer(referer)) is not None:
        notes.append(f"no Origin header: page origin {origin} taken from the Referer")
        return origin
    if hint is not None:
        notes.append(f"no Origin header: page origin {hint} taken from the HAR's page")
        return hint
    notes.append("no Origin header and no Referer: give the page origin with --origin")
    return None


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))

"""The hostile origins an audit tries, derived from the legitimate ones.

Each bug class an origin check gets wrong needs its own attacker origin; a
server that lets that origin in has that bug. All of them are served as real
pages (e2e.origins), so the browser itself sends the Origin header and
location.origin in the page is the hostile origin.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from e2e.scenarios import OPAQUE_PAGE, STUB_PAGE

# An attacker's own site: .example is reserved (RFC 2606), so these names can
# never be someone's real site; the engines never resolve them (impersonated).
ATTACKER_SITE = "attacker.example"
EVIL = "evil"              # what an attacker puts in front of the legitimate name
SUBDOMAIN = "cors-e2e-audit"
NULL = "null"

ANY_ORIGIN = "any-origin"
PREFIX_MATCH = "prefix-match"
SUFFIX_MATCH = "suffix-match"
SUBDOMAIN_TRUST = "subdomain"
HTTP_ORIGIN = "http-origin"
NULL_ORIGIN = "null-origin"
SPECIAL_CHARS = "special-characters"

# What a server that lets the class's origin in does wrong, and its fix in API
# Gateway terms. The fix is one for every class: an exact allow-list.
ALLOW_LIST_FIX = ("compare the request's Origin with an exact allow-list of https origins before echoing "
                  "it, and send Access-Control-Allow-Origin (and Allow-Credentials) only for a listed one, "
                  "with Vary: Origin, as CDK's defaultCorsPreflightOptions template does for a list of "
                  "allowOrigins (the Lambda must do the same on every response under a proxy "
                  "integration; an HTTP API's corsConfiguration.allowOrigins does it for you); never "
                  "map Access-Control-Allow-Origin from method.request.header.Origin")
BUG_CLASSES: dict[str, str] = {
    ANY_ORIGIN: "reflects any Origin (or allows every origin): a page on any site reads the response",
    PREFIX_MATCH: "trusts an Origin that starts with a legitimate one (startswith, an unanchored regex): "
                  "the attacker registers a domain under it",
    SUFFIX_MATCH: "trusts an Origin that ends with a legitimate host (endswith, a regex without a dot "
                  "boundary): the attacker registers a name ending in it",
    SUBDOMAIN_TRUST: "trusts every subdomain of the site: an XSS or a taken-over subdomain reads the response",
    HTTP_ORIGIN: "trusts the http origin of an https site: anyone on the network can inject script there",
    NULL_ORIGIN: "allows the origin null, which any page gets by running in a sandboxed iframe",
    SPECIAL_CHARS: "a lax origin parser takes a host with a special character for the legitimate one",
}
CLASS_FIX: dict[str, str] = {
    NULL_ORIGIN: "remove null from the allow-list (and never echo it); " + ALLOW_LIST_FIX,
    HTTP_ORIGIN: "list https origins only; " + ALLOW_LIST_FIX,
    SUBDOMAIN_TRUST: "list the subdomains that really serve the frontend instead of a pattern; " + ALLOW_LIST_FIX,
}

# Characters a lax parser may read as the end of the host while browsers keep
# them in it, and the engines that load a page at such a host (observed here:
# Chromium and WebKitGTK load all of _ $ ` } ! ~ & ' =; Firefox refuses all but
# _ and $ with NS_ERROR_UNKNOWN_HOST). An engine that cannot is not tried, not a pass.
ALL_ENGINES = ("chromium", "firefox", "webkit")
SPECIAL_CHAR_ENGINES: dict[str, tuple[str, ...]] = {
    "_": ALL_ENGINES, "$": ALL_ENGINES, "`": ("chromium", "webkit"), "}": ("chromium", "webkit")}


@dataclass(frozen=True)
class Hostile:
    origin: str             # the origin the page really has: its Origin header ("null" for opaque)
    bug_class: str          # one of BUG_CLASSES
    derived_from: str | None  # the legitimate origin it imitates (None: unrelated to any)
    served_at: str          # the origin the page is served from (the parent page for null)
    page: str = STUB_PAGE   # STUB_PAGE, or OPAQUE_PAGE for the sandboxed iframe
    engines: tuple[str, ...] | None = None   # the engines that can load it; None: every one

    @property
    def fix(self) -> str:
        return CLASS_FIX.get(self.bug_class, ALLOW_LIST_FIX)

    @property
    def why(self) -> str:
        return BUG_CLASSES[self.bug_class]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _origin(scheme: str, host: str, port: int | None) -> str:
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def site_of(host: str) -> str:
    """The site a host belongs to, guessed as its last two labels (no public
    suffix list: for app.example.co.uk this says co.uk, one level too high)."""
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) > 2 else host


def derive(legit: list[str], *, api_scheme: str = "https") -> list[Hostile]:
    """The hostile origins for these legitimate ones, each once, in a stable
    order. ``api_scheme`` is the API's: the null page's parent uses it, so an
    opaque origin is never also a mixed-content case."""
    out: dict[str, Hostile] = {}
    legit_set = set(legit)

    def add(h: Hostile) -> None:
        key = f"{h.origin} {h.page}"
        if h.origin not in legit_set and key not in out:
            out[key] = h

    add(Hostile(f"https://{ATTACKER_SITE}", ANY_ORIGIN, None, f"https://{ATTACKER_SITE}"))
    for origin in legit:
        parts = urlsplit(origin)
        scheme, host, port = parts.scheme, (parts.hostname or ""), parts.port

        def same(h: str, s: str = scheme) -> str:
            return _origin(s, h, port)

        def hostile(h: str, cls: str, s: str = scheme, engines: tuple[str, ...] | None = None) -> None:
            o = same(h, s)
            add(Hostile(o, cls, origin, o, engines=engines))

        hostile(f"{host}.{ATTACKER_SITE}", PREFIX_MATCH)
        if not _is_ip(host):
            hostile(f"{EVIL}{host}", SUFFIX_MATCH)
            site = site_of(host)
            if site != host:
                hostile(f"{EVIL}{site}", SUFFIX_MATCH)
            hostile(f"{SUBDOMAIN}.{site}", SUBDOMAIN_TRUST)
        if scheme == "https":
            hostile(host, HTTP_ORIGIN, "http")
        for char, engines in SPECIAL_CHAR_ENGINES.items():
            hostile(f"{host}{char}.{ATTACKER_SITE}", SPECIAL_CHARS, engines=engines)
    parent = f"{api_scheme}://{ATTACKER_SITE}"
    add(Hostile(NULL, NULL_ORIGIN, None, parent, page=OPAQUE_PAGE))
    return list(out.values())

"""A CloudFront-like front: what a CDN or proxy in front of an API does to
CORS, configured by an API definition's ``front`` block.

It wraps the API's own service on the same port (the browser's bytes reach
it first) and answers some requests itself:

- ``viewerProtocolPolicy: redirect-to-https`` and ``trailingSlashRedirect``: a
  301 (CloudFront's, or a proxy's / custom domain's rule), which no browser
  follows for a preflight;
- a method outside ``allowedMethods``: CloudFront's 403 (OPTIONS is not among
  the default GET, HEAD);
- a cache hit: the stored response, whoever it was made for. The cache key
  is method, path, the query strings and headers the cache policy names, and
  the harness's ``cors-e2e-group`` parameter (so each engine's run of an ordered
  group has its own entry, as if it had its own URL). CloudFront ignores
  ``Vary: Origin`` (it varies on Accept-Encoding only), so without Origin in
  the key the first origin's Access-Control-Allow-Origin is served to the
  next; viewer ``Cache-Control: no-cache`` does not bypass it either.

Everything else goes to the API as it came, and its answer (with its layer)
comes back with CloudFront's Via/X-Cache headers.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field, replace

from e2e.exchange import GROUP_PARAM, LAYER_CDN, Headers
from e2e.gateway.definition import Reader
from e2e.gateway.server import Service
from e2e.gateway.wire import HttpRequest, HttpResponse

# CloudFront's three choices of allowed methods, and of cached methods.
ALLOWED_METHOD_SETS = (("GET", "HEAD"), ("GET", "HEAD", "OPTIONS"),
                       ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"))
CACHED_METHOD_SETS = (("GET", "HEAD"), ("GET", "HEAD", "OPTIONS"))
NOT_ALLOWED_BODY = (b"This distribution is not configured to allow the HTTP request method that was used "
                    b"for this request. The distribution supports only cachable requests.")
DEFAULT_TTL_S = 86400


@dataclass(frozen=True)
class FrontConfig:
    viewer_protocol_policy: str = "allow-all"          # or redirect-to-https
    trailing_slash_redirect: bool = False
    allowed_methods: tuple[str, ...] = ALLOWED_METHOD_SETS[2]
    cached_methods: tuple[str, ...] = CACHED_METHOD_SETS[0]
    cache_key_headers: tuple[str, ...] = ()           # lower-case
    cache_key_query_strings: tuple[str, ...] = ()
    default_ttl_s: int = DEFAULT_TTL_S


def load_front(r: Reader) -> FrontConfig:
    r.allow("viewerProtocolPolicy", "trailingSlashRedirect", "allowedMethods", "cachedMethods", "cachePolicy")
    allowed = tuple(r.str_list("allowedMethods", list(ALLOWED_METHOD_SETS[2])))
    if allowed not in ALLOWED_METHOD_SETS:
        r.fail("CloudFront allows GET,HEAD or GET,HEAD,OPTIONS or all seven methods, in that order: "
               + " | ".join(",".join(s) for s in ALLOWED_METHOD_SETS), "allowedMethods")
    cached = tuple(r.str_list("cachedMethods", list(CACHED_METHOD_SETS[0])))
    if cached not in CACHED_METHOD_SETS or not set(cached) <= set(allowed):
        r.fail("cached methods are GET,HEAD or GET,HEAD,OPTIONS, and allowed too", "cachedMethods")
    headers: tuple[str, ...] = ()
    queries: tuple[str, ...] = ()
    ttl = DEFAULT_TTL_S
    if r.has("cachePolicy"):
        cp = r.child("cachePolicy")
        cp.allow("headers", "queryStrings", "defaultTtl")
        headers = tuple(h.lower() for h in cp.str_list("headers", []))
        queries = tuple(cp.str_list("queryStrings", []))
        ttl = cp.int("defaultTtl", DEFAULT_TTL_S, 0, 31536000)
    return FrontConfig(r.choice("viewerProtocolPolicy", ("allow-all", "redirect-to-https"), "allow-all"),
                       r.bool("trailingSlashRedirect", False), allowed, cached, headers, queries, ttl)


@dataclass
class _Entry:
    response: HttpResponse
    stored: float
    ttl: float


@dataclass
class FrontService:
    """The front as a Service: it decides, or passes the request to ``inner``."""

    config: FrontConfig
    inner: Service
    _cache: dict[tuple[str, ...], _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, req: HttpRequest) -> HttpResponse:
        own = self._own_answer(req)
        if own is not None:
            return own
        cacheable = req.method in self.config.cached_methods
        key = self._key(req)
        if cacheable:
            with self._lock:
                entry = self._cache.get(key)
            now = time.monotonic()
            if entry is not None and now - entry.stored < entry.ttl:
                age = str(int(now - entry.stored))
                return replace(entry.response, headers=self._marked(entry.response.headers, req, "Hit", age),
                               layer=LAYER_CDN, detail="cache-hit")
        response = self.inner.handle(req)
        if cacheable and 200 <= response.status < 400:
            ttl = _ttl(response.headers, self.config.default_ttl_s)
            if ttl > 0:
                with self._lock:
                    self._cache[key] = _Entry(response, time.monotonic(), ttl)
        return replace(response, headers=self._marked(response.headers, req, "Miss"))

    def _own_answer(self, req: HttpRequest) -> HttpResponse | None:
        host = req.header("Host") or "localhost"
        query = f"?{req.query}" if req.query else ""
        if self.config.viewer_protocol_policy == "redirect-to-https":
            return self._redirect(req, f"https://{host}{req.raw_path}{query}", "redirect-to-https")
        if self.config.trailing_slash_redirect and not req.raw_path.endswith("/"):
            return self._redirect(req, f"{req.raw_path}/{query}", "trailing-slash-redirect")
        if req.method not in self.config.allowed_methods:
            headers = self._marked([("Content-Type", "text/html"), ("Server", "CloudFront")], req, "Error")
            return HttpResponse(403, headers, NOT_ALLOWED_BODY, LAYER_CDN, "method-not-allowed")
        return None

    def _redirect(self, req: HttpRequest, location: str, why: str) -> HttpResponse:
        headers = self._marked([("Content-Type", "text/html"), ("Location", location), ("Server", "CloudFront")],
                               req, "Redirect")
        return HttpResponse(301, headers, b"<html><body>301 Moved Permanently</body></html>", LAYER_CDN, why)

    def _key(self, req: HttpRequest) -> tuple[str, ...]:
        names = set(self.config.cache_key_query_strings) | {GROUP_PARAM}
        query = sorted((k, v) for k, v in req.query_pairs() if k in names)
        headers = [f"{name}={req.header(name) or ''}" for name in sorted(self.config.cache_key_headers)]
        return (req.method if req.method == "OPTIONS" else "GET", req.raw_path, repr(query), *headers)

    @staticmethod
    def _marked(headers: Headers, req: HttpRequest, cache: str, age: str | None = None) -> Headers:
        pop = hashlib.sha1(req.request_id.encode()).hexdigest()
        out = [h for h in headers if h[0].lower() not in ("via", "x-cache", "age", "x-amz-cf-pop", "x-amz-cf-id")]
        out += [("X-Cache", f"{cache} from cloudfront"), ("Via", f"1.1 {pop[:32]}.cloudfront.net (CloudFront)"),
                ("X-Amz-Cf-Pop", "LOC50-C1"), ("X-Amz-Cf-Id", pop[:40])]
        if age is not None:
            out.append(("Age", age))
        return out


def _ttl(headers: Headers, default: int) -> float:
    """CloudFront's TTL for an origin response (minimum TTL 0): the origin's
    Cache-Control (s-maxage, max-age, no-store/no-cache/private: not cached)
    or the default TTL."""
    value = ", ".join(v for k, v in headers if k.lower() == "cache-control").lower()
    directives = {d.strip().split("=", 1)[0]: d.strip().partition("=")[2] for d in value.split(",") if d.strip()}
    if {"no-store", "no-cache", "private"} & set(directives):
        return 0
    for name in ("s-maxage", "max-age"):
        if directives.get(name, "").isdigit():
            return int(directives[name])
    return default

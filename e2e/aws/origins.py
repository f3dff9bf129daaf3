"""Small facts about origins and mapping sources, shared by the inspectors."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from e2e.oracle import SAFELISTED_METHODS  # noqa: F401 - never need Allow-Methods; the inspectors' name for it

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

_REQUEST_ORIGIN = re.compile(r"^method\.request\.header\.origin$", re.IGNORECASE)


def literal(source: str) -> str | None:
    """``'value'`` (a quoted literal mapping) -> ``value``; a request mapping -> None."""
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    return None


def is_request_origin(source: str) -> bool:
    return bool(_REQUEST_ORIGIN.match(source.strip()))


def is_insecure(origin: str) -> bool:
    """An http:// origin other than loopback. http://localhost is where
    developers (and this harness's stub frontend) serve pages; browsers treat it
    as a secure context, so allowing it is not the downgrade this finding means."""
    if origin == "http://*":
        return True
    parts = urlsplit(origin)
    return parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK_HOSTS \
        and not (parts.hostname or "").endswith(".localhost")


def origin_matches(origin: str, allowed: list[str]) -> bool:
    """Does an allow-list (exact origins, ``*``, ``https://*``/``http://*``) let ``origin`` in?"""
    origin = origin.rstrip("/").lower()
    for entry in allowed:
        e = entry.rstrip("/").lower()
        if e == "*" or e == origin:
            return True
        if e in ("https://*", "http://*") and origin.startswith(e[:-1]):
            return True
    return False

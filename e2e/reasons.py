"""The one vocabulary of reasons a cross-origin fetch fails. How each
engine's own words map onto it lives with that engine's driver
(e2e.engines: CDP_CORS_ERRORS, ENGINE_TEXTS).

Codes are stable: results, baselines and users' scripts compare them. A code
prefixed ``preflight-`` is the same check failing on the preflight response
instead of the actual response.
"""
from __future__ import annotations

import re

# --- CORS check on a response (actual, or preflight with the prefix) -------
MISSING_ALLOW_ORIGIN = "missing-allow-origin"
ALLOW_ORIGIN_MISMATCH = "allow-origin-mismatch"
MULTIPLE_ALLOW_ORIGIN = "multiple-allow-origin"
INVALID_ALLOW_ORIGIN = "invalid-allow-origin"
WILDCARD_WITH_CREDENTIALS = "wildcard-with-credentials"
INVALID_ALLOW_CREDENTIALS = "invalid-allow-credentials"
# --- preflight-only checks --------------------------------------------------
PREFLIGHT_STATUS = "preflight-status"
PREFLIGHT_REDIRECT = "preflight-redirect"
METHOD_NOT_ALLOWED = "method-not-allowed"
HEADER_NOT_ALLOWED = "header-not-allowed"
INVALID_ALLOW_METHODS = "invalid-allow-methods"
INVALID_ALLOW_HEADERS = "invalid-allow-headers"
# --- other ------------------------------------------------------------------
REDIRECT_WITH_CREDENTIALS = "redirect-with-credentials"
DISALLOWED_BY_MODE = "disallowed-by-mode"
CORS_DISABLED_SCHEME = "cors-disabled-scheme"
INVALID_RESPONSE = "invalid-response"
LOCAL_NETWORK_ACCESS = "local-network-access"
UNKNOWN = "unknown"  # the engine said CORS, but not in words we know
# --- not CORS ---------------------------------------------------------------
CONNECTION_FAILED = "connection-failed"
TIMEOUT = "timeout"
MIXED_CONTENT = "mixed-content"

PREFLIGHT = "preflight-"


def preflight(code: str) -> str:
    """The preflight form of a response check's code."""
    return code if code.startswith(PREFLIGHT) or code in _PREFLIGHT_ONLY else PREFLIGHT + code


_PREFLIGHT_ONLY = {PREFLIGHT_STATUS, PREFLIGHT_REDIRECT, METHOD_NOT_ALLOWED, HEADER_NOT_ALLOWED,
                   INVALID_ALLOW_METHODS, INVALID_ALLOW_HEADERS}

ALL_CODES = sorted(
    {MISSING_ALLOW_ORIGIN, ALLOW_ORIGIN_MISMATCH, MULTIPLE_ALLOW_ORIGIN, INVALID_ALLOW_ORIGIN,
     WILDCARD_WITH_CREDENTIALS, INVALID_ALLOW_CREDENTIALS}
    | {PREFLIGHT + c for c in (MISSING_ALLOW_ORIGIN, ALLOW_ORIGIN_MISMATCH, MULTIPLE_ALLOW_ORIGIN,
                               INVALID_ALLOW_ORIGIN, WILDCARD_WITH_CREDENTIALS,
                               INVALID_ALLOW_CREDENTIALS)}
    | _PREFLIGHT_ONLY
    | {REDIRECT_WITH_CREDENTIALS, DISALLOWED_BY_MODE, CORS_DISABLED_SCHEME, INVALID_RESPONSE,
       LOCAL_NETWORK_ACCESS, UNKNOWN, CONNECTION_FAILED, TIMEOUT, MIXED_CONTENT}
)

def from_text(text: str, table: list[tuple[re.Pattern[str], str]]) -> str | None:
    for pattern, code in table:
        if pattern.search(text):
            return code
    return None

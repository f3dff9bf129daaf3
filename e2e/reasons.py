"""The one vocabulary of reasons a cross-origin fetch fails, and how each
engine's own words map onto it.

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

# Chromium: Network.CorsError (CDP). Unknown values map to UNKNOWN.
CHROMIUM_CORS_ERRORS: dict[str, str] = {
    "DisallowedByMode": DISALLOWED_BY_MODE,
    "InvalidResponse": INVALID_RESPONSE,
    "WildcardOriginNotAllowed": WILDCARD_WITH_CREDENTIALS,
    "MissingAllowOriginHeader": MISSING_ALLOW_ORIGIN,
    "MultipleAllowOriginValues": MULTIPLE_ALLOW_ORIGIN,
    "InvalidAllowOriginValue": INVALID_ALLOW_ORIGIN,
    "AllowOriginMismatch": ALLOW_ORIGIN_MISMATCH,
    "InvalidAllowCredentials": INVALID_ALLOW_CREDENTIALS,
    "CorsDisabledScheme": CORS_DISABLED_SCHEME,
    "PreflightInvalidStatus": PREFLIGHT_STATUS,
    "PreflightDisallowedRedirect": PREFLIGHT_REDIRECT,
    "PreflightWildcardOriginNotAllowed": PREFLIGHT + WILDCARD_WITH_CREDENTIALS,
    "PreflightMissingAllowOriginHeader": PREFLIGHT + MISSING_ALLOW_ORIGIN,
    "PreflightMultipleAllowOriginValues": PREFLIGHT + MULTIPLE_ALLOW_ORIGIN,
    "PreflightInvalidAllowOriginValue": PREFLIGHT + INVALID_ALLOW_ORIGIN,
    "PreflightAllowOriginMismatch": PREFLIGHT + ALLOW_ORIGIN_MISMATCH,
    "PreflightInvalidAllowCredentials": PREFLIGHT + INVALID_ALLOW_CREDENTIALS,
    "InvalidAllowMethodsPreflightResponse": INVALID_ALLOW_METHODS,
    "InvalidAllowHeadersPreflightResponse": INVALID_ALLOW_HEADERS,
    "MethodDisallowedByPreflightResponse": METHOD_NOT_ALLOWED,
    "HeaderDisallowedByPreflightResponse": HEADER_NOT_ALLOWED,
    "RedirectContainsCredentials": REDIRECT_WITH_CREDENTIALS,
    "InsecureLocalNetwork": LOCAL_NETWORK_ACCESS,
    "InvalidLocalNetworkAccess": LOCAL_NETWORK_ACCESS,
    "LocalNetworkAccessPermissionDenied": LOCAL_NETWORK_ACCESS,
    "NoCorsRedirectModeNotFollow": DISALLOWED_BY_MODE,
}

# Firefox's English message texts, for when only the text reaches us.
FIREFOX_TEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"CORS header .Access-Control-Allow-Origin. missing", re.I), MISSING_ALLOW_ORIGIN),
    (re.compile(r"CORS header .Access-Control-Allow-Origin. does not match", re.I),
     ALLOW_ORIGIN_MISMATCH),
    (re.compile(r"Multiple CORS header .Access-Control-Allow-Origin. not allowed", re.I),
     MULTIPLE_ALLOW_ORIGIN),
    (re.compile(r"Credential is not supported if the CORS header .Access-Control-Allow-Origin. is .\*.",
                re.I), WILDCARD_WITH_CREDENTIALS),
    (re.compile(r"expected .true. in CORS header .Access-Control-Allow-Credentials.", re.I),
     INVALID_ALLOW_CREDENTIALS),
    (re.compile(r"Did not find method in CORS header .Access-Control-Allow-Methods.", re.I),
     METHOD_NOT_ALLOWED),
    (re.compile(r"header .[^']*. is not allowed according to header .Access-Control-Allow-Headers.",
                re.I), HEADER_NOT_ALLOWED),
    (re.compile(r"missing token .[^']*. in CORS header .Access-Control-Allow-Headers.", re.I),
     HEADER_NOT_ALLOWED),
    (re.compile(r"CORS preflight response did not succeed", re.I), PREFLIGHT_STATUS),
    (re.compile(r"CORS request did not succeed", re.I), CONNECTION_FAILED),
]

# WebKit's console texts. WebKit uses one text for a missing and a mismatched
# Allow-Origin; the raw exchange tells them apart.
WEBKIT_TEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Preflight response is not successful", re.I), PREFLIGHT_STATUS),
    (re.compile(r"Request header field \S+ is not allowed by Access-Control-Allow-Headers", re.I),
     HEADER_NOT_ALLOWED),
    (re.compile(r"Method \S+ is not allowed by Access-Control-Allow-Methods", re.I),
     METHOD_NOT_ALLOWED),
    (re.compile(r"Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true",
                re.I), WILDCARD_WITH_CREDENTIALS),
    (re.compile(r"Credentials flag is true, but Access-Control-Allow-Credentials is not", re.I),
     INVALID_ALLOW_CREDENTIALS),
    (re.compile(r"Access-Control-Allow-Origin cannot contain more than one origin", re.I),
     MULTIPLE_ALLOW_ORIGIN),
    (re.compile(r"is not allowed by Access-Control-Allow-Origin", re.I), ALLOW_ORIGIN_MISMATCH),
]


def from_chromium(cors_error: str | None) -> str | None:
    if not cors_error:
        return None
    return CHROMIUM_CORS_ERRORS.get(cors_error, UNKNOWN)


def from_text(text: str, table: list[tuple[re.Pattern[str], str]]) -> str | None:
    for pattern, code in table:
        if pattern.search(text):
            return code
    return None

"""Findings: what ``inspect`` reports. Codes are stable (scripts and baselines
key on them); each has a default severity and a one-line meaning."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("info", "warning", "error")

# code: (severity, what it means)
CODES: dict[str, tuple[str, str]] = {
    "missing-preflight": ("error", "a resource or route needs a preflight and nothing answers OPTIONS"),
    "wildcard-with-credentials": ("error", "Allow-Origin * together with Allow-Credentials true: browsers "
                                           "refuse every credentialed request"),
    "errors-without-cors": ("warning", "errors API Gateway itself generates carry no Allow-Origin, so the "
                                       "frontend sees a CORS error instead of the status"),
    "origin-reflected": ("error", "Allow-Origin copies the request's Origin (or a scheme wildcard): "
                                  "any site is trusted"),
    "insecure-origin": ("warning", "an http:// origin is allowed by an https API"),
    "header-not-allowed": ("error", "the preflight does not allow a header the API requires"),
    "authorizer-on-preflight": ("error", "the route or method that catches OPTIONS is secured, so the "
                                         "preflight is refused"),
    "wildcard-authorization": ("error", "Allow-Headers * is relied on for Authorization, which * never covers"),
    "method-not-allowed": ("error", "the preflight does not allow a method the resource or route serves"),
    "origin-not-allowed": ("error", "an origin given with --origin is not allowed"),
    "throttled-to-zero": ("error", "stage throttling at rate 0 or burst 0: every request, preflights "
                                   "included, gets 429"),
}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    resource: str        # "/items", "OPTIONS /items", "ANY /items", "gatewayResponses/DEFAULT_4XX", "stage prod"
    evidence: str        # what in the configuration shows it, quoted as AWS returns it
    fix: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def finding(code: str, resource: str, evidence: str, fix: str, severity: str | None = None) -> Finding:
    return Finding(code, severity or CODES[code][0], resource, evidence, fix)


def at_or_above(findings: list[Finding], level: str) -> list[Finding]:
    rank = SEVERITIES.index(level)
    return [f for f in findings if SEVERITIES.index(f.severity) >= rank]

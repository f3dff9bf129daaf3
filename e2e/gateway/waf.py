"""An AWS WAF web ACL on a REST API stage, reduced to the rules that decide a
CORS outcome: which requests it blocks, preflights included.

WAF looks at a request before API Gateway routes it, so a blocking rule that
does not exempt OPTIONS refuses the preflight (403 Forbidden, the WAF_FILTERED
gateway response) whatever the API's CORS set-up. HTTP APIs cannot have a web
ACL on AWS, so only REST definitions take ``waf``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from e2e.gateway.definition import Reader
from e2e.gateway.model import HTTP_METHODS
from e2e.gateway.wire import HttpRequest


@dataclass(frozen=True)
class WafRule:
    """A BLOCK rule: it matches when every condition given holds."""

    name: str
    methods: tuple[str, ...] = ()          # only these methods (empty: any)
    except_methods: tuple[str, ...] = ()   # a scope-down statement: never these methods
    missing_header: str | None = None      # the request lacks this header

    def matches(self, req: HttpRequest) -> bool:
        if self.methods and req.method not in self.methods:
            return False
        if req.method in self.except_methods:
            return False
        if self.missing_header is not None and req.header(self.missing_header) is not None:
            return False
        return True


@dataclass(frozen=True)
class WebAcl:
    rules: tuple[WafRule, ...] = field(default_factory=tuple)

    def blocking_rule(self, req: HttpRequest) -> WafRule | None:
        return next((rule for rule in self.rules if rule.matches(req)), None)


def load_web_acl(r: Reader) -> WebAcl:
    r.allow("rules")
    rules = []
    for item in r.items("rules"):
        item.allow("name", "methods", "exceptMethods", "missingHeader")
        methods = tuple(item.str_list("methods", []))
        excepted = tuple(item.str_list("exceptMethods", []))
        for key, values in (("methods", methods), ("exceptMethods", excepted)):
            unknown = [m for m in values if m not in HTTP_METHODS or m == "ANY"]
            if unknown:
                item.fail(f"unknown HTTP method {unknown[0]!r}", key)
        rule = WafRule(item.str("name"), methods, excepted, item.str("missingHeader", None))
        if not rule.methods and rule.missing_header is None:
            item.fail("a rule needs a condition (methods or missingHeader); it would block everything")
        rules.append(rule)
    if not rules:
        r.fail("a web ACL needs at least one rule", "rules")
    return WebAcl(tuple(rules))

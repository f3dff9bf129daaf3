"""``scenarios-from``: a scenario file covering every route and method an API
has, so a nightly run covers new routes without anyone editing a file.

Every request goes to the stage's base URL (the file's target). Allowed
origins are expected ``allowed`` and denied ones ``blocked``: the file states
what should happen, the run shows what does. Methods with a body send JSON
(so they are preflighted, as a real frontend's are); methods a browser only
reaches with credentials also run with ``credentials: include`` when the API
allows credentials.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit
from pathlib import Path
from typing import Any

import yaml

from e2e.aws.config import Config, HttpConfig, RestConfig
from e2e.aws.inspect_http import required_headers as http_required
from e2e.aws.inspect_rest import required_headers as rest_required
from e2e.aws.preflight import decode
from e2e.errors import BadInput
from e2e.scenarios import STUB_ALLOWED, STUB_DENIED

ANY_EXPANDS_TO = ("GET", "POST", "PUT", "PATCH", "DELETE")
_BODY_METHODS = {"POST", "PUT", "PATCH"}
_PARAM = re.compile(r"\{([^}+]+)\+?\}")


def routes_of(cfg: Config) -> list[tuple[str, str, list[str]]]:
    """(method, path template, headers the API requires) for every method a browser can call."""
    out: list[tuple[str, str, list[str]]] = []
    if isinstance(cfg, RestConfig):
        for resource in cfg.resources:
            for verb in resource.served:
                headers = rest_required(cfg, resource.methods[verb])
                for m in (ANY_EXPANDS_TO if verb == "ANY" else (verb,)):
                    out.append((m, resource.path, headers))
    else:
        assert isinstance(cfg, HttpConfig)
        for route in cfg.routes:
            if route.method == "OPTIONS":
                continue
            path = route.path or "/"
            headers = http_required(cfg, route)
            for m in (ANY_EXPANDS_TO if route.method in ("ANY", "") else (route.method,)):
                out.append((m, path, headers))
    seen: set[tuple[str, str]] = set()
    unique = []
    for m, p, h in out:
        if (m, p) not in seen:
            seen.add((m, p))
            unique.append((m, p, h))
    return unique


def allows_credentials(cfg: Config) -> bool:
    if isinstance(cfg, HttpConfig):
        return bool((cfg.cors or {}).get("AllowCredentials"))
    for resource in cfg.resources:
        options = resource.methods.get("OPTIONS")
        pf = decode(options.integration) if options else None
        if pf is not None and pf.credentials:
            return True
    return False


def concrete_path(template: str) -> str:
    """/items/{id} -> /items/cors-e2e-id; {proxy+} -> cors-e2e-proxy."""
    return _PARAM.sub(lambda m: f"cors-e2e-{m.group(1).lower()}", template)


def _check_origin(flag: str, value: str) -> None:
    if value in (STUB_ALLOWED, STUB_DENIED):
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment:
        raise BadInput(f"{flag}: {value!r} is not an origin (scheme://host[:port], no path) "
                       f"nor {STUB_ALLOWED} / {STUB_DENIED}")


def _name(method: str, path: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._+-]+", "-", path.strip("/")).strip("-") or "root"
    return f"{method.lower()}-{slug}"


def build_scenarios(cfg: Config, origins: list[str], denied: list[str]) -> dict[str, Any]:
    for flag, values in (("--origin", origins), ("--denied-origin", denied)):
        for value in values:
            _check_origin(flag, value)
    if not origins:
        raise BadInput("scenarios-from: give at least one --origin (the frontend's origin, or stub:allowed)")
    routes = routes_of(cfg)
    if not routes:
        raise BadInput(f"scenarios-from: {cfg.api.label} has no routes or methods to call")
    credentials = ["omit", "include"] if allows_credentials(cfg) else ["omit"]
    groups: dict[str, Any] = {"allowed": origins if len(origins) > 1 else origins[0]}
    expect: Any = "allowed"
    if denied:
        groups["denied"] = denied if len(denied) > 1 else denied[0]
        expect = {"allowed": "allowed", "denied": "blocked"}
    scenarios = []
    for method, path, needs in routes:
        entry: dict[str, Any] = {"name": _name(method, path), "path": concrete_path(path), "method": method}
        if method in _BODY_METHODS:
            entry["headers"] = {"Content-Type": "application/json"}
            entry["body"] = "{}"
        if needs:
            entry["description"] = (f"{method} {path} requires {', '.join(needs)}; the request sends none, "
                                    f"so it gets API Gateway's 4xx: expected readable if gateway "
                                    f"responses carry CORS headers")
        entry["credentials"] = credentials if len(credentials) > 1 else credentials[0]
        entry["expect"] = expect
        scenarios.append(entry)
    return {"description": f"generated by cors-e2e scenarios-from {cfg.api.label} ({cfg.api.name}): "
                           f"every route and method", "target": cfg.api.base_url, "origins": groups,
            "scenarios": scenarios}


def write_scenarios(data: dict[str, Any], path: str) -> None:
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=100)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"--output: cannot write {path}: {exc.strerror or exc}") from None

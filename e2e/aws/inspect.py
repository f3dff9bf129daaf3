"""``inspect``: read a deployed API's configuration and report what in it will
break CORS before a browser runs."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from e2e.aws.config import Config, HttpConfig, RestConfig
from e2e.aws.findings import SEVERITIES, Finding, at_or_above
from e2e.aws.inspect_http import inspect_http
from e2e.aws.inspect_rest import inspect_rest
from e2e.aws.preflight import run_preflight
from e2e.aws.target import ResolvedApi
from e2e.errors import BadInput


@dataclass
class InspectReport:
    api: ResolvedApi
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return sorted(f.code for f in self.findings)

    def failing(self, fail_on: str) -> list[Finding]:
        return at_or_above(self.findings, fail_on)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.api.label, "kind": self.api.kind, "apiId": self.api.api_id,
                "name": self.api.name, "stage": self.api.stage, "region": self.api.region,
                "baseUrl": self.api.base_url, "findings": [f.to_json() for f in self.findings],
                "notes": self.notes}

    def write_json(self, path: str) -> None:
        try:
            Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"--json: cannot write {path}: {exc.strerror or exc}") from None

    def print_text(self, out: TextIO, fail_on: str) -> None:
        api = self.api
        print(f"{api.label} ({api.name or 'unnamed'}) {api.base_url}", file=out)
        for f in self.findings:
            print(f"{f.severity.upper():8} {f.code}  {f.resource}", file=out)
            print(f"         evidence: {f.evidence}", file=out)
            print(f"         fix: {f.fix}", file=out)
        for note in self.notes:
            print(f"note: {note}", file=out)
        counts = {s: sum(f.severity == s for f in self.findings) for s in reversed(SEVERITIES)}
        shown = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
        failing = len(self.failing(fail_on))
        print(f"{len(self.findings)} finding{'s' if len(self.findings) != 1 else ''}"
              f"{': ' + shown if shown else ''}; {failing} at or above {fail_on}", file=out)


def inspect_config(cfg: Config, origins: list[str] | None = None) -> InspectReport:
    origins = list(origins or [])
    if isinstance(cfg, RestConfig):
        found = inspect_rest(cfg.model, origins)
    else:
        assert isinstance(cfg, HttpConfig)
        found = inspect_http(cfg.model, origins)
    # Most severe first; then by resource, so reports diff well from night to night.
    order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    found.sort(key=lambda f: (order[f.severity], f.resource, f.code))
    return InspectReport(cfg.api, found, list(cfg.notes) + _unread_preflights(cfg))


def _unread_preflights(cfg: Config) -> list[str]:
    """MOCK preflights whose templates the local gateway's engine does not run: said, not guessed."""
    if not isinstance(cfg, RestConfig):
        return []
    return [f"OPTIONS {path}: its mapping template uses Velocity the local gateway does not run; "
            f"its preflight was not judged"
            for path, resource in sorted(cfg.model.resources.items())
            if (m := resource.methods.get("OPTIONS")) is not None and m.integration.type == "MOCK"
            and run_preflight(m.integration) is None]

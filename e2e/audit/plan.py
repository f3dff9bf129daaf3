"""An audit as cells: the legitimate origins (the control) and the hostile
ones, each fetching every audited request with credentials included and
omitted, run by the ordinary runner (e2e.runner.MatrixRun)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from e2e.audit.hostile import Hostile
from e2e.exchange import redact_url
from e2e.runner import MatrixRun
from e2e.scenarios import Cell, Origin, Scenario, ScenarioFile

LEGIT = "legit"
CREDENTIALS = ("include", "omit")   # include first: the read that matters


@dataclass(frozen=True)
class AuditRequest:
    """One request every origin makes (a --path, with -X, -H, --data)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    api: str | None = None                  # the fixture API, for a local target
    respond: dict[str, Any] | None = field(default=None, hash=False, compare=False)  # a scripted target
    session: str | None = None              # the path that sets the session cookie first

    @property
    def name(self) -> str:
        """How reports name it: the path's secret query values masked (redact_url)."""
        shown = redact_url(self.path)
        return f"{self.api}:{self.method} {shown}" if self.api else f"{self.method} {shown}"


@dataclass
class AuditPlan:
    target: str
    legit: list[str]
    hostiles: list[Hostile]
    requests: list[AuditRequest]

    def __post_init__(self) -> None:
        self.labels: dict[str, Hostile | str] = {}   # origin label -> Hostile, or the legit origin
        self.origins: list[Origin] = []
        for i, origin in enumerate(self.legit):
            label = LEGIT if i == 0 else f"{LEGIT}-{i + 1}"
            self.origins.append(Origin(label=label, group=LEGIT, spec=origin))
            self.labels[label] = origin
        for i, h in enumerate(self.hostiles, 1):
            label = f"h{i}-{h.bug_class}"
            self.origins.append(Origin(label=label, group=label, spec=h.served_at, page=h.page))
            self.labels[label] = h
        self.scenarios = {r.name: r for r in self.requests}

    def scenario_file(self) -> ScenarioFile:
        scenarios = [Scenario(
            name=r.name, path=r.path, method=r.method, headers=dict(r.headers), body=r.body,
            credentials=list(CREDENTIALS), expect={LEGIT: "allowed", "default": "blocked"}, api=r.api,
            origin_groups=sorted({o.group for o in self.origins}), respond=r.respond, session=r.session,
            where=f"audit: {r.name}") for r in self.requests]
        return ScenarioFile(path="audit", target=self.target, origins=self.origins, scenarios=scenarios)


@dataclass
class AuditRun(MatrixRun):
    """MatrixRun without the cells an engine cannot load (a special character
    in the host that engine refuses): those are reported as not tried."""

    plan: AuditPlan | None = None

    def cells(self) -> list[Cell]:
        assert self.plan is not None
        return [c for c in super().cells() if self.tried(c.origin.label, c.browser)]

    def tried(self, label: str, engine: str) -> bool:
        assert self.plan is not None
        h = self.plan.labels.get(label)
        return not isinstance(h, Hostile) or h.engines is None or engine in h.engines

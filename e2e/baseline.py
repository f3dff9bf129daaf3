"""What changed since the last run: compare a run's JSON document with a
previous one (``--baseline PATH``), cell by cell (cells are matched by id,
``scenario|browser|origin|credentials``).

Kinds of change, per cell present in both runs:

- ``newly-blocked``: the verdict is now ``blocked`` and was something else;
- ``newly-allowed``: the verdict is now ``allowed`` and was something else;
- ``verdict-changed``: any other verdict change (to a network error or a timeout);
- ``reason-changed``: the same verdict for a different reason (blocked by the
  preflight's Allow-Headers yesterday, by a missing Allow-Origin today);
- ``flipped``: the cell was as expected and is not any more, or the other way round;
- ``expectation-changed``: the scenario file now expects something else.

Cells only in one run are ``added`` or ``removed``. A **regression** is a cell
that was as expected and is not any more, or is newly blocked where it was
allowed; the CLI exits with ``e2e.errors.EXIT_REGRESSION`` when there is one.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2e.errors import BadInput
from e2e.decide import OUTCOME_LABELS, outcome_of
from e2e.results import SCHEMA_VERSION

NEWLY_BLOCKED = "newly-blocked"
NEWLY_ALLOWED = "newly-allowed"
VERDICT_CHANGED = "verdict-changed"
REASON_CHANGED = "reason-changed"
FLIPPED = "flipped"
EXPECTATION_CHANGED = "expectation-changed"
CHANGE_KINDS = (NEWLY_BLOCKED, NEWLY_ALLOWED, VERDICT_CHANGED, REASON_CHANGED, FLIPPED, EXPECTATION_CHANGED)

_REQUIRED = {"id": str, "verdict": str, "match": bool}


def load_baseline(path: str | Path, flag: str = "--baseline") -> dict[str, Any]:
    """Read and check a previous run's JSON. Any problem is a BadInput whose
    one-line message names the file and what is wrong with it."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{flag} {p}: no such file (a run with --json {p} makes one)") from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        raise BadInput(f"{flag} {p}: cannot read it: {why}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{flag} {p}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    check_result_doc(doc, f"{flag} {p}")
    return doc  # type: ignore[no-any-return]


def check_result_doc(doc: Any, where: str) -> None:
    """Raise BadInput unless ``doc`` looks like a cors-e2e JSON result this
    version can compare."""
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        raise BadInput(f"{where}: not a cors-e2e JSON result (no \"cells\" list); "
                       "give the file a run wrote with --json")
    schema = doc.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise BadInput(f"{where}: \"schema\" must be a whole number, not {schema!r}")
    if schema > SCHEMA_VERSION:
        raise BadInput(f"{where}: schema {schema} is newer than this cors-e2e reads ({SCHEMA_VERSION}); "
                       "upgrade cors-e2e or start a new baseline")
    seen: set[str] = set()
    for i, cell in enumerate(doc["cells"]):
        if not isinstance(cell, dict):
            raise BadInput(f"{where}: cells[{i}] is not an object")
        for key, typ in _REQUIRED.items():
            if key not in cell:
                raise BadInput(f"{where}: cells[{i}] has no {key!r}")
            if not isinstance(cell[key], typ):
                raise BadInput(f"{where}: cells[{i}].{key} must be a {typ.__name__}, not {cell[key]!r}")
        if cell["id"] in seen:
            raise BadInput(f"{where}: cells[{i}]: id {cell['id']!r} appears twice")
        seen.add(cell["id"])


@dataclass(frozen=True)
class CellState:
    """What one run said about one cell."""

    verdict: str
    reason: str | None
    expected: str | None
    match: bool
    status: int | None

    @classmethod
    def of(cls, cell: Mapping[str, Any]) -> CellState:
        status = cell.get("status")
        return cls(verdict=str(cell["verdict"]), reason=cell.get("reason"), expected=cell.get("expected"),
                   match=bool(cell["match"]), status=status if isinstance(status, int) else None)

    @property
    def outcome(self) -> str:
        return outcome_of(self.match, self.verdict, self.expected)

    def describe(self) -> str:
        text = self.verdict
        if self.status is not None:
            text += f" {self.status}"
        if self.reason:
            text += f" ({self.reason})"
        return f"{text}, {OUTCOME_LABELS[self.outcome]}"


@dataclass(frozen=True)
class CellChange:
    id: str
    kinds: tuple[str, ...]      # CHANGE_KINDS, in that order
    before: CellState
    after: CellState
    regression: bool

    def describe(self) -> str:
        return f"{self.id}: {self.before.describe()} -> {self.after.describe()} [{', '.join(self.kinds)}]"


@dataclass
class Comparison:
    baseline: str                       # how to name the baseline: its path
    baseline_started: str | None
    cells: int                          # cells in the current run
    changes: list[CellChange] = field(default_factory=list)   # one per changed cell, in the run's order
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)            # target or engine versions that differ

    def of_kind(self, kind: str) -> list[CellChange]:
        return [c for c in self.changes if kind in c.kinds]

    @property
    def regressions(self) -> list[CellChange]:
        return [c for c in self.changes if c.regression]

    @property
    def newly_blocked(self) -> list[CellChange]:
        return self.of_kind(NEWLY_BLOCKED)

    @property
    def newly_allowed(self) -> list[CellChange]:
        return self.of_kind(NEWLY_ALLOWED)

    @property
    def reason_changed(self) -> list[CellChange]:
        return self.of_kind(REASON_CHANGED)

    @property
    def flipped(self) -> list[CellChange]:
        return self.of_kind(FLIPPED)

    @property
    def changed_ids(self) -> list[str]:
        return [c.id for c in self.changes]

    @property
    def unchanged(self) -> bool:
        return not (self.changes or self.added or self.removed)

    def text_lines(self) -> list[str]:
        """The comparison for a console or a CI log: one headline, then one
        line per changed, added or removed cell, regressions first."""
        since = f" ({self.baseline_started})" if self.baseline_started else ""
        if self.unchanged:
            head = f"Compared with baseline {self.baseline}{since}: no change in {self.cells} cells"
        else:
            head = (f"Compared with baseline {self.baseline}{since}: {_n(len(self.regressions), 'regression')}, "
                    f"{len(self.changes)} changed, {len(self.added)} added, {len(self.removed)} removed")
        lines = [head] + [f"  note: {n}" for n in self.notes]
        lines += [f"  REGRESSION {c.describe()}" for c in self.regressions]
        lines += [f"  changed    {c.describe()}" for c in self.changes if not c.regression]
        lines += [f"  added      {i}" for i in self.added]
        lines += [f"  removed    {i}" for i in self.removed]
        return lines

    def to_text(self) -> str:
        return "\n".join(self.text_lines()) + "\n"

    def to_json(self) -> dict[str, Any]:
        def state(s: CellState) -> dict[str, Any]:
            return {"verdict": s.verdict, "reason": s.reason, "expected": s.expected, "match": s.match,
                    "status": s.status, "outcome": s.outcome}

        return {
            "baseline": self.baseline, "baseline_started": self.baseline_started,
            "regressions": [c.id for c in self.regressions],
            "changes": [{"id": c.id, "kinds": list(c.kinds), "regression": c.regression,
                         "before": state(c.before), "after": state(c.after)} for c in self.changes],
            "added": self.added, "removed": self.removed, "notes": self.notes,
        }


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def compare(baseline: Mapping[str, Any], current: Mapping[str, Any], *, baseline_name: str = "baseline") -> Comparison:
    """Compare two JSON results (the baseline first). Both are checked first."""
    check_result_doc(baseline, baseline_name)
    check_result_doc(current, "the current run")
    before = {c["id"]: c for c in baseline["cells"]}
    after = {c["id"]: c for c in current["cells"]}
    result = Comparison(baseline=baseline_name, baseline_started=baseline.get("started"),
                        cells=len(after))
    for cid, cell in after.items():
        if cid not in before:
            result.added.append(cid)
            continue
        change = _change(cid, CellState.of(before[cid]), CellState.of(cell))
        if change is not None:
            result.changes.append(change)
    result.removed = [cid for cid in before if cid not in after]
    result.notes = _notes(baseline, current, result.removed)
    return result


def _change(cid: str, b: CellState, a: CellState) -> CellChange | None:
    kinds = []
    if a.verdict != b.verdict:
        kinds.append(NEWLY_BLOCKED if a.verdict == "blocked" else
                     NEWLY_ALLOWED if a.verdict == "allowed" else VERDICT_CHANGED)
    elif a.reason != b.reason:
        kinds.append(REASON_CHANGED)
    if a.match != b.match:
        kinds.append(FLIPPED)
    if a.expected != b.expected:
        kinds.append(EXPECTATION_CHANGED)
    if not kinds:
        return None
    regression = (b.match and not a.match) or (b.verdict == "allowed" and a.verdict == "blocked")
    return CellChange(id=cid, kinds=tuple(kinds), before=b, after=a, regression=regression)


def _notes(baseline: Mapping[str, Any], current: Mapping[str, Any], removed: list[str]) -> list[str]:
    """Context for the changes: a different target, new browser builds, and
    engines that did not run this time (their cells show up as removed)."""
    notes = []
    if baseline.get("target") != current.get("target"):
        notes.append(f"the baseline ran against {baseline.get('target')}, this run against {current.get('target')}")
    old = baseline.get("engines") if isinstance(baseline.get("engines"), Mapping) else {}
    new = current.get("engines") if isinstance(current.get("engines"), Mapping) else {}
    for name in sorted(set(old) & set(new)):
        if old[name] != new[name]:
            notes.append(f"{name} changed: {old[name]} -> {new[name]}")
    errors = current.get("engine_errors") if isinstance(current.get("engine_errors"), Mapping) else {}
    for name in sorted(errors):
        gone = sum(1 for cid in removed if cid.split("|")[1:2] == [name])
        if gone:
            notes.append(f"{name} did not run ({errors[name]}): its {gone} cells are removed")
    if current.get("interrupted"):
        notes.append("this run was interrupted: cells it did not reach are removed")
    return notes

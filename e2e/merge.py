"""``cors-e2e merge``: the JSON results of several shards (``run --shard K/N
--json ...``) as one result, as if one run had made it, so the reports and a
``--baseline`` comparison see the whole matrix.

The shards must be of the same scenario file and target; a cell in two inputs
is an error (the shards overlap). Cells come back in the scenario file's order
when the file can be read (else by id); engines, engine errors and the
interrupted flag are the union; ``started`` is the earliest and the duration
the longest shard's (the shards ran side by side).
"""
from __future__ import annotations

import calendar
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from e2e.baseline import load_baseline
from e2e.errors import BadInput
from e2e.results import SCHEMA_VERSION


def load_results(paths: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, load_baseline(path, flag="merge")) for path in paths]


def merge_docs(docs: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One result document from several (name, document) pairs."""
    if not docs:
        raise BadInput("merge: give at least one --json result to merge")
    first_name, first = docs[0]
    for name, doc in docs[1:]:
        for key in ("scenarios_file", "target"):
            if doc.get(key) != first.get(key):
                raise BadInput(f"merge {name}: {key} is {doc.get(key)!r}, but {first_name} has "
                               f"{first.get(key)!r}; merge shards of one run only")
    seen: dict[str, str] = {}
    cells: list[dict[str, Any]] = []
    shards: dict[str, str] = {}
    engines: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, doc in docs:
        shard = doc.get("shard")
        if shard is not None:
            if shard in shards:
                raise BadInput(f"merge {name}: shard {shard} is also {shards[shard]}")
            shards[shard] = name
        for cell in doc["cells"]:
            if cell["id"] in seen:
                raise BadInput(f"merge {name}: cell {cell['id']!r} is also in {seen[cell['id']]} "
                               f"(the inputs overlap)")
            seen[cell["id"]] = name
            cells.append(cell)
        engines.update(doc.get("engines") or {})
        for engine, why in (doc.get("engine_errors") or {}).items():
            errors.setdefault(engine, why)
    cells = _in_file_order(str(first.get("scenarios_file") or ""), cells)
    started = min((_epoch(doc.get("started")) for _, doc in docs), default=time.time())
    duration = max((float((doc.get("summary") or {}).get("duration_s") or 0.0) for _, doc in docs), default=0.0)
    return {
        "schema": SCHEMA_VERSION,
        "tool": "cors-e2e",
        "target": first.get("target"),
        "scenarios_file": first.get("scenarios_file"),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "interrupted": any(bool(doc.get("interrupted")) for _, doc in docs),
        "shard": None,
        "merged_from": [shard for shard in sorted(shards, key=_shard_key)] or [name for name, _ in docs],
        "engines": engines,
        "engine_errors": {k: errors[k] for k in sorted(errors) if k not in engines},
        "summary": summary(cells, duration),
        "cells": cells,
    }


def missing_shards(doc: dict[str, Any]) -> list[str]:
    """The K/N shards a merged result lacks (none when its inputs were not shards)."""
    shards = [s for s in doc.get("merged_from", []) if "/" in s]
    if not shards:
        return []
    count = int(shards[0].split("/")[1])
    return [f"{k}/{count}" for k in range(1, count + 1) if f"{k}/{count}" not in shards]


def summary(cells: list[dict[str, Any]], duration_s: float) -> dict[str, Any]:
    verdicts: dict[str, int] = {}
    for c in cells:
        verdicts[c["verdict"]] = verdicts.get(c["verdict"], 0) + 1
    matched = sum(1 for c in cells if c["match"])
    return {"cells": len(cells), "as_expected": matched, "differ": len(cells) - matched,
            "verdicts": dict(sorted(verdicts.items())), "duration_s": round(duration_s, 3)}


def _in_file_order(scenarios_file: str, cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from e2e.engines import ENGINE_NAMES
    from e2e.errors import CorsE2EError
    from e2e.scenarios import expand, load_scenarios

    order: dict[str, int] = {}
    if scenarios_file and Path(scenarios_file).is_file():
        try:
            order = {c.id: i for i, c in enumerate(expand(load_scenarios(scenarios_file), list(ENGINE_NAMES)))}
        except CorsE2EError:
            order = {}  # the file changed since: fall back to ids
    return sorted(cells, key=lambda c: (order.get(c["id"], len(order)), c["id"]))


def _shard_key(shard: str) -> tuple[int, int]:
    index, _, count = shard.partition("/")
    return int(count or 0), int(index or 0)


def _epoch(stamp: Any) -> float:
    try:
        return float(calendar.timegm(time.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ")))
    except (ValueError, OverflowError):
        return time.time()

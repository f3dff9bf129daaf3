"""Ordered scenarios (``ordered: true``): their cells in one engine are one
unit that runs whole and in file order, however the run is shuffled, and
share one group token in their URLs (a caching front keys on it)."""
from __future__ import annotations

from pathlib import Path

import pytest

from e2e.errors import BadInput
from e2e.exchange import GROUP_PARAM
from e2e.runner import MatrixRun
from e2e.scenarios import expand, load_scenarios, units

ENGINES = ["chromium", "firefox", "webkit"]
FILE = """api: reference
origins: {allowed: [stub:allowed, https://app.example.com], denied: stub:denied}
scenarios:
  - {name: cached, path: /items, credentials: [omit, include], ordered: true, expect: blocked}
""" + "".join(f"  - {{name: plain-{i}, path: /items, expect: blocked}}\n" for i in range(12))


def sfile(tmp_path: Path, text: str = FILE):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return load_scenarios(path)


def test_an_ordered_scenarios_cells_form_one_unit_per_engine_in_file_order(tmp_path: Path) -> None:
    cells = expand(sfile(tmp_path), ENGINES)
    grouped = [u for u in units(cells) if len(u) > 1]
    assert [u[0].unit for u in grouped] == [f"cached|{e}" for e in ENGINES]
    assert [(c.origin.label, c.credentials) for c in grouped[0]] == [
        ("allowed", "omit"), ("allowed", "include"), ("allowed-2", "omit"), ("allowed-2", "include"),
        ("denied", "omit"), ("denied", "include")]
    assert all(c.unit is None for u in units(cells) if len(u) == 1 for c in u)


@pytest.mark.parametrize("seed", [1, 2, 3, 20261128])
def test_shuffling_moves_the_unit_whole_and_keeps_its_order(tmp_path: Path, seed: int) -> None:
    file = sfile(tmp_path)
    shuffled = MatrixRun(sfile=file, browsers=ENGINES, shuffle_seed=seed).cells()
    in_order = expand(file, ENGINES)
    assert [c.id for c in shuffled] != [c.id for c in in_order]  # it did shuffle
    for engine in ENGINES:
        ids = [c.id for c in shuffled if c.unit == f"cached|{engine}"]
        start = [c.id for c in shuffled].index(ids[0])
        assert [c.id for c in shuffled][start:start + len(ids)] == ids  # contiguous
        assert ids == [c.id for c in in_order if c.unit == f"cached|{engine}"]  # file order


def test_ordered_must_be_a_boolean(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"scenarios\[0\] \(x\)\.ordered: must be true or false"):
        sfile(tmp_path, "api: reference\nscenarios:\n  - {name: x, path: /, ordered: yes please, expect: blocked}\n")


def test_a_groups_cells_share_one_token_and_another_engine_gets_another(tmp_path: Path) -> None:
    from e2e.environment import Environment

    file = sfile(tmp_path)
    env = Environment(file)
    cells = [c for c in expand(file, ENGINES) if c.unit]
    tokens = {c.unit: env.group_token(c.unit) for c in cells if c.unit}
    assert len(set(tokens.values())) == len(ENGINES)
    assert Environment(file).group_token("cached|chromium") != tokens["cached|chromium"]  # another run
    from e2e.targets import DeployedTarget

    env.api = DeployedTarget("http://127.0.0.1:1/prod")  # as if started
    url = env.request_url(file.scenarios[0], "cell1", group=tokens["cached|chromium"])
    assert url.endswith(f"?cors-e2e-cell=cell1&{GROUP_PARAM}={tokens['cached|chromium']}")


def test_a_lane_takes_an_ordered_unit_whole_so_no_other_lane_runs_part_of_it(tmp_path: Path) -> None:
    from e2e.lanes import EngineWork

    cells = [c for c in expand(sfile(tmp_path), ENGINES) if c.browser == "firefox"]
    work = EngineWork(cells)
    taken = []
    while (unit := work.next()) is not None:
        taken.append([c.id for c in unit])
    assert sum(taken, []) == [c.id for c in cells]  # every cell once, in order
    assert [ids for ids in taken if len(ids) > 1] == [[c.id for c in cells if c.unit == "cached|firefox"]]


@pytest.mark.parametrize("count", [2, 3, 7])
def test_a_shard_holds_an_ordered_unit_whole(tmp_path: Path, count: int) -> None:
    from e2e.shard import Shard

    file = sfile(tmp_path)
    shards = [MatrixRun(sfile=file, browsers=ENGINES, shard=Shard(k, count)).cells() for k in range(1, count + 1)]
    assert sorted(c.id for s in shards for c in s) == sorted(c.id for c in expand(file, ENGINES))
    for engine in ENGINES:
        holding = [k for k, s in enumerate(shards) if any(c.unit == f"cached|{engine}" for c in s)]
        assert len(holding) == 1, (engine, holding)
        assert len([c for c in shards[holding[0]] if c.unit == f"cached|{engine}"]) == 6

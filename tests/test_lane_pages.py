"""How an engine's cells are handed to its lanes (e2e.lanes.EngineWork): each
cell exactly once; in page order a lane keeps to the page it has open, so a
page is opened by one lane unless every other page is taken (then lanes
share the biggest rather than idle); a shuffled run keeps its order."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from e2e.lanes import EngineWork
from e2e.scenarios import expand, load_scenarios

ORIGINS = ["https://a.example", "https://b.example", "https://c.example", "https://d.example"]


def cells(tmp_path: Path, origins: list[str], per_origin: int) -> list:
    groups = ", ".join(f"g{i}: {o}" for i, o in enumerate(origins))
    text = f"api: reference\norigins: {{{groups}}}\nscenarios:\n" + "".join(
        f"  - {{name: s{i}, path: /items, expect: blocked}}\n" for i in range(per_origin))
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return expand(load_scenarios(path), ["chromium"])


def take_turns(work: EngineWork, lanes: int) -> dict[int, list]:
    """Lanes asking in turn, as lanes finishing cells at the same pace do."""
    taken: dict[int, list] = defaultdict(list)
    live = set(range(lanes))
    while live:
        for lane in sorted(live):
            unit = work.next(lane)
            if unit is None:
                live.discard(lane)
            else:
                taken[lane] += unit
    return taken


def pages(taken: list) -> list[str]:
    return list(dict.fromkeys(c.origin.spec for c in taken))


def test_each_page_is_opened_by_one_lane_when_there_are_pages_enough(tmp_path: Path) -> None:
    all_cells = cells(tmp_path, ORIGINS, 3)
    taken = take_turns(EngineWork(all_cells, by_page=True), 2)
    assert sorted(c.id for lane in taken.values() for c in lane) == sorted(c.id for c in all_cells)
    opened = [p for lane in taken.values() for p in pages(lane)]
    assert sorted(opened) == sorted(ORIGINS)   # four page opens, not eight
    assert all(len(pages(lane)) == 2 for lane in taken.values())


def test_lanes_share_the_one_page_left_rather_than_idle(tmp_path: Path) -> None:
    all_cells = cells(tmp_path, ORIGINS[:1], 6)
    taken = take_turns(EngineWork(all_cells, by_page=True), 2)
    assert [len(taken[0]), len(taken[1])] == [3, 3]
    assert pages(taken[0]) == pages(taken[1]) == ORIGINS[:1]


def test_a_lane_whose_page_is_done_joins_the_page_with_most_cells_left(tmp_path: Path) -> None:
    # Two cells at a, six at b: lane 0 takes b (the bigger), lane 1 finishes a, then helps with b.
    text = ("api: reference\norigins: {g0: https://a.example, g1: https://b.example}\nscenarios:\n"
            "  - {name: both, path: /items, credentials: [omit, include], expect: blocked}\n"
            "  - {name: b-only, path: /items, credentials: [omit, include], origins: [g1], expect: blocked}\n"
            "  - {name: b-too, path: /items, credentials: [omit, include], origins: [g1], expect: blocked}\n")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    all_cells = expand(load_scenarios(path), ["chromium"])
    taken = take_turns(EngineWork(all_cells, by_page=True), 2)
    assert pages(taken[1]) == ["https://a.example", "https://b.example"]
    assert pages(taken[0]) == ["https://b.example"]   # the bigger page first
    assert sorted(c.id for lane in taken.values() for c in lane) == sorted(c.id for c in all_cells)


def test_without_by_page_the_order_is_kept(tmp_path: Path) -> None:
    all_cells = cells(tmp_path, ORIGINS, 2)
    shuffled = all_cells[::-1]
    work = EngineWork(shuffled)
    got = []
    lane = 0
    while (unit := work.next(lane)) is not None:
        got += unit
        lane = 1 - lane
    assert [c.id for c in got] == [c.id for c in shuffled]

"""``--shard K/N``: a deterministic 1/N of a matrix's cells, so N CI jobs
cover it exactly once. A cell's shard comes from a hash of its id
(``scenario|browser|origin|credentials``; an ordered scenario's cells in one
engine hash their group's key, ``scenario|browser``, so they stay together), not from its position or a random
draw: the same on every machine and Python, whatever order or subset of cells
(``-k``, ``--shuffle``) a job has.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from e2e.errors import BadInput

_SHARD = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True)
class Shard:
    index: int   # 1-based, as written: 1/3, 2/3, 3/3
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, key: str) -> bool:
        """key: a cell's shard_key (its id, or its ordered group's key)."""
        return shard_of(key, self.count) == self.index


def shard_of(cell_id: str, count: int) -> int:
    """The 1-based shard (of count) a cell id belongs to."""
    digest = hashlib.sha256(cell_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def parse_shard(text: str) -> Shard:
    match = _SHARD.fullmatch(text.strip())
    if not match:
        raise BadInput(f"--shard {text!r}: expected K/N, e.g. 1/4")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise BadInput(f"--shard {text}: K must be 1..N and N at least 1")
    return Shard(index, count)

"""The servers' record of exchanges, indexed by cell token as each one is
appended, so a cell finds its own exchanges without scanning the log, and a
waiter is woken the moment one arrives instead of polling.

Shared by the local gateway and the scripted server. Memory is bounded for long
runs: the log in arrival order is a ring of ``limit`` exchanges, and the index
keeps at most ``max_tokens`` tokens (the oldest go first); the runner also
``forget()``s a cell's token once its result is made.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from urllib.parse import parse_qsl

from e2e.exchange import CELL_PARAM, Exchange

MAX_EXCHANGES = 20000
MAX_TOKENS = 4096   # far more cells than can be in flight at once


def cell_token(query: str, param: str = CELL_PARAM) -> str | None:
    """The value of ``param`` in a raw query string, or None."""
    if param + "=" not in query:  # the common case, without parsing
        return None
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == param:
            return value
    return None


class ExchangeLog:
    """A bounded, thread-safe log of exchanges in arrival order, with an index
    by the cell token each request carries (``CELL_PARAM``)."""

    def __init__(self, limit: int = MAX_EXCHANGES, max_tokens: int = MAX_TOKENS) -> None:
        self._items: deque[Exchange] = deque(maxlen=limit)
        self._by_token: OrderedDict[str, list[Exchange]] = OrderedDict()
        self._max_tokens = max_tokens
        self._changed = threading.Condition()

    def append(self, exchange: Exchange) -> None:
        token = cell_token(exchange.query)
        with self._changed:
            self._items.append(exchange)
            if token is not None:
                entries = self._by_token.get(token)
                if entries is None:
                    entries = self._by_token[token] = []
                    while len(self._by_token) > self._max_tokens:
                        self._by_token.popitem(last=False)
                entries.append(exchange)
                self._changed.notify_all()

    def for_token(self, token: str) -> list[Exchange]:
        """The exchanges tagged with this cell token, in arrival order."""
        with self._changed:
            return list(self._by_token.get(token, ()))

    def wait_for(self, token: str, timeout_s: float) -> list[Exchange]:
        """The token's exchanges; when there is none yet, wait up to timeout_s
        for the first (a server records an exchange as it writes the response)."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while token not in self._by_token:
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._changed.wait(left)
            return list(self._by_token[token])

    def forget(self, *tokens: str) -> None:
        """Drop settled cells' entries from the index (the ring keeps them
        until they age out)."""
        with self._changed:
            for token in tokens:
                self._by_token.pop(token, None)

    def tokens(self) -> int:
        with self._changed:
            return len(self._by_token)

    def matching(self, query_param: str = CELL_PARAM, value: str | None = None) -> list[Exchange]:
        """Exchanges whose query has ``query_param`` (= ``value`` if given), in
        arrival order. The cell parameter with a value is an index look-up."""
        if query_param == CELL_PARAM and value is not None:
            return self.for_token(value)
        out = []
        for exchange in self.all():
            for key, val in parse_qsl(exchange.query, keep_blank_values=True):
                if key == query_param and (value is None or val == value):
                    out.append(exchange)
                    break
        return out

    def all(self) -> list[Exchange]:
        with self._changed:
            return list(self._items)

    def clear(self) -> None:
        with self._changed:
            self._items.clear()
            self._by_token.clear()

"""Answers kept per graph version: a small, thread-safe LRU cache emptied when the version moves.

Keys name what was asked (a saved query, its parameters, the format); the graph version is not
part of the key but of the cache itself: asking with a new version empties it, so an answer is
never served for a graph that has changed since it was computed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class VersionedCache(Generic[Value]):
    """At most `max_entries` values and about `max_bytes` (by their given sizes), LRU."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 64 * 2**20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._version: str | None = None
        self._entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def _switch(self, version: str) -> None:
        if version != self._version:
            self._version = version
            self._entries.clear()
            self._bytes = 0

    def get(self, version: str, key: Hashable) -> Value | None:
        """The value kept for `key` at `version`, or None."""
        with self._lock:
            self._switch(version)
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, version: str, key: Hashable, value: Value, size: int) -> None:
        """Keep `value` (of `size` bytes) for `key`, computed at `version` (ignored unless
        `version` is the one last asked for by `get`)."""
        if self.max_entries <= 0 or size > self.max_bytes // 4:
            return
        with self._lock:
            if version != self._version:  # computed before the graph moved on: too old
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        """How many answers are kept."""
        return len(self._entries)

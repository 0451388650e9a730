"""A bounded cache that request threads can share.

Every cache the planner keeps across requests is one of these: a cachetools
``LRUCache`` (so it cannot grow past its size, which the settings state) behind
a lock. Reading is one locked step that returns the value or nothing, never a
check and then a read, so another thread evicting the entry in between cannot
raise ``KeyError``; values are built outside the lock, so a slow build does not
hold up readers of other keys. With ``build_once``, threads asking at the same
time for one missing key wait for a single build (timetables: 30 MB and a
second each) rather than each building their own.

With ``weigh``, the cache is bounded by the weight of what it keeps rather than by its
count of entries: a timetable reaching 16 service days holds as much memory as eight of
two days, and counted as one it let four such (~220 MB each) be kept where four of two
days (~30 MB) were meant. A value weighing more than the whole cache is returned and not kept.
"""
from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


class _Missing(enum.Enum):
    """Nothing kept for a key (a value of its own: ``None`` may be kept)."""

    MISSING = enum.auto()


class SharedCache(Generic[V]):
    """A least-recently-used cache of at most ``maxsize`` entries, safe to share between threads.

    Examples
    --------
    >>> cache = SharedCache(2)
    >>> cache.get_or_build("a", lambda: 1), cache.get_or_build("a", lambda: 2)
    (1, 1)
    >>> _ = cache.put("b", 2); _ = cache.put("c", 3)  # "a" is the least recently used: it goes
    >>> len(cache), cache.get("a"), cache.get("c")
    (2, None, 3)
    >>> heavy = SharedCache(4, weigh=len)  # keys weigh their length here
    >>> _ = heavy.put("ab", 1); _ = heavy.put("cd", 2); _ = heavy.put("efg", 3)  # 2 + 2 + 3 > 4: both go
    >>> len(heavy), heavy.get("ab"), heavy.get("efg")
    (1, None, 3)
    >>> heavy.put("hijkl", 5), len(heavy)  # heavier than the whole cache: returned, not kept
    (5, 1)
    """

    def __init__(self, maxsize: int, *, build_once: bool = False,
                 weigh: Callable[[Hashable], int] | None = None) -> None:
        # each entry is kept as (its weight, its value); cachetools sums the weights against maxsize
        self._entries: LRUCache[Hashable, tuple[int, V]] = LRUCache(maxsize, getsizeof=_weight_of)
        self._weigh = weigh
        self._lock = threading.Lock()
        self._build_once = build_once
        self._building: dict[Hashable, threading.Lock] = {}  # one per key being built: as many as threads

    @property
    def maxsize(self) -> int:
        return int(self._entries.maxsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: Hashable, default: V | None = None) -> V | None:
        """The value kept for ``key`` (now the most recently used), else ``default``."""
        found = self._find(key)
        return default if found is _Missing.MISSING else found

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` for ``key`` unless another thread kept one first; return the one kept (or
        ``value``, not kept, when it weighs more than the whole cache)."""
        weight = 1 if self._weigh is None else self._weigh(key)
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                return kept[1]
            if weight <= self._entries.maxsize:  # the least recently used go to make room
                self._entries[key] = (weight, value)
            return value

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``build()`` (called outside the lock), kept and returned."""
        found = self._find(key)
        if found is not _Missing.MISSING:
            return found
        if not self._build_once:
            return self.put(key, build())
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        try:
            with building:  # the first thread builds; the others wait, then find its value
                found = self._find(key)
                return found if found is not _Missing.MISSING else self.put(key, build())
        finally:
            with self._lock:
                if self._building.get(key) is building:
                    del self._building[key]

    def _find(self, key: Hashable) -> V | _Missing:
        with self._lock:
            kept = self._entries.get(key)
        return _Missing.MISSING if kept is None else kept[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _weight_of(kept: tuple[int, object]) -> int:
    """The weight of an entry as kept, (weight, value)."""
    return kept[0]

"""A least-recently-used cache bounded by bytes, not entries, for results read from one database version.

Keys start with the database version (`dashboard.data.Version`). Entries of versions older than the last
`keep_versions` seen are dropped as soon as a newer version is stored: after a publish, the old data go at
once instead of waiting to be pushed out. A value larger than the whole budget is returned but not kept.
"""

from __future__ import annotations

import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")
UNKNOWN_SIZE = 64 * 1024  # what an object we cannot measure is counted as


def size_of(value: object, _depth: int = 0) -> int:
    """Bytes `value` holds, near enough to budget by: a pandas object's deep memory usage, containers summed."""
    if isinstance(value, pd.DataFrame):
        # Column by column, deep only where Python objects are held: DataFrame.memory_usage(deep=True) took
        # ~1.5 ms a frame, paid on every query-cache miss; Arrow-backed and numeric columns know their bytes.
        return int(value.index.memory_usage(deep=True)) + sum(_column_bytes(column) for _, column in value.items())
    if isinstance(value, pd.Series | pd.Index):
        return int(value.memory_usage(deep=True))
    if isinstance(value, str | bytes | int | float | bool | type(None)):
        return sys.getsizeof(value)
    if _depth < 6 and isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(k, _depth + 1) + size_of(v, _depth + 1) for k, v in value.items())
    if _depth < 6 and isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + sum(size_of(item, _depth + 1) for item in value)
    try:  # Dash components, figures, dataclasses: their pickled size
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return UNKNOWN_SIZE


def _column_bytes(column: pd.Series) -> int:
    if column.dtype == object:
        return int(column.memory_usage(deep=True, index=False))
    return int(column.array.nbytes)


class ByteLRU:
    """Thread-safe LRU holding at most `budget` bytes (as `sizer` counts them)."""

    def __init__(self, budget: int, *, sizer: Callable[[object], int] = size_of, keep_versions: int = 2) -> None:
        self.budget = budget
        self._sizer = sizer
        self._keep_versions = keep_versions
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._versions: list[Hashable] = []  # the versions seen, newest last
        self._retired: set[Hashable] = set()  # versions pushed out by newer ones (a few per rebuild)
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for `key` (whose first item is the version), computing and storing it on a miss."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[0]  # type: ignore[return-value]
            self.misses += 1
        value = compute()  # outside the lock: threads computing other keys are not held up
        self.put(key, value)
        return value

    def put(self, key: Hashable, value: object) -> None:
        size = self._sizer(value)
        with self._lock:
            if not self._note_version(key[0] if isinstance(key, tuple) and key else None) or size > self.budget:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > self.budget:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted

    def _note_version(self, version: Hashable) -> bool:
        """Record `version`; False for one already retired (a late request on an old file: not stored)."""
        if version is None or version in self._versions:
            return True
        if version in self._retired:
            return False
        self._versions = [*self._versions, version]
        self._retired.update(self._versions[:-self._keep_versions])
        self._versions = self._versions[-self._keep_versions:]
        for key in [k for k in self._entries if isinstance(k, tuple) and k and k[0] in self._retired]:
            self.bytes -= self._entries.pop(key)[1]
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._versions = []
            self._retired = set()
            self.bytes = 0

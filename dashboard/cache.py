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
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")
UNKNOWN_SIZE = 64 * 1024  # what an object we cannot measure is counted as
SCALARS = frozenset({str, bytes, int, float, bool, type(None)})  # sized by sys.getsizeof alone


def size_of(value: object, _depth: int = 0) -> int:
    """Bytes `value` holds, near enough to budget by: a pandas object's deep memory usage (what
    `memory_usage(deep=True)` counts), containers summed."""
    kind = type(value)
    if kind in SCALARS:
        return sys.getsizeof(value)
    if isinstance(value, pd.DataFrame):
        return _index_bytes(value.index) + sum(map(_array_bytes, _column_arrays(value)))
    if isinstance(value, pd.Series):
        return _index_bytes(value.index) + _array_bytes(value.array)
    if isinstance(value, pd.Index):
        return _index_bytes(value)
    if isinstance(value, str | bytes | int | float | bool):  # subclasses (numpy's float64, enums)
        return sys.getsizeof(value)
    if _depth < 6 and isinstance(value, dict):
        return sys.getsizeof(value) + _items_bytes(value.keys(), _depth) + _items_bytes(value.values(), _depth)
    if _depth < 6 and isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + _items_bytes(value, _depth)
    try:  # Dash components, figures, dataclasses: their pickled size
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return UNKNOWN_SIZE


def _items_bytes(items: Iterable[object], depth: int) -> int:
    """A container's items: the scalars (most of them: option labels, codes, numbers) in one C-level pass, the
    rest one by one (the recursion's calls were most of the cost: ~40,000 calls in 500 requests)."""
    scalars, others = [], []
    for item in items:
        (scalars if type(item) in SCALARS else others).append(item)
    return sum(map(sys.getsizeof, scalars)) + sum(size_of(item, depth + 1) for item in others)


def _column_arrays(frame: pd.DataFrame) -> list:
    """The frame's column arrays without building a Series per column (DataFrame.items() and memory_usage() do:
    ~0.1-0.4 ms a column, paid on every query-cache miss). Blocks hold several columns each: the same bytes."""
    manager = getattr(frame, "_mgr", None)
    arrays = getattr(manager, "arrays", None)
    if arrays is None:  # another pandas: the public, slower way
        return [column.array for _, column in frame.items()]
    return list(arrays)


def _array_bytes(array: object) -> int:
    """An array's bytes, deep where it holds Python objects (as pandas' memory_usage(deep=True) counts them)."""
    if isinstance(array, np.ndarray):
        if array.dtype == object:
            return int(array.nbytes) + sum(map(sys.getsizeof, array.ravel()))
        return int(array.nbytes)
    if isinstance(array, pd.arrays.NumpyExtensionArray):
        return _array_bytes(array.to_numpy())
    if isinstance(array, pd.Categorical):  # its categories may be Python strings (dashboard/data.py): deep
        return int(array.codes.nbytes) + _index_bytes(array.categories)
    return int(getattr(array, "nbytes", UNKNOWN_SIZE))  # Arrow-backed, categorical, masked: they know their bytes


def _index_bytes(index: pd.Index) -> int:
    if isinstance(index, pd.RangeIndex | pd.MultiIndex):
        return int(index.memory_usage(deep=True))  # a range's few bytes; a MultiIndex's levels and codes
    return _array_bytes(index.array)


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

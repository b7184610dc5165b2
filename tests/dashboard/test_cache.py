"""The byte-bounded LRU behind the dashboard's caches (dashboard/cache.py): eviction by size, hits, version keys."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from dashboard.cache import ByteLRU, _column_arrays, size_of


def frame(rows: int, text: str = "x") -> pd.DataFrame:
    return pd.DataFrame({"value": np.arange(rows, dtype="float64"), "label": [text * 10] * rows})


def test_size_is_the_frames_deep_memory() -> None:
    small, large = frame(10), frame(10_000)
    assert size_of(large) == large.memory_usage(deep=True).sum()
    assert size_of(large) > 500 * size_of(small) / 10  # grows with the rows, strings counted deep
    assert size_of({"a": large, "b": (large,)}) >= 2 * size_of(large)


def test_sizing_reads_pandas_column_arrays_the_way_this_pandas_keeps_them() -> None:
    """size_of reads a frame's arrays from pandas' private block manager (`_mgr.arrays`: a Series per column cost
    0.1-0.4 ms each). Pinned here: on another pandas, check that `_mgr.arrays` still holds one array per column and
    that the sizes below still equal memory_usage(deep=True) (the fallback is the public, slower way)."""
    assert pd.__version__ == "3.1.1", "pandas changed: re-check dashboard/cache.py _column_arrays"
    mixed = pd.DataFrame({
        "float": np.arange(50, dtype="float64"), "int": np.arange(50), "text": ["économie"] * 50,
        "object": pd.Series([("a", 1)] * 50, dtype=object), "flag": [True, False] * 25,
        "nullable": pd.array([1, None] * 25, dtype="Int64"), "category": pd.Categorical(["x", "y"] * 25),
        # text both ways pandas keeps it: Arrow arrays, and Python strings (the dashboard's: dashboard/data.py)
        "arrow_text": pd.array(["économie", None] * 25, dtype=pd.StringDtype("pyarrow", na_value=np.nan)),
        "python_text": pd.array(["économie", None] * 25, dtype=pd.StringDtype("python", na_value=np.nan)),
        "python_category": pd.Categorical(pd.array(["x", "y"] * 25, dtype=pd.StringDtype("python", na_value=np.nan)))})
    assert len(_column_arrays(mixed)) == mixed.shape[1]
    assert len(mixed._mgr.arrays) == mixed.shape[1]  # the private path is the one taken on this pandas
    assert size_of(mixed) == mixed.memory_usage(deep=True).sum()


def test_hits_do_not_recompute() -> None:
    cache, calls = ByteLRU(10 * 1024 * 1024), []
    for _ in range(3):
        cache.get(("v1", "q"), lambda: calls.append(1) or frame(100))
    assert calls == [1] and (cache.hits, cache.misses) == (2, 1)


def test_evicts_least_recently_used_by_bytes_not_entries() -> None:
    one = size_of(frame(1000))
    cache = ByteLRU(int(one * 3.5))
    for name in "abc":
        cache.get(("v1", name), lambda: frame(1000))
    cache.get(("v1", "a"), lambda: frame(1000))  # a is now the most recent: b is the oldest
    cache.get(("v1", "d"), lambda: frame(1000))
    assert ("v1", "b") not in cache and all(("v1", n) in cache for n in "acd")
    assert cache.bytes <= cache.budget
    cache.get(("v1", "big"), lambda: frame(3000))  # three entries' worth: pushes out the rest
    assert cache.bytes <= cache.budget and list(cache._entries) == [("v1", "big")]
    many = ByteLRU(int(one * 3.5))
    for i in range(100):  # many small entries all fit: the bound is bytes, not a count
        many.get(("v1", i), lambda: frame(10))
    assert len(many) == 100


def test_a_value_larger_than_the_budget_is_returned_not_kept() -> None:
    cache = ByteLRU(size_of(frame(100)))
    value = cache.get(("v1", "huge"), lambda: frame(100_000))
    assert len(value) == 100_000 and len(cache) == 0 and cache.bytes == 0


def test_versions_key_the_entries_and_old_ones_are_dropped_on_a_publish() -> None:
    cache = ByteLRU(10 * 1024 * 1024, keep_versions=2)
    cache.get(("v1", "q"), lambda: frame(10, "old"))
    assert cache.get(("v2", "q"), lambda: frame(10, "new"))["label"][0] == "new" * 10  # never the old result
    assert ("v1", "q") in cache  # a request still on v1 (in flight at the publish) keeps its answers
    cache.get(("v3", "q"), lambda: frame(10))
    assert ("v1", "q") not in cache and ("v2", "q") in cache and ("v3", "q") in cache
    cache.get(("v1", "late"), lambda: frame(10))  # a very late request on a retired version: answered, not kept
    assert ("v1", "late") not in cache and ("v2", "q") in cache
    assert cache.bytes == size_of(frame(10, "new")) + size_of(frame(10))


def test_threads_keep_the_accounting_exact() -> None:
    cache = ByteLRU(size_of(frame(100)) * 20)

    def work(seed: int) -> None:
        for i in range(200):
            cache.get(("v1", (seed * 7 + i) % 50), lambda: frame(100))

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 0 < cache.bytes <= cache.budget
    assert cache.bytes == sum(size_of(frame(100)) for _ in range(len(cache)))

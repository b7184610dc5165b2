"""Completed SQL-console results, kept once per database version so the same SQL is not run again in the sandbox.

A successful sandboxed query's outcome is a function of the database version and the SQL text (the sandbox only
reads, and refuses anything that could depend on a file, the network or a setting), so the /sql page's "Run
query" and "Download CSV" keep it here, keyed by (version, SQL): the next run or download of the same SQL in this
worker is answered without a child process. Only successes are kept: an exception (busy, time limit, memory cap,
wrong SQL) is raised to the caller and nothing is stored, so a query refused under load runs again when asked
again. The result keeps the time its one run took; the page shows it.

Byte-bounded (dashboard/cache.ByteLRU, DDI_SQL_CACHE_MB, default 64 per worker); a publish drops the old version's
results at once. Downloads built from a result (the CSV) are kept beside it under the same rule.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dashboard import data
from dashboard.cache import ByteLRU
from dashboard.sql_sandbox import QueryResult, run_query

T = TypeVar("T")
MB = 1024 * 1024
SQL_CACHE_BYTES = int(os.environ.get("DDI_SQL_CACHE_MB", "64")) * MB
results = ByteLRU(SQL_CACHE_BYTES)


def result(sql: str) -> QueryResult:
    """The result of `sql` on this request's database version: kept, or run in the sandbox now (and kept if it
    succeeded). Raises what `run_query` raises (SandboxError) and data.DatabaseMissingError."""
    version = data.current_version()
    return results.get((version, "result", sql), lambda: run_query(sql, Path(version.path)))


def run(sql: str) -> QueryResult:
    """`sql` run in the sandbox now on this request's version, not kept (a query whose rows vary between runs)."""
    return run_query(sql, Path(data.current_version().path))


def kept(sql: str, name: str = "result") -> bool:
    """Whether this worker keeps `sql`'s result (or what `name` is built from it) for this request's version. Only
    a repeatable query's is ever kept, so a caller may skip its repeatable() check (DuckDB's tokenizer, a few ms)."""
    return (data.current_version(), name, sql) in results


def derived(name: str, sql: str, build: Callable[[QueryResult], T]) -> T:
    """What `build` makes of `sql`'s result (named `name`, e.g. the CSV download), kept beside the result.
    Callers must not change what it returns."""
    version = data.current_version()
    return results.get((version, name, sql), lambda: build(result(sql)))

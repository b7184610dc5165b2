"""Read-only access to the published DuckDB file, with results cached per database version.

Each build is published as its own file and `digital_divide.duckdb` links to the current one
(`etl/publish.py`). A request resolves the link once, as it arrives (dashboard/response_cache.py's WSGI
layer, for the answers it keeps) or on its first query, and every query of that request reads that version
(`current_version()` is pinned for the request): the next request after a publish reads the new file, a
request in flight finishes on the old one, and no page mixes the two.

DuckDB connections are not fork-safe, so nothing is opened at import. Each worker opens one DuckDB
instance per version, an in-memory instance that ATTACHes the file read-only: not `duckdb.connect(path)`,
whose per-path instance cache hands back whatever instance another thread still holds for that path (the
old file, after a plain file was renamed over it). Threads query it through their own cursors.

Results are cached per version in byte-bounded LRUs (`dashboard.cache`): QUERY_CACHE_BYTES for query
results, VERSIONED_CACHE_BYTES for what pages build from them (`per_version`); downloads are read uncached.
This module runs queries; which queries exist is the query layer's business (dashboard/queries).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
from flask import request

from dashboard import i18n
from dashboard.cache import ByteLRU
from etl import settings

T = TypeVar("T")

# Text columns (query results and every frame the pages build) held as Python strings, not Arrow arrays: the
# same "str" dtype and missing-value rules, but the pages' frames are small (a few hundred rows), and on those
# Arrow's per-call overhead (take, filter, isin, iteration) was the largest single share of an answer's cost
# (docs/serving.md, "Answer costs: text columns"). Set before any frame is made; the dashboard owns its process.
pd.set_option("mode.string_storage", "python")
MB = 1024 * 1024
QUERY_CACHE_BYTES = int(os.environ.get("DDI_QUERY_CACHE_MB", "256")) * MB
VERSIONED_CACHE_BYTES = int(os.environ.get("DDI_VERSIONED_CACHE_MB", "64")) * MB
# DuckDB's own buffer pool, per version open in a worker (usually one; two just after a publish).
DUCKDB_MEMORY_LIMIT = os.environ.get("DDI_DUCKDB_MEMORY", "256MB")


class DatabaseMissingError(RuntimeError):
    """The database file does not exist yet."""


class DatabaseReadError(DatabaseMissingError):
    """The file is there but could not be read (overwritten in place, corrupt): the pages show it like a missing
    database, the server answers 503 (app.py)."""


@dataclass(frozen=True)
class Version:
    """Identity of one published file: its own path (versioned), inode, mtime and size."""

    path: str
    inode: int
    mtime_ns: int
    size: int


_local = threading.local()
_instances: dict[Version, duckdb.DuckDBPyConnection] = {}  # this worker's DuckDB instance per version
_instances_lock = threading.Lock()
KEEP_INSTANCES = 2
PINNED = "ddi.data.version"  # a WSGI environ key: the version a request was pinned to before Flask saw it
query_cache = ByteLRU(QUERY_CACHE_BYTES)
versioned_cache = ByteLRU(VERSIONED_CACHE_BYTES)


def database_path() -> Path:
    return settings.db_path()


def resolve_version() -> Version:
    """The version published now: one readlink and one stat (etl.publish.resolve's rule, with the paths' parsing
    cached: every request that may be answered from the response cache resolves it as it arrives)."""
    target = _target(os.environ.get("DDI_DB"))
    try:
        link = os.readlink(target)
    except OSError:  # not a symlink (a plain file, or nothing there)
        link = None
    path = _linked(target, link)
    try:
        stat = os.stat(path)
    except FileNotFoundError as exc:
        raise DatabaseMissingError(
            f"No database at {database_path()}. Build it with `python -m etl build --raw-dir DIR` (or `make run`)."
        ) from exc
    return Version(path, stat.st_ino, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _target(_ddi_db: str | None) -> str:
    """The published path for this value of DDI_DB (the argument only keys the cache: settings reads it)."""
    return str(database_path())


@lru_cache(maxsize=64)
def _linked(target: str, link: str | None) -> str:
    """The file a symlink at `target` naming `link` stands for (relative links are relative to its folder)."""
    return target if link is None else str(Path(target).parent / link)


def current_version() -> Version:
    """The version this request reads (resolved on its first call in a request, then kept to its end); outside a
    request, the version published now."""
    if not getattr(_local, "in_request", False):
        return resolve_version()
    pinned = getattr(_local, "pinned", None)
    if pinned is None:
        pinned = _local.pinned = resolve_version()
    return pinned


def begin_request() -> None:
    # The response cache's WSGI layer resolved the version already (its key is made of it): the request reads it.
    _local.in_request, _local.pinned = True, request.environ.get(PINNED)


def end_request(_exc: BaseException | None = None) -> None:
    _local.in_request, _local.pinned = False, None


def register(server) -> None:
    """Pin one version per request of the Flask `server` (pages, callbacks, downloads alike)."""
    server.before_request(begin_request)
    server.teardown_request(end_request)


def spill_directory() -> Path:
    """Where this process's DuckDB instances write what does not fit in their memory limit: the system's temporary
    directory, one folder per process (DuckDB names its spill files alike in every process). An in-memory instance
    would otherwise spill to `.tmp` in the working directory: the project's own folder, under gunicorn."""
    return Path(tempfile.gettempdir()) / f"ddi-duckdb-spill-{os.getpid()}"


def _instance(version: Version) -> duckdb.DuckDBPyConnection:
    """This worker's DuckDB instance for `version`, opened on first use; the oldest beyond KEEP_INSTANCES is let
    go (not closed: a thread still querying it keeps it alive through its cursor until done)."""
    with _instances_lock:
        instance = _instances.get(version)
        if instance is not None:
            return instance
        instance = duckdb.connect(":memory:", config={"memory_limit": DUCKDB_MEMORY_LIMIT,
                                                      "temp_directory": str(spill_directory())})
        escaped = version.path.replace("'", "''")
        try:
            instance.execute(f"ATTACH '{escaped}' AS ddi (READ_ONLY)")
            inode = os.stat(version.path).st_ino
        except (duckdb.IOException, FileNotFoundError) as exc:
            instance.close()
            if resolve_version() != version:  # removed since: a newer version replaced it
                raise VersionChangedError(version.path) from exc
            raise DatabaseMissingError(f"{version.path}: {exc}") from exc
        if inode != version.inode:  # a plain file replaced between stat and attach: not this version
            instance.close()
            raise VersionChangedError(version.path)
        _instances[version] = instance
        for old in list(_instances)[:-KEEP_INSTANCES]:
            del _instances[old]
        return instance


class VersionChangedError(RuntimeError):
    """The file changed under a version being opened (only possible for a plain file renamed over)."""


def _connection(version: Version) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on `version`, replaced when the version changes."""
    held = getattr(_local, "held", None)
    if held is not None and held[0] == version:
        return held[1]
    cursor = _instance(version).cursor()
    cursor.execute("USE ddi")
    if held is not None:
        held[1].close()
    _local.held = (version, cursor)
    return cursor


def _execute(version: Version, sql: str, params: tuple) -> pd.DataFrame:
    """One query on `version`; a file that cannot be read (overwritten in place, corrupt) is a typed error the
    pages show in place and callbacks answer with a 503, never a 500."""
    try:
        return _connection(version).execute(sql, list(params)).df()
    except (duckdb.ParserException, duckdb.BinderException):  # our SQL is wrong: a bug, not the file
        raise
    except duckdb.Error as exc:
        held = getattr(_local, "held", None)
        if held is not None and held[0] == version:  # reopened on the next query
            held[1].close()
            _local.held = None
        raise DatabaseReadError(f"The database at {version.path} could not be read (it may be being replaced): "
                                f"try again in a moment. ({str(exc)[:200]})") from exc


def _read(sql: str, params: tuple, cached: bool) -> pd.DataFrame:
    for _ in range(3):
        version = current_version()
        try:
            if not cached:
                return _execute(version, sql, params)
            return query_cache.get((version, sql, params), lambda v=version: _execute(v, sql, params))
        except VersionChangedError:  # re-resolve; nothing of this request was read from the changed file
            _local.pinned = None
    raise DatabaseMissingError(f"{database_path()} keeps changing while it is opened")


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one read-only query against this request's database version (cached by version, SQL and params).
    Callers must not change what it returns."""
    return _read(sql, tuple(params or ()), cached=True)


def query_uncached(sql: str, params: list | None = None) -> pd.DataFrame:
    """Like `query`, but neither read from nor kept in the cache (downloads: large, rarely asked twice)."""
    return _read(sql, tuple(params or ()), cached=False)


def per_version(function: Callable[..., T]) -> Callable[..., T]:
    """Cache what `function` builds from the database (dropdown options, lookups), once per database version,
    request locale and hashable arguments, like the queries it reads. Callers must not change what it returns.
    The locale is in the key because what a page builds is written in it (its words, its numbers, its charts
    placed for its reading direction): an Arabic request was answered a chart built, and kept, for English."""
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def current(*args: object) -> T:
        key = (current_version(), i18n.current().code, name, *args)
        return versioned_cache.get(key, lambda: function(*args))

    return current


def per_version_all_languages(function: Callable[..., T]) -> Callable[..., T]:
    """`per_version` for what holds no words: the query layer's rows, indexes and arrays (dashboard/queries/ never
    imports the translations; tests/dashboard/test_query_layer.py checks). Kept once per database version and
    arguments, shared by the six languages: keyed by language as well, each was kept six times over, and six
    languages' copies overflowed the byte budget, so that the cache threw out and rebuilt them at every turn (900
    random actions in random languages took 79 s of CPU against 14 s with room for all the copies)."""
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def current(*args: object) -> T:
        return versioned_cache.get((current_version(), name, *args), lambda: function(*args))

    return current

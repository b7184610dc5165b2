"""Read-only access to the published DuckDB file, with results cached per database version.

Each build is published as its own file and `digital_divide.duckdb` links to the current one
(`etl/publish.py`). A request resolves the link once, on its first query, and every query of that
request reads that version (`current_version()` is pinned for the request): the next request after a
publish reads the new file, a request in flight finishes on the old one, and no page mixes the two.

DuckDB connections are not fork-safe, so nothing is opened at import. Each worker opens one DuckDB
instance per version, an in-memory instance that ATTACHes the file read-only: not `duckdb.connect(path)`,
whose per-path instance cache hands back whatever instance another thread still holds for that path (the
old file, after a plain file was renamed over it). Threads query it through their own cursors.

Results are cached per version in byte-bounded LRUs (`dashboard.cache`): QUERY_CACHE_BYTES for query
results, VERSIONED_CACHE_BYTES for what pages build from them; downloads are read uncached.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from dashboard.cache import ByteLRU
from etl import publish, settings

T = TypeVar("T")
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
query_cache = ByteLRU(QUERY_CACHE_BYTES)
versioned_cache = ByteLRU(VERSIONED_CACHE_BYTES)


def database_path() -> Path:
    return settings.db_path()


def resolve_version() -> Version:
    """The version published now: one readlink and one stat."""
    path = publish.resolve(database_path())
    try:
        stat = os.stat(path)
    except FileNotFoundError as exc:
        raise DatabaseMissingError(
            f"No database at {database_path()}. Build it with `python -m etl build --raw-dir DIR` (or `make run`)."
        ) from exc
    return Version(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


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
    _local.in_request, _local.pinned = True, None


def end_request(_exc: BaseException | None = None) -> None:
    _local.in_request, _local.pinned = False, None


def register(server) -> None:
    """Pin one version per request of the Flask `server` (pages, callbacks, downloads alike)."""
    server.before_request(begin_request)
    server.teardown_request(end_request)


def _instance(version: Version) -> duckdb.DuckDBPyConnection:
    """This worker's DuckDB instance for `version`, opened on first use; the oldest beyond KEEP_INSTANCES is let
    go (not closed: a thread still querying it keeps it alive through its cursor until done)."""
    with _instances_lock:
        instance = _instances.get(version)
        if instance is not None:
            return instance
        instance = duckdb.connect(":memory:", config={"memory_limit": DUCKDB_MEMORY_LIMIT})
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
    """Cache what `function` builds from the database (dropdown options, lookups), once per database version
    and hashable arguments, like the queries it reads. Callers must not change what it returns."""
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def current(*args: object) -> T:
        return versioned_cache.get((current_version(), name, *args), lambda: function(*args))

    return current


def by_version(function: Callable[..., T]) -> Callable[..., T]:
    """Cache `function(version, *args)` in the byte-bounded cache of things built per version."""
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def cached(version: Version, *args: object) -> T:
        return versioned_cache.get((version, name, *args), lambda: function(version, *args))

    return cached


def indicators() -> pd.DataFrame:
    """Indicators that have observations, with their source and vintage for captions."""
    return query("""
        SELECT i.indicator_id, i.name, i.unit, i.description, i.source_code, i.higher_is_better,
               s.publisher, s.dataset, s.license, s.attribution, s.vintage
        FROM indicator i JOIN source s USING (source_id)
        WHERE EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
        ORDER BY i.name
    """)


def countries() -> pd.DataFrame:
    return query("SELECT iso3, name, wb_region, income_group FROM country ORDER BY name")


def year_coverage(indicator_id: str) -> pd.DataFrame:
    """Economies with a value, per year: drives the slider and the default year."""
    return query("""
        SELECT year, count(*) AS economies FROM observation
        WHERE indicator_id = ? AND sex = 'total' AND area = 'total' AND age = 'total'
        GROUP BY year ORDER BY year
    """, [indicator_id])


def map_values(indicator_id: str, year: int) -> pd.DataFrame:
    """One value per economy for `year` (with the publisher's flag): every economy is listed, with NULL where
    there is no data."""
    return query("""
        SELECT c.iso3, c.name, c.wb_region, c.income_group, o.value, o.obs_status
        FROM country c
        LEFT JOIN observation o ON o.iso3 = c.iso3 AND o.indicator_id = ? AND o.year = ?
             AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
        ORDER BY c.iso3
    """, [indicator_id, year])


def series(indicator_id: str, iso3_codes: tuple[str, ...]) -> pd.DataFrame:
    """Time series of the chosen economies, with the publisher's flag of each value."""
    if not iso3_codes:
        return pd.DataFrame(columns=["iso3", "name", "year", "value", "obs_status"])
    placeholders = ", ".join("?" for _ in iso3_codes)
    return query(f"""
        SELECT o.iso3, c.name, o.year, o.value, o.obs_status
        FROM observation o JOIN country c USING (iso3)
        WHERE o.indicator_id = ? AND o.iso3 IN ({placeholders})
          AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
        ORDER BY c.name, o.year
    """, [indicator_id, *iso3_codes])


def published_world(indicator_id: str) -> pd.DataFrame:
    """The publisher's own World aggregate (WLD), drawn as a reference line."""
    return query("""
        SELECT p.group_name AS name, p.year, p.value
        FROM published_aggregate p JOIN source s USING (source_id)
        WHERE p.indicator_id = ? AND p.group_code = 'WLD' AND p.sex = 'total' AND p.area = 'total'
          AND p.age = 'total'
        QUALIFY s.vintage = max(s.vintage) OVER ()  -- the newest edition only
        ORDER BY p.year
    """, [indicator_id])


# --- Explore: themes, groups, group aggregates and targets -------------------------------------------
TOTAL_SLICE = "sex = 'total' AND area = 'total' AND age = 'total'"


def indicator_themes() -> pd.DataFrame:
    """Indicators with observations, each under its first (primary) WSIS+20 theme; theme NULL when none."""
    return query("""
        SELECT i.indicator_id, i.name, t.theme_id, t.title AS theme
        FROM indicator i LEFT JOIN theme t ON t.theme_id = i.themes[1]
        WHERE EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
        ORDER BY t.first_paragraph NULLS LAST, i.name
    """)


def country_groups() -> pd.DataFrame:
    """Every country group but the world itself (which is the unfiltered view)."""
    return query("SELECT group_id, group_type, name FROM country_group WHERE group_type <> 'world' "
                 "ORDER BY group_type, name")


def group_members(group_id: str) -> pd.DataFrame:
    return query("SELECT iso3 FROM group_member WHERE group_id = ? ORDER BY iso3", [group_id])


def group_series(indicator_id: str, group_id: str) -> pd.DataFrame:
    """Our aggregate of a group (or 'world') over time, with the share of its population it covers."""
    return query(f"""
        SELECT year, value, n_countries, n_members, population_coverage FROM group_aggregate
        WHERE indicator_id = ? AND group_id = ? AND {TOTAL_SLICE} AND value IS NOT NULL ORDER BY year
    """, [indicator_id, group_id])


def definition_changes(indicator_id: str) -> tuple[tuple[int, str], ...]:
    """The years a spliced series (ITU's price baskets) changes definition, with their labels ("5 GB from
    2025"), oldest first; () for every other series."""
    rows = query("SELECT year, label FROM definition_change WHERE indicator_id = ? ORDER BY year", [indicator_id])
    return tuple((int(year), str(label)) for year, label in zip(rows["year"], rows["label"], strict=True))


def indicator_targets(indicator_id: str) -> pd.DataFrame:
    """The targets set on an indicator, in catalogue order."""
    return query("SELECT * FROM target WHERE indicator_id = ? ORDER BY rowid", [indicator_id])


def target_progress_row(target_id: str, scope_id: str) -> pd.DataFrame:
    """One scope's progress towards one target (observed and required pace, projected year)."""
    return query("SELECT * FROM target_progress WHERE target_id = ? AND scope_id = ?", [target_id, scope_id])


def publisher_match(group_id: str, dataset_key: str) -> dict | None:
    """The publisher's aggregate named like our group (table publisher_group): group_code, match ('same',
    'classification', 'approximate') and note; None when the publisher has none."""
    rows = query("""SELECT group_code, match, note FROM publisher_group WHERE group_id = ? AND dataset_key = ?
                    ORDER BY match = 'approximate', group_code""", [group_id, dataset_key])
    return rows.iloc[0].to_dict() if len(rows) else None


def publisher_difference(group_code: str, year: int) -> str | None:
    """Why our figure differs from the publisher's `group_code` in `year` by more than half a point (the
    reasons indicators/publisher_groups.yaml states and a test holds to), or None: they agree."""
    rows = query("SELECT reason FROM publisher_difference WHERE group_code = ? AND ? BETWEEN first_year AND last_year",
                 [group_code, year])
    return str(rows.iloc[0, 0]) if len(rows) else None

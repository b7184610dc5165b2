"""Read-only access to the published DuckDB file, with results cached per database version.

DuckDB connections are not fork-safe, so nothing is opened at import: each thread of each
worker opens its own read-only connection on first use. When the ETL publishes a new file
(an atomic rename), the file's identity changes; connections are reopened and the cache key
changes with it, so no stale result outlives the data it came from.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from etl import settings

T = TypeVar("T")


class DatabaseMissingError(RuntimeError):
    """The database file does not exist yet."""


class DatabaseReadError(DatabaseMissingError):
    """The file is there but could not be read (overwritten in place, corrupt): the pages show it like a missing
    database, the server answers 503 (app.py)."""


@dataclass(frozen=True)
class Version:
    """Identity of one published file: a rename gives a new inode, a rebuild a new mtime."""

    path: str
    inode: int
    mtime_ns: int
    size: int


_local = threading.local()


def database_path() -> Path:
    return settings.db_path()


def current_version() -> Version:
    path = database_path()
    try:
        stat = os.stat(path)
    except FileNotFoundError as exc:
        raise DatabaseMissingError(
            f"No database at {path}. Build it with `python -m etl build --raw-dir DIR` (or `make run`)."
        ) from exc
    return Version(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _connection(version: Version) -> duckdb.DuckDBPyConnection:
    """This thread's read-only connection to `version`, reopened when the file was replaced."""
    held = getattr(_local, "held", None)
    if held is not None and held[0] == version:
        return held[1]
    if held is not None:
        held[1].close()
    connection = duckdb.connect(version.path, read_only=True)
    _local.held = (version, connection)
    return connection


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one read-only query against the current database version (uncached)."""
    return _cached_query(current_version(), sql, tuple(params or ()))


def per_version(function: Callable[..., T]) -> Callable[..., T]:
    """Cache what `function` builds from the database (dropdown options, lookups), once per database version
    and hashable arguments, like the queries it reads. Callers must not change what it returns."""
    @lru_cache(maxsize=64)
    def cached(version: Version, *args: object) -> T:
        return function(*args)

    @wraps(function)
    def current(*args: object) -> T:
        return cached(current_version(), *args)

    return current


@lru_cache(maxsize=512)
def _cached_query(version: Version, sql: str, params: tuple) -> pd.DataFrame:
    # The version is part of the key: a newly published file is never answered from old results.
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

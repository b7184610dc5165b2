"""The Explore page's queries: an indicator's map, series, years, themes, group aggregates and targets."""

from __future__ import annotations

import pandas as pd

from dashboard import data
from dashboard.queries import observed

# Every indicator's rows of a small table, read in one query per database version and sliced per indicator
# (_slice): a query per indicator cost 10-20 ms on a busy server, and the 149 indicators rarely repeat soon.
_WORLD = """
    SELECT p.indicator_id, p.group_name AS name, p.year, p.value
    FROM published_aggregate_total p JOIN source s USING (source_id)
    WHERE p.group_code = 'WLD'
    QUALIFY s.vintage = max(s.vintage) OVER (PARTITION BY p.indicator_id)  -- each indicator's newest edition
    ORDER BY p.indicator_id, p.year
"""
_AGGREGATES = """
    SELECT indicator_id, group_id, year, value, n_countries, n_members, population_coverage
    FROM group_aggregate_total WHERE value IS NOT NULL ORDER BY indicator_id, group_id, year
"""


@data.per_version
def _split(sql: str, keys: tuple[str, ...]) -> tuple[pd.DataFrame, dict]:
    """The whole result of `sql` and the positions of its rows per value of the `keys` columns."""
    frame = data.query_uncached(sql)
    return frame, frame.groupby(list(keys) if len(keys) > 1 else keys[0]).indices


def _slice(sql: str, keys: tuple[str, ...], key) -> pd.DataFrame:
    """The rows of `sql` whose `keys` columns equal `key` (a tuple for several keys), in the query's order."""
    frame, positions = _split(sql, keys)
    return frame.take(positions.get(key, [])).reset_index(drop=True)


def year_coverage(indicator_id: str) -> pd.DataFrame:
    """Economies with a value, per year: drives the slider and the default year (counted in memory, once per
    database version: dashboard/queries/observed.py)."""
    return observed.year_counts(indicator_id)


def map_values(indicator_id: str, year: int) -> pd.DataFrame:
    """One value per economy for `year` (with the publisher's flag): every economy is listed, with NULL where
    there is no data."""
    return data.query("""
        SELECT c.iso3, c.name, c.wb_region, c.income_group, o.value, o.obs_status
        FROM country c
        LEFT JOIN observation_total o ON o.iso3 = c.iso3 AND o.indicator_id = ? AND o.year = ?
        ORDER BY c.iso3
    """, [indicator_id, year])


def series(indicator_id: str, iso3_codes: tuple[str, ...]) -> pd.DataFrame:
    """Time series of the chosen economies, with the publisher's flag of each value."""
    if not iso3_codes:
        return pd.DataFrame(columns=["iso3", "name", "year", "value", "obs_status"])
    placeholders = ", ".join("?" for _ in iso3_codes)
    return data.query(f"""
        SELECT o.iso3, c.name, o.year, o.value, o.obs_status
        FROM observation_total o JOIN country c USING (iso3)
        WHERE o.indicator_id = ? AND o.iso3 IN ({placeholders})
        ORDER BY c.name, o.year
    """, [indicator_id, *iso3_codes])


def published_world(indicator_id: str) -> pd.DataFrame:
    """The publisher's own World aggregate (WLD), drawn as a reference line: columns name, year, value."""
    return _slice(_WORLD, ("indicator_id",), indicator_id)[["name", "year", "value"]]


def indicator_themes() -> pd.DataFrame:
    """Indicators with observations, each under its first (primary) WSIS+20 theme; theme NULL when none."""
    return data.query("""
        SELECT i.indicator_id, i.name, t.theme_id, t.title AS theme
        FROM indicator i LEFT JOIN theme t ON t.theme_id = i.themes[1]
        WHERE EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
        ORDER BY t.first_paragraph NULLS LAST, i.name
    """)


def group_series(indicator_id: str, group_id: str) -> pd.DataFrame:
    """Our aggregate of a group (or 'world') over time, with the share of its population it covers."""
    return _slice(_AGGREGATES, ("indicator_id", "group_id"), (indicator_id, group_id))[
        ["year", "value", "n_countries", "n_members", "population_coverage"]]


def indicator_targets(indicator_id: str) -> pd.DataFrame:
    """The targets set on an indicator, in catalogue order."""
    return _slice("SELECT * FROM target ORDER BY rowid", ("indicator_id",), indicator_id)


def target_progress_row(target_id: str, scope_id: str) -> pd.DataFrame:
    """One scope's progress towards one target (observed and required pace, projected year)."""
    return data.query("SELECT * FROM target_progress WHERE target_id = ? AND scope_id = ?", [target_id, scope_id])

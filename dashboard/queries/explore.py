"""The Explore page's queries: an indicator's map, series, years, themes, group aggregates and targets."""

from __future__ import annotations

import pandas as pd

from dashboard import data
from dashboard.queries import observed

# Whole tables, read in one query per database version and sliced per indicator (observed.rows_of): a query
# per indicator cost 10-20 ms on a busy server, and the 149 indicators rarely repeat soon.
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


@data.per_version_all_languages
def year_coverage(indicator_id: str) -> pd.DataFrame:
    """Economies with a value, per year: drives the slider and the default year (counted in memory: dashboard/
    queries/observed.py; once per database version and indicator: callers must not change it)."""
    return observed.year_counts(indicator_id)


def map_values(indicator_id: str, year: int) -> pd.DataFrame:
    """One value per economy for `year` (with the publisher's flag): every economy is listed, by iso3, with NULL
    where there is no data (from the observations held in memory: dashboard/queries/observed.py)."""
    return observed.map_values(indicator_id, year)


def map_columns(indicator_id: str, year: int) -> observed.MapColumns:
    """map_values' iso3, name, value and flag as lists and an array (dashboard/queries/observed.py)."""
    return observed.map_columns(indicator_id, year)


def series(indicator_id: str, iso3_codes: tuple[str, ...]) -> pd.DataFrame:
    """Time series of the chosen economies, by name and year, with the publisher's flag of each value."""
    if not iso3_codes:
        return pd.DataFrame(columns=["iso3", "name", "year", "value", "obs_status"])
    return observed.series(indicator_id, iso3_codes)


@data.per_version_all_languages
def published_world(indicator_id: str) -> pd.DataFrame:
    """The publisher's own World aggregate (WLD), drawn as a reference line: columns name, year, value (once per
    database version and indicator: callers must not change it)."""
    return observed.rows_of(_WORLD, ("indicator_id",), indicator_id, ("name", "year", "value"))


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
    return observed.rows_of(_AGGREGATES, ("indicator_id", "group_id"), (indicator_id, group_id),
                            ("year", "value", "n_countries", "n_members", "population_coverage"))


def indicator_targets(indicator_id: str) -> pd.DataFrame:
    """The targets set on an indicator, in catalogue order."""
    return observed.rows_of("SELECT * FROM target ORDER BY rowid", ("indicator_id",), indicator_id)


def target_progress_row(target_id: str, scope_id: str) -> pd.DataFrame:
    """One scope's progress towards one target (observed and required pace, projected year)."""
    return data.query("SELECT * FROM target_progress WHERE target_id = ? AND scope_id = ?", [target_id, scope_id])

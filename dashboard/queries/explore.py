"""The Explore page's queries: an indicator's map, series, years, themes, group aggregates and targets."""

from __future__ import annotations

import pandas as pd

from dashboard import data
from dashboard.queries import observed


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
    """The publisher's own World aggregate (WLD), drawn as a reference line."""
    return data.query("""
        SELECT p.group_name AS name, p.year, p.value
        FROM published_aggregate_total p JOIN source s USING (source_id)
        WHERE p.indicator_id = ? AND p.group_code = 'WLD'
        QUALIFY s.vintage = max(s.vintage) OVER ()  -- the newest edition only
        ORDER BY p.year
    """, [indicator_id])


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
    return data.query("""
        SELECT year, value, n_countries, n_members, population_coverage FROM group_aggregate_total
        WHERE indicator_id = ? AND group_id = ? AND value IS NOT NULL ORDER BY year
    """, [indicator_id, group_id])


def indicator_targets(indicator_id: str) -> pd.DataFrame:
    """The targets set on an indicator, in catalogue order."""
    return data.query("SELECT * FROM target WHERE indicator_id = ? ORDER BY rowid", [indicator_id])


def target_progress_row(target_id: str, scope_id: str) -> pd.DataFrame:
    """One scope's progress towards one target (observed and required pace, projected year)."""
    return data.query("SELECT * FROM target_progress WHERE target_id = ? AND scope_id = ?", [target_id, scope_id])

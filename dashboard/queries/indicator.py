"""The Indicator page's queries: one series' description, source, coverage, breakdowns, themes, targets,
related series and the editions of the publishers' world aggregates; and the catalogue the site's search
box looks through."""

from __future__ import annotations

import pandas as pd

from dashboard import data


def catalogue() -> pd.DataFrame:
    """Every indicator with its theme ids and titles (main theme first; empty lists for a context series) and
    whether it has any observation: the index page and the search read it."""
    return data.query("""
        SELECT i.indicator_id, i.name, i.unit, i.source_code, coalesce(i.themes, []) AS themes,
               coalesce(list(t.title ORDER BY coalesce(list_position(i.themes, t.theme_id), 99))
                   FILTER (WHERE t.title IS NOT NULL), []) AS theme_titles,
               EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id) AS has_data
        FROM indicator i
        LEFT JOIN indicator_theme it USING (indicator_id)
        LEFT JOIN theme t ON t.theme_id = it.theme_id
        GROUP BY ALL ORDER BY i.name
    """)


def themes() -> pd.DataFrame:
    return data.query("SELECT theme_id, title, first_paragraph, last_paragraph, summary FROM theme "
                      "ORDER BY first_paragraph")


def indicator_row(indicator_id: str) -> pd.Series | None:
    """The indicator with its main source (publisher, dataset, licence, release), or None when unknown."""
    rows = data.query("""
        SELECT i.*, s.publisher, s.dataset, s.url AS source_url, s.license, s.license_url, s.attribution,
               s.vintage
        FROM indicator i LEFT JOIN source s USING (source_id)
    """)
    rows = rows[rows["indicator_id"] == indicator_id]
    return rows.iloc[0] if len(rows) else None


def sources(indicator_id: str) -> pd.DataFrame:
    """The releases the series' observations come from, with how many values each gives (most first)."""
    return data.query("""
        SELECT o.source_id, s.publisher, s.dataset, s.license, s.license_url, s.vintage, count(*) AS n_values
        FROM observation o JOIN source s USING (source_id)
        WHERE o.indicator_id = ? GROUP BY ALL ORDER BY n_values DESC, o.source_id
    """, [indicator_id])


def coverage(indicator_id: str) -> dict:
    """Economies and years with a headline value (no breakdown): counts, first and last year, and the
    latest year with its number of reporting economies."""
    row = data.query("""
        SELECT count(DISTINCT iso3) AS economies, count(DISTINCT year) AS years, min(year) AS first_year,
               max(year) AS last_year, count(*) AS n_values
        FROM observation_total WHERE indicator_id = ?
    """, [indicator_id]).iloc[0].to_dict()
    return row


def reporters(indicator_id: str, year: int) -> pd.DataFrame:
    """The economies (iso3, name) with a headline value in `year`."""
    return data.query("""
        SELECT c.iso3, c.name FROM observation_total o JOIN country c USING (iso3)
        WHERE o.indicator_id = ? AND o.year = ? ORDER BY c.name
    """, [indicator_id, year])


def economies_per_year(indicator_id: str) -> pd.DataFrame:
    return data.query("""SELECT year, count(DISTINCT iso3) AS economies FROM observation_total
                         WHERE indicator_id = ? GROUP BY year ORDER BY year""", [indicator_id])


def breakdowns(indicator_id: str) -> pd.DataFrame:
    """Each breakdown value the series has (sex: female, male; area: urban, rural; age groups), with the
    economies and years that report it."""
    return data.query("""
        WITH parts AS (
            SELECT 'sex' AS dimension, sex AS category, iso3, year FROM observation
             WHERE indicator_id = ? AND sex <> 'total'
            UNION ALL
            SELECT 'area', area, iso3, year FROM observation WHERE indicator_id = ? AND area <> 'total'
            UNION ALL
            SELECT 'age', age, iso3, year FROM observation WHERE indicator_id = ? AND age <> 'total')
        SELECT dimension, category, count(DISTINCT iso3) AS economies, min(year) AS first_year,
               max(year) AS last_year
        FROM parts GROUP BY ALL ORDER BY dimension, category
    """, [indicator_id] * 3)


def indicator_themes(indicator_id: str) -> pd.DataFrame:
    """The themes the series evidences, its main theme first."""
    return data.query("""
        SELECT t.theme_id, t.title, t.first_paragraph, t.last_paragraph, t.summary
        FROM indicator_theme it JOIN theme t USING (theme_id) JOIN indicator i USING (indicator_id)
        WHERE it.indicator_id = ?
        ORDER BY coalesce(list_position(i.themes, t.theme_id), 99), t.first_paragraph
    """, [indicator_id])


def targets(indicator_id: str) -> pd.DataFrame:
    """The targets measured by the series, with the status of the scope each names (the world, a group)
    where one is computed; scope_name names it ('each economy' for a target set for every country)."""
    return data.query("""
        SELECT t.target_id, t.framework, t.label, t.comparator, t.value AS goal, t.deadline_year, t.scope,
               CASE WHEN t.scope = 'each_country' THEN 'Each economy' ELSE coalesce(g.name, t.scope) END
                   AS scope_name,
               p.status, p.status_text, p.status_value, p.status_year, i.unit
        FROM target t LEFT JOIN target_progress p ON p.target_id = t.target_id AND p.scope_id = t.scope
        LEFT JOIN country_group g ON g.group_id = t.scope
        LEFT JOIN indicator i ON i.indicator_id = t.indicator_id
        WHERE t.indicator_id = ?
        ORDER BY t.deadline_year, t.framework, t.target_id
    """, [indicator_id])


def related(indicator_id: str, limit: int = 12) -> pd.DataFrame:
    """Other series with data that share a theme with this one: those sharing its main theme first, then
    those sharing more themes."""
    return data.query("""
        WITH mine AS (SELECT unnest(themes) AS theme_id, generate_subscripts(themes, 1) AS rank
                      FROM indicator WHERE indicator_id = ?)
        SELECT i.indicator_id, i.name, min(mine.rank) AS best_rank, count(*) AS shared
        FROM indicator_theme it JOIN mine USING (theme_id) JOIN indicator i USING (indicator_id)
        WHERE it.indicator_id <> ?
          AND EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
        GROUP BY ALL ORDER BY best_rank, shared DESC, i.name LIMIT ?
    """, [indicator_id, indicator_id, limit])


def world_editions(indicator_id: str) -> pd.DataFrame:
    """The publishers' world aggregates of the series (publisher_group's 'world' codes), one row per edition
    and year, for each publisher that has more than one edition in the database."""
    return data.query("""
        WITH world AS (
            SELECT p.source_id, s.dataset_key, s.publisher, s.dataset, s.license, s.vintage, p.group_code,
                   p.group_name, p.year, p.value
            FROM published_aggregate_total p JOIN source s USING (source_id)
            JOIN publisher_group g ON g.group_id = 'world' AND g.dataset_key = s.dataset_key
                                  AND g.group_code = p.group_code
            WHERE p.indicator_id = ?)
        SELECT * FROM world
        WHERE dataset_key IN (SELECT dataset_key FROM world GROUP BY dataset_key
                              HAVING count(DISTINCT source_id) > 1)
        ORDER BY publisher, dataset_key, vintage NULLS FIRST, source_id, year
    """, [indicator_id])

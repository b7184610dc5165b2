"""The Indicator page's queries: one series' description, sources, coverage, breakdowns, themes, targets,
related series and the editions of the publishers' world aggregates; and the catalogue the site's search
box looks through.

Each section's query reads every series at once, and its rows are split per series once per database version
(`data.per_version`) into plain lists of named tuples: a page of a series no request has opened yet costs dict
look-ups, not a query per section (~5 queries and as many pandas filters were most of a page's cost). What
these functions return is shared between requests: callers must not change it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard import data

# What a series without rows in a section gets: shared, never changed.
NONE: tuple = ()
NO_COVERAGE: dict = {"economies": 0, "years": 0, "first_year": None, "last_year": None, "n_values": 0}


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


def _per_series(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """`frame`'s rows (its first column the series' id) as named tuples of the other columns, per series, in
    the frame's order. itertuples gives Python values (int, float, str), as the pages' code expects."""
    groups: dict[str, list[Any]] = {}
    rows = frame.iloc[:, 1:].itertuples(index=False, name="Row")
    for indicator_id, row in zip(frame.iloc[:, 0].tolist(), rows, strict=True):
        groups.setdefault(indicator_id, []).append(row)
    return groups


@data.per_version_all_languages
def _indicator_rows() -> dict[str, pd.Series]:
    rows = data.query("""
        SELECT i.*, s.publisher, s.dataset, s.url AS source_url, s.license, s.license_url, s.attribution,
               s.vintage
        FROM indicator i LEFT JOIN source s USING (source_id)
    """)
    return {row["indicator_id"]: row for _index, row in rows.iterrows()}


def indicator_row(indicator_id: str) -> pd.Series | None:
    """The indicator with its main source (publisher, dataset, licence, release), or None when unknown."""
    return _indicator_rows().get(indicator_id)


@data.per_version_all_languages
def _sources() -> dict[str, list[Any]]:
    return _per_series(data.query("""
        SELECT o.indicator_id, o.source_id, s.publisher, s.dataset, s.license, s.license_url, s.vintage,
               o.n_values
        FROM (SELECT indicator_id, source_id, count(*) AS n_values FROM observation GROUP BY ALL) o
        JOIN source s USING (source_id)
        ORDER BY o.indicator_id, o.n_values DESC, o.source_id
    """))


def sources(indicator_id: str) -> list[Any]:
    """The releases the series' observations come from (source_id, publisher, dataset, license, license_url,
    vintage), with how many values each gives (n_values; most first)."""
    return _sources().get(indicator_id, NONE)


@data.per_version_all_languages
def _coverage() -> dict[str, dict]:
    frame = data.query("""
        SELECT indicator_id, count(DISTINCT iso3) AS economies, count(DISTINCT year) AS years,
               min(year) AS first_year, max(year) AS last_year, count(*) AS n_values
        FROM observation_total GROUP BY indicator_id
    """)
    return {row[0]: row[1]._asdict() for row in
            ((indicator_id, rows[0]) for indicator_id, rows in _per_series(frame).items())}


def coverage(indicator_id: str) -> dict:
    """Economies and years with a headline value (no breakdown): counts (economies, years, n_values), first
    and last year (None without a value)."""
    return _coverage().get(indicator_id, NO_COVERAGE)


@data.per_version_all_languages
def _economies_per_year() -> dict[str, list[Any]]:
    return _per_series(data.query("""
        SELECT indicator_id, year, count(DISTINCT iso3) AS economies FROM observation_total
        GROUP BY indicator_id, year ORDER BY indicator_id, year
    """))


def economies_per_year(indicator_id: str) -> list[Any]:
    """(year, economies) per year with a headline value, by year."""
    return _economies_per_year().get(indicator_id, NONE)


@data.per_version_all_languages
def _map_reporters(min_share: float) -> dict[str, list[Any]]:
    return _per_series(data.query("""
        WITH per_year AS (SELECT indicator_id, year, count(DISTINCT iso3) AS economies FROM observation_total
                          GROUP BY ALL),
             chosen AS (SELECT indicator_id, max(year) AS year FROM per_year p
                        WHERE economies >= ? * (SELECT max(economies) FROM per_year q
                                                WHERE q.indicator_id = p.indicator_id)
                        GROUP BY ALL)
        SELECT o.indicator_id, o.year, c.iso3, c.name
        FROM observation_total o JOIN chosen USING (indicator_id, year) JOIN country c USING (iso3)
        ORDER BY o.indicator_id, c.name
    """, [min_share]))


def map_reporters(indicator_id: str, min_share: float) -> list[Any]:
    """The economies (year, iso3, name; by name) with a headline value in the series' map year: the latest
    year in which at least `min_share` of its best year's number of economies report."""
    return _map_reporters(min_share).get(indicator_id, NONE)


@data.per_version_all_languages
def _breakdowns() -> dict[str, list[Any]]:
    return _per_series(data.query("""
        WITH parts AS (
            SELECT indicator_id, 'sex' AS dimension, sex AS category, iso3, year FROM observation
             WHERE sex <> 'total'
            UNION ALL
            SELECT indicator_id, 'area', area, iso3, year FROM observation WHERE area <> 'total'
            UNION ALL
            SELECT indicator_id, 'age', age, iso3, year FROM observation WHERE age <> 'total')
        SELECT indicator_id, dimension, category, count(DISTINCT iso3) AS economies, min(year) AS first_year,
               max(year) AS last_year
        FROM parts GROUP BY ALL ORDER BY indicator_id, dimension, category
    """))


def breakdowns(indicator_id: str) -> list[Any]:
    """Each breakdown value the series has (dimension sex: female, male; area: urban, rural; age groups), with
    the economies and years (first_year, last_year) that report it."""
    return _breakdowns().get(indicator_id, NONE)


@data.per_version_all_languages
def _indicator_themes() -> dict[str, list[Any]]:
    return _per_series(data.query("""
        SELECT it.indicator_id, t.theme_id, t.title, t.first_paragraph, t.last_paragraph, t.summary
        FROM indicator_theme it JOIN theme t USING (theme_id) JOIN indicator i USING (indicator_id)
        ORDER BY it.indicator_id, coalesce(list_position(i.themes, t.theme_id), 99), t.first_paragraph
    """))


def indicator_themes(indicator_id: str) -> list[Any]:
    """The themes the series evidences, its main theme first."""
    return _indicator_themes().get(indicator_id, NONE)


@data.per_version_all_languages
def _targets() -> dict[str, list[Any]]:
    return _per_series(data.query("""
        SELECT t.indicator_id, t.target_id, t.framework, t.label, t.comparator, t.value AS goal, t.deadline_year,
               t.scope,
               CASE WHEN t.scope = 'each_country' THEN 'Each economy' ELSE coalesce(g.name, t.scope) END
                   AS scope_name,
               p.status, p.status_text, p.status_value, p.status_year, i.unit
        FROM target t LEFT JOIN target_progress p ON p.target_id = t.target_id AND p.scope_id = t.scope
        LEFT JOIN country_group g ON g.group_id = t.scope
        LEFT JOIN indicator i ON i.indicator_id = t.indicator_id
        WHERE t.indicator_id IS NOT NULL
        ORDER BY t.indicator_id, t.deadline_year, t.framework, t.target_id
    """))


def targets(indicator_id: str) -> list[Any]:
    """The targets measured by the series, with the status of the scope each names (the world, a group)
    where one is computed; scope_name names it ('each economy' for a target set for every country)."""
    return _targets().get(indicator_id, NONE)


@data.per_version_all_languages
def _related(limit: int) -> dict[str, list[Any]]:
    return _per_series(data.query("""
        WITH mine AS (SELECT indicator_id AS of_id, unnest(themes) AS theme_id,
                             generate_subscripts(themes, 1) AS rank FROM indicator),
             pairs AS (SELECT mine.of_id, i.indicator_id, i.name, min(mine.rank) AS best_rank, count(*) AS shared
                       FROM indicator_theme it JOIN mine USING (theme_id) JOIN indicator i USING (indicator_id)
                       WHERE it.indicator_id <> mine.of_id
                         AND EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
                       GROUP BY ALL)
        SELECT of_id, indicator_id, name, best_rank, shared FROM pairs
        QUALIFY row_number() OVER (PARTITION BY of_id ORDER BY best_rank, shared DESC, name) <= ?
        ORDER BY of_id, best_rank, shared DESC, name
    """, [limit]))


def related(indicator_id: str, limit: int = 12) -> list[Any]:
    """Other series with data (indicator_id, name) that share a theme with this one: those sharing its main
    theme first, then those sharing more themes."""
    return _related(limit).get(indicator_id, NONE)


@data.per_version_all_languages
def _world_editions() -> dict[str, pd.DataFrame]:
    frame = data.query("""
        WITH world AS (
            SELECT p.indicator_id, p.source_id, s.dataset_key, s.publisher, s.dataset, s.license, s.vintage,
                   p.group_code, p.group_name, p.year, p.value
            FROM published_aggregate_total p JOIN source s USING (source_id)
            JOIN publisher_group g ON g.group_id = 'world' AND g.dataset_key = s.dataset_key
                                  AND g.group_code = p.group_code)
        SELECT * FROM world
        WHERE (indicator_id, dataset_key) IN (SELECT (indicator_id, dataset_key) FROM world GROUP BY ALL
                                              HAVING count(DISTINCT source_id) > 1)
        ORDER BY indicator_id, publisher, dataset_key, vintage NULLS FIRST, source_id, year
    """)
    return {indicator_id: rows.drop(columns="indicator_id").reset_index(drop=True)
            for indicator_id, rows in frame.groupby("indicator_id", sort=False)}


def world_editions(indicator_id: str) -> pd.DataFrame | None:
    """The publishers' world aggregates of the series (publisher_group's 'world' codes), one row per edition
    and year, for each publisher that has more than one edition in the database; None when there is none."""
    return _world_editions().get(indicator_id)

"""The About page's queries: sources, targets, themes, gaps in the catalogue and coverage."""

from __future__ import annotations

import pandas as pd

from dashboard import data


def sources() -> pd.DataFrame:
    return data.query("SELECT * FROM source ORDER BY publisher, dataset, source_id")


def targets() -> pd.DataFrame:
    return data.query("""
        SELECT t.*, i.name AS indicator_name, i.unit, g.name AS scope_name
        FROM target t LEFT JOIN indicator i USING (indicator_id)
        LEFT JOIN country_group g ON g.group_id = t.scope
        ORDER BY t.deadline_year, t.framework, t.target_id
    """)


def themes() -> pd.DataFrame:
    return data.query("SELECT * FROM theme ORDER BY first_paragraph")


def theme_indicators() -> pd.DataFrame:
    """Every (theme, indicator) pair, with whether the indicator has any observation."""
    return data.query("""
        SELECT it.theme_id, i.indicator_id, i.name,
               EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id) AS has_data
        FROM indicator_theme it JOIN indicator i USING (indicator_id)
        ORDER BY it.theme_id, i.name
    """)


def targets_without_indicator() -> pd.DataFrame:
    return data.query("""
        SELECT DISTINCT t.target_id, t.framework, t.label, t.deadline_year, t.note
        FROM target_progress p JOIN target t USING (target_id)
        WHERE p.status = 'no open indicator'
        ORDER BY t.deadline_year, t.target_id
    """)


def indicators_without_data() -> pd.DataFrame:
    return data.query("""
        SELECT indicator_id, name FROM indicator i
        WHERE NOT EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
        ORDER BY name
    """)


def coverage_counts(years: int) -> tuple[pd.DataFrame, int, int, int]:
    """Catalogue indicators with any value per economy in the latest `years` years (zeros kept)."""
    last = int(data.query("SELECT max(year) AS last FROM observation").iloc[0, 0])
    first = last - years + 1
    counts = data.query("""
        SELECT c.iso3, c.name, count(DISTINCT o.indicator_id) AS n_indicators
        FROM country c LEFT JOIN observation o ON o.iso3 = c.iso3 AND o.year BETWEEN ? AND ?
        GROUP BY c.iso3, c.name ORDER BY c.iso3
    """, [first, last])
    total = int(data.query("SELECT count(*) FROM indicator").iloc[0, 0])
    return counts, total, first, last


def latest_run() -> pd.Series | None:
    runs = data.query("SELECT run_id, finished_at FROM etl_run ORDER BY finished_at DESC LIMIT 1")
    return runs.iloc[0] if len(runs) else None

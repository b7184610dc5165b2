"""The Overview page's queries: the world's headline series, publishers' world figures, targets and themes."""

from __future__ import annotations

import pandas as pd

from dashboard import data

# Publishers' own world rows of Internet use: the World Bank's WLD (WDI) and ITU's Facts and Figures.
PUBLISHED_WORLD_CODES = ("WLD", "itu:world")
# A4AI's "1 for 2" is about 1 GB: the card reads that basket (ITU collects it since 2023), so its share of
# economies at or under 2 % and the target's count of economies that met it are the same economies.
AFFORDABILITY_BASKET = "mobile_data_1gb_basket_gni"


def world_series(indicator_id: str) -> pd.DataFrame:
    """Our world aggregate by year (years below the coverage threshold have no value and are left out)."""
    return data.query("""
        SELECT year, value, population_coverage, n_countries, n_members, n_imputed, population_imputed
        FROM group_aggregate_total
        WHERE indicator_id = ? AND group_id = 'world' AND value IS NOT NULL
        ORDER BY year
    """, [indicator_id])


def published_world_internet() -> pd.DataFrame:
    """The newest edition of a publisher's world Internet use (WDI's WLD or ITU's Facts and Figures)."""
    return data.query("""
        SELECT p.source_id, p.group_code, p.year, p.value
        FROM published_aggregate_total p JOIN source s USING (source_id)
        WHERE p.indicator_id = 'internet_use' AND p.group_code IN (?, ?)
        QUALIFY s.vintage = max(s.vintage) OVER ()
        ORDER BY p.year
    """, list(PUBLISHED_WORLD_CODES))


def itu_world_parity() -> pd.DataFrame:
    """ITU's world Internet use by sex, newest Key ICT edition, as female ÷ male per year."""
    frame = data.query("""
        WITH edition AS (
            SELECT source_id FROM source WHERE dataset_key = 'itu_key_ict'
            ORDER BY vintage DESC NULLS LAST, source_id DESC LIMIT 1
        )
        SELECT p.source_id, p.year,
               max(p.value) FILTER (WHERE p.sex = 'female') AS female,
               max(p.value) FILTER (WHERE p.sex = 'male') AS male
        FROM published_aggregate p JOIN edition USING (source_id)
        WHERE p.indicator_id = 'internet_use' AND p.group_code = 'itu:world' AND p.area = 'total' AND p.age = 'total'
          AND p.sex IN ('female', 'male')
        GROUP BY p.source_id, p.year
        HAVING female IS NOT NULL AND male IS NOT NULL
        ORDER BY p.year
    """)
    return frame.assign(value=frame["female"] / frame["male"])


def world_affordability(indicator_id: str = AFFORDABILITY_BASKET) -> pd.DataFrame:
    return data.query("""
        SELECT year, n_economies, n_meeting, share_meeting, median_value AS value
        FROM affordability WHERE indicator_id = ? AND group_id = 'world' ORDER BY year
    """, [indicator_id])


def world_targets(indicator_id: str) -> pd.DataFrame:
    """Targets set for the world (or for every economy) on `indicator_id`, with the world's row (none for an
    each-economy target: its headline is the count of economies per status, dashboard/target_status.py).

    Targets named for a group (LDCs, developing countries) are left to the Targets page: the world's
    value says nothing about them.
    """
    return data.query("""
        SELECT t.target_id, t.framework, t.label, t.comparator, t.value AS target_value, t.band, t.met_threshold,
               t.bound, t.deadline_year, t.scope, t.note, i.unit, p.basis, p.status, p.latest_year, p.latest_value,
               p.projected_year, p.status_text, p.status_basis, p.deadline_passed, p.status_value, p.status_year
        FROM target t LEFT JOIN target_progress p ON p.target_id = t.target_id AND p.scope_id = 'world'
        JOIN indicator i ON i.indicator_id = t.indicator_id
        WHERE t.indicator_id = ? AND t.scope IN ('world', 'each_country')
        ORDER BY t.deadline_year, t.target_id
    """, [indicator_id])


def source_meta(source_id: str) -> pd.Series:
    frame = data.query("SELECT * FROM source WHERE source_id = ?", [source_id])
    return frame.iloc[0]


def indicator_source(indicator_id: str) -> str:
    return str(data.query("SELECT source_id FROM indicator WHERE indicator_id = ?", [indicator_id]).iloc[0, 0])


def themes_with_indicators() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 16 themes, and every (theme, indicator with data) pair with the indicator's latest world value."""
    themes = data.query("SELECT * FROM theme ORDER BY first_paragraph")
    pairs = data.query("""
        WITH latest AS (
            SELECT indicator_id, year, value, population_coverage
            FROM group_aggregate_total WHERE group_id = 'world' AND value IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY indicator_id ORDER BY year DESC) = 1
        ), reach AS (
            SELECT indicator_id, count(DISTINCT iso3) AS economies FROM observation GROUP BY indicator_id
        )
        SELECT it.theme_id, i.indicator_id, i.name, i.unit, r.economies,
               l.year, l.value, l.population_coverage
        FROM indicator_theme it JOIN indicator i USING (indicator_id) JOIN reach r USING (indicator_id)
        LEFT JOIN latest l USING (indicator_id)
    """)
    return themes, pairs

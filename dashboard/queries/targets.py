"""The Targets page's queries: targets, groups, progress rows and the series behind them. What is built from them
(indexes, names) is kept per database version like the results themselves (`data.per_version`)."""

from __future__ import annotations

import re

import pandas as pd

from dashboard import data
from dashboard.rows import records

# Short, stable URL slugs for the frameworks in indicators/targets.yaml (a new framework gets a slug of its name).
FRAMEWORK_SLUGS = {
    "umc": "ITU/UN universal and meaningful connectivity (UMC) 2030",
    "bbc": "Broadband Commission 2025",
    "a4ai": 'A4AI "1 for 2"',
    "wsis": "WSIS Geneva Plan of Action 2015",
}
# URL group_type → (label, the country_group.group_type values it covers)
GROUP_TYPES = {
    "wb_region": ("World Bank regions", ("wb_region",)),
    "income_group": ("World Bank income groups", ("income_group",)),
    "m49_region": ("UN M49 regions", ("m49_region",)),
    "special": ("LDCs, LLDCs and SIDS", ("ldc", "lldc", "sids")),
}


def _slug(framework: str) -> str:
    for slug, name in FRAMEWORK_SLUGS.items():
        if name == framework:
            return slug
    return re.sub(r"[^a-z0-9]+", "_", framework.lower()).strip("_")


@data.per_version_all_languages
def targets() -> pd.DataFrame:
    """Every target in catalogue order, with its indicator's name and unit and a URL slug for its framework."""
    frame = data.query("""
        SELECT t.*, i.name AS indicator_name, i.unit, i.source_id AS indicator_source,
               i.source_code AS indicator_code
        FROM target t LEFT JOIN indicator i USING (indicator_id)
        ORDER BY t.rowid""")
    return frame.assign(slug=frame["framework"].map(_slug))


@data.per_version_all_languages
def groups() -> pd.DataFrame:
    """Every country group with its type and its key in GROUP_TYPES (cached: the cards ask for names often)."""
    frame = data.query("SELECT group_id, group_type, name FROM country_group ORDER BY group_type, name")
    type_key = {kind: key for key, (_, kinds) in GROUP_TYPES.items() for kind in kinds}
    return frame.assign(type_key=frame["group_type"].map(type_key))


@data.per_version_all_languages
def group_names() -> dict[str, str]:
    frame = groups()
    return dict(zip(frame["group_id"].tolist(), frame["name"].astype(str).tolist(), strict=True))


def headline_progress() -> pd.DataFrame:
    """Per target: the world row and the row of the scope the target names."""
    return data.query("""
        SELECT p.* FROM target_progress p JOIN target t USING (target_id)
        WHERE p.scope_id = 'world' OR p.scope_id = t.scope""")


def group_progress(target_id: str) -> pd.DataFrame:
    """World and group rows of one target, with the population coverage of each latest value (our aggregates)."""
    return data.query("""
        SELECT p.*, coalesce(g.name, 'World') AS name, coalesce(g.group_type, 'world') AS group_type,
               a.population_coverage, a.n_countries, a.n_members, a.method
        FROM target_progress p JOIN target t USING (target_id)
        LEFT JOIN country_group g ON g.group_id = p.scope_id
        LEFT JOIN group_aggregate_total a ON p.basis = 'ours' AND a.indicator_id = t.indicator_id
             AND a.group_id = p.scope_id AND a.year = p.latest_year
        WHERE p.target_id = ? AND p.scope_type IN ('world', 'group')
        ORDER BY g.name""", [target_id])


def country_progress(target_id: str) -> pd.DataFrame:
    """Every economy, with its row for the target (status NULL where it has none)."""
    return data.query("""
        SELECT c.iso3, c.name, p.status, p.base_year, p.base_value, p.latest_year, p.latest_value,
               p.required_rate, p.observed_rate, p.ratio, p.projected_year, p.distance, p.status_text,
               p.status_year, p.status_value, p.deadline_passed
        FROM country c LEFT JOIN target_progress p
             ON p.scope_id = c.iso3 AND p.target_id = ? AND p.scope_type = 'country'
        ORDER BY c.name""", [target_id])


def members(group_id: str) -> frozenset[str]:
    return _members_by_group().get(group_id, frozenset())


@data.per_version_all_languages
def _members_by_group() -> dict[str, frozenset[str]]:
    """Every group's members from one query (a map of a new group asked the database for its members)."""
    rows = data.query("SELECT group_id, iso3 FROM group_member")
    every: dict[str, set[str]] = {}
    for group_id, iso3 in zip(rows["group_id"].tolist(), rows["iso3"].tolist(), strict=True):
        every.setdefault(group_id, set()).add(iso3)
    return {group_id: frozenset(codes) for group_id, codes in every.items()}


def our_series(indicator_id: str, group_id: str) -> pd.DataFrame:
    """Our aggregate of one group over the years (year, value, population_coverage, n_countries, n_members)."""
    every = _our_series_by_group(indicator_id)
    return every.get(group_id, every[None])


@data.per_version_all_languages
def _our_series_by_group(indicator_id: str) -> dict[str | None, pd.DataFrame]:
    """Every group's series of one indicator from one query, sliced by group (None: an empty frame): a view
    of a new target × group asked the database for its group's series alone."""
    rows = data.query("""
        SELECT group_id, year, value, population_coverage, n_countries, n_members FROM group_aggregate_total
        WHERE indicator_id = ? AND value IS NOT NULL ORDER BY group_id, year""", [indicator_id])
    columns = ["year", "value", "population_coverage", "n_countries", "n_members"]
    series: dict[str | None, pd.DataFrame] = {
        group_id: part[columns].reset_index(drop=True) for group_id, part in rows.groupby("group_id", sort=False)}
    series[None] = rows[columns].iloc[0:0]
    return series


def publisher_series(indicator_id: str, source_id: str) -> pd.DataFrame:
    """The publisher's world series the ETL used (basis 'publisher:<source_id>'); parity is formed as women ÷ men,
    as etl/measures/targets.py does."""
    if indicator_id == "internet_gender_parity":
        sql = """SELECT f.year, f.value / m.value AS value, f.group_code, f.source_id FROM published_aggregate f
                 JOIN published_aggregate m USING (indicator_id, source_id, group_code, year, area, age)
                 WHERE f.indicator_id = 'internet_use' AND f.sex = 'female' AND m.sex = 'male'
                   AND f.area = 'total' AND f.age = 'total'"""
        params = [source_id]
    else:
        sql = """SELECT year, value, group_code, source_id FROM published_aggregate_total WHERE indicator_id = ?"""
        params = [indicator_id, source_id]
    return data.query(f"""
        SELECT year, value FROM ({sql}) WHERE source_id = ? AND group_code IN ('WLD', 'itu:world')
        QUALIFY row_number() OVER (PARTITION BY year ORDER BY group_code) = 1 ORDER BY year""", params)


@data.per_version_all_languages
def source_row(source_id: str) -> dict | None:
    """One source's row (callers must not change it), built once per database: every caption asks for it."""
    rows = data.query("SELECT * FROM source WHERE source_id = ?", [source_id])
    return None if rows.empty else rows.iloc[0].to_dict()


def target_record(target_id: str) -> dict | None:
    return target_index().get(target_id)


@data.per_version_all_languages
def target_index() -> dict[str, dict]:
    return {row["target_id"]: row for row in records(targets())}


def chosen_target(target_id: str | None) -> dict:
    """The chosen target (the first one should a stale client send an unknown id)."""
    return dict(target_record(target_id or "") or next(iter(target_index().values())))

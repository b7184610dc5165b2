"""The Gaps page's queries: each gap's aggregates, publishers' figures, members' parity and scatter pairs."""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from dashboard import data
from dashboard.queries import common
from dashboard.rows import plain_records

GROUP_TYPE_ORDER = ["world", "wb_region", "income_group", "ldc", "lldc", "sids", "m49_region", "m49_subregion"]
GROUP_TYPE_PREFIX = {"wb_region": "World Bank region: ", "income_group": "Income group: ",
                     "m49_region": "UN region: ", "m49_subregion": "UN sub-region: "}


class GapKind(Protocol):
    """What the queries need of a gap (dashboard/figures_gaps.py's Gap): its breakdown and its two indicators."""

    dimension: str
    parity_indicator: str
    gap_indicator: str


BREAKDOWN_FILTER = {  # SQL over observation / aggregate rows: the two sides of each gap, the rest 'total'
    "sex": "sex IN ('female', 'male') AND area = 'total' AND age = 'total'",
    "area": "area IN ('urban', 'rural') AND sex = 'total' AND age = 'total'",
}


def groups() -> pd.DataFrame:
    return _groups()


@data.per_version_all_languages
def _groups() -> pd.DataFrame:
    """Groups in a sensible order with labels for the control (kept per database version)."""
    frame = data.query("SELECT group_id, group_type, name FROM country_group")
    order = {kind: index for index, kind in enumerate(GROUP_TYPE_ORDER)}
    frame = frame.assign(rank=frame["group_type"].map(order).fillna(len(order)),
                         label=[GROUP_TYPE_PREFIX.get(kind, "") + name
                                for kind, name in zip(frame["group_type"], frame["name"], strict=True)])
    return frame.sort_values(["rank", "name"]).reset_index(drop=True)


def group_name(group_id: str) -> str:
    return _group_names().get(group_id, group_id)


@data.per_version_all_languages
def _group_names() -> dict[str, str]:
    frame = groups()
    return dict(zip(frame["group_id"].tolist(), frame["name"].tolist(), strict=True))


@data.per_version_all_languages
def group_ids() -> list[str]:
    """The groups' ids in the control's order (callers must not change the list)."""
    return groups()["group_id"].tolist()


# Each query below reads every group at once for one gap, and splits the answer by group in memory (kept per
# database version): switching groups then costs no query at all. Per-group queries took 15–35 ms each on a
# first visit, several per callback.


def _split(frame: pd.DataFrame, key: str = "group_id") -> dict[str, pd.DataFrame]:
    return {name: part.drop(columns=key).reset_index(drop=True) for name, part in frame.groupby(key, sort=False)}


@data.per_version_all_languages
def _series_by_group(dimension: str) -> dict[str, pd.DataFrame]:
    return _split(data.query(f"""
        SELECT group_id, year, {dimension} AS category, value, population_coverage, n_countries, n_members
        FROM group_aggregate
        WHERE indicator_id = 'internet_use' AND {BREAKDOWN_FILTER[dimension]}
        ORDER BY group_id, year, category
    """))


def group_series(group_id: str, gap: GapKind) -> pd.DataFrame:
    """Our aggregate of Internet use for each side of the gap (value NULL where coverage < 50 %)."""
    empty = pd.DataFrame(columns=["year", "category", "value", "population_coverage", "n_countries", "n_members"])
    return _series_by_group(gap.dimension).get(group_id, empty)


# The same rows as plain dicts (dashboard.rows.plain_records), split by group once per database version: the page's
# figures read dicts, and converting a group's frame on every request cost more than drawing it. Callers must not
# change the lists or their dicts.


@data.per_version_all_languages
def _series_rows(dimension: str) -> dict[str, list[dict]]:
    return {group_id: plain_records(frame) for group_id, frame in _series_by_group(dimension).items()}


def group_series_rows(group_id: str, gap: GapKind) -> list[dict]:
    """group_series as plain dicts."""
    return _series_rows(gap.dimension).get(group_id, [])


@data.per_version_all_languages
def _parity_rows(indicator_id: str) -> dict[str, list[dict]]:
    return {group_id: plain_records(frame) for group_id, frame in _parity_by_group(indicator_id).items()}


def member_parity_rows(group_id: str, gap: GapKind) -> list[dict]:
    """member_parity as plain dicts."""
    return _parity_rows(gap.parity_indicator).get(group_id, [])


@data.per_version_all_languages
def _published_rows(source_id: str, dimension: str) -> dict[str | None, list[dict]]:
    return {code: plain_records(frame) for code, frame in _published_by_code(source_id, dimension).items()}


def published_series_rows(group_id: str, gap: GapKind) -> list[dict]:
    """published_series' rows as plain dicts (the edition: newest_itu_edition)."""
    edition = newest_itu_edition()
    if edition is None:
        return []
    match = itu_match(group_id)
    codes = dict.fromkeys([match["group_code"] if match else "itu:world", "itu:world"])
    every = _published_rows(edition["source_id"], gap.dimension)
    return [row for code in codes for row in every.get(code, [])]


@data.per_version_all_languages
def _pair_rows(indicator_id: str) -> dict[str, list[dict]]:
    return {group_id: plain_records(frame) for group_id, frame in _pairs_by_group(indicator_id).items()}


def scatter_rows_plain(group_id: str, gap: GapKind, year: int | None) -> list[dict]:
    """scatter_rows as plain dicts, by name."""
    rows = _pair_rows(gap.gap_indicator).get(group_id, [])
    if year is not None:
        chosen = [row for row in rows if row["year"] == year]
    else:  # newest year first: each economy's first row is its latest
        seen: set[str] = set()
        chosen = [row for row in rows if not (row["iso3"] in seen or seen.add(row["iso3"]))]
    return sorted(chosen, key=lambda row: row["name"])


def itu_match(group_id: str) -> dict | None:
    """common.publisher_match(group_id, "itu_key_ict"), from the whole table read once per database version
    (a query per group cost more than the chart it named). Callers must not change the dict."""
    return _itu_matches().get(group_id)


@data.per_version_all_languages
def _itu_matches() -> dict[str, dict]:
    rows = data.query("""SELECT group_id, group_code, match, note FROM publisher_group WHERE dataset_key = ?
                         ORDER BY group_id, match = 'approximate', group_code""", ["itu_key_ict"])
    matches: dict[str, dict] = {}
    for row in plain_records(rows):
        matches.setdefault(row.pop("group_id"), row)
    return matches


@data.per_version_all_languages
def newest_itu_edition() -> pd.Series | None:
    """ITU's newest Key ICT edition (a row of table source), once per database version; callers must not change
    it."""
    editions = data.query("""
        SELECT * FROM source WHERE dataset_key = 'itu_key_ict' ORDER BY vintage DESC NULLS LAST, source_id DESC
    """)
    return editions.iloc[0] if len(editions) else None


def published_series(group_id: str, gap: GapKind) -> tuple[pd.DataFrame, pd.Series | None]:
    """ITU's Key ICT aggregates from the newest edition: the matching group (if any) first, then World."""
    edition = newest_itu_edition()
    match = common.publisher_match(group_id, "itu_key_ict")
    codes = list(dict.fromkeys([match["group_code"] if match else "itu:world", "itu:world"]))
    if edition is None:
        return pd.DataFrame(columns=["group_code", "group_name", "year", "category", "value"]), None
    every = _published_by_code(edition["source_id"], gap.dimension)
    parts = [every[code] for code in codes if code in every]
    return (pd.concat(parts, ignore_index=True) if parts else every[None]), edition


@data.per_version_all_languages
def _published_by_code(source_id: str, dimension: str) -> dict[str | None, pd.DataFrame]:
    """One edition's aggregates of each side of a gap, by ITU group (None: an empty frame), each in year and
    category order: one query per edition and gap rather than one per group."""
    rows = data.query(f"""
        SELECT group_code, group_name, year, {dimension} AS category, value
        FROM published_aggregate
        WHERE indicator_id = 'internet_use' AND source_id = ? AND {BREAKDOWN_FILTER[dimension]}
        ORDER BY group_code, year, category
    """, [source_id])
    every: dict[str | None, pd.DataFrame] = {
        code: part.reset_index(drop=True) for code, part in rows.groupby("group_code", sort=False)}
    every[None] = rows.iloc[0:0]
    return every


@data.per_version_all_languages
def _parity_by_group(indicator_id: str) -> dict[str, pd.DataFrame]:
    return _split(data.query("""
        WITH latest AS (
            SELECT iso3, year, value FROM observation_total
            WHERE indicator_id = ?
            QUALIFY row_number() OVER (PARTITION BY iso3 ORDER BY year DESC) = 1
        )
        SELECT m.group_id, c.iso3, c.name, l.year, l.value
        FROM group_member m JOIN country c USING (iso3) LEFT JOIN latest l USING (iso3)
        ORDER BY m.group_id, l.value NULLS LAST, c.name
    """, [indicator_id]))


def member_parity(group_id: str, gap: GapKind) -> pd.DataFrame:
    """Every member of the group with its latest parity score (NULL: no survey)."""
    empty = pd.DataFrame(columns=["iso3", "name", "year", "value"])
    return _parity_by_group(gap.parity_indicator).get(group_id, empty)


@data.per_version_all_languages
def _ratio_by_group(indicator_id: str) -> dict[str, dict]:
    rows = data.query("""
        SELECT group_id, year, value, population_coverage FROM group_aggregate_total
        WHERE indicator_id = ? AND value IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY group_id ORDER BY year DESC) = 1
    """, [indicator_id])
    return {row.pop("group_id"): row for row in plain_records(rows)}


def group_parity(group_id: str, gap: GapKind) -> dict | None:
    """Our group's own ratio (a ratio of aggregates), latest year with a value; only gender has one."""
    return _ratio_by_group(gap.parity_indicator).get(group_id)


@data.per_version_all_languages
def _pairs_by_group(indicator_id: str) -> dict[str, pd.DataFrame]:
    """Every member's gap and GNI per capita in each year that has both, by group."""
    return _split(data.query("""
        WITH pairs AS (
            SELECT o.iso3, o.year, o.value AS gap, g.value AS gni
            FROM observation_total o JOIN observation_total g
              ON g.iso3 = o.iso3 AND g.year = o.year AND g.indicator_id = 'gni_per_capita' AND g.value > 0
            WHERE o.indicator_id = ?
        )
        SELECT m.group_id, c.iso3, c.name, c.wb_region, p.year, p.gap, p.gni
        FROM pairs p JOIN country c USING (iso3) JOIN group_member m ON m.iso3 = p.iso3
        ORDER BY m.group_id, p.year DESC, c.name
    """, [indicator_id]))


def scatter_years(gap: GapKind) -> list[int]:
    """Years in which at least one economy has both the gap and GNI per capita (callers must not change the
    list)."""
    return _scatter_years(gap.gap_indicator)


@data.per_version_all_languages
def _scatter_years(indicator_id: str) -> list[int]:
    world = _pairs_by_group(indicator_id).get("world")
    return [] if world is None else sorted({int(year) for year in world["year"].tolist()})


def scatter_rows(group_id: str, gap: GapKind, year: int | None) -> pd.DataFrame:
    """Members' gap and GNI per capita: in `year`, or (None) each one's latest year with both."""
    rows = _pairs_by_group(gap.gap_indicator).get(group_id)
    if rows is None:
        return pd.DataFrame(columns=["iso3", "name", "wb_region", "year", "gap", "gni"])
    rows = rows[rows["year"] == year] if year is not None else rows.drop_duplicates("iso3")  # newest year first
    return rows.sort_values("name").reset_index(drop=True)


@data.per_version_all_languages
def _internet_use_rows(dimension: str | None) -> tuple[dict, ...]:
    """Every economy's Internet use rows, in total (None) or for each side of one gap, in the order the chart and
    table read them (name, year, side): filtering these in memory costs less than a query per set of countries."""
    if dimension is None:
        rows = data.query("""
            SELECT o.iso3, c.name, o.year, o.value FROM observation_total o JOIN country c USING (iso3)
            WHERE o.indicator_id = 'internet_use' ORDER BY c.name, o.year
        """)
    else:
        rows = data.query(f"""
            SELECT o.iso3, c.name, o.year, o.{dimension} AS category, o.value
            FROM observation o JOIN country c USING (iso3)
            WHERE o.indicator_id = 'internet_use' AND {BREAKDOWN_FILTER[dimension]}
            ORDER BY c.name, o.year, category
        """)
    return tuple(plain_records(rows))


def country_rows(codes: tuple[str, ...], gap: GapKind) -> tuple[list[dict], list[dict]]:
    """The chosen economies' total Internet use over time and their values for each side of the gap, as rows
    (iso3, name, year, value; the second list with category too). Callers must not change them."""
    return _chosen(_internet_use_by_economy(None), codes), _chosen(_internet_use_by_economy(gap.dimension), codes)


def _chosen(by_economy: dict[str, tuple[tuple[int, dict], ...]], codes: tuple[str, ...]) -> list[dict]:
    """The chosen economies' rows, in the order of all the rows (their positions there)."""
    return [row for _position, row in sorted(pair for code in set(codes) for pair in by_economy.get(code, ()))]


@data.per_version_all_languages
def _internet_use_by_economy(dimension: str | None) -> dict[str, tuple[tuple[int, dict], ...]]:
    """_internet_use_rows split by economy, each row with its position, so that a few chosen economies are
    picked without reading every row."""
    by_economy: dict[str, list[tuple[int, dict]]] = {}
    for position, row in enumerate(_internet_use_rows(dimension)):
        by_economy.setdefault(row["iso3"], []).append((position, row))
    return {code: tuple(rows) for code, rows in by_economy.items()}


def inequality_rows() -> pd.DataFrame:
    return data.query("""
        SELECT year, n_countries, gini, theil, theil_between, theil_within FROM inequality
        WHERE indicator_id = 'internet_use' ORDER BY year
    """)


def sources_of(indicator_id: str, dimension: str = "total") -> pd.DataFrame:
    """The releases the rows of one indicator (and breakdown) actually come from."""
    rows = ("observation_total WHERE" if dimension == "total"
            else f"observation WHERE {BREAKDOWN_FILTER[dimension]} AND")
    return data.query(f"""
        SELECT * FROM source WHERE source_id IN (SELECT DISTINCT source_id FROM {rows} indicator_id = ?)
        ORDER BY source_id
    """, [indicator_id])


def indicator_descriptions(ids: list[str]) -> pd.DataFrame:
    marks = ", ".join("?" for _ in ids)
    return data.query(f"SELECT indicator_id, name, description FROM indicator WHERE indicator_id IN ({marks})", ids)

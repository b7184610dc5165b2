"""The Data page's queries (and the /download files'): the choices the database knows, and one selection of
observations, on screen (capped) or whole (uncached: files are large and rarely asked twice)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from dashboard import data
from dashboard.queries import common

SCREEN_CAP = 5000  # rows the on-screen table pages through; downloads are uncapped
COLUMNS = ["indicator_id", "iso3", "name", "year", "sex", "area", "age", "value", "obs_status", "unit", "source_id",
           "license"]


BREAKDOWNS = ("sex", "area", "age")


class DataState(NamedTuple):
    """A selection of observations (a NamedTuple: Dash's page loader cannot hold dataclasses)."""

    indicators: tuple[str, ...]
    countries: tuple[str, ...] = ()
    group: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    sex: str = "total"
    area: str = "total"
    age: str = "total"
    page: int = 1


def indicator_choices() -> pd.DataFrame:
    return common.indicators()[["indicator_id", "name", "unit"]]


def group_choices() -> pd.DataFrame:
    return data.query("""
        SELECT cg.group_id, cg.group_type, cg.name,
               (SELECT count(*) FROM group_member gm WHERE gm.group_id = cg.group_id) AS members
        FROM country_group cg
        ORDER BY CASE cg.group_type WHEN 'world' THEN 0 WHEN 'wb_region' THEN 1 WHEN 'income_group' THEN 2
                 WHEN 'ldc' THEN 3 WHEN 'lldc' THEN 4 WHEN 'sids' THEN 5 ELSE 6 END, cg.name
    """)


def breakdown_choices() -> dict[str, list[str]]:
    """The values each breakdown takes in the database ('total' first)."""
    rows = data.query("SELECT DISTINCT sex, area, age FROM observation")
    return {key: sorted(set(rows[key]), key=lambda value: (value != "total", value)) for key in BREAKDOWNS}


def year_range(indicators: tuple[str, ...]) -> tuple[int, int] | None:
    """The first and last year with an observation of any of the indicators (None: none has one)."""
    spans = [_year_spans()[indicator] for indicator in indicators if indicator in _year_spans()]
    if not spans:
        return None
    return min(first for first, _ in spans), max(last for _, last in spans)


@data.per_version
def _year_spans() -> dict[str, tuple[int, int]]:
    """Each indicator's (first, last) year, from one query per database version: a query per selection cost the
    Data page's table about a fifth of its time."""
    rows = data.query("SELECT indicator_id, min(year) AS first, max(year) AS last FROM observation GROUP BY ALL")
    return {indicator: (int(first), int(last)) for indicator, first, last
            in zip(rows["indicator_id"].tolist(), rows["first"].tolist(), rows["last"].tolist(), strict=True)}


def _where(state: DataState) -> tuple[str, list]:
    marks = ", ".join("?" for _ in state.indicators)
    clauses, params = [f"o.indicator_id IN ({marks})"], list(state.indicators)
    if state.countries:
        clauses.append(f"o.iso3 IN ({', '.join('?' for _ in state.countries)})")
        params += list(state.countries)
    elif state.group:
        clauses.append("o.iso3 IN (SELECT iso3 FROM group_member WHERE group_id = ?)")
        params.append(state.group)
    if state.year_from is not None:
        clauses.append("o.year >= ?")
        params.append(state.year_from)
    if state.year_to is not None:
        clauses.append("o.year <= ?")
        params.append(state.year_to)
    for key in BREAKDOWNS:
        if getattr(state, key) != "all":
            clauses.append(f"o.{key} = ?")
            params.append(getattr(state, key))
    return " AND ".join(clauses), params


_SELECT = """
    SELECT o.indicator_id, o.iso3, c.name, o.year, o.sex, o.area, o.age, o.value, o.obs_status, i.unit, o.source_id,
           s.license
    FROM observation o JOIN country c ON c.iso3 = o.iso3 JOIN indicator i ON i.indicator_id = o.indicator_id
    JOIN source s ON s.source_id = o.source_id
    WHERE {where}
    ORDER BY o.indicator_id, c.name, o.iso3, o.year, o.sex, o.area, o.age
"""


_ORDER = "indicator_id, name, iso3, year, sex, area, age"  # _SELECT's order, by its output columns
_SOURCE_COLUMNS = """o.indicator_id, i.name, i.unit, i.source_code, o.source_id, s.publisher, s.dataset, s.vintage,
    s.license, s.license_url, s.attribution, s.url"""
_SOURCE_ORDER = "o.indicator_id, s.vintage DESC NULLS LAST, o.source_id"


def selection(state: DataState) -> pd.DataFrame:
    """Every row of the selection, uncapped (the downloads), in the order of the on-screen table. Not cached:
    hundreds of distinct selections of up to tens of MB each grew workers by GB (the query cache is bounded by
    bytes, but files are asked for once)."""
    where, params = _where(state)
    return data.query_uncached(_SELECT.format(where=where), params)


class Screen(NamedTuple):
    rows: pd.DataFrame  # the first SCREEN_CAP rows of the selection, in the order of the downloads
    total: int  # rows in the whole selection
    sources: pd.DataFrame  # the releases of the whole selection, as sources() gives them


def screen(state: DataState) -> Screen:
    """The first SCREEN_CAP rows of the selection (same query, same order), its size and its sources, from one
    query: besides the capped rows it returns the first row of each (indicator, release) with that pair's count
    over the whole selection. A second query for the sources cost the table about a third of its time."""
    where, params = _where(state)
    rows = data.query(f"""
        SELECT *, count(*) OVER () AS total_rows, count(*) OVER (PARTITION BY indicator_id, source_id) AS source_rows,
               row_number() OVER (PARTITION BY indicator_id, source_id) = 1 AS first_of_source
        FROM (SELECT *, row_number() OVER (ORDER BY {_ORDER}) AS position FROM ({_SELECT.format(where=where)}))
        QUALIFY position <= {SCREEN_CAP} OR first_of_source
        ORDER BY position""", params)
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    shown = rows[rows["position"] <= SCREEN_CAP][COLUMNS].reset_index(drop=True)
    firsts = rows[rows["first_of_source"]]
    counts = dict(zip(zip(firsts["indicator_id"].tolist(), firsts["source_id"].tolist(), strict=True),
                      firsts["source_rows"].tolist(), strict=True))
    return Screen(shown, total, _sources_with_counts(counts))


def sources_of_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """What sources() gives for a selection, counted from its rows (a download holds them all already)."""
    return _sources_with_counts(Counter(zip(rows["indicator_id"].tolist(), rows["source_id"].tolist(), strict=True)))


def _sources_with_counts(counts: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    """The releases of `counts` ((indicator, source) → rows) with their details, in the order of sources()."""
    details = _source_details()
    keys = list(zip(details["indicator_id"].tolist(), details["source_id"].tolist(), strict=True))
    picked = [position for position, key in enumerate(keys) if key in counts]
    return details.iloc[picked].assign(rows=[counts[keys[position]] for position in picked]).reset_index(drop=True)


@data.per_version
def _source_details() -> pd.DataFrame:
    """Every (indicator, release) pair that has observations, with the columns of sources() but the count."""
    return data.query(f"""
        SELECT DISTINCT {_SOURCE_COLUMNS} FROM observation o JOIN indicator i ON i.indicator_id = o.indicator_id
        JOIN source s ON s.source_id = o.source_id
        ORDER BY {_SOURCE_ORDER}""")


def full_series(indicators: tuple[str, ...]) -> pd.DataFrame:
    """Every observation of the indicators: all years, economies and breakdowns."""
    return selection(DataState(indicators, sex="all", area="all", age="all"))


def sources(state: DataState) -> pd.DataFrame:
    """The releases the selection's rows come from, with their licences."""
    where, params = _where(state)
    return data.query(f"""
        SELECT {_SOURCE_COLUMNS}, count(*) AS rows
        FROM observation o JOIN indicator i ON i.indicator_id = o.indicator_id
        JOIN source s ON s.source_id = o.source_id
        WHERE {where}
        GROUP BY ALL ORDER BY {_SOURCE_ORDER}
    """, params)

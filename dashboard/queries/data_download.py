"""The Data page's queries (and the /download files'): the choices the database knows, and one selection of
observations, on screen (capped: picked from a compact copy of every observation kept per database version) or whole
(a query, uncached: files are large and rarely asked twice)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
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


@data.per_version_all_languages
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
    ORDER BY {order}
"""
# The rows' order on screen and in the files: a total order (the observation's key, with the economy's name).
_TABLE_ORDER = "o.indicator_id, c.name, o.iso3, o.year, o.sex, o.area, o.age"
_SOURCE_COLUMNS = """o.indicator_id, i.name, i.unit, i.source_code, o.source_id, s.publisher, s.dataset, s.vintage,
    s.license, s.license_url, s.attribution, s.url"""
_SOURCE_ORDER = "o.indicator_id, s.vintage DESC NULLS LAST, o.source_id"


def selection(state: DataState) -> pd.DataFrame:
    """Every row of the selection, uncapped (the downloads), in the order of the on-screen table. Not cached:
    hundreds of distinct selections of up to tens of MB each grew workers by GB (the query cache is bounded by
    bytes, but files are asked for once)."""
    where, params = _where(state)
    return data.query_uncached(_SELECT.format(where=where, order=_TABLE_ORDER), params)


class Observations(NamedTuple):
    """Every observation the Data page can show, in the table's order (_SELECT's), as compact columns: text as
    small integer codes into lists of its values. Built once per database version (about 5 MB for 260,000 rows),
    so that a selection is a few numpy masks over its indicators' spans, not a query per request (a query per
    selection was most of the Data page's cost, and its cached results, up to SCREEN_CAP rows each, rarely
    answered twice)."""

    spans: dict[str, tuple[int, int]]  # indicator → (start, stop) of its rows, in the table's order
    indicator: np.ndarray  # code into `indicators` (int16)
    indicators: list[str]
    iso3: np.ndarray  # code into `economies` (int16)
    economies: list[str]  # iso3 codes
    names: list[str]  # the database's (English) name of each economy, by code
    year: np.ndarray  # int16
    breakdowns: dict[str, tuple[np.ndarray, list[str]]]  # by BREAKDOWNS key: codes (int8) and their values
    value: np.ndarray  # float64
    status: np.ndarray  # code into `statuses` (int16)
    statuses: list[str | None]  # None: no flag
    source: np.ndarray  # code into `sources` (int16)
    sources: list[str]  # source ids
    units: list[str]  # each indicator's unit, by indicator code
    licenses: list[str]  # each source's licence, by source code
    members: dict[str, frozenset[str]]  # each group's economies (iso3)


def observations() -> Observations:
    """This version's Observations. Kept by version only, not by language as `data.per_version` would: the
    columns are the same in every language, and six copies would take half the budget of what pages keep."""
    return data.versioned_cache.get((data.current_version(), "data_download.observations"), _read_observations)


# The text columns held as codes: (the observation's column, the values numbered, in the order the code follows). An
# economy's code follows its name, then its iso3, as the table's order does; the breakdowns' and flags' codes follow
# their values, a flag's absence (NULL) last.
_CODED = {
    "indicator": ("o.indicator_id", "SELECT indicator_id AS v, row_number() OVER (ORDER BY indicator_id) AS k "
                                    "FROM indicator"),
    "iso3": ("o.iso3", "SELECT iso3 AS v, row_number() OVER (ORDER BY name, iso3) AS k FROM country"),
    **{key: (f"o.{key}", f"SELECT v, row_number() OVER (ORDER BY v) AS k FROM (SELECT DISTINCT {key} AS v "
                         "FROM observation)") for key in BREAKDOWNS},
    "status": ("o.obs_status", "SELECT v, row_number() OVER (ORDER BY v NULLS LAST) AS k FROM "
                               "(SELECT DISTINCT obs_status AS v FROM observation)"),
    "source": ("o.source_id", "SELECT source_id AS v, row_number() OVER (ORDER BY source_id) AS k FROM source"),
}


def _read_observations() -> Observations:
    # Codes from DuckDB, and the table's order from numpy: the whole table as a frame of Python strings, sorted by
    # DuckDB, held ~200 MB more while it was read.
    numbered = ", ".join(f"{name}_codes AS ({sql})" for name, (_column, sql) in _CODED.items())
    joins = " ".join(f"JOIN {name}_codes ON {name}_codes.v IS NOT DISTINCT FROM {column}"
                     for name, (column, _sql) in _CODED.items())
    rows = data.query_uncached(f"""
        WITH {numbered}
        SELECT {", ".join(f"({name}_codes.k - 1)::SMALLINT AS {name}" for name in _CODED)}, o.year, o.value
        FROM observation o JOIN country c ON c.iso3 = o.iso3 JOIN indicator i ON i.indicator_id = o.indicator_id
        JOIN source s ON s.source_id = o.source_id {joins}""")
    values = {name: data.query(f"WITH numbered AS ({sql}) SELECT v FROM numbered ORDER BY k")["v"].tolist()
              for name, (_column, sql) in _CODED.items()}
    values["status"] = [None if pd.isna(status) else status for status in values["status"]]
    # _TABLE_ORDER: indicator, economy (by name, then iso3), year, sex, area, age: the last key sorts first.
    order = np.lexsort([rows[name].to_numpy() for name in ("age", "area", "sex", "year", "iso3", "indicator")])
    codes = {name: rows[name].to_numpy(dtype="int8" if name in BREAKDOWNS else "int16")[order] for name in _CODED}
    indicator, indicators = codes["indicator"], values["indicator"]
    starts = [*np.flatnonzero(np.diff(indicator, prepend=-1)).tolist(), len(indicator)]
    spans = {indicators[code]: (start, stop) for code, start, stop
             in zip(indicator[starts[:-1]].tolist(), starts[:-1], starts[1:], strict=True)}
    names = _lookup("SELECT iso3, name FROM country")
    units = _lookup("SELECT indicator_id, unit FROM indicator")
    licenses = _lookup("SELECT source_id, license FROM source")
    members = data.query("SELECT group_id, iso3 FROM group_member")
    groups: dict[str, set[str]] = {}
    for group, code in zip(members["group_id"].tolist(), members["iso3"].tolist(), strict=True):
        groups.setdefault(group, set()).add(code)
    return Observations(
        spans, indicator, indicators, codes["iso3"], values["iso3"], [names[code] for code in values["iso3"]],
        rows["year"].to_numpy(dtype="int16")[order], {key: (codes[key], values[key]) for key in BREAKDOWNS},
        rows["value"].to_numpy(dtype="float64")[order], codes["status"], values["status"], codes["source"],
        values["source"], [units[code] for code in indicators], [licenses[code] for code in values["source"]],
        {group: frozenset(codes) for group, codes in groups.items()})


def _lookup(sql: str) -> dict:
    """The first column of a two-column query → its second."""
    rows = data.query(sql)
    return dict(zip(*(rows[column].tolist() for column in rows.columns), strict=True))


class Found(NamedTuple):
    """A selection's rows, as positions in Observations (in the table's order, uncapped), and its row count per
    (indicator, source release)."""

    positions: np.ndarray
    counts: dict[tuple[str, str], int]


def find(state: DataState) -> Found:
    """The rows of a selection: masks over the spans of its indicators (the rows _where(state) asks for)."""
    table = observations()
    chosen = set(state.indicators)
    spans = [span for indicator, span in table.spans.items() if indicator in chosen]  # the table's order
    if not spans:
        return Found(np.empty(0, dtype="int64"), {})
    positions = np.concatenate([np.arange(start, stop) for start, stop in spans])
    keep = np.ones(len(positions), dtype=bool)
    economies = (set(state.countries) if state.countries
                 else table.members.get(state.group, frozenset()) if state.group else None)
    if economies is not None:
        allowed = np.array([code in economies for code in table.economies], dtype=bool)
        keep &= allowed[table.iso3[positions]]
    if state.year_from is not None:
        keep &= table.year[positions] >= state.year_from
    if state.year_to is not None:
        keep &= table.year[positions] <= state.year_to
    for key in BREAKDOWNS:
        wanted = getattr(state, key)
        if wanted != "all":
            codes, values = table.breakdowns[key]
            if wanted not in values:
                return Found(np.empty(0, dtype="int64"), {})
            keep &= codes[positions] == values.index(wanted)
    positions = positions[keep]
    pairs, counts = np.unique(table.indicator[positions].astype("int32") * len(table.sources) +
                              table.source[positions], return_counts=True)
    return Found(positions, {(table.indicators[pair // len(table.sources)], table.sources[pair % len(table.sources)]):
                             count for pair, count in zip(pairs.tolist(), counts.tolist(), strict=True)})


def rows_at(positions: np.ndarray) -> list[tuple]:
    """The rows at these positions as tuples of plain Python values, in COLUMNS' order."""
    table = observations()
    indicators = [table.indicators[code] for code in table.indicator[positions].tolist()]
    economies = table.iso3[positions].tolist()
    sources = table.source[positions].tolist()
    breakdowns = [[values[code] for code in codes[positions].tolist()] for codes, values
                  in (table.breakdowns[key] for key in BREAKDOWNS)]
    return list(zip(
        indicators, [table.economies[code] for code in economies], [table.names[code] for code in economies],
        table.year[positions].tolist(), *breakdowns, table.value[positions].tolist(),
        [table.statuses[code] for code in table.status[positions].tolist()],
        [table.units[code] for code in table.indicator[positions].tolist()],
        [table.sources[code] for code in sources], [table.licenses[code] for code in sources], strict=True))


class Screen(NamedTuple):
    rows: pd.DataFrame  # the first SCREEN_CAP rows of the selection, in the order of the downloads
    total: int  # rows in the whole selection
    sources: pd.DataFrame  # the releases of the whole selection, as sources() gives them


def screen(state: DataState) -> Screen:
    """The first SCREEN_CAP rows of the selection (the downloads' order), its size and its sources, as frames
    (the page itself reads `find` and `rows_at`, a page of rows at a time)."""
    found = find(state)
    shown = pd.DataFrame(rows_at(found.positions[:SCREEN_CAP]), columns=COLUMNS)
    return Screen(shown, len(found.positions), _sources_with_counts(found.counts))


def sources_of_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """What sources() gives for a selection, counted from its rows (a download holds them all already)."""
    return _sources_with_counts(Counter(zip(rows["indicator_id"].tolist(), rows["source_id"].tolist(), strict=True)))


def _sources_with_counts(counts: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    """The releases of `counts` ((indicator, source) → rows) with their details, in the order of sources()."""
    details = _source_details()
    keys = list(zip(details["indicator_id"].tolist(), details["source_id"].tolist(), strict=True))
    picked = [position for position, key in enumerate(keys) if key in counts]
    return details.iloc[picked].assign(rows=[counts[keys[position]] for position in picked]).reset_index(drop=True)


def releases(counts: Mapping[tuple[str, str], int]) -> list[tuple]:
    """The releases of `counts` ((indicator, source) → rows) in the order of sources(): each its row of details
    (a named tuple of sources()' columns but the count) and its count."""
    return [(row, counts[key]) for key, row in _release_rows() if key in counts]


@data.per_version_all_languages
def _release_rows() -> list[tuple[tuple[str, str], tuple]]:
    """_source_details' rows as named tuples, by (indicator, source): per request, a plain list is sliced."""
    return [((row.indicator_id, row.source_id), row) for row in _source_details().itertuples()]


@data.per_version_all_languages
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

"""Whole tables read once per database version, answering per-indicator (and per-pair) questions in memory.

As a query each, every indicator a reader picks cost 10-40 ms on a busy server, and with 149 indicators (149²
pairs on Scatter) the same question rarely comes back while still cached. So the observations (totals only)
load in one query (~0.4 s on a busy server, once per worker and version) into plain arrays per indicator,
which answer Explore's map, trends and year slider and Scatter's points and years in a millisecond or two;
small tables are read whole and sliced per indicator (rows_of). Arrays, not DataFrames: pandas' merges and
takes on string columns cost more than the queries they replace.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import data
from dashboard.queries import common


@data.per_version_all_languages
def _split(sql: str, keys: tuple[str, ...]) -> tuple[pd.DataFrame, dict, dict[str, np.ndarray]]:
    """The whole result of `sql`, the positions of its rows per value of the `keys` columns and its columns as
    arrays."""
    frame = data.query_uncached(sql)
    return (frame, frame.groupby(list(keys) if len(keys) > 1 else keys[0]).indices,
            {name: frame[name].to_numpy() for name in frame.columns})


def rows_of(sql: str, keys: tuple[str, ...], key, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The rows of `sql` whose `keys` columns equal `key` (a tuple for several keys), in the query's order,
    indexed from 0; only `columns` when given. `sql` is read whole once per database version: a table small
    enough to hold."""
    frame, positions, arrays = _split(sql, keys)
    at = positions.get(key)
    if columns is None:
        return frame.take(at if at is not None else []).reset_index(drop=True)
    # One frame made of the columns' slices: cheaper than a take of the whole frame, then a choice of columns.
    return pd.DataFrame({name: arrays[name][at] if at is not None else arrays[name][:0] for name in columns})


def _objects(column: pd.Series) -> np.ndarray:
    """A column as Python objects, None where missing (as a query's result holds them)."""
    return np.array([None if pd.isna(value) else value for value in column.tolist()], dtype=object)


class Economies(NamedTuple):
    """The country table by name (common.countries), as arrays; an economy is its position here."""
    columns: dict[str, np.ndarray]  # iso3, name, wb_region, income_group
    position: dict[str, int]  # iso3 -> position
    by_iso3: np.ndarray  # the positions in iso3 order


class Observations(NamedTuple):
    """One indicator's observations (totals), by economy (its position, i.e. by name) and year, in step."""
    economy: np.ndarray
    year: np.ndarray
    value: np.ndarray
    status: np.ndarray  # the publisher's flag, None for none


@data.per_version_all_languages
def economies() -> Economies:
    frame = common.countries()
    columns = {name: _objects(frame[name]) for name in ("iso3", "name", "wb_region", "income_group")}
    iso3 = columns["iso3"].tolist()
    return Economies(columns, {code: at for at, code in enumerate(iso3)},
                     np.array(sorted(range(len(iso3)), key=iso3.__getitem__), dtype=np.int64))


@data.per_version_all_languages
def _observations() -> dict[str, Observations]:
    rows = data.query_uncached("""
        SELECT o.indicator_id, o.iso3, o.year, o.value, o.obs_status
        FROM observation_total o JOIN country c USING (iso3)
        ORDER BY o.indicator_id, c.name, o.year
    """)
    position = economies().position
    economy = np.array([position[code] for code in rows["iso3"].tolist()], dtype=np.int64)
    year, value, status = rows["year"].to_numpy(), rows["value"].to_numpy(dtype=float), _objects(rows["obs_status"])
    return {indicator_id: Observations(economy[at], year[at], value[at], status[at])
            for indicator_id, at in rows.groupby("indicator_id").indices.items()}


def _of(indicator_id: str) -> Observations:
    found = _observations().get(indicator_id)
    if found is None:
        empty = np.array([], dtype=np.int64)
        return Observations(empty, empty.astype(np.int16), empty.astype(float), empty.astype(object))
    return found


def map_values(indicator_id: str, year: int) -> pd.DataFrame:
    """Every economy, by iso3: iso3, name, wb_region, income_group, and its value and flag for `year` (NaN and
    None where there is none)."""
    value, status = _year_values(indicator_id, year)
    order = economies().by_iso3
    return pd.DataFrame({**{name: column[order] for name, column in economies().columns.items()},
                         "value": value[order], "obs_status": status[order]})


class MapColumns(NamedTuple):
    """map_values' iso3, name, value and flag columns, for a page that reads them as lists (no frame built)."""
    iso3: list[str]
    name: list[str]
    value: np.ndarray  # float, NaN where there is none
    status: list  # the publisher's flag, None for none


@data.per_version_all_languages
def _by_iso3() -> tuple[list[str], list[str]]:
    known = economies()
    return known.columns["iso3"][known.by_iso3].tolist(), known.columns["name"][known.by_iso3].tolist()


def map_columns(indicator_id: str, year: int) -> MapColumns:
    """map_values as lists and an array (callers must not change the lists of codes and names: they are shared)."""
    value, status = _year_values(indicator_id, year)
    order = economies().by_iso3
    iso3, names = _by_iso3()
    return MapColumns(iso3, names, value[order], status[order].tolist())


def _year_values(indicator_id: str, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Each economy's value (NaN for none) and flag (None) for `year`, by position in `economies`."""
    rows = _of(indicator_id)
    count = len(economies().by_iso3)
    value, status = np.full(count, np.nan), np.full(count, None, dtype=object)
    that_year = rows.year == year
    value[rows.economy[that_year]] = rows.value[that_year]
    status[rows.economy[that_year]] = rows.status[that_year]
    return value, status


def series(indicator_id: str, iso3_codes: tuple[str, ...]) -> pd.DataFrame:
    """The economies' observations, by name and year: iso3, name, year, value, obs_status."""
    known, rows = economies(), _of(indicator_id)
    chosen = np.isin(rows.economy, [known.position[code] for code in iso3_codes if code in known.position])
    at = rows.economy[chosen]
    return pd.DataFrame({"iso3": known.columns["iso3"][at], "name": known.columns["name"][at],
                         "year": rows.year[chosen], "value": rows.value[chosen], "obs_status": rows.status[chosen]})


def _latest(indicator_id: str, year: int, window: int) -> Observations:
    """Each economy's latest observation from `year - window` to `year`."""
    rows = _of(indicator_id)
    inside = (rows.year >= year - window) & (rows.year <= year)
    economy = rows.economy[inside]
    last = np.append(economy[1:] != economy[:-1], True) if len(economy) else np.array([], dtype=bool)
    return Observations(*(column[inside][last] for column in rows))


def pair_values(x_id: str, y_id: str, year: int, window: int, size_id: str) -> pd.DataFrame:
    """Each economy with a value of both `x_id` and `y_id` for `year` (else its latest of the `window` years
    before), by name: iso3, name, wb_region, income_group, x, x_year, y, y_year, and `size_id`'s latest value
    in the same years as population, population_year (NaN when there is none)."""
    x, y, size = _latest(x_id, year, window), _latest(y_id, year, window), _latest(size_id, year, window)
    both, at_x, at_y = np.intersect1d(x.economy, y.economy, assume_unique=True, return_indices=True)
    at_size = np.searchsorted(size.economy, both)
    sized = at_size < len(size.economy)
    sized[sized] = size.economy[at_size[sized]] == both[sized]
    at_size = np.where(sized, at_size, 0)
    columns = economies().columns
    return pd.DataFrame({
        **{name: column[both] for name, column in columns.items()},
        "x": x.value[at_x], "x_year": x.year[at_x], "y": y.value[at_y], "y_year": y.year[at_y],
        "population": np.where(sized, size.value[at_size] if len(size.value) else np.nan, np.nan),
        "population_year": np.where(sized, size.year[at_size] if len(size.year) else np.nan, np.nan)})


class Grid(NamedTuple):
    """Every indicator's reports as a grid, economy by year: True where the economy has a value that year."""
    first_year: int
    by_indicator: dict[str, np.ndarray]  # indicator_id -> bool array [economy, year - first_year]
    empty: np.ndarray  # the grid of an indicator without observations


@data.per_version_all_languages
def _grid() -> Grid:
    # Every observation's economy is in the country table (a foreign key): the observations held are all of them.
    observations = _observations()
    years = [rows.year for rows in observations.values()]
    first_year = int(min(map(np.min, years))) if years else 0
    last_year = int(max(map(np.max, years))) if years else -1
    shape = (len(economies().by_iso3), last_year - first_year + 1)
    by_indicator = {}
    for indicator_id, rows in observations.items():
        grid = np.zeros(shape, dtype=bool)
        grid[rows.economy, rows.year.astype(np.int64) - first_year] = True
        by_indicator[indicator_id] = grid
    return Grid(first_year, by_indicator, np.zeros(shape, dtype=bool))


def year_counts(indicator_id: str) -> pd.DataFrame:
    """Economies with a value, per year: columns year, economies, by year (years without any left out)."""
    grid = _grid()
    counts = grid.by_indicator.get(indicator_id, grid.empty).sum(axis=0)
    years = np.flatnonzero(counts)
    return pd.DataFrame({"year": years + grid.first_year, "economies": counts[years]})


def _within(reports: np.ndarray, window: int) -> np.ndarray:
    """True where the economy has a value that year or in one of the `window` years before it."""
    covered = reports.copy()
    for shift in range(1, min(window, reports.shape[1] - 1) + 1):
        covered[:, shift:] |= reports[:, :-shift]
    return covered


def pair_years(x_id: str, y_id: str, window: int) -> pd.DataFrame:
    """Per year in which either indicator reports, the economies with a value of both (in that year or the
    `window` years before it): columns year, economies, by year; years with none left out."""
    grid = _grid()
    x, y = grid.by_indicator.get(x_id, grid.empty), grid.by_indicator.get(y_id, grid.empty)
    counts = (_within(x, window) & _within(y, window)).sum(axis=0)
    years = np.flatnonzero((counts > 0) & (x | y).any(axis=0))
    return pd.DataFrame({"year": years + grid.first_year, "economies": counts[years]})

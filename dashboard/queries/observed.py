"""Whole tables read once per database version, answering per-indicator (and per-pair) questions in memory.

The observations (totals only), with which economies report each indicator in which years, and small tables
sliced per indicator (rows_of): as a query each, every indicator a reader picks cost 10-30 ms on a busy
server, and with 149 indicators (and 149² pairs) the same question rarely comes back while still cached.

The observations load in one query (~0.4 s on a busy server, once per worker and version; ~15 MB) and then
answer Explore's map, trends and year slider and Scatter's points and years; a pair's years, as SQL a
self-join of the observations (~30 ms), take well under a millisecond on the economy-by-year grids.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import data
from dashboard.queries import common

TOTALS = """
    SELECT o.indicator_id, o.iso3, c.name, o.year, o.value, o.obs_status
    FROM observation_total o JOIN country c USING (iso3)
    ORDER BY o.indicator_id, c.name, o.year
"""


@data.per_version
def _split(sql: str, keys: tuple[str, ...]) -> tuple[pd.DataFrame, dict]:
    """The whole result of `sql` and the positions of its rows per value of the `keys` columns."""
    frame = data.query_uncached(sql)
    return frame, frame.groupby(list(keys) if len(keys) > 1 else keys[0]).indices


def rows_of(sql: str, keys: tuple[str, ...], key) -> pd.DataFrame:
    """The rows of `sql` whose `keys` columns equal `key` (a tuple for several keys), in the query's order,
    indexed from 0. `sql` is read whole once per database version: a table small enough to hold."""
    frame, positions = _split(sql, keys)
    return frame.take(positions.get(key, [])).reset_index(drop=True)


def totals(indicator_id: str) -> pd.DataFrame:
    """The indicator's observations (totals) of economies in the country table: iso3, name, year, value,
    obs_status, by name and year."""
    return rows_of(TOTALS, ("indicator_id",), indicator_id)


@data.per_version
def countries_by_iso3() -> pd.DataFrame:
    """Every economy (iso3, name, wb_region, income_group), by iso3."""
    return common.countries().sort_values("iso3").reset_index(drop=True)


class Grid(NamedTuple):
    """Every indicator's reports as a grid, economy by year: True where the economy has a value that year."""
    first_year: int
    by_indicator: dict[str, np.ndarray]  # indicator_id -> bool array [economy, year - first_year]
    empty: np.ndarray  # the grid of an indicator without observations


@data.per_version
def _grid() -> Grid:
    rows, positions = _split(TOTALS, ("indicator_id",))  # every observation's economy is in the country table
    economies, _ = pd.factorize(rows["iso3"])
    years = rows["year"].to_numpy(dtype=np.int64)
    first_year = int(years.min()) if len(rows) else 0
    shape = (economies.max() + 1 if len(rows) else 0, years.max() - first_year + 1 if len(rows) else 0)
    by_indicator = {}
    for indicator_id, at in positions.items():
        grid = np.zeros(shape, dtype=bool)
        grid[economies[at], years[at] - first_year] = True
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

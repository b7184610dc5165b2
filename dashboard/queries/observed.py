"""Which economies report each indicator in which years (totals only), read once per database version.

Explore's year slider and Scatter's year choices ask this for any indicator, or any pair of indicators, a
reader picks: as one query each, a pair's years cost a self-join of the observations (~30 ms per pair, and
the 149² pairs rarely repeat), while the whole table's (indicator, economy, year) triples load in one query
(~0.3 s, once per worker and version) and then answer any indicator or pair in well under a millisecond.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import data


class Grid(NamedTuple):
    """Every indicator's reports as a grid, economy by year: True where the economy has a value that year."""
    first_year: int
    by_indicator: dict[str, np.ndarray]  # indicator_id -> bool array [economy, year - first_year]
    empty: np.ndarray  # the grid of an indicator without observations


@data.per_version
def _grid() -> Grid:
    rows = data.query_uncached("SELECT indicator_id, iso3, year FROM observation_total")
    economies, _ = pd.factorize(rows["iso3"])
    years = rows["year"].to_numpy(dtype=np.int64)
    first_year = int(years.min()) if len(rows) else 0
    shape = (economies.max() + 1 if len(rows) else 0, years.max() - first_year + 1 if len(rows) else 0)
    by_indicator = {}
    for indicator_id, positions in rows.groupby("indicator_id").indices.items():
        grid = np.zeros(shape, dtype=bool)
        grid[economies[positions], years[positions] - first_year] = True
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

"""The Scatter page's queries: two indicators' totals for one year, per economy, with its population.

An economy without a value in the chosen year is given its latest value from the `window` years before it
(each value keeps its own year, which the page shows), so that a year some publishers have not reported yet
still has a full picture; window 0 asks for the year itself only.
"""

from __future__ import annotations

import pandas as pd

from dashboard.queries import observed

POPULATION = "population"  # the indicator that sizes the points


def pair_years(x_id: str, y_id: str, window: int) -> pd.DataFrame:
    """Per year in which either indicator reports, the economies with a value of both (in that year or the
    `window` years before it): columns year, economies; years with none left out. Counted in memory
    (dashboard/queries/observed.py): as SQL, a self-join per pair cost ~30 ms."""
    return observed.pair_years(x_id, y_id, window)


def pair_year_counts(x_id: str, y_id: str, window: int) -> tuple[list[int], list[int]]:
    """pair_years as two lists in step: the years, oldest first, and the economies counted in each."""
    years = observed.pair_years(x_id, y_id, window)
    return [int(year) for year in years["year"].tolist()], [int(count) for count in years["economies"].tolist()]


def pair_values(x_id: str, y_id: str, year: int, window: int) -> pd.DataFrame:
    """One row per economy with a value of both indicators for `year` (else the latest of the `window` years
    before), by name: iso3, name, wb_region, income_group, x, x_year, y, y_year, population, population_year
    (NaN when the population is not known within the window). From the observations held in memory
    (dashboard/queries/observed.py): as SQL, ~40 ms a pair on a busy server."""
    return observed.pair_values(x_id, y_id, year, window, POPULATION)

"""dashboard/queries/observed.py: years and pair years counted in memory equal a count over the built database's
observation_total rows, done here in plain Python (sets of economies per year), not with the module's grids."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard.queries import observed

PAIRS = [("gni_per_capita", "internet_use"), ("internet_use", "gni_per_capita"), ("internet_use", "internet_use"),
         ("mobile_broadband_per_100", "population")]


def reports(db: duckdb.DuckDBPyConnection, indicator_id: str) -> dict[int, set[str]]:
    """Year -> the economies with a value of `indicator_id` that year."""
    found: dict[int, set[str]] = {}
    for iso3, year in db.execute("SELECT iso3, year FROM observation_total WHERE indicator_id = ?",
                                 [indicator_id]).fetchall():
        found.setdefault(int(year), set()).add(iso3)
    return found


def expected_pair_years(db: duckdb.DuckDBPyConnection, x_id: str, y_id: str, window: int) -> dict[int, int]:
    x, y = reports(db, x_id), reports(db, y_id)

    def within(by_year: dict[int, set[str]], year: int) -> set[str]:
        return set().union(*(by_year.get(earlier, set()) for earlier in range(year - window, year + 1)))

    counts = {year: len(within(x, year) & within(y, year)) for year in sorted(set(x) | set(y))}
    return {year: count for year, count in counts.items() if count}


def as_dict(frame) -> dict[int, int]:
    assert list(frame.columns) == ["year", "economies"]
    assert frame["year"].is_monotonic_increasing
    return dict(zip(frame["year"].astype(int).tolist(), frame["economies"].astype(int).tolist(), strict=True))


@pytest.mark.parametrize(("x_id", "y_id"), PAIRS)
@pytest.mark.parametrize("window", [0, 1, 3])
def test_pair_years_count_the_economies_with_both_values_in_the_window(db, x_id: str, y_id: str,
                                                                        window: int) -> None:
    expected = expected_pair_years(db, x_id, y_id, window)
    assert expected  # the pair shares years in the built database: the comparison means something
    assert as_dict(observed.pair_years(x_id, y_id, window)) == expected


def test_year_counts_are_the_economies_reporting_each_year(db) -> None:
    for indicator_id in ("internet_use", "gni_per_capita", "population"):
        rows = db.execute("SELECT year FROM observation_total WHERE indicator_id = ?", [indicator_id]).fetchall()
        assert as_dict(observed.year_counts(indicator_id)) == dict(Counter(int(year) for (year,) in rows))


def test_an_indicator_without_observations_has_no_years(db) -> None:
    assert observed.year_counts("no_such_indicator").empty
    assert observed.pair_years("no_such_indicator", "internet_use", 3).empty


def test_map_values_list_every_economy_with_its_value_and_flag_for_the_year(db) -> None:
    expected = db.execute("""
        SELECT c.iso3, o.value, o.obs_status FROM country c
        LEFT JOIN observation_total o ON o.iso3 = c.iso3 AND o.indicator_id = 'internet_use' AND o.year = 2015
        ORDER BY c.iso3""").fetchall()
    frame = observed.map_values("internet_use", 2015)
    assert frame.columns.tolist() == ["iso3", "name", "wb_region", "income_group", "value", "obs_status"]
    got = list(zip(frame["iso3"], frame["value"], frame["obs_status"], strict=True))
    assert [code for code, _, _ in got] == [code for code, _, _ in expected]
    assert any(value is not None for _, value, _ in expected)  # some economies report that year
    for (_, value, status), (_, want, want_status) in zip(got, expected, strict=True):
        assert (value == want) if want is not None else value != value  # NaN where there is no value
        assert status == want_status


def test_map_columns_are_the_map_values_as_lists(db) -> None:
    frame = observed.map_values("internet_use", 2015)
    columns = observed.map_columns("internet_use", 2015)
    assert columns.iso3 == frame["iso3"].tolist() and columns.name == frame["name"].tolist()
    assert np.array_equal(columns.value, frame["value"].to_numpy(), equal_nan=True)
    assert columns.status == frame["obs_status"].tolist()
    assert np.isnan(columns.value).any() and not np.isnan(columns.value).all()


def test_series_are_the_chosen_economies_rows_by_name_and_year(db) -> None:
    codes = ("NOR", "NGA", "BRA", "XXX")  # XXX: not an economy, left out
    expected = db.execute("""
        SELECT o.iso3, c.name, o.year, o.value FROM observation_total o JOIN country c USING (iso3)
        WHERE o.indicator_id = 'internet_use' AND o.iso3 IN ('NOR', 'NGA', 'BRA') ORDER BY c.name, o.year
    """).fetchall()
    frame = observed.series("internet_use", codes)
    assert len(expected) > 30
    assert list(zip(frame["iso3"], frame["name"], frame["year"].astype(int), frame["value"], strict=True)) == \
        [(code, name, int(year), value) for code, name, year, value in expected]


def test_text_columns_come_as_python_strings_with_the_str_dtypes_rules(db) -> None:
    """dashboard/data.py keeps text as Python strings (Arrow's per-call overhead on the pages' small frames): the
    same "str" dtype, missing values NaN, only the storage differs."""
    from dashboard import data

    frame = data.query("SELECT iso3, CASE WHEN iso3 < 'B' THEN NULL ELSE iso3 END AS some FROM country ORDER BY iso3")
    for column in ("iso3", "some"):
        assert frame[column].dtype == pd.StringDtype("python", na_value=np.nan)
        assert frame[column].dtype == "str"
    assert frame["some"].isna().any() and frame["some"].notna().any() and frame["iso3"].str.len().eq(3).all()
    built = pd.DataFrame({"name": ["a", "b"]})  # frames the pages build get it too
    assert built["name"].dtype.storage == "python"


def test_a_query_too_large_for_memory_spills_to_the_system_temp_folder_not_the_project(db) -> None:
    """The serving instances spill what exceeds their memory limit into a folder of this process under the system's
    temporary directory: an in-memory DuckDB's default is `.tmp` in the working directory (the project's folder)."""
    from dashboard import data
    from tests.conftest import PROJECT_ROOT

    setting = data.query("SELECT current_setting('temp_directory') AS folder")["folder"].iloc[0]
    assert Path(setting) == data.spill_directory() and not Path(setting).is_relative_to(PROJECT_ROOT)
    assert str(os.getpid()) in Path(setting).name

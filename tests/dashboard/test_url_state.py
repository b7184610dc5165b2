"""URL parameters: a shared link reproduces the view; a bad one gives a default view and a notice."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.url_state import ExploreState, default_year, encode_state, parse_int, parse_state

INDICATORS = ["internet_use", "population"]
KNOWN = {"NOR", "NGA", "IND", "BRA", "KEN", "XKX"}
GROUPS = {"ldc", "income_group:low_income"}
COVERAGE = {
    "internet_use": pd.DataFrame({"year": [2000, 2022, 2023, 2024, 2025], "economies": [150, 182, 181, 182, 10]}),
    "population": pd.DataFrame({"year": [1960, 2023], "economies": [200, 217]}),
}


def parse(**params):
    return parse_state(params, INDICATORS, COVERAGE.__getitem__, KNOWN, GROUPS)


def test_default_year_skips_a_thinly_reported_latest_year() -> None:
    assert default_year(COVERAGE["internet_use"]) == 2024
    assert default_year(COVERAGE["population"]) == 2023


def test_a_valid_link_round_trips() -> None:
    state, notices = parse(indicator="population", year="1960", countries="nor,NGA")
    assert state == ExploreState("population", 1960, ("NOR", "NGA"))
    assert notices == []
    assert encode_state(state) == "?indicator=population&year=1960&countries=NOR,NGA"
    again, _ = parse(indicator="population", year="1960", countries="NOR,NGA")
    assert again == state


def test_no_parameters_gives_the_default_view() -> None:
    state, notices = parse()
    assert state.indicator == "internet_use" and state.year == 2024
    assert state.countries and set(state.countries) <= KNOWN
    assert notices == []


@pytest.mark.parametrize(("params", "expected_notice"), [
    ({"indicator": "drop table"}, "Unknown indicator"),
    ({"year": "1850"}, "No data for year"),
    ({"year": "20x4"}, "No data for year"),
    ({"year": "²"}, "No data for year"),  # "²".isdigit() is true, int("²") raises
    ({"year": "٢٠٢٣"}, "No data for year"),  # Arabic-Indic digits: int() reads them, a link should not
    ({"year": "9" * 5000}, "No data for year"),  # int() refuses over 4,300 digits
    ({"countries": "<script>alert(1)</script>"}, "Ignored unknown country codes"),
    ({"countries": "NOR,ZZZ"}, "ZZZ"),
])
def test_bad_parameters_fall_back_with_a_notice(params: dict, expected_notice: str) -> None:
    state, notices = parse(**params)
    assert any(expected_notice in notice for notice in notices), notices
    assert state.indicator in INDICATORS
    assert state.year in set(COVERAGE[state.indicator]["year"])
    assert set(state.countries) <= KNOWN


def test_script_in_countries_is_never_echoed_whole() -> None:
    _, notices = parse(countries="<script>alert(document.cookie)</script>")
    assert all("alert(document.cookie)" not in notice for notice in notices)


def test_repeated_parameters_and_duplicates() -> None:
    state, _ = parse(indicator=["population", "internet_use"], countries="NOR,NOR,nga")
    assert state.indicator == "population"
    assert state.countries == ("NOR", "NGA")


def test_a_group_is_parsed_and_round_trips() -> None:
    state, notices = parse(indicator="internet_use", year="2024", group="income_group:low_income", countries="NGA")
    assert state.group == "income_group:low_income" and notices == []
    query = encode_state(state)
    assert query == "?indicator=internet_use&year=2024&group=income_group:low_income&countries=NGA"
    again, _ = parse(**{key: value for key, value in (part.split("=") for part in query[1:].split("&"))})
    assert again == state


@pytest.mark.parametrize("group", [None, "", "all"])
def test_no_group_means_every_economy_and_stays_out_of_the_url(group) -> None:
    state, notices = parse(group=group)
    assert state.group is None and notices == []
    assert "group" not in encode_state(state)


def test_an_unknown_group_gives_every_economy_and_a_notice() -> None:
    state, notices = parse(group="<b>atlantis</b>", countries="NOR")
    assert state.group is None
    assert state.countries == ("NOR",)
    assert notices == ["Unknown group “<b>atlantis</b>”: showing all economies instead."]


@pytest.mark.parametrize(("text", "number"), [
    ("2020", 2020), (" 7 ", 7), ("0", 0), ("²", None), ("١٢", None), ("-1", None), ("1e3", None), ("", None),
    ("2020\x00", None), ("9" * 5000, None), (None, None), (2020, None), (["2020"], None),
])
def test_integers_are_read_from_ascii_digits_only(text, number) -> None:
    assert parse_int(text) == number

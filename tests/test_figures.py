"""Figure builders are pure functions: checked on small frames, without a browser."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import figures


def test_map_draws_only_economies_with_a_value() -> None:
    values = pd.DataFrame({"iso3": ["NOR", "NGA", "ERI"], "name": ["Norway", "Nigeria", "Eritrea"],
                           "value": [99.0, 41.0, None]})
    figure = figures.world_map(values, "Internet use", "% of population", 2024)
    trace = figure.data[0]
    assert list(trace.locations) == ["NOR", "NGA"]
    assert list(trace.z) == [99.0, 41.0]
    assert trace.locationmode == "ISO-3"
    assert figure.layout.geo.landcolor == figures.NO_DATA_GREY
    assert "2024" in figure.layout.title.text


def test_trend_has_one_line_per_country_and_a_reference() -> None:
    series = pd.DataFrame({"iso3": ["NOR", "NOR", "NGA"], "name": ["Norway", "Norway", "Nigeria"],
                           "year": [2020, 2021, 2021], "value": [97.0, 99.0, 35.0]})
    reference = pd.DataFrame({"name": ["World"], "year": [2021], "value": [63.0]})
    figure = figures.trend(series, reference, "Internet use", "% of population")
    names = [trace.name for trace in figure.data]
    assert names == ["Nigeria", "Norway", "World (publisher's aggregate)"]
    assert figure.data[-1].line.dash == "dash"
    assert list(figure.data[1].y) == [97.0, 99.0]


def test_empty_trend_invites_a_choice() -> None:
    empty = pd.DataFrame(columns=["iso3", "name", "year", "value"])
    figure = figures.trend(empty, empty, "Internet use", "%")
    assert figure.data == ()
    assert "Choose countries" in figure.layout.annotations[0].text


def test_kosovo_is_named_when_it_cannot_be_drawn() -> None:
    values = pd.DataFrame({"iso3": ["XKX", "NOR"], "name": ["Kosovo", "Norway"], "value": [90.0, 99.0]})
    assert "Kosovo (XKX)" in figures.off_map_note(values)
    assert figures.off_map_note(values.iloc[1:]) == ""


def test_caption_names_source_release_and_licence() -> None:
    meta = pd.Series({"attribution": "The World Bank: World Development Indicators", "source_code": "IT.NET.USER.ZS",
                      "vintage": pd.Timestamp("2026-07-13"), "license": "CC BY 4.0"})
    caption = figures.source_caption(meta)
    assert "IT.NET.USER.ZS" in caption and "2026-07-13" in caption and "CC BY 4.0" in caption


def test_log_scale_map_colours_by_magnitude_and_hovers_the_value() -> None:
    values = pd.DataFrame({"iso3": ["USA", "BDI", "ZZZ"], "name": ["United States", "Burundi", "Nowhere"],
                           "value": [83_490.0, 260.0, 0.0]})
    figure = figures.world_map(values, "GNI per capita", "current US$", 2024, log_scale=True)
    trace = figure.data[0]
    assert list(trace.locations) == ["USA", "BDI"]  # zero has no logarithm: left grey, not drawn as the minimum
    assert list(trace.z) == pytest.approx([4.9216, 2.4150], abs=1e-3)
    assert list(trace.customdata) == [83_490.0, 260.0]
    assert trace.colorbar.ticktext[0] == "100" and trace.colorbar.ticktext[-1] == "100k"


def test_summaries_say_what_the_charts_show() -> None:
    reported = pd.DataFrame({"iso3": ["NOR", "NER"], "name": ["Norway", "Niger"], "value": [99.0, 15.6]})
    sentence = figures.map_summary(reported, "Internet use", "% of population", 2024)
    assert "15.6 % in Niger" in sentence and "99.0 % in Norway" in sentence and "2024" in sentence
    assert "No economy" in figures.map_summary(reported.iloc[0:0], "Internet use", "%", 2024)
    series = pd.DataFrame({"name": ["Norway", "Norway"], "year": [2000, 2024], "value": [52.0, 99.0]})
    assert "Norway 52.0 (2000) → 99.0 % (2024)" in figures.trend_summary(series, "Internet use", "% of population")

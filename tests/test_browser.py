"""The dashboard in headless Debian Chromium, served by gunicorn from a database built from real files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser
MIN_SHAPES = 150  # economies with an Internet-use value in recent years: 180+


@pytest.fixture
def visit(open_page):
    """Open an Explore URL and wait until both its charts are drawn."""

    def open_explore(path: str):
        record = open_page(path)
        record.page.wait_for_selector("#explore-map path.choroplethlocation", state="attached", timeout=30_000)
        record.page.wait_for_selector("#explore-trend .scatterlayer .trace", state="attached", timeout=30_000)
        return record

    return open_explore


def legend(page) -> list[str]:
    return page.locator("#explore-trend .legendtext").all_text_contents()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_page_draws_the_map_offline_without_errors(visit, app_url: str) -> None:
    record = visit("/explore")
    shapes = record.page.locator("#explore-map path.choroplethlocation").count()
    assert shapes >= MIN_SHAPES
    assert record.errors == []
    outside = [url for url in record.requests if not url.startswith(app_url)]
    assert outside == []
    assert any(url.endswith("/topojson/world_110m.json") for url in record.requests)
    assert "Source:" in record.page.locator("#explore-map-source").inner_text()
    assert "2026-07-13" in record.page.locator("#explore-map-source").inner_text()


def test_countries_in_the_url_are_shown(visit) -> None:
    record = visit("/explore?countries=NOR,NGA")
    names = legend(record.page)
    assert "Norway" in names and "Nigeria" in names
    assert not {"India", "Brazil"} & set(names)
    assert query(record.page)["countries"] == ["NOR,NGA"]
    assert record.errors == []


def test_changing_the_indicator_updates_chart_and_url_and_the_url_restores_it(visit) -> None:
    record = visit("/explore?countries=NOR")
    page = record.page
    page.click("#explore-indicator")
    # The list is long and virtualised: search it, as a user would.
    page.locator("input.dash-dropdown-search").fill("Access to electricity")
    page.get_by_role("option", name="Access to electricity").click()
    page.wait_for_function("() => window.location.search.includes('indicator=electricity_access')")
    title = page.locator("#explore-map .gtitle").text_content()
    assert title.startswith("Access to electricity")
    shared_link = page.url
    again = visit(shared_link)
    assert again.page.locator("#explore-map .gtitle").text_content() == title
    assert query(again.page) == query(page)
    assert record.errors == [] and again.errors == []


def test_year_from_the_url_and_from_the_keyboard(visit) -> None:
    record = visit("/explore?year=2010&countries=NOR")
    page = record.page
    assert page.locator("#explore-map .gtitle").text_content().endswith("2010")
    page.locator("#explore-year .rc-slider-handle, #explore-year [role=slider]").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('year=2011')")
    page.wait_for_function(
        "() => document.querySelector('#explore-map .gtitle').textContent.endsWith('2011')")


def test_bad_parameters_give_a_default_view_and_a_notice(visit) -> None:
    record = visit("/explore?indicator=nope&year=3000&countries=%3Cscript%3Ealert(1)%3C/script%3E")
    notices = record.page.locator("#explore-notices").inner_text()
    assert "Unknown indicator" in notices and "No data for year" in notices and "Ignored unknown country" in notices
    assert record.page.locator("#explore-map path.choroplethlocation").count() >= MIN_SHAPES
    assert record.errors == []
    assert query(record.page)["indicator"] == ["internet_use"]


def test_charts_download_as_png_and_svg_offline(visit, app_url: str) -> None:
    record = visit("/explore?countries=NOR,NGA")
    page = record.page
    with page.expect_download() as svg:
        page.click("button.svg-download[data-graph=explore-trend]")
    content = Path(svg.value.path()).read_text(encoding="utf-8")
    assert svg.value.suggested_filename == "explore-trend.svg"
    assert content.lstrip().startswith("<svg") and "Norway" in content
    page.hover("#explore-map")
    assert page.locator("#explore-map .modebar-btn[data-title^='Share']").count() == 0  # uploads off the host
    with page.expect_download() as png:
        page.click("#explore-map .modebar-btn[data-title='Download plot as a PNG']")
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert record.errors == []
    # The images are made in the page: blob: URLs of this origin, no request elsewhere.
    assert [url for url in record.requests if not url.removeprefix("blob:").startswith(app_url)] == []

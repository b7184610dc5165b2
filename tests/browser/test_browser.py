"""The dashboard in headless Debian Chromium, served by gunicorn from a database built from real files."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
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
        # The ranking is an HtmlBlock (HTML the server built), drawn with the page: wait for it as well.
        record.page.wait_for_selector("#explore-ranking tbody tr", state="attached", timeout=30_000)
        return record

    return open_explore


def choose(page, dropdown: str, search: str, option: str) -> None:
    """Open a dropdown, search its (long, virtualised) list as a user would, and pick an option."""
    page.click(dropdown)
    page.locator("input.dash-dropdown-search").fill(search)
    page.get_by_role("option", name=option).click()


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
    # The map shapes come with the page (/geo-assets.js fills plotly's cache), not from a CDN nor a later fetch.
    assert any(url.endswith("/geo-assets.js") for url in record.requests)
    assert not any("world_110m" in url for url in record.requests)
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
    choose(page, "#explore-indicator", "Access to electricity", "Access to electricity")
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
    # No camera in the modebar (its PNG had no source); "Download PNG" draws one with a source footer.
    assert page.locator("#explore-map .modebar-btn[data-title='Download plot as a PNG']").count() == 0
    with page.expect_download() as png:
        page.click("button.png-download[data-graph=explore-map]")
    assert png.value.suggested_filename == "explore-map.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert record.errors == []
    # The images are made in the page: blob: URLs of this origin, no request elsewhere.
    assert [url for url in record.requests if not url.removeprefix("blob:").startswith(app_url)] == []


# --- the group filter and the ranking ------------------------------------------------------------------


def members_with_names(db: Path, group_id: str) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT c.name FROM group_member m JOIN country c USING (iso3) WHERE m.group_id = ?",
                           [group_id]).fetchall()
    return {row[0] for row in rows}


def ranked_names(page) -> list[str]:
    return page.locator("#explore-ranking tbody tr td:nth-child(2)").all_text_contents()


def coloured_shapes(page) -> int:
    """Paths of the map's first trace (economies with a value); a group's members without one are a second trace."""
    return page.locator("#explore-map .choroplethlayer .trace").first.locator("path.choroplethlocation").count()


def test_a_group_in_the_url_narrows_map_and_ranking_to_its_members(visit, built_db: Path) -> None:
    record = visit("/explore?group=ldc")
    page = record.page
    ldc = members_with_names(built_db, "ldc")
    assert len(ldc) == 44
    ranked = ranked_names(page)
    assert 30 <= len(ranked) <= len(ldc) and set(ranked) <= ldc
    # Every member with a value is coloured, bar the few islands too small for the 110m map.
    assert len(ranked) - 6 <= coloured_shapes(page) <= len(ranked)
    assert page.locator("#explore-map path.choroplethlocation").count() <= len(ldc)  # nobody else is drawn
    assert "Least developed countries" in page.locator("#explore-map-summary").inner_text()
    assert "Least developed countries" in page.locator("#explore-map .gtitle").text_content()
    assert "Least developed countries (our aggregate)" in legend(page)
    assert "covering" in page.locator("#explore-trend-summary").inner_text()
    assert query(page)["group"] == ["ldc"]
    assert record.errors == []


def test_the_ranking_is_visible_and_ordered_without_a_group(visit) -> None:
    record = visit("/explore?countries=NOR")
    page = record.page
    assert page.locator("#explore-ranking").is_visible()
    ranks = [int(text) for text in page.locator("#explore-ranking tbody tr td:first-child").all_text_contents()]
    assert len(ranks) >= MIN_SHAPES and ranks == sorted(ranks) and ranks[0] == 1
    values = [float(text.replace(",", "")) for text in
              page.locator("#explore-ranking tbody tr td:nth-child(3)").all_text_contents()]
    assert values == sorted(values, reverse=True)
    assert "group" not in query(page)


def test_choosing_a_group_updates_url_map_and_ranking(visit, built_db: Path) -> None:
    record = visit("/explore?countries=NOR")
    page = record.page
    choose(page, "#explore-group", "Small island", "UN group: Small island developing states")
    page.wait_for_function("() => window.location.search.includes('group=sids')")
    page.wait_for_function(
        "() => document.querySelector('#explore-map .gtitle').textContent.includes('Small island developing')")
    page.wait_for_function(
        "() => document.querySelector('#explore-ranking').textContent.includes('in Small island developing')")
    ranked = ranked_names(page)
    assert ranked and set(ranked) <= members_with_names(built_db, "sids")
    assert query(page)["countries"] == ["NOR"]
    assert record.errors == []


def test_an_unknown_group_gives_every_economy_and_a_notice(visit) -> None:
    record = visit("/explore?group=atlantis")
    assert "Unknown group" in record.page.locator("#explore-notices").inner_text()
    assert record.page.locator("#explore-map path.choroplethlocation").count() >= MIN_SHAPES
    record.page.wait_for_function("() => !window.location.search.includes('group=')")
    assert record.errors == []

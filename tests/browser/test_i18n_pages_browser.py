"""The Country profile and Overview pages translated, in a real browser (Debian chromium, the app under gunicorn):
Kenya's profile in Arabic right to left with nothing overflowing, on a desk and on a phone, its charts titled in
Arabic; the Overview in Chinese; Explore in Arabic playing its years; no console error on any."""

from __future__ import annotations

import pytest

from dashboard import i18n
from indicators import catalogue
from tests.browser.test_i18n_browser import OVERFLOWING, OVERVIEW_READY, serious_violations

pytestmark = pytest.mark.browser
TREND_READY = "#country-trend-internet_use .main-svg .scatterlayer .trace"
# OVERFLOWING, leaving out plotly's text-measuring <svg id="js-plotly-tester">, which plotly itself places at
# -10000 px on purpose (absolutely positioned, it makes nothing scroll: the scrollWidth check below says so).
OVERFLOWING_BUT_PLOTLYS_TESTER = OVERFLOWING.replace(
    "return box.width > 0", "return !element.closest('#js-plotly-tester') && box.width > 0")
assert OVERFLOWING_BUT_PLOTLYS_TESTER != OVERFLOWING


def translated(code: str, message: str) -> str:
    return i18n.translations(code).gettext(message)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 1000}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_kenya_in_arabic_is_right_to_left_in_arabic_with_nothing_overflowing(open_page, viewport) -> None:
    record = open_page("/ar/country/KEN", viewport=viewport)
    page = record.page
    page.wait_for_selector(TREND_READY, state="attached", timeout=60_000)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.inner_text("h1").startswith("كينيا")  # UNTERM's Arabic name of Kenya
    assert translated("ar", "Headline trends") in page.inner_text("main")
    # the chart's title is the indicator's Arabic name, its legend the Arabic economy name
    title = page.eval_on_selector("#country-trend-internet_use .gtitle", "title => title.textContent")
    assert title == catalogue().indicators["internet_use"].text("name", "ar")
    assert "كينيا" in page.eval_on_selector("#country-trend-internet_use .legend", "legend => legend.textContent")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING_BUT_PLOTLYS_TESTER) == []
    assert record.errors == []
    if viewport["width"] > 700:
        assert serious_violations(page) == []


def test_the_overview_in_chinese_has_no_console_error(open_page) -> None:
    record = open_page("/zh/")
    page = record.page
    page.wait_for_selector(OVERVIEW_READY, state="attached", timeout=60_000)
    assert page.evaluate("document.documentElement.lang") == "zh"
    assert page.inner_text("h1") == translated("zh", "The digital divide at a glance")
    main = page.inner_text("main")
    assert translated("zh", "People offline, world") in main
    assert catalogue().themes["ict4d"].text("title", "zh") in main
    assert record.errors == []


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 1000}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_the_about_page_in_arabic_has_nothing_overflowing(open_page, viewport) -> None:
    record = open_page("/ar/about", viewport=viewport)
    page = record.page
    page.wait_for_selector("#about-coverage .main-svg", state="attached", timeout=60_000)
    assert page.inner_text("h1") == translated("ar", "About the data")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING_BUT_PLOTLYS_TESTER) == []
    assert record.errors == []


def test_explore_in_arabic_plays_the_years_in_arabic_with_nothing_overflowing(open_page) -> None:
    """The play button's words come from the page's language to the browser's own callback (explore-play-words);
    the map is titled with the indicator's Arabic name, and the page mirrors without overflowing."""
    record = open_page("/ar/explore?countries=NGA,IND")
    page = record.page
    page.wait_for_selector("#explore-map path.choroplethlocation", state="attached", timeout=60_000)
    assert page.inner_text("h1") == translated("ar", "Explore an indicator")
    title = page.eval_on_selector("#explore-map .gtitle", "title => title.textContent")
    assert title.startswith(catalogue().indicators["internet_use"].text("name", "ar"))
    play = page.locator("#explore-play")
    assert play.inner_text() == translated("ar", "▶ Play") != "▶ Play"
    play.click()
    page.wait_for_function("text => document.querySelector('#explore-play').textContent === text",
                           arg=translated("ar", "⏸ Pause"), timeout=10_000)
    assert play.get_attribute("aria-label") == translated("ar", "Pause the years")
    play.click()
    page.wait_for_function("text => document.querySelector('#explore-play').textContent === text",
                           arg=translated("ar", "▶ Play"), timeout=10_000)
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert record.errors == []

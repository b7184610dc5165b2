"""The Country profile and Overview pages translated, in a real browser (Debian chromium, the app under gunicorn):
Kenya's profile in Arabic right to left with nothing overflowing, on a desk and on a phone, its charts titled in
Arabic; the Overview in Chinese; no console error on either."""

from __future__ import annotations

import pytest

from dashboard import i18n
from indicators import catalogue
from tests.browser.test_i18n_browser import OVERFLOWING, OVERVIEW_READY, serious_violations

pytestmark = pytest.mark.browser
TREND_READY = "#country-trend-internet_use .main-svg .scatterlayer .trace"


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
    title = page.inner_text("#country-trend-internet_use .gtitle")
    assert title == catalogue().indicators["internet_use"].text("name", "ar")
    assert "كينيا" in page.inner_text("#country-trend-internet_use .legend")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING) == []
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

"""The locales in a real browser (Debian chromium, the app under gunicorn): Arabic right to left with nothing
overflowing, French with no console error and plotly's own French, the switcher keeping the view, and axe-core's
serious and critical findings at zero in both."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import i18n
from tests.browser.test_accessibility import AXE, CLICK_FIRST, PAGES

pytestmark = pytest.mark.browser
FRENCH_PLOTLY = AXE.parents[1] / "plotly.js-locales" / "fr.js"
OVERVIEW_READY = "#overview-spark-afford svg.sparkline polyline"
EXPLORE_READY = "#explore-map path.choroplethlocation"

# Elements sticking out of the viewport sideways (a right-to-left page scrolls to the left, so anything off either
# edge makes the page scroll), unless a box of their own that is inside the viewport clips or scrolls them (a wide
# table's scroll box): their tag, class and edges.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const outside = (box) => box.left < -1 || box.right > width + 1;
  const contained = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible" && !outside(box.getBoundingClientRect())) return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll("body *")).filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && outside(box) && !contained(element);
  }).slice(0, 10).map((element) => {
    const box = element.getBoundingClientRect();
    return `${element.tagName}.${element.className.baseVal ?? element.className} ${box.left}–${box.right}`;
  });
}"""


def serious_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 1000}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_arabic_is_right_to_left_with_the_navigation_at_the_right_and_nothing_overflowing(open_page, viewport) -> None:
    record = open_page("/ar/", viewport=viewport)
    page = record.page
    page.wait_for_selector(OVERVIEW_READY, state="attached", timeout=60_000)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    width = page.evaluate("document.documentElement.clientWidth")
    links = page.eval_on_selector_all(".site-nav a", "links => links.map(l => l.getBoundingClientRect().toJSON())")
    brand = page.eval_on_selector(".site-header .brand", "b => b.getBoundingClientRect().toJSON()")
    assert brand["right"] > width * 0.8, "the header should start at the right"
    assert links[0]["right"] > links[1]["right"], "the navigation should run from right to left"
    if viewport["width"] > 700:  # one row: its first link at the right of the others, at the page's right half
        assert links[0]["right"] > width / 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OVERFLOWING) == []
    assert page.inner_text(".site-nav") .split()[0] == "نظرة"  # "Overview", translated
    assert record.errors == []
    assert serious_violations(page) == []


def test_french_explore_has_no_console_error_plotlys_french_and_a_switcher_that_keeps_the_view(open_page) -> None:
    record = open_page("/fr/explore?countries=NOR,NGA")
    page = record.page
    page.wait_for_selector(EXPLORE_READY, state="attached", timeout=60_000)
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["fr", "ltr"]
    assert page.inner_text(".site-header .brand") == "Indicateurs de la fracture numérique"
    # plotly.js speaks French in its modebar (its own translations, served by the app from npm)
    french = set(re.findall(r":\s*'([^']+)'", FRENCH_PLOTLY.read_text()))
    titles = page.eval_on_selector_all("#explore-map .modebar-btn", "bs => bs.map(b => b.getAttribute('data-title'))")
    assert titles and set(titles) <= french | {None}, titles
    # the callbacks' numbers are French too (their locale comes from their Referer): "8,6 %", not "8.6 %"
    page.wait_for_function("/\\d,\\d\u00a0%/.test(document.querySelector('main').innerText)", timeout=30_000)
    assert serious_violations(page) == []
    assert record.errors == []
    # The view's query moves on (a control rewrites the address); the switcher follows it.
    page.evaluate("history.replaceState(history.state, '', '/fr/explore?countries=NOR,NGA,KEN')")
    page.click(".language-switcher a[data-locale='es']")
    page.wait_for_url(re.compile(r"/es/explore\?countries=NOR,NGA,KEN$"), timeout=30_000)
    page.wait_for_selector(EXPLORE_READY, state="attached", timeout=60_000)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert json.loads(page.evaluate("JSON.stringify(Array.from(document.querySelectorAll('.site-nav a'))"
                                    ".map(a => a.getAttribute('href')))"))[1] == "/es/explore"
    assert record.errors == []


# Every page in every locale, in one browser context per locale whose one tab goes from page to page (no new context
# per page): no console error, axe-core's serious and critical findings at 0, <html lang dir> the locale's; in a
# right-to-left locale besides, the navigation starting at the right and nothing wider than the viewport (the
# document, and no drawn element off either edge). It replaces a test that saw each page in one translated locale
# only. Measured on the shared 2-core machine: 1.5-2.3 min per locale, 11 min for the six (a test per locale).
SWEPT = ("/", "/explore?countries=NOR,NGA", "/scatter?group=ldc", "/gaps", "/targets", "/country/KEN",
         "/data?indicator=internet_use&group=ldc", "/sql", "/about", "/indicator/internet_use")
assert set(SWEPT) <= set(PAGES)


def _nav_starts_at_the_right(page) -> bool:
    width = page.evaluate("document.documentElement.clientWidth")
    links = page.eval_on_selector_all(".site-nav a", "links => links.map(l => l.getBoundingClientRect().right)")
    return links[0] > links[1] and links[0] > width / 2


@pytest.mark.parametrize("locale", i18n.LOCALES, ids=[locale.code for locale in i18n.LOCALES])
def test_every_page_opens_in_every_locale_without_error_or_serious_violation_or_overflow(
        browser, app_url: str, locale: i18n.Locale) -> None:
    from tests.browser.test_i18n_pages_browser import OVERFLOWING_BUT_PLOTLYS_TESTER

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    found = {}
    try:
        for path in SWEPT:
            errors.clear()
            page.goto(app_url + i18n.href(path, locale))
            if path in CLICK_FIRST:
                page.click(CLICK_FIRST[path])
            page.wait_for_selector(PAGES[path], state="attached", timeout=60_000)
            wrong = {}
            if page.evaluate("[document.documentElement.lang, document.documentElement.dir]") != \
                    [locale.code, locale.direction]:
                wrong["html"] = page.evaluate("document.documentElement.outerHTML.slice(0, 80)")
            if locale.direction == "rtl":
                if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                    wrong["scrollWidth"] = page.evaluate("document.documentElement.scrollWidth")
                if outside := page.evaluate(OVERFLOWING_BUT_PLOTLYS_TESTER):
                    wrong["outside the viewport"] = outside
                if not _nav_starts_at_the_right(page):
                    wrong["navigation"] = "does not start at the right"
            if violations := serious_violations(page):
                wrong["axe"] = violations
            if errors:
                wrong["console"] = list(errors)
            if wrong:
                found[path] = wrong
    finally:
        context.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)

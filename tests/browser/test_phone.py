"""Phone-first layouts (assets/phone.css): at a 390 px viewport no page is wider than the screen, wide tables
scroll inside their own box, and plotly's toolbar does not cover a chart's title."""

from __future__ import annotations

import pytest

from app import NAV

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PAGES = [path for _, path in NAV] + ["/country/BGD"]
# Every chart the page hands to plotly has been drawn (assets/staged.js draws them one at a time).
DRAWN = "() => [...document.querySelectorAll('.graph')].every(graph => graph.querySelector('.main-svg'))"
# Elements that pass the screen's right edge outside any box of their own that scrolls or clips them
# (a table's scrolling box, a dropdown, a chart's drawing).
OFF_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const boxed = element => {
        for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
            if (getComputedStyle(parent).overflowX !== 'visible') return true;
        }
        return false;
    };
    return [...document.body.querySelectorAll('*')]
        .filter(element => element.getBoundingClientRect().right > width + 0.5 && !boxed(element))
        .slice(0, 10).map(element => element.tagName + '.' + element.getAttribute('class'));
}"""


def open_phone(open_page, path: str):
    record = open_page(path, viewport=PHONE)
    record.page.wait_for_load_state("networkidle")
    record.page.wait_for_function(DRAWN, timeout=60_000)
    return record


@pytest.mark.parametrize("path", PAGES)
def test_no_page_is_wider_than_a_phone(open_page, path: str) -> None:
    record = open_phone(open_page, path)
    page = record.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(OFF_SCREEN) == []
    # every table is in a scrolling box that keyboard users can reach and screen readers can name
    boxes = page.evaluate("""() => [...document.querySelectorAll('table.data-table')].map(table => {
        const box = table.closest('.table-scroll');
        return box && [getComputedStyle(box).overflowX, box.tabIndex, box.getAttribute('role'),
                       box.getAttribute('aria-label')];
    })""")
    for box in boxes:
        assert box is not None and box[0] == "auto" and box[1] == 0 and box[2] == "region" and box[3]
    assert record.errors == []


def test_a_wide_table_scrolls_in_its_box(open_page) -> None:
    """The targets table of a profile is wider than a phone: its last column is reached by scrolling its box."""
    record = open_phone(open_page, "/country/BGD")
    box = record.page.locator("#country-targets .table-scroll")
    sizes = box.evaluate("box => [box.scrollWidth, box.clientWidth]")
    assert sizes[0] > sizes[1]  # wider than the screen, so it scrolls
    box.focus()
    for _ in range(40):  # the arrow keys scroll the focused box, as they would a page
        record.page.keyboard.press("ArrowRight")
    last = record.page.locator("#country-targets thead th").last.bounding_box()
    assert last["x"] + last["width"] <= PHONE["width"] + 0.5


@pytest.mark.parametrize("path", ["/explore", "/country/BGD"])
def test_the_toolbar_does_not_cover_the_chart_title(open_page, path: str) -> None:
    record = open_phone(open_page, path)
    page = record.page
    graphs = page.locator(".js-plotly-plot")
    checked = 0
    for index in range(graphs.count()):
        graph = graphs.nth(index)
        if graph.locator(".gtitle").count() == 0 or graph.locator(".modebar").count() == 0:
            continue
        graph.scroll_into_view_if_needed()
        graph.hover()  # a tap on a phone: plotly shows its toolbar
        boxes = graph.evaluate("""graph => [graph.querySelector('.modebar'), graph.querySelector('.gtitle')]
            .map(element => element.getBoundingClientRect()).map(box => [box.left, box.top, box.right, box.bottom])""")
        toolbar, title = boxes
        overlap = not (toolbar[2] <= title[0] or title[2] <= toolbar[0] or toolbar[3] <= title[1]
                       or title[3] <= toolbar[1])
        assert not overlap, f"the toolbar {toolbar} covers the title {title}"
        assert toolbar[2] <= PHONE["width"]
        checked += 1
    assert checked > 0

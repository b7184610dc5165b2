"""Every page's charts download in the browser, offline: CSV of the rows in the chart's data table
(exactly what is on screen) and SVG of the chart (PNG is plotly's modebar camera, tested on Explore)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
READY_MS = 60_000
# page → the chart whose downloads are tried
CHARTS = {
    "/": "overview-spark-internet",
    "/explore?countries=NOR,NGA": "explore-trend",
    "/gaps": "gaps-parity",
    "/targets": "targets-trend",
    "/country/KEN": "country-trend-internet_use",
    "/about": "about-coverage",
}

ROWS_ON_SCREEN = """(id) => Array.from(document.querySelectorAll('#' + id + ' table tr')).map(
    row => Array.from(row.querySelectorAll('th, td')).map(cell => cell.textContent.replace(/\\s+/g, ' ').trim()))"""


@pytest.mark.parametrize(("path", "chart"), list(CHARTS.items()))
def test_csv_holds_the_rows_on_screen_and_svg_the_chart(open_page, app_url: str, path: str, chart: str) -> None:
    record = open_page(path)
    page = record.page
    page.wait_for_selector(f"#{chart} .main-svg, #{chart} svg.sparkline", state="attached", timeout=READY_MS)
    page.wait_for_selector(f"#{chart}-table table tr td", state="attached", timeout=READY_MS)
    on_screen = page.evaluate(ROWS_ON_SCREEN, f"{chart}-table")
    with page.expect_download() as csv_file:
        page.click(f"button.csv-download[data-table='{chart}-table']")
    assert csv_file.value.suggested_filename == f"{chart}.csv"
    rows = list(csv.reader(io.StringIO(Path(csv_file.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) > 1 and rows == on_screen
    with page.expect_download() as svg_file:
        page.click(f"button.svg-download[data-graph='{chart}']")
    assert Path(svg_file.value.path()).read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert record.errors == []
    assert [url for url in record.requests if not url.removeprefix("blob:").startswith(app_url)] == []

"""Every page's charts download in the browser, offline: CSV of the rows in the chart's data table (exactly
what is on screen) after a metadata block, and SVG and PNG of the chart with a footer; every file names the
chart, its source line (publisher, dataset, release, licence), the page and the day."""

from __future__ import annotations

import csv
import html
import io
import re
import struct
from pathlib import Path

import pandas as pd
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
    source = " ".join(page.locator(f"#{chart}-source").inner_text().split())
    with page.expect_download() as csv_file:
        page.click(f"button.csv-download[data-table='{chart}-table']")
    assert csv_file.value.suggested_filename == f"{chart}.csv"
    rows = list(csv.reader(io.StringIO(Path(csv_file.value.path()).read_text(encoding="utf-8"))))
    metadata = {row[0].removeprefix("# "): row[1] for row in rows if row and row[0].startswith("#")}
    table = [row for row in rows if not (row and row[0].startswith("#"))]
    assert len(table) > 1 and table == on_screen
    assert metadata["Source"] == source and "licence" in source.lower()
    assert metadata["Chart"] and metadata["Page"].startswith(app_url) and metadata["Downloaded"][:2] == "20"
    if chart != "overview-spark-internet":  # plotly charts name their unit (the sparkline's table does)
        assert metadata["Unit"]
    # pandas reads the table back without the metadata block
    frame = pd.read_csv(csv_file.value.path(), comment="#", dtype=str, keep_default_na=False)
    assert [list(frame.columns), *frame.values.tolist()] == on_screen
    with page.expect_download() as svg_file:
        page.click(f"button.svg-download[data-graph='{chart}']")
    drawing = Path(svg_file.value.path()).read_text(encoding="utf-8")
    assert drawing.lstrip().startswith("<svg")
    footer = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", drawing)).split())
    assert "downloaded 20" in footer and source.split(" ")[-1] in footer  # the source line's last word
    if page.locator(f"button.png-download[data-graph='{chart}']").count():
        height = page.evaluate("(id) => document.getElementById(id).getBoundingClientRect().height", chart)
        with page.expect_download() as png_file:
            page.click(f"button.png-download[data-graph='{chart}']")
        image = Path(png_file.value.path()).read_bytes()
        assert image[:8] == b"\x89PNG\r\n\x1a\n"
        _, image_height = struct.unpack(">II", image[16:24])
        assert image_height > 2 * height + 20  # scale 2, plus the footer
    assert record.errors == []
    assert [url for url in record.requests if not url.removeprefix("blob:").startswith(app_url)] == []

"""What a page makes the browser load: the tables come without dcc.Markdown's code (markdown and
syntax-highlighting chunks, ~470 kB); Dash's lazy components find the regenerator runtime they need (in
Dash's own polyfill: the swap for a smaller file gained nothing measurable, docs/serving.md)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("path", "table"), [("/explore", "#explore-ranking tbody tr"),
                                             ("/data", "#data-rows tbody tr"),
                                             ("/country/KEN", "table.profile-table tbody tr"),
                                             ("/about", "#about-coverage-table tbody tr")])
def test_tables_draw_without_the_markdown_code(open_page, path: str, table: str) -> None:
    record = open_page(path)
    record.page.wait_for_selector(table, state="attached", timeout=60_000)
    record.page.wait_for_load_state("networkidle")
    loaded = [url for url in record.requests if "async-markdown" in url or "async-highlight" in url]
    assert loaded == [] and record.errors == []
    assert record.page.evaluate("typeof regeneratorRuntime.mark") == "function"

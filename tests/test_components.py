"""Shared page components: the data-table alternative escapes what it shows."""

from __future__ import annotations

import pandas as pd

from dashboard import components


def test_table_escapes_text_and_formats_numbers() -> None:
    html = components.table_html(pd.DataFrame({"name": ["<script>alert(1)</script>"], "value": [12345.678]}),
                                 {"value": "% of population"})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "12,345.7" in html and '<th scope="col">% of population</th>' in html


def test_long_tables_are_cut_with_a_pointer_to_the_data_page() -> None:
    html = components.table_html(pd.DataFrame({"x": range(components.TABLE_ROWS + 5)}))
    assert html.count("<tr>") == components.TABLE_ROWS + 1
    assert "the Data page has them all" in html
    assert components.table_html(pd.DataFrame({"x": []})) == "<p>No data for this selection.</p>"

"""Shared page components: the data-table alternative escapes what it shows."""

from __future__ import annotations

import pandas as pd
import pytest

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


def test_an_html_block_carries_its_html_as_one_string_prop() -> None:
    from dashboard.html_block import HtmlBlock

    block = HtmlBlock("<table><tr><td>1</td></tr></table>", id="t", style={"overflowX": "auto"})
    shape = block.to_plotly_json()
    assert (shape["namespace"], shape["type"]) == ("ddi_components", "HtmlBlock")
    assert shape["props"] == {"children": "<table><tr><td>1</td></tr></table>", "id": "t",
                              "style": {"overflowX": "auto"}}
    with pytest.raises(TypeError):
        HtmlBlock("x", onclick="alert(1)")  # no props beyond the four it declares

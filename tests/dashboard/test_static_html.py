"""dashboard/static_html.py: Dash html components written as one block of escaped HTML."""

from __future__ import annotations

import pytest
from dash import dcc, html

from dashboard.html_block import HtmlBlock
from dashboard.static_html import StaticHtmlError, render, static_block


def test_tags_attributes_and_text_are_written_as_react_would() -> None:
    tree = html.Section(className="board", id="b", **{"aria-labelledby": "t", "data-target": "x"}, children=[
        html.H2("Status", id="t"),
        html.P(["Latest: ", html.Strong(42), " (2024)"], style={"marginBottom": 0, "fontWeight": 700}),
        html.Label("Year", htmlFor="year"), html.Br(),
        html.Details([html.Summary("More"), "text"], open=True),
        html.Div(hidden=False, tabIndex="0"),
        None,
    ])
    assert render(tree) == (
        '<section aria-labelledby="t" class="board" data-target="x" id="b"><h2 id="t">Status</h2>'
        '<p style="margin-bottom: 0px; font-weight: 700">Latest: <strong>42</strong> (2024)</p>'
        '<label for="year">Year</label><br><details open><summary>More</summary>text</details>'
        '<div tabindex="0"></div></section>')


def test_every_text_and_attribute_is_escaped() -> None:
    hostile = '<script>alert("x")</script>'
    written = render(html.A(hostile, href='" onclick="alert(1)', title=hostile, style={"color": '"red"'}))
    assert "<script>" not in written and 'href="&quot; onclick=&quot;alert(1)"' in written
    assert "&lt;script&gt;" in written and 'style="color: &quot;red&quot;"' in written


def test_links_become_plain_links_and_blocks_keep_their_html() -> None:
    assert render(dcc.Link("Kenya", href="/country/KEN")) == '<a href="/country/KEN">Kenya</a>'
    assert render(HtmlBlock("<table></table>", className="t")) == '<div class="t"><table></table></div>'
    block = static_block([html.H3("A"), "b & c"], id="x", className="y")
    assert isinstance(block, HtmlBlock) and block.id == "x" and block.children == "<h3>A</h3>b &amp; c"


@pytest.mark.parametrize("component", [dcc.Graph(id="g"), dcc.Dropdown(id="d", options=[]),
                                       html.Button("Go", n_clicks=0), html.P("x", contentEditable="true")])
def test_what_only_a_component_can_do_is_refused(component) -> None:
    with pytest.raises(StaticHtmlError):
        render(html.Div(component))

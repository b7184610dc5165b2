"""HtmlBlock: a block of HTML built (and escaped) on the server, put in the page as it is.

The data tables are HTML strings: one component per table rather than one per cell, which Dash's renderer
mounts many times faster. dcc.Markdown could carry them (with dangerously_allow_html) but made every page
load ~470 kB of markdown and syntax-highlighting code and parse each table as Markdown first. This
component is a `div` with the HTML (its `children`, a string) inside; its browser half is
assets/html_block.js. Only HTML built by this app goes in: every value in it is escaped where it is built.
"""

from __future__ import annotations

from typing import ClassVar

from dash.development.base_component import Component

from dashboard.namespace import NAMESPACE

PROPS = ["children", "id", "className", "style"]


class HtmlBlock(Component):
    """`children` (a string of HTML) inside a div with this `id` and `className`."""

    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = ["children"]
    _namespace = NAMESPACE  # window.ddi_components.HtmlBlock, defined in assets/html_block.js
    _type = "HtmlBlock"

    def __init__(self, children: str = "", id: str | None = None, className: str | None = None,
                 style: dict | None = None) -> None:
        self._prop_names = PROPS
        self._valid_wildcard_attributes: list[str] = []
        self.available_properties = PROPS
        self.available_wildcard_properties: list[str] = []
        given = {"id": id, "className": className, "style": style}
        super().__init__(children=children, **{name: value for name, value in given.items() if value is not None})

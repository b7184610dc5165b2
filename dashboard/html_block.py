"""HtmlBlock: a block of HTML built (and escaped) on the server, put in the page as it is.

The data tables are HTML strings: one component per table rather than one per cell, which Dash's renderer
mounts many times faster. dcc.Markdown could carry them (with dangerously_allow_html) but made every page
load ~470 kB of markdown and syntax-highlighting code and parse each table as Markdown first. This
component is a `div` with the HTML (its `children`, a string) inside; its browser half is
assets/html_block.js. Only HTML built by this app goes in: every value in it is escaped where it is built.
The class itself is declared in dashboard/dash_boundary.py, with Dash's private class attributes it needs.
"""

from __future__ import annotations

from dashboard.dash_boundary import HtmlBlock

__all__ = ["HtmlBlock"]

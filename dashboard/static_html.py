"""Static parts of a page as one HtmlBlock: Dash html components rendered to escaped HTML on the server.

Dash's renderer does work for every component it mounts, and again for every component each time its
store changes (a callback's output, a dropdown's value): a card of ten components costs ten times what
one HtmlBlock costs. Text, headings, lists and links that no callback reads or writes gain nothing from
being components, so pages write them as usual (html.P, html.Ul, dcc.Link, …) and pass the tree to
`static_block`, which turns it into one HtmlBlock. dcc.Link becomes a plain link, as the site's own
navigation is. Anything a static block cannot carry (a graph, a dropdown, a click counter) raises
StaticHtmlError at build time rather than losing it silently.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import escape

from dash import dcc

from dashboard.dash_boundary import HtmlBlock, is_html_element, props_of, tag_of

# Dash prop name → HTML attribute name, where they differ.
ATTRIBUTES = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan",
              "rowSpan": "rowspan", "hrefLang": "hreflang"}
PLAIN = {"id", "title", "href", "target", "rel", "role", "lang", "scope", "src", "alt", "width", "height",
         "download", "type"}
BOOLEAN = {"open", "hidden"}
IGNORED = {"children", "disable_n_clicks"}  # a click counter (n_clicks) is refused: nothing would count
VOID = {"br", "hr", "img", "wbr"}
# CSS properties that take a bare number (React adds "px" to every other number).
UNITLESS = {"fontWeight", "lineHeight", "opacity", "zIndex", "flex", "flexGrow", "flexShrink", "order"}
CSS_NAME = re.compile(r"[A-Z]")


def _text(text: str) -> str:
    """A text node, escaped; a short one kept, as the pages' words and names recur from one request to the next."""
    return _short_text(text) if len(text) <= 160 else escape(text, quote=False)


@lru_cache(maxsize=1 << 15)
def _short_text(text: str) -> str:
    return escape(text, quote=False)


class StaticHtmlError(ValueError):
    """A component or property that cannot be written as static HTML."""


def static_block(tree, *, id: str | None = None, className: str | None = None) -> HtmlBlock:
    """`tree` (a component, a string or a list of them) as one HtmlBlock with this `id` and `className`."""
    return HtmlBlock(render(tree), id=id, className=className)


def render(node) -> str:
    """HTML for a component tree; every text and attribute value is escaped."""
    kind = type(node)
    if kind is str:  # the commonest node after the elements: tested first, by exact type
        return _text(node)
    if node is None:
        return ""
    if kind is list or kind is tuple:
        return "".join([render(child) for child in node])
    if isinstance(node, str | int | float):
        return escape(str(node), quote=False)
    if isinstance(node, list | tuple):
        return "".join([render(child) for child in node])
    if kind is HtmlBlock:
        return f"<div{_attributes(node)}>{node.children or ''}</div>"  # already escaped where it was built
    if is_html_element(node):
        tag = tag_of(node)
        if tag in VOID:
            return f"<{tag}{_attributes(node)}>"
        return f"<{tag}{_attributes(node)}>{render(getattr(node, 'children', None))}</{tag}>"
    if isinstance(node, HtmlBlock):
        return f"<div{_attributes(node)}>{node.children or ''}</div>"
    if isinstance(node, dcc.Link):
        return f"<a{_attributes(node)}>{render(node.children)}</a>"
    raise StaticHtmlError(f"{type(node).__name__} (id {getattr(node, 'id', None)!r}) has to stay a component")


# Each property's writer, by name: (attribute's name, kind); `_writer` fills it for the names seen.
_WRITERS: dict[str, tuple[str, str]] = {}


def _writer(name: str) -> tuple[str, str]:
    found = _WRITERS.get(name)
    if found is None:
        if name in IGNORED:
            found = ("", "ignored")
        elif name == "style":
            found = ("style", "style")
        elif name in BOOLEAN:
            found = (name, "boolean")
        elif name in ATTRIBUTES or name in PLAIN or name.startswith(("aria-", "data-")):
            found = (ATTRIBUTES.get(name, name), "plain")
        else:
            found = ("", "refused")
        if len(_WRITERS) < 10_000:  # names are the code's own, but wildcards (data-*) could be many
            _WRITERS[name] = found
    return found


def _attributes(node) -> str:
    parts = []
    # Sorted: Dash lists wildcard properties (aria-*, data-*) in no fixed order.
    for name, value in sorted(props_of(node).items()):
        if value is None:
            continue
        attribute, kind = _writer(name)
        if kind == "plain":
            parts.append(f' {attribute}="{escape(value if type(value) is str else str(value))}"')
        elif kind == "ignored":
            continue
        elif kind == "style":
            parts.append(f' style="{escape(_css(value))}"')
        elif kind == "boolean":
            parts.append(f" {name}" if value else "")
        else:
            raise StaticHtmlError(f"{type(node).__name__}.{name} has no static HTML form")
    return "".join(parts)


def _css(style: dict) -> str:
    declarations = []
    for name, value in style.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and name not in UNITLESS:
            value = f"{value}px"
        declarations.append(f"{_css_name(name)}: {value}")
    return "; ".join(declarations)


@cache
def _css_name(name: str) -> str:
    """A React style name as CSS's ("marginTop" → "margin-top"); the names are the code's own, a few dozen."""
    return CSS_NAME.sub(lambda match: "-" + match.group().lower(), name)

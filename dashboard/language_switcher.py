"""The header's language switcher: the page and view now open, in each of the six languages.

Its links are built on the server from the address the layout request's Referer names (path and query); as the
view changes without a new layout (a control writes the query: assets/address_query.js), assets/
language_switcher.js rewrites them from the address bar when one is about to be followed.
"""

from __future__ import annotations

from functools import cache
from html import escape
from urllib.parse import urlsplit

from dash import html

from dashboard import i18n


def address(referrer: str | None, host_url: str) -> tuple[str, str]:
    """(path, query) of the page the layout is built for: its Referer on this site, else the home page."""
    try:
        seen, host = urlsplit(referrer or ""), urlsplit(host_url)
    except ValueError:  # an unparseable Referer: like none at all
        return "/", ""
    if not referrer or seen.netloc != host.netloc:
        return "/", ""
    return seen.path or "/", seen.query


def switcher_html(path: str, query: str) -> str:
    """The switcher as escaped HTML: one link per locale to `path`'s page and `query` in it, the current one
    marked with aria-current. Written as text, the markup static_html would render for the components
    (`switcher_components`; tests/dashboard/test_language_switcher.py holds them equal): building and rendering
    the 14 components cost ~0.8 ms of every layout."""
    current, _ = i18n.split_path(path)
    links = "".join(
        f'<li><a{_CURRENT if locale is current else ""} data-locale="{locale.code}" '
        f'href="{escape(i18n.switch(path, query, locale))}" hreflang="{locale.code}" lang="{locale.code}">'
        f"{escape(locale.name, quote=False)}</a></li>"
        for locale in i18n.LOCALES)
    return f'<nav aria-label="{_label(current.code)}" class="language-switcher"><ul>{links}</ul></nav>'


_CURRENT = ' aria-current="true"'


@cache
def _label(code: str) -> str:
    """The switcher's name in locale `code`, escaped for an attribute."""
    return escape(i18n.translations(code).gettext("Language"))


def switcher_components(path: str, query: str) -> html.Nav:
    """The switcher as Dash components: what `switcher_html` writes, in the form static_html renders."""
    current, _ = i18n.split_path(path)
    links = [html.Li(html.A(locale.name, href=i18n.switch(path, query, locale), lang=locale.code,
                            **{"hrefLang": locale.code, "data-locale": locale.code,
                               "aria-current": "true" if locale is current else None}))
             for locale in i18n.LOCALES]
    label = i18n.translations(current.code).gettext("Language")
    return html.Nav(html.Ul(links), className="language-switcher", **{"aria-label": label})

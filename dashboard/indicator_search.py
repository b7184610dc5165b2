"""The site header's indicator search: a plain form (GET /indicator?q=…) with a datalist of suggestions.

It works without script: the form submits, a query naming one indicator (its id, the publisher's code or its
name, or words only one indicator's name, code or themes contain) is redirected to that indicator's page,
anything else opens the index with the matches. The suggestions are not sent with every page (the header is
on all of them): assets/indicator_search.js fetches them once, from /indicator-names.json, when the box is
first focused.
"""

from __future__ import annotations

from html import escape

import dash
import pandas as pd
from flask import jsonify, redirect, request

from dashboard import data, i18n
from dashboard.queries.indicator import catalogue

INPUT_ID = "site-search-input"
NAMES_ROUTE = "/indicator-names.json"
MAX_QUERY = 100  # characters: a longer query is cut (nothing in the catalogue is that long)


def _haystack(row) -> str:
    themes = [*row.themes, *row.theme_titles]
    return " ".join([row.indicator_id, row.indicator_id.replace("_", " "), row.name, str(row.source_code or ""),
                     *[str(theme).replace("_", " ") for theme in themes]]).casefold()


def matches(query: str, rows: pd.DataFrame | None = None) -> list[str]:
    """Indicator ids for `query`: the one it names exactly (id, publisher's code or name, any case), else those
    whose id, name, code or themes contain every word of it, by name."""
    rows = catalogue() if rows is None else rows
    wanted = " ".join((query or "")[:MAX_QUERY].split()).casefold()
    if not wanted:
        return []
    for row in rows.itertuples(index=False):
        if wanted in (row.indicator_id.casefold(), str(row.source_code or "").casefold(), row.name.casefold()):
            return [row.indicator_id]
    words = wanted.split()
    return [row.indicator_id for row in rows.itertuples(index=False)
            if all(word in _haystack(row) for word in words)]


def resolve(query: str) -> str | None:
    """The indicator `query` leads to directly, or None when it matches none or several."""
    found = matches(query)
    return found[0] if len(found) == 1 else None


def form_html(locale: i18n.Locale = i18n.DEFAULT) -> str:
    """The header's search form in `locale` as escaped HTML (the header is one static block:
    dashboard/static_html.py); it submits to the index in the same locale (/fr/indicator?q=…)."""
    _ = i18n.translations(locale.code).gettext
    # Translated outside the f-string: pybabel does not look inside f-strings for gettext calls.
    label, placeholder, button = _("Find an indicator"), _("Name, code or theme"), _("Search")
    action = escape(dash.get_relative_path(i18n.href("/indicator", locale)))
    options = escape(dash.get_relative_path(NAMES_ROUTE))
    return (f'<form class="site-search" role="search" action="{action}" method="get">'
            f'<label for="{INPUT_ID}">{escape(label)}</label>'
            f'<input id="{INPUT_ID}" name="q" type="search" list="site-search-options" autocomplete="off" '
            f'maxlength="{MAX_QUERY}" placeholder="{escape(placeholder)}" data-options="{options}">'
            '<datalist id="site-search-options"></datalist>'
            f'<button type="submit">{escape(button)}</button></form>')


def names():
    """The suggestions: each indicator's name, with its code and main theme as the label."""
    rows = catalogue()
    suggestions = [{"value": row.name, "label": " · ".join(
        part for part in (str(row.source_code or row.indicator_id),
                          row.theme_titles[0] if len(row.theme_titles) else "")
        if part)} for row in rows.itertuples(index=False)]
    response = jsonify(suggestions)
    response.headers["Cache-Control"] = "max-age=3600"
    return response


def redirect_query():
    """Before Dash serves /indicator?q=…: a query that names one indicator goes straight to its page."""
    locale, path = i18n.split_path(request.path)
    if path.rstrip("/") != dash.get_relative_path("/indicator").rstrip("/") or not request.args.get("q"):
        return None
    try:
        found = resolve(request.args["q"])
    except data.DatabaseMissingError:
        return None  # the page says the database is missing
    return redirect(dash.get_relative_path(i18n.href(f"/indicator/{found}", locale)), code=302) if found else None


def register(server) -> None:
    server.add_url_rule(NAMES_ROUTE, view_func=names)
    server.before_request(redirect_query)

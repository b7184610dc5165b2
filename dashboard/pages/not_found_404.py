"""The page for an address that is no page of the site (Dash's router shows the module named not_found_404), in the
address's language: /fr/nowhere says it in French."""

from __future__ import annotations

import dash
from dash import html

from dashboard import i18n
from dashboard.i18n import gettext as _

dash.register_page(__name__, title="Page not found · Digital divide indicators")


def layout(**_query: str) -> html.Main:
    return html.Main(className="page not-found", children=[
        html.H1(_("Page not found")),
        html.P(_("There is no page at this address. The header lists the site's pages.")),
        html.P(html.A(_("Go to the overview"), href=dash.get_relative_path(i18n.href("/")))),
    ])

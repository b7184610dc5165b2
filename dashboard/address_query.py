"""AddressQuery: the page's canonical query string, written to the address bar whenever it changes.

A dcc.Store under another name (the same properties, so callbacks write its `data` as before); its browser
half, assets/address_query.js, calls history.replaceState as it mounts and whenever `data` changes. That
fires no router event, so the page is not re-rendered, and a copied link reproduces the view. It replaces
a clientside callback: each callback Dash runs makes its renderer re-check every component of the page,
and the one that wrote the address at load cost Targets ~0.1 s before its first chart (interleaved runs of
benchmarks/first_chart_benchmark.py's timer).
"""

from __future__ import annotations

from dash import dcc

from dashboard.dash_boundary import own_type


@own_type
class AddressQuery(dcc.Store):
    """dcc.Store whose `data` (a query string, "?a=1&b=2", or "") is kept in the address bar."""

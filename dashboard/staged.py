"""Charts and dropdowns that leave their heavy work until it does not hold up the page's first chart.

Their browser halves are in assets/staged.js; in Python each is its dcc component with the same
properties, so callbacks see no difference.
- StagedGraph: plotly.js draws all the charts a page hands it in one long task, so a page with six charts
  showed none until all six were done and ignored clicks meanwhile. Each chart is now held back until the
  previous one is painted, the one nearest the top of the window first.
- StagedDropdown: dcc.Dropdown builds a search index of every substring of every word of its options as it
  mounts (~75,000 entries for Explore's lists, built before plotly could start; dropping the options
  altogether saved ~0.15 s on Explore, staging them ~0.05-0.2 s on Explore and Data in interleaved runs of
  benchmarks/first_chart_benchmark.py's timer). It mounts with just the chosen options and gets the full
  list once the page's charts are drawn and the browser is idle, or at once when the user reaches it
  (pointer or keyboard focus).
"""

from __future__ import annotations

from dash import dcc

from dashboard.dash_boundary import own_type


@own_type
class StagedGraph(dcc.Graph):
    """dcc.Graph, drawn in its turn (window.ddi_components.StagedGraph)."""


@own_type
class StagedDropdown(dcc.Dropdown):
    """dcc.Dropdown, given its full options once the page is idle or the user reaches it."""

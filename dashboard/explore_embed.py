"""The Explore page's map or trend chart alone, for /embed/explore (dashboard/embed.py).

The same URL state as the page (dashboard/url_state.parse_state, plus chart=map|trend), the same queries
(dashboard/queries/explore.py) and figure functions (dashboard/figures.py), so an embedded chart is the chart
on the page. Kept out of dashboard/pages/explore.py, whose layout and callbacks stay the page's own.
"""

from __future__ import annotations

from dashboard import figures
from dashboard.embed import Embed
from dashboard.queries import common
from dashboard.queries import explore as queries
from dashboard.url_state import encode_state, parse_choice, parse_state
from indicators import catalogue

CHARTS = ("map", "trend")


def _log_scale(indicator_id: str) -> bool:
    entry = catalogue().indicators.get(indicator_id)
    return entry is not None and entry.unit.map_scale == "log"


def embed(params: dict) -> Embed:
    from dashboard.pages import explore as page  # a page module: imported once the Dash app exists

    indicators = common.indicators()
    groups = common.country_groups()
    state, notices = parse_state(params, indicators["indicator_id"].tolist(), queries.year_coverage,
                                 set(common.countries()["iso3"]), set(groups["group_id"]))
    chart = parse_choice(params, "chart", list(CHARTS), "map", notices, label="chart")
    meta = indicators.set_index("indicator_id").loc[state.indicator]
    names = dict(zip(groups["group_id"].tolist(), groups["name"].tolist(), strict=True))
    group_name = names.get(state.group or "", "")
    address = "/explore" + encode_state(state)
    if chart == "map":
        values = queries.map_values(state.indicator, state.year)
        members = set(common.group_members(state.group)["iso3"]) if state.group else None
        shown = values if members is None else values[values["iso3"].isin(members)]
        reported = shown.dropna(subset=["value"])
        title = f"{meta['name']}, {state.year}" + (f": {group_name}" if group_name else "")
        figure = figures.world_map(values, meta["name"], meta["unit"], state.year,
                                   log_scale=_log_scale(state.indicator), members=members, group_name=group_name)
        summary = figures.map_summary(reported, meta["name"], meta["unit"], state.year)
        return Embed(title, figure, figures.source_caption(meta), summary, address, notices)
    scope_id, scope_label = state.group or "world", group_name or "World"
    series = queries.series(state.indicator, state.countries)
    aggregate = queries.group_series(state.indicator, scope_id)
    target, progress = page.target_view(state.indicator, scope_id)  # the page's choice of target, not a copy
    figure = figures.trend(series, queries.published_world(state.indicator), meta["name"], meta["unit"],
                           aggregate=(scope_label, aggregate), target=target, progress=progress,
                           changes=common.definition_changes(state.indicator))
    summary = figures.trend_summary(series, meta["name"], meta["unit"]) + " " + figures.aggregate_summary(
        scope_label, aggregate, meta["unit"])
    return Embed(f"{meta['name']} over time", figure, figures.source_caption(meta), summary,
                 address, notices)

"""Explore: a world map of one indicator in one year, ranked, and trends for chosen countries.

A group filter (?group=ldc) narrows the map and the ranking to the group's members and draws the group's
own aggregate, with its population coverage, on the trend chart; an indicator with a target gets the target
line and the aggregate's projection at its observed pace.

A play button steps the map and the ranking through the years (one year per click when the reader asks for
reduced motion); a scale toggle draws the trend's y axis and the map's colours on a log or linear scale; an
indicator paired with a relative or absolute measure of the same concept (indicators/pairs.yaml) offers a toggle
to its partner; a year range clips the trend; the ranking can be sorted by value or name.

All state lives in the URL (?indicator=…&year=…&group=…&countries=NOR,NGA&scale=log&from=2005&to=2020&sort=name-asc;
the defaults left out): the layout is built from
the query parameters with the view drawn (components.fill; the world map also as a server-drawn picture
until plotly has drawn it), and every change is redrawn by one callback and written back with
history.replaceState so that a copied link reproduces the view without re-rendering the page.

Every text is in the address's language (dashboard/i18n.py): interface strings through gettext, economies',
indicators', units' and groups' names through dashboard/localized.py, the callbacks' answers too (their locale is
the Referer's).
"""

from __future__ import annotations

from typing import Final, NamedTuple

import dash
import numpy as np
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import components, data, figures, formatting, i18n, localized
from dashboard import figures_targets as ft
from dashboard.address_query import AddressQuery
from dashboard.callbacks import PREVENT, checked, codes, number, number_pair, text
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries import explore as queries
from dashboard.staged import StagedDropdown
from dashboard.url_state import (
    ALL_GROUPS,
    DEFAULT_SORT,
    SCALES,
    SORTS,
    ExploreState,
    default_year,
    encode,
    encode_state,
    parse_state,
)
from indicators import catalogue
from indicators.pairs import pairs


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("Explore · Digital divide indicators")


dash.register_page(__name__, path="/explore", name="Explore", title=_title)


class Ids:
    """The page's component ids, named once for the layout, the callbacks and the tests. Keep the strings: the
    CSS, the assets' scripts, the embed, the browser tests and the benchmarks select elements by them."""

    PAGE: Final = "explore"  # components.page derives explore-main and explore-notices from it
    MAIN: Final = "explore-main"
    NOTICES: Final = "explore-notices"
    INDICATOR: Final = "explore-indicator"
    GROUP: Final = "explore-group"
    YEAR: Final = "explore-year"
    PLAY: Final = "explore-play"
    PLAY_TIMER: Final = "explore-play-timer"
    PLAY_WORDS: Final = "explore-play-words"  # the play button's words in the page's language (a dcc.Store)
    MEASURE_BOX: Final = "explore-measure-box"
    MEASURE: Final = "explore-measure"
    SCALE: Final = "explore-scale"
    COPY_LINK: Final = "explore-copy-link"
    LINK_FIELD: Final = "explore-link-field"
    COPY_STATUS: Final = "explore-copy-status"
    DATA_LINK: Final = "explore-data-link"
    MAP: Final = "explore-map"
    MAP_PREVIEW: Final = "explore-map-preview"  # components.graph(preview=True) names it after the map
    MAP_SUMMARY: Final = "explore-map-summary"
    MAP_NOTE: Final = "explore-map-note"
    MAP_SOURCE: Final = "explore-map-source"
    MAP_TABLE: Final = "explore-map-table"
    RANKING_TITLE: Final = "explore-ranking-title"
    SORT: Final = "explore-sort"
    RANKING: Final = "explore-ranking"
    COUNTRIES: Final = "explore-countries"
    RANGE: Final = "explore-range"
    TREND: Final = "explore-trend"
    TREND_SUMMARY: Final = "explore-trend-summary"
    TREND_SOURCE: Final = "explore-trend-source"
    TREND_TABLE: Final = "explore-trend-table"
    QUERY: Final = "explore-query"  # the address bar's query (AddressQuery)


def _year_marks(years: list[int]) -> dict:
    first, last = min(years), max(years)
    # Round years every five, but none crowding the first and last labels.
    step = 5 if last - first <= 40 else 10
    margin = max(3, (last - first) // 12)
    marks = {year: str(year) for year in range(first - first % step + step, last, step)
             if year - first >= margin and last - year >= margin}
    marks.update({first: str(first), last: str(last)})
    return {year: {"label": label} for year, label in sorted(marks.items())}


@data.per_version
def _slider_props(indicator_id: str) -> tuple[int, int, dict]:
    """The indicator's first and last year and the sliders' marks (once per version: callers must not change the
    marks)."""
    years = queries.year_coverage(indicator_id)["year"].astype(int).tolist()
    return min(years), max(years), _year_marks(years)


def _default_scale(indicator_id: str) -> str:
    """Money and head counts are drawn on a log scale (the catalogue's units.yaml says which), the rest linear."""
    entry = catalogue().indicators.get(indicator_id)
    return "log" if entry is not None and entry.unit.map_scale == "log" else "linear"


SORT_LABELS = {"value-desc": N_("Value, highest first"), "value-asc": N_("Value, lowest first"),
               "name-asc": N_("Name, A–Z"), "name-desc": N_("Name, Z–A")}
SORT_WORDS = {"value-desc": N_("highest first"), "value-asc": N_("lowest first"), "name-asc": N_("by name, A to Z"),
              "name-desc": N_("by name, Z to A")}
SCALE_LABELS = {"linear": N_("Linear"), "log": N_("Log")}
MEASURE_LABELS = {"relative": N_("Relative ({unit})"), "absolute": N_("Absolute ({unit})")}
PLAY_MS = 1500  # one year per 1.5 s: time to read the map before it moves on


def _play_words() -> dict[str, str]:
    """The play button's texts and aria-labels in the request's language, for the clientside callback below (its
    JavaScript is the same for every language)."""
    return {"play": _("▶ Play"), "play_label": _("Play the years on the map and ranking"), "pause": _("⏸ Pause"),
            "pause_label": _("Pause the years"), "next": _("▶ Next year"),
            "next_label": _("Show the next year (reduced motion: no animation)")}


def _measure_options(indicator_id: str) -> tuple[list[dict], bool]:
    """The relative/absolute toggle's two options (each a catalogue indicator), and whether to hide it (the
    indicator has no partner)."""
    pair = pairs().get(indicator_id)
    if pair is None:
        return [], True
    units = {kind: localized.unit_label(catalogue().indicators[pair[kind]].unit.label) for kind in pair}
    return [{"label": _(MEASURE_LABELS[kind]).format(unit=units[kind]) if kind in MEASURE_LABELS
             else f"{kind.capitalize()} ({units[kind]})", "value": pair[kind]} for kind in pair], False


def _data_link(indicator_id: str, countries: tuple[str, ...], group_id: str | None, year_from: int | None,
               year_to: int | None) -> str:
    """The Data page with this view's selection (dashboard/data_selection.py reads it): the indicator, the
    countries (else the group) and the trend's years."""
    return dash.get_relative_path("/data") + encode({
        "indicator": indicator_id, "countries": countries, "group": None if countries else group_id,
        "from": year_from, "to": year_to})


@data.per_version
def _dropdown_options(locale: str) -> tuple[list[dict], list[dict], list[dict]]:
    """The indicator, group and country options in `locale`, the request's (~25 ms to build, the same for every
    view in a language): names through localized.py, economies in the locale's alphabetical order."""
    del locale  # the cache's key: the texts below are in the request's language
    themed = queries.indicator_themes()
    if localized.code() != "en":
        themed = themed.assign(
            name=[localized.indicator_name(i, name) for i, name in zip(themed["indicator_id"], themed["name"],
                                                                        strict=True)],
            theme=[localized.theme_text(t, "title", title) if isinstance(t, str) else None
                   for t, title in zip(themed["theme_id"], themed["theme"], strict=True)])
        # Each theme's indicators in the language's order (the themes keep theirs: the Elements Paper's).
        rank = {theme: index for index, theme in enumerate(dict.fromkeys(themed["theme_id"].fillna("")))}
        themed = themed.assign(_theme=themed["theme_id"].fillna("").map(rank),
                               _name=themed["name"].str.casefold()).sort_values(["_theme", "_name"], kind="stable")
    economies = common.countries()
    if localized.code() != "en":
        known = set(economies["iso3"])
        names = common.country_names(localized.code())
        economies = names[names["iso3"].isin(known)] if len(names) else economies
    return (figures.indicator_options(themed),
            figures.group_options(common.country_groups(), ALL_GROUPS),
            [{"label": f"{row.name} ({row.iso3})", "value": row.iso3} for row in economies.itertuples()])


@data.per_version
def _indicator_metas() -> pd.DataFrame:
    return common.indicators().set_index("indicator_id")


class _Facts(NamedTuple):
    """What every view of an indicator shows whatever its year, group and countries, in the request's language."""

    name: str
    unit: str
    unit_label: str
    caption: str  # figures.source_caption
    digits: int  # the tables' decimals
    own_scale: str  # _default_scale
    changes: tuple[tuple[int, str], ...]  # localized.definition_changes
    changes_note: str


@data.per_version
def _facts(indicator_id: str) -> _Facts:
    """An indicator's `_Facts`, once per version and language (149 indicators): a view used to rebuild them from
    the metadata frame's row, the definition changes' query and the units' catalogue on every request."""
    meta = _indicator_metas().loc[indicator_id]
    unit = meta["unit"]
    changes = localized.definition_changes(common.definition_changes(indicator_id))
    return _Facts(localized.indicator_name(indicator_id, meta["name"]), unit, localized.unit_label(unit),
                  figures.source_caption(meta), formatting.digits(unit), _default_scale(indicator_id), changes,
                  localized.definition_changes_note(changes))


@data.per_version
def _group_names() -> dict[str, str]:
    """group_id -> the group's English name (country_groups)."""
    groups = common.country_groups()
    return dict(zip(groups["group_id"].tolist(), groups["name"].tolist(), strict=True))


@data.per_version
def _members(group_id: str) -> frozenset[str]:
    return frozenset(common.group_members(group_id)["iso3"].tolist())


@data.per_version
def _choices() -> tuple[list[str], frozenset[str], frozenset[str]]:
    """What an address may choose (parse_state's lists): the indicators, the economies and the groups."""
    return (common.indicators()["indicator_id"].tolist(), frozenset(common.countries()["iso3"].tolist()),
            frozenset(common.country_groups()["group_id"].tolist()))


def layout(**query) -> html.Main:
    try:
        indicator_ids, known, group_ids = _choices()
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    state, notices = parse_state(query, indicator_ids, queries.year_coverage, known, group_ids)
    first, last, marks = _slider_props(state.indicator)
    indicator_options, group_options, country_options = _dropdown_options(localized.code())
    measure_options, measure_hidden = _measure_options(state.indicator)
    page = components.page(
        _("Explore an indicator"),
        _("Pick an indicator, a year and countries to compare. The address bar keeps the view, so a copied "
          "link reproduces it."),
        html.Section(className="controls", children=[
            html.Div(className="control", children=[
                html.Label(_("Indicator"), htmlFor=Ids.INDICATOR),
                StagedDropdown(id=Ids.INDICATOR, clearable=False, value=state.indicator, search_order="original",
                             options=indicator_options, maxHeight=360),
            ]),
            html.Div(className="control", children=[
                html.Label(_("Economies shown"), htmlFor=Ids.GROUP),
                StagedDropdown(id=Ids.GROUP, clearable=False, value=state.group or ALL_GROUPS,
                             options=group_options, search_order="original",
                             maxHeight=360),
            ]),
            html.Div(className="control control-wide", children=[
                html.Label(_("Year"), htmlFor=Ids.YEAR),
                html.Div(className="year-player", children=[
                    # A real button: Enter and Space press it; aria-pressed tells a screen reader it is playing.
                    html.Button(_("▶ Play"), id=Ids.PLAY, type="button", className="play-button",
                                **{"aria-pressed": "false", "aria-label": _("Play the years on the map and ranking")}),
                    html.Div(className="year-slider", children=[
                        dcc.Slider(id=Ids.YEAR, min=first, max=last, step=1, value=state.year, marks=marks,
                                   tooltip={"placement": "bottom", "always_visible": True}),
                    ]),
                ]),
                dcc.Interval(id=Ids.PLAY_TIMER, interval=PLAY_MS, disabled=True),
                dcc.Store(id=Ids.PLAY_WORDS, data=_play_words()),
            ]),
        ]),
        html.Div(className="controls view-options", children=[
            # Dropdowns, not RadioItems: Dash 4 renders radio items as inputs nested in role=option labels, which
            # axe-core reports as serious (as on Gaps); a dropdown is named by its <label> (assets/a11y.js).
            html.Div(className="control control-narrow", id=Ids.MEASURE_BOX, hidden=measure_hidden, children=[
                html.Label(_("Measure"), htmlFor=Ids.MEASURE),
                # No value without a pair: a dropdown clears a value missing from its options as it mounts, and
                # that change would run a callback at load.
                StagedDropdown(id=Ids.MEASURE, options=measure_options, clearable=False, searchable=False,
                               value=None if measure_hidden else state.indicator),
            ]),
            html.Div(className="control control-narrow", children=[
                html.Label(_("Scale (trend and map)"), htmlFor=Ids.SCALE),
                StagedDropdown(id=Ids.SCALE, options=[{"label": _(SCALE_LABELS[s]), "value": s} for s in SCALES],
                               value=state.scale or _default_scale(state.indicator), clearable=False,
                               searchable=False),
            ]),
            html.Div(className="share-row", children=[
                html.Button(_("Copy link"), type="button", className="copy-link", id=Ids.COPY_LINK,
                            **{"data-copy-field": Ids.LINK_FIELD}),
                # An <output>: assets/copy_link.js writes the link there, visible and selectable, as it copies it.
                html.Output(id=Ids.LINK_FIELD, className="link-field", **{"aria-label": _("Link to this view")}),
                html.Span(id=Ids.COPY_STATUS, className="copy-status", role="status"),
                html.A(_("Open this selection on the Data page"), id=Ids.DATA_LINK, className="data-link"),
            ]),
        ]),
        html.Section(className="chart", children=[
            html.Div(className="map-and-ranking", children=[
                html.Div(className="map-column", children=[
                    components.graph(Ids.MAP, preview=True),
                    html.P(id=Ids.MAP_SUMMARY, className="summary", **{"aria-live": "polite"}),
                    html.P(id=Ids.MAP_NOTE, className="caption"),
                    html.P(id=Ids.MAP_SOURCE, className="caption source"),
                    html.Details(className="table-alternative", children=[
                        html.Summary(_("Show the data as a table (ranked)")), html.Div(id=Ids.MAP_TABLE)]),
                ]),
                html.Div(className="ranking-column", children=[
                    html.H2(_("Ranking"), id=Ids.RANKING_TITLE, className="chart-title"),
                    html.Div(className="control ranking-order", children=[
                        html.Label(_("Order"), htmlFor=Ids.SORT),
                        StagedDropdown(id=Ids.SORT, value=state.sort, clearable=False, searchable=False,
                                       options=[{"label": _(label), "value": key}
                                                for key, label in SORT_LABELS.items()]),
                    ]),
                    html.Div(id=Ids.RANKING, className="ranking", tabIndex="0", role="region",
                             **{"aria-labelledby": Ids.RANKING_TITLE}),
                ]),
            ]),
        ]),
        html.Section(className="chart", children=[
            html.Div(className="controls", children=[
                html.Div(className="control control-wide", children=[
                    html.Label(_("Countries to compare"), htmlFor=Ids.COUNTRIES),
                    StagedDropdown(id=Ids.COUNTRIES, multi=True, value=list(state.countries),
                                 options=country_options, placeholder=_("Type a country name…")),
                ]),
                html.Div(className="control control-wide", children=[
                    html.Label(_("Years on the trend"), htmlFor=Ids.RANGE),
                    dcc.RangeSlider(id=Ids.RANGE, min=first, max=last, step=1, marks=marks, allowCross=False,
                                    value=[state.year_from or first, state.year_to or last],
                                    tooltip={"placement": "bottom", "always_visible": False}),
                ]),
            ]),
            components.graph(Ids.TREND),
            html.P(id=Ids.TREND_SUMMARY, className="summary", **{"aria-live": "polite"}),
            html.P(id=Ids.TREND_SOURCE, className="caption source"),
            html.Details(className="table-alternative", children=[
                html.Summary(_("Show the data as a table")), html.Div(id=Ids.TREND_TABLE)]),
        ]),
        AddressQuery(id=Ids.QUERY),
        notices=notices, page_id=Ids.PAGE,
    )
    view = update_charts(state.indicator, state.year, state.group or ALL_GROUPS, list(state.countries),
                         state.scale or _default_scale(state.indicator),
                         [state.year_from or first, state.year_to or last], state.sort)
    return components.fill(page, dict(zip(VIEW_PARTS, view, strict=True)))


@data.per_version
def _indicator_ids() -> frozenset[str]:
    return frozenset(_indicator_metas().index)


@data.per_version
def _group_ids() -> frozenset[str]:
    return frozenset({ALL_GROUPS, *common.country_groups()["group_id"]})


@callback(
    Output(Ids.YEAR, "min"), Output(Ids.YEAR, "max"), Output(Ids.YEAR, "marks"),
    Output(Ids.YEAR, "value"),
    Output(Ids.RANGE, "min"), Output(Ids.RANGE, "max"), Output(Ids.RANGE, "marks"),
    Output(Ids.RANGE, "value"), Output(Ids.SCALE, "value"),
    Input(Ids.INDICATOR, "value"), State(Ids.YEAR, "value"),
    prevent_initial_call=True,
)
@checked(text(known=_indicator_ids, default=PREVENT), number(1000, 3000))
def update_year_range(indicator_id: str, year: int | None):
    """A new indicator brings its own years (the trend's range reset to all of them) and its own scale; keep the
    chosen year when that indicator has it."""
    first, last, marks = _slider_props(indicator_id)
    if year is None or not first <= year <= last:
        year = default_year(queries.year_coverage(indicator_id))
    return first, last, marks, year, first, last, marks, [first, last], _default_scale(indicator_id)


@callback(
    Output(Ids.INDICATOR, "value"), Output(Ids.MEASURE, "options"), Output(Ids.MEASURE, "value"),
    Output(Ids.MEASURE_BOX, "hidden"),
    Input(Ids.INDICATOR, "value"), Input(Ids.MEASURE, "value"),
    prevent_initial_call=True,
)
@checked(text(known=_indicator_ids, default=PREVENT), text(known=_indicator_ids, default=None))
def sync_measure(indicator_id: str, measure: str | None):
    """The relative/absolute toggle and the indicator control, kept in step in one callback (two would call each
    other): a toggle press switches the indicator to its partner; a new indicator brings its own pair, or none."""
    if dash.ctx.triggered_id == Ids.MEASURE:
        # Only a press on the partner switches; anything else (the dropdown settling its value as it mounts) must
        # not rewrite the indicator, which would reset the year range and scale the address asked for.
        if measure == indicator_id or measure not in pairs().get(indicator_id, {}).values():
            raise dash.exceptions.PreventUpdate
        indicator_id = measure
        options, hidden = _measure_options(indicator_id)
        return indicator_id, options, indicator_id, hidden
    options, hidden = _measure_options(indicator_id)
    return dash.no_update, options, None if hidden else indicator_id, hidden


@data.per_version
def target_view(indicator_id: str, scope_id: str) -> tuple[dict | None, dict | None]:
    """The indicator's target most relevant to the scope (one set on the scope itself, else a world one, the
    latest deadline first) and the scope's progress row towards it (once per version, indicator and scope: callers
    must not change them)."""
    targets = ft.records(queries.indicator_targets(indicator_id))
    if not targets:
        return None, None
    own = [t for t in targets if t["scope"] == scope_id]
    worldwide = [t for t in targets if t["scope"] in ("world", "each_country")]
    target = (own or sorted(worldwide, key=lambda t: -int(t["deadline_year"])) or targets)[0]
    rows = ft.records(queries.target_progress_row(target["target_id"], scope_id))
    return target, rows[0] if rows else None


def update_charts(indicator_id: str, year: int, group: str | None, countries: list[str] | None,
                  scale: str | None = None, years: list[int] | None = None, sort: str | None = None) -> tuple:
    """The whole view (VIEW_PARTS, in order): map, ranking, trend, their texts and tables, the address, the link
    to the Data page. `scale` is "linear" or "log" (None: the indicator's own); `years` the trend's [first, last]
    (None: all); `sort` the ranking's order (a key of url_state.SORTS).

    What depends on the indicator only (names, caption, years, definition changes: `_facts`), on the group (its
    members) or on the indicator and scope (the target) is built once per database version; the rest is sliced per
    request from lists and arrays rather than filtered frames (docs/serving.md, "Answer costs")."""
    if indicator_id not in _indicator_metas().index:  # a theme header or a stale value: nothing to draw
        raise dash.exceptions.PreventUpdate
    facts = _facts(indicator_id)
    indicator_name, unit, unit_label, caption = facts.name, facts.unit, facts.unit_label, facts.caption
    if year is None:  # a wrong one, from a hand-made request (dashboard.callbacks)
        year = default_year(queries.year_coverage(indicator_id))
    names = _group_names()
    group_id = group if group in names else None
    group_name = localized.group_name(names.get(group_id, ""))
    codes = tuple(countries or ())
    own_scale = facts.own_scale
    scale = scale if scale in SCALES else own_scale
    sort = sort if sort in SORTS else DEFAULT_SORT
    first, last, _marks = _slider_props(indicator_id)
    year_from, year_to = (max(first, years[0]), min(last, years[1])) if years else (first, last)
    if year_from > year_to:  # a range outside this indicator's years (a hand-made post): all of them
        year_from, year_to = first, last
    # The map's economies as lists and an array, not a frame: filtering and sorting a frame of them cost more
    # than drawing the map.
    columns = queries.map_columns(indicator_id, int(year))
    iso3, names, numbers = columns.iso3, columns.name, columns.value
    if localized.code() != i18n.DEFAULT.code:  # as localized.with_country_names
        names = [localized.country_name(code, name) for code, name in zip(iso3, names, strict=True)]
    members = _members(group_id) if group_id else None
    with_value = ~np.isnan(numbers)
    if members is None:
        total = len(iso3)
    else:
        inside = np.fromiter((code in members for code in iso3), dtype=bool, count=len(iso3))
        with_value &= inside
        total = int(inside.sum())
    at = np.flatnonzero(with_value).tolist()
    reported_iso3, reported_names, reported_numbers = [iso3[i] for i in at], [names[i] for i in at], numbers[at]
    if members is None:
        note = ngettext("{reported} of {total} economy reports a value for {year}; grey means no data.",
                        "{reported} of {total} economies report a value for {year}; grey means no data.",
                        total).format(reported=len(at), total=total, year=year) + " "
        lead = ""
    else:
        note = ngettext("{reported} of the {total} member of {group} reports a value for {year}; grey means no data, "
                        "and economies outside the group are left pale.",
                        "{reported} of the {total} members of {group} report a value for {year}; grey means no data, "
                        "and economies outside the group are left pale.",
                        total).format(reported=len(at), total=total, group=group_name, year=year) + " "
        lead = ngettext("Showing the {count} member of {group} only.", "Showing the {count} members of {group} only.",
                        total).format(count=total, group=group_name) + " "
    note += figures.off_map_note_of(reported_iso3)
    ranked = _ranked_table(reported_names, reported_iso3, reported_numbers)
    column, descending = SORTS[sort]
    ranking = figures.ranking_table(reported_names, reported_numbers.tolist(), int(year), column, descending)
    if group_id:
        ranking_caption = ngettext("{count} economy in {group} with a value for {year}, {order} ({unit}).",
                                   "{count} economies in {group} with a value for {year}, {order} ({unit}).",
                                   len(ranking))
    else:
        ranking_caption = ngettext("{count} economy with a value for {year}, {order} ({unit}).",
                                   "{count} economies with a value for {year}, {order} ({unit}).", len(ranking))
    ranking_caption = ranking_caption.format(count=len(ranking), group=group_name, year=year,
                                             order=_(SORT_WORDS[sort]), unit=unit_label)
    digits = facts.digits
    series = queries.series(indicator_id, codes)
    if codes:
        series = localized.with_country_names(_in_years(series, year_from, year_to))
    world = _in_years(queries.published_world(indicator_id), year_from, year_to)
    scope_id = group_id or "world"
    scope_label = group_name or _("World")
    aggregate, coverage = _aggregate_in_years(indicator_id, scope_id, year_from, year_to)
    target, progress = target_view(indicator_id, scope_id)
    if year_to < last:  # the projection runs on from the latest year: not drawn on a trend cut before it
        progress = None
    changes = facts.changes
    changes_note = facts.changes_note  # the trend's caption; `note` stays the map's (who reports, what is off it)
    trend_text = figures.trend_summary(series, indicator_name, unit)
    trend_text += " " + figures.aggregate_summary(scope_label, aggregate, unit)
    if target is not None:
        trend_text += " " + ft.chart_summary(progress, target, scope_label, unit, indicator_name)
    trend_rows = _trend_rows(series, _("{group} (our aggregate)").format(group=scope_label), aggregate, coverage)
    clipped = (year_from if year_from > first else None, year_to if year_to < last else None)
    state = ExploreState(indicator_id, int(year), codes, group_id, None if scale == own_scale else scale, *clipped,
                         sort)
    return (
        figures.map_figure(iso3, names, numbers.tolist(), columns.status, indicator_name, unit, int(year),
                           log_scale=scale == "log", members=members, group_name=group_name),
        caption, note, lead + figures.map_summary_of(reported_names, reported_numbers, indicator_name, unit,
                                                     int(year)),
        components.data_table(ranked, {"name": _("Economy"), "iso3": _("Code"), "value": unit_label}, digits),
        [html.P(ranking_caption, className="caption"),
         components.data_table(ranking, {"rank": _("Rank"), "name": _("Economy"), "value": _("Value"),
                                         "year": _("Year")}, digits)],
        figures.trend(series, world, indicator_name, unit,
                      aggregate=(scope_label, aggregate), target=target, progress=progress, changes=changes,
                      log_y=scale == "log", coverage=coverage),
        caption + (" " + _("Target: {source}").format(source=target["source_url"]) if target is not None else "")
        + (f" {changes_note}" if changes_note else ""),
        trend_text,
        components.data_table(trend_rows, {"name": _("Economy or group"), "year": _("Year"), "value": unit_label,
                                           "coverage": _("Population coverage")}, digits),
        encode_state(state),
        _data_link(indicator_id, codes, group_id, *clipped),
    )


def _ranked_table(names: list[str], iso3: list[str], numbers: np.ndarray) -> pd.DataFrame:
    """The map's table of the economies with a value: name, iso3, value, highest first, in the order
    sort_values("value", ascending=False) gave (its descending quicksort, ties included). A frame of Python values
    (dtype object): the table only reads them back, and a typed frame cost twice as much to build."""
    positions = np.arange(len(numbers))[::-1]
    order = positions[numbers[::-1].argsort(kind="quicksort")][::-1].tolist()
    return pd.DataFrame({"name": [names[at] for at in order], "iso3": [iso3[at] for at in order],
                         "value": numbers[order].tolist()}, dtype=object)


@data.per_version
def _aggregate(indicator_id: str, scope_id: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Our aggregate of the scope (queries.group_series) and its rows' population coverage in words
    (figures.coverage_text), once per version, language, indicator and scope: the coverage's words were a tenth
    of a view's cost, written twice (chart and table)."""
    rows = queries.group_series(indicator_id, scope_id)
    return rows, tuple(figures.coverage_text(share) for share in rows["population_coverage"].tolist())


def _aggregate_in_years(indicator_id: str, scope_id: str, year_from: int, year_to: int
                        ) -> tuple[pd.DataFrame, list[str]]:
    """`_aggregate` from `year_from` to `year_to` (as _in_years)."""
    rows, coverage = _aggregate(indicator_id, scope_id)
    years = rows["year"].to_numpy()
    inside = (years >= year_from) & (years <= year_to)
    if inside.all():
        return rows, list(coverage)
    return rows[inside], [text for text, keep in zip(coverage, inside.tolist(), strict=True) if keep]


def _trend_rows(series: pd.DataFrame, aggregate_name: str, aggregate: pd.DataFrame,
                coverage: list[str]) -> pd.DataFrame:
    """The trend's table: the chosen economies' rows, then the aggregate's with its population coverage (built
    from lists: a concat of two frames cost more than the table)."""
    years = [int(year) for year in series["year"].tolist()]  # whole years, with or without an aggregate row
    return pd.DataFrame({
        "name": series["name"].tolist() + [aggregate_name] * len(aggregate),
        "year": years + aggregate["year"].tolist(),
        "value": series["value"].tolist() + [float(value) for value in aggregate["value"].tolist()],
        "coverage": [""] * len(series) + coverage}, dtype=object)  # Python values, read back only (_ranked_table)


def _in_years(frame: pd.DataFrame, year_from: int, year_to: int) -> pd.DataFrame:
    """The rows of a series from `year_from` to `year_to` (the trend's year range)."""
    years = frame["year"].to_numpy()  # compared as an array: astype(int).between cost ~10x more on these frames
    inside = (years >= year_from) & (years <= year_to)
    return frame if inside.all() else frame[inside]  # all of it (the usual trend): the frame itself, not a copy


# The outputs of update_charts, in its order. The layout holds the view the address asks for (components.fill),
# its map drawn on the server until plotly draws it, so no callback runs at load.
VIEW_PARTS = [(Ids.MAP, "figure"), (Ids.MAP_SOURCE, "children"), (Ids.MAP_NOTE, "children"),
              (Ids.MAP_SUMMARY, "children"), (Ids.MAP_TABLE, "children"),
              (Ids.RANKING, "children"),
              (Ids.TREND, "figure"), (Ids.TREND_SOURCE, "children"),
              (Ids.TREND_SUMMARY, "children"), (Ids.TREND_TABLE, "children"),
              (Ids.QUERY, "data"), (Ids.DATA_LINK, "href")]
callback(*[Output(*part) for part in VIEW_PARTS],
         Input(Ids.INDICATOR, "value"), Input(Ids.YEAR, "value"), Input(Ids.GROUP, "value"),
         Input(Ids.COUNTRIES, "value"), Input(Ids.SCALE, "value"), Input(Ids.RANGE, "value"),
         Input(Ids.SORT, "value"), prevent_initial_call=True)(
    checked(text(known=_indicator_ids, default=PREVENT), number(1000, 3000), text(known=_group_ids, default=ALL_GROUPS),
            codes(), text(known=SCALES, default=None), number_pair(1000, 3000), text(known=SORTS, default=DEFAULT_SORT)
            )(update_charts))


# Play: each tick of the timer moves the year slider on by one, which redraws the map and ranking (update_charts);
# at the last year it stops. The button plays and pauses. A reader who asks for reduced motion gets no timer: each
# press steps one year instead. In the browser, so that a tick costs no round trip of its own.
clientside_callback(
    """
    function(clicks, ticks, year, first, last, stopped, words) {
        var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        var fromTimer = (dash_clientside.callback_context.triggered || []).some(function (t) {
            return t.prop_id.indexOf("__PLAY_TIMER__") === 0; });
        var next = year >= last ? first : year + 1;
        words = words || {};
        var play = [words.play || "▶ Play", "false", words.play_label || "Play the years on the map and ranking"];
        var pause = [words.pause || "⏸ Pause", "true", words.pause_label || "Pause the years"];
        if (fromTimer) {
            if (stopped) { return dash_clientside.no_update; }
            var end = next >= last || year >= last;
            return [Math.min(year + 1, last), end].concat(end ? play : pause);
        }
        if (reduce) {
            return [next, true, words.next || "▶ Next year", "false",
                    words.next_label || "Show the next year (reduced motion: no animation)"];
        }
        if (!stopped) { return [dash_clientside.no_update, true].concat(play); }
        return [next, false].concat(pause);
    }
    """.replace("__PLAY_TIMER__", Ids.PLAY_TIMER),
    Output(Ids.YEAR, "value", allow_duplicate=True), Output(Ids.PLAY_TIMER, "disabled"),
    Output(Ids.PLAY, "children"), Output(Ids.PLAY, "aria-pressed"), Output(Ids.PLAY, "aria-label"),
    Input(Ids.PLAY, "n_clicks"), Input(Ids.PLAY_TIMER, "n_intervals"),
    State(Ids.YEAR, "value"), State(Ids.YEAR, "min"), State(Ids.YEAR, "max"),
    State(Ids.PLAY_TIMER, "disabled"), State(Ids.PLAY_WORDS, "data"),
    prevent_initial_call=True,
)

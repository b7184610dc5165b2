"""Scatter: any indicator against any other for one year, one point per economy.

All state lives in the URL (?x=…&y=…&year=…&color=region|income&group=…&logx=1&logy=1): the layout is built
from the query parameters with the chart drawn (components.fill), each change is redrawn by one callback and
written back to the address bar (AddressQuery). Totals only (both sexes, all areas and ages). The same view is
served alone, for an iframe, at /embed/scatter?<the same query> (dashboard/embed.py calls `view`).
"""

from __future__ import annotations

from html import escape
from typing import Final, NamedTuple

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from flask import has_request_context, request

from dashboard import components, data, figures, formatting, i18n, localized
from dashboard import figures_scatter as fs
from dashboard.address_query import AddressQuery
from dashboard.callbacks import PREVENT, checked, number, text
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries import explore as explore_queries
from dashboard.queries import scatter as queries
from dashboard.staged import StagedDropdown
from dashboard.url_state import ALL_GROUPS, encode, first, parse_choice, parse_group, parse_year
from indicators import catalogue


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("Scatter · Digital divide indicators")


dash.register_page(__name__, path="/scatter", name="Scatter", title=_title)

DEFAULT_X, DEFAULT_Y = "gni_per_capita", "internet_use"
FALLBACK_YEARS = 3  # an economy without a value in the year shown gets its latest of the 3 years before
COLOUR_CHOICES = {"region": N_("World Bank region"), "income": N_("Income group")}  # translated where shown
SCALE_VALUES = {"0": False, "1": True}  # ?logx=1 draws the x axis on a log scale
# A year is offered by default when at least this share of the best year's economies have both values.
DEFAULT_YEAR_MIN_COVERAGE = 0.5


class Ids:
    """The page's component ids, named once for the layout, the callbacks and the tests. Keep the strings:
    the CSS, the assets' scripts, the browser tests and the benchmarks select elements by them."""

    PAGE: Final = "scatter"  # components.page derives scatter-main and scatter-notices from it
    MAIN: Final = "scatter-main"
    NOTICES: Final = "scatter-notices"
    X: Final = "scatter-x"
    Y: Final = "scatter-y"
    YEAR: Final = "scatter-year"
    COLOR: Final = "scatter-color"
    GROUP: Final = "scatter-group"
    LOGX: Final = "scatter-logx"
    LOGY: Final = "scatter-logy"
    CHART: Final = "scatter-chart"  # components.chart: also its -summary, -source and -table parts
    CHART_NOTE: Final = "scatter-chart-note"
    COPY_LINK: Final = "scatter-copy-link"
    COPY_STATUS: Final = "scatter-copy-status"
    EMBED_CODE: Final = "scatter-embed-code"
    QUERY: Final = "scatter-query"  # the address bar's query (AddressQuery)


class ScatterState(NamedTuple):  # not a dataclass: Dash imports page files in a way dataclasses cannot follow
    x: str
    y: str
    year: int
    colour: str = "region"
    group: str | None = None  # a country_group id to highlight; None highlights none
    logx: bool = False
    logy: bool = False


@data.per_version
def _indicator_ids() -> list[str]:
    return common.indicators()["indicator_id"].tolist()


@data.per_version
def _indicator_metas() -> pd.DataFrame:
    return common.indicators().set_index("indicator_id")


@data.per_version
def _group_names() -> dict[str, str]:
    groups = common.country_groups()
    return dict(zip(groups["group_id"].tolist(), groups["name"].tolist(), strict=True))


def _group_ids() -> set[str]:
    return {ALL_GROUPS, *_group_names()}


def log_by_default(indicator_id: str) -> bool:
    """Money and head counts span orders of magnitude: the catalogue's units.yaml maps them on a log scale."""
    entry = catalogue().indicators.get(indicator_id)
    return entry is not None and entry.unit.map_scale == "log"


def pair_years(x_id: str, y_id: str) -> pd.DataFrame:
    return queries.pair_years(x_id, y_id, FALLBACK_YEARS)


class PairYears(NamedTuple):
    """A pair's years, as lists read once per request (a frame filtered at each use cost more than counting)."""
    years: list[int]  # with a value of both (in the year or the FALLBACK_YEARS before), oldest first
    economies: list[int]  # how many economies, in step with years
    default: int | None  # default_year


def pair_years_of(x_id: str, y_id: str) -> PairYears:
    years, economies = queries.pair_year_counts(x_id, y_id, FALLBACK_YEARS)
    own_years, own = queries.pair_year_counts(x_id, y_id, 0)
    if not own_years:  # the two never share a year: the best the fallback window gives
        own_years, own = years, economies
    if not own_years:
        return PairYears(years, economies, None)
    best = max(own)
    return PairYears(years, economies, max(year for year, count in zip(own_years, own, strict=True)
                                          if count >= DEFAULT_YEAR_MIN_COVERAGE * best))


def default_year(x_id: str, y_id: str) -> int | None:
    """The latest year in which at least half as many economies as in the best year report both values for that
    year itself (not from the years before: a fresh year of one publisher would otherwise be drawn mostly from
    older values)."""
    return pair_years_of(x_id, y_id).default


def _parse_scale(params: dict, key: str, default: bool, notices: list[str]) -> bool:
    value = first(params.get(key))
    if not value:
        return default
    if value in SCALE_VALUES:
        return SCALE_VALUES[value]
    message = (N_("Unknown {key} “{value}” (0 or 1): showing the log scale.") if default
               else N_("Unknown {key} “{value}” (0 or 1): showing the linear scale."))
    notices.append(_(message).format(key=key, value=value[:20]))
    return default


def parse_query(params: dict) -> tuple[ScatterState, list[str]]:
    """The view a link asks for, with a notice for each value ignored (the default shown instead)."""
    state, notices, _years = _parse(params)
    return state, notices


def _parse(params: dict) -> tuple[ScatterState, list[str], PairYears]:
    """parse_query, and the pair's years (the layout's year control reads them too)."""
    notices: list[str] = []
    ids = _indicator_ids()
    x = parse_choice(params, "x", ids, DEFAULT_X if DEFAULT_X in ids else ids[0], notices,
                     label=_("indicator (x)"))
    y = parse_choice(params, "y", ids, DEFAULT_Y if DEFAULT_Y in ids else ids[-1], notices,
                     label=_("indicator (y)"))
    years = pair_years_of(x, y)
    fallback = years.default
    if fallback is None:
        notices.append(_("These two indicators have no economy and year in common: choose another pair."))
        year = int(explore_queries.year_coverage(y)["year"].max())
    else:
        year = parse_year(params, "year", set(years.years), fallback, notices)
    colour = parse_choice(params, "color", list(COLOUR_CHOICES), "region", notices, label=_("colouring"))
    group = parse_group(params, "group", set(_group_names()), notices)
    logx = _parse_scale(params, "logx", log_by_default(x), notices)
    logy = _parse_scale(params, "logy", log_by_default(y), notices)
    return ScatterState(x, y, year, colour, group, logx, logy), notices, years


def encode_query(state: ScatterState) -> str:
    """The canonical query string (scales always written: their default depends on the indicator)."""
    return encode({"x": state.x, "y": state.y, "year": state.year, "color": state.colour, "group": state.group,
                   "logx": int(state.logx), "logy": int(state.logy)})


def _year_options(years: PairYears) -> list[dict]:
    return [{"label": ngettext("{year} ({count} economy)", "{year} ({count} economies)", economies).format(
                 year=year, count=formatting.count(economies)), "value": year}
            for year, economies in zip(years.years[::-1], years.economies[::-1], strict=True)]


def _options() -> tuple[list[dict], list[dict]]:
    return _options_in(localized.code())


@data.per_version
def _options_in(locale: str) -> tuple[list[dict], list[dict]]:
    """The indicator and group options, once per database and language (`locale`: the cache key only)."""
    del locale
    return (figures.indicator_options(explore_queries.indicator_themes()),
            figures.group_options(common.country_groups(), ALL_GROUPS))


def embed_snippet(query: str) -> str:
    """The <iframe> that shows this view alone (dashboard/embed.py), at this site's own address."""
    origin = request.host_url.rstrip("/") if has_request_context() else ""
    source = f"{origin}{dash.get_relative_path('/embed/scatter')}{query}"
    title = escape(_("Scatter chart, Digital divide indicators"), quote=True)
    return (f'<iframe src="{source}" title="{title}" width="100%" height="640" '
            'style="border:0" loading="lazy"></iframe>')


class View(NamedTuple):
    """Everything drawn for a state: what the page fills in and the embed shows."""
    figure: dict
    summary: str
    source: str
    table: object
    note: str
    title: str


class _Indicator(NamedTuple):
    name: str  # in the request's language
    unit: str
    caption: str  # figures.source_caption


@data.per_version
def _indicators_in(locale: str) -> dict[str, _Indicator]:
    """Each indicator's name, unit and source caption, once per database and language (`locale`: the cache key
    only): looked up in a frame (.loc) and written per request, they cost more than the page's points."""
    del locale
    metas = _indicator_metas()
    return {indicator_id: _Indicator(localized.indicator_name(indicator_id, name), unit,
                                     figures.source_caption(metas.loc[indicator_id]))
            for indicator_id, name, unit in zip(metas.index.tolist(), metas["name"].tolist(),
                                                metas["unit"].tolist(), strict=True)}


@data.per_version
def _members(group_id: str) -> frozenset[str]:
    """A group's members (iso3), once per database version."""
    return frozenset(common.group_members(group_id)["iso3"].tolist())


def view(state: ScatterState) -> View:
    indicators = _indicators_in(localized.code())
    x_meta, y_meta = indicators[state.x], indicators[state.y]
    x = fs.Axis(x_meta.name, x_meta.unit, state.logx)
    y = fs.Axis(y_meta.name, y_meta.unit, state.logy)
    # The rows as Python lists, once: every builder below reads lists (figures_scatter.columns_of).
    rows = _named(fs.columns_of(queries.pair_values(state.x, state.y, state.year, FALLBACK_YEARS)))
    rows["population_text"] = fs.population_texts(rows)  # the hover's and the table's, written once
    members = _members(state.group) if state.group else None
    group_name = localized.group_name(_group_names().get(state.group or "", ""))
    drawn, dropped = fs.plottable(rows, x, y)
    fit = fs.least_squares(drawn, x, y)
    frame, labels = fs.table(drawn, x, y, state.colour)
    sources = [f"x: {x_meta.caption}"]
    if state.y != state.x:
        sources.append(f"y: {y_meta.caption}")
    if queries.POPULATION in indicators:
        sources.append(_("Point size: population, {source}").format(source=indicators[queries.POPULATION].caption))
    highlight = (" " + ngettext("{group}: {drawn} of its {count} member is drawn with a dark outline; the other "
                                "economies are faded.",
                                "{group}: {drawn} of its {count} members are drawn with a dark outline; the other "
                                "economies are faded.", len(members)).format(
        group=group_name, drawn=formatting.count(sum(1 for code in drawn["iso3"] if code in members)),
        count=formatting.count(len(members))) if members is not None else "")
    note = " ".join(part for part in (fs.fallback_note(rows, state.year, FALLBACK_YEARS), fs.dropped_note(dropped),
                                      fs.fit_caption(fit, x, y), highlight.strip()) if part)
    return View(
        fs.scatter(rows, x, y, state.year, state.colour, members=members, group_name=group_name, fit=fit),
        fs.summary(drawn, x, y, state.year, fit), " ".join(sources),
        components.data_table(frame, labels), note,
        _("{y} against {x}, {year} ({group} highlighted)").format(y=y.name, x=x.name, year=state.year,
                                                                  group=group_name) if group_name
        else _("{y} against {x}, {year}").format(y=y.name, x=x.name, year=state.year))


def _named(rows: dict[str, list]) -> dict[str, list]:
    """The rows (columns as lists) with each economy named in the request's language (UNTERM's names); English
    keeps the names of table country, as the page had them before it was translated."""
    if i18n.current() is i18n.DEFAULT or not rows["iso3"]:
        return rows
    return {**rows, "name": [localized.country_name(iso3, name) for iso3, name in
                             zip(rows["iso3"], rows["name"], strict=True)]}


def _control(label: str, control_id: str, control) -> html.Div:
    return html.Div(className="control", children=[html.Label(label, htmlFor=control_id), control])


def layout(**query) -> html.Main:
    try:
        state, notices, years = _parse(query)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    indicator_options, group_options = _options()
    scale_options = [{"label": _("Linear"), "value": 0}, {"label": _("Logarithmic"), "value": 1}]
    address = encode_query(state)
    page = components.page(
        _("Scatter: one indicator against another"),
        _("Plot any two indicators for a year, one point per economy, sized by population. Choose the axes' "
          "scales, the colouring and a group to pick out. The address bar keeps the view, so a copied link "
          "reproduces it."),
        html.Section(className="controls", children=[
            _control(_("Horizontal axis (x)"), Ids.X, StagedDropdown(
                id=Ids.X, value=state.x, clearable=False, options=indicator_options, search_order="original",
                maxHeight=360)),
            _control(_("Vertical axis (y)"), Ids.Y, StagedDropdown(
                id=Ids.Y, value=state.y, clearable=False, options=indicator_options, search_order="original",
                maxHeight=360)),
            _control(_("Year"), Ids.YEAR, StagedDropdown(
                id=Ids.YEAR, value=state.year, clearable=False, searchable=False,
                options=_year_options(years))),
        ]),
        html.Section(className="controls", children=[
            _control(_("Colour by"), Ids.COLOR, StagedDropdown(
                id=Ids.COLOR, value=state.colour, clearable=False, searchable=False,
                options=[{"label": _(label), "value": key} for key, label in COLOUR_CHOICES.items()])),
            _control(_("Highlight a group"), Ids.GROUP, StagedDropdown(
                id=Ids.GROUP, value=state.group or ALL_GROUPS, clearable=False, options=group_options,
                maxHeight=360)),
            _control(_("x scale"), Ids.LOGX, StagedDropdown(
                id=Ids.LOGX, value=int(state.logx), clearable=False, searchable=False, options=scale_options)),
            _control(_("y scale"), Ids.LOGY, StagedDropdown(
                id=Ids.LOGY, value=int(state.logy), clearable=False, searchable=False, options=scale_options)),
        ]),
        components.chart(Ids.CHART),
        html.P(id=Ids.CHART_NOTE, className="caption"),
        html.Section(className="share", children=[
            html.Button(_("Copy link"), id=Ids.COPY_LINK, type="button", className="copy-link",
                        **{"data-copy": "address", "data-status": Ids.COPY_STATUS,
                           "data-copied": _("Link copied to the clipboard."),
                           "data-refused": _("Could not copy: select the address bar and copy it instead.")}),
            html.Span(id=Ids.COPY_STATUS, className="caption", role="status"),
            html.Details(className="embed", children=[
                html.Summary(_("Embed this chart")),
                html.Label(_("Paste this into a web page to show the chart alone:"), htmlFor=Ids.EMBED_CODE),
                dcc.Textarea(id=Ids.EMBED_CODE, value=embed_snippet(address), readOnly=True, rows=3,
                             className="embed-code"),
            ]),
        ]),
        AddressQuery(id=Ids.QUERY, data=address),
        notices=notices, page_id=Ids.PAGE,
    )
    return components.fill(page, dict(zip(VIEW_PARTS, view_parts(state), strict=True)))


def view_parts(state: ScatterState) -> tuple:
    """The outputs of update_view (VIEW_PARTS, in order) for a state."""
    drawn = view(state)
    address = encode_query(state)
    return drawn.figure, drawn.summary, drawn.source, drawn.table, drawn.note, address, embed_snippet(address)


# --- callbacks (plain functions, registered below, so tests can call them directly) ---------------------------


_INDICATOR = text(known=_indicator_ids, default=PREVENT)


@checked(_INDICATOR, _INDICATOR, number(1000, 3000), text(known=COLOUR_CHOICES, default="region"),
         text(known=_group_ids, default=ALL_GROUPS), number(0, 1, default=0), number(0, 1, default=0))
def update_view(x: str, y: str, year: int | None, colour: str, group: str, logx: int, logy: int) -> tuple:
    """The chart, its texts and table, the address and the embed code for the controls' values."""
    years = pair_years_of(x, y)
    if year is None or year not in years.years:
        year = years.default
        if year is None:
            raise dash.exceptions.PreventUpdate  # no common year: the year control says so (update_years)
    state = ScatterState(x, y, int(year), colour, None if group == ALL_GROUPS else group, bool(logx), bool(logy))
    return view_parts(state)


@checked(_INDICATOR, _INDICATOR, number(1000, 3000))
def update_years(x: str, y: str, year: int | None) -> tuple[list[dict], int | None]:
    """A new pair brings its own years; the chosen year stays when the pair has it."""
    years = pair_years_of(x, y)
    if year is None or year not in years.years:
        year = years.default
    return _year_options(years), year


VIEW_PARTS = [*components.chart_parts(Ids.CHART), (Ids.CHART_NOTE, "children"), (Ids.QUERY, "data"),
              (Ids.EMBED_CODE, "value")]
callback(Output(Ids.YEAR, "options"), Output(Ids.YEAR, "value"),
         Input(Ids.X, "value"), Input(Ids.Y, "value"), State(Ids.YEAR, "value"),
         prevent_initial_call=True)(update_years)
callback(*[Output(*part) for part in VIEW_PARTS],
         Input(Ids.X, "value"), Input(Ids.Y, "value"), Input(Ids.YEAR, "value"),
         Input(Ids.COLOR, "value"), Input(Ids.GROUP, "value"), Input(Ids.LOGX, "value"),
         Input(Ids.LOGY, "value"), prevent_initial_call=True)(update_view)

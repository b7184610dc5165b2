"""Targets: where the world, each group and each economy stand against the UMC 2030, Broadband Commission
2025 and A4AI "1 for 2" targets and the WSIS Geneva Plan of Action's ten targets for 2015 (quoted, with their
status at the deadline and today), with the measure computed in the ETL (`target_progress`).

State in the URL: ?framework=umc|bbc|a4ai|wsis|all & target=<target_id> & group_type=wb_region|income_group|
m49_region|special & group=<group_id>. The layout is built from the query; every change is written back
with history.replaceState (dashboard/address_query.py), so a copied link reproduces the view.

The layout comes with the four views drawn (board; trend of the chosen target; groups; economies:
components.fill); four callbacks redraw them on a change, each alone so that each stays fast, and a
fifth writes the canonical query string. Component trees that depend only on the database
and the inputs are memoised per database version (`data.per_version`), as query results are; the queries
are dashboard/queries/targets.py.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape
from typing import Final, NamedTuple

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import components, data, formatting, i18n, localized, target_status
from dashboard import figures_targets as ft
from dashboard.address_query import AddressQuery
from dashboard.callbacks import checked, text
from dashboard.html_block import HtmlBlock
from dashboard.i18n import N_
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries.targets import (  # the page's queries
    GROUP_TYPES,
    chosen_target,
    country_progress,
    group_names,
    group_progress,
    groups,
    headline_progress,
    members,
    our_series,
    publisher_series,
    source_row,
    target_index,
    targets,
)
from dashboard.staged import StagedDropdown
from dashboard.static_html import render
from dashboard.url_state import encode, first
from etl.measures import status_rules


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("Targets · Digital divide indicators")


dash.register_page(__name__, path="/targets", name="Targets", title=_title)

ALL = "all"
ALL_GROUPS = "all"
DEFAULT_GROUP_TYPE = "wb_region"
STATUS_RANK = {status: rank for rank, status in enumerate((*ft.STATUSES, ft.NO_DATA))}
CARD_STYLE = {"background": "white", "border": "1px solid #ddd", "borderRadius": "6px", "padding": "0.6rem 0.8rem",
              "fontSize": "0.9rem"}
GRID_STYLE = {"display": "grid", "gridTemplateColumns": "repeat(auto-fill, minmax(270px, 1fr))", "gap": "0.8rem"}
QUOTE_STYLE = {"margin": "0.3rem 0", "padding": "0.2rem 0.6rem", "borderInlineStart": "3px solid #999",
               "background": "#f7f7f7"}


class FrameworkText(NamedTuple):
    intro: str  # under the framework's heading on the board (marked: translated where shown)
    quoted_from: str  # the document its targets' wording is quoted from (the link text of each quote)


# What the board says of a framework, by URL slug (queries/targets.py FRAMEWORK_SLUGS); a framework not listed
# is introduced by its name alone, and its quotes name the framework.
FRAMEWORK_TEXTS = {
    "wsis": FrameworkText(
        N_("The ten indicative targets the Geneva Plan of Action (WSIS, 2003, ¶ 6) set for 2015, which the WSIS+20 "
           "review looks back on, each quoted from the Plan. The Plan set no numbers: where an open indicator "
           "measures part of a target, the level tested is ours and the card's note says how far that proxy falls "
           "short. The status is judged on the value for 2015, the deadline; \"today\" is the latest value since."),
        N_("Geneva Plan of Action (WSIS, 2003), ¶ 6")),
}
# The types of group (queries/targets.py GROUP_TYPES: its English labels, the keys of the address) as the controls
# name them, and the group control's first option for each, a whole phrase in every language.
GROUP_TYPE_LABELS = {"wb_region": N_("World Bank regions"), "income_group": N_("World Bank income groups"),
                     "m49_region": N_("UN M49 regions"), "special": N_("LDCs, LLDCs and SIDS")}
ALL_OF_TYPE = {"wb_region": N_("All World Bank regions"), "income_group": N_("All World Bank income groups"),
               "m49_region": N_("All UN M49 regions"), "special": N_("All LDCs, LLDCs and SIDS")}
# How a group's value is formed (group_aggregate.method), as the trend's details name it.
METHODS = {"weighted_mean": N_("weighted mean"), "mean": N_("mean"), "median": N_("median"), "sum": N_("sum"),
           "ratio_of_aggregates": N_("ratio of aggregates"), "difference_of_aggregates": N_("difference of aggregates"),
           "population_x_offline_share": N_("population x offline share")}
# The notice for a value of the address that is no choice, by parameter (url_state.parse_choice's, translated).
UNKNOWN_CHOICE = {"framework": N_("Unknown framework “{value}”: showing {default} instead."),
                  "group_type": N_("Unknown group type “{value}”: showing {default} instead."),
                  "group": N_("Unknown group “{value}”: showing {default} instead.")}



class Ids:
    """The page's component ids, named once for the layout, the callbacks and the tests. Keep the strings:
    the browser tests and the benchmarks select elements by them."""

    PAGE: Final = "targets"  # components.page derives targets-main and targets-notices from it
    NOTICES: Final = "targets-notices"
    FRAMEWORK: Final = "targets-framework"
    TARGET: Final = "targets-target"
    BOARD: Final = "targets-board"
    BOARD_TITLE: Final = "targets-board-title"
    GROUP_TYPE: Final = "targets-group-type"
    GROUP: Final = "targets-group"
    # Charts (components.chart): each id also names its -summary, -source and -table parts.
    TREND: Final = "targets-trend"
    TREND_DETAIL: Final = "targets-trend-detail"
    GROUPS: Final = "targets-groups"
    MAP: Final = "targets-map"
    MAP_NOTE: Final = "targets-map-note"
    COUNTS: Final = "targets-counts"
    QUERY: Final = "targets-query"  # the address bar's query (AddressQuery)


# --- state ---------------------------------------------------------------------------------------------


class TargetsState(NamedTuple):
    framework: str  # a slug or 'all'
    target: str
    group_type: str
    group: str  # a group_id, or 'all' (every group of the type)


def _in_framework(all_targets: pd.DataFrame, framework: str) -> pd.DataFrame:
    return all_targets if framework == ALL else all_targets[all_targets["slug"] == framework]


def default_target(all_targets: pd.DataFrame, framework: str) -> str:
    """The first target of the framework that an open indicator measures (else simply the first)."""
    chosen = _in_framework(all_targets, framework)
    measured = chosen[chosen["indicator_id"].notna()]
    return str((measured if len(measured) else chosen)["target_id"].iloc[0])


class Choices(NamedTuple):
    """What the address may choose, as plain Python built once per database: each request only looks up."""

    frameworks: frozenset[str]  # the slugs, with 'all'
    in_framework: dict[str, frozenset[str]]  # framework (or 'all') → its target ids
    defaults: dict[str, str]  # framework (or 'all') → its default target
    group_types: dict[str, str]  # group id → its key in GROUP_TYPES (groups of no type left out)


@data.per_version
def choices() -> Choices:
    all_targets, all_groups = targets(), groups()
    slugs = [ALL, *dict.fromkeys(all_targets["slug"])]
    known = all_groups[all_groups["type_key"].notna()]
    return Choices(frozenset(slugs),
                   {slug: frozenset(_in_framework(all_targets, slug)["target_id"]) for slug in slugs},
                   {slug: default_target(all_targets, slug) for slug in slugs},
                   dict(zip(known["group_id"].tolist(), known["type_key"].tolist(), strict=True)))


def parse_state(query: dict) -> tuple[TargetsState, list[str]]:
    """Query parameters → a valid state, with a notice for each value ignored."""
    notices: list[str] = []
    known = choices()
    framework = _choice(query, "framework", known.frameworks, ALL, notices)
    fallback = known.defaults[framework]
    asked = query.get("target")
    asked = ((asked[0] if asked else "") if isinstance(asked, list) else (asked or "")).strip()
    target = fallback
    if asked:
        if asked in known.in_framework[framework]:
            target = asked
        elif asked in known.in_framework[ALL]:
            notices.append(_("Target “{value}” is not part of the chosen framework: showing {default} instead.")
                           .format(value=asked, default=fallback))
        else:
            notices.append(_("Unknown target “{value}”: showing {default} instead.").format(value=asked[:40],
                                                                                         default=fallback))
    group_type = _choice(query, "group_type", GROUP_TYPES, DEFAULT_GROUP_TYPE, notices)
    group = _choice(query, "group", known.group_types.keys() | {ALL_GROUPS}, ALL_GROUPS, notices)
    if group != ALL_GROUPS:
        # A group brings its own type, so that the group chart lists it among its peers.
        group_type = known.group_types[group]
    return TargetsState(framework, target, group_type, group), notices


def _choice(query: dict, key: str, allowed: Collection[str], default: str, notices: list[str]) -> str:
    """One value out of `allowed` (url_state.parse_choice, with its notice in the request's language)."""
    value = first(query.get(key))
    if not value:
        return default
    if value in allowed:
        return value
    notices.append(_(UNKNOWN_CHOICE[key]).format(value=value[:40], default=default))
    return default


def encode_state(state: TargetsState) -> str:
    return encode({"framework": state.framework, "target": state.target, "group_type": state.group_type,
                   "group": None if state.group == ALL_GROUPS else state.group})


# --- options -------------------------------------------------------------------------------------------


@data.per_version
def framework_options() -> list[dict]:
    """The framework control's options, built once per database and language (callers must not change them)."""
    names = targets().drop_duplicates("slug")
    return [{"label": _("All frameworks"), "value": ALL},
            *({"label": localized.target_text(row.target_id, "framework", row.framework), "value": row.slug}
              for row in names.itertuples())]


def target_options(all_targets: pd.DataFrame, framework: str) -> list[dict]:
    chosen = _in_framework(all_targets, framework)
    def label(row) -> str:
        text = f"{localized.target_text(row.target_id, 'label', row.label)} ({row.deadline_year})"
        return text if pd.notna(row.indicator_id) else f"{text} · {localized.status_words('no open indicator')}"

    return [{"label": label(row), "value": row.target_id} for row in chosen.itertuples()]


@data.per_version
def framework_choices(framework: str) -> tuple[list[dict], str]:
    """The target options of a framework and its default target, built once per database (callers must not
    change them): every change of framework asked pandas for both."""
    all_targets = targets()
    return target_options(all_targets, framework), default_target(all_targets, framework)


@data.per_version
def known_ids() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The framework slugs (with 'all'), target ids and group ids (with 'all') a callback accepts, built once per
    database rather than from the frames at each callback."""
    all_targets = targets()
    return (frozenset({ALL, *all_targets["slug"]}), frozenset(all_targets["target_id"]),
            frozenset({ALL_GROUPS, *groups()["group_id"]}))


@data.per_version
def group_options(group_type: str) -> list[dict]:
    """The group control's options for a type of group, built once per database and language (callers must not
    change them)."""
    kinds = GROUP_TYPES[group_type][1]
    all_groups = groups()
    chosen = all_groups[all_groups["group_type"].isin(kinds)]
    return [{"label": _(ALL_OF_TYPE[group_type]), "value": ALL_GROUPS},
            *({"label": localized.group_name(row.name), "value": row.group_id} for row in chosen.itertuples())]


# --- texts ---------------------------------------------------------------------------------------------


def _group_name(group_id: str) -> str:
    """A group's name in the request's language."""
    return localized.group_name(group_names().get(group_id, group_id))


def scope_of(target: dict) -> tuple[str, str]:
    """The scope id and name the target names ('each_country' targets have no aggregate row: the world's
    series is charted for reference)."""
    if target["scope"] in ("world", "each_country"):
        return "world", localized.group_name("World")
    return str(target["scope"]), _group_name(str(target["scope"]))


def texts(target: dict) -> dict:
    """The target with its own texts (label, framework, wording, note) in the request's language."""
    return {**target, **{field: localized.target_text(target["target_id"], field, target.get(field))
                         for field in ("label", "framework", "wording", "note")}}


def _unit(target: dict) -> str:
    if isinstance(target.get("unit"), str):
        return target["unit"]
    return "%" if ft.num(target.get("bound")) == 100 else ""


def _vintage(source: dict) -> str:
    return pd.Timestamp(source["vintage"]).date().isoformat() if pd.notna(source["vintage"]) else _("undated")


def basis_text(row: dict | None) -> str:
    """Which series a row is computed from: our aggregate or the publisher's world series."""
    basis = str((row or {}).get("basis") or "")
    if basis.startswith("publisher:"):
        source = source_row(basis.split(":", 1)[1])
        if source is None:
            return _("Basis: the publisher's world series ({basis}).").format(basis=basis)
        return _("Basis: {publisher}'s own world series (release {release}), as our world aggregate has too few "
                 "years.").format(publisher=source["publisher"], release=_vintage(source))
    if basis == "ours":
        return _("Basis: our aggregate of national values.")
    return ""


def caption(target: dict, basis: str | None = None) -> str:
    """Source, release and licence of the series, and where the target comes from."""
    text = ""
    if basis and basis.startswith("publisher:"):
        source, series = source_row(basis.split(":", 1)[1]), _("world series")
    elif isinstance(target.get("indicator_id"), str):
        source, series = source_row(target["indicator_source"]), target["indicator_code"]
    else:
        source = None
    if source is not None:
        release = (_("release of {date}").format(date=_vintage(source)) if pd.notna(source["vintage"])
                   else _("undated release"))
        text = _("Source: {attribution} ({series}), {release}. Licence: {licence}.").format(
            attribution=source["attribution"], series=series, release=release, licence=source["license"]) + " "
    return text + _("Target: {address}").format(address=target["source_url"])


def _pace(rate, kind: str) -> str:
    """A rate as progress towards the target per year (positive = towards it), as the group chart shows it."""
    number = ft.towards(rate, kind)
    if number is None:
        return "—"
    if i18n.current() is i18n.DEFAULT:
        return f"{number:+,.2f}" if kind == "linear" else f"{number:+.1f} %"
    sign = "+" if number >= 0 else "−"  # explicit, as in English: positive means towards the target
    return sign + (formatting.fixed(abs(number), 2) if kind == "linear" else formatting.percent(abs(number), 1))


def _coverage(value, english: bool | None = None) -> str:
    number = ft.num(value)
    return "—" if number is None else ft.share(number, english)


def table_block(frame: pd.DataFrame) -> HtmlBlock | html.P:
    """A long table as one block of escaped HTML: Dash's renderer takes seconds to mount ~2,000 html.Td
    components (217 economies × 8 columns took 20 s in headless Chromium), while one block mounts at once."""
    if frame.empty:
        return html.P(_("No data for this selection."))
    return HtmlBlock(components.table_html(frame))


def data_table(frame: pd.DataFrame) -> HtmlBlock | html.P:
    """components.data_table, with this page's sentence in the request's language for an empty selection."""
    return html.P(_("No data for this selection.")) if frame.empty else components.data_table(frame)


def _year(value) -> str:
    number = ft.num(value)
    return "—" if number is None else str(int(number))


# --- (a) the status board ------------------------------------------------------------------------------


def _badge(row: dict | None, scope_id: str, unit: str = "") -> html.Span:
    """The status written out with the value and year it rests on ('not met: 73.6 % in 2025 (…)'; in another
    language, the status with its value and year: localized.badge)."""
    status = str(row["status"]) if row else ft.NO_DATA
    return html.Span(ft.status_label(row or {}, unit), className="status-badge",
                     style=ft.status_badge_style(status), **{"data-scope": scope_id, "data-status": status})


economies_line = target_status.economies_line


@data.per_version
def _progress_lookup() -> dict:
    """Headline progress rows by (target, scope)."""
    return {(row["target_id"], row["scope_id"]): row for row in ft.records(headline_progress())}


def _card(target: dict, chosen: TargetsState) -> html.Article:
    """One target: its value and deadline, the status of the scope it names (and the world's), the latest
    value, the projected year, the basis and a link to the source of the target."""
    tid = target["target_id"]
    return _card_of(target, tid == chosen.target, _card_href(chosen, tid))


def _card_href(chosen: TargetsState, tid: str) -> str:
    """The address of the view with this card's target charted (the rest of the view kept)."""
    return i18n.href(dash.get_relative_path("/targets")) + encode_state(chosen._replace(target=tid))


def _card_of(target: dict, selected: bool, href: str) -> html.Article:
    tid = target["target_id"]
    children = list(_card_body(tid))
    measured = isinstance(target.get("indicator_id"), str)
    links = ([html.Strong(_("Charted below")) if selected else dcc.Link(_("Chart this target"), href=href)]
             if measured else [])
    if not isinstance(target.get("wording"), str):  # a quoted target links its source under the quote
        links += [" · "] * bool(links) + [html.A(_("Source of the target"), href=target["source_url"],
                                                  target="_blank", rel="noopener noreferrer")]
    if links:
        children.append(html.P(links, style={"marginBottom": 0}))
    style = {**CARD_STYLE, "border": "2px solid #0072B2"} if selected else CARD_STYLE
    return html.Article(children, className="target-card", style=style, **{"data-target": tid},
                        **({"aria-current": "true"} if selected else {}))


@data.per_version
def _card_body(tid: str) -> tuple:
    """A card's content above its links, which depends on the target alone (cached: a board is rebuilt for
    every view, the chosen target and group changing only the links and the highlight)."""
    target = texts(target_index()[tid])
    rows = _progress_lookup()
    unit = _unit(target)
    scope_id, scope_name = scope_of(target)
    each = target["scope"] == "each_country"
    where = localized.status_words("each economy") if each else scope_name
    quoted_only = isinstance(target.get("wording"), str) and not isinstance(target.get("indicator_id"), str)
    children: list = [
        html.H3(target["label"], style={"fontSize": "1rem", "margin": "0 0 0.3rem"}),
        *([wording(target)] if isinstance(target.get("wording"), str) else []),
        # A quoted target no open indicator measures has no level of ours to test: its words and deadline say it.
        html.P(_("Deadline: {year}").format(year=int(target["deadline_year"])) if quoted_only else
               _("{scope}: {target}").format(scope=where, target=ft.target_text(target, unit)), className="caption"),
    ]
    if not isinstance(target.get("indicator_id"), str):
        unmeasured = _("No open indicator measures this target yet.")
        children += [html.P([_("Status:") + " ", _badge({"status": "no open indicator"}, "world")]),
                     html.P(f"{unmeasured} {target['note']}" if isinstance(target.get("note"), str) else unmeasured,
                            className="target-note")]
    elif each:
        # Set for each economy: the headline is the count of economies per status, never an aggregate's.
        children.append(html.P(target_status.economies_line(target_status.economy_counts(tid)),
                               className="economies-line", **{"data-scope": "economies"}))
    else:
        head = rows.get((tid, scope_id))
        passed = bool(head and head.get("deadline_passed"))
        year = int(target["deadline_year"])
        status_at = (_("Status at the {year} deadline ({scope}):").format(year=year, scope=scope_name) if passed
                     else _("Status ({scope}):").format(scope=scope_name))
        children.append(html.P([status_at + " ", _badge(head, scope_id, unit)]))
        if scope_id != "world" and (tid, "world") in rows:
            world_at = _("World at the {year} deadline:").format(year=year) if passed else _("World:")
            children.append(html.P([world_at + " ", _badge(rows[(tid, "world")], "world", unit)]))
        if head and ft.num(head["latest_value"]) is not None:
            values = {"value": ft.fmt(head["latest_value"], unit), "year": int(head["latest_year"])}
            if ft.num(head["base_year"]) is not None and head["base_year"] != head["latest_year"]:
                latest = _("{value} ({year}), from {base_value} in {base_year}").format(
                    **values, base_value=ft.fmt(head["base_value"], unit), base_year=int(head["base_year"]))
            else:
                latest = _("{value} ({year})").format(**values)
            if passed:  # the status is the deadline's: say where the scope stands now, against the same level
                children.append(html.P(_("Today: {latest}; {distance}").format(latest=latest,
                                                                                distance=today_text(head, unit)),
                                       className="target-today"))
            else:
                children.append(html.P(_("Latest: {latest}").format(latest=latest)))
            if not head.get("deadline_passed"):
                children.append(html.P(ft.projected_sentence(head)))
            children.append(html.P(basis_text(head), className="caption"))
            if str(head.get("status_basis") or "").startswith("publisher:") and head["status_basis"] != head["basis"]:
                children.append(html.P(_("The status rests on the publisher's value for {year} (newest edition): "
                                         "our aggregate has none with enough coverage.").format(
                                             year=int(head["status_year"])), className="caption"))
        children.append(html.P(target_status.economies_line(target_status.economy_counts(tid)),
                               className="caption"))
    return tuple(children)


def wording(target: dict) -> html.Figure:
    """The target in its framework's own words, with a link to the text it is quoted from."""
    cited = FRAMEWORK_TEXTS.get(str(target.get("slug")))
    return html.Figure(className="target-wording", style=QUOTE_STYLE, children=[
        html.Blockquote(_("“{quote}”").format(quote=target["wording"]), style={"margin": 0, "fontStyle": "italic"}),
        html.Figcaption(["— ", html.A(_(cited.quoted_from) if cited else target["framework"],
                                      href=target["source_url"], target="_blank", rel="noopener noreferrer")],
                        className="caption"),
    ])


def today_text(row: dict, unit: str) -> str:
    """Whether the latest value reaches the target's level (distance: how far it is, 0 when reached)."""
    distance = ft.num(row.get("distance"))
    if distance is None:
        return _("no distance computed.")
    if distance == 0:
        return _("the level is reached.")
    return _("{distance} still to go.").format(distance=ft.fmt_distance(distance, unit))


def board_cards(state: TargetsState) -> list:
    """The cards of the chosen framework, as components; their links keep the rest of the view (groups)."""
    out: list = []
    for framework, tids in _frameworks_shown(state.framework):
        out += _framework_head(framework)
        out.append(html.Div([_card(target_index()[tid], state) for tid in tids], style=GRID_STYLE))
    return out


@data.per_version
def _frameworks_shown(framework: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(framework name, its target ids) of the board for the framework chosen ('all': every framework), in
    catalogue order, as the rows of target_index are."""
    by_framework: dict[str, list[str]] = {}
    for target in target_index().values():
        if framework in (ALL, target["slug"]):
            by_framework.setdefault(target["framework"], []).append(target["target_id"])
    return tuple((name, tuple(tids)) for name, tids in by_framework.items())


@data.per_version
def _framework_head(framework: str) -> tuple:
    """A framework's heading on the board, and its introduction where it has one."""
    first = next(target for target in target_index().values() if target["framework"] == framework)
    name = localized.target_text(first["target_id"], "framework", first["framework"])
    out: list = [html.H3(name, style={"fontSize": "1.05rem", "margin": "0.8rem 0 0.4rem"})]
    text = FRAMEWORK_TEXTS.get(str(first["slug"]))
    if text:
        out.append(html.P(_(text.intro), className="caption framework-intro"))
    return tuple(out)


# Where a card's link goes, in the HTML of a card rendered once (_card_html): each board puts its own address in.
HREF_MARK = "\x00href\x00"


def board(state: TargetsState) -> HtmlBlock:
    """The board as one block of HTML (static_html): no callback reads the cards, and as components they
    were most of the page's. The same HTML as static_block(board_cards(state)), put together from pieces
    rendered once per database and language: only the cards' links change with the view."""
    parts: list[str] = []
    for framework, tids in _frameworks_shown(state.framework):
        parts.append(_framework_head_html(framework))
        parts.append(_GRID_OPEN)
        for tid in tids:
            pieces = _card_html(tid, tid == state.target)
            parts.append(pieces[0])
            if len(pieces) > 1:
                parts += [escape(_card_href(state, tid)), pieces[1]]
        parts.append("</div>")
    return HtmlBlock("".join(parts))


_GRID_OPEN = render(html.Div(style=GRID_STYLE)).removesuffix("</div>")


@data.per_version
def _framework_head_html(framework: str) -> str:
    return render(_framework_head(framework))


@data.per_version
def _card_html(tid: str, selected: bool) -> tuple[str, ...]:
    """A card's HTML, split where its link's address goes (a card with no link to this page: one piece)."""
    return tuple(render(_card_of(target_index()[tid], selected, HREF_MARK)).split(escape(HREF_MARK)))


# --- (b) the chosen target over time -------------------------------------------------------------------


def _series_of(target: dict, row: dict | None, scope_id: str) -> pd.DataFrame:
    basis = str(row["basis"]) if row else "ours"
    if basis.startswith("publisher:"):
        return publisher_series(target["indicator_id"], basis.split(":", 1)[1])
    return our_series(target["indicator_id"], scope_id)


@data.per_version
def _rows_by_scope(target_id: str) -> dict[str, dict]:
    """The target's world and group rows (group_progress) by scope id, the first of each, built once per
    database (callers must not change them): a view looked up its two rows by filtering the frame."""
    rows = group_progress(target_id)
    out: dict[str, dict] = {}
    for position, scope_id in enumerate(rows["scope_id"].tolist()):
        if scope_id not in out:
            out[scope_id] = rows.iloc[position].to_dict()
    return out


def _row_of(target_id: str, scope_id: str) -> dict | None:
    return _rows_by_scope(target_id).get(scope_id)


def trend_view(target_id: str, group: str) -> tuple:
    """Figure, summary, source line, table and details for the chosen target (plus the chosen group)."""
    return _trend_view(target_id, group)


@data.per_version
def _trend_view(target_id: str, group: str) -> tuple:
    target = texts(chosen_target(target_id))
    unit = _unit(target)
    name = (localized.indicator_name(target["indicator_id"], target["indicator_name"])
            if isinstance(target.get("indicator_id"), str) else target.get("indicator_name"))
    if not isinstance(target.get("indicator_id"), str):
        message = _("No open indicator measures “{target}” yet.").format(target=target["label"])
        note = target["note"] if isinstance(target.get("note"), str) else ""
        return (ft.empty_figure(message, height=140), message, caption(target), html.P(_("No data for this target.")),
                [html.P(note)])
    scope_id, scope_name = scope_of(target)
    head = _row_of(target["target_id"], scope_id)
    series = _series_of(target, head, scope_id)
    extra = None
    if group not in (ALL_GROUPS, scope_id):
        group_row = _row_of(target["target_id"], group)
        extra = (_group_name(group), _series_of(target, group_row, group), group_row)
    changes = localized.definition_changes(common.definition_changes(target["indicator_id"]))
    figure = ft.target_chart(series, head, target, scope_name=scope_name, unit=unit, indicator_name=name,
                             extra=extra, changes=changes)
    summary = ft.chart_summary(head, target, scope_name, unit, name)
    if target["scope"] == "each_country":
        summary = (_("Set for each economy: the world's median is drawn for reference only.") + " "
                   + target_status.economies_line(target_status.economy_counts(target["target_id"])))
    lines = [(scope_name, series)]
    if extra is not None:
        summary += " " + ft.chart_summary(extra[2], target, extra[0], unit, name)
        lines.append(extra[:2])
    # The rows of both series as plain lists (a concatenated frame cost more than the table's cells).
    columns: dict = {_("Scope"): [], _("Year"): [], name: []}
    for scope, frame in lines:
        columns[_("Scope")] += [scope] * len(frame)
        columns[_("Year")] += [int(year) for year in frame["year"].tolist()]
        columns[name] += [ft.fmt(value, unit) for value in frame["value"].tolist()]
    if any("population_coverage" in frame for _scope, frame in lines):
        english = i18n.current() is i18n.DEFAULT
        columns[_("Population coverage")] = [
            _coverage(value, english) for _scope, frame in lines
            for value in (frame["population_coverage"].tolist() if "population_coverage" in frame
                          else [None] * len(frame))]
    table = pd.DataFrame(columns)
    detail = [html.Li(basis_text(head))]
    if head is not None and ft.num(head.get("required_rate")) is not None:
        kind = ft.pace_kind(target, head)
        detail.append(html.Li(_("{scope}, pace since {year}: required {required}, observed {observed} (ratio "
                                "{ratio}); the pace is the {measure}.").format(
            scope=scope_name, year=int(head["base_year"]), required=_pace(head["required_rate"], kind),
            observed=_pace(head["observed_rate"], kind), ratio=ft.fmt(head["ratio"], "", 2),
            measure=ft.pace_label(target, kind, unit).lower())))
    if head is not None and ft.num(head.get("population_coverage")) is not None:
        detail.append(html.Li(_("Population coverage of the latest {scope} value: {share} ({count} of {members} "
                                "economies; {method}).").format(
            scope=scope_name, share=_coverage(head["population_coverage"]), count=int(head["n_countries"]),
            members=int(head["n_members"]), method=_(METHODS.get(head["method"], head["method"].replace("_", " "))))))
    if isinstance(target.get("note"), str):
        detail.append(html.Li(_("Note: {note}").format(note=target["note"])))
    if changes:
        detail.append(html.Li(localized.definition_changes_note(changes)))
    detail.append(html.Li(_("The chart starts in {year}; the table lists every year.").format(year=ft.CHART_FROM)))
    return (figure, summary, caption(target, head["basis"] if head else None), data_table(table),
            html.Ul(detail))


# --- (c) groups of one type ----------------------------------------------------------------------------


def progress_table(frame: ft.Rows, target: dict, unit: str, first: str, *, full: bool = True) -> pd.DataFrame:
    """Rows of target_progress (a frame, or its rows as dicts) as text columns (one decimal for shares, three
    for ratios; '—' for none)."""
    kind = ft.pace_kind(target)
    records = ft.rows_of(frame)
    out = {first: [localized.group_name(row["name"]) for row in records],
           _("Status"): [ft.status_label(row, unit) for row in records]}
    if full:
        out[_("Base year")] = [_year(row["base_year"]) for row in records]
        out[_("Base value")] = [ft.fmt(row["base_value"], unit) for row in records]
    out[_("Latest year")] = [_year(row["latest_year"]) for row in records]
    out[_("Latest value")] = [ft.fmt(row["latest_value"], unit) for row in records]
    if "population_coverage" in (frame if isinstance(frame, pd.DataFrame) else records[0] if records else ()):
        out[_("Population coverage")] = [_coverage(row["population_coverage"]) for row in records]
        out[_("Basis")] = [_("publisher's series") if str(row["basis"]).startswith("publisher")
                           else _("our aggregate") for row in records]
    if full:
        out[_("Required pace")] = [_pace(row["required_rate"], kind) for row in records]
        out[_("Observed pace")] = [_pace(row["observed_rate"], kind) for row in records]
        out[_("Ratio")] = [ft.fmt(row["ratio"], "", 2) for row in records]
    out[_("Projected year")] = [ft.projected_text(row) for row in records]
    out[_("Still to go")] = [ft.fmt_distance(row["distance"], unit) for row in records]
    return pd.DataFrame(out)


def groups_view(target_id: str, group_type: str, group: str) -> tuple:
    return _groups_view(target_id, group_type, group)


@data.per_version
def _groups_view(target_id: str, group_type: str, group: str) -> tuple:
    figure, shown, summary, source, table = _groups_of_type(target_id, group_type)
    if figure is None:  # the chosen group is marked on the chart: the one part that depends on it
        target = chosen_target(target_id)
        figure = ft.group_rates_chart(shown, target, _unit(target), highlight=None if group == ALL_GROUPS else group)
    return figure, summary, source, table


@data.per_version
def _groups_of_type(target_id: str, group_type: str) -> tuple:
    """Figure (None: to be drawn for the chosen group), rows shown, summary, source and table of one target and
    type of group, built once per database and language (callers must not change them)."""
    target = texts(chosen_target(target_id))
    if not isinstance(target.get("indicator_id"), str):
        message = _("No open indicator measures “{target}” yet.").format(target=target["label"])
        return (ft.empty_figure(message, height=140), None, message, caption(target),
                html.P(_("No data for this target.")))
    unit = _unit(target)
    if target["scope"] == "each_country":
        message = _("“{target}” is set for each economy: no group aggregate is judged against it. The economies "
                    "below each have their status.").format(target=target["label"])
        return ft.empty_figure(message, height=140), None, message, caption(target), html.P(_("No group rows."))
    rows = _group_rows(target["target_id"])
    kinds = GROUP_TYPES[group_type][1]
    # Rows as dicts, sliced in plain Python: a target's world and group rows are a few dozen.
    of_type = [row for row in rows if row["group_type"] in kinds]
    world = [row for row in rows if row["scope_id"] == "world"]
    shown = [{("group_id" if key == "scope_id" else key): value for key, value in row.items()}
             | {"name": localized.group_name(row["name"])} for row in (*world, *of_type)]
    figure = None
    if all(ft.num(row["required_rate"]) is None for row in shown):  # base year = deadline (the 2015 targets):
        # there is no pace to compare
        figure = ft.empty_figure(_("No pace to chart: the deadline ({year}) is the base year. The table lists each "
                                   "group's status, its value then and its latest.").format(
                                       year=int(target["deadline_year"])), height=140)
    summary = ft.groups_summary(of_type, _(GROUP_TYPE_LABELS[group_type]))
    missing = sorted(_type_names(group_type) - {row["name"] for row in of_type})
    if missing:
        summary += " " + _("No value for: {groups}.").format(
            groups=", ".join(localized.group_name(name) for name in missing))
    if world:
        summary += " " + _("World, for reference: {status}.").format(
            status=localized.status_words(world[0]["status"]))
    source = caption(target)
    if world and str(world[0]["basis"]).startswith("publisher:"):
        source += " " + _("World row: {basis}").format(basis=world_basis(world[0]))
    table = html.Div([
        html.P(_("Pace: {measure}, from the base year; positive means towards the target.").format(
            measure=ft.pace_label(target, ft.pace_kind(target), unit).lower()), className="caption"),
        data_table(progress_table(shown, target, unit, _("Group")))])
    return figure, shown, summary, source, table


@data.per_version
def _group_rows(target_id: str) -> tuple[dict, ...]:
    """The target's world and group rows (group_progress) as dicts, once per database (callers must not
    change them)."""
    return tuple(ft.records(group_progress(target_id)))


@data.per_version
def _type_names(group_type: str) -> frozenset[str]:
    """The (English) names of every group of a type."""
    all_groups = groups()
    return frozenset(all_groups.loc[all_groups["group_type"].isin(GROUP_TYPES[group_type][1]), "name"])


def world_basis(row: dict) -> str:
    """The world row's basis, as the source line names it after 'World row:' (basis_text without 'Basis: ')."""
    text = basis_text(row)
    if i18n.current() is i18n.DEFAULT:
        return text.removeprefix("Basis: ")
    source = source_row(str(row.get("basis") or "").split(":", 1)[1])
    if source is None:
        return text
    return _("{publisher}'s own world series (release {release}), as our world aggregate has too few years.").format(
        publisher=source["publisher"], release=_vintage(source))


# --- (d) economies -------------------------------------------------------------------------------------


@data.per_version
def _economy_rows(target_id: str) -> tuple[dict, ...]:
    """Every economy's progress row with its texts, in status order: the part of a view that does not depend
    on the group (cached, so that a new group only filters them)."""
    unit = _unit(chosen_target(target_id))
    rows = ft.records(country_progress(target_id))
    for row in rows:
        if i18n.current() is not i18n.DEFAULT:  # English keeps the names it always showed (table country)
            row["name"] = localized.country_name(row["iso3"], row["name"])
        row["status"] = row["status"] if isinstance(row["status"], str) else ft.NO_DATA
        row["status_label"] = ft.status_label(row, unit)
        row["latest_year_text"] = _year(row["latest_year"]) if ft.num(row["latest_year"]) is not None else ""
        row["latest_text"] = ft.fmt(row["latest_value"], unit)
        row["projected"] = ft.projected_text(row)
        row["distance_text"] = ft.fmt_distance(row["distance"], unit)
    return tuple(sorted(rows, key=lambda row: (STATUS_RANK[row["status"]], row["name"])))


@data.per_version
def _economies(target_id: str, group: str) -> tuple:
    target = texts(chosen_target(target_id))
    rows = list(_economy_rows(target_id))
    place = ft.Place("world")
    if target["scope"] not in ("world", "each_country"):  # a group's target names its members only
        inside = members(str(target["scope"]))
        rows = [row for row in rows if row["iso3"] in inside]
        place = ft.Place("group", group=_group_name(str(target["scope"])))
    if group not in (ALL_GROUPS, target["scope"]):
        inside = members(group)
        rows = [row for row in rows if row["iso3"] in inside]
        place = (ft.Place("group", group=_group_name(group)) if place.kind == "world"
                 else ft.Place("both", group=_group_name(group), scope=place.group))
    counts = ft.tally(row["status"] for row in rows)
    total = sum(n for _status, n in counts)
    figure = ft.status_map(rows, place.says("title", target=target["label"]), fit=group != ALL_GROUPS)
    table = pd.DataFrame({
        _("Economy"): [row["name"] for row in rows], _("Code"): [row["iso3"] for row in rows],
        _("Status"): [row["status_label"] for row in rows],
        _("Latest year"): [row["latest_year_text"] or "—" for row in rows],
        _("Latest value"): [row["latest_text"] for row in rows],
        _("Projected year"): [row["projected"] for row in rows],
        _("Still to go"): [row["distance_text"] for row in rows],
    })
    counts_block = html.Section(className="chart", children=[
        html.H2(place.says("counts"), className="chart-title"),
        data_table(pd.DataFrame({
            _("Status"): [localized.status_words(status) for status, _n in counts],
            _("Economies"): [formatting.count(n) for _status, n in counts],
            _("Share"): [ft.share(n / total) for _status, n in counts]})),
    ])
    grey = _("Grey: no data for this target (or not in the chosen group).")
    off = ft.off_map(rows)
    note = (grey + " " + _("Not drawn (no shape on this map): {economies}.").format(economies=off) if off
            else grey + " ")
    return (figure, ft.map_summary(counts, place), caption(target), table_block(table), note,
            counts_block)


def economies_view(target_id: str, group: str) -> tuple:
    target = chosen_target(target_id)
    if not isinstance(target.get("indicator_id"), str):
        label = localized.target_text(target["target_id"], "label", target["label"])
        message = _("No open indicator measures “{target}” yet: no economy can be assessed.").format(target=label)
        return (ft.empty_figure(message, height=140), message, caption(target), html.P(_("No data for this target.")),
                "", None)
    return _economies(target["target_id"], group)


# --- layout --------------------------------------------------------------------------------------------


@data.per_version
def method() -> list:
    """The status rules, from the table the ETL applies (also on the About page), built once per language
    (callers must not change them)."""
    return [html.P(target_status.rules_intro()),
            html.Ol([html.Li([html.Strong(localized.status_words(status)), f": {_(when)}"])
                     for _number, _rule, status, when, _badge_text in target_status.rules_rows()]),
            html.P([_("The same rules with their badges:") + " ",
                    dcc.Link(_("About, status rules"), href=i18n.href(dash.get_relative_path("/about"))
                             + "#status-rules"), "."])]


def layout(**query) -> html.Main:
    try:
        state, notices = parse_state(query)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))

    def control(label: str, control_id: str, options: list[dict], value: str, wide: bool = False) -> html.Div:
        return html.Div(className="control control-wide" if wide else "control", children=[
            html.Label(label, htmlFor=control_id),
            StagedDropdown(id=control_id, options=options, value=value, clearable=False, searchable=False),
        ])

    page = components.page(
        _("Progress towards connectivity targets"),
        _("Where the world, each group and each economy stand against the ITU/UN 2030 universal and meaningful "
          "connectivity targets, the Broadband Commission's 2025 targets, A4AI's \"1 for 2\" and the ten targets "
          "the WSIS Geneva Plan of Action set for 2015. A passed deadline is met or not met on the deadline year's "
          "value, however old (the 2015 targets on 2015 values); before it, a target is on track only when the pace "
          "observed since 2015 reaches it in time; any other status never rests on data more than {max_age} years "
          "old (the rules are listed below). The address bar keeps the view, so a copied link reproduces it.").format(
            max_age=status_rules.MAX_AGE),
        html.Section(className="controls", children=[
            control(_("Framework"), Ids.FRAMEWORK, framework_options(), state.framework),
            control(_("Target to chart"), Ids.TARGET, framework_choices(state.framework)[0],
                    state.target, wide=True),
        ]),
        html.Section(className="board", **{"aria-labelledby": Ids.BOARD_TITLE}, children=[
            html.H2(_("Status board"), id=Ids.BOARD_TITLE, className="chart-title"),
            html.P(_("Each card gives the status of the scope the target names (and the world's where that differs) "
                     "with the value and year it rests on, and the count of economies per status; a target set for "
                     "each economy is headed by that count. The colours are those of the map legend; the status is "
                     "always written out."), className="caption"),
            html.Div(id=Ids.BOARD, **{"aria-live": "polite"}),
            html.Details(className="table-alternative", children=[
                html.Summary(_("How the status is computed")), *method()]),
        ]),
        components.chart(Ids.TREND),
        html.Div(id=Ids.TREND_DETAIL, className="caption"),
        html.Section(className="controls", children=[
            control(_("Groups"), Ids.GROUP_TYPE,
                    [{"label": _(GROUP_TYPE_LABELS[key]), "value": key} for key in GROUP_TYPES], state.group_type),
            control(_("Group (map, economies and a second line on the chart above)"), Ids.GROUP,
                    group_options(state.group_type), state.group, wide=True),
        ]),
        components.chart(Ids.GROUPS),
        components.chart(Ids.MAP, preview=True),
        html.P(id=Ids.MAP_NOTE, className="caption"),
        html.Div(id=Ids.COUNTS),
        AddressQuery(id=Ids.QUERY, data=encode_state(state)),
        notices=notices, page_id=Ids.PAGE,
    )
    return components.fill(page, {
        (Ids.BOARD, "children"): board(state),
        **dict(zip(TREND_PARTS, trend_view(state.target, state.group), strict=True)),
        **dict(zip(GROUPS_PARTS, groups_view(state.target, state.group_type, state.group), strict=True)),
        **dict(zip(ECONOMIES_PARTS, economies_view(state.target, state.group), strict=True)),
    })


# The charts' outputs, (component id, property) in the order their view functions return them: the layout
# holds the view the address asks for, and the callbacks (not run at load) redraw it on a change.
TREND_PARTS = [*components.chart_parts(Ids.TREND), (Ids.TREND_DETAIL, "children")]
GROUPS_PARTS = components.chart_parts(Ids.GROUPS)
ECONOMIES_PARTS = [*components.chart_parts(Ids.MAP), (Ids.MAP_NOTE, "children"),
                   (Ids.COUNTS, "children")]


# --- callbacks -----------------------------------------------------------------------------------------

# Each callback's inputs by kind (dashboard.callbacks): a wrong type or an unknown id gets the default.
FRAMEWORK = text(known=lambda: known_ids()[0], default=ALL)
TARGET = text(known=lambda: known_ids()[1], default=lambda: framework_choices(ALL)[1])
GROUP_TYPE = text(known=GROUP_TYPES, default=DEFAULT_GROUP_TYPE)
GROUP = text(known=lambda: known_ids()[2], default=ALL_GROUPS)


@callback(Output(Ids.TARGET, "options"), Output(Ids.TARGET, "value"),
          Input(Ids.FRAMEWORK, "value"), State(Ids.TARGET, "value"), prevent_initial_call=True)
@checked(FRAMEWORK, text())
def update_targets(framework: str, current: str | None):
    """A framework brings its own targets; keep the chosen one when it belongs to it."""
    options, default = framework_choices(framework)
    if current not in {option["value"] for option in options}:
        current = default
    return options, current


@callback(Output(Ids.GROUP, "options"), Output(Ids.GROUP, "value"),
          Input(Ids.GROUP_TYPE, "value"), State(Ids.GROUP, "value"), prevent_initial_call=True)
@checked(GROUP_TYPE, text())
def update_groups(group_type: str, current: str | None):
    options = group_options(group_type)
    if current not in {option["value"] for option in options}:
        current = ALL_GROUPS
    return options, current


@callback(Output(Ids.BOARD, "children"),
          Input(Ids.FRAMEWORK, "value"), Input(Ids.TARGET, "value"),
          Input(Ids.GROUP_TYPE, "value"), Input(Ids.GROUP, "value"), prevent_initial_call=True)
@checked(FRAMEWORK, TARGET, GROUP_TYPE, GROUP)
def update_board(framework: str, target_id: str, group_type: str = DEFAULT_GROUP_TYPE, group: str | None = None):
    return board(TargetsState(framework, target_id, group_type, group or ALL_GROUPS))


@callback(
    *[Output(*part) for part in TREND_PARTS],
    Input(Ids.TARGET, "value"), Input(Ids.GROUP, "value"), prevent_initial_call=True,
)
@checked(TARGET, GROUP)
def update_trend(target_id: str, group: str | None):
    return trend_view(target_id, group or ALL_GROUPS)


@callback(
    *[Output(*part) for part in GROUPS_PARTS],
    Input(Ids.TARGET, "value"), Input(Ids.GROUP_TYPE, "value"), Input(Ids.GROUP, "value"),
    prevent_initial_call=True,
)
@checked(TARGET, GROUP_TYPE, GROUP)
def update_group_view(target_id: str, group_type: str, group: str | None):
    return groups_view(target_id, group_type if group_type in GROUP_TYPES else DEFAULT_GROUP_TYPE,
                       group or ALL_GROUPS)


@callback(
    *[Output(*part) for part in ECONOMIES_PARTS],
    Input(Ids.TARGET, "value"), Input(Ids.GROUP, "value"), prevent_initial_call=True,
)
@checked(TARGET, GROUP)
def update_economies(target_id: str, group: str | None):
    return economies_view(target_id, group or ALL_GROUPS)


@callback(Output(Ids.QUERY, "data"),
          Input(Ids.FRAMEWORK, "value"), Input(Ids.TARGET, "value"),
          Input(Ids.GROUP_TYPE, "value"), Input(Ids.GROUP, "value"), prevent_initial_call=True)
@checked(FRAMEWORK, TARGET, GROUP_TYPE, GROUP)
def update_query(framework: str, target_id: str, group_type: str, group: str | None):
    return encode_state(TargetsState(framework, target_id, group_type, group or ALL_GROUPS))

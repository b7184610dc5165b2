"""Indicator pages: `/indicator/<id>` describes one series; `/indicator` lists them all by theme.

A series' page gives its definition, unit, source, licence and release; its coverage (economies × years, and
a small map of who reports); the breakdowns it is published by; the WSIS+20 themes it evidences, with their
Elements Paper paragraphs; the targets measured by it; related series; links to Explore and the Data page;
and, where the database keeps several editions of a publisher's world aggregate, how it was revised.

Everything comes from the database (dashboard/queries/indicator.py) and is built with the layout: the page
runs no callback. An unknown id gives a notice above the index. `/indicator?q=…` is the header search
(dashboard/indicator_search.py): a query naming one series is redirected to its page before Dash sees it,
any other lists its matches here.

Every text is in the address's language (dashboard/i18n.py): interface strings through gettext; indicators',
units', themes', economies', groups' and targets' names and the definition through dashboard/localized.py. The
sources' publishers, datasets and licences stay as the files we hold give them (English).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import unquote

import dash
import pandas as pd
from dash import html

from dashboard import components, data, formatting, indicator_search, localized, map_preview
from dashboard import figures_indicator as figures
from dashboard.figures_overview import TABLE_ROWS, esc, html_table
from dashboard.html_block import HtmlBlock
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries import indicator as queries


class Ids:
    """The page's component ids, named once for the layout and the tests. Keep the strings: the CSS, the
    browser tests and the benchmarks select elements by them."""

    PAGE: Final = "indicator"  # components.page derives indicator-main and indicator-notices from it
    MAIN: Final = "indicator-main"
    NOTICES: Final = "indicator-notices"
    # The index: search results, then a section per theme (theme).
    RESULTS: Final = "indicator-results"
    # One series' page.
    FACTS: Final = "indicator-facts"
    COVERAGE: Final = "indicator-coverage"
    COVERAGE_SUMMARY: Final = "indicator-coverage-summary"
    MAP: Final = "indicator-map"  # not a component: the prefix of the map preview's SVG ids (map_preview.render)
    REPORTERS: Final = "indicator-reporters"
    BREAKDOWNS: Final = "indicator-breakdowns"
    THEMES: Final = "indicator-themes"
    THEME_LIST: Final = "indicator-theme-list"
    TARGETS: Final = "indicator-targets"
    TARGET_LIST: Final = "indicator-target-list"
    EDITIONS: Final = "indicator-editions"  # a chart per publisher (edition), with its -summary, -source, -table
    RELATED: Final = "indicator-related"

    @staticmethod
    def theme(theme_id: str) -> str:
        return f"indicator-theme-{theme_id}"

    @staticmethod
    def edition(dataset_key: str) -> str:
        return f"indicator-editions-{dataset_key.replace('_', '-')}"


NO_THEME = N_("Context (no WSIS+20 theme)")
DIMENSIONS = {"sex": N_("Sex"), "area": N_("Area (urban/rural)"), "age": N_("Age")}
# The breakdowns' categories as the database holds them (sex, area); age groups ("15-24") need no words.
CATEGORIES = {"female": N_("female"), "male": N_("male"), "urban": N_("urban"), "rural": N_("rural")}
# The dimensions as named in a sentence ("The publisher also breaks it down by sex, area").
DIMENSION_WORDS = {"sex": N_("sex"), "area": N_("area"), "age": N_("age")}
# The map shows the latest year in which at least this share of the best year's economies report: a last
# year only a few economies have reported yet would map as mostly grey.
MAP_MIN_SHARE = 0.5


def _title(indicator_id: str | None = None, **_ignored) -> str:
    """The browser tab names the series (Dash's router calls it with the path variables)."""
    try:
        row = queries.indicator_row(indicator_id) if indicator_id else None
    except data.DatabaseMissingError:
        row = None
    if row is None:
        return _("Indicators · Digital divide indicators")
    return _("{indicator} · Indicators · Digital divide indicators").format(
        indicator=localized.indicator_name(row["indicator_id"], row["name"]))


dash.register_page(__name__, path="/indicator", path_template="/indicator/<indicator_id>", name="Indicators",
                   title=_title)


def _link(path: str, text: str) -> html.A:
    return html.A(text, href=dash.get_relative_path(path))


def _paragraphs(first, last) -> str:
    return f"¶{int(first)}" + (f"–{int(last)}" if int(last) != int(first) else "")


def _release(vintage) -> str:
    return _("release of {date}").format(date=formatting.day(vintage)) if pd.notna(vintage) else _("undated release")


def _name(row) -> str:
    """An indicator's name (a row with indicator_id and name) in the request's language."""
    return localized.indicator_name(row.indicator_id, row.name)


# --- the index ---------------------------------------------------------------------------------------------


def _index_sections(rows: pd.DataFrame) -> list:
    """Every indicator under its main theme (the first of its themes), themes in paragraph order."""
    listing = queries.themes()
    by_theme: dict[str, list] = {}
    for row in rows.itertuples(index=False):
        main = row.themes[0] if len(row.themes) else NO_THEME
        by_theme.setdefault(main, []).append(row)
    blocks = [(theme.theme_id, f"{localized.theme_text(theme.theme_id, 'title', theme.title)} "
                               f"{_paragraphs(theme.first_paragraph, theme.last_paragraph)}")
              for theme in listing.itertuples()] + [(NO_THEME, _(NO_THEME))]
    sections = []
    for theme_id, heading in blocks:
        members = by_theme.get(theme_id, [])
        if not members:
            continue
        sections.append(html.Section(className="indicator-index-theme", id=Ids.theme(theme_id), children=[
            html.H3(heading),
            html.Ul([html.Li([_link(f"/indicator/{row.indicator_id}", _name(row)),
                              f" ({row.source_code})" if row.source_code else "",
                              "" if row.has_data else " — " + _("no data yet")])
                     for row in members], className="indicator-list"),
        ]))
    return sections


def _index(query: str | None, notices: list[str]) -> html.Main:
    rows = queries.catalogue()
    content = []
    if query:
        found = set(indicator_search.matches(query, rows))
        hits = rows[rows["indicator_id"].isin(found)]
        shown = query[:indicator_search.MAX_QUERY]
        content.append(html.Section(id=Ids.RESULTS, children=[
            html.H2(ngettext("{count} indicator matches “{query}”", "{count} indicators match “{query}”",
                             len(hits)).format(count=formatting.count(len(hits)), query=shown)),
            html.Ul([html.Li([_link(f"/indicator/{row.indicator_id}", _name(row)),
                              f" ({row.source_code})" if row.source_code else "",
                              f" — {localized.theme_text(row.themes[0], 'title', row.theme_titles[0])}"
                              if len(row.theme_titles) else ""])
                     for row in hits.itertuples(index=False)], className="indicator-list")
            if len(hits) else html.P(_("Try a shorter word, the publisher's code (e.g. IT.NET.USER.ZS) or a theme "
                                       "(e.g. security, skills)."), className="no-data"),
        ]))
    content += [html.H2(_("All indicators by WSIS+20 theme")),
                html.P(_("Each indicator is listed under its main theme; its page names the others it evidences "
                         "(¶ = paragraphs of the WSIS+20 Elements Paper)."), className="caption"),
                *_index_sections(rows)]
    return components.page(
        _("Indicators"),
        ngettext("The {count} series in the database, with its definition, source, licence, coverage and the themes "
                 "it evidences. Search by name, code or theme in the box at the top of every page.",
                 "The {count} series in the database, with their definition, source, licence, coverage and the themes "
                 "they evidence. Search by name, code or theme in the box at the top of every page.",
                 len(rows)).format(count=formatting.count(len(rows))),
        *content, notices=notices, page_id=Ids.PAGE)


# --- one series ---------------------------------------------------------------------------------------------


def _facts(row: pd.Series, sources: list) -> html.Section:
    licence = [row["license"] or _("not stated")]
    if isinstance(row["license_url"], str) and row["license_url"]:
        licence = [html.A(row["license"], href=row["license_url"])]
    source = [f"{row['publisher']}: {row['dataset']}"]
    if isinstance(row["source_url"], str) and row["source_url"]:
        source = [html.A(source[0], href=row["source_url"])]
    others = [other for other in sources if other.source_id != row["source_id"]]
    description = row["description"]
    description = localized.indicator_description(row["indicator_id"], description) if description else ""
    terms = [
        (_("Definition"), [description or _("No description in the catalogue.")]),
        (_("Unit"), [localized.unit_label(row["unit"])]),
        (_("Publisher's code"), [row["source_code"] or _("none")]),
        (_("Source"), source),
        (_("Licence"), licence),
        (_("Release"), [f"{_release(row['vintage'])} ({row['source_id']})"]),
        (_("Higher is better"), [_("neither (a context series)") if pd.isna(row["higher_is_better"])
                                 else _("yes") if bool(row["higher_is_better"]) else _("no (lower is better)")]),
    ]
    if len(others):
        terms.append((_("Also from"), ["; ".join(
            ngettext("{publisher}, {dataset} ({release}; {licence}): {count} value",
                     "{publisher}, {dataset} ({release}; {licence}): {count} values", int(other.n_values)).format(
                publisher=other.publisher, dataset=other.dataset, release=_release(other.vintage),
                licence=other.license, count=formatting.count(other.n_values))
            for other in others)]))
    items = []
    for term, description in terms:
        items += [html.Dt(term), html.Dd(description)]
    return html.Section(id=Ids.FACTS, children=[html.H2(_("About this series")),
                                                         html.Dl(items, className="indicator-facts")])


def _map_year(per_year: list) -> int | None:
    """The latest year in which at least MAP_MIN_SHARE of the best year's economies report (the query of
    `queries.map_reporters` chooses the same year)."""
    if not per_year:
        return None
    most = max(row.economies for row in per_year)
    return int(max(row.year for row in per_year if row.economies >= MAP_MIN_SHARE * most))


@data.per_version
def _map_picture(indicator_id: str, year: int, locale: str) -> str:
    """The map of who reports in `year`, drawn as SVG on the server once per database version and `locale` (the
    request's: its legend's words)."""
    del locale  # the cache's key
    reporting = {row.iso3 for row in queries.map_reporters(indicator_id, MAP_MIN_SHARE)}
    return map_preview.render(figures.reporters_map(_economy_codes(), reporting, year), Ids.MAP)


@data.per_version
def _economy_names() -> dict[str, str]:
    """Every economy's name in the request's language by iso3 (localized.country_name, ~25 µs a name: 4 ms a
    page for the list of who reports)."""
    economies = common.countries()
    return {iso3: localized.country_name(iso3, name)
            for iso3, name in zip(economies["iso3"].tolist(), economies["name"].tolist(), strict=True)}


@data.per_version
def _economy_codes() -> list[str]:
    """Every economy's iso3 code, by name (the map's order), as a plain list."""
    return common.countries()["iso3"].tolist()


def _coverage(indicator_id: str) -> html.Section:
    counts = queries.coverage(indicator_id)
    if not counts["n_values"]:
        return html.Section(id=Ids.COVERAGE, children=[
            html.H2(_("Coverage")), html.P(_("No economy has a value of this series in the database yet: only "
                                             "publishers' aggregates (world, regions, groups), if any."),
                                           className="no-data")])
    per_year = queries.economies_per_year(indicator_id)
    year = _map_year(per_year)
    last = int(counts["last_year"])
    reporting = queries.map_reporters(indicator_id, MAP_MIN_SHARE)
    if localized.code() != "en":
        named = _economy_names()
        names = sorted((named.get(row.iso3) or localized.country_name(row.iso3, row.name) for row in reporting),
                       key=str.casefold)
    else:
        names = [row.name for row in reporting]
    words = {"economies": formatting.count(counts["economies"]), "years": formatting.count(counts["years"]),
             "first": int(counts["first_year"]), "last": last, "values": formatting.count(counts["n_values"]),
             "year": year, "reporting": formatting.count(len(reporting)),
             "total": formatting.count(len(_economy_codes()))}
    if year == last:
        sentence = _("{economies} economies × {years} years ({first}–{last}): {values} values without breakdown. In "
                     "{year}, {reporting} of {total} economies report.").format(**words)
    else:
        latest = next(int(row.economies) for row in per_year if row.year == last)
        sentence = _("{economies} economies × {years} years ({first}–{last}): {values} values without breakdown. In "
                     "{year}, {reporting} of {total} economies report; in {last}, the latest year, {latest} have so "
                     "far.").format(**words, latest=formatting.count(latest))
    picture = _map_picture(indicator_id, year, localized.code())
    return html.Section(id=Ids.COVERAGE, children=[
        html.H2(_("Coverage")),
        html.P(sentence, id=Ids.COVERAGE_SUMMARY),
        html.Figure(className="indicator-map", children=[
            HtmlBlock(picture, className="indicator-map-picture"),
            html.Figcaption(_("Economies with a value for {year} (blue) and without (grey). Map shapes: Natural Earth "
                              "via plotly; Kosovo has no shape.").format(year=year), className="caption"),
        ]),
        html.Details(className="table-alternative", children=[
            html.Summary(ngettext("The {count} economy reporting in {year}",
                                  "The {count} economies reporting in {year}", len(reporting)).format(
                count=formatting.count(len(reporting)), year=year)),
            html.P("; ".join(names), id=Ids.REPORTERS),
        ]),
        html.Details(className="table-alternative", children=[
            html.Summary(_("Economies reporting, year by year")),
            _table({_("Year"): [str(int(row.year)) for row in per_year],
                    _("Economies"): [formatting.count(row.economies) for row in per_year]}),
        ]),
    ])


def _table(columns: dict[str, list[str]]) -> HtmlBlock:
    """A table of text columns, as components.data_table writes a frame of them (the same HTML) without building
    the frame (~0.5 ms a table); the frame's way where it writes more than the rows (none, or a cut)."""
    rows = list(zip(*columns.values(), strict=True))
    if not rows or len(rows) > TABLE_ROWS:
        return components.data_table(pd.DataFrame(columns))
    return HtmlBlock(html_table(list(columns), [[esc(cell) for cell in row] for row in rows]))


def _breakdowns(row: pd.Series, indicator_id: str) -> html.Section:
    parts = queries.breakdowns(indicator_id)
    if not parts and not queries.coverage(indicator_id)["n_values"]:
        content = [html.P(_("No economy's value, so no breakdown either."), className="no-data")]
    elif not parts:
        content = [html.P(_("Published without breakdown: one value per economy and year."), className="no-data")]
    else:
        table = {
            _("Breakdown"): [_(DIMENSIONS[part.dimension]) if part.dimension in DIMENSIONS else part.dimension
                             for part in parts],
            _("Category"): [_(CATEGORIES[part.category]) if part.category in CATEGORIES else part.category
                            for part in parts],
            _("Economies"): [formatting.count(part.economies) for part in parts],
            _("Years"): [f"{int(part.first_year)}–{int(part.last_year)}" if part.first_year != part.last_year
                      else str(int(part.first_year)) for part in parts],
        }
        content = [_table(table)]
    declared = [part for part in (row["breakdowns"] if row["breakdowns"] is not None else []) if part != "total"]
    published = {part.dimension for part in parts}
    absent = [part for part in declared if part not in published]
    if absent:
        words = ", ".join(_(DIMENSION_WORDS[part]) if part in DIMENSION_WORDS else part for part in absent)
        content.append(html.P(_("The publisher also breaks it down by {dimensions}, but no such value is in this "
                                "database.").format(dimensions=words), className="caption"))
    return html.Section(id=Ids.BREAKDOWNS, children=[html.H2(_("Breakdowns")), *content])


def _themes(indicator_id: str) -> html.Section:
    rows = queries.indicator_themes(indicator_id)
    if not rows:
        content = html.P(_("A context series: it evidences no WSIS+20 theme itself."), className="no-data")
    else:
        content = html.Ul([
            html.Li([html.Strong(f"{localized.theme_text(theme.theme_id, 'title', theme.title)} "
                                 f"({_paragraphs(theme.first_paragraph, theme.last_paragraph)})"),
                     " — " + _("main theme") if index == 0 else "",
                     f": {localized.theme_text(theme.theme_id, 'summary', theme.summary)}"])
            for index, theme in enumerate(rows)], id=Ids.THEME_LIST)
    return html.Section(id=Ids.THEMES, children=[
        html.H2(_("WSIS+20 themes")),
        html.P(_("Sections of the WSIS+20 Elements Paper the series evidences, with their paragraphs (¶)."),
               className="caption"),
        content,
    ])


def _targets(indicator_id: str) -> html.Section:
    rows = queries.targets(indicator_id)
    if not rows:
        content = html.P(_("No target in the database is measured by this series."), className="no-data")
    else:
        content = html.Ul([html.Li([html.Strong(localized.target_text(row.target_id, "label", row.label)),
                                    " — " + _("{framework}, due {year}").format(
                                        framework=localized.target_text(row.target_id, "framework", row.framework),
                                        year=int(row.deadline_year)),
                                    _status(row) if isinstance(row.status_text, str) else ""])
                           for row in rows], id=Ids.TARGET_LIST)
    return html.Section(id=Ids.TARGETS, children=[
        html.H2(_("Targets measured by it")), content,
        html.P(_link("/targets", _("All targets and their status")), className="caption"),
    ])


def _status(row) -> str:
    """". World: not met: 72.4 % in 2025 (ours)": the target's status for the scope it names."""
    badge = localized.badge(row.status, row.status_text, row.status_value, row.status_year, row.unit)
    return f". {_scope_name(row.scope, row.scope_name)}: {badge}"


def _scope_name(scope: str, english: str) -> str:
    """A target's scope in the request's language: every economy, or a group (the world, a region)."""
    if scope == "each_country":
        return _("Each economy")
    return localized.group_name(english)


def _related(indicator_id: str) -> html.Section:
    rows = queries.related(indicator_id)
    content = html.Ul([html.Li(_link(f"/indicator/{row.indicator_id}", _name(row)))
                       for row in rows], className="indicator-list related-list") \
        if rows else html.P(_("No other series with data shares its themes."), className="no-data")
    return html.Section(id=Ids.RELATED, children=[html.H2(_("Related indicators")), html.P(
        _("Series with data that evidence the same themes, those sharing its main theme first."), className="caption"),
        content])


@data.per_version
def _edition_charts(indicator_id: str, name: str, unit: str, locale: str) -> tuple[tuple, ...]:
    """(chart id, heading, figure, summary, source line, table HTML) per publisher whose world aggregate has
    several editions in the database: plain values, built once per database version and `locale` (the request's;
    `name` is the indicator's in it) (pandas' pivots cost ~0.2 s a page on a busy machine)."""
    del locale  # the cache's key
    rows = queries.world_editions(indicator_id)
    if rows is None:
        return ()
    if localized.code() != "en":  # every row is a world aggregate (named "World" or "world" by its publisher)
        rows = rows.assign(group_name=_("World"))
    charts = []
    for dataset_key, publisher_rows in rows.groupby("dataset_key", sort=False):
        first = publisher_rows.iloc[0]
        releases = ", ".join(figures.edition_label(edition)
                             for _row, edition in publisher_rows.drop_duplicates("source_id").iterrows())
        charts.append((
            Ids.edition(dataset_key),
            _("{group}: {publisher}'s editions").format(group=first["group_name"], publisher=first["publisher"]),
            figures.editions_figure(publisher_rows, name, unit),
            figures.revision_summary(publisher_rows, name, unit),
            _("Source: {publisher}, {dataset} ({releases}); each edition as published, world aggregate {code}. "
              "Licence: {licence}.").format(publisher=first["publisher"], dataset=first["dataset"], releases=releases,
                                            code=first["group_code"], licence=first["license"]),
            components.table_html(figures.revision_table(publisher_rows, unit)),
        ))
    return tuple(charts)


def _editions(indicator_id: str, name: str, unit: str) -> html.Section | None:
    """One chart and table per publisher whose world aggregate has several editions in the database."""
    built = _edition_charts(indicator_id, name, unit, localized.code())
    if not built:
        return None
    values = {}
    for chart_id, _heading, figure, summary, source, table in built:
        values.update(dict(zip(components.chart_parts(chart_id),
                               [figure, summary, source, HtmlBlock(table)], strict=True)))
    section = html.Section(id=Ids.EDITIONS, children=[
        html.H2(_("Editions: how the publishers revised it")),
        html.P(_("Publishers revise earlier years when new surveys and estimates arrive. Each line is one edition of "
                 "the publisher's world figure as kept in the database; the table gives each year's revision from "
                 "the oldest to the newest edition (in percentage points for shares)."), className="caption"),
        *[components.chart(chart_id, title=heading) for chart_id, heading, *_rest in built],
    ])
    return components.fill(section, values)


def _series_page(row: pd.Series) -> html.Main:
    indicator_id = row["indicator_id"]
    sources = queries.sources(indicator_id)
    name = localized.indicator_name(indicator_id, row["name"])
    editions = _editions(indicator_id, name, row["unit"])
    # Explore and the Data page list the series with observations only.
    links = html.P(className="indicator-links", children=[
        *([_link(f"/explore?indicator={indicator_id}", _("Explore it on the map")), " · ",
           _link(f"/data?indicator={indicator_id}", _("Download it (Data page)")), " · "] if sources else []),
        _link("/indicator", _("All indicators")),
    ])
    words = {"unit": localized.unit_label(row["unit"]), "publisher": row["publisher"], "dataset": row["dataset"],
             "licence": row["license"]}
    return components.page(
        name,
        _("A series in {unit} from {publisher}'s {dataset} ({licence}): its definition, coverage, breakdowns, "
          "WSIS+20 themes and targets, and how the publishers revised it.").format(**words) if editions is not None
        else _("A series in {unit} from {publisher}'s {dataset} ({licence}): its definition, coverage, breakdowns, "
               "WSIS+20 themes and targets.").format(**words),
        links,
        _facts(row, sources),
        _coverage(indicator_id),
        _breakdowns(row, indicator_id),
        _themes(indicator_id),
        _targets(indicator_id),
        *([editions] if editions is not None else []),
        _related(indicator_id),
        page_id=Ids.PAGE,
    )


def layout(indicator_id: str | None = None, q: str | None = None, **_query) -> html.Main:
    try:
        row = queries.indicator_row(indicator_id) if indicator_id else None
        if row is not None:
            return _series_page(row)
        # Shown as text only (Dash escapes it); decoded so that /indicator/%3Cb%3E reads as typed.
        notices = [_("No indicator with the id “{id}”: search for it or choose one below.").format(
            id=unquote(indicator_id)[:60])] if indicator_id else []
        return _index(q if isinstance(q, str) else None, notices)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))

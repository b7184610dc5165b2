"""About: what each measure means, the targets, the sources and their licences, how the indicators map
onto the WSIS+20 Elements Paper, and where open data are missing.

The page has no view state; query parameters are ignored. Anchors (#measures, #sources, #theme-<id>, …)
are scrolled to by assets/fragment.js once they exist: Dash renders after the browser's own attempt to
jump to the fragment, so without it a link to /about#theme-ai would open at the top.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import html

from dashboard import components, data, figures, formatting, i18n, localized, target_status
from dashboard import figures_overview as fo
from dashboard.html_block import HtmlBlock
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.queries.about import (  # the page's queries
    coverage_counts,
    indicators_without_data,
    latest_run,
    sources,
    targets,
    targets_without_indicator,
    theme_indicators,
    themes,
)
from etl.measures import status_rules


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("About · Digital divide indicators")


dash.register_page(__name__, path="/about", name="About", title=_title)


class Ids:
    """The page's component ids and anchors, named once for the layout and the tests (a theme's anchor is built
    from its id). Keep the strings: links from other pages (/about#status-rules, #theme-…) and the browser tests
    use them."""

    PAGE: Final = "about"  # components.page derives about-main and about-notices from it
    TOC: Final = "about-toc"
    MEASURES_SECTION: Final = "measures"
    MEASURES: Final = "about-measures"
    TARGETS_SECTION: Final = "targets"
    TARGETS: Final = "about-targets"
    STATUS_RULES_TITLE: Final = "status-rules"
    STATUS_RULES: Final = "about-status-rules"
    SOURCES_SECTION: Final = "sources"
    SOURCES: Final = "about-sources"
    LICENCE_NOTE: Final = "about-licence-note"
    THEMES_SECTION: Final = "themes"
    GAPS_SECTION: Final = "gaps"
    GAP_THEMES: Final = "about-gap-themes"
    GAP_TARGETS: Final = "about-gap-targets"
    GAP_INDICATORS: Final = "about-gap-indicators"
    # The coverage map (components.chart: also its -summary, -source and -table parts) and its note.
    COVERAGE: Final = "about-coverage"
    COVERAGE_NOTE: Final = "about-coverage-note"

    @staticmethod
    def theme(theme_id: str) -> str:
        return f"theme-{theme_id}"


COVERAGE_YEARS = 5  # the coverage map counts indicators with any value in the latest 5 years
SECTION = {"background": "white", "border": "1px solid #ddd", "borderRadius": "6px", "padding": "0.8rem 1rem",
           "margin": "1rem 0"}
THEME = {"borderTop": "1px solid #ddd", "padding": "0.5rem 0", "scrollMarginTop": "0.5rem"}
COLUMNS = "columns: 2 340px; column-gap: 2rem; margin: 0.3rem 0; font-size: 0.9rem"  # inline CSS of a <ul>
GAP_NOTE = {"background": "#f3f3f3", "borderInlineStart": "4px solid #999", "padding": "0.3rem 0.6rem",
            "margin": "0.3rem 0"}
LICENCE_NOTE = {"background": "#fff4d6", "borderInlineStart": "4px solid #E69F00", "padding": "0.5rem 0.8rem",
                "margin": "0.5rem 0"}

TOC = [(Ids.MEASURES_SECTION, N_("Measures")), (Ids.TARGETS_SECTION, N_("Targets")),
       (Ids.STATUS_RULES_TITLE, N_("Status rules")), (Ids.SOURCES_SECTION, N_("Sources and licences")),
       (Ids.THEMES_SECTION, N_("WSIS+20 Elements Paper")), (Ids.GAPS_SECTION, N_("Data gaps"))]

# (term, definition): our own short wording of docs/methodology.md's "Measures" section.
MEASURES = [
    (N_("Group aggregates"),
     N_("A group's value (the world, a World Bank region or income group, a UN M49 region, LDCs, LLDCs, SIDS) is a "
        "population-weighted mean of its members' values for shares and rates, an unweighted median for prices (as "
        "ITU reports them), an unweighted mean for index scores, and a sum for head counts. A member that did not "
        "report in a year gets the value on the line between two of its reported years (at most 10 apart), else its "
        "latest value of the previous three years; for the totals of weighted means, a member with neither is "
        "imputed, keeping its ratio to its peers (same region and income group) from its nearest own value, or at "
        "its peers' mean when it has none. Counting only the economies that reported would put the others at their "
        "average, which overstated world Internet use by 1.5 points in 2024. Every estimate is in the database "
        "(aggregate_estimate), and each aggregate says how many members and what share of its population were "
        "imputed. Population coverage is the share of the group's people living in members with a value of their "
        "own; below 50 %, or with fewer than three members reporting, the aggregate is left empty, and so is any "
        "year reported by fewer than half as many economies as the series' best year.")),
    (N_("Published aggregates"),
     N_("The World Bank's and ITU's own world, regional and income-group figures are kept beside ours, edition by "
        "edition. Each edition revises earlier years, so compare figures of the same edition. Our Internet use "
        "comes within half a point of the newest editions' figures for the world, the LDCs, the World Bank's "
        "regions and the income groups (over the income list each edition used) in every year 2005–2024, except "
        "where the database states why (publisher_difference): the publishers' own estimates for China "
        "(2016–2022) and Pakistan (2021–2024), and for economies ITU models from data it does not publish. Where a "
        "page shows a publisher's figure beside ours, it names both, with their years.")),
    (N_("People offline"),
     N_("Population × (100 − % using the Internet) ÷ 100, per economy and group. Counts of women and men offline "
        "would need population by sex, which the data lack.")),
    (N_("Gender parity score"),
     N_("The share of women using the Internet divided by the share of men. 0.98–1.02 counts as parity (ITU's "
        "band); below 1, women are less connected. The gender gap is the difference in percentage points. A group's "
        "parity is the ratio of its two aggregates, not the mean of country ratios.")),
    (N_("Rural ÷ urban and youth ratios"),
     N_("Likewise, rural Internet use over urban (and the gap in points), and use among 15–24-year-olds over use at "
        "all ages.")),
    (N_("Affordability"),
     N_("ITU's price baskets as a percentage of monthly gross national income per person. A basket counts as "
        "affordable at or under 2 % (the Broadband Commission's and A4AI's threshold). For each group and year we "
        "give the median price and how many economies, and what share, meet the threshold. ITU's headline baskets "
        "grew over time (mobile data: 1 GB to 2017, 1.5 GB from 2018, 2 GB from 2021, 5 GB from 2025), so later years "
        "of these spliced series are a stricter test; the charts mark each change. Every basket definition is also "
        "its own indicator (e.g. the 1 GB data basket, priced 2023–2025, on which the A4AI target is drawn).")),
    (N_("Progress to target"),
     N_("The Open SDG / Statistics Canada method: the compound annual rate of change observed since 2015 against the "
        "rate needed to reach the target by its deadline (their ratio), and the year the target would be reached at "
        "the observed pace. For shares capped at 100 the rates are computed on the shortfall (100 − value), and "
        "ITU's convention of scoring a 100 % goal as met at 95 % applies. The status itself follows the rules under "
        "Targets (status rules): a passed deadline is met or not met on the deadline year's value, however old (the "
        "WSIS targets for 2015 on their 2015 values); on track only when the projection reaches the target by the "
        "deadline; any other status never rests on data more than {max_age} years old. No open "
        "indicator: nothing in the open data measures it.")),
    (N_("Inequality across countries"),
     N_("The population-weighted Gini coefficient of Internet use across economies, per year, and the Theil index "
        "split into the part due to differences between World Bank regions and the part within them: the divide "
        "itself has a trend.")),
    (N_("Themes"),
     N_("The 16 sections of the WSIS+20 Elements Paper, with their paragraph numbers. Every indicator names the "
        "themes it evidences; a theme with none has no open indicator yet, and says what would measure it.")),
]



# The status rules' texts (etl/measures/status_rules.py: rules_table's `when` and `badge`, SCOPES), marked for the
# catalogues: the About page shows the rules table in the request's language. tests/dashboard/test_i18n_pages.py
# checks this list against the rules, so a rule reworded in the ETL cannot stay English unnoticed.
RULE_TEXTS = (
    N_("No open indicator measures the target."), N_("no open indicator"),
    N_("The scope has no value at all for the indicator."), N_("insufficient data (no value)"),
    N_("The deadline has passed and the value for the deadline year meets the target."),
    N_("met: ‹value› in ‹deadline year› (‹source›)"),
    N_("The deadline has passed and the value for the deadline year misses the target."),
    N_("not met: ‹value› in ‹deadline year› (‹source›)"),
    N_("Otherwise, the latest value is more than 5 years old (latest year < current year − 5)."),
    N_("insufficient data (latest: ‹latest year›)"),
    N_("The deadline has passed, there is no value for the deadline year, and the latest value (another year, "
       "usually earlier) meets the target."),
    N_("met: ‹latest value› in ‹latest year› (no value for ‹deadline year›)"),
    N_("The deadline has passed, there is no value for the deadline year, and the latest value (another year) "
       "misses the target: whether it was met is unknown."),
    N_("insufficient data (no value for ‹deadline year›; latest: ‹latest value› in ‹latest year›)"),
    N_("The deadline is ahead and the latest value meets the target."), N_("met: ‹latest value› in ‹latest year›"),
    N_("The deadline is ahead and there is no pace: fewer than 2 years between the base (2015, or the first year "
       "with data after it) and the latest value."),
    N_("insufficient data (too few years; latest: ‹latest year›)"),
    N_("The deadline is ahead and, at the pace observed since the base, the target is reached by the deadline "
       "(projected year ≤ deadline year)."),
    N_("on track: ‹latest value› in ‹latest year›, reached by ‹projected year›"),
    N_("Not on track, and the observed pace is at least 0.60 of the pace required (Open SDG ratio ≥ 0.60)."),
    N_("acceleration needed: ‹latest value› in ‹latest year›, reached in ‹projected year› or not reached at the "
       "observed pace"),
    N_("Not on track, and the observed pace is under 0.60 of the pace required but towards the target "
       "(0 ≤ ratio < 0.60)."),
    N_("limited progress: ‹latest value› in ‹latest year›, reached in ‹projected year› or not reached at the "
       "observed pace"),
    N_("Otherwise: moving away from the target (ratio < 0), or it was reached at the base and has slipped since."),
    N_("deteriorating: ‹latest value› in ‹latest year›"),
)
SCOPES = (
    (N_("A world target"),
     N_("the world, every group (the Targets page charts each group against it) and every economy.")),
    (N_("A group's target (least developed countries, developing countries)"),
     N_("that group and its member economies only, never the world.")),
    (N_("A target for each economy"),
     N_("every economy only: its headline is the count of economies per status, not an aggregate.")),
)


def rules_rows() -> list[list[str]]:
    """The status rules in the order they are tried (number, rule id, status, condition, badge), escaped, in the
    request's language."""
    return [[str(number), esc(row["rule"]), esc(localized.status_words(row["status"])), esc(_(row["when"])),
             esc(_(row["badge"]))] for number, row in enumerate(status_rules.rules_table(), start=1)]


rules_intro = target_status.rules_intro  # the same text on the Targets page


# --- pieces ----------------------------------------------------------------------------------------
# Long tables and lists are written as one HtmlBlock each (every value escaped):
# Dash's renderer does work per component on every store update, and ~1,000 html.Td/html.Li components
# made this page take many seconds to draw; a handful of blocks draw at once.


esc = fo.esc


def item_list(items: list[str]) -> str:
    """A list of already escaped <li> items, or "None." when there are none."""
    return f"<ul>{''.join(items)}</ul>" if items else f"<p>{esc(_('None.'))}</p>"


def href(url: str | None) -> str | None:
    """A web address we link to, or None: only http(s), and the project's README anchor means our Measures."""
    if not url:
        return None
    if url.startswith("README.md#"):
        return "#measures"
    return url if url.startswith(("https://", "http://")) else None


def a_tag(text, url: str | None) -> str:
    target = href(url)
    return f'<a href="{esc(target)}" rel="noopener">{esc(text)}</a>' if target else esc(text)


def html_block(text: str, **props) -> HtmlBlock:
    """HTML built by figures_overview (every value escaped there) as one component."""
    return HtmlBlock(text, **props)


def html_table(table_id: str, headers: list[str], rows: list[list[str]]) -> HtmlBlock:
    return html_block(fo.html_table(headers, rows, table_id), style={"overflowX": "auto"})


def explore_href(indicator_id: str) -> str:
    return i18n.href("/explore") + "?" + urlencode({"indicator": indicator_id})


def day(value, width: str = "medium") -> str:
    """A date in the request's locale ("" when none): medium in the tables, long in running text."""
    return formatting.date(value, width)


def paragraphs(first: int, last: int) -> str:
    return f"¶ {first}" if first == last else f"¶ {first}–{last}"


def measures_section() -> html.Section:
    return html.Section(id=Ids.MEASURES_SECTION, style=SECTION, children=[
        html.H2(_("Measures")),
        html.P(_("Computed once, when the database is built; the pages only filter and plot them."),
               className="caption"),
        html_block("".join(f"<p><strong>{esc(_(term))}.</strong> {esc(_(text).format(max_age=status_rules.MAX_AGE))}"
                           "</p>" for term, text in MEASURES), id=Ids.MEASURES),
    ])


def condition(row: pd.Series) -> str:
    unit = (_("% of GNI p.c.") if row["unit"] == "% of monthly GNI per capita"
            else "%" if row["bound"] == 100 or str(row["unit"] or "").startswith("%") else "")
    text = fo.comparator_text(row["comparator"], row["value"], row["band"], unit)
    if pd.isna(row["met_threshold"]):
        return text
    return text + " " + _("(met at {share})").format(share=formatting.percent(row["met_threshold"], 0))


def targets_section() -> html.Section:
    frame = targets()
    frameworks = sorted({localized.target_text(row["target_id"], "framework", row["framework"])
                         for row in frame.to_dict("records")})
    rows = []
    for row in frame.to_dict("records"):
        row.update({field: localized.target_text(row["target_id"], field, row[field])
                    for field in ("framework", "label", "wording", "note")})
        scope = (_("each economy") if row["scope"] == "each_country"
                 else localized.group_name(row["scope_name"]) if pd.notna(row["scope_name"]) else row["scope"])
        measured = (f'<a href="{esc(explore_href(row["indicator_id"]))}">'
                    f'{esc(localized.indicator_name(row["indicator_id"], row["indicator_name"]))}</a>'
                    if pd.notna(row["indicator_id"]) else f"<em>{esc(_('no open indicator'))}</em>")
        label = esc(row["label"]) + (f"<br><q>{esc(row['wording'])}</q>" if pd.notna(row["wording"]) else "")
        rows.append([esc(row["framework"]), label, esc(condition(row)), esc(scope),
                     esc(row["deadline_year"]), measured, a_tag(row["source_url"].split("/")[2], row["source_url"]),
                     esc(row["note"])])
    return html.Section(id=Ids.TARGETS_SECTION, style=SECTION, children=[
        html.H2(_("Targets")),
        html.P(_("{targets} targets from {frameworks} frameworks ({names}), each with the text that sets it; where "
                 "we quote the target's own words, they are under its label. The Targets page shows progress "
                 "towards each.").format(targets=formatting.count(len(frame)),
                                         frameworks=formatting.count(len(frameworks)), names="; ".join(frameworks)),
               className="caption"),
        html_table(Ids.TARGETS, [_("Framework"), _("Target"), _("Value"), _("Scope"), _("Deadline"),
                                 _("Measured with"), _("Source"), _("Note")], rows),
        html.H3(_("Status rules"), id=Ids.STATUS_RULES_TITLE),
        html.P(rules_intro(), className="caption"),
        html_table(Ids.STATUS_RULES, ["#", _("Rule (rule_id)"), _("Status"), _("When"), _("Badge (its template)")],
                   rules_rows()),
        html.P(_("Which scopes have a status:") + " "
               + " ".join(f"{_(scope)}: {_(text)}" for scope, text in SCOPES) + " "
               + _("Every economy a target names has a row, with or without data, so every page counts economies "
                   "out of the same total."), className="caption"),
    ])


def sources_section() -> html.Section:
    frame = sources()
    nowrap = '<span style="white-space: nowrap">{}</span>'
    rows = [[f"<code>{esc(row['source_id'])}</code>", esc(row["publisher"]), a_tag(row["dataset"], row["url"]),
             nowrap.format(esc(day(row["vintage"]) or _("undated"))),
             nowrap.format(esc(day(row["retrieved_at"]) or "—")),
             a_tag(row["license"], row["license_url"]), esc(row["attribution"])]
            for row in frame.to_dict("records")]
    return html.Section(id=Ids.SOURCES_SECTION, style=SECTION, children=[
        html.H2(_("Sources and licences")),
        html.Div(style=LICENCE_NOTE, id=Ids.LICENCE_NOTE, children=[
            html.P([_("Licences differ by source; reproduce the attribution below in anything you publish.") + " ",
                    html.Strong(_("ITU data are licensed CC BY-NC-SA 3.0 IGO")),
                    " " + _("(attribution, non-commercial, share-alike): this covers Internet use by sex and the "
                            "price baskets. World Bank data are CC BY 4.0.") + " ",
                    html.Strong(_("GSMA's Mobile Connectivity Index data may not be redistributed without checking "
                                  "GSMA's terms first."))], style={"margin": 0}),
        ]),
        html.P(_("Release is the publisher's own date; retrieved is when the file was downloaded, where it states no "
                 "release (— when it was imported by hand)."), className="caption"),
        html_table(Ids.SOURCES, [_("Source id"), _("Publisher"), _("Dataset"), _("Release"), _("Retrieved"),
                                 _("Licence"), _("Attribution")], rows),
    ])


def themes_section() -> html.Section:
    frame, pairs = themes(), theme_indicators()
    blocks = []
    by_theme: dict[str, list[dict]] = {}
    for pair in pairs.to_dict("records"):
        by_theme.setdefault(pair["theme_id"], []).append(pair)
    for theme in frame.to_dict("records"):
        mine = by_theme.get(theme["theme_id"], [])
        missing = (localized.theme_text(theme["theme_id"], "missing", theme["missing"])
                   if isinstance(theme.get("missing"), str) else "")
        if not mine:
            evidence = html.P((_("No open indicator yet — itself a finding for ¶ 82–84 (monitoring and "
                                 "measurement).") + f" {missing}").strip(),
                              className="about-no-indicator", style=GAP_NOTE)
        else:
            names = {row["indicator_id"]: esc(localized.indicator_name(row["indicator_id"], row["name"]))
                     for row in mine}
            no_data_yet = esc(_("(no data yet)"))
            items = "".join(f'<li><a href="{esc(explore_href(row["indicator_id"]))}">{names[row["indicator_id"]]}'
                            "</a></li>" if row["has_data"]
                            else f"<li>{names[row['indicator_id']]} <em>{no_data_yet}</em></li>"
                            for row in mine)
            evidence = html.Div([
                html.P(ngettext("Evidenced by {count} indicator:", "Evidenced by {count} indicators:",
                                len(mine)).format(count=formatting.count(len(mine))), className="caption"),
                html_block(f'<ul style="{COLUMNS}">{items}</ul>', className="about-theme-indicators"),
                # What the indicators leave out of the theme, and what would measure it.
                *([html.P(_("Not measured: {missing}").format(missing=missing), className="about-theme-missing",
                          style=GAP_NOTE)] if missing else []),
            ])
        title = localized.theme_text(theme["theme_id"], "title", theme["title"])
        blocks.append(html.Article(id=Ids.theme(theme["theme_id"]), className="about-theme", style=THEME, children=[
            html.H3(f"{title} ({paragraphs(theme['first_paragraph'], theme['last_paragraph'])})",
                    style={"margin": "0.2rem 0", "fontSize": "1.05rem"}),
            html.P(localized.theme_text(theme["theme_id"], "summary", theme["summary"]), style={"margin": "0.2rem 0"}),
            evidence,
        ]))
    return html.Section(id=Ids.THEMES_SECTION, style=SECTION, children=[
        html.H2(_("WSIS+20 Elements Paper: themes and the indicators evidencing them")),
        html.P(_("The 16 sections of the WSIS+20 review's Elements Paper (2025) with their paragraphs, a one-line "
                 "summary in our words, and the catalogue indicators each one can draw on."), className="caption"),
        *blocks,
    ])


def text(row: dict, field: str) -> str:
    """A target's own text (label, framework, note) in the request's language."""
    return localized.target_text(row["target_id"], field, row[field])


def gaps_section() -> html.Section:
    frame = themes()
    empty = frame[frame["n_indicators"] == 0]
    missing_targets = targets_without_indicator()
    no_data = indicators_without_data()
    coverage = components.chart(Ids.COVERAGE, title=_("Where the open data are: indicators per economy"),
                                preview=True)
    coverage.children.insert(3, html.P(id=Ids.COVERAGE_NOTE, className="caption"))
    theme_items = [f'<li><a href="#{esc(Ids.theme(row["theme_id"]))}">'
                   f'{esc(localized.theme_text(row["theme_id"], "title", row["title"]))} '
                   f'({paragraphs(row["first_paragraph"], row["last_paragraph"])})</a>'
                   + (f": {esc(localized.theme_text(row['theme_id'], 'missing', row['missing']))}"
                      if pd.notna(row["missing"]) else "") + "</li>"
                   for row in empty.to_dict("records")]
    target_items = [f"<li><strong>{esc(text(row, 'label'))}</strong> ({esc(text(row, 'framework'))}, "
                    f"{row['deadline_year']})" + (f": {esc(text(row, 'note'))}" if pd.notna(row["note"]) else "")
                    + "</li>" for row in missing_targets.to_dict("records")]
    indicator_items = [f"<li>{esc(localized.indicator_name(row['indicator_id'], row['name']))} "
                       f"(<code>{esc(row['indicator_id'])}</code>)</li>"
                       for row in no_data.to_dict("records")]
    return html.Section(id=Ids.GAPS_SECTION, style=SECTION, children=[
        html.H2(_("Data gaps")),
        html.H3(_("Themes with no open indicator"), style={"fontSize": "1.05rem"}),
        html_block(item_list(theme_items), id=Ids.GAP_THEMES),
        html.H3(_("Targets no open indicator measures"), style={"fontSize": "1.05rem"}),
        html_block(item_list(target_items), id=Ids.GAP_TARGETS),
        html.H3(_("Catalogue indicators with no data in the files we hold"), style={"fontSize": "1.05rem"}),
        html_block(item_list(indicator_items), id=Ids.GAP_INDICATORS),
        components.fill(coverage, dict(zip(COVERAGE_PARTS, draw_coverage(), strict=True))),
    ])


@data.per_version
def contents() -> tuple:
    """The table of contents and the sections, built once per database version and locale: the page has no view
    state, so every request of one version and language shows the same (building them cost ~50 ms). Shared
    between requests: nothing may change them (Dash only reads a layout to send it)."""
    toc = html.Nav(html.Ul([html.Li(html.A(_(label), href=f"#{anchor}")) for anchor, label in TOC],
                           style={"display": "flex", "flexWrap": "wrap", "gap": "0.3rem 1.2rem",
                                  "listStyle": "none", "padding": 0, "margin": "0.5rem 0"}),
                   id=Ids.TOC, **{"aria-label": _("On this page")})
    return (toc, measures_section(), targets_section(), sources_section(), themes_section(), gaps_section())


def layout(**_query) -> html.Main:
    """No view state: query parameters are ignored."""
    try:
        parts = contents()
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    return components.page(
        _("About the data"),
        _("What each measure means, which targets it is held against, where every number comes from and under "
          "which licence, how the indicators map onto the WSIS+20 Elements Paper, and what open data still miss."),
        *parts,
        page_id=Ids.PAGE,
    )


# The coverage map's outputs: (component id, property), in the order draw_coverage returns their values.
COVERAGE_PARTS = [(Ids.COVERAGE, "figure"), (f"{Ids.COVERAGE}-summary", "children"),
                  (f"{Ids.COVERAGE}-source", "children"), (Ids.COVERAGE_NOTE, "children"),
                  (f"{Ids.COVERAGE}-table", "children")]


def draw_coverage() -> tuple:
    """The coverage map, its summary, source line, off-map note and table (least covered first): built with
    the page's layout (cached queries), not by a callback after it."""
    counts, total, first, last = coverage_counts(COVERAGE_YEARS)
    counts = localized.with_country_names(counts)  # the map's hover, its summary and the table name them
    run = latest_run()
    if run is not None:
        source = _("Source: this project's database, built {date}: observations of the {total} catalogue indicators "
                   "from every source listed under “Sources and licences”, each under its own licence.").format(
            date=day(run["finished_at"], "long"), total=formatting.count(total))
    else:
        source = _("Source: this project's database: observations of the {total} catalogue indicators from every "
                   "source listed under “Sources and licences”, each under its own licence.").format(
            total=formatting.count(total))
    note = figures.off_map_note(counts.rename(columns={"n_indicators": "value"}))
    ranked = counts.sort_values(["n_indicators", "name"])[["name", "iso3", "n_indicators"]]
    table = html_block(fo.frame_table(ranked, {"name": _("Economy"), "iso3": _("Code"),
                                               "n_indicators": _("Indicators with data, {first}–{last}").format(
                                                   first=first, last=last)}))
    return (fo.coverage_map(counts, total, first, last), fo.coverage_summary(counts, total, first, last), source,
            note, table)

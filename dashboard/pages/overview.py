"""Overview: four headline numbers against their targets, and the 16 WSIS+20 themes at a glance.

Everything here is read from the measures the ETL already computed (group_aggregate, affordability,
target_progress, published_aggregate, theme): the page only picks the latest rows and formats them.
It has no state of its own, so it takes no URL parameters; unknown ones are ignored silently.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Final
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import dcc, html

from dashboard import components, data, formatting, i18n, localized, target_status
from dashboard import figures_overview as fo
from dashboard.html_block import HtmlBlock
from dashboard.i18n import gettext as _
from dashboard.i18n import ngettext
from dashboard.queries import common
from dashboard.queries.overview import (  # the page's queries
    AFFORDABILITY_BASKET,
    indicator_source,
    itu_world_parity,
    published_world_internet,
    source_meta,
    themes_with_indicators,
    world_affordability,
    world_series,
    world_targets,
)
from dashboard.static_html import render


def _title(**_ignored) -> str:
    """The browser tab's title, in the request's language (Dash's router calls it per request)."""
    return _("Overview · Digital divide indicators")


dash.register_page(__name__, path="/", name="Overview", title=_title)

AFFORDABILITY_THRESHOLD = 2.0  # % of monthly GNI per capita (Broadband Commission, A4AI "1 for 2")
SPARK_FIRST_YEAR = 2005
KEY_PER_THEME = 3
# Which indicators speak first for a theme (an editorial order: the headline measures of the review).
# Indicators not listed follow: those with a world aggregate first, then by economies covered.
KEY_ORDER = [
    "internet_use", "people_offline", "internet_gender_parity", "mobile_data_basket_gni", "mobile_broadband_per_100",
    "coverage_4g", "fixed_broadband_per_100", "electricity_access", "egov_development_index", "account_ownership",
    "ict_services_exports_share", "secure_internet_servers", "cybersecurity_index_2024", "digital_bill_payment",
    "mobile_money_account", "ewaste_generated_per_capita", "ewaste_collection_rate", "ict_activity_copy_move_file",
    "ict_activity_programming", "egov_human_capital",
]

# Layout styles kept here (assets/style.css is shared); class names let a stylesheet take over later.
GRID = {"display": "grid", "gridTemplateColumns": "repeat(auto-fill, minmax(260px, 1fr))", "gap": "1rem",
        "margin": "1rem 0"}
CARD = {"background": "white", "border": "1px solid #ddd", "borderRadius": "6px", "padding": "0.8rem",
        "display": "flex", "flexDirection": "column", "gap": "0.3rem"}
BIG = {"fontSize": "1.9rem", "fontWeight": 700, "margin": "0", "fontVariantNumeric": "tabular-nums"}
SMALL = {"fontSize": "0.85rem", "color": "#555", "margin": "0"}
SPARK_SECTION = {"border": "none", "padding": "0", "margin": "0.3rem 0 0"}
LIST = {"margin": "0.2rem 0", "paddingInlineStart": "1.1rem", "fontSize": "0.9rem"}


class Ids:
    """The page's component ids, named once for the layout, the sparklines and the tests (a card's and a theme's
    ids are built from their key). Keep the strings: the browser tests select elements by them."""

    PAGE: Final = "overview"  # components.page derives overview-main and overview-notices from it
    NOTICES: Final = "overview-notices"
    CONTENT: Final = "overview-content"
    CARDS: Final = "overview-cards"
    THEME_GRID: Final = "overview-theme-grid"
    THEME_COUNT: Final = "overview-theme-count"
    OFFLINE_COVERAGE: Final = "overview-offline-coverage"
    INTERNET_COVERAGE: Final = "overview-internet-coverage"
    INTERNET_PUBLISHED: Final = "overview-internet-published"
    INTERNET_WHY: Final = "overview-internet-why"
    PARITY_DETAIL: Final = "overview-parity-detail"
    AFFORD_SHARE: Final = "overview-afford-share"

    @staticmethod
    def card(key: str) -> str:
        return f"overview-card-{key}"

    @staticmethod
    def value(key: str) -> str:
        return f"overview-{key}-value"

    @staticmethod
    def year(key: str) -> str:
        return f"overview-{key}-year"

    @staticmethod
    def spark(key: str) -> str:
        """A card's sparkline (components.chart: also its -summary, -source and -table parts)."""
        return f"overview-spark-{key}"

    @staticmethod
    def theme(theme_id: str) -> str:
        return f"overview-theme-{theme_id}"


GAP_NOTE = {"background": "#f3f3f3", "borderInlineStart": "4px solid #999", "padding": "0.3rem 0.6rem",
            "margin": "0.3rem 0", "fontSize": "0.9rem"}


# --- pieces built from the queries (dashboard/queries/overview.py) ------------------------------------


def key_indicators(pairs: list[dict], theme_id: str, limit: int = KEY_PER_THEME) -> list[dict]:
    """Up to `limit` indicators for a theme: KEY_ORDER first, then world aggregates, then reach.

    Plain Python over records: per-theme pandas filtering and sorting cost ~9 ms a theme.
    """
    rank = {indicator: position for position, indicator in enumerate(KEY_ORDER)}
    mine = [row for row in pairs if row["theme_id"] == theme_id]
    mine.sort(key=lambda row: (rank.get(row["indicator_id"], len(KEY_ORDER)), pd.isna(row["value"]),
                               -row["economies"], row["name"]))
    return mine[:limit]


# --- text ------------------------------------------------------------------------------------------


def release(meta: pd.Series) -> str:
    if pd.notna(meta["vintage"]):
        return _("release of {date}").format(date=formatting.date(meta["vintage"]))
    if pd.notna(meta["retrieved_at"]):
        return _("undated release, retrieved {date}").format(date=formatting.date(meta["retrieved_at"]))
    return _("undated release")


def source_text(meta: pd.Series) -> str:
    return _("{publisher}, {dataset} ({release}; licence {licence})").format(
        publisher=meta["publisher"], dataset=meta["dataset"], release=release(meta), licence=meta["license"])


def explore_href(indicator_id: str) -> str:
    return i18n.href("/explore") + "?" + urlencode({"indicator": indicator_id})


def percent(value: float) -> str:
    """A share to one decimal, in the request's locale ("72.7 %", "72,7 %")."""
    return formatting.percent(value, 1)


def target_unit(unit: str | None, bound) -> str:
    """The short unit a target's value is written in."""
    if unit == "% of monthly GNI per capita":
        return _("% of GNI p.c.")
    if bound == 100 or (unit or "").startswith("%"):
        return "%"
    return ""


def target_item(row) -> html.Li:
    """One target: its status with the value and year it rests on (written out, with a colour edge), label,
    condition, deadline and basis; for a target set for each economy, the count of economies per status."""
    condition = fo.comparator_text(row.comparator, row.target_value, row.band, target_unit(row.unit, row.bound))
    if pd.notna(row.met_threshold):
        condition += " " + _("(met at {share})").format(share=formatting.percent(row.met_threshold, 0))
    details = [localized.target_text(row.target_id, "framework", row.framework)]
    each = row.scope == "each_country"
    if each:
        status = "each economy"
        badge = localized.status_words(status)
        details.append(target_status.economies_line(target_status.economy_counts(row.target_id)))
    else:
        status = row.status if isinstance(row.status, str) else "no data"
        badge = localized.badge(status, row.status_text, row.status_value, row.status_year, row.unit)
        if isinstance(row.basis, str) and row.basis.startswith("publisher:"):
            details.append(_("judged on ITU's world series"))
    colour = fo.status_colour(status)
    return html.Li(className="overview-target", style={"listStyle": "none", "margin": "0.25rem 0"},
                   **{"data-target": row.target_id}, children=[
        html.Span(badge, className="status-badge", **{"data-status": status}, style={
            "borderInlineStart": f"6px solid {colour}", "background": "#f3f3f3", "padding": "0 0.35rem",
            "fontWeight": 600, "fontSize": "0.85rem", "marginInlineEnd": "0.35rem"}),
        html.Span(_("{target}: {condition} by {year}").format(
            target=i18n.isolated(localized.target_text(row.target_id, "label", row.label)), condition=condition,
            year=row.deadline_year)),
        html.Br(),
        html.Span("; ".join(details).rstrip(".") + ".", style=SMALL),
    ])


def targets_block(indicator_id: str, via: str | None = None) -> html.Div:
    targets = world_targets(indicator_id)
    heading = _("Targets (via {indicator})").format(indicator=via) if via else _("Targets")
    if targets.empty:
        return html.Div([html.P(heading, style=SMALL), html.P(_("No world target."), style=SMALL)])
    return html.Div(className="overview-targets", children=[
        html.P(heading, style={**SMALL, "fontWeight": 600}),
        html.Ul([target_item(SimpleNamespace(**row)) for row in targets.to_dict("records")],
                style={"padding": "0", "margin": "0"}),
    ])


# --- headline cards --------------------------------------------------------------------------------


def card(card_id: str, title: str, value: str, year: int | str, lines: list, targets: html.Div) -> html.Article:
    spark_id = Ids.spark(card_id)
    spark = components.chart(spark_id, drawing=components.svg_chart(spark_id))
    spark.style = SPARK_SECTION
    return html.Article(className="overview-card", id=Ids.card(card_id), style=CARD, children=[
        html.H2(title, style={"fontSize": "1rem", "margin": "0"}),
        html.P([html.Span(value, id=Ids.value(card_id)), " ",
                html.Span(f"({year})", id=Ids.year(card_id), style={"fontSize": "1rem", "fontWeight": 400})],
               style=BIG),
        *[html.P(line, style=SMALL) if isinstance(line, str) else line for line in lines],
        targets,
        spark,
    ])


def offline_card() -> html.Article:
    series = world_series("people_offline")
    if series.empty:
        return card("offline", _("People offline, world"), _("no data"), "–", [], targets_block("internet_use"))
    last = series.iloc[-1]
    return card("offline", _("People offline, world"), formatting.people(last["value"]), int(last["year"]), [
        html.P(_("Population coverage {share} ({count} of {total} economies).").format(
            share=percent(100 * last["population_coverage"]), count=formatting.count(last["n_countries"]),
            total=formatting.count(last["n_members"])), id=Ids.OFFLINE_COVERAGE, style=SMALL),
    ], targets_block("internet_use", via=_("Internet use")))


def internet_card() -> html.Article:
    ours = world_series("internet_use")
    published = published_world_internet()
    if ours.empty:
        return card("internet", _("Internet use, world"), _("no data"), "–", [], targets_block("internet_use"))
    last = ours.iloc[-1]
    year = int(last["year"])
    lines = [html.P(_("Our population-weighted mean; coverage {share} ({count} of {total} economies).").format(
        share=percent(100 * last["population_coverage"]), count=formatting.count(last["n_countries"]),
        total=formatting.count(last["n_members"])), id=Ids.INTERNET_COVERAGE, style=SMALL)]
    if len(published):
        meta = source_meta(published["source_id"].iloc[0])
        same = published[published["year"] == year]
        newest = published.iloc[-1]
        text = f"{meta['publisher']} ({release(meta)}): "
        text += (_("{value} in {year}").format(value=percent(same["value"].iloc[0]), year=year) if len(same)
                 else _("no figure for {year}").format(year=year))
        if int(newest["year"]) != year:
            text += "; " + _("{value} in {year}").format(value=percent(newest["value"]), year=int(newest["year"]))
        lines.append(html.P([_("Published world figure — "), html.Span(text, id=Ids.INTERNET_PUBLISHED)],
                            style=SMALL))
        if len(same):
            lines.append(html.P(why_they_differ(last, same.iloc[0], meta), id=Ids.INTERNET_WHY, style=SMALL))
    return card("internet", _("Internet use, world"), percent(last["value"]), year, lines,
                targets_block("internet_use"))


def why_they_differ(ours: pd.Series, theirs: pd.Series, meta: pd.Series) -> str:
    """One sentence on why our world figure and the publisher's of the same year differ: the stated reason
    (publisher_difference) beyond half a point, else what both do with the economies without a value."""
    year, gap = int(ours["year"]), float(ours["value"]) - float(theirs["value"])
    reason = common.publisher_difference(str(theirs["group_code"]), year)
    points = formatting.change(gap, "%")
    if reason:
        return _("Ours is {points} from {publisher}'s. {reason}").format(points=points, publisher=meta["publisher"],
                                                                        reason=reason)
    imputed = ours.get("population_imputed")
    if pd.notna(imputed) and imputed > 0:
        return _("Ours is {points} from {publisher}'s: both estimate the economies without a {year} value ({share} "
                 "of the world's population), each its own way (About, Measures).").format(
            points=points, publisher=meta["publisher"], year=year, share=percent(100 * imputed))
    return _("Ours is {points} from {publisher}'s: both estimate the economies without a {year} value, each its "
             "own way (About, Measures).").format(points=points, publisher=meta["publisher"], year=year)


def publisher_world_values() -> dict[str, dict]:
    """The headline publisher figures the cards show, by indicator: Internet use and, from ITU's women's and
    men's Internet use, gender parity and the gap in points (the gap computed from the pair shown)."""
    values = {}
    published = published_world_internet()
    if len(published):
        newest = published.iloc[-1]
        meta = source_meta(newest["source_id"])
        values["internet_use"] = {"value": newest["value"], "year": int(newest["year"]), "who": meta["publisher"]}
    parity = itu_world_parity()
    if len(parity):
        last = parity.iloc[-1]
        who = source_meta(last["source_id"])["publisher"]
        values["internet_gender_parity"] = {"value": last["value"], "year": int(last["year"]), "who": who}
        values["internet_gender_gap"] = {"value": last["male"] - last["female"], "year": int(last["year"]),
                                         "who": who}
    return values


def parity_card() -> html.Article:
    parity = itu_world_parity()
    if parity.empty:
        return card("parity", _("Gender parity in Internet use, world"), _("no data"), "–", [],
                    targets_block("internet_gender_parity"))
    last = parity.iloc[-1]
    return card("parity", _("Gender parity in Internet use, world"), formatting.fixed(last["value"], 2),
                int(last["year"]), [
        html.P(_("Women {women} ÷ men {men} using the Internet (ITU's world estimate): a gap of {gap}; parity is "
                 "{low}–{high}.").format(women=percent(last["female"]), men=percent(last["male"]),
                                         gap=formatting.value(last["male"] - last["female"], "percentage points"),
                                         low=formatting.fixed(0.98, 2), high=formatting.fixed(1.02, 2)),
               id=Ids.PARITY_DETAIL, style=SMALL),
    ], targets_block("internet_gender_parity"))


def affordability_card() -> html.Article:
    rows = world_affordability()
    if rows.empty:
        return card("afford", _("Affordability of 1 GB of mobile data"), _("no data"), "–", [],
                    targets_block(AFFORDABILITY_BASKET))
    last = rows.iloc[-1]
    return card("afford", _("Affordability of 1 GB of mobile data"), formatting.percent(last["value"], 2),
                int(last["year"]), [
        html.P(_("Median price of 1 GB of mobile data (ITU's data-only basket, collected since 2023), in % of "
                 "monthly GNI per capita."), style=SMALL),
        html.P(_("{count} of the {total} economies priced in {year} ({share}) at or under {threshold}; economies "
                 "per target status below.").format(
            count=formatting.count(last["n_meeting"]), total=formatting.count(last["n_economies"]),
            year=int(last["year"]), share=formatting.percent(100 * last["share_meeting"], 0),
            threshold=formatting.percent(AFFORDABILITY_THRESHOLD, 0)), id=Ids.AFFORD_SHARE, style=SMALL),
    ], targets_block(AFFORDABILITY_BASKET))


# --- theme grid ------------------------------------------------------------------------------------


def world_value_text(row: dict, published: dict | None) -> str:
    """An indicator's world value in the theme grid. Where a headline card shows a publisher's figure of the same
    concept, that figure comes first with its year and source, and ours follows with its own: never two
    numbers of one concept without both."""
    ours = (_("{value} (world, {year}; population coverage {share})").format(
        value=localized.value_text(row["value"], row["unit"]), year=int(row["year"]),
        share=formatting.percent(100 * row["population_coverage"], 0))
        if pd.notna(row["value"]) else _("no world aggregate"))
    if published is None:
        return ours
    theirs = f"{localized.value_text(published['value'], row['unit'])} ({published['who']}, {published['year']})"
    return _("{theirs}; ours {ours}").format(theirs=theirs, ours=ours) if pd.notna(row["value"]) else theirs



def gap_note(theme: dict) -> str:
    """What a theme without an open indicator lacks: its `missing` note (indicators/themes.yaml), which names
    what would measure it."""
    missing = theme.get("missing")
    missing = localized.theme_text(theme["theme_id"], "missing", missing) if isinstance(missing, str) else ""
    if not missing:
        return _("No open indicator yet. A finding for ¶ 82–84 (monitoring and measurement).")
    return _("No open indicator yet. {missing} A finding for ¶ 82–84 (monitoring and measurement).").format(
        missing=missing)


def evidenced(themes: pd.DataFrame, pairs: list[dict]) -> set[str]:
    """The themes with at least one indicator that has data (pairs hold only those)."""
    return set(themes["theme_id"]) & {row["theme_id"] for row in pairs}


def theme_card(theme: dict, pairs: list[dict], published: dict[str, dict]) -> html.Article:
    first, last = theme["first_paragraph"], theme["last_paragraph"]
    paragraphs = f"¶ {first}" if first == last else f"¶ {first}–{last}"
    n = int(theme["n_indicators"])
    shown = key_indicators(pairs, theme["theme_id"])
    if not shown:
        body = [html.P(gap_note(theme), className="overview-no-indicator", style=GAP_NOTE)]
    else:
        items = []
        for row in shown:
            items.append(html.Li([dcc.Link(localized.indicator_name(row["indicator_id"], row["name"]),
                                           href=explore_href(row["indicator_id"])),
                                  f": {world_value_text(row, published.get(row['indicator_id']))}"]))
        body = [html.P(ngettext("{count} indicator; key ones:", "{count} indicators; key ones:", n).format(
            count=formatting.count(n)), style=SMALL), html.Ul(items, style=LIST)]
    return html.Article(className="overview-theme", id=Ids.theme(theme["theme_id"]), style=CARD, children=[
        html.H3(dcc.Link(localized.theme_text(theme["theme_id"], "title", theme["title"]),
                         href=i18n.href("/about") + f"#theme-{theme['theme_id']}"),
                style={"fontSize": "1rem", "margin": "0"}),
        html.P(_("{paragraphs} of the Elements Paper").format(paragraphs=paragraphs), style=SMALL),
        html.P(localized.theme_text(theme["theme_id"], "summary", theme["summary"]),
               style={"margin": "0", "fontSize": "0.9rem"}),
        *body,
    ])


def theme_grid() -> html.Section:
    themes, pairs = themes_with_indicators()
    records = pairs.to_dict("records")
    published = publisher_world_values()
    with_data = len(evidenced(themes, records))
    return html.Section(className="overview-themes", children=[
        html.H2(_("The {count} themes of the WSIS+20 Elements Paper").format(count=formatting.count(len(themes)))),
        html.P(_("{with_data} of {total} themes have at least one open indicator with data; {without} have none yet, "
                 "and say what would measure them. Each indicator opens in Explore; each title opens the theme on the "
                 "About page.").format(with_data=formatting.count(with_data), total=formatting.count(len(themes)),
                                       without=formatting.count(len(themes) - with_data)),
               className="caption", id=Ids.THEME_COUNT),
        html.Div([theme_card(theme, records, published) for theme in themes.to_dict("records")],
                 id=Ids.THEME_GRID, style=GRID),
    ])


def content() -> list:
    """The headline cards (with their sparklines) and the theme grid, as components."""
    cards = with_sparklines([offline_card(), internet_card(), parity_card(), affordability_card()])
    return [html.Section(cards, className="overview-cards", id=Ids.CARDS, style=GRID), theme_grid()]


@data.per_version
def content_html() -> str:
    """`content` rendered as HTML (static_html), once per database version and locale: the page has no view
    state, so every request of one version and language gets the same block (building it cost ~50 ms)."""
    return render(content())


def layout(**_query) -> html.Main:
    """No view state: any query parameter is ignored (a shared link with extras still opens).

    No callback reads or writes the page, so its content is one block of HTML (static_html): ~290 components
    made Dash's renderer the slowest part of the site's first page (first sparkline 0.85 → 0.71 s in
    interleaved runs, 7 of 8 pairs)."""
    try:
        block = HtmlBlock(content_html(), id=Ids.CONTENT)
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    return components.page(
        _("The digital divide at a glance"),
        _("Where the world stands on Internet use, affordability and the gender gap, against the 2025 and 2030 "
          "targets; and which WSIS+20 themes open data can evidence. World values are our population-weighted "
          "aggregates unless a publisher is named."),
        block,
        page_id=Ids.PAGE,
    )


# --- the sparklines (built with the page's layout) ---------------------------------------------------


def _table(frame: pd.DataFrame, labels: dict[str, str], digits: int = 1) -> HtmlBlock:
    """The data-table alternative as one HTML component (see figures_overview.frame_table for why)."""
    return HtmlBlock(fo.frame_table(frame, labels, digits))


def _spark_offline():
    series = world_series("people_offline")
    shown = series[series["year"] >= SPARK_FIRST_YEAR].assign(value=lambda f: f["value"] / 1e9)
    figure = fo.sparkline(shown, label=_("People offline (billions)"), value_format=",.2f")
    summary = fo.trend_sentence(series[series["year"] >= SPARK_FIRST_YEAR], _("The number of people offline"),
                                formatting.people)
    derived, inputs = source_meta(indicator_source("people_offline")), source_meta(indicator_source("internet_use"))
    source = _("Source: {publisher}, population × (100 − Internet use) ÷ 100 from {source}.").format(
        publisher=derived["publisher"], source=source_text(inputs))
    table = _table(shown.assign(population_coverage=100 * shown["population_coverage"])[
        ["year", "value", "population_coverage"]],
        {"year": _("Year"), "value": _("People offline (billions)"),
         "population_coverage": _("Population coverage (%)")},
        digits=2)
    return figure, summary, source, table


def _spark_internet():
    ours = world_series("internet_use")
    ours = ours[ours["year"] >= SPARK_FIRST_YEAR]
    published = published_world_internet()
    published = published[published["year"] >= SPARK_FIRST_YEAR]
    targets = world_targets("internet_use")
    # The line marks the nearest target still ahead of the data; a passed one (WSIS 2015) is listed in the card.
    ahead = targets[targets["deadline_year"] >= ours["year"].max()] if len(ours) else targets
    first = ahead.iloc[0] if len(ahead) else None
    pub_meta = source_meta(published["source_id"].iloc[0]) if len(published) else None
    pub_label = _("{publisher} world").format(publisher=pub_meta["publisher"]) if pub_meta is not None else ""
    figure = fo.sparkline(ours, label=_("Our world aggregate"), reference=published, reference_label=pub_label,
                          target=None if first is None else first["target_value"],
                          target_label="" if first is None else _("{year} target").format(year=first["deadline_year"]))
    summary = fo.trend_sentence(ours, _("World Internet use (our aggregate)"), percent)
    input_id = indicator_source("internet_use")
    ours_source = source_text(source_meta(input_id))
    if pub_meta is None:
        source = _("Source: our aggregate of {source}.").format(source=ours_source)
    elif pub_meta["source_id"] == input_id:
        source = _("Source: our aggregate of {source}; the dashed line is the publisher's own world figure from the "
                   "same release.").format(source=ours_source)
    else:
        source = _("Source: our aggregate of {source}; the dashed line is the publisher's own world figure: "
                   "{publisher_source}.").format(source=ours_source, publisher_source=source_text(pub_meta))
    merged = ours[["year", "value"]].merge(published[["year", "value"]].rename(columns={"value": "published"}),
                                           on="year", how="outer").sort_values("year")
    table = _table(merged, {"year": _("Year"), "value": _("Ours (%)"), "published": f"{pub_label} (%)"})
    return figure, summary, source, table


def _spark_parity():
    parity = itu_world_parity()
    figure = fo.sparkline(parity, label=_("Women ÷ men"), value_format=".3f", target=1.0, target_label=_("parity"))
    summary = fo.trend_sentence(parity, _("ITU's world gender parity score"),
                                lambda value: formatting.number(value, "ratio"))
    source = (_("Source: {source}.").format(source=source_text(source_meta(parity["source_id"].iloc[0])))
              if len(parity) else _("Source: no ITU world series by sex in the database."))
    table = _table(parity[["year", "female", "male", "value"]],
                   {"year": _("Year"), "female": _("Women (%)"), "male": _("Men (%)"), "value": _("Women ÷ men")},
                   digits=3)
    return figure, summary, source, table


def _spark_affordability():
    rows = world_affordability()
    figure = fo.sparkline(rows, label=_("Median, % of GNI p.c."), value_format=".2f",
                          target=AFFORDABILITY_THRESHOLD, target_label=formatting.percent(AFFORDABILITY_THRESHOLD, 0))
    summary = fo.trend_sentence(rows, _("The world median price of 1 GB of mobile data"),
                                lambda value: _("{share} of monthly GNI per capita").format(
                                    share=formatting.percent(value, 2)))
    note = localized.definition_changes_note(localized.definition_changes(common.definition_changes(
        AFFORDABILITY_BASKET)))
    summary += " " + _("{note} The basket grew over time, so later years are a stricter test.").format(
        note=note) if note else ""
    source = _("Source: {source}; medians computed by us.").format(
        source=source_text(source_meta(indicator_source(AFFORDABILITY_BASKET))))
    table = _table(rows.assign(share_meeting=100 * rows["share_meeting"])[
        ["year", "value", "n_economies", "n_meeting", "share_meeting"]],
        {"year": _("Year"), "value": _("Median (% of GNI p.c.)"), "n_economies": _("Economies"),
         "n_meeting": _("At or under 2 %"), "share_meeting": _("Share at or under 2 (%)")}, digits=2)
    return figure, summary, source, table


SPARKS = {"offline": _spark_offline, "internet": _spark_internet, "parity": _spark_parity,
          "afford": _spark_affordability}


# Each sparkline's outputs: (component id, property), in the order draw_sparklines returns their values.
SPARK_PARTS = [(f"{Ids.spark(key)}{part}", prop) for key in SPARKS
               for part, prop in (("", "children"), ("-summary", "children"), ("-source", "children"),
                                  ("-table", "children"))]


def draw_sparklines() -> list:
    """Every card's sparkline, its one-sentence summary, source line and data table (SPARK_PARTS' order)."""
    return [item for build in SPARKS.values() for item in build()]


def with_sparklines(cards: list[html.Article]) -> list[html.Article]:
    """The cards with their sparklines drawn in: built with the page (the figures are small and cached)
    rather than by a callback after it, which cost the browser a round trip before the first chart."""
    components.fill(cards, dict(zip(SPARK_PARTS, draw_sparklines(), strict=True)))
    return cards

"""Country profile: every indicator of one economy beside its World Bank region and income group,
with the latest year and source of each value, its gaps by sex and area, and its target status.

`/country` lists the economies; `/country/NOR` is Norway's profile (path_template `/country/<iso3>`);
an unknown or malformed code gives a notice and the list. The profile is a pure function of the URL:
the layout builds the tables (as escaped HTML, one block per table: ~80 rows of Dash components would
be slow) and the four headline charts, so the page opens without a callback (components.fill).
print.css lays it out for paper.
"""

from __future__ import annotations

from html import escape
from typing import Final
from urllib.parse import unquote

import dash
import pandas as pd
from dash import Input, Output, callback, clientside_callback, dcc, html

from dashboard import components, data
from dashboard import figures_country as figures
from dashboard.callbacks import checked, text
from dashboard.chart_style import definition_changes_note
from dashboard.html_block import HtmlBlock
from dashboard.queries import common
from dashboard.queries.country import (  # the page's queries
    ISO3,
    economy_groups,
    economy_row,
    headline_series,
    indicator_meta,
    profile,
    targets,
    themes,
)
from dashboard.staged import StagedDropdown


# Headline series drawn as trends, with the reference line some carry (the 2 % affordability threshold).
class Ids:
    """The page's component ids, named once for the layout, the callbacks and the tests. Keep the strings:
    the CSS (print.css too), the browser tests and the benchmarks select elements by them."""

    PAGE: Final = "country"  # components.page derives country-main and country-notices from it
    MAIN: Final = "country-main"
    NOTICES: Final = "country-notices"
    CHOOSE: Final = "country-choose"
    PRINT: Final = "country-print"  # a profile's only
    NAV: Final = "country-nav"
    DIRECTORY: Final = "country-directory"  # the page without an economy
    # A profile's sections; each headline chart (trend) also names its -summary, -source and -table parts.
    TARGETS: Final = "country-targets"
    GAPS: Final = "country-gaps"
    THEMES: Final = "country-themes"

    @staticmethod
    def trend(indicator_id: str) -> str:
        return f"country-trend-{indicator_id}"

    @staticmethod
    def theme(theme_id: str) -> str:
        return f"country-theme-{theme_id}"


HEADLINES = [
    ("internet_use", None),
    ("mobile_broadband_per_100", None),
    ("fixed_broadband_per_100", None),
    ("mobile_data_basket_gni", 2.0),
]
# Gaps derived in the ETL (etl/measures/derive.sql): shown in their own section.
GAP_INDICATORS = ["internet_gender_parity", "internet_gender_gap", "internet_rural_urban_ratio",
                  "internet_urban_rural_gap"]
NO_THEME = ("context", "Context (no WSIS+20 theme)")


def _title(iso3: str | None = None, **_ignored) -> str:
    """The browser tab names the economy (called by Dash's router with the path variables)."""
    try:
        economy = economy_row(iso3.upper()) if iso3 else None
    except data.DatabaseMissingError:
        economy = None
    name = f"{economy['name']} · " if economy is not None else ""
    return f"{name}Country profiles · Digital divide indicators"


dash.register_page(__name__, path="/country", path_template="/country/<iso3>", name="Countries", title=_title)


# --- the profile as a table: one row per indicator, used by the layout and by the tests ---------------


# --- layout ------------------------------------------------------------------------------------------


def _release(vintage) -> str:
    return f"release of {pd.Timestamp(vintage).date().isoformat()}" if pd.notna(vintage) else "undated release"


def _with_year(text: str, year, reference_year) -> str:
    """Say the year of a value whenever it is not the year it is compared with."""
    if pd.isna(year) or text == "no data":
        return text
    return text if int(year) == int(reference_year) else f"{text} ({int(year)})"


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _html_table(css_class: str, head: list[str], rows: list[tuple[dict, list[tuple[str, str]]]],
                label: str) -> HtmlBlock:
    """A table as one block of escaped HTML (as components.data_table does): a profile has ~80 rows, and a
    Dash component per cell costs far more to build, send and render. `rows` are (attributes, cells), each
    cell a (class, text) pair; the first cell is the row's heading. `label` names its scrolling box."""
    def tr(attributes: dict, cells: list[tuple[str, str]]) -> str:
        attrs = "".join(f' {name}="{escape(str(value))}"' for name, value in attributes.items())
        (_, head_text), *rest = cells
        body = "".join(f'<td class="{css}">{escape(text)}</td>' if css else f"<td>{escape(text)}</td>"
                       for css, text in rest)
        return f'<tr{attrs}><th scope="row">{escape(head_text)}</th>{body}</tr>'

    header = "".join(f'<th scope="col">{escape(text)}</th>' for text in head)
    body = "".join(tr(attributes, cells) for attributes, cells in rows)
    return HtmlBlock(components.scroll_box(f'<table class="data-table {css_class}"><thead><tr>{header}</tr></thead>'
                                           f"<tbody>{body}</tbody></table>", label))


def _group_cell(row: dict, key: str) -> tuple[str, str]:
    value = row.get(f"{key}_value")
    if _missing(value):
        return "no-data", "no data"
    text = _with_year(figures.format_number(value, row["unit"]), row[f"{key}_year"], row["year"])
    coverage = row[f"{key}_coverage"]
    return "", text if _missing(coverage) else f"{text} ({coverage * 100:.0f} %)"


def _pair_cell(row: dict, first: str, second: str, kind: str) -> tuple[str, str]:
    if _missing(row.get(first)) or _missing(row.get(second)):
        return "no-data", "—"
    unit = row["unit"]
    return "", (f"{figures.format_number(row[first], unit)} · {figures.format_number(row[second], unit)} "
                f"({int(row[f'{kind}_year'])})")


def _indicator_cells(row: dict) -> list[tuple[str, str]]:
    return [
        ("", f"{row['name']} ({row['unit']})"),
        ("year", str(int(row["year"]))),
        ("economy-value", figures.format_number(row["value"], row["unit"])),
        _group_cell(row, "region"),
        _group_cell(row, "income"),
        _pair_cell(row, "female", "male", "sex"),
        _pair_cell(row, "rural", "urban", "area"),
        ("source-cell", f"{row['publisher']}, {_release(row['vintage'])}; {row['license']}"),
    ]


def _indicator_table(rows: list[dict], labels: dict[str, str], theme: str) -> HtmlBlock:
    head = ["Indicator (unit)", "Year", labels["economy"], f"{labels['region']} (population coverage)",
            f"{labels['income']} (population coverage)", "Women · men", "Rural · urban", "Source, release; licence"]
    return _html_table("profile-table", head, [({"data-indicator": row["indicator_id"]}, _indicator_cells(row))
                                               for row in rows], f"Indicators: {theme}")


def _theme_sections(rows: list[dict], labels: dict[str, str], economy_name: str) -> list:
    """One section per theme: the indicators whose main theme it is, and the others that also evidence it."""
    listing, links = themes()
    records = {row["indicator_id"]: row for row in rows}
    main: dict[str, list[dict]] = {}
    also: dict[str, list[str]] = {}
    themed = set()
    for indicator_id, theme_id, _rank in links.itertuples(index=False):  # main theme first
        if indicator_id not in records:
            continue
        if indicator_id in themed:
            also.setdefault(theme_id, []).append(records[indicator_id]["name"])
        else:
            themed.add(indicator_id)
            main.setdefault(theme_id, []).append(records[indicator_id])
    unthemed = [row for indicator_id, row in records.items() if indicator_id not in themed]
    blocks = [(theme.theme_id, theme.title, f"¶{theme.first_paragraph}"
               + (f"–{theme.last_paragraph}" if theme.last_paragraph != theme.first_paragraph else ""))
              for theme in listing.itertuples()]
    if unthemed:
        main[NO_THEME[0]] = unthemed
        blocks.append((*NO_THEME, ""))
    sections = []
    for theme_id, title, paragraphs in blocks:
        content = [html.H3(f"{title} {paragraphs}".strip())]
        mine = sorted(main.get(theme_id, []), key=lambda row: row["name"])
        if mine:
            content.append(_indicator_table(mine, labels, title))
        others = sorted(also.get(theme_id, []))
        if others:
            content.append(html.P(f"Also evidenced by (listed under their main theme): {'; '.join(others)}.",
                                  className="caption"))
        if not mine and not others:
            content.append(html.P(f"No open indicator with data for {economy_name} evidences this theme.",
                                  className="no-data"))
        sections.append(html.Section(className="theme-block", id=Ids.theme(theme_id), children=content))
    return sections


def _gap_section(rows: list[dict], labels: dict[str, str], economy_name: str) -> html.Section:
    gaps = sorted((row for row in rows if row["indicator_id"] in GAP_INDICATORS),
                  key=lambda row: GAP_INDICATORS.index(row["indicator_id"]))
    if not gaps:
        content = [html.P(f"No Internet use by sex or by area for {economy_name}: the gender parity score and the "
                          "urban–rural ratio cannot be computed.", className="no-data")]
    else:
        items = []
        for row in gaps:
            reading = ""
            if row["indicator_id"] == "internet_gender_parity":
                reading = figures.parity_reading(row["value"])
            elif row["indicator_id"] == "internet_rural_urban_ratio":
                reading = figures.rural_urban_reading(row["value"])
            groups = "; ".join(
                f"{labels[key]} "
                + _with_year(figures.format_number(row[f"{key}_value"], row["unit"]), row[f"{key}_year"], row["year"])
                for key in ("region", "income") if key in labels and not _missing(row.get(f"{key}_value")))
            items.append(html.Li(**{"data-indicator": row["indicator_id"]}, children=[
                html.Strong(row["name"]), f": {figures.format_value(row['value'], row['unit'])} in {int(row['year'])}",
                f" ({reading})" if reading else "", f". {groups}." if groups else ".",
            ]))
        content = [html.Ul(items, className="gap-list"),
                   html.P("Parity score = women's rate ÷ men's rate; ITU reads 0.98–1.02 as parity. Group values are "
                          "ratios of group aggregates, not means of country ratios. Source: this project's derived "
                          "measures (docs/methodology.md).", className="caption")]
    return html.Section(className="chart gaps", id=Ids.GAPS, children=[html.H2("Gaps in Internet use"),
                                                                              *content])


def _goal_text(row: dict) -> str:
    unit = row["unit"] if isinstance(row["unit"], str) else ""
    if row["comparator"] == "between":
        band = 0 if _missing(row["band"]) else row["band"]
        return f"{row['goal'] - band:g}–{row['goal'] + band:g} by {row['deadline_year']}"
    symbol = {">=": "≥", "<=": "≤"}.get(row["comparator"], row["comparator"])
    goal = f"{row['goal']:g} %" if unit.startswith("%") else f"{row['goal']:g} {unit}".strip()
    return f"{symbol} {goal} by {row['deadline_year']}"


def _target_section(iso3: str, economy_name: str) -> html.Section:
    rows = targets(iso3)
    if rows.empty:
        content = html.P(f"No target progress is computed for {economy_name}.", className="no-data")
    else:
        body = []
        for row in rows.to_dict("records"):
            unit = row["unit"] if isinstance(row["unit"], str) else ""
            latest = (f"{figures.format_value(row['latest_value'], unit)} ({int(row['latest_year'])})"
                      if not _missing(row["latest_value"]) else "no data")
            projected = ("—" if _missing(row["projected_year"]) or row["deadline_passed"] is True
                         else str(int(row["projected_year"])))
            shown = row["status_text"] if isinstance(row["status_text"], str) else row["status"]
            body.append(({"data-target": row["target_id"]}, [
                ("", f"{row['label']} — {row['framework']}"), ("", _goal_text(row)), ("", latest),
                (f"status status-{row['status'].replace(' ', '-')}", shown), ("", projected),
            ]))
        content = _html_table("targets-table", ["Target", "Goal", "Latest", "Status", "Reached at current pace"],
                              body, f"Targets: {economy_name}")
    return html.Section(className="chart", id=Ids.TARGETS, children=[
        html.H2("Targets"),
        html.P(f"Global targets, and those set for groups {economy_name} belongs to, applied to its own series: "
               "a passed deadline is met or not met on the deadline year's value; otherwise on track when the pace "
               "observed since the base year reaches the target by the deadline (About, status rules).",
               className="caption"),
        content,
    ])


def _wide(rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Year × line table of a headline chart (its data-table alternative)."""
    keys = [key for key in ("economy", "region", "income") if key in labels]
    table: dict[int, dict] = {}
    for line, (years, values) in figures.split_lines(rows).items():
        for year, value in zip(years, values, strict=True):
            table.setdefault(year, {})[line] = value
    return pd.DataFrame([[year, *(values.get(key) for key in keys)] for year, values in sorted(table.items())],
                        columns=["Year", *(labels[key] for key in keys)])


def _source_line(info: dict) -> str:
    return (f"Source: {info['attribution']} ({info['source_code']}), {_release(info['vintage'])}. "
            f"Licence: {info['license']}. Group lines: this project's aggregates (population-weighted means; "
            "medians for prices).")


def headline_outputs(economy: pd.Series) -> list:
    """Figure, summary, source line and data table of each headline chart, in HEADLINES order."""
    iso3 = economy["iso3"]
    groups = economy_groups(iso3)
    labels = {"economy": economy["name"], **{key: group["name"] for key, group in groups.items()}}
    series = headline_series(iso3, {key: group["group_id"] for key, group in groups.items()},
                             [indicator for indicator, _ in HEADLINES])
    meta = indicator_meta().set_index("indicator_id").to_dict("index")
    by_indicator = dict(tuple(series.groupby("indicator_id")))
    empty = series.iloc[0:0]
    outputs = []
    for indicator_id, threshold in HEADLINES:
        if indicator_id not in meta:
            outputs += [{}, f"{indicator_id} is not in this database.", "", html.P("No data.")]
            continue
        info = meta[indicator_id]
        rows = by_indicator.get(indicator_id, empty)
        changes = common.definition_changes(indicator_id)
        note = definition_changes_note(changes)
        outputs += [
            figures.headline_trend(rows, labels, info["name"], info["unit"], threshold=threshold,
                                   threshold_label="2 % of monthly GNI per capita" if threshold else "",
                                   changes=changes),
            figures.headline_summary(rows, labels, info["name"], info["unit"]),
            _source_line(info) + (f" {note}" if note else ""),
            components.data_table(_wide(rows, labels), digits=2),
        ]
    return outputs


def _headline_charts(economy: pd.Series) -> html.Section:
    """Four small charts, two a row (one on a phone), drawn with the page (components.fill)."""
    charts = html.Section(className="country-trends chart-pair", children=[
        components.chart(Ids.trend(indicator_id)) for indicator_id, _ in HEADLINES
    ])
    parts = [part for indicator_id, _ in HEADLINES for part in components.chart_parts(Ids.trend(indicator_id))]
    return components.fill(charts, dict(zip(parts, headline_outputs(economy), strict=True)))


def _picker(value: str | None, options: list[dict]) -> html.Div:
    return html.Div(className="controls country-controls", children=[
        html.Div(className="control", children=[
            html.Label("Economy", htmlFor=Ids.CHOOSE),
            StagedDropdown(id=Ids.CHOOSE, options=options, value=value, clearable=False,
                         placeholder="Type an economy's name or code…"),
        ]),
        html.Button("Print this profile", id=Ids.PRINT, className="button print-button", n_clicks=0)
        if value else None,
        dcc.Location(id=Ids.NAV, refresh="callback-nav"),
    ])


def _directory(economies: pd.DataFrame) -> html.Section:
    """Every economy, by World Bank region: plain links that work without the picker."""
    blocks = []
    for region, rows in economies.groupby(economies["wb_region"].fillna("No World Bank region"), sort=True):
        blocks.append(html.Div(className="directory-region", children=[
            html.H3(region),
            html.Ul([html.Li(dcc.Link(row.name, href=dash.get_relative_path(f"/country/{row.iso3}")))
                     for row in rows.sort_values("name").itertuples()], style={"columns": "15rem"}),
        ]))
    return html.Section(className=Ids.DIRECTORY, id=Ids.DIRECTORY,
                        children=[html.H2("All economies"), *blocks])


def layout(iso3: str | None = None, **_query) -> html.Main:
    try:
        economies = common.countries()
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    options = [{"label": f"{row.name} ({row.iso3})", "value": row.iso3} for row in economies.itertuples()]
    code = (iso3 or "").strip().upper()
    economy = economy_row(code) if code else None
    if economy is None:
        # Shown as text only (Dash escapes it); decoded so that /country/%3Cb%3E reads as typed.
        notices = [f"No economy with the code “{unquote(iso3)[:40]}”: choose one below."] if iso3 else []
        return components.page(
            "Country profiles",
            "Every indicator of one economy beside its World Bank region and income group, with the year and "
            "source of each value, its gaps and its progress to the targets. Choose an economy.",
            _picker(None, options), _directory(economies),
            notices=notices, page_id=Ids.PAGE,
        )
    return _profile_page(economy, options)


def _profile_page(economy: pd.Series, options: list[dict]) -> html.Main:
    iso3, name = economy["iso3"], economy["name"]
    groups = economy_groups(iso3)
    labels = {"economy": name}
    labels.update({key: group["name"] for key, group in groups.items()})
    rows = profile(iso3).to_dict("records")
    table_labels = {"economy": name, "region": labels.get("region", "Region"),
                    "income": labels.get("income", "Income group")}
    facts = [f"World Bank region: {labels.get('region', 'none')}",
             f"income group: {labels.get('income', 'unclassified')}"
             + (f" (FY{int(economy['income_group_fy'])})" if pd.notna(economy.get("income_group_fy")) else "")]
    if pd.notna(economy.get("m49_subregion")):
        facts.append(f"UN M49: {economy['m49_subregion']}")
    facts += [label for flag, label in (("is_ldc", "least developed country"), ("is_lldc", "landlocked developing"),
                                        ("is_sids", "small island developing state"))
              if pd.notna(economy.get(flag)) and bool(economy.get(flag))]
    missing_groups = [f"{name} belongs to no World Bank {what}: that column says no data."
                      for key, what in (("region", "region"), ("income", "income group")) if key not in groups]
    return components.page(
        f"{name} ({iso3})",
        f"{'; '.join(facts)}. {len(rows)} indicators have data for {name}. Each value is the latest reported; "
        "group values are for the same year, or the nearest year with one (shown in brackets), with the share of "
        "the group's population they cover.",
        _picker(iso3, options),
        html.H2("Headline trends"),
        _headline_charts(economy),
        _target_section(iso3, name),
        _gap_section(rows, labels, name),
        html.Section(id=Ids.THEMES, children=[
            html.H2("Indicators by WSIS+20 theme"),
            html.P("Themes follow the sections of the WSIS+20 Elements Paper (¶ = its paragraphs). An indicator is "
                   "listed under its main theme and named under the others it evidences. “Women · men” and "
                   "“Rural · urban” are the latest year with both.",
                   className="caption"),
            *_theme_sections(rows, table_labels, name),
        ]),
        # On paper the profile is a two-page brief (print.css): the tables by theme give way to this line.
        html.P([f"This printed brief shows {name}'s headline trends, targets and gaps; all {len(rows)} indicators, "
                f"by WSIS+20 theme, are in its online profile: ", html.Span(className="page-address")],
               className="print-only caption"),
        html.P(html.A("All economies", href=dash.get_relative_path("/country")), className="back-link"),
        notices=missing_groups, page_id=Ids.PAGE,
    )


@callback(Output(Ids.NAV, "href"), Input(Ids.CHOOSE, "value"), prevent_initial_call=True)
@checked(text())
def go_to_profile(iso3: str | None) -> str:
    """Picking an economy opens its profile (client-side navigation, no reload)."""
    if not iso3 or not ISO3.fullmatch(iso3):
        return dash.no_update
    return dash.get_relative_path(f"/country/{iso3}")


clientside_callback(
    "function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }",
    Output(Ids.PRINT, "id"),
    Input(Ids.PRINT, "n_clicks"),
    prevent_initial_call=True,
)

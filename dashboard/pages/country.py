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

from dashboard import components, data, formatting, localized
from dashboard import figures_country as figures
from dashboard.callbacks import checked, text
from dashboard.figures_overview import TABLE_ROWS, esc, html_table
from dashboard.html_block import HtmlBlock
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries.country import (  # the page's queries
    ISO3,
    economy_groups,
    economy_row,
    headline_lines,
    headline_series,  # noqa: F401  (the frame forms, read by the tests through the page)
    indicator_info,
    profile,  # noqa: F401
    profile_records,
    target_records,
    targets,  # noqa: F401
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
FLAGS = (("is_ldc", N_("least developed country")), ("is_lldc", N_("landlocked developing")),
         ("is_sids", N_("small island developing state")))
MISSING_GROUPS = (("region", N_("{economy} belongs to no World Bank region: that column says no data.")),
                  ("income", N_("{economy} belongs to no World Bank income group: that column says no data.")))
NO_THEME = ("context", N_("Context (no WSIS+20 theme)"))


def _title(iso3: str | None = None, **_ignored) -> str:
    """The browser tab names the economy (called by Dash's router with the path variables)."""
    try:
        economy = economy_row(iso3.upper()) if iso3 else None
    except data.DatabaseMissingError:
        economy = None
    if economy is None:
        return _("Country profiles · Digital divide indicators")
    return _("{economy} · Country profiles · Digital divide indicators").format(
        economy=localized.country_name(economy["iso3"], economy["name"]))


dash.register_page(__name__, path="/country", path_template="/country/<iso3>", name="Countries", title=_title)


# --- the profile as a table: one row per indicator, used by the layout and by the tests ---------------


# --- layout ------------------------------------------------------------------------------------------


def _release(vintage) -> str:
    if pd.isna(vintage):
        return _("undated release")
    return _("release of {date}").format(date=formatting.date(vintage))


def _with_year(text: str, year, reference_year) -> str:
    """Say the year of a value whenever it is not the year it is compared with."""
    if pd.isna(year) or text == _("no data"):
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
        return "no-data", _("no data")
    # _with_year inlined (a value is never "no data" here): ~200 cells a profile.
    text, year = figures.format_number(value, row["unit"]), row[f"{key}_year"]
    if not _missing(year) and int(year) != int(row["year"]):
        text = f"{text} ({int(year)})"
    coverage = row[f"{key}_coverage"]
    return "", text if _missing(coverage) else f"{text} ({formatting.percent(coverage * 100, 0)})"


def _pair_cell(row: dict, first: str, second: str, kind: str) -> tuple[str, str]:
    if _missing(row.get(first)) or _missing(row.get(second)):
        return "no-data", "—"
    unit = row["unit"]
    return "", (f"{figures.format_number(row[first], unit)} · {figures.format_number(row[second], unit)} "
                f"({int(row[f'{kind}_year'])})")


def _indicator_label(indicator_id: str, name: str, unit: str) -> str:
    return f"{localized.indicator_name(indicator_id, name)} ({localized.unit_label(unit)})"


@data.per_version
def _indicator_labels() -> dict[tuple[str, str, str], str]:
    """{(indicator_id, name, unit): its first cell} of every indicator, in the request's language."""
    return {(indicator_id, info["name"], info["unit"]): _indicator_label(indicator_id, info["name"], info["unit"])
            for indicator_id, info in indicator_info().items()}


def _indicator_cells(row: dict, names: dict | None = None, sources: dict | None = None) -> list[tuple[str, str]]:
    """A profile row's cells; `names` (`_indicator_labels`) and `sources` (a request's memo of the source cells:
    an economy's ~100 values come from ~10 releases) spare rebuilding the same texts row after row."""
    key = (row["indicator_id"], row["name"], row["unit"])
    label = names.get(key) if names is not None else None
    source_key = (row["publisher"], row["vintage"], row["license"])
    source = sources.get(source_key) if sources is not None else None
    if source is None:
        source = f"{row['publisher']}, {_release(row['vintage'])}; {row['license']}"
        if sources is not None:
            sources[source_key] = source
    return [
        ("", label if label is not None else _indicator_label(*key)),
        ("year", str(int(row["year"]))),
        ("economy-value", figures.format_number(row["value"], row["unit"])),
        _group_cell(row, "region"),
        _group_cell(row, "income"),
        _pair_cell(row, "female", "male", "sex"),
        _pair_cell(row, "rural", "urban", "area"),
        ("source-cell", source),
    ]


def _indicator_table(rows: list[dict], labels: dict[str, str], theme: str, names: dict | None = None,
                     sources: dict | None = None) -> HtmlBlock:
    head = [_("Indicator (unit)"), _("Year"), labels["economy"],
            _("{group} (population coverage)").format(group=labels["region"]),
            _("{group} (population coverage)").format(group=labels["income"]), _("Women · men"), _("Rural · urban"),
            _("Source, release; licence")]
    return _html_table("profile-table", head, [({"data-indicator": row["indicator_id"]},
                                                _indicator_cells(row, names, sources))
                                               for row in rows], _("Indicators: {theme}").format(theme=theme))


@data.per_version
def _theme_index() -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The theme blocks (theme_id, title in the request's language, its paragraphs "¶12–15") in paragraph order,
    and the (indicator_id, theme_id) links, each indicator's main theme first."""
    listing, links = themes()
    blocks = [(theme.theme_id, localized.theme_text(theme.theme_id, "title", theme.title), f"¶{theme.first_paragraph}"
               + (f"–{theme.last_paragraph}" if theme.last_paragraph != theme.first_paragraph else ""))
              for theme in listing.itertuples()]
    return blocks, list(zip(links["indicator_id"].tolist(), links["theme_id"].tolist(), strict=True))


def _theme_sections(rows: list[dict], labels: dict[str, str], economy_name: str) -> list:
    """One section per theme: the indicators whose main theme it is, and the others that also evidence it."""
    theme_blocks, links = _theme_index()
    records = {row["indicator_id"]: row for row in rows}
    main: dict[str, list[dict]] = {}
    also: dict[str, list[str]] = {}
    themed = set()
    for indicator_id, theme_id in links:  # main theme first
        if indicator_id not in records:
            continue
        if indicator_id in themed:
            also.setdefault(theme_id, []).append(localized.indicator_name(indicator_id,
                                                                          records[indicator_id]["name"]))
        else:
            themed.add(indicator_id)
            main.setdefault(theme_id, []).append(records[indicator_id])
    unthemed = [row for indicator_id, row in records.items() if indicator_id not in themed]
    blocks = list(theme_blocks)
    if unthemed:
        main[NO_THEME[0]] = unthemed
        blocks.append((NO_THEME[0], _(NO_THEME[1]), ""))
    sections = []
    names, sources = _indicator_labels(), {}
    for theme_id, title, paragraphs in blocks:
        content = [html.H3(f"{title} {paragraphs}".strip())]
        mine = sorted(main.get(theme_id, []),
                      key=lambda row: localized.indicator_name(row["indicator_id"], row["name"]))
        if mine:
            content.append(_indicator_table(mine, labels, title, names, sources))
        others = sorted(also.get(theme_id, []))
        if others:
            content.append(html.P(_("Also evidenced by (listed under their main theme): {indicators}.").format(
                indicators="; ".join(others)), className="caption"))
        if not mine and not others:
            content.append(html.P(_("No open indicator with data for {economy} evidences this theme.").format(
                economy=economy_name), className="no-data"))
        sections.append(html.Section(className="theme-block", id=Ids.theme(theme_id), children=content))
    return sections


def _gap_section(rows: list[dict], labels: dict[str, str], economy_name: str) -> html.Section:
    gaps = sorted((row for row in rows if row["indicator_id"] in GAP_INDICATORS),
                  key=lambda row: GAP_INDICATORS.index(row["indicator_id"]))
    if not gaps:
        content = [html.P(_("No Internet use by sex or by area for {economy}: the gender parity score and the "
                            "urban–rural ratio cannot be computed.").format(economy=economy_name), className="no-data")]
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
                html.Strong(localized.indicator_name(row["indicator_id"], row["name"])),
                _(": {value} in {year}").format(value=figures.format_value(row["value"], row["unit"]),
                                                year=int(row["year"])),
                f" ({reading})" if reading else "", f". {groups}." if groups else ".",
            ]))
        content = [html.Ul(items, className="gap-list"),
                   html.P(_("Parity score = women's rate ÷ men's rate; ITU reads 0.98–1.02 as parity. Group values are "
                            "ratios of group aggregates, not means of country ratios. Source: this project's derived "
                            "measures (docs/methodology.md)."), className="caption")]
    return html.Section(className="chart gaps", id=Ids.GAPS, children=[html.H2(_("Gaps in Internet use")),
                                                                              *content])


def _goal_text(row: dict) -> str:
    unit = row["unit"] if isinstance(row["unit"], str) else ""
    if row["comparator"] == "between":
        band = 0 if _missing(row["band"]) else row["band"]
        return _("{goal} by {year}").format(goal=f"{formatting.plain(row['goal'] - band)}–"
                                                 f"{formatting.plain(row['goal'] + band)}", year=row["deadline_year"])
    symbol = {">=": "≥", "<=": "≤"}.get(row["comparator"], row["comparator"])
    goal = (formatting.percent(row["goal"], 0 if float(row["goal"]).is_integer() else 1) if unit.startswith("%")
            else f"{formatting.plain(row['goal'])} {localized.short_unit(unit)}".strip())
    return _("{goal} by {year}").format(goal=f"{symbol} {goal}", year=row["deadline_year"])


def _target_section(iso3: str, economy_name: str) -> html.Section:
    rows = target_records(iso3)
    if not rows:
        content = html.P(_("No target progress is computed for {economy}.").format(economy=economy_name),
                         className="no-data")
    else:
        body = []
        for row in rows:
            unit = row["unit"] if isinstance(row["unit"], str) else ""
            latest = (f"{figures.format_value(row['latest_value'], unit)} ({int(row['latest_year'])})"
                      if not _missing(row["latest_value"]) else _("no data"))
            projected = ("—" if _missing(row["projected_year"]) or row["deadline_passed"] is True
                         else str(int(row["projected_year"])))
            shown = localized.badge(row["status"], row["status_text"], row.get("status_value"),
                                    row.get("status_year"), unit)
            body.append(({"data-target": row["target_id"]}, [
                ("", f"{localized.target_text(row['target_id'], 'label', row['label'])} — "
                     f"{localized.target_text(row['target_id'], 'framework', row['framework'])}"),
                ("", _goal_text(row)), ("", latest),
                (f"status status-{row['status'].replace(' ', '-')}", shown), ("", projected),
            ]))
        content = _html_table("targets-table", [_("Target"), _("Goal"), _("Latest"), _("Status"),
                                                _("Reached at current pace")],
                              body, _("Targets: {economy}").format(economy=economy_name))
    return html.Section(className="chart", id=Ids.TARGETS, children=[
        html.H2(_("Targets")),
        html.P(_("Global targets, and those set for groups {economy} belongs to, applied to its own series: "
                 "a passed deadline is met or not met on the deadline year's value; otherwise on track when the pace "
                 "observed since the base year reaches the target by the deadline (About, status rules).").format(
                     economy=economy_name),
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
                        columns=[_("Year"), *(labels[key] for key in keys)])


def _source_line(info: dict) -> str:
    return _("Source: {attribution} ({code}), {release}. Licence: {licence}. Group lines: this project's "
             "aggregates (population-weighted means; medians for prices).").format(
        attribution=info["attribution"], code=info["source_code"], release=_release(info["vintage"]),
        licence=info["license"])


def _wide_table(points: dict[str, tuple[list[int], list[float]]], labels: dict[str, str]) -> HtmlBlock:
    """`components.data_table(_wide(rows, labels), digits=2)` from lines already split, without the frame: the
    same HTML (a test holds them equal), built from Python lists."""
    keys = [key for key in ("economy", "region", "income") if key in labels]
    table: dict[int, dict] = {}
    for line, (years, values) in points.items():
        for year, value in zip(years, values, strict=True):
            table.setdefault(year, {})[line] = value
    if not table or len(table) > TABLE_ROWS:  # frame_table's own notice and its cut: as it writes them
        return components.data_table(_wide_frame(table, keys, labels), digits=2)

    def cell(value) -> str:
        return "" if value is None or value != value else formatting.fixed(value, 2)

    rows = [[esc(year), *(cell(values.get(key)) for key in keys)] for year, values in sorted(table.items())]
    return HtmlBlock(html_table([_("Year"), *(labels[key] for key in keys)], rows))


def _wide_frame(table: dict[int, dict], keys: list[str], labels: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([[year, *(values.get(key) for key in keys)] for year, values in sorted(table.items())],
                        columns=[_("Year"), *(labels[key] for key in keys)])


@data.per_version
def _headline_texts() -> dict[str, tuple[dict, str, tuple[tuple[int, str], ...], str]]:
    """{indicator_id: (its indicator_info, name, definition changes, source line)} of each headline indicator in
    the database, in the request's language."""
    meta = indicator_info()
    texts = {}
    for indicator_id, _threshold in HEADLINES:
        if indicator_id not in meta:
            continue
        info = meta[indicator_id]
        changes = localized.definition_changes(common.definition_changes(indicator_id))
        note = localized.definition_changes_note(changes)
        texts[indicator_id] = (info, localized.indicator_name(indicator_id, info["name"]), changes,
                               _source_line(info) + (f" {note}" if note else ""))
    return texts


def headline_outputs(economy: pd.Series) -> list:
    """Figure, summary, source line and data table of each headline chart, in HEADLINES order."""
    iso3 = economy["iso3"]
    groups = economy_groups(iso3)
    labels = {"economy": localized.country_name(iso3, economy["name"]),
              **{key: localized.group_name(group["name"]) for key, group in groups.items()}}
    series = headline_lines(iso3, {key: group["group_id"] for key, group in groups.items()},
                            tuple(indicator for indicator, _ in HEADLINES))
    texts = _headline_texts()
    outputs = []
    for indicator_id, threshold in HEADLINES:
        if indicator_id not in texts:
            outputs += [{}, _("{indicator} is not in this database.").format(indicator=indicator_id), "",
                        html.P(_("No data."))]
            continue
        info, name, changes, source = texts[indicator_id]
        lines = series[indicator_id]
        # Copies: the figure must not hold the per-version lists themselves.
        points = {line: (list(years), list(values)) for line, (years, values, _flags) in lines.items()}
        notes = {line: [formatting.flag_note(flag) if flag is not None else "" for flag in flags]
                 for line, (_years, _values, flags) in lines.items()}
        outputs += [
            figures.trend_figure(points, notes, labels, name, info["unit"], threshold=threshold,
                                 threshold_label=_("2 % of monthly GNI per capita") if threshold else "",
                                 changes=changes),
            figures.summary_text(points, labels, name, info["unit"]),
            source,
            _wide_table(points, labels),
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
            html.Label(_("Economy"), htmlFor=Ids.CHOOSE),
            StagedDropdown(id=Ids.CHOOSE, options=options, value=value, clearable=False,
                         placeholder=_("Type an economy's name or code…")),
        ]),
        html.Button(_("Print this profile"), id=Ids.PRINT, className="button print-button", n_clicks=0)
        if value else None,
        dcc.Location(id=Ids.NAV, refresh="callback-nav"),
    ])


def _directory(economies: pd.DataFrame) -> html.Section:
    """Every economy, by World Bank region: plain links that work without the picker."""
    blocks = []
    regions = economies["wb_region"].map(localized.group_name).fillna(_("No World Bank region"))
    for region, rows in economies.groupby(regions, sort=True):
        blocks.append(html.Div(className="directory-region", children=[
            html.H3(region),
            html.Ul([html.Li(dcc.Link(row.name, href=dash.get_relative_path(f"/country/{row.iso3}")))
                     for row in rows.sort_values("name").itertuples()], style={"columns": "15rem"}),
        ]))
    return html.Section(className=Ids.DIRECTORY, id=Ids.DIRECTORY,
                        children=[html.H2(_("All economies")), *blocks])


def layout(iso3: str | None = None, **_query) -> html.Main:
    code = (iso3 or "").strip().upper()
    try:
        economy = economy_row(code) if code else None
        options = _economy_options()
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    if economy is not None:  # the directory's frame is not needed
        return _profile_page(economy, options)
    try:
        economies = common.countries()  # the query cache's frame: named anew in a copy, never changed in place
        economies = economies.assign(name=[localized.country_name(iso3, name) for iso3, name in
                                           zip(economies["iso3"], economies["name"], strict=True)])
    except data.DatabaseMissingError as exc:
        return components.missing_database(str(exc))
    # Shown as text only (Dash escapes it); decoded so that /country/%3Cb%3E reads as typed.
    notices = ([_("No economy with the code “{code}”: choose one below.").format(code=unquote(iso3)[:40])]
               if iso3 else [])
    return components.page(
        _("Country profiles"),
        _("Every indicator of one economy beside its World Bank region and income group, with the year and "
          "source of each value, its gaps and its progress to the targets. Choose an economy."),
        _picker(None, options), _directory(economies),
        notices=notices, page_id=Ids.PAGE,
    )


@data.per_version
def _economy_options() -> list[dict]:
    """The picker's options, economies named in the request's language (as `layout` names them)."""
    economies = common.countries()
    return [{"label": f"{localized.country_name(code, name)} ({code})", "value": code}
            for code, name in zip(economies["iso3"].tolist(), economies["name"].tolist(), strict=True)]


def _profile_page(economy: pd.Series, options: list[dict]) -> html.Main:
    iso3 = economy["iso3"]
    name = localized.country_name(iso3, economy["name"])
    groups = economy_groups(iso3)
    labels = {"economy": name}
    labels.update({key: localized.group_name(group["name"]) for key, group in groups.items()})
    rows = profile_records(iso3)
    table_labels = {"economy": name, "region": labels.get("region", _("Region")),
                    "income": labels.get("income", _("Income group"))}
    facts = [_("World Bank region: {region}").format(region=labels.get("region", _("none"))),
             _("income group: {group}").format(group=labels.get("income", _("unclassified")))
             + (" " + _("(FY{year})").format(year=int(economy["income_group_fy"]))
                if pd.notna(economy.get("income_group_fy")) else "")]
    if pd.notna(economy.get("m49_subregion")):
        facts.append(_("UN M49: {subregion}").format(subregion=localized.group_name(economy["m49_subregion"])))
    facts += [_(label) for flag, label in FLAGS if pd.notna(economy.get(flag)) and bool(economy.get(flag))]
    missing_groups = [_(sentence).format(economy=name) for key, sentence in MISSING_GROUPS if key not in groups]
    return components.page(
        f"{name} ({iso3})",
        ngettext("{facts}. {count} indicator has data for {economy}. Each value is the latest reported; group "
                 "values are for the same year, or the nearest year with one (shown in brackets), with the share of "
                 "the group's population they cover.",
                 "{facts}. {count} indicators have data for {economy}. Each value is the latest reported; group "
                 "values are for the same year, or the nearest year with one (shown in brackets), with the share of "
                 "the group's population they cover.", len(rows)).format(
            facts="; ".join(facts), count=formatting.count(len(rows)), economy=name),
        _picker(iso3, options),
        html.H2(_("Headline trends")),
        _headline_charts(economy),
        _target_section(iso3, name),
        _gap_section(rows, labels, name),
        html.Section(id=Ids.THEMES, children=[
            html.H2(_("Indicators by WSIS+20 theme")),
            html.P(_("Themes follow the sections of the WSIS+20 Elements Paper (¶ = its paragraphs). An indicator is "
                     "listed under its main theme and named under the others it evidences. “Women · men” and "
                     "“Rural · urban” are the latest year with both."),
                   className="caption"),
            *_theme_sections(rows, table_labels, name),
        ]),
        # On paper the profile is a two-page brief (print.css): the tables by theme give way to this line.
        html.P([_("This printed brief shows the headline trends, targets and gaps of {economy}; all {count} "
                  "indicators, by WSIS+20 theme, are in its online profile:").format(
                    economy=name, count=formatting.count(len(rows))) + " ", html.Span(className="page-address")],
               className="print-only caption"),
        html.P(html.A(_("All economies"), href=dash.get_relative_path("/country")), className="back-link"),
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

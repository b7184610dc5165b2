"""Country profile figures and wording: pure functions of (data, options), no database, no Dash."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard import formatting, i18n, localized
from dashboard.chart_style import LINE_COLOURS, directed, mark_definition_changes
from dashboard.i18n import gettext as _

# Okabe–Ito, as everywhere: the economy in blue, its region in vermilion, its income group in green;
# the groups are also dashed / dotted so that the lines differ without colour too.
LINE_STYLES = {
    "economy": {"color": LINE_COLOURS[0], "dash": "solid", "width": 2.5},
    "region": {"color": LINE_COLOURS[1], "dash": "dash", "width": 1.8},
    "income": {"color": LINE_COLOURS[2], "dash": "dot", "width": 1.8},
}
THRESHOLD_COLOUR = "#555555"
PARITY_BAND = (0.98, 1.02)  # ITU's gender parity band for the parity score (women ÷ men)


def short_unit(unit: str) -> str:
    """The unit after a number, in the request's language ("%", "points", …)."""
    return localized.short_unit(unit)


def format_number(value: float | None, unit: str = "") -> str:
    """A value without its unit word: to the unit's precision when given (formatting.number: "0.85" for a ratio),
    else with as many digits as its size needs (formatting.compact); "no data" when missing."""
    if formatting.missing(value):
        return _("no data")
    return formatting.number(value, unit) if unit else formatting.compact(float(value))


def format_value(value: float | None, unit: str) -> str:
    """A value with its short unit, to its unit's precision ("99.0 %", "0.85"); "no data" when missing; the unit
    word in the request's language."""
    return localized.value_text(value, unit)


def coverage_text(coverage: float | None) -> str:
    """Population coverage of a group value: "99 % of population"."""
    if coverage is None or pd.isna(coverage):
        return ""
    return _("{share} of population").format(share=formatting.percent(coverage * 100, 0))


def parity_reading(score: float | None) -> str:
    """What a gender parity score (women ÷ men) means against ITU's band 0.98–1.02."""
    if score is None or pd.isna(score):
        return ""
    low, high = PARITY_BAND
    if score < low:
        return _("women less likely than men")
    if score > high:
        return _("men less likely than women")
    return _("parity")


def rural_urban_reading(ratio: float | None) -> str:
    if ratio is None or pd.isna(ratio):
        return ""
    if ratio < PARITY_BAND[0]:
        return _("rural residents less likely than urban residents")
    if ratio > PARITY_BAND[1]:
        return _("rural residents more likely than urban residents")
    return _("no urban–rural gap")


def split_lines(series: pd.DataFrame) -> dict[str, tuple[list[int], list[float]]]:
    """{line: (years, values)} in year order, from a frame with columns line, year, value."""
    lines: dict[str, list[tuple[int, float]]] = {}
    for line, year, value in zip(series["line"].tolist(), series["year"].tolist(), series["value"].tolist(),
                                 strict=True):
        lines.setdefault(line, []).append((int(year), float(value)))
    return {line: ([year for year, _ in sorted(points)], [value for _, value in sorted(points)])
            for line, points in lines.items()}


def headline_trend(series: pd.DataFrame, lines: dict[str, str], indicator_name: str, unit: str, *,
                   threshold: float | None = None, threshold_label: str = "",
                   changes: Sequence[tuple[int, str]] = ()) -> dict:
    """The economy's series with its region and income-group aggregates, as a plotly figure dict.

    `series` has columns line ('economy', 'region', 'income'), year, value (and obs_status, the publisher's
    flag, shown in the hover label where present); `lines` maps those keys to
    the names shown in the legend (e.g. {'economy': 'Norway', 'region': 'Europe & Central Asia', …}).
    A `threshold` (the 2 % affordability line) is drawn as a thin horizontal reference, and `changes` (a
    spliced price basket's definition changes) as labelled vertical lines. A plain dict,
    not a go.Figure: a profile draws four, and plotly's validation would cost most of the page's time.
    """
    points = split_lines(series)
    # The publisher's flag of each value (" · estimate"), shown in the hover label; groups have none.
    flags = ({(line, int(year)): formatting.flag_note(status) for line, year, status in
              zip(series["line"].tolist(), series["year"].tolist(), series["obs_status"].tolist(), strict=True)}
             if "obs_status" in series.columns else {})
    notes = {line: [flags.get((line, year), "") for year in years] for line, (years, _values) in points.items()}
    return trend_figure(points, notes, lines, indicator_name, unit, threshold=threshold,
                        threshold_label=threshold_label, changes=changes)


def trend_figure(points: dict[str, tuple[list[int], list[float]]], notes: dict[str, list[str]],
                 lines: dict[str, str], indicator_name: str, unit: str, *, threshold: float | None = None,
                 threshold_label: str = "", changes: Sequence[tuple[int, str]] = ()) -> dict:
    """`headline_trend` from lines already split ({line: (years, values)}, as `split_lines` gives them) and each
    point's hover note ({line: [" · estimate", …]}, aligned with its years): the page slices both from
    structures built once per database version instead of a frame per request."""
    short = short_unit(unit)
    traces = []
    for key in ("economy", "region", "income"):
        if key not in points or key not in lines:
            continue
        name = lines[key]
        years = points[key][0]
        traces.append({
            "type": "scatter", "x": years, "y": points[key][1],
            "name": name, "mode": "lines+markers" if key == "economy" else "lines", "line": dict(LINE_STYLES[key]),
            "marker": {"size": 4}, "hovertext": notes.get(key) or ["" for _ in years],
            "hovertemplate": (f"<b>{name}</b> %{{x}}: %{{y:{formatting.hover_format(unit)}}} {short}%{{hovertext}}"
                              "<extra></extra>"),
        })
    layout = {
        "margin": {"l": 50, "r": 10, "t": 36, "b": 30}, "height": 300,
        "title": {"text": indicator_name, "x": 0.01, "font": {"size": 14}},
        "yaxis": {"title": {"text": short}, "gridcolor": "#eeeeee", "rangemode": "tozero"},
        "xaxis": {"gridcolor": "#eeeeee"},
        "legend": {"orientation": "h", "y": -0.12, "font": {"size": 11}},
        "plot_bgcolor": "white", "hovermode": "closest", "shapes": [], "annotations": [],
        "meta": {"indicator": indicator_name, "unit": unit},  # for the downloads (assets/chart_downloads.js)
    }
    if threshold is not None:
        line = {"color": THRESHOLD_COLOUR, "width": 1, "dash": "longdashdot"}
        layout["shapes"].append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": threshold,
                                 "y1": threshold, "line": line})
        layout["annotations"].append({"text": threshold_label, "xref": "paper", "x": 0, "xanchor": "left",
                                      "yref": "y", "y": threshold, "yanchor": "bottom", "showarrow": False,
                                      "font": {"size": 11, "color": THRESHOLD_COLOUR}})
    mark_definition_changes(layout, changes)
    if "economy" not in points:
        layout["annotations"].append({"text": _("No data for {economy}").format(
                                          economy=lines.get("economy", _("this economy"))),
                                      "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
                                      "font": {"size": 14}, "bgcolor": "rgba(255, 255, 255, 0.85)"})
    return directed({"data": traces, "layout": layout})


def headline_summary(series: pd.DataFrame, lines: dict[str, str], indicator_name: str, unit: str) -> str:
    """One sentence: the economy's first and latest value, and its groups in that latest year."""
    return summary_text(split_lines(series), lines, indicator_name, unit)


def summary_text(points: dict[str, tuple[list[int], list[float]]], lines: dict[str, str], indicator_name: str,
                 unit: str) -> str:
    """`headline_summary` from lines already split ({line: (years, values)})."""
    name = lines.get("economy", _("This economy"))
    indicator = formatting.in_sentence(indicator_name) if i18n.current() is i18n.DEFAULT else indicator_name
    if "economy" not in points:
        return _("No data on {indicator} for {economy}.").format(indicator=indicator, economy=name)
    years, values = points["economy"]
    year = years[-1]
    text = _("{indicator}: {economy} {value} in {year}").format(indicator=indicator_name, economy=name,
                                                                value=format_value(values[-1], unit), year=year)
    if len(years) > 1:
        text += " " + _("(from {value} in {year})").format(value=format_value(values[0], unit), year=years[0])
    groups = []
    for key in ("region", "income"):
        if key not in lines or key not in points:
            continue
        # The group in the economy's latest year, or in its own latest year before that (said so).
        earlier = [(group_year, value) for group_year, value in zip(*points[key], strict=True) if group_year <= year]
        if earlier:
            group_year, value = earlier[-1]
            groups.append(f"{lines[key]} {format_value(value, unit)}"
                          + ("" if group_year == year else f" ({group_year})"))
    if groups:
        text += _("; in {year}: {groups}").format(year=year, groups=", ".join(groups))
    return text + "."

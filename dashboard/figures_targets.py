"""Targets page figures and texts, as pure functions of (data, options): no database, no Dash.

Every text is in the request's language (gettext; numbers through dashboard/formatting.py; status words and
economy names through dashboard/localized.py); English is written as it always was.

A target row (from the `target` table) is a mapping with comparator, value, band, met_threshold, bound,
deadline_year and pace; a progress row (from `target_progress`) carries base/latest year and value, the observed
and required compound rates, status, projected year, pace and the projected path. The measure, the pace and the
path are computed once, in etl/measures/progress.py; this module only draws what the ETL wrote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import formatting, i18n, localized
from dashboard.chart_style import LINE_COLOURS, NO_DATA_GREY, NO_SHAPE, directed, mark_definition_changes
from dashboard.i18n import N_, ngettext
from dashboard.i18n import gettext as _
from dashboard.rows import num, records

# Every status the ETL writes (etl/measures/status_rules.py STATUSES), best first, and "no data" for economies
# with no row. Okabe–Ito colours (colour-blind safe); text always goes with them.
STATUSES = ("met", "on track", "acceleration needed", "limited progress", "deteriorating", "not met",
            "insufficient data", "no open indicator")
NO_DATA = "no data"
STATUS_COLOURS = {
    "met": "#009E73",                  # bluish green
    "on track": "#56B4E9",             # sky blue
    "acceleration needed": "#F0E442",  # yellow
    "limited progress": "#E69F00",     # orange
    "deteriorating": "#D55E00",        # vermillion
    "not met": "#CC79A7",              # reddish purple
    "insufficient data": "#8C8C8C",    # mid grey
    "no open indicator": "#BBBBBB",
    NO_DATA: NO_DATA_GREY,
}
# Black text reads on every one of these swatches (contrast ≥ 5:1, the vermillion being the lowest).
STATUS_TEXT = {status: "#000000" for status in STATUS_COLOURS}
CHART_FROM = 2005  # the trend chart starts here; its table lists every year


def pace_kind(target: Mapping, row: Mapping | None = None) -> str:
    """How the observed rate applies, as the ETL wrote it (etl/measures/progress.pace_kind): the row's own kind
    ('shortfall', 'growth' or 'linear', the last for an unbounded target from a value <= 0), else the target's."""
    kind = row.get("pace") if row is not None else None
    return kind if isinstance(kind, str) else str(target.get("pace") or "shortfall")


def projection(row: Mapping) -> pd.DataFrame:
    """The path the ETL projected from the row's latest value at its observed pace (target_progress.projection_years
    and projection_values, etl/measures/progress.projection): empty when there is nothing to project."""
    years, values = projection_lists(row)
    return pd.DataFrame({"year": pd.Series(years, dtype="int64"), "value": pd.Series(values, dtype="float64")})


def projection_lists(row: Mapping) -> tuple[list[int], list[float]]:
    """`projection` as two plain lists, years and values (what the chart draws: no frame needed)."""
    years, values = row.get("projection_years"), row.get("projection_values")
    if not isinstance(years, list | tuple | np.ndarray) or not isinstance(values, list | tuple | np.ndarray):
        years, values = [], []
    return [int(year) for year in years], [float(value) for value in values]


# --- texts -----------------------------------------------------------------------------------------


# Targets on a ratio are a band of ±0.02 around parity, judged to the third decimal (as the status badges
# write them): at two decimals a fall from 0.925 to 0.920 would read "0.92, from 0.92" beside "deteriorating".
TARGET_RATIO_DIGITS = 3


def fmt(value, unit: str = "", digits: int | None = None) -> str:
    """A number for reading, to its unit's precision (formatting.digits): shares 1 decimal, prices in % of GNI 2,
    ratios 3 (TARGET_RATIO_DIGITS); "—" if none."""
    number = num(value)
    if number is None:
        return "—"
    if digits is None:  # 0–1 indices as the status badges write them (status_rules.fmt_value): 0.427, not 0.43
        digits = TARGET_RATIO_DIGITS if unit == "ratio" or unit.startswith("index") else formatting.digits(unit)
    if unit.startswith("%"):
        # English keeps its "72.7%"; other languages write the locale's percent sign and spacing ("72,7 %")
        return f"{number:,.{digits}f}%" if _english() else formatting.percent(number, digits)
    return formatting.fixed(number, digits)


def _english() -> bool:
    return i18n.current() is i18n.DEFAULT


def fmt_distance(value, unit: str) -> str:
    """Distance still to go: percentage points for shares and % of GNI, the unit's own digits otherwise."""
    number = num(value)
    if number is None:
        return "—"
    if unit.startswith("%"):  # percentage points: two decimals for % of GNI (read against 2 %), else one
        return _("{value} pp").format(value=formatting.fixed(number, 2 if unit == "% of monthly GNI per capita"
                                                                     else 1))
    return formatting.fixed(number, TARGET_RATIO_DIGITS if unit == "ratio" else formatting.digits(unit))


def target_text(target: Mapping, unit: str) -> str:
    """'at least 75% by 2025', 'at least 95% (goal 100%) by 2030', '0.98–1.02 by 2030', 'at most 2% by 2025'."""
    value, deadline = float(target["value"]), int(target["deadline_year"])
    digits = 2 if unit == "ratio" else 0 if unit.startswith("%") else None  # None: the unit's own (an index's 0.500)
    if target["comparator"] == "between":
        band = float(target["band"])
        return _("between {low} and {high} by {year}").format(low=fmt(value - band, unit, digits),
                                                              high=fmt(value + band, unit, digits), year=deadline)
    if target["comparator"] == "<=":
        return _("at most {value} by {year}").format(value=fmt(value, unit, digits), year=deadline)
    threshold = num(target.get("met_threshold"))
    if threshold is not None and threshold != value:
        return _("{value} by {year} (scored as met at {threshold})").format(
            value=fmt(value, unit, digits), year=deadline, threshold=fmt(threshold, unit, digits))
    return _("at least {value} by {year}").format(value=fmt(value, unit, digits), year=deadline)


def projected(row: Mapping) -> tuple[str, int | None]:
    """When the target is reached at the observed pace: ('met', year or None), ('passed', None), ('none', None),
    ('never', None) (not at the current pace) or ('reached', projected year)."""
    status = row.get("status")
    year = num(row.get("status_year")) if num(row.get("status_year")) is not None else num(row.get("projected_year"))
    if status == "met":
        return "met", None if year is None else int(year)
    if status == "not met":
        return "passed", None
    if status in ("insufficient data", "no open indicator", NO_DATA):
        return "none", None
    year = num(row.get("projected_year"))
    return ("never", None) if year is None else ("reached", int(year))


# projected() as a table cell and as the card's sentence, by its kind.
PROJECTED_TEXTS = {"met": N_("met"), "passed": N_("deadline passed"), "none": "—",
                   "never": N_("not at the current pace")}
PROJECTED_SENTENCES = {"met": N_("Target met."), "passed": N_("The deadline has passed."), "none": N_("No projection."),
                       "never": N_("Not reached at the observed pace.")}


def projected_text(row: Mapping) -> str:
    """When the target is reached at the observed pace, in words."""
    kind, year = projected(row)
    if kind == "met" and year is not None:
        return _("met in {year}").format(year=year)
    if kind == "reached":
        return str(year)
    return _(PROJECTED_TEXTS[kind]) if kind != "none" else "—"


def projected_sentence(row: Mapping) -> str:
    """The card's line on when the target is reached."""
    kind, year = projected(row)
    if kind == "met" and year is not None:
        return _("Target met in {year}.").format(year=year)
    if kind == "reached":
        return _("Reached in {year} at the observed pace.").format(year=year)
    return _(PROJECTED_SENTENCES[kind])


def pace_label(target: Mapping, kind: str, unit: str) -> str:
    """What the rates on the page measure, as progress towards the target (positive = towards it)."""
    if kind == "linear":
        return _("Change per year, {unit}").format(unit=localized.unit_label(unit))
    if kind == "growth":
        return _("Growth per year, % (compound)")
    if target["comparator"] == "<=":
        return _("Fall in the value per year, % (compound)")
    if target["comparator"] == "between":
        return _("Share of the distance to the band closed per year, % (compound)")
    return _("Share of the shortfall to {bound} closed per year, % (compound)").format(
        bound=fmt(target["bound"], unit, 0))


def towards(rate, kind: str) -> float | None:
    """A rate as 'progress per year' in %: shortfall rates are negative when closing, so their sign flips."""
    number = num(rate)
    if number is None:
        return None
    if kind == "linear":
        return number
    return -100 * number if kind == "shortfall" else 100 * number


def status_badge_style(status: str) -> dict:
    return {"background": STATUS_COLOURS.get(status, NO_DATA_GREY), "color": STATUS_TEXT.get(status, "#000"),
            "padding": "0.1rem 0.5rem", "borderRadius": "3px", "fontWeight": 600, "border": "1px solid #555",
            "display": "inline-block"}


# --- figures (plain plotly dicts: building go.Figure objects costs ~10x more, and callbacks must stay fast) ---

AXIS = {"gridcolor": "#eeeeee", "zeroline": False}
FONT_TITLE = {"size": 15}


def empty_figure(message: str, height: int = 320) -> dict:
    return directed({"data": [], "layout": {
        "height": height, "plot_bgcolor": "white", "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "annotations": [{"text": message, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
                         "font": {"size": 14}}],
    }})


def _hline(y: float, text: str, *, dash: str = "solid", width: float = 1.5, below: bool = False
           ) -> tuple[dict, dict]:
    shape = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
             "line": {"color": "#000000", "width": width, "dash": dash}}
    note = {"text": text, "xref": "paper", "x": 0.01, "xanchor": "left", "yref": "y", "y": y, "showarrow": False,
            "yanchor": "top" if below else "bottom", "font": {"size": 12}}
    return shape, note


# The target's line on the trend chart, by comparator ('goal': a 100 % goal scored as met at a lower level).
TARGET_LINES = {"<=": N_("Target: at most {value}"), "goal": N_("Target: goal {value}"),
                ">=": N_("Target: at least {value}")}


def share(value, english: bool | None = None) -> str:
    """A 0–1 share as a whole percent ("73%" in English, as before; "73 %" in French); `english` saves asking
    for the request's language again when a caller writes many."""
    if english is None:
        english = _english()
    return f"{value:.0%}" if english else formatting.percent(100 * float(value), 0)


def target_chart(series: pd.DataFrame, row: Mapping | None, target: Mapping, *, scope_name: str, unit: str,
                 indicator_name: str, extra: tuple[str, pd.DataFrame, Mapping | None] | None = None,
                 changes: Sequence[tuple[int, str]] = ()) -> dict:
    """The scope's series over time with the target, the deadline and a dashed projection at the observed pace.

    `series` has year, value and optionally population_coverage; `extra` = (name, series, progress row) adds a
    second scope (a chosen group) with its own projection. `changes` (a spliced price basket's definition
    changes) are marked by labelled vertical lines inside the years shown.
    """
    if series.empty and (extra is None or extra[1].empty):
        return empty_figure(_("No {scope} series for {indicator}").format(
            scope=scope_name, indicator=formatting.in_sentence(indicator_name)))
    ratio = unit == "ratio"
    digits = 3 if ratio or unit.startswith("index") else 1  # a 0–1 index read to 0.1 would hide its change
    level = 0 if unit.startswith("%") else None  # the target lines: "75%", an index's "0.500"
    short = "%" if unit.startswith("%") else f" {localized.short_unit(unit)}"
    traces: list[dict] = []
    lines = [(scope_name, series, row, LINE_COLOURS[0])]
    if extra is not None:
        lines.append((extra[0], extra[1], extra[2], LINE_COLOURS[1]))
    years: list[int] = []
    english = _english()
    for name, frame, progress_row, colour in lines:
        # Plain lists rather than a filtered frame: a chart has a few dozen points.
        every_year = [int(year) for year in frame["year"].tolist()]
        shown = [position for position, year in enumerate(every_year) if year >= CHART_FROM]
        years += every_year
        if "population_coverage" in frame:
            covered = frame["population_coverage"].tolist()
            words = _("population coverage {share}")
            coverage = [words.format(share=share(covered[i], english)) if pd.notna(covered[i]) else ""
                        for i in shown]
        else:
            coverage = [_("the publisher's series")] * len(shown)
        values = frame["value"].tolist()
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": [every_year[i] for i in shown],
            "y": [float(values[i]) for i in shown], "customdata": coverage,
            "line": {"color": colour, "width": 2.5}, "marker": {"size": 5},
            "hovertemplate": f"<b>{name}</b> %{{x}}: %{{y:,.{digits}f}}{short}<br>%{{customdata}}<extra></extra>",
        })
        if progress_row is None:
            continue
        ahead_years, ahead_values = projection_lists(progress_row)
        if len(ahead_years) > 1:
            traces.append({
                "type": "scatter", "mode": "lines+markers",
                "name": _("{scope}: projection at the observed pace").format(scope=name),
                "x": ahead_years, "y": ahead_values,
                "line": {"color": colour, "width": 2, "dash": "dash"}, "marker": {"size": 5, "symbol": "circle-open"},
                "hovertemplate": "<b>" + _("{scope}, projected").format(scope=name)
                                 + f"</b> %{{x}}: %{{y:,.{digits}f}}{short}<extra></extra>",
            })
            years.append(ahead_years[-1])
        base_year, base_value = num(progress_row.get("base_year")), num(progress_row.get("base_value"))
        if base_year is not None and base_value is not None:
            traces.append({
                "type": "scatter", "mode": "markers",
                "name": _("{scope}: base year {year}").format(scope=name, year=int(base_year)),
                "x": [int(base_year)], "y": [base_value],
                "marker": {"size": 12, "symbol": "diamond-open", "color": colour, "line": {"width": 2}},
                "hovertemplate": "<b>" + _("{scope}, base").format(scope=name)
                                 + f"</b> %{{x}}: %{{y:,.{digits}f}}{short}<extra></extra>",
            })
    value, deadline = float(target["value"]), int(target["deadline_year"])
    shapes, notes = [], []
    if target["comparator"] == "between":
        band = float(target["band"])
        shapes.append({"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": value - band,
                       "y1": value + band, "fillcolor": "#009E73", "opacity": 0.18, "line": {"width": 0},
                       "layer": "below"})
        notes.append({"text": _("Target band {low}–{high}").format(low=formatting.fixed(value - band, 2),
                                                                   high=formatting.fixed(value + band, 2)),
                      "xref": "paper", "x": 0.01,
                      "xanchor": "left", "yref": "y", "y": value + band, "yanchor": "bottom", "showarrow": False})
    else:
        threshold = num(target.get("met_threshold"))
        line = (TARGET_LINES["<="] if target["comparator"] == "<=" else TARGET_LINES["goal"]
                if threshold is not None else TARGET_LINES[">="])
        shape, note = _hline(value, _(line).format(value=fmt(value, unit, level)))
        shapes.append(shape)
        notes.append(note)
        if threshold is not None and threshold != value:
            shape, note = _hline(threshold, _("scored as met at {value}").format(value=fmt(threshold, unit, level)),
                                 dash="dot", width=1, below=True)
            shapes.append(shape)
            notes.append(note)
    shapes.append({"type": "line", "xref": "x", "x0": deadline, "x1": deadline, "yref": "paper", "y0": 0, "y1": 1,
                   "line": {"color": "#555555", "width": 1, "dash": "dot"}})
    notes.append({"text": _("Deadline {year}").format(year=deadline), "xref": "x", "x": deadline, "xanchor": "right",
                  "yref": "paper",
                  "y": 1, "yanchor": "bottom", "showarrow": False})
    first = max(CHART_FROM, min(years)) if years else CHART_FROM
    last = max(deadline, *years) if years else deadline
    changed: dict = {}
    mark_definition_changes(changed, changes, first=first + 1, last=last)
    shapes += changed.get("shapes", [])
    notes += changed.get("annotations", [])
    yaxis = {**AXIS, "title": {"text": localized.unit_label(unit)}}
    if not ratio:
        top = max([value, *[t for trace in traces for t in trace["y"] if t is not None]])
        yaxis["range"] = [0, top * 1.08]
    return directed({"data": traces, "layout": {
        "height": 420, "margin": {"l": 55, "r": 20, "t": 40, "b": 40}, "plot_bgcolor": "white",
        "hovermode": "closest", "showlegend": True,
        "title": {"text": _("{indicator}: {scope} against the target").format(indicator=indicator_name,
                                                                              scope=scope_name),
                  "x": 0.01, "font": FONT_TITLE},
        "xaxis": {**AXIS, "range": [first - 0.5, last + 1.5], "dtick": 5},
        "yaxis": yaxis, "legend": {"orientation": "h", "y": -0.12}, "shapes": shapes, "annotations": notes,
    }})


def group_rates_chart(groups: Rows, target: Mapping, unit: str, *, highlight: str | None = None) -> dict:
    """A dumbbell per group: the pace required from the base year to meet the target by the deadline (open
    diamond) against the pace observed (dot coloured by status); the status is also written in the label.

    `groups` has group_id, name, status, required_rate, observed_rate, base_value, latest_value (one row per
    group, first on top). Rates are shown as progress per year in % (positive = towards the target).
    """
    rows = rows_of(groups)
    if not rows:
        return empty_figure(_("No group has a value for this indicator"))
    kinds = {pace_kind(target, row) for row in rows}
    kind = "linear" if "linear" in kinds else kinds.pop()
    labels = [f"{'▶ ' if row['group_id'] == highlight else ''}{row['name']} · {localized.status_words(row['status'])}"
              for row in rows]
    required = [towards(row["required_rate"], kind) for row in rows]
    observed = [towards(row["observed_rate"], kind) for row in rows]
    xs, ys = [], []
    for label, low, high in zip(labels, required, observed, strict=True):
        if low is not None and high is not None:
            xs += [low, high, None]
            ys += [label, label, None]
    traces = [
        {"type": "scatter", "mode": "lines", "x": xs, "y": ys, "line": {"color": "#999999", "width": 2},
         "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "mode": "markers", "name": _("Required pace (from the base year)"),
         "x": required, "y": labels,
         "marker": {"symbol": "diamond-open", "size": 11, "color": "#000000", "line": {"width": 2}},
         "hovertemplate": "%{y}<br>" + _("required {value} per year").format(value="%{x:,.1f}")
                          + "<extra></extra>"},
    ]
    for status in STATUSES:
        picked = [i for i, row in enumerate(rows) if row["status"] == status and observed[i] is not None]
        if not picked:
            continue
        traces.append({
            "type": "scatter", "mode": "markers",
            "name": _("Observed pace: {status}").format(status=localized.status_words(status)),
            "x": [observed[i] for i in picked], "y": [labels[i] for i in picked],
            "marker": {"symbol": "circle", "size": 12, "color": STATUS_COLOURS[status],
                       "line": {"color": "#333333", "width": 1}},
            "hovertemplate": "%{y}<br>" + _("observed {value} per year").format(value="%{x:,.1f}")
                             + "<extra></extra>",
        })
    height = max(300, 170 + 34 * len(rows))
    plot_height = height - 40 - 130  # the legend sits a fixed 60 px under the axis title, whatever the height
    return directed({"data": traces, "layout": {
        "height": height, "margin": {"l": 10, "r": 20, "t": 40, "b": 130},
        "plot_bgcolor": "white", "hovermode": "closest", "showlegend": True,
        "title": {"text": _("Required against observed pace, by group"), "x": 0.01, "font": FONT_TITLE},
        "xaxis": {**AXIS, "title": {"text": pace_label(target, kind, unit)}, "zeroline": True,
                  "zerolinecolor": "#555555", "rangemode": "tozero"},
        "yaxis": {"automargin": True, "categoryorder": "array", "categoryarray": labels[::-1],
                  "autorange": True},
        "legend": {"orientation": "h", "y": -60 / plot_height, "yanchor": "top", "x": 0},
    }})


Rows = pd.DataFrame | list[dict]  # rows as a frame, or already as dicts (dashboard.rows.records)


def rows_of(rows: Rows) -> list[dict]:
    return records(rows) if isinstance(rows, pd.DataFrame) else rows


def status_map(countries: Rows, title: str, *, fit: bool = False) -> dict:
    """Choropleth of each economy's status: one trace per status (a categorical legend), grey = no data.

    `countries` has iso3, name, status (NO_DATA where the economy has no row), latest_year_text, latest_text and
    projected (texts for the hover). With `fit`, the map zooms to the economies listed (a chosen group).
    """
    traces = []
    by_status: dict[str, list[Mapping]] = {}
    for row in rows_of(countries):
        by_status.setdefault(row["status"], []).append(row)
    latest, ahead = _("latest {year}: {value}"), _("projected: {when}")  # once per map, not per economy
    for status in (*STATUSES, NO_DATA):
        rows = by_status.get(status)
        if not rows:
            continue
        colour = STATUS_COLOURS[status]
        words = localized.status_words(status)
        hover = [f"<b>{row['name']}</b><br>{words}"
                 + ("<br>" + latest.format(year=row["latest_year_text"], value=row["latest_text"])
                    if row["latest_year_text"] else "")
                 + ("<br>" + ahead.format(when=row["projected"]) if row["projected"] not in ("", "—") else "")
                 for row in rows]
        traces.append({
            "type": "choropleth", "locationmode": "ISO-3", "locations": [row["iso3"] for row in rows],
            "z": [1] * len(rows), "name": f"{words} ({formatting.count(len(rows))})",
            "colorscale": [[0, colour], [1, colour]],
            "showscale": False, "showlegend": True, "text": hover, "hovertemplate": "%{text}<extra></extra>",
            "marker": {"line": {"color": "white", "width": 0.4}},
        })
    return directed({"data": traces, "layout": {
        "height": 460, "margin": {"l": 0, "r": 0, "t": 30, "b": 0},
        "title": {"text": title, "x": 0.01, "font": FONT_TITLE},
        "geo": {"showframe": False, "showcoastlines": False, "projection": {"type": "natural earth"},
                "showland": True, "landcolor": NO_DATA_GREY, "showcountries": True, "countrycolor": "white",
                **({"fitbounds": "locations"} if fit else {"lataxis": {"range": [-58, 85]}})},
        "legend": {"title": {"text": _("Status (economies)")}, "x": 0.0, "y": 0.05,
                   "bgcolor": "rgba(255,255,255,0.85)"},
    }})


def status_counts(statuses: Iterable) -> pd.DataFrame:
    """Economies per status, in the order of STATUSES (then 'no data'); statuses nobody has are left out (and
    missing ones are not counted). Counted in plain Python: value_counts cost more than the rest of a map."""
    pairs = tally(statuses)
    total = sum(n for _status, n in pairs)
    return pd.DataFrame({"status": [status for status, _n in pairs], "economies": [n for _status, n in pairs],
                         "share": [n / total for _status, n in pairs]})


def tally(statuses: Iterable) -> list[tuple[str, int]]:
    """`status_counts` as (status, economies) pairs, for the sentences (no frame needed)."""
    counts = Counter(status for status in statuses if isinstance(status, str))
    return [(status, counts[status]) for status in (*STATUSES, NO_DATA) if status in counts]


def off_map(countries: Rows) -> str:
    """Economies with a status but no shape on the map (Kosovo), named rather than dropped."""
    return "; ".join(f"{_economy(row['iso3'], NO_SHAPE[row['iso3']])} ({row['iso3']}): "
                     f"{localized.status_words(row['status'])}" for row in rows_of(countries)
                     if row["iso3"] in NO_SHAPE and row["status"] != NO_DATA)


def _economy(iso3: str, english: str) -> str:
    """An economy's name: as given in English (chart_style's), else the locale's display name."""
    return english if _english() else localized.country_name(iso3, english)


# --- summaries -------------------------------------------------------------------------------------


def status_label(row: Mapping, unit: str) -> str:
    """A progress row's status as its badge writes it: the ETL's text in English ("not met: 72.4% in 2025 (…)"),
    the status with the value and year it rests on in another language (localized.badge)."""
    status = row.get("status") if isinstance(row.get("status"), str) else NO_DATA
    return localized.badge(status, row.get("status_text"), row.get("status_value"), row.get("status_year"), unit)


def chart_summary(row: Mapping | None, target: Mapping, scope_name: str, unit: str, indicator_name: str) -> str:
    """One sentence: where the scope stands, its status and when the target is reached at the observed pace."""
    if row is None or num(row.get("latest_value")) is None:
        return _("No {scope} value for {indicator}: progress cannot be assessed.").format(
            scope=scope_name, indicator=formatting.in_sentence(indicator_name))
    values = {"scope": scope_name, "value": fmt(row["latest_value"], unit), "year": int(row["latest_year"])}
    if num(row.get("base_year")) is not None and int(row["base_year"]) != int(row["latest_year"]):
        where = _("{scope}: {value} in {year} (from {base_value} in {base_year})").format(
            **values, base_value=fmt(row["base_value"], unit), base_year=int(row["base_year"]))
    else:
        where = _("{scope}: {value} in {year}").format(**values)
    # Clauses of one sentence, each whole in the language, joined as the English joins them.
    clauses = [where, _("target {target}").format(target=target_text(target, unit)),
               _("status: {status}").format(status=status_label(row, unit))]
    kind, year = projected(row)
    if not (row["status"] in ("met", "not met") or row.get("deadline_passed") is True or kind in ("none", "met")):
        clauses.append(_("at the observed pace the target is not reached") if kind == "never" else
                       _("at the observed pace the target is reached in {year}").format(year=year))
    return "; ".join(clauses) + "."


def _status_parts(counts: pd.DataFrame | list[tuple[str, int]]) -> str:
    """'12 met, 3 not met': each status with its count, in the order of STATUSES (`counts`: status_counts, or
    its `tally`)."""
    pairs = (zip(counts["status"].tolist(), counts["economies"].tolist(), strict=True)
             if isinstance(counts, pd.DataFrame) else counts)
    return ", ".join(f"{formatting.count(economies)} {localized.status_words(status)}" for status, economies in pairs)


def groups_summary(groups: Rows, type_name: str) -> str:
    rows = rows_of(groups)
    if not rows:
        return _("None of the {groups} has a value for this indicator.").format(groups=type_name)
    return ngettext("{count} group ({groups}): {statuses}.", "{count} groups ({groups}): {statuses}.",
                    len(rows)).format(count=formatting.count(len(rows)), groups=type_name,
                                      statuses=_status_parts(tally(row["status"] for row in rows)))


# Where a map and its counts are, as whole sentences for each kind of place (the world; a group, the target's or
# the chosen one; the target's group and a chosen group within it): `{target}` is the target's label.
PLACE_SENTENCES = {
    "title": {"world": N_("{target}: status of each economy in the world"),
              "group": N_("{target}: status of each economy in {group}"),
              "both": N_("{target}: status of each economy in {scope} and {group}")},
    "counts": {"world": N_("Economies per status in the world"), "group": N_("Economies per status in {group}"),
               "both": N_("Economies per status in {scope} and {group}")},
    "none": {"world": N_("No economy in the world has data for this target."),
             "group": N_("No economy in {group} has data for this target."),
             "both": N_("No economy in {scope} and {group} has data for this target.")},
    "summary": {"world": N_("Of {total} economies in the world: {statuses}."),
                "group": N_("Of {total} economies in {group}: {statuses}."),
                "both": N_("Of {total} economies in {scope} and {group}: {statuses}.")},
}


class Place(NamedTuple):
    """Where a map's economies are: kind 'world', 'group' (group named) or 'both' (scope and group named)."""

    kind: str
    group: str = ""
    scope: str = ""

    def says(self, sentence: str, **values) -> str:
        """One of PLACE_SENTENCES for this place, in the request's language."""
        return _(PLACE_SENTENCES[sentence][self.kind]).format(group=self.group, scope=self.scope, **values)


def map_summary(counts: pd.DataFrame | list[tuple[str, int]], place: Place) -> str:
    """Of how many economies of the place, how many have each status (`counts`: status_counts, or its `tally`)."""
    pairs = _status_pairs(counts)
    if not pairs:
        return place.says("none")
    return place.says("summary", total=formatting.count(sum(n for _status, n in pairs)), statuses=_status_parts(pairs))


def _status_pairs(counts: pd.DataFrame | list[tuple[str, int]]) -> list[tuple[str, int]]:
    if isinstance(counts, pd.DataFrame):
        return list(zip(counts["status"].tolist(), counts["economies"].tolist(), strict=True))
    return counts

"""Data texts in the request's language: indicator names, unit labels, theme texts and the targets' own texts (the
catalogue's translations, indicators/), economy names (UNTERM's, table country_name) and the World Bank's group
names (our catalogue).

The queries return the English texts the database holds; pages pass them through here where they show them, so
that one place knows where each translation lives (docs/i18n-data.md). A text with no translation stays English.
"""

from __future__ import annotations

from functools import cache

from dashboard import data, formatting, i18n
from dashboard.i18n import N_, gettext
from dashboard.queries import common
from etl.measures import status_rules
from indicators import catalogue

# The World Bank's regions and income groups and the UN's LDC, LLDC and SIDS lists (table country_group), as
# their publishers name them in English; translated through the interface catalogues (ours: the files we hold give
# no names in the other UN languages).
GROUP_NAMES = (
    N_("East Asia & Pacific"), N_("Europe & Central Asia"), N_("Latin America & Caribbean"),
    N_("Middle East & North Africa"), N_("Middle East, North Africa, Afghanistan & Pakistan"), N_("North America"),
    N_("South Asia"), N_("Sub-Saharan Africa"), N_("High income"), N_("Upper middle income"),
    N_("Lower middle income"), N_("Low income"), N_("Low and middle income"), N_("World"),
    N_("Least developed countries"), N_("Landlocked developing countries"), N_("Small island developing states"),
    # UN M49 regions (the Targets page's groups, Explore's group filter) and subregions (the country profile names
    # an economy's)
    N_("Africa"), N_("Americas"), N_("Asia"), N_("Europe"), N_("Oceania"),
    N_("Australia and New Zealand"), N_("Central Asia"), N_("Eastern Asia"), N_("Eastern Europe"),
    N_("Latin America and the Caribbean"), N_("Melanesia"), N_("Micronesia"), N_("Northern Africa"),
    N_("Northern America"), N_("Northern Europe"), N_("Polynesia"), N_("South-eastern Asia"), N_("Southern Asia"),
    N_("Southern Europe"), N_("Western Asia"), N_("Western Europe"),
)


# Names of groups as other publishers give them (ITU's Key ICT aggregates, drawn beside ours on the Gaps page) and
# the UN M49 regions; ours too.
PUBLISHER_GROUP_NAMES = (
    N_("Africa"), N_("Americas"), N_("Arab States"), N_("Asia-Pacific"), N_("Asia Pacific"), N_("CIS"),
    N_("Europe"), N_("Asia"), N_("Oceania"), N_("High-income"), N_("Low-income"), N_("Lower-middle-income"),
    N_("Upper-middle-income"), N_("Least Developed Countries (LDCs)"), N_("Land Locked Developing Countries (LLDCs)"),
    N_("Small Island Developing States (SIDS)"),
)


def code() -> str:
    """The request's locale code ("en" outside a request)."""
    return i18n.current().code


def indicator_name(indicator_id: str, english: str) -> str:
    """An indicator's name in the request's language (`english`, the database's, for an unknown id)."""
    entry = catalogue().indicators.get(indicator_id)
    return entry.text("name", code()) if entry is not None else english


@cache
def _units_by_label() -> dict:
    return {unit.label: unit for unit in catalogue().units.values()}


def unit_label(english: str) -> str:
    """A unit's label ("% of population") in the request's language; as given when the catalogue has no such unit."""
    unit = _units_by_label().get(english or "")
    return unit.text("label", code()) if unit is not None else (english or "")


def short_unit(english: str) -> str:
    """The unit as written after a number: "%" for every share (as formatting.short_unit), else its label in the
    request's language."""
    if english == "% of monthly GNI per capita":
        return gettext("% of GNI p.c.")
    if english == "percentage points":
        return gettext("points")
    return "%" if (english or "").startswith("%") else unit_label(english)


def theme_text(theme_id: str, field: str, english: str) -> str:
    """A theme's title, summary or missing note in the request's language."""
    theme = catalogue().themes.get(theme_id)
    return theme.text(field, code()) if theme is not None else english


def target_text(target_id: str, field: str, english):
    """A target's label, framework, quoted wording or note in the request's language (indicators/targets.yaml's
    translations); `english`, the database's, for an unknown target or where it has no such text (None, NaN)."""
    entry = catalogue().targets.get(target_id)
    if entry is None or not isinstance(english, str) or not english:
        return english
    return entry.text(field, code())


@cache
def _country_names(locale: str, version: str) -> dict[str, str]:
    del version  # part of the cache key only: a rebuilt database may name economies anew
    names = common.country_names(locale)
    return dict(zip(names["iso3"], names["name"], strict=True))


def country_name(iso3: str, english: str) -> str:
    """An economy's display name (UNTERM's short name without its article) in the request's language."""
    try:
        names = _country_names(code(), str(data.current_version()))
    except data.DatabaseMissingError:
        return english
    return names.get(iso3, english)


def with_country_names(frame, column: str = "name"):
    """`frame` (with an iso3 column) with its economies' names in `column` in the request's language: a copy,
    unchanged in English (the queries' names are the English display names)."""
    if code() == i18n.DEFAULT.code or frame.empty:
        return frame
    try:  # the names looked up once per frame, not per row (each look-up resolved the version: ~25 µs a name)
        names = _country_names(code(), str(data.current_version()))
    except data.DatabaseMissingError:
        return frame
    return frame.assign(**{column: [names.get(iso3, name) for iso3, name in
                                    zip(frame["iso3"].tolist(), frame[column].tolist(), strict=True)]})


def indicator_description(indicator_id: str, english: str) -> str:
    """An indicator's description in the request's language (`english` for an unknown id)."""
    entry = catalogue().indicators.get(indicator_id)
    return entry.text("description", code()) if entry is not None and code() != i18n.DEFAULT.code else english


def group_name(english: str) -> str:
    """A World Bank region's or income group's name in the request's language."""
    return gettext(english) if english in GROUP_NAMES or english in PUBLISHER_GROUP_NAMES else english


# A target's statuses (etl/measures/status_rules.py's STATUSES), as the pages write them.
STATUS_WORDS = {
    "met": N_("met"), "on track": N_("on track"), "acceleration needed": N_("acceleration needed"),
    "limited progress": N_("limited progress"), "deteriorating": N_("deteriorating"), "not met": N_("not met"),
    "insufficient data": N_("insufficient data"), "no open indicator": N_("no open indicator"),
    "no data": N_("no data"), "each economy": N_("each economy"),
}


def status_words(status: str) -> str:
    """A target status in the request's language (as given when it is not one of the statuses)."""
    return gettext(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def definition_changes(changes) -> tuple[tuple[int, str], ...]:
    """A spliced series' definition changes (common.definition_changes: year, "5 GB from 2025") with their labels
    in the request's language: the basket as the catalogue writes it, the rest translated."""
    return tuple((year, gettext("{basket} from {year}").format(basket=str(label).rsplit(" from ", 1)[0], year=year))
                 for year, label in changes)


def definition_changes_note(changes) -> str:
    """chart_style.definition_changes_note in the request's language, for changes already translated
    (definition_changes): the sentence under a chart of a spliced series ('' when none)."""
    if not changes:
        return ""
    return gettext("The basket changed definition: {changes} (dash-dot lines on the chart); values across a change "
                   "are not comparable.").format(changes=", ".join(label for _, label in changes))


def value_text(value, unit: str) -> str:
    """A value with its unit word in the request's language ("72.7 %", "2,22 milliards personnes"); "no data"."""
    text = formatting.value(value, unit)
    if formatting.missing(value) or not unit or formatting.short_unit(unit) == "%" or text == formatting.number(
            value, unit):
        return text
    return f"{formatting.number(value, unit)} {short_unit(unit)}"


def badge(status: str, status_text, value, year, unit: str | None) -> str:
    """A target status badge: in English the ETL's own text (target_progress.status_text, "not met: 72.4 % in 2025
    (ours)"); in another language the status in words with the value and year it rests on (status_value,
    status_year), which is what the English text says besides its source."""
    if code() == i18n.DEFAULT.code and isinstance(status_text, str):
        return status_text
    words = status_words(status)
    if formatting.missing(value) or formatting.missing(year):
        return words
    return gettext("{status}: {value} in {year}").format(status=words, value=badge_value(float(value), unit or ""),
                                                         year=int(year))


def badge_value(value: float, unit: str) -> str:
    """A badge's value to the English badge's decimals (status_rules.badge_decimals: "0.427" for a parity ratio,
    where a table writes "0.43"), so that the badges of two languages never differ in a digit."""
    digits = status_rules.badge_decimals(unit)
    if unit.startswith("%") and formatting.short_unit(unit) == "%":
        return formatting.percent(value, digits)
    text = formatting.fixed(value, digits)
    return text if not unit or unit == "ratio" or unit.startswith("index") else f"{text} {short_unit(unit)}"

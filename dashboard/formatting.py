"""Numbers and names as text: the one place every page and figure formats a value for reading.

Numbers are written to the precision they have: head counts to thousands or as millions and billions
("508.6 million people", never "508,647,353.5 people" nor "0.0 people"), percentages to one decimal
("72.7 %"), ratios and 0–1 indices to two ("0.85"), other quantities by size. Units and proper names keep
their case ("price of 1 GB … (A4AI)"): `in_sentence` lower-cases only an ordinary first word.

Numbers follow the request's locale (dashboard/i18n.py) through Babel's CLDR data: "72.7 %" in English is "72,7 %"
in French, "2.22 billion" is "2,22 milliards" and "22.18亿" (CLDR's own scales); digits stay Latin in Arabic, as in
the UN's Arabic statistics. English is written by Python's format specs, exactly as before Babel came in.

Dates too: "2026-02-24" in English (as the sources' ids and the downloads write them) is "24 février 2026" in French,
"2026年2月24日" in Chinese, through CLDR's long or medium date formats (`date`).

Downloads (CSV, Parquet, XLSX) never go through here: they keep every digit, for machines.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import NumberPattern, format_compact_decimal, format_decimal, format_scientific, parse_pattern

from dashboard import i18n
from dashboard.i18n import N_
from dashboard.i18n import gettext as _

PEOPLE_UNITS = ("people", "persons")
RATIO_UNITS = ("ratio", "index (0–1)")
# Units with a shorter form in running text.
SHORT_UNITS = {"% of monthly GNI per capita": "% of GNI p.c.", "percentage points": "points"}
# First words that are proper names, kept capitalised mid-sentence.
PROPER_WORDS = {"Internet", "Global", "Africa", "Asia", "Europe"}


# Publishers' observation flags → words (SDMX OBS_STATUS codes and the words publishers use); translated in `flag`.
FLAG_WORDS = {"a": "", "normal": "", "e": N_("estimate"), "estimated": N_("estimate"), "estimate": N_("estimate"),
              "b": N_("break in series"), "break": N_("break in series"), "p": N_("provisional"),
              "provisional": N_("provisional"), "f": N_("forecast"), "forecast": N_("forecast"), "m": N_("missing"),
              "derived": N_("derived")}


def _locale() -> str | None:
    """The request's locale code, or None for English (written with Python's format specs)."""
    locale = i18n.current()
    return None if locale is i18n.DEFAULT else locale.code


# Babel parses a pattern and looks a locale up on every call (~0.1 ms each): both are kept, parsed once.
@cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def _decimal_pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@cache
def _percent_pattern(code: str, decimals: int) -> NumberPattern:
    """The locale's percent pattern ("#,##0 %" in French) with `decimals` places."""
    pattern = _babel_locale(code).percent_formats[None].pattern
    return parse_pattern(pattern.replace("#,##0", "#,##0." + "0" * decimals, 1) if decimals else pattern)


_ENGLISH_SPECS = {places: f",.{places}f" for places in range(4)}  # built once: a spec built per call cost 3 µs


def fixed(value: float, decimals: int) -> str:
    """`value` to `decimals` places with thousands separators: "1,234.5"; "1 234,5" in French."""
    code = _locale()
    if code is None:
        return format(value, _ENGLISH_SPECS[decimals])
    # Decimal(value) is the float's exact value: Babel would round its shortest repr half-even instead (0.7465 →
    # "0,746" beside English's "0.747"), and a number must not change its digits with the language.
    return _decimal_pattern(decimals).apply(Decimal(value), _babel_locale(code))


def fixed_writer(decimals: int) -> Callable[[float], str]:
    """`fixed` to `decimals` places in the current request's locale, as a function: the locale found once for a
    table's column instead of once per cell."""
    code = _locale()
    if code is None:
        spec = _ENGLISH_SPECS[decimals]
        return lambda value: format(value, spec)
    pattern, locale = _decimal_pattern(decimals), _babel_locale(code)
    return lambda value: pattern.apply(Decimal(value), locale)  # exact, as in fixed


def percent(value: float, decimals: int = 1) -> str:
    """A share in percent (72.7 → "72.7 %"), with the locale's percent sign and its spacing ("72,7 %")."""
    code = _locale()
    if code is None:
        return f"{fixed(value, decimals)} %"
    return _percent_pattern(code, decimals).apply(Decimal(value) / 100, _babel_locale(code))  # exact, as in fixed


def _scaled(value: float, digits: int, length: str) -> str:
    """A large number in the locale's words for its scale ("2.22 billion" → "2,22 milliards"; short: "2,22 Md")."""
    return format_compact_decimal(value, format_type=length, locale=_locale(), fraction_digits=digits)


def missing(value) -> bool:
    """None, NaN, pandas' NA or anything not a number."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def people(value: float) -> str:
    """A head count: 2,217,833,000 → "2.22 billion"; 508,647,353.5 → "508.6 million"; 45,312 → "45,000";
    612 → "612"; 0 → "0"."""
    size = abs(value)
    if size >= 1e6 and _locale() is not None:
        return _scaled(value, 2 if size >= 1e9 else 1, "long")
    if size >= 1e9:
        return f"{value / 1e9:,.2f} billion"
    if size >= 1e6:
        return f"{value / 1e6:,.1f} million"
    if size >= 1e4:
        return fixed(round(value, -3), 0)
    return fixed(value, 0)


# Prices in % of monthly GNI per capita are read against the 2 % threshold: one decimal would write 1.96 %
# (met) as "2.0 %" and 2.04 % (not met) the same, so a status could not be checked against its number.
THRESHOLD_UNITS = ("% of monthly GNI per capita",)


def digits(unit: str) -> int:
    """Decimals a value of this unit is read to (hover labels, tables)."""
    if unit in RATIO_UNITS or unit in THRESHOLD_UNITS:
        return 2
    if unit in PEOPLE_UNITS:
        return 0
    return 1


def hover_format(unit: str) -> str:
    """The d3 format of a value of this unit in a plotly hover label (`%{y:<format>}`)."""
    return f",.{digits(unit)}f"


def plain(value: float) -> str:
    """A number of no known unit, by size: 1,234,567 → "1.2 million"; 1,234 → "1,234"; 56.78 → "56.8";
    2.345 → "2.35"; 0.0123 → "0.012"."""
    size = abs(value)
    if size >= 1e6:
        return people(value)
    if size >= 1000:
        return fixed(value, 0)
    if size >= 10:
        return fixed(value, 1)
    if size >= 1 or size == 0:
        return fixed(value, 2)
    if _locale() is not None:
        return format_decimal(value, format="@@", locale=_locale()) if size >= 1e-4 else \
            format_scientific(value, format="0.0E0", locale=_locale())
    return f"{value:,.2g}" if size >= 1e-4 else f"{value:.1e}"


def compact(value: float) -> str:
    """A number for a narrow card, by size: 4.71 bn · 5.52 M · 97,310 · 99.0 · 2.50 · 0.707."""
    size = abs(value)
    if size >= 1e6 and _locale() is not None:
        return _scaled(value, 2, "short")
    if size >= 1e9:
        return f"{value / 1e9:,.2f} bn"
    if size >= 1e6:
        return f"{value / 1e6:,.2f} M"
    if size >= 1000:
        return fixed(value, 0)
    if size >= 10:
        return fixed(value, 1)
    if size >= 1 or size == 0:
        return fixed(value, 2)
    return fixed(value, 3)


def number(value, unit: str) -> str:
    """A value without its unit, to the unit's precision ("72.7", "0.85", "508.6 million"); "no data" when missing."""
    if missing(value):
        return _("no data")
    value = float(value)
    if unit in PEOPLE_UNITS:
        return people(value)
    if unit in RATIO_UNITS or unit in THRESHOLD_UNITS:
        return fixed(value, 2)
    if unit.startswith("%") or unit == "percentage points":
        return fixed(value, 1)
    return plain(value)


def short_unit(unit: str) -> str:
    """The unit as written after a number: "%" for every share, "points", otherwise the unit as is."""
    if unit in SHORT_UNITS:
        return _(SHORT_UNITS[unit])  # msgids of dashboard/localized.py's short_unit
    return "%" if unit.startswith("%") else unit


def value(value, unit: str) -> str:
    """A value with its unit, for reading: "72.7 %", "1.38 % of GNI p.c.", "0.85", "508.6 million people",
    "3.2 points", "45.0 score (0–100)"; "no data" when missing. A ratio or index needs no unit word."""
    text = number(value, unit)
    if missing(value) or unit in RATIO_UNITS or not unit:
        return text
    if short_unit(unit) == "%" and _locale() is not None:  # the locale's percent sign and spacing
        return percent(float(value), 2 if unit in THRESHOLD_UNITS else 1)
    return f"{text} {short_unit(unit)}"


def in_sentence(name: str) -> str:
    """An indicator's name inside a sentence: the first letter lower-cased only when the first word is an
    ordinary word ("Price of 1 GB of mobile data (A4AI)" → "price of 1 GB of mobile data (A4AI)"); acronyms
    (ICT, GNI, E-Government), proper names (Internet) and titles of indices keep their case."""
    if not name:
        return name
    first = re.split(r"[\s,:(]", name, maxsplit=1)[0]
    if (first in PROPER_WORDS or any(letter.isupper() for letter in first[1:]) or " Index" in name
            or not first[:1].isupper()):
        return name
    return name[:1].lower() + name[1:]


def flag(status) -> str:
    """A publisher's observation flag in words, in the request's language ("estimate", "break in series"); "" for a
    normal value; a flag of no known meaning as the publisher gives it."""
    if missing(status) if not isinstance(status, str) else not status.strip():
        return ""
    text = status.strip()
    words = FLAG_WORDS.get(text.lower(), text)
    return _(words) if words else words


def flag_note(status) -> str:
    """The flag as a hover label's suffix: " · estimate"; "" for a normal value."""
    words = flag(status)
    return f" · {words}" if words else ""


def count(value) -> str:
    """A count of things (economies, years, values): 6224 → "6,224"; "no data" when missing."""
    if missing(value):
        return _("no data")
    return f"{int(value):,}" if _locale() is None else fixed(int(value), 0)


def change(difference, unit: str) -> str:
    """A difference between two values of this unit, signed: "+3.6 points" for shares (percentage points),
    "−0.25" for ratios, "+1.2 million people" for head counts; "no data" when missing."""
    if missing(difference):
        return _("no data")
    difference = float(difference)
    text = value(abs(difference), "percentage points" if unit.startswith("%") else unit)
    if not any(digit in "123456789" for digit in number(abs(difference), unit)):
        return text  # rounds to zero: no sign
    return ("+" if difference > 0 else "−") + text


def scale_tick(value: float) -> str:
    """A colour bar's tick at a power of ten, short: "100", "1k", "10M", "1bn"; in the locale's own short scale
    words elsewhere ("1 k", "10 M", "1 Md" in French)."""
    if _locale() is not None:
        return format_compact_decimal(value, format_type="short", locale=_locale()) if value >= 1000 else \
            fixed(value, 0)
    for divisor, suffix in ((1e12, "T"), (1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if value >= divisor:
            return f"{value / divisor:,.0f}{suffix}"
    return f"{value:,.0f}"


def day(moment) -> str:
    """A date in words: "24 February 2026"; "24 février 2026" in French (CLDR's long date)."""
    if _locale() is None:
        return f"{pd.Timestamp(moment):%-d %B %Y}"
    return date(moment)  # the same words as `date` in every other language


def month(moment) -> str:
    """A month and year, short: "Nov 2024"; "nov. 2024" in French (CLDR's yMMM)."""
    stamp = pd.Timestamp(moment)
    if _locale() is None:
        return f"{stamp:%b %Y}"
    return format_skeleton("yMMM", stamp.date(), locale=_locale())


def date(value, width: str = "long") -> str:
    """A day (a date, a timestamp or an ISO text such as a source's vintage or the build's time) for reading, in the
    request's locale: CLDR's "long" format in running text ("24 février 2026", "24 de febrero de 2026",
    "24 فبراير 2026", "2026年2月24日"), "medium" where space is short (tables: "24 févr. 2026"). English keeps ISO 8601
    ("2026-02-24") in both widths: the form the sources' ids (wdi:2026-02-24) and the downloaded files give the same
    day, so that a reader can match them, and one no English reader misreads (CLDR's "en" is American,
    "Feb 24, 2026"). `day` is the same in other languages, for the places whose English writes "24 February 2026".
    "" when there is no date."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    when = pd.Timestamp(value).date()
    code = _locale()
    if code is None:
        return when.isoformat()
    return format_date(when, format=width, locale=_babel_locale(code))

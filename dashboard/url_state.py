"""The Explore view's state as URL query parameters: parsed defensively, written canonically.

A shared link must reproduce the view, and a hand-edited or hostile link must still give a
sensible view plus a notice saying what was ignored, never an error page. The notices are in the request's
language (gettext); what the link held is quoted as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from dashboard.i18n import gettext as _


def N_(message: str) -> str:
    """Marks a string for the catalogues (pybabel extracts N_); translated where it is shown."""
    return message


DEFAULT_INDICATOR = "internet_use"
DEFAULT_COUNTRIES = ("IND", "NGA", "BRA", "NOR")
MAX_COUNTRIES = 12
# A year is shown by default when at least this share of the best-covered year's economies report.
DEFAULT_YEAR_MIN_COVERAGE = 0.5
ISO3 = re.compile(r"[A-Z]{3}")
# A number in a link: ASCII digits only ("²".isdigit() and "١٢".isdigit() are true; int("²") raises), and short
# enough to be a year or a page (int() refuses strings of over 4,300 digits).
ASCII_INT = re.compile(r"[0-9]{1,9}")
ALL_GROUPS = "all"  # the group filter's value for every economy (left out of the URL)
SCALES = ("linear", "log")  # the trend's y axis and the map's colours
# The ranking's orders: (column, descending). The first is the default, left out of the URL.
SORTS = {"value-desc": ("value", True), "value-asc": ("value", False), "name-asc": ("name", False),
         "name-desc": ("name", True)}
DEFAULT_SORT = "value-desc"
# The words a notice names a parameter by (parse_choice's `label`, else its key), translated where shown.
PARAMETER_WORDS = (N_("indicator"), N_("sort order"))


@dataclass(frozen=True)
class ExploreState:
    indicator: str
    year: int
    countries: tuple[str, ...]
    group: str | None = None  # a country_group id; None shows every economy
    scale: str | None = None  # "linear" or "log"; None is the indicator's own (units.yaml map_scale)
    year_from: int | None = None  # the trend's years; None is the indicator's first (or last) year
    year_to: int | None = None
    sort: str = DEFAULT_SORT  # the ranking's order, a key of SORTS


def default_year(coverage: pd.DataFrame) -> int:
    """The latest year reported by at least half as many economies as the best year.

    The newest year of a fresh release often holds a handful of early reporters (10 of 217 for
    Internet use 2025 in the July 2026 WDI); a map of those would look like missing data.
    """
    enough = coverage[coverage["economies"] >= DEFAULT_YEAR_MIN_COVERAGE * coverage["economies"].max()]
    return int(enough["year"].max())


def first(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return (value or "").strip()


def parse_state(params: dict, indicator_ids: list[str], coverage_of, known_countries: set[str],
                known_groups: set[str] | frozenset[str] = frozenset()) -> tuple[ExploreState, list[str]]:
    """Turn query parameters into a valid state; return it with notices about anything ignored.

    `coverage_of(indicator_id)` gives the years with data (columns year, economies); `known_groups` the
    country_group ids the group filter offers.
    """
    notices: list[str] = []
    fallback = DEFAULT_INDICATOR if DEFAULT_INDICATOR in indicator_ids else indicator_ids[0]
    indicator = parse_choice(params, "indicator", indicator_ids, fallback, notices)
    coverage = coverage_of(indicator)
    year = parse_year(params, "year", set(coverage["year"].astype(int)), default_year(coverage), notices)
    countries = parse_codes(params, "countries", known_countries, notices)
    if countries is None:
        countries = tuple(code for code in DEFAULT_COUNTRIES if code in known_countries)
    group = parse_group(params, "group", known_groups, notices)
    scale = first(params.get("scale")) or None
    if scale is not None and scale not in SCALES:
        notices.append(_("Unknown scale “{scale}”: showing the indicator's usual scale (linear or log).").format(
            scale=scale[:20]))
        scale = None
    years = coverage["year"].astype(int)
    year_from, year_to = parse_year_range(params, int(years.min()), int(years.max()), notices)
    sort = parse_choice(params, "sort", list(SORTS), DEFAULT_SORT, notices, label="sort order")
    return ExploreState(indicator, year, countries, group, scale, year_from, year_to, sort), notices


def parse_year_range(params: dict, first_year: int, last_year: int, notices: list[str]
                     ) -> tuple[int | None, int | None]:
    """The trend's ?from=…&to=… within the indicator's years (clamped, swapped when reversed); a value that is not a
    year is dropped with a notice. None for an end left at the indicator's own first or last year."""
    ends = []
    for key in ("from", "to"):
        text = first(params.get(key))
        number = parse_int(text) if text else None
        if text and (number is None or not 1000 <= number <= 3000):
            notices.append(_("Ignored “{key}” year “{year}”: a four-digit year is expected.").format(key=key,
                                                                                                   year=text[:10]))
        ends.append(None if number is None or not 1000 <= number <= 3000 else min(max(number, first_year), last_year))
    low, high = ends
    if low is not None and high is not None and low > high:
        notices.append(_("“from” {first} is after “to” {last}: the two were swapped.").format(first=low, last=high))
        low, high = high, low
    return (None if low == first_year else low), (None if high == last_year else high)


def encode_state(state: ExploreState) -> str:
    """The canonical query string for a state (commas kept readable: ?countries=NOR,NGA)."""
    return encode({"indicator": state.indicator, "year": state.year, "group": state.group,
                   "countries": state.countries, "scale": state.scale, "from": state.year_from, "to": state.year_to,
                   "sort": None if state.sort == DEFAULT_SORT else state.sort})


# --- helpers for every page's own parameters -------------------------------------------------------


def parse_choice(params: dict, key: str, allowed: list[str], default: str, notices: list[str],
                 label: str | None = None) -> str:
    """One value out of `allowed`; anything else falls back to `default` with a notice."""
    value = first(params.get(key))
    if not value:
        return default
    if value in allowed:
        return value
    notices.append(_("Unknown {parameter} “{value}”: showing {default} instead.").format(
        parameter=_(label or key), value=value[:40], default=default))
    return default


def parse_group(params: dict, key: str, known: set[str] | frozenset[str], notices: list[str]) -> str | None:
    """A country group id, or None (every economy) when absent, 'all' or unknown (with a notice)."""
    value = first(params.get(key))
    if not value or value == ALL_GROUPS:
        return None
    if value in known:
        return value
    notices.append(_("Unknown group “{group}”: showing all economies instead.").format(group=value[:40]))
    return None


def parse_codes(params: dict, key: str, known: set[str], notices: list[str], limit: int = MAX_COUNTRIES
                ) -> tuple[str, ...] | None:
    """Comma-separated ISO3 codes: unknown ones dropped with a notice; None when the key is absent."""
    text = first(params.get(key))
    if not text:
        return None
    asked = [code.strip().upper() for code in text.split(",") if code.strip()]
    valid = [code for code in dict.fromkeys(asked) if ISO3.fullmatch(code) and code in known]
    ignored = [code for code in asked if code not in valid]
    if ignored:
        notices.append(_("Ignored unknown country codes: {codes}.").format(
            codes=", ".join(code[:12] for code in ignored[:5])))
    if len(valid) > limit:
        notices.append(_("At most {limit} countries are compared: the first {limit} are shown.").format(limit=limit))
    return tuple(valid[:limit])


def parse_year(params: dict, key: str, years: set[int], default: int, notices: list[str]) -> int:
    text = first(params.get(key))
    if not text:
        return default
    number = parse_int(text)
    if number is not None and number in years:
        return number
    notices.append(_("No data for year “{year}” ({first}–{last} available): showing {default}.").format(
        year=text[:10], first=min(years), last=max(years), default=default))
    return default


def parse_int(text: object) -> int | None:
    """The integer a URL value spells in ASCII digits, else None (the caller's default and notice). Every
    number read from an address goes through here."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    return int(text) if ASCII_INT.fullmatch(text) else None


def encode(params: dict[str, str | int | tuple | list | None]) -> str:
    """A canonical query string; empty values left out, lists joined by commas (kept readable)."""
    clean = {key: ",".join(value) if isinstance(value, list | tuple) else value
             for key, value in params.items() if value not in (None, "", (), [])}
    return f"?{urlencode(clean, safe=',:')}" if clean else ""

"""The Explore view's state as URL query parameters: parsed defensively, written canonically.

A shared link must reproduce the view, and a hand-edited or hostile link must still give a
sensible view plus a notice saying what was ignored, never an error page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

DEFAULT_INDICATOR = "internet_use"
DEFAULT_COUNTRIES = ("IND", "NGA", "BRA", "NOR")
MAX_COUNTRIES = 12
# A year is shown by default when at least this share of the best-covered year's economies report.
DEFAULT_YEAR_MIN_COVERAGE = 0.5
ISO3 = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class ExploreState:
    indicator: str
    year: int
    countries: tuple[str, ...]


def default_year(coverage: pd.DataFrame) -> int:
    """The latest year reported by at least half as many economies as the best year.

    The newest year of a fresh release often holds a handful of early reporters (10 of 217 for
    Internet use 2025 in the July 2026 WDI); a map of those would look like missing data.
    """
    enough = coverage[coverage["economies"] >= DEFAULT_YEAR_MIN_COVERAGE * coverage["economies"].max()]
    return int(enough["year"].max())


def _first(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return (value or "").strip()


def parse_state(params: dict, indicator_ids: list[str], coverage_of, known_countries: set[str]
                ) -> tuple[ExploreState, list[str]]:
    """Turn query parameters into a valid state; return it with notices about anything ignored.

    `coverage_of(indicator_id)` gives the years with data (columns year, economies).
    """
    notices: list[str] = []
    indicator = _first(params.get("indicator"))
    fallback = DEFAULT_INDICATOR if DEFAULT_INDICATOR in indicator_ids else indicator_ids[0]
    if not indicator:
        indicator = fallback
    elif indicator not in indicator_ids:
        notices.append(f"Unknown indicator “{indicator[:40]}”: showing {fallback} instead.")
        indicator = fallback

    coverage = coverage_of(indicator)
    years = set(coverage["year"].astype(int))
    year_text = _first(params.get("year"))
    year = default_year(coverage)
    if year_text:
        if year_text.isdigit() and int(year_text) in years:
            year = int(year_text)
        else:
            notices.append(f"No data for year “{year_text[:10]}” ({min(years)}–{max(years)} available): "
                           f"showing {year}.")

    countries_text = _first(params.get("countries"))
    if countries_text:
        asked = [code.strip().upper() for code in countries_text.split(",") if code.strip()]
        valid = [code for code in dict.fromkeys(asked) if ISO3.fullmatch(code) and code in known_countries]
        ignored = [code for code in asked if code not in valid]
        if ignored:
            shown = ", ".join(code[:12] for code in ignored[:5])
            notices.append(f"Ignored unknown country codes: {shown}.")
        if len(valid) > MAX_COUNTRIES:
            notices.append(f"At most {MAX_COUNTRIES} countries are compared: the first {MAX_COUNTRIES} are shown.")
        countries = tuple(valid[:MAX_COUNTRIES])
    else:
        countries = tuple(code for code in DEFAULT_COUNTRIES if code in known_countries)
    return ExploreState(indicator, year, countries), notices


def encode_state(state: ExploreState) -> str:
    """The canonical query string for a state (commas kept readable: ?countries=NOR,NGA)."""
    query = urlencode({"indicator": state.indicator, "year": state.year, "countries": ",".join(state.countries)},
                      safe=",")
    return f"?{query}"

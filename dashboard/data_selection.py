"""The Data page's selection in its URL, both ways: a query string to a DataState (with notices for a person, or the
errors a /download link answers 400 with) and back. Shared by the page and dashboard/downloads.py."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import parse_qs

from dashboard import data
from dashboard.i18n import gettext as _
from dashboard.queries import common
from dashboard.queries.data_download import (
    BREAKDOWNS,
    SCREEN_CAP,
    DataState,
    breakdown_choices,
    group_choices,
    indicator_choices,
)
from dashboard.url_state import encode, parse_choice, parse_codes, parse_int

DEFAULT_INDICATOR = "internet_use"
PAGE_ROWS = 500  # rows per page of the on-screen table


MAX_INDICATORS = 20


class Known(NamedTuple):
    """What a link may name, as the database knows it."""

    indicators: list[str]  # in the order of the page's list (the first is the fallback of last resort)
    indicator_set: frozenset[str]
    countries: frozenset[str]
    groups: list[str]
    group_set: frozenset[str]
    breakdowns: dict[str, list[str]]  # by BREAKDOWNS key: "all" and the values the database has


@data.per_version
def known() -> Known:
    """Once per database version: read from the choices' frames per request, these were a third of the Data page's
    reading of its address. Callers must not change it."""
    indicators = indicator_choices()["indicator_id"].tolist()
    groups = group_choices()["group_id"].tolist()
    choices = breakdown_choices()
    return Known(indicators, frozenset(indicators), frozenset(common.countries()["iso3"].tolist()), groups,
                 frozenset(groups), {key: ["all", *choices[key]] for key in BREAKDOWNS})


def _first(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return (value or "").strip()


def _parse_year(params: dict, key: str, label: str, notices: list[str]) -> int | None:
    text = _first(params.get(key))
    if not text:
        return None
    year = parse_int(text)
    if year is not None and 1900 <= year <= 2100:
        return year
    notices.append(_("Ignored “{key}” year “{text}”: a four-digit year is expected.").format(key=label,
                                                                                                text=text[:10]))
    return None


def parse_params(params: dict) -> tuple[DataState, list[str]]:
    """Query parameters → a valid selection, with notices for anything ignored (never an error)."""
    notices: list[str] = []
    choices = known()
    asked = [part.strip() for part in _first(params.get("indicator")).split(",") if part.strip()]
    indicators = tuple(dict.fromkeys(part for part in asked if part in choices.indicator_set))
    unknown = [part for part in asked if part not in choices.indicator_set]
    if unknown:
        notices.append(_("Ignored unknown indicators: {indicators}.").format(
            indicators=", ".join(part[:40] for part in unknown[:5])))
    if len(indicators) > MAX_INDICATORS:
        notices.append(_("At most {count} indicators at once: the first {count} are used.").format(
            count=MAX_INDICATORS))
        indicators = indicators[:MAX_INDICATORS]
    if not indicators:
        fallback = DEFAULT_INDICATOR if DEFAULT_INDICATOR in choices.indicator_set else choices.indicators[0]
        if asked:
            notices.append(_("No known indicator in the link: showing {indicator}.").format(indicator=fallback))
        indicators = (fallback,)
    countries = parse_codes(params, "countries", choices.countries, notices, limit=len(choices.countries)) or ()
    group = parse_choice(params, "group", choices.groups, "", notices) or None
    if countries and group:
        notices.append(_("Both countries and a group were given: the countries are used."))
        group = None
    year_from = _parse_year(params, "from", "from", notices)
    year_to = _parse_year(params, "to", "to", notices)
    if year_from is not None and year_to is not None and year_from > year_to:
        notices.append(_("“from” {low} is after “to” {high}: the two were swapped.").format(low=year_from,
                                                                                            high=year_to))
        year_from, year_to = year_to, year_from
    breakdown = {key: parse_choice(params, key, choices.breakdowns[key], "total", notices) for key in BREAKDOWNS}
    page = parse_int(_first(params.get("page")))
    page = page if page is not None and 0 < page <= SCREEN_CAP // PAGE_ROWS else 1
    return DataState(indicators, countries, group, year_from, year_to, page=page, **breakdown), notices


def encode_params(state: DataState) -> str:
    """The canonical query string (breakdowns and page only when not the default)."""
    return encode({
        "indicator": state.indicators, "countries": state.countries, "group": state.group,
        "from": state.year_from, "to": state.year_to,
        **{key: getattr(state, key) for key in BREAKDOWNS if getattr(state, key) != "total"},
        "page": state.page if state.page > 1 else None,
    })


def query_errors(params: dict) -> list[str]:
    """What a download link asks for that the database does not know (a download answers 400 with these; the
    page, for a person, shows notices and a default instead). No indicator at all means the default one."""
    errors = []
    choices = known()
    asked = [part.strip() for part in _first(params.get("indicator")).split(",") if part.strip()]
    unknown = [part for part in asked if part not in choices.indicator_set]
    if unknown:
        errors.append(_("unknown indicator {indicators}").format(
            indicators=", ".join(part[:40] for part in unknown[:5])))
    if len(set(asked)) > MAX_INDICATORS:
        errors.append(_("at most {count} indicators at once").format(count=MAX_INDICATORS))
    codes = [code.strip().upper() for code in _first(params.get("countries")).split(",") if code.strip()]
    unknown = [code for code in codes if code not in choices.countries]
    if unknown:
        errors.append(_("unknown country {codes}").format(codes=", ".join(code[:10] for code in unknown[:5])))
    group = _first(params.get("group"))
    if group and group not in choices.group_set:
        errors.append(_("unknown group {group}").format(group=group[:40]))
    for key in ("from", "to"):
        text = _first(params.get(key))
        if text and not 1900 <= (parse_int(text) or 0) <= 2100:
            errors.append(_("“{key}” is not a four-digit year: {text}").format(key=key, text=text[:10]))
    for key in BREAKDOWNS:
        text = _first(params.get(key))
        if text and text not in choices.breakdowns[key]:
            errors.append(_("unknown {key} {value}").format(key=key, value=text[:20]))
    return errors


def state_from_query(query: str | None) -> DataState:
    """The selection a canonical query string (the page's Store) stands for."""
    params = {key: values[0] for key, values in parse_qs((query or "").lstrip("?")).items()}
    return parse_params(params)[0]

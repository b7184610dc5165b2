"""Rules every build must pass before it is published. Each check returns problems, never raises,
so one failed build reports everything wrong at once."""

from __future__ import annotations

from datetime import date

import pandas as pd

from etl.tidy import AGES, AREAS, SEXES
from indicators import Catalogue

FIRST_PLAUSIBLE_YEAR = 1960
OBSERVATION_KEY = ["indicator_id", "iso3", "year", "sex", "area", "age"]


def _examples(frame: pd.DataFrame, columns: list[str], limit: int = 3) -> str:
    rows = frame[columns].head(limit).astype(str).agg(" ".join, axis=1)
    return ", ".join(rows)


def check_countries(country: pd.DataFrame, min_economies: int) -> list[str]:
    problems = []
    if len(country) < min_economies:
        problems.append(f"country: only {len(country)} economies, expected at least {min_economies}")
    bad_codes = country[~country["iso3"].str.fullmatch(r"[A-Z]{3}")]
    if len(bad_codes):
        problems.append(f"country: malformed codes {_examples(bad_codes, ['iso3'])}")
    dupes = country[country["iso3"].duplicated()]
    if len(dupes):
        problems.append(f"country: duplicate codes {_examples(dupes, ['iso3'])}")
    return problems


def check_observations(obs: pd.DataFrame, country: pd.DataFrame, catalogue: Catalogue,
                       today: date | None = None) -> list[str]:
    """Keys unique, codes known, years plausible, values within their unit's range."""
    problems = []
    last_year = (today or date.today()).year
    dupes = obs[obs.duplicated(OBSERVATION_KEY, keep=False)]
    if len(dupes):
        problems.append(f"observation: {len(dupes)} rows share a key, e.g. {_examples(dupes, OBSERVATION_KEY)}")
    unknown = obs[~obs["iso3"].isin(country["iso3"])]
    if len(unknown):
        problems.append(f"observation: {len(unknown)} rows for codes not in country, e.g. "
                        f"{_examples(unknown.drop_duplicates('iso3'), ['iso3'])}")
    years = obs[(obs["year"] < FIRST_PLAUSIBLE_YEAR) | (obs["year"] > last_year)]
    if len(years):
        problems.append(f"observation: {len(years)} rows outside {FIRST_PLAUSIBLE_YEAR}–{last_year}, e.g. "
                        f"{_examples(years, ['raw_file', 'iso3', 'year'])}")
    missing = obs[obs["value"].isna()]
    if len(missing):
        problems.append(f"observation: {len(missing)} empty values, e.g. "
                        f"{_examples(missing, ['raw_file', 'iso3', 'year'])}")
    for indicator_id, rows in obs.groupby("indicator_id"):
        unit = catalogue.indicators[indicator_id].unit
        low = rows["value"] < unit.min if unit.min is not None else False
        high = rows["value"] > unit.max if unit.max is not None else False
        out = rows[low | high]
        if len(out):
            problems.append(
                f"{out['raw_file'].iloc[0]}: {len(out)} values of {indicator_id} outside "
                f"{unit.min}–{unit.max} ({unit.label}), e.g. {_examples(out, ['iso3', 'year', 'value'])}"
            )
    return problems


def check_coverage(obs: pd.DataFrame, catalogue: Catalogue) -> list[str]:
    """A series covering under half of its usual economies is a broken or truncated file."""
    problems = []
    totals = obs[(obs["sex"] == "total") & (obs["area"] == "total") & (obs["age"] == "total")]
    covered = totals.groupby("indicator_id")["iso3"].nunique()
    for indicator_id, economies in covered.items():
        usual = catalogue.indicators[indicator_id].usual_economies
        if usual and economies < usual / 2:
            problems.append(f"{indicator_id}: {economies} economies, under half of the usual {usual} "
                            f"({totals.loc[totals['indicator_id'] == indicator_id, 'raw_file'].iloc[0]})")
    return problems


def check_breakdowns(obs: pd.DataFrame) -> list[str]:
    """sex, area and age use the shared vocabulary (etl/tidy.py)."""
    problems = []
    for column, allowed in (("sex", SEXES), ("area", AREAS), ("age", AGES)):
        odd = sorted(set(obs[column]) - allowed)
        if odd:
            problems.append(f"observation: unknown {column} values {odd}")
    return problems

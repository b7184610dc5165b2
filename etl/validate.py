"""Rules every build must pass before it is published. Each check returns problems, never raises,
so one failed build reports everything wrong at once, one line per problem.

Every parsed file is checked on its own before the choice between copies (check_files,
check_file_aggregates, check_file_coverage), so a broken copy fails the build even where another
copy would win; the chosen rows are then checked together (keys, codes, coverage, vocabulary)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from etl.country_names import LOCALES
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


def check_country_names(names: pd.DataFrame, country: pd.DataFrame) -> list[str]:
    """Every economy has a non-empty name in each of the six UN languages (etl/country_names.py)."""
    named = names[names["name"].fillna("").str.strip() != ""]
    have = set(zip(named["iso3"], named["locale"], strict=True))
    missing = [f"{iso3}/{locale}" for iso3 in country["iso3"] for locale in LOCALES if (iso3, locale) not in have]
    return [f"country_name: no name for {len(missing)} economy/locale pairs, e.g. {', '.join(missing[:5])}"
            ] if missing else []


def _out_of_range(raw_file: str, rows: pd.DataFrame, catalogue: Catalogue, what: str, where: str) -> list[str]:
    """One problem per indicator of a file with values outside its unit's range."""
    problems = []
    for indicator_id, series in rows.groupby("indicator_id", sort=True):
        unit = catalogue.indicators[indicator_id].unit
        low = series["value"] < unit.min if unit.min is not None else False
        high = series["value"] > unit.max if unit.max is not None else False
        out = series[low | high]
        if len(out):
            problems.append(f"{raw_file}: {len(out)} {what} of {indicator_id} outside {unit.min}–{unit.max} "
                            f"({unit.label}), e.g. {_examples(out, [where, 'year', 'value'])}")
    return problems


def check_files(obs: pd.DataFrame, catalogue: Catalogue, today: date | None = None) -> list[str]:
    """Every parsed file on its own, before the choice between copies (etl/choose.py), so a broken copy
    fails the build even where another copy would win: keys unique within the file, years plausible,
    no empty values, values within their unit's range. Each problem names its file."""
    problems = []
    last_year = (today or date.today()).year
    for raw_file, rows in obs.groupby("raw_file", sort=True):
        dupes = rows[rows.duplicated(OBSERVATION_KEY, keep=False)]
        if len(dupes):
            problems.append(f"{raw_file}: {len(dupes)} rows share a key, e.g. {_examples(dupes, OBSERVATION_KEY)}")
        years = rows[(rows["year"] < FIRST_PLAUSIBLE_YEAR) | (rows["year"] > last_year)]
        if len(years):
            problems.append(f"{raw_file}: {len(years)} rows outside {FIRST_PLAUSIBLE_YEAR}–{last_year}, e.g. "
                            f"{_examples(years, ['indicator_id', 'iso3', 'year'])}")
        missing = rows[rows["value"].isna()]
        if len(missing):
            problems.append(f"{raw_file}: {len(missing)} empty values, e.g. "
                            f"{_examples(missing, ['indicator_id', 'iso3', 'year'])}")
        problems += _out_of_range(raw_file, rows, catalogue, "values", "iso3")
    return problems


def check_file_aggregates(ref: pd.DataFrame, catalogue: Catalogue, today: date | None = None) -> list[str]:
    """The publisher aggregates of every file (published_aggregate), before copies are deduplicated:
    years plausible, values within their unit's range. Each problem names its file."""
    problems = []
    last_year = (today or date.today()).year
    ref = ref[ref["value"].notna()]
    for raw_file, rows in ref.groupby("raw_file", sort=True):
        years = rows[(rows["year"] < FIRST_PLAUSIBLE_YEAR) | (rows["year"] > last_year)]
        if len(years):
            problems.append(f"{raw_file}: {len(years)} aggregates outside {FIRST_PLAUSIBLE_YEAR}–{last_year}, e.g. "
                            f"{_examples(years, ['indicator_id', 'group_code', 'year'])}")
        problems += _out_of_range(raw_file, rows, catalogue, "aggregates", "group_code")
    return problems


def check_file_coverage(obs: pd.DataFrame, catalogue: Catalogue,
                        skip: set[tuple[str, str]] = frozenset()) -> dict[str, list[str]]:
    """Each file on its own: its best year must cover at least half of the series' usual economies,
    unless the catalogue marks its dataset `partial` for that series (a table of a few economies).
    Returns indicator → problems; (raw_file, indicator) pairs in `skip` are already reported."""
    problems: dict[str, list[str]] = {}
    datasets = obs.drop_duplicates("raw_file").set_index("raw_file")["dataset"]
    for (indicator_id, raw_file), economies in best_year_economies(obs, ["indicator_id", "raw_file"]).items():
        indicator = catalogue.indicators[indicator_id]
        usual = indicator.usual_economies
        if ((raw_file, indicator_id) not in skip and datasets[raw_file] not in indicator.partial_from
                and usual and economies < usual / 2):
            problems.setdefault(indicator_id, []).append(
                f"{raw_file}: its best year covers {economies} economies of {indicator_id}, under half of the "
                f"usual {usual}: truncated or broken?")
    return problems


def check_observations(obs: pd.DataFrame, country: pd.DataFrame) -> list[str]:
    """The chosen rows together (each file already passed check_files): keys unique, codes known."""
    problems = []
    dupes = obs[obs.duplicated(OBSERVATION_KEY, keep=False)]
    if len(dupes):
        problems.append(f"observation: {len(dupes)} rows share a key, e.g. "
                        f"{_examples(dupes, [*OBSERVATION_KEY, 'raw_file'])}")
    unknown = obs[~obs["iso3"].isin(country["iso3"])]
    if len(unknown):
        problems.append(f"observation: {len(unknown)} rows for codes not in country, e.g. "
                        f"{_examples(unknown.drop_duplicates('iso3'), ['raw_file', 'iso3'])}")
    return problems


def best_year_economies(obs: pd.DataFrame, by: list[str]) -> pd.Series:
    """Economies with a total value in the best year (the year most economies report), per `by` group."""
    totals = obs[(obs["sex"] == "total") & (obs["area"] == "total") & (obs["age"] == "total")
                 & obs["value"].notna()]
    return totals.groupby([*by, "year"])["iso3"].nunique().groupby(level=list(range(len(by)))).max()


def check_coverage(obs: pd.DataFrame, catalogue: Catalogue, skip: set[str] = frozenset()) -> list[str]:
    """A series whose best year covers under half of its usual economies is a broken or truncated file.

    `usual_economies` (the catalogue) is the best year of the series built from the real raw files;
    indicators in `skip` already have a coverage problem reported (a file's, or etl/choose.py's rule).
    """
    problems = []
    totals = obs[(obs["sex"] == "total") & (obs["area"] == "total") & (obs["age"] == "total")]
    for indicator_id, economies in best_year_economies(obs, ["indicator_id"]).items():
        usual = catalogue.indicators[indicator_id].usual_economies
        if indicator_id not in skip and usual and economies < usual / 2:
            files = sorted(set(totals.loc[totals["indicator_id"] == indicator_id, "raw_file"]))
            problems.append(f"{indicator_id}: {economies} economies in its best year, under half of the usual "
                            f"{usual} ({', '.join(files)})")
    return problems


def check_breakdowns(obs: pd.DataFrame) -> list[str]:
    """sex, area and age use the shared vocabulary (etl/tidy.py); each problem names its file."""
    problems = []
    for column, allowed in (("sex", SEXES), ("area", AREAS), ("age", AGES)):
        odd = obs[~obs[column].isin(allowed)]
        for raw_file, rows in odd.groupby("raw_file", sort=True):
            problems.append(f"{raw_file}: unknown {column} values {sorted(set(rows[column]))}")
    return problems

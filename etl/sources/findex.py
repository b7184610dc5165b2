"""World Bank Global Findex Database (dataset `findex`): the database CSV, one row per economy, wave and group.

Layout (checked on `raw/worldbank/findex/GlobalFindexDatabase2025_columnsubset.csv` in
../shared/data/raw): UTF-8, 35 columns; identifiers `countrynewwb, codewb, year, pop_adult,
regionwb24_hi, incomegroupwb24, group, group2`, then one column per series (`account_t_d`,
`mobileaccount_t_d`, `fin26a`, …; the glossary writes them with dots, `account.t.d`). Values are
shares 0–1 ("0.940..."), missing ones the text "NA". `group`/`group2` give the population the row
describes: all/all, gender men/women, urbanicity rural/urban (2024 only), age_cat "ages 15-24"/"age 25+",
income, education, labour force. Findex's aggregates (WLD, LMY, HIC, EAP, SSA, … — not WDI's codes
EAS, SSF) have "NA" for region and income group; that is how they are told from economies.
The file states no release date (Findex 2025 came out in July 2025, which the file does not say).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames, observations, reference

DATASET = "findex"
FILE_PATTERN = "GlobalFindexDatabase*.csv"
REQUIRED = ["countrynewwb", "codewb", "year", "group", "group2"]
# Identifier columns; the region and income-group columns carry the classification year (…wb24).
ID_COLUMNS = {"countrynewwb", "codewb", "year", "pop_adult", "group", "group2"}
ID_PATTERN = re.compile(r"(regionwb|incomegroupwb)\w*")
REGION_PATTERN = re.compile(r"regionwb\w*")
MISSING = {"NA", ""}

# (group, group2) → the contract's breakdown; "all" is everyone aged 15+, the series' own population.
BREAKDOWNS: dict[tuple[str, str], dict[str, str]] = {
    ("all", "all"): {},
    ("gender", "women"): {"sex": "female"},
    ("gender", "men"): {"sex": "male"},
    ("urbanicity", "urban"): {"area": "urban"},
    ("urbanicity", "rural"): {"area": "rural"},
    ("age_cat", "ages 15-24"): {"age": "15-24"},
    ("age_cat", "age 25+"): {"age": "25+"},
}
# Groups with no column in the contract (sex, area and age only), skipped with a warning.
NOT_CARRIED = {"income": "income (poorest 40% / richest 60%)", "education": "education",
               "laborforce": "labour-force status"}


def find_files(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.rglob(FILE_PATTERN) if p.is_file())


def read_database(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """One Findex CSV → (observations, reference, warnings), values as percentages."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as CSV: {exc}") from exc
    missing = [c for c in REQUIRED if c not in table.columns]
    region_columns = [c for c in table.columns if REGION_PATTERN.fullmatch(c)]
    if not region_columns:
        missing.append("regionwb<yy>_hi")
    if missing:
        raise RawFileError(path, f"not a Global Findex database file: missing columns {missing}")
    series = [c for c in table.columns if c not in ID_COLUMNS and not ID_PATTERN.fullmatch(c)]
    if not series:
        raise RawFileError(path, "no series columns after the identifiers")
    table = table.apply(lambda column: column.str.strip())
    if table["codewb"].eq("").any():
        raise RawFileError(path, f"{int(table['codewb'].eq('').sum())} rows with an empty codewb")
    warnings: list[str] = []

    pairs = list(zip(table["group"], table["group2"], strict=True))
    known = pd.Series([pair in BREAKDOWNS for pair in pairs], index=table.index)
    for group, rows in table[~known].groupby("group"):
        why = (f"no {NOT_CARRIED[group]} breakdown in the data model" if group in NOT_CARRIED
               else "a population group this parser does not know")
        values = ", ".join(sorted(rows["group2"].unique()))
        warnings.append(f"{path}: skipped {len(rows)} rows of group {group!r} ({values}): {why}")
    table = table[known]

    year = pd.to_numeric(table["year"], errors="coerce")
    if year.isna().any() or (year % 1 != 0).any():
        raise RawFileError(path, f"unreadable years, e.g. {table.loc[year.isna() | (year % 1 != 0), 'year'].iloc[0]!r}")
    kept = [BREAKDOWNS[pair] for pair in zip(table["group"], table["group2"], strict=True)]
    breakdown = pd.DataFrame({column: [b.get(column, "total") for b in kept] for column in ("sex", "area", "age")},
                             index=table.index, dtype=str)
    wide = pd.concat([table[["codewb", "countrynewwb", region_columns[0]]], breakdown,
                      year.astype(int).rename("year"), table[series]], axis=1)
    long = wide.melt(id_vars=["codewb", "countrynewwb", region_columns[0], "sex", "area", "age", "year"],
                     value_vars=series, var_name="source_code", value_name="cell")
    long = long[~long["cell"].isin(MISSING)]
    share = pd.to_numeric(long["cell"], errors="coerce")
    bad = long[share.isna()]
    if len(bad):
        first = bad.iloc[0]
        raise RawFileError(path, f"{len(bad)} non-numeric cells, e.g. {first['codewb']} {first['year']} "
                                 f"{first['source_code']} = {first['cell']!r}")
    # Findex publishes shares (KEN account_t_d 2024, men: 0.94); a value above 1 means the file is
    # already in percent or is not the Findex layout, and ×100 would be wrong.
    over = long[(share < 0) | (share > 1)]
    if len(over):
        first = over.iloc[0]
        raise RawFileError(path, f"{len(over)} values outside the 0–1 shares Findex publishes, e.g. "
                                 f"{first['codewb']} {first['year']} {first['source_code']} = {first['cell']!r}")
    long = long.assign(value=(share * 100).round(9), raw_file=str(path))
    key = ["source_code", "codewb", "year", "sex", "area", "age"]
    dupes = long[long.duplicated(key, keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise RawFileError(path, f"{len(dupes)} rows share a key, e.g. {first['codewb']} {first['year']} "
                                 f"{first['source_code']}")
    # Aggregates have no region (12 codes in the 2025 file); TWN has one and is left to the mapping.
    is_aggregate = long[region_columns[0]].isin(MISSING)
    obs = observations(long[~is_aggregate].rename(columns={"codewb": "entity"}))
    ref = reference(long[is_aggregate].rename(columns={"codewb": "group_code", "countrynewwb": "group_name"}))
    return obs, ref, warnings


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every Global Findex database CSV below `raw_dir`, as one dataset."""
    paths = find_files(raw_dir)
    if not paths:
        return []
    obs, ref, files = [], [], []
    warnings: list[str] = []
    for path in paths:
        o, r, w = read_database(path)
        obs.append(o)
        ref.append(r)
        warnings += w
        # The 2025 file found is a third party's cut of the publisher's GlobalFindexDatabase2025.csv
        # to 35 columns (values unchanged): ranked as a republication, so the full original wins.
        republication = "subset" in path.stem.lower()
        files.append(RawFile(path, None, republication=republication))
        warnings.append(f"{path}: the file states no release date, so its vintage is unknown"
                        + ("; a third party's column subset of the publisher's file" if republication else ""))
    return [SourceFrames(dataset=DATASET, entity_kind="iso3", observations=pd.concat(obs, ignore_index=True),
                         reference=pd.concat(ref, ignore_index=True), files=files, warnings=warnings)]

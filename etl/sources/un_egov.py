"""UN DESA E-Government Development Index (dataset `un_egov`): the `EGOV_DATA_<year>.csv` downloads.

Layout (checked on the 11 editions 2003–2022 in ../shared/data/raw/un_egov): UTF-8, comma-separated,
one row per UN member state (193), columns `Survey Year, Country Name, E-Government Rank,
E-Government Index, E-Participation Index, Online Service Index, Human Capital Index,
Telecommunication Infrastructure Index`. Names are quoted with a trailing space ("Iraq "), in the
UN's order, without ISO codes (mapped by name; etl/mappings/un_egov.yaml). Each file is one survey
edition and states its year in `Survey Year`; no file states a release date.

Quirks met (measured on the files):
- Editions 2003–2010 carry states not yet surveyed (Montenegro, South Sudan) as rows of zeros with
  an empty rank: dropped.
- An EGDI of 0 next to non-zero components is the survey's "not computed" mark (no online presence
  or missing data, e.g. Monaco 2008 with OSI 0.38, TII 0.61; Libya, CAR, Guinea 2012): dropped.
- Up to 2010 the Human Capital and Telecommunication Infrastructure indices were ratios to
  benchmarks, so a 0 is missing data (Liechtenstein HCI 2003; Palau TII 2003–2008): dropped. From
  2012 every component is min–max scaled and the lowest state scores exactly 0 (Somalia HCI): kept.
  Zero Online Service / E-Participation scores are measurements (nothing found online): kept.
- EGOV_DATA_2003.csv gives Human Capital 1.422 (Micronesia) and 1.03 (Tuvalu) on a 0–1 index:
  dropped, with the EGDI computed from them (Micronesia 0.52648).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames, observations

DATASET = "un_egov"
FILE_PATTERN = "EGOV_DATA_*.csv"
YEAR_COLUMN = "Survey Year"
NAME_COLUMN = "Country Name"
RANK_COLUMN = "E-Government Rank"
# The file's columns → our stable codes (the survey's own abbreviations).
INDEX_COLUMNS = {
    "E-Government Index": "EGDI",
    "Online Service Index": "OSI",
    "Human Capital Index": "HCI",
    "Telecommunication Infrastructure Index": "TII",
    "E-Participation Index": "EPI",
}
COMPONENTS = ["OSI", "HCI", "TII"]  # EGDI is their mean (exactly so from 2014)
FIRST_MIN_MAX_EDITION = 2012  # from this edition a component's 0 is the lowest state, not missing data
ZERO_MEANS_MISSING_BEFORE = ("HCI", "TII")


def find_files(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.rglob(FILE_PATTERN) if p.is_file())


def _numbers(table: pd.DataFrame, columns: list[str], path: Path) -> pd.DataFrame:
    """The columns as floats (empty → NaN); any other text is a layout error naming the cell."""
    out = {}
    for column in columns:
        text = table[column].str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = text[(text != "") & values.isna()]
        if len(bad):
            row = bad.index[0]
            raise RawFileError(path, f"non-numeric {column!r} {bad.iloc[0]!r} for "
                                     f"{table.loc[row, NAME_COLUMN].strip()!r} (line {row + 2})")
        out[column] = values
    return pd.DataFrame(out, index=table.index)


def read_edition(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """One edition in long form (source_code, entity, year, value) and what was dropped, and why."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as CSV: {exc}") from exc
    missing = [c for c in [YEAR_COLUMN, NAME_COLUMN, RANK_COLUMN, *INDEX_COLUMNS] if c not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    if table.empty:
        raise RawFileError(path, "no rows")
    years = table[YEAR_COLUMN].str.strip().unique()
    if len(years) != 1 or not re.fullmatch(r"\d{4}", years[0]):
        raise RawFileError(path, f"expected one four-digit {YEAR_COLUMN!r}, found {sorted(years)[:5]}")
    year = int(years[0])
    named = re.search(r"EGOV_DATA_(\d{4})", path.name)
    if named and int(named.group(1)) != year:
        raise RawFileError(path, f"file name says {named.group(1)} but {YEAR_COLUMN!r} is {year}")
    names = table[NAME_COLUMN].str.strip()
    if (names == "").any():
        raise RawFileError(path, f"empty {NAME_COLUMN!r} on line {int((names == '').idxmax()) + 2}")
    if names.duplicated().any():
        raise RawFileError(path, f"duplicate countries {sorted(names[names.duplicated()])[:5]}")

    values = _numbers(table, [RANK_COLUMN, *INDEX_COLUMNS], path).rename(columns=INDEX_COLUMNS)
    values.index = names
    notes: list[str] = []
    indices = values[list(INDEX_COLUMNS.values())]
    unsurveyed = values[RANK_COLUMN].isna() & indices.fillna(0).eq(0).all(axis=1)
    if unsurveyed.any():
        notes.append(f"{year}: {', '.join(names[unsurveyed.to_numpy()])} not yet surveyed "
                     "(unranked rows of zeros): dropped")
    indices = indices[~unsurveyed.to_numpy()].copy()

    out_of_range = indices.gt(1) | indices.lt(0)
    for (name, code), value in indices.where(out_of_range).stack().dropna().items():
        notes.append(f"{year}: {name} {code} = {value} lies outside the index's 0–1 range: "
                     "dropped, with the EGDI computed from it")
    rows_out = out_of_range.any(axis=1)
    indices = indices.mask(out_of_range)
    indices.loc[rows_out, "EGDI"] = float("nan")

    not_computed = indices["EGDI"].eq(0) & indices[COMPONENTS].fillna(0).ne(0).any(axis=1)
    if not_computed.any():
        notes.append(f"{year}: EGDI 0 beside non-zero components (not computed) for {int(not_computed.sum())} "
                     "states: dropped")
        indices.loc[not_computed, "EGDI"] = float("nan")
    if year < FIRST_MIN_MAX_EDITION:
        zeros = indices[list(ZERO_MEANS_MISSING_BEFORE)].eq(0)
        if zeros.any().any():
            counts = ", ".join(f"{code} {int(n)}" for code, n in zeros.sum().items() if n)
            notes.append(f"{year}: zero {counts} (missing data before the {FIRST_MIN_MAX_EDITION} min–max "
                         "scaling): dropped; the EGDI the survey computed with them is kept as published")
            indices[list(ZERO_MEANS_MISSING_BEFORE)] = indices[list(ZERO_MEANS_MISSING_BEFORE)].mask(zeros)

    long = indices.rename_axis("entity").reset_index().melt(
        id_vars="entity", var_name="source_code", value_name="value").dropna(subset=["value"])
    return long.assign(year=year, raw_file=str(path)), notes


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every EGOV_DATA_<year>.csv below raw_dir as one dataset; [] when there is none."""
    paths = find_files(raw_dir)
    if not paths:
        return []
    frames, warnings = [], []
    for path in paths:
        frame, notes = read_edition(path)
        frames.append(frame)
        warnings += notes
    years = sorted({int(f["year"].iloc[0]) for f in frames if len(f)})
    if len(years) < len(paths):
        warnings.append(f"{len(paths)} files give only {len(years)} survey years: the same edition twice")
    return [SourceFrames(
        dataset=DATASET,
        entity_kind="name",
        observations=observations(pd.concat(frames, ignore_index=True)),
        files=[RawFile(path, None) for path in paths],  # the downloads state no release date
        warnings=warnings,
    )]

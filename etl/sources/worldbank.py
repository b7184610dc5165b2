"""World Bank World Development Indicators: the per-indicator bulk CSV downloads.

Layout of `API_<code>_DS2_en_csv_v2_<n>.csv` (checked on the files in ../shared/data/raw):
UTF-8 with BOM, four preamble lines ("Data Source", blank, "Last Updated Date", blank), then
a wide table `Country Name, Country Code, Indicator Name, Indicator Code, 1960, …` whose lines
end with a comma (an empty last column). `Metadata_Country_*.csv` beside it gives each code's
Region and IncomeGroup; codes with no Region are aggregates (WLD, HIC, SSF, …).
A copy re-saved by Excel writes the date as 7/13/2026 and pads the preamble with commas.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from etl import tidy
from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames

SOURCE_KEY = "wdi"
BULK_PATTERN = "API_*_DS2_*.csv"
METADATA_PATTERN = "Metadata_Country_*.csv"
ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
METADATA_COLUMNS = ["Country Code", "Region", "IncomeGroup", "TableName"]
RAW_SUBDIR = Path("worldbank") / "wdi_bulk_indicator_csv"


@dataclass(frozen=True)
class BulkFile:
    """One parsed indicator file: long-format values plus what identifies its vintage."""

    path: Path
    indicator_code: str
    vintage: date
    original_layout: bool  # False when a spreadsheet program re-saved the download
    values: pd.DataFrame  # columns: code, name, year, value (codes include aggregates)


@dataclass(frozen=True)
class CountryMetadata:
    path: Path
    vintage: date | None
    table: pd.DataFrame  # columns: code, region, income_group, name


def _parse_vintage(text: str, path: Path) -> tuple[date, bool]:
    """The "Last Updated Date" cell: ISO in the original download, M/D/YYYY after an Excel save."""
    text = text.strip()
    for fmt, original in (("%Y-%m-%d", True), ("%m/%d/%Y", False)):
        try:
            return datetime.strptime(text, fmt).date(), original
        except ValueError:
            continue
    raise RawFileError(path, f"unreadable 'Last Updated Date' {text!r}")


def _read_preamble(path: Path) -> tuple[date, bool]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            head = [next(csv.reader([handle.readline()]), []) for _ in range(4)]
    except (OSError, UnicodeDecodeError) as exc:
        raise RawFileError(path, f"cannot read as UTF-8 text ({exc})") from exc
    if not head[0] or head[0][0] != "Data Source" or not head[2] or head[2][0] != "Last Updated Date":
        raise RawFileError(
            path, "not a World Bank bulk download: expected the 'Data Source' and 'Last Updated Date' preamble"
        )
    if len(head[2]) < 2:
        raise RawFileError(path, "the 'Last Updated Date' line has no date")
    vintage, iso_date = _parse_vintage(head[2][1], path)
    # The original quotes every preamble cell and ends the line after the date cell.
    original = iso_date and len([c for c in head[0] if c]) == len(head[0]) - 1
    return vintage, original


def read_bulk_file(path: Path) -> BulkFile:
    """Parse one `API_<code>_DS2_…csv` into long format; raise RawFileError on any layout problem."""
    vintage, original = _read_preamble(path)
    try:
        wide = pd.read_csv(path, skiprows=4, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse the table: {exc}") from exc
    missing = [col for col in ID_COLUMNS if col not in wide.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    year_columns = [col for col in wide.columns if re.fullmatch(r"\d{4}", str(col))]
    if not year_columns:
        raise RawFileError(path, "no year columns (1960, 1961, …)")
    codes = wide["Indicator Code"].unique()
    if len(codes) != 1:
        raise RawFileError(path, f"expected one indicator, found {sorted(codes)[:5]}")
    indicator_code = str(codes[0])
    if f"API_{indicator_code}_" not in path.name:
        raise RawFileError(path, f"file name does not match its indicator code {indicator_code}")

    long = wide.melt(id_vars=["Country Code", "Country Name"], value_vars=year_columns,
                     var_name="year", value_name="cell")
    long = long[long["cell"].str.strip() != ""]
    values = pd.to_numeric(long["cell"], errors="coerce")
    bad = long[values.isna()]
    if len(bad):
        first = bad.iloc[0]
        raise RawFileError(
            path, f"{len(bad)} non-numeric cells, e.g. {first['Country Code']} {first['year']} = {first['cell']!r}"
        )
    frame = pd.DataFrame({
        "code": long["Country Code"].astype(str).str.strip(),
        "name": long["Country Name"],
        "year": long["year"].astype(int),
        "value": values.astype(float),
    }).reset_index(drop=True)
    if frame["code"].eq("").any():
        raise RawFileError(path, "a row has an empty Country Code")
    return BulkFile(path, indicator_code, vintage, original, frame)


def read_country_metadata(path: Path) -> CountryMetadata:
    """Parse `Metadata_Country_…csv`; its vintage is that of the indicator file it came with."""
    try:
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse: {exc}") from exc
    missing = [col for col in METADATA_COLUMNS if col not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    sibling = path.with_name(path.name.replace("Metadata_Country_", "", 1))
    vintage = _read_preamble(sibling)[0] if sibling.exists() else None
    frame = pd.DataFrame({
        "code": table["Country Code"].str.strip(),
        "region": table["Region"].str.strip(),
        "income_group": table["IncomeGroup"].str.strip(),
        "name": table["TableName"].str.strip(),
    })
    if frame["code"].duplicated().any():
        dupes = sorted(frame.loc[frame["code"].duplicated(), "code"].unique())
        raise RawFileError(path, f"duplicate country codes {dupes}")
    return CountryMetadata(path, vintage, frame)


def find_files(raw_dir: Path) -> tuple[list[Path], list[Path]]:
    """Bulk indicator files and country metadata files anywhere below `raw_dir`."""
    bulk = sorted(p for p in raw_dir.rglob(BULK_PATTERN) if p.is_file())
    metadata = sorted(p for p in raw_dir.rglob(METADATA_PATTERN) if p.is_file())
    return bulk, metadata


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every bulk file below `raw_dir`, as one dataset; aggregates go to the reference frame.

    Which copy of a series wins is decided later, across all sources (etl/choose.py); here
    every file is read and ranked by its own "Last Updated Date".
    """
    bulk_paths, metadata_paths = find_files(raw_dir)
    if not bulk_paths:
        return []
    metadata = [read_country_metadata(path) for path in metadata_paths]
    aggregates = aggregate_codes(metadata)
    known = set().union(*(set(m.table["code"]) for m in metadata)) if metadata else set()
    observations, reference, files, warnings = [], [], [], []
    for path in bulk_paths:
        bulk = read_bulk_file(path)
        files.append(RawFile(path, bulk.vintage, republication=not bulk.original_layout))
        values = bulk.values.assign(source_code=bulk.indicator_code, raw_file=str(path))
        is_aggregate = values["code"].isin(aggregates)
        unknown = sorted(set(values.loc[~is_aggregate & ~values["code"].isin(known), "code"]))
        if unknown and metadata:
            names = values.drop_duplicates("code").set_index("code")["name"]
            warnings.append(f"{path.name}: codes in no country metadata, left to harmonisation: "
                            + ", ".join(f"{code} ({names[code]})" for code in unknown))
        observations.append(tidy.observations(values[~is_aggregate].rename(columns={"code": "entity"})))
        reference.append(tidy.reference(values[is_aggregate].rename(columns={"code": "group_code",
                                                                             "name": "group_name"})))
    files += [RawFile(m.path, m.vintage, role="metadata") for m in metadata]
    return [SourceFrames(
        dataset=SOURCE_KEY, entity_kind="iso3",
        observations=pd.concat(observations, ignore_index=True),
        reference=pd.concat(reference, ignore_index=True),
        files=files, warnings=warnings,
    )]


def newest_metadata(files: list[CountryMetadata]) -> CountryMetadata | None:
    """The country classification to use: the newest vintage (undated files rank last)."""
    dated = sorted(files, key=lambda m: (m.vintage or date.min, str(m.path)), reverse=True)
    return dated[0] if dated else None


def aggregate_codes(files: list[CountryMetadata]) -> set[str]:
    """Codes that any metadata file lists without a Region: the World Bank's aggregates."""
    codes: set[str] = set()
    for meta in files:
        codes |= set(meta.table.loc[meta.table["region"] == "", "code"])
    return codes

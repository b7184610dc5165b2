"""WDI republished by datahub.io in long format (github.com/datasets/world-development-indicators).

Layout (checked on the 9 folders in ../shared/data/raw):
`worldbank/datahub_wdi_long/<code in lower case>/data.csv` with the columns `Country Name, Country Code,
Year, Value` (no BOM, LF, empty cells dropped by datahub's updater) and a `datapackage.json` whose
`name` is the folder's code. The folder `it.cel.sets.p2` holds WDI's `IT.CEL.SETS.P2`.
Quirks:
- No release date anywhere: datahub's updater melts the World Bank's bulk CSV and drops its
  "Last Updated Date". The vintage is therefore None (the copy's commit, "Automated data update" of
  2026-07-01, dates it to the July 2026 release, but the files do not say so, and we do not guess;
  etl/mappings/known_files.yaml records that retrieval date by checksum for etl/choose.py).
- Aggregates (47 codes: WLD, HIC, SSF…) are mixed in with the 217 economies, unflagged.
- Values can exceed what a unit's name suggests: mobile subscriptions per 100 people reach 574.15
  (FJI 2024), secure Internet servers per million people 3,262,663 (VGB 2022): real, not errors.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from etl import tidy
from etl.errors import RawFileError
from etl.sources import worldbank, worldbank_api
from etl.tidy import RawFile, SourceFrames

DATASET = "wdi_datahub"
DATA_PATTERN = "datahub_wdi_long/*/data.csv"
PACKAGE_FILE = "datapackage.json"
COLUMNS = ["Country Name", "Country Code", "Year", "Value"]
FOLDER_CODE = re.compile(r"[a-z0-9]+(\.[a-z0-9]+)+")
NO_VINTAGE_WARNING = (
    "the datahub.io files state no WDI release date (its updater drops the World Bank's 'Last Updated "
    "Date'): their vintage is left empty"
)


def _find(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.rglob(DATA_PATTERN)
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts))


def aggregate_codes(raw_dir: Path) -> set[str] | None:
    """The World Bank's aggregates, per its own country lists below `raw_dir`; None if there is none.

    An aggregate is a code the World Bank lists with an empty Region (Metadata_Country_*.csv, or
    region.id "NA" in an API country list). That is the publisher's own statement. "Not an economy of
    etl.classifications.country_index" would be weaker: with only the M49 file that index would class
    XKX and CHI (no M49 code) as aggregates, and a genuinely unknown code would vanish into `reference`
    instead of failing harmonisation, where it belongs.
    """
    lists = [worldbank.read_country_metadata(p) for p in worldbank.find_files(raw_dir)[1]]
    lists += worldbank_api.country_metadata(raw_dir)
    if not lists:
        return None
    return worldbank.aggregate_codes(lists)


def _check_package(folder: Path) -> Path:
    path = folder / PACKAGE_FILE
    if not path.is_file():
        raise RawFileError(path, "missing: every datahub indicator folder has data.csv and datapackage.json")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RawFileError(path, f"not readable JSON: {exc}") from exc
    name = package.get("name") if isinstance(package, dict) else None
    if name != folder.name:
        raise RawFileError(path, f"package name {name!r} is not the folder's indicator {folder.name!r}")
    return path


def read_long(path: Path) -> tuple[pd.DataFrame, int]:
    """code, name, year, value of one data.csv, and how many rows had an empty value."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as CSV: {exc}") from exc
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing} (has {list(table.columns)[:6]})")
    codes = table["Country Code"].str.strip()
    if codes.eq("").any():
        raise RawFileError(path, f"empty Country Code on line {int(codes.eq('').to_numpy().argmax()) + 2}")
    bad_years = table[~table["Year"].str.fullmatch(r"\d{4}")]
    if len(bad_years):
        first = bad_years.iloc[0]
        raise RawFileError(path, f"{len(bad_years)} rows with a Year that is not a year, "
                                 f"e.g. {first['Country Code']} {first['Year']!r}")
    empty = table["Value"].str.strip().eq("")
    values = pd.to_numeric(table["Value"].where(~empty), errors="coerce")
    bad = table[values.isna() & ~empty]
    if len(bad):
        first = bad.iloc[0]
        raise RawFileError(path, f"{len(bad)} non-numeric values, e.g. {first['Country Code']} {first['Year']} "
                                 f"= {first['Value']!r}")
    frame = pd.DataFrame({"code": codes, "name": table["Country Name"], "year": table["Year"].astype(int),
                          "value": values.astype(float)})[~empty]
    dupes = frame[frame.duplicated(["code", "year"])]
    if len(dupes):
        raise RawFileError(path, f"{len(dupes)} repeated (Country Code, Year) pairs, e.g. "
                                 f"{dupes.iloc[0]['code']} {dupes.iloc[0]['year']}")
    return frame.reset_index(drop=True), int(empty.sum())


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every datahub WDI folder below `raw_dir`, as dataset `wdi_datahub` (a republication of `wdi`)."""
    raw_dir = Path(raw_dir)
    paths = _find(raw_dir)
    if not paths:
        return []
    aggregates = aggregate_codes(raw_dir)
    warnings = [NO_VINTAGE_WARNING]
    if aggregates is None:
        warnings.append("no World Bank country list (Metadata_Country_*.csv or an API pull) below "
                        f"{raw_dir}: aggregates stay among the observations, for etl/mappings/wdi_datahub.yaml "
                        "to exclude")
    observations, reference, files = [], [], []
    for path in paths:
        folder = path.parent
        if not FOLDER_CODE.fullmatch(folder.name):
            raise RawFileError(folder, "folder name is not a lower-case WDI code such as it.cel.sets.p2")
        code = folder.name.upper()  # datahub names folders in lower case; WDI codes are upper case
        package = _check_package(folder)
        values, empty = read_long(path)
        if empty:
            warnings.append(f"{path}: {empty} rows with an empty Value skipped")
        values = values.assign(source_code=code, raw_file=str(path))
        is_aggregate = values["code"].isin(aggregates or set())
        observations.append(tidy.observations(values[~is_aggregate].rename(columns={"code": "entity"})))
        reference.append(tidy.reference(values[is_aggregate].rename(columns={"code": "group_code",
                                                                             "name": "group_name"})))
        files.append(RawFile(path, None, republication=True))
        files.append(RawFile(package, None, republication=True, role="metadata"))
    return [SourceFrames(
        dataset=DATASET, entity_kind="iso3",
        observations=pd.concat(observations, ignore_index=True),
        reference=pd.concat(reference, ignore_index=True),
        files=files, warnings=warnings,
    )]

"""Global E-waste Monitor 2020 (dataset `gem`): the data workbook of Forti et al. (UNU/UNITAR, ITU, ISWA).

`UNU UNITAR Global E-waste Monitor 2020.xlsx`, checked on the file in ../shared/data/raw/ewaste:
- "E-waste_timeseries": `Country (ISO), Year, E-waste generated (kg per capita), E-waste generated
  (tons)` (plus an empty fifth column), 180 ISO3 codes × 2015–2019. Generated e-waste comes from
  here (tonnes → kt).
- "Country E-waste Key Statistics": one row per country by name (180, UN-style names mapped by
  etl/mappings/gem.yaml), 2019 generated kt and kg/inhabitant (identical to the time series' 2019
  row, so not emitted twice), "E-waste documented to be collected and recycled" in kt with its own
  reference year (2011–2018; "NA" where none), its source, and a legislation Yes/No. A footer row
  without a country ("Total Questionnaires", 18.4 kt, 2015) is skipped.
The workbook gives no collection rate. We compute one where the documented amount's reference year
lies in the time series (2015–2019): documented kt ÷ generated kt of that year × 100. The two sheets
name countries differently; a key-statistics row is linked to its ISO3 by its 2019 generated amount,
which the workbook repeats exactly in both sheets.
The release date is the workbook's own `modified` property (2020-07-07, saved by the authors).
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd

from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames, observations

DATASET = "gem"
FILE_PATTERN = "*E-waste Monitor*.xlsx"
SERIES_SHEET = "E-waste_timeseries"
KEY_SHEET = "Country E-waste Key Statistics"
SERIES_COLUMNS = ["Country (ISO)", "Year", "E-waste generated (kg per capita)", "E-waste generated (tons)"]
KEY_COLUMNS = ["Country", "Region", "E-waste generated (kt)",
               "E-waste documented to be collected and recycled (kt)",
               "E-waste documented to be collected and recycled (reference year)"]
GENERATED_KG = "ewaste_generated_kg_per_capita"
GENERATED_KT = "ewaste_generated_kt"
COLLECTED_KT = "ewaste_documented_collected_kt"
COLLECTION_RATE = "ewaste_documented_collection_rate"
KEY_STATISTICS_YEAR = 2019  # the year of the key statistics' generated amounts (GEM 2020 reports 2019)


def workbook_modified(path: Path) -> date | None:
    """The `dcterms:modified` date of an .xlsx's docProps/core.xml, or None when the file does not state one.

    Read from the XML rather than openpyxl, which fills a missing date with the current time.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    found = re.search(r"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>", core)
    if not found:
        return None
    try:
        return datetime.fromisoformat(found.group(1).strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    """All rows of one sheet as value tuples; RawFileError when the workbook or the sheet is missing."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RawFileError(path, f"cannot open as an Excel workbook: {exc}") from exc
    try:
        if sheet not in workbook.sheetnames:
            raise RawFileError(path, f"no sheet {sheet!r} (sheets: {workbook.sheetnames})")
        return list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()


def _columns(rows: list[tuple], wanted: list[str], path: Path, sheet: str) -> dict[str, int]:
    header = [str(cell).strip() if cell is not None else "" for cell in (rows[0] if rows else ())]
    missing = [column for column in wanted if column not in header]
    if missing:
        raise RawFileError(path, f"sheet {sheet!r} lacks columns {missing}")
    return {column: header.index(column) for column in wanted}


def _number(cell: object, path: Path, where: str) -> float | None:
    """A numeric cell as float; empty or the workbook's "NA" → None; other text is an error."""
    if cell is None or (isinstance(cell, str) and cell.strip() in ("", "NA")):
        return None
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        raise RawFileError(path, f"{where}: not a number: {cell!r}")
    return float(cell)


def read_series(path: Path) -> pd.DataFrame:
    """E-waste generated per ISO3 and year: kg per inhabitant and kt."""
    rows = sheet_rows(path, SERIES_SHEET)
    col = _columns(rows, SERIES_COLUMNS, path, SERIES_SHEET)
    out = []
    for number, row in enumerate(rows[1:], start=2):
        code = row[col["Country (ISO)"]]
        if code is None and all(cell is None for cell in row):
            continue
        where = f"sheet {SERIES_SHEET!r} row {number} ({code})"
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code.strip()):
            raise RawFileError(path, f"{where}: not an ISO3 code")
        year = _number(row[col["Year"]], path, where)
        if year is None:
            raise RawFileError(path, f"{where}: no year")
        kg = _number(row[col["E-waste generated (kg per capita)"]], path, where)
        tonnes = _number(row[col["E-waste generated (tons)"]], path, where)
        if kg is not None:
            out.append((GENERATED_KG, code.strip(), int(year), kg))
        if tonnes is not None:
            out.append((GENERATED_KT, code.strip(), int(year), tonnes / 1000))
    frame = pd.DataFrame(out, columns=["source_code", "entity", "year", "value"])
    if frame.duplicated(["source_code", "entity", "year"]).any():
        raise RawFileError(path, f"sheet {SERIES_SHEET!r}: the same country and year appear twice")
    return frame.assign(raw_file=str(path))


def read_key_statistics(path: Path, generated_kt: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Documented collection (kt, at its reference year) by country name, and the rate where computable.

    `generated_kt` is the time series' GENERATED_KT rows (ISO3), for the rate's denominator.
    """
    rows = sheet_rows(path, KEY_SHEET)
    col = _columns(rows, KEY_COLUMNS, path, KEY_SHEET)
    by_iso_year = {(r.entity, r.year): r.value for r in generated_kt.itertuples()}
    in_2019 = [(r.entity, r.value) for r in generated_kt.itertuples() if r.year == KEY_STATISTICS_YEAR]
    out, notes, unlinked, before_series = [], [], [], []
    for number, row in enumerate(rows[1:], start=2):
        name = row[col["Country"]]
        where = f"sheet {KEY_SHEET!r} row {number} ({name})"
        collected = _number(row[col["E-waste documented to be collected and recycled (kt)"]], path, where)
        if name is None or not str(name).strip():
            if any(cell is not None for cell in row):
                notes.append(f"{where}: row without a country ({row[col['Region']]!r}, {collected} kt) skipped")
            continue
        if collected is None:
            continue
        year = _number(row[col["E-waste documented to be collected and recycled (reference year)"]], path, where)
        if year is None:
            raise RawFileError(path, f"{where}: a documented amount without its reference year")
        name = str(name).strip()
        out.append((COLLECTED_KT, name, int(year), collected))
        generated_2019 = _number(row[col["E-waste generated (kt)"]], path, where)
        matches = [iso for iso, kt in in_2019
                   if generated_2019 is not None and math.isclose(kt, generated_2019, rel_tol=1e-9)]
        if len(matches) != 1:
            unlinked.append(name)
        elif (matches[0], int(year)) in by_iso_year:
            out.append((COLLECTION_RATE, name, int(year), 100 * collected / by_iso_year[(matches[0], int(year))]))
        else:
            before_series.append(f"{name} {int(year)}")
    if unlinked:
        notes.append(f"no collection rate for {'; '.join(unlinked)}: the key statistics' 2019 amount matches "
                     "no single country of the time series")
    if before_series:
        notes.append(f"no collection rate where the documented amount predates the time series (2015–2019): "
                     f"{'; '.join(before_series)}")
    frame = pd.DataFrame(out, columns=["source_code", "entity", "year", "value"])
    return frame.assign(raw_file=str(path)), notes


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Per workbook: the time series (ISO3) and the key statistics (names); [] when there is none."""
    paths = sorted(p for p in raw_dir.rglob(FILE_PATTERN) if p.is_file() and not p.name.startswith("~$"))
    if not paths:
        return []
    series, key, notes = [], [], []
    for path in paths:
        generated = read_series(path)
        documented, found = read_key_statistics(path, generated[generated["source_code"] == GENERATED_KT])
        series.append(generated)
        key.append(documented)
        notes += found
    files = [RawFile(path, workbook_modified(path)) for path in paths]
    return [
        SourceFrames(DATASET, "iso3", observations(pd.concat(series, ignore_index=True)), files),
        SourceFrames(DATASET, "name", observations(pd.concat(key, ignore_index=True)), files, warnings=notes),
    ]

"""GSMA Mobile Connectivity Index (dataset `gsma_mci`): the May 2022 data workbook.

`GSMA_Mobile_Connectivity_Index_Data_May2022.xlsx` (renamed by UNDP from the GSMA download),
checked on the file in ../shared/data/raw/gsma:
- "Read me" states "Date: May 2022 | Version: 1.0": the release month, taken as the vintage (its
  first day; the workbook was last saved on 2022-04-07).
- "Index Scores": row 1 a title, row 2 the column groups (GENERAL INFORMATION, CLUSTER, INDEX SCORE,
  ENABLER SCORES, DIMENSION SCORES, INDICATOR SCORES, each written once over its first column),
  row 3 the headers, then 1,360 rows = 170 countries × 2014–2021 keyed by `ISO Code` and `Year`.
  Headers repeat across groups ("Inequality" is a dimension and an indicator; "Mobile Ownership"
  and "Mobile ownership"), so columns are found by (group, header).
GSMA normalises every indicator to 0–100. For population coverage the scale is the percentage
itself (4G coverage has a median difference of 0 from ITU's, in 1,281 common country-years of the
Data360 file); "Mobile ownership" (unique subscriber penetration) is a score, not a share.
5G coverage is scored from 2019 only (blank before).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd

from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames, observations

DATASET = "gsma_mci"
FILE_PATTERN = "*Mobile_Connectivity_Index*.xlsx"
SCORES_SHEET = "Index Scores"
README_SHEET = "Read me"
KEY_COLUMNS = {("GENERAL INFORMATION", "ISO Code"): "entity", ("GENERAL INFORMATION", "Year"): "year"}
# (group, header) → our code; the workbook has no series codes.
SERIES = {
    ("INDEX SCORE", "Index"): "mci_index",
    ("ENABLER SCORES", "Infrastructure"): "mci_infrastructure",
    ("ENABLER SCORES", "Affordability"): "mci_affordability",
    ("ENABLER SCORES", "Consumer Readiness"): "mci_consumer_readiness",
    ("ENABLER SCORES", "Content and Services"): "mci_content_services",
    ("INDICATOR SCORES", "3G Coverage"): "mci_coverage_3g",
    ("INDICATOR SCORES", "4G Coverage"): "mci_coverage_4g",
    ("INDICATOR SCORES", "5G Coverage"): "mci_coverage_5g",
    ("INDICATOR SCORES", "Mobile ownership"): "mci_mobile_ownership",
}
LICENCE_WARNING = ("GSMA Intelligence terms of use: the MCI data are free after registration but their "
                   "redistribution is restricted; check GSMA's terms before publishing or exporting them")
MONTHS = {name: number for number, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}


def _release_month(rows: list[tuple]) -> date | None:
    """The "Date: <Month> <year>" cell of the Read me sheet, as the first day of that month."""
    for row in rows:
        for cell in row:
            found = re.search(r"Date:\s*([A-Za-z]+)\s+(\d{4})", cell) if isinstance(cell, str) else None
            if found and found.group(1).lower() in MONTHS:
                return date(int(found.group(2)), MONTHS[found.group(1).lower()], 1)
    return None


def _header(rows: list[tuple], path: Path) -> tuple[int, dict[tuple[str, str], int]]:
    """The header row's index and (group, header) → column, the group carried right from where it is written."""
    index = next((number for number, row in enumerate(rows[:10]) if row and row[0] == "ISO Code"), None)
    if index is None:
        raise RawFileError(path, f"sheet {SCORES_SHEET!r} has no header row starting with 'ISO Code'")
    if index == 0:
        raise RawFileError(path, f"sheet {SCORES_SHEET!r} has no group row above its headers")
    columns, group = {}, ""
    for number, (above, name) in enumerate(zip(rows[index - 1], rows[index], strict=False)):
        group = str(above).strip() if above is not None else group
        if name is not None:
            columns.setdefault((group, str(name).strip()), number)
    missing = [" / ".join(key) for key in [*KEY_COLUMNS, *SERIES] if key not in columns]
    if missing:
        raise RawFileError(path, f"sheet {SCORES_SHEET!r} lacks columns {missing}")
    return index, columns


def read_workbook(path: Path) -> tuple[pd.DataFrame, date | None]:
    """The chosen scores in long form, and the release month the Read me states."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RawFileError(path, f"cannot open as an Excel workbook: {exc}") from exc
    try:
        if SCORES_SHEET not in workbook.sheetnames:
            raise RawFileError(path, f"no sheet {SCORES_SHEET!r} (sheets: {workbook.sheetnames})")
        rows = list(workbook[SCORES_SHEET].iter_rows(values_only=True))
        readme = list(workbook[README_SHEET].iter_rows(values_only=True)) if README_SHEET in workbook.sheetnames \
            else []
    finally:
        workbook.close()
    start, columns = _header(rows, path)
    entity_col, year_col = (columns[key] for key in KEY_COLUMNS)
    out = []
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        if all(cell is None for cell in row):
            continue
        code, year = row[entity_col], row[year_col]
        where = f"sheet {SCORES_SHEET!r} row {number}"
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code.strip()):
            raise RawFileError(path, f"{where}: ISO Code {code!r} is not an ISO3 code")
        if not isinstance(year, int | float) or isinstance(year, bool) or year != int(year):
            raise RawFileError(path, f"{where}: Year {year!r} is not a year")
        for key, source_code in SERIES.items():
            cell = row[columns[key]]
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue  # not scored (5G before 2019)
            if isinstance(cell, bool) or not isinstance(cell, int | float):
                raise RawFileError(path, f"{where} ({code} {year}): {key[1]!r} is not a number: {cell!r}")
            out.append((source_code, code.strip(), int(year), float(cell)))
    frame = pd.DataFrame(out, columns=["source_code", "entity", "year", "value"])
    if frame.empty:
        raise RawFileError(path, f"sheet {SCORES_SHEET!r} has no scores")
    if frame.duplicated(["source_code", "entity", "year"]).any():
        raise RawFileError(path, f"sheet {SCORES_SHEET!r}: the same country and year appear twice")
    return frame.assign(raw_file=str(path)), _release_month(readme)


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every MCI workbook below raw_dir as one dataset; [] when there is none."""
    paths = sorted(p for p in raw_dir.rglob(FILE_PATTERN) if p.is_file() and not p.name.startswith("~$"))
    if not paths:
        return []
    parsed = [read_workbook(path) for path in paths]
    return [SourceFrames(
        dataset=DATASET,
        entity_kind="iso3",
        observations=observations(pd.concat([frame for frame, _ in parsed], ignore_index=True)),
        files=[RawFile(path, vintage) for path, (_, vintage) in zip(paths, parsed, strict=True)],
        warnings=[LICENCE_WARNING],
    )]


"""Alliance for Affordable Internet mobile-broadband pricing (dataset `a4ai`): the 2020 workbook.

`A4AI-Mobile-Broadband-Pricing-2020.xlsx`, checked on the file in ../shared/data/raw/a4ai: one sheet
`A4AI_BroadbandPricing_2020` (the data year is read from its name), columns `Region, CountryName,
ISO3, IncomeGroup`, then for 100 MB, 500 MB, 1 GB, 2 GB, 5 GB and 10 GB `Cost_<size>_USD` and
`Cost_<size>_Share_GNICM` (the price as a share of monthly GNI per capita, as a fraction: 0.0546 for
5.46 %), then `USDex, GNIpc_LCU_monthly, GNIpc_USD.Atlas_monthly`. 101 countries; "NA" where there
is no price (IRN, SSD, VEN, YEM, ZWE) or no GNI (SOM has prices but no shares). Two empty rows end
the sheet. The 10 GB share exceeds 100 % of monthly income in one country (103.3 %).
Codes are the column names; shares are converted to percentages. The 1 GB share is A4AI's
"1 for 2" affordability target (1 GB for at most 2 % of monthly income).
The vintage is the workbook's `modified` property (2021-04-09); the file states no other date.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from etl.errors import RawFileError
from etl.sources.ewaste import workbook_modified
from etl.tidy import RawFile, SourceFrames, observations

DATASET = "a4ai"
FILE_PATTERN = "A4AI*Pricing*.xlsx"
SHEET_PATTERN = re.compile(r"BroadbandPricing_(\d{4})")
ISO_COLUMN = "ISO3"
SIZES = ["100_MB", "500_MB", "1_GB", "2_GB", "5_GB", "10_GB"]
REQUIRED = [ISO_COLUMN, "Cost_1_GB_USD", "Cost_1_GB_Share_GNICM"]


def read_workbook(path: Path) -> tuple[pd.DataFrame, int, list[str]]:
    """The price columns in long form (shares as %), the data year (the sheet's name), unpriced countries."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RawFileError(path, f"cannot open as an Excel workbook: {exc}") from exc
    try:
        sheets = [name for name in workbook.sheetnames if SHEET_PATTERN.search(name)]
        if len(sheets) != 1:
            raise RawFileError(path, f"expected one sheet named …BroadbandPricing_<year>, found {workbook.sheetnames}")
        year = int(SHEET_PATTERN.search(sheets[0]).group(1))
        rows = list(workbook[sheets[0]].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = [str(cell).strip() if cell is not None else "" for cell in (rows[0] if rows else ())]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise RawFileError(path, f"sheet {sheets[0]!r} lacks columns {missing}")
    columns = {name: header.index(name) for size in SIZES for name in (f"Cost_{size}_USD", f"Cost_{size}_Share_GNICM")
               if name in header}
    out, unpriced = [], []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell is None for cell in row):
            continue
        code = row[header.index(ISO_COLUMN)]
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code.strip()):
            raise RawFileError(path, f"row {number}: ISO3 {code!r} is not an ISO3 code")
        before = len(out)
        for name, index in columns.items():
            cell = row[index]
            if cell is None or (isinstance(cell, str) and cell.strip() in ("", "NA")):
                continue
            if isinstance(cell, bool) or not isinstance(cell, int | float):
                raise RawFileError(path, f"row {number} ({code}): {name} is not a number: {cell!r}")
            # Shares are fractions of monthly GNI per capita (AFG 1 GB: 0.0546): stored as %.
            value = float(cell) * 100 if name.endswith("_Share_GNICM") else float(cell)
            out.append((name, code.strip(), year, value))
        if len(out) == before:
            unpriced.append(code.strip())
    frame = pd.DataFrame(out, columns=["source_code", "entity", "year", "value"])
    if frame.empty:
        raise RawFileError(path, f"sheet {sheets[0]!r} has no prices")
    if frame.duplicated(["source_code", "entity"]).any():
        raise RawFileError(path, "the same country appears twice")
    return frame.assign(raw_file=str(path)), year, unpriced


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every A4AI pricing workbook below raw_dir as one dataset; [] when there is none."""
    paths = sorted(p for p in raw_dir.rglob(FILE_PATTERN) if p.is_file() and not p.name.startswith("~$"))
    if not paths:
        return []
    frames, warnings = [], []
    for path in paths:
        frame, year, unpriced = read_workbook(path)
        frames.append(frame)
        if unpriced:
            warnings.append(f"{path.name}: no {year} prices (NA) for {', '.join(unpriced)}")
    return [SourceFrames(
        dataset=DATASET,
        entity_kind="iso3",
        observations=observations(pd.concat(frames, ignore_index=True)),
        files=[RawFile(path, workbook_modified(path)) for path in paths],
        warnings=warnings,
    )]

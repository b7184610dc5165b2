"""ITU workbooks downloaded by hand (no pull): ICT Price Baskets, Key ICT aggregates, table 10.

Three datasets of indicators/sources.yaml, one `SourceFrames` per file found:

- `itu_price_baskets`, `ITU_ICTPriceBaskets_<years>.xlsx`: sheet `economies_<first>-<last>`, one row
  per (economy, basket code), columns IsoCode, Economy, Code, Basket name, Unit (GNIpc/PPP/USD),
  group flags, then one column per year. Missing values are the string 'NA'. The basket codes end
  in `_GNI`, `_PPP` or `$` (the BasketHistory sheet says `_GNIpc`; the data sheet does not).
  ITU redefined every basket over time; we keep every basket under the publisher's code (BASKETS, each
  catalogued as its own indicator) and add one spliced series per basket family that takes, for each
  year, the definition ITU used that year (BASKET_FAMILIES). Vintage: the Overview sheet's
  "Release date:" (2025-12-02 in the Dec 2025 release; the workbook was last saved on 2025-12-10 by
  Excel Online, without an author).
- `itu_key_ict`, `ITU_regional_global_Key_ICT_indicator_aggregates_<Mon>_<year>.xlsx` (Facts and
  Figures): presentation sheets holding only ITU's own aggregates (World, income groups, LDC,
  LLDC, SIDS, ITU regions), so everything goes to the `reference` frame. Each indicator is a
  block: a title in column A, a row of year headers (int or float: 2019 vs 2020.0) repeated above
  each group of rows, a row of run labels (units such as "Millions" / "Per 100 inhabitants", or
  breakdowns such as Total / Female / Male) and, at the bottom, notes ("Notes:", "Version November
  2025, …"). The parser finds blocks by their labels, never by row numbers. Quirks met:
  the Nov 2024 copy was re-saved on 2025-11-03 by the GitHub repository's owner (vintage: the
  footer's month, marked as a copy) and its "By BDT region" sheet puts each title on the year row
  ("Individuals using the Internet(Millions)", 2005, …); totals are repeated in the breakdown
  sheets and mostly agree (Nov 2024: 4 rounding differences of 0.1), but in the Nov 2025 "By
  gender" sheet the SIDS mobile-phone ownership Total repeats Africa's row (64.1, 64.7, 65.2, 65.7
  for 2022–2025, below both its female 70.6… and male 73.4… values): the rate sheets' totals
  (72.1, 72.8, 73.5, 74.3) are kept.
- `itu_gender_urban_table`, ITU table "10. Individuals using the Internet by gender and
  urban-rural location" (2021; the copy we have is UNDP's): one row per economy, the latest year
  and Internet use overall, by sex, and urban / rural by sex; numbers stored as text, '...' = n/a.
"""

from __future__ import annotations

import itertools
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from etl import tidy
from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames

PRICE_BASKETS = "itu_price_baskets"
KEY_ICT = "itu_key_ict"
GENDER_URBAN_TABLE = "itu_gender_urban_table"

PRICE_PATTERNS = ("ITU_ICTPriceBaskets_*.xlsx",)
KEY_ICT_PATTERNS = ("ITU_regional_global_Key_ICT_indicator_aggregates_*.xlsx",)
# Our snapshot's name, and the name UNDP's repository gave the same file.
GENDER_TABLE_PATTERNS = ("ITU_10_Individuals_using_the_Internet*.xlsx", "gender_gap_internet_usage*.xlsx")

# Cell contents that mean "no value" in these workbooks ('NA' in the price baskets, 'N/A' in the
# key ICT aggregates, '...' in table 10). Any other text in a value cell is an error.
MISSING = frozenset({"", "NA", "N/A", "n/a", "..", "...", "…"})

# --- price baskets ---------------------------------------------------------------------------

# Per unit: the suffix of the publisher's code, the sheet's Unit column, and our code's suffix.
BASKET_UNITS = {"gni": ("_GNI", "GNIpc"), "usd": ("$", "USD"), "ppp": ("_PPP", "PPP")}


@dataclass(frozen=True)
class BasketDefinition:
    code: str  # the publisher's code without the unit suffix
    label: str
    first_year: int  # first year of the definition in ITU's series (BasketHistory)
    last_year: int | None  # None: still in force
    experimental: bool = False  # priced only in ITU's experimental collections, never in its series


# Every basket of the workbook (sheet BasketHistory, checked against the data), each catalogued as its
# own indicator per unit (indicators/catalogue/itu_workbooks.yaml, source_code = code + unit suffix).
# A definition's cells outside its years (ITU's experimental collections, e.g. 5 GB in 2022–2024) are
# kept under its own code.
BASKETS: dict[str, BasketDefinition] = {d.code: d for d in (
    BasketDefinition("i154_FBB", "fixed broadband 1 GB", 2008, 2017),
    BasketDefinition("i154_FBB5", "fixed broadband 5 GB", 2018, None),
    BasketDefinition("i271md_pd_B1GB", "mobile broadband postpaid computer-based 1 GB", 2013, 2017),
    BasketDefinition("i271mb_1GB5", "data-only mobile broadband 1.5 GB", 2018, 2020),
    BasketDefinition("i271mb_2GB", "data-only mobile broadband 2 GB", 2021, 2024),
    BasketDefinition("i271mb_5GB", "data-only mobile broadband 5 GB", 2025, None),
    BasketDefinition("i271mb_1GB", "data-only mobile broadband 1 GB", 2021, None, experimental=True),
    BasketDefinition("i271mb_10GB", "data-only mobile broadband 10 GB", 2021, None, experimental=True),
    BasketDefinition("i271mb_low_500", "70 min + 20 SMS + 500 MB", 2018, 2024),
    BasketDefinition("i271mb_low_1GB", "70 min + 50 SMS + 1 GB", 2025, None),
    BasketDefinition("i271mb_high_1GB5", "140 min + 70 SMS + 1.5 GB", 2018, 2020),
    BasketDefinition("i271mb_high_2GB", "140 min + 70 SMS + 2 GB", 2021, 2024),
    BasketDefinition("i271mb_high_5GB", "140 min + 20 SMS + 5 GB", 2025, None),
    BasketDefinition("i154_Mob", "mobile-cellular 30 calls + 100 SMS", 2008, 2017),
    BasketDefinition("i154_MobLow", "mobile-cellular low usage 70 min + 20 SMS", 2018, 2024),
)}

# The basket ITU used each year, per family: the spliced series `<family>_<unit>` joins them. A spliced
# series joins definitions that are not comparable; the catalogue lists the years each one changes
# (`definition_changes`, loaded into the `definition_change` table for the charts).
BASKET_FAMILIES: dict[str, tuple[BasketDefinition, ...]] = {
    "fixed_broadband": (BASKETS["i154_FBB"], BASKETS["i154_FBB5"]),
    "mobile_data_only": (BASKETS["i271md_pd_B1GB"], BASKETS["i271mb_1GB5"], BASKETS["i271mb_2GB"],
                         BASKETS["i271mb_5GB"]),
    "mobile_data_voice_low": (BASKETS["i271mb_low_500"], BASKETS["i271mb_low_1GB"]),
    "mobile_data_voice_high": (BASKETS["i271mb_high_1GB5"], BASKETS["i271mb_high_2GB"], BASKETS["i271mb_high_5GB"]),
    # BasketHistory puts the 70 min + 20 SMS basket in 2017, but the data sheet has no 2017 value
    # for it and 181 economies' 2017 values for the 30 calls + 100 SMS basket: we follow the data.
    "mobile_cellular_low": (BASKETS["i154_Mob"], BASKETS["i154_MobLow"]),
}
PRICE_SHEET = re.compile(r"economies_\d{4}-\d{4}")
PRICE_ID_COLUMNS = ("IsoCode", "Code", "Unit")

# --- key ICT aggregates ----------------------------------------------------------------------

RATES, BREAKDOWN = "rates", "breakdown"
# Sheet → how its runs of year columns are labelled: by unit (keep the rate, drop the totals in
# millions) or by breakdown (Total / Female / Male …).
KEY_ICT_SHEETS = {
    "By dvpmnt status and spec. reg.": RATES,
    "By BDT region": RATES,
    "By urban-rural area": BREAKDOWN,
    "By gender": BREAKDOWN,
    "Internet use by age": BREAKDOWN,
}
# Block title (normalised prefix) → our code and, in rate sheets, the label of the run to keep.
# None: a block we know and do not emit (counts in millions, traffic, 2G coverage, …).
KEY_ICT_TITLES: tuple[tuple[str, str | None, str | None], ...] = (
    ("fixed-broadband subscriptions", "fixed_broadband_per_100", "per 100 inhabitants"),
    ("active mobile-broadband subscriptions", "mobile_broadband_per_100", "per 100 inhabitants"),
    ("population covered by at least a 3g", "coverage_3g", "percentage"),
    ("population covered by at least an lte", "coverage_lte", "percentage"),
    ("population covered by at least a 5g", "coverage_5g", "percentage"),
    ("individuals using the internet", "internet_use", "percentage"),
    ("percentage of individuals using the internet", "internet_use", None),
    ("individuals owning a mobile phone", "mobile_phone_ownership", "percentage"),
    ("percentage of individuals owning a mobile phone", "mobile_phone_ownership", None),
    ("fixed-telephone subscriptions", None, None),
    ("mobile-cellular telephone subscriptions", None, None),
    ("active subscriptions to 5g", None, None),
    ("population covered by a mobile-cellular network", None, None),
    ("fixed broadband traffic", None, None),
    ("mobile broadband traffic", None, None),
    ("international bandwidth", None, None),
)
KEY_ICT_HEADINGS = ("key ict indicator", "internet use by age")  # sheet titles in row 1, not blocks
KEY_ICT_REQUIRED = {
    RATES: {"fixed_broadband_per_100", "mobile_broadband_per_100", "coverage_3g", "coverage_lte",
            "coverage_5g", "internet_use", "mobile_phone_ownership"},
    "By urban-rural area": {"coverage_3g", "coverage_lte", "coverage_5g", "internet_use"},
    "By gender": {"internet_use", "mobile_phone_ownership"},
    "Internet use by age": {"internet_use"},
}
# Breakdown run label → the dimensions it sets; None: not representable in etl.tidy's vocabulary.
RUN_BREAKDOWNS: dict[str, dict[str, str] | None] = {
    "total": {},
    "female": {"sex": "female"},
    "male": {"sex": "male"},
    "urban": {"area": "urban"},
    "rural": {"area": "rural"},
    "youth (15-24)": {"age": "15-24"},
    "rest of the population": None,  # everyone not aged 15–24: no age code for a complement
}
# ITU's group labels → stable group codes.
KEY_ICT_GROUPS = {
    "world": "itu:world",
    "low-income": "itu:income_low",
    "lower-middle-income": "itu:income_lower_middle",
    "upper-middle-income": "itu:income_upper_middle",
    "high-income": "itu:income_high",
    "least developed countries (ldcs)": "itu:ldc",
    "land locked developing countries (lldcs)": "itu:lldc",
    "small island developing states (sids)": "itu:sids",
    "africa": "itu:africa",
    "americas": "itu:americas",
    "arab states": "itu:arab_states",
    "asia-pacific": "itu:asia_pacific",
    "cis": "itu:cis",
    "europe": "itu:europe",
}
FOOTER = re.compile(r"version\s+([a-z]+)\s+(\d{4})", re.IGNORECASE)

# --- table 10 --------------------------------------------------------------------------------

GENDER_SHEET_PREFIX = "10. individuals using the inter"  # Excel cuts sheet names at 31 characters
GENDER_CODE = "internet_use"
# (group header, column header) → what the column holds: 'year', or the (sex, area) of a value.
GENDER_COLUMNS: dict[tuple[str, str], str | tuple[str, str]] = {
    ("latest", "year"): "year",
    ("all", "individuals"): ("total", "total"),
    ("gender", "male"): ("male", "total"),
    ("gender", "female"): ("female", "total"),
    ("urban", "total"): ("total", "urban"),
    ("urban", "male"): ("male", "urban"),
    ("urban", "female"): ("female", "urban"),
    ("rural", "total"): ("total", "rural"),
    ("rural", "male"): ("male", "rural"),
    ("rural", "female"): ("female", "rural"),
}


# --- helpers ---------------------------------------------------------------------------------


def _norm(text: Any) -> str:
    """Lower case, single spaces, no trailing footnote stars: how labels are compared."""
    return re.sub(r"\s+", " ", str(text)).strip().rstrip("*").strip().lower()


def _cell(row: int, column: int) -> str:
    """A1-style reference of a 1-based row and 0-based column."""
    return f"{get_column_letter(column + 1)}{row}"


def _number(value: Any, path: Path, sheet: str, ref: str) -> float | None:
    """A value cell as a float; None for the workbooks' "no value" marks; RawFileError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise RawFileError(path, f"sheet {sheet!r}, cell {ref}: {value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        if value.strip() in MISSING:
            return None
        try:
            number = float(value.strip())
        except ValueError:
            raise RawFileError(path, f"sheet {sheet!r}, cell {ref}: {value!r} is not a number") from None
    else:
        raise RawFileError(path, f"sheet {sheet!r}, cell {ref}: {value!r} is not a number")
    if not math.isfinite(number):
        raise RawFileError(path, f"sheet {sheet!r}, cell {ref}: {value!r} is not a finite number")
    return number


def _year(value: Any) -> int | None:
    """A year header cell (2019, 2020.0 or '2021') as an int, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        value = int(value)
    return value if isinstance(value, int) and 1900 <= value <= 2100 else None


def _open(path: Path) -> Workbook:
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise RawFileError(path, f"cannot open as an Excel workbook: {exc}") from exc


def _find(raw_dir: Path, patterns: tuple[str, ...]) -> list[Path]:
    found = {p for pattern in patterns for p in raw_dir.rglob(pattern) if not p.name.startswith("~$")}
    return sorted(found)


def _modified(workbook: Workbook) -> datetime | None:
    modified = workbook.properties.modified
    return modified if isinstance(modified, datetime) else None


# --- price baskets ---------------------------------------------------------------------------


def _price_vintage(workbook: Workbook, path: Path) -> tuple[date | None, list[str]]:
    """The Overview sheet's "Release date:"; failing that, the workbook's last-saved date."""
    if "Overview" in workbook.sheetnames:
        for row in workbook["Overview"].iter_rows(values_only=True):
            cells = [c for c in row if c is not None and c != ""]
            for label, value in itertools.pairwise(cells):
                if isinstance(label, str) and _norm(label).startswith("release date"):
                    if isinstance(value, datetime):
                        return value.date(), []
                    if isinstance(value, date):
                        return value, []
                    raise RawFileError(path, f"sheet 'Overview': unreadable release date {value!r}")
    modified = _modified(workbook)
    if modified is not None:
        return modified.date(), [f"{path.name}: no 'Release date:' in the Overview sheet; vintage is the "
                                 f"workbook's last-saved date {modified.date()}"]
    return None, [f"{path.name}: the workbook states no release date"]


def read_price_baskets(path: Path) -> SourceFrames:
    """The economies sheet in long format: every basket under the publisher's code, plus the spliced
    family series."""
    workbook = _open(path)
    try:
        vintage, warnings = _price_vintage(workbook, path)
        sheets = [name for name in workbook.sheetnames if PRICE_SHEET.fullmatch(name)]
        if len(sheets) != 1:
            raise RawFileError(path, f"expected one sheet named economies_<first>-<last>, found sheets "
                                     f"{workbook.sheetnames}")
        sheet = sheets[0]
        wanted = {code + suffix: unit for code in BASKETS for unit, (suffix, _) in BASKET_UNITS.items()}
        records, seen = _read_price_rows(workbook[sheet], path, sheet, wanted)
    finally:
        workbook.close()
    missing = sorted(set(wanted) - seen)
    if missing:
        raise RawFileError(path, f"sheet {sheet!r}: basket codes {missing} not found in column Code")
    raw = pd.DataFrame(records, columns=["source_code", "entity", "year", "value"])
    chained, chain_warnings = _chain_baskets(raw)
    warnings += chain_warnings
    frame = pd.concat([raw, chained], ignore_index=True)
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    observations = tidy.observations(frame, raw_file=str(path))
    return SourceFrames(PRICE_BASKETS, "iso3", observations, [RawFile(path, vintage)], warnings=warnings)


def _read_price_rows(sheet_rows, path: Path, sheet: str, wanted: dict[str, str]
                     ) -> tuple[list[tuple[str, str, int, float]], set[str]]:
    rows = sheet_rows.iter_rows(values_only=True)
    header, header_row = None, 0
    for header_row, row in enumerate(rows, start=1):  # the header is the row that names IsoCode
        if row and any(isinstance(c, str) and c.strip() == "IsoCode" for c in row):
            header = [c.strip() if isinstance(c, str) else c for c in row]
            break
        if header_row >= 10:
            break
    if header is None:
        raise RawFileError(path, f"sheet {sheet!r}: no header row with 'IsoCode' in the first 10 rows")
    absent = [name for name in PRICE_ID_COLUMNS if name not in header]
    if absent:
        raise RawFileError(path, f"sheet {sheet!r}: header row {header_row} lacks columns {absent}")
    iso_at, code_at, unit_at = (header.index(name) for name in PRICE_ID_COLUMNS)
    years = {index: year for index, cell in enumerate(header) if (year := _year(cell)) is not None}
    if not years:
        raise RawFileError(path, f"sheet {sheet!r}: no year columns in header row {header_row}")
    units = {unit: label for unit, (_, label) in BASKET_UNITS.items()}
    records: list[tuple[str, str, int, float]] = []
    seen: set[str] = set()
    keys: set[tuple[str, str]] = set()
    width = len(header)
    for number, row in enumerate(rows, start=header_row + 1):
        if row is None or all(c is None for c in row):
            continue
        row = tuple(row) + (None,) * (width - len(row))  # pad short rows
        code = str(row[code_at]).strip() if row[code_at] is not None else ""
        if code not in wanted:
            continue
        iso = str(row[iso_at] or "").strip()
        if not iso:
            raise RawFileError(path, f"sheet {sheet!r}, cell {_cell(number, iso_at)}: empty IsoCode")
        if str(row[unit_at]).strip() != units[wanted[code]]:  # the code's suffix and Unit must agree
            raise RawFileError(path, f"sheet {sheet!r}, cell {_cell(number, unit_at)}: unit {row[unit_at]!r} "
                                     f"does not match code {code}")
        if (iso, code) in keys:
            raise RawFileError(path, f"sheet {sheet!r}, row {number}: a second row for {iso} {code}")
        keys.add((iso, code))
        seen.add(code)
        for index, year in years.items():
            value = _number(row[index] if index < len(row) else None, path, sheet, _cell(number, index))
            if value is not None:
                records.append((code, iso, year, value))
    return records, seen


def _chain_baskets(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One series per family and unit: each year from the definition ITU used that year."""
    parts, outside = [], []
    for family, definitions in BASKET_FAMILIES.items():
        for unit, (suffix, _) in BASKET_UNITS.items():
            for definition in definitions:
                rows = raw[raw["source_code"] == definition.code + suffix]
                last = definition.last_year or 9999
                inside = rows["year"].between(definition.first_year, last)
                parts.append(rows[inside].assign(source_code=f"{family}_{unit}"))
                if unit == "gni" and (~inside).any():
                    extra = rows[~inside]
                    outside.append(f"{definition.code} {extra['year'].min()}–{extra['year'].max()} "
                                   f"({extra['entity'].nunique()} economies)")
    spans = "; ".join(
        f"{family}: " + " → ".join(f"{d.label} ({d.first_year}–{d.last_year or ''})" for d in definitions)
        for family, definitions in BASKET_FAMILIES.items())
    warnings = [
        "ITU redefined the price baskets over time and the spliced series (<family>_gni/_usd/_ppp) join "
        f"definitions that are not comparable across a change: {spans}. Every basket is also catalogued "
        f"on its own under the publisher's code ({len(BASKETS)} definitions × GNI/USD/PPP, e.g. "
        "i271mb_1GB_GNI, the data-only 1 GB basket of ITU's experimental collections, 2023–2025).",
        "BasketHistory lists the 70 min + 20 SMS mobile-cellular basket from 2017, but the data sheet has no "
        "2017 value for it; the spliced mobile_cellular_low series takes 2017 from the 30 calls + 100 SMS "
        "basket, which has 2017 values. No mobile-cellular voice basket is priced in 2025.",
    ]
    if outside:
        warnings.append("values outside a definition's years (experimental or overlap collections) are kept "
                        "in that basket's own indicator only, not in the spliced series: " + "; ".join(outside))
    return pd.concat(parts, ignore_index=True), warnings


# --- key ICT aggregates ----------------------------------------------------------------------


@dataclass
class _Block:
    title: str
    code: str | None
    rate_label: str | None


@dataclass
class _KeyIctSheet:
    """What one sheet of the key ICT workbook gave: rows and the codes whose block was found."""

    rows: list[dict] = field(default_factory=list)
    found: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)
    unknown_titles: set[str] = field(default_factory=set)
    footer: str | None = None


def _runs(years: dict[int, int]) -> list[list[tuple[int, int]]]:
    """Split year columns into runs of consecutive columns and consecutive years."""
    runs: list[list[tuple[int, int]]] = []
    for column, year in sorted(years.items()):
        if runs and column == runs[-1][-1][0] + 1 and year == runs[-1][-1][1] + 1:
            runs[-1].append((column, year))
        else:
            runs.append([(column, year)])
    return runs


def _read_key_ict_sheet(sheet_rows, path: Path, sheet: str, kind: str) -> _KeyIctSheet:
    result = _KeyIctSheet()
    block: _Block | None = None
    years: dict[int, int] = {}  # column → year, from the latest year-header row
    labels: dict[int, str] = {}  # column → run label, from the latest row of labels
    in_notes = False
    for number, row in enumerate(sheet_rows.iter_rows(values_only=True), start=1):
        if not row or all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        first = row[0].strip() if isinstance(row[0], str) else row[0]
        rest = list(enumerate(row))[1:]
        if in_notes or (isinstance(first, str) and _norm(first) == "notes:"):
            in_notes = True  # notes and the "Version November 2025, …" footer: no data below
            if isinstance(first, str) and FOOTER.search(first) and result.footer is None:
                result.footer = first
            continue
        if isinstance(first, str) and _norm(first) in KEY_ICT_GROUPS:
            if block is None:
                raise RawFileError(path, f"sheet {sheet!r}, cell {_cell(number, 0)}: group {first!r} before "
                                         "any indicator title")
            if block.code is not None:
                result.rows += _group_values(row, number, first, block, years, labels, path, sheet, kind)
            continue
        filled = [(i, c) for i, c in rest if c is not None and not (isinstance(c, str) and not c.strip())]
        if filled and all(_year(c) is not None for _, c in filled) and len(filled) >= 2:
            years = {i: _year(c) for i, c in filled}
            if isinstance(first, str) and first:  # a title on the year row (Nov 2024, By BDT region)
                block = _new_block(first, result)
            continue
        # Numbers or 'N/A' after a label that is no known group: a group we would drop unseen.
        values = [c for _, c in filled if not isinstance(c, str) or c.strip() in MISSING]
        if values:
            raise RawFileError(path, f"sheet {sheet!r}, cell {_cell(number, 0)}: row label {first!r} is not a "
                                     f"group this parser knows ({', '.join(sorted(KEY_ICT_GROUPS))})")
        if isinstance(first, str) and first:
            block = _new_block(first, result)
        if filled:
            labels = {i: _norm(c) for i, c in filled}
    return result


def _new_block(title: str, result: _KeyIctSheet) -> _Block:
    normalised = _norm(title)
    spec = next(((prefix, code, rate_label) for prefix, code, rate_label in KEY_ICT_TITLES
                 if normalised.startswith(prefix)), None)
    if spec is None:
        if not normalised.startswith(KEY_ICT_HEADINGS):
            result.unknown_titles.add(title.strip())
        return _Block(title, None, None)
    prefix, code, rate_label = spec
    if code is None:
        result.skipped.add(prefix)
    else:
        result.found.add(code)
    return _Block(title, code, rate_label)


def _group_values(row, number: int, group: str, block: _Block, years: dict[int, int], labels: dict[int, str],
                  path: Path, sheet: str, kind: str) -> list[dict]:
    """The values of one group row, each with its year and breakdown from the runs' labels."""
    if not years:
        raise RawFileError(path, f"sheet {sheet!r}, row {number}: values before any row of years")
    out = []
    for run in _runs(years):
        start = run[0][0]
        label = labels.get(start)
        if label is None:
            if kind == RATES:
                continue  # e.g. the totals' "Millions" label is on an earlier row; only the rate is kept
            raise RawFileError(path, f"sheet {sheet!r}, cell {_cell(number, start)}: no Total/…-label above the "
                                     f"years starting at {_cell(number, start)} (block {block.title!r})")
        if kind == RATES:
            if label != block.rate_label:
                continue
            dims: dict[str, str] | None = {}
        else:
            if label not in RUN_BREAKDOWNS:
                raise RawFileError(path, f"sheet {sheet!r}: unknown column label {label!r} above column "
                                         f"{get_column_letter(start + 1)} (block {block.title!r})")
            dims = RUN_BREAKDOWNS[label]
        if dims is None:
            continue
        for column, year in run:
            cell = row[column] if column < len(row) else None
            value = _number(cell, path, sheet, _cell(number, column))
            if value is not None:
                out.append({"source_code": block.code, "group_code": KEY_ICT_GROUPS[_norm(group)],
                            "group_name": group, "year": year, "value": value, **dims, "_sheet": sheet})
    if kind == RATES and not out and not any(labels.get(run[0][0]) == block.rate_label for run in _runs(years)):
        raise RawFileError(path, f"sheet {sheet!r}, row {number}: no column block labelled "
                                 f"{block.rate_label!r} for {block.title!r}")
    return out


def _key_ict_vintage(path: Path, workbook: Workbook, footers: list[str]) -> tuple[date | None, bool, list[str]]:
    """The workbook's last-saved date when it falls in the month its footer states.

    A later save is someone else's copy: the Nov 2024 edition we have was saved on 2025-11-03 by
    'BENADDI Youssef' (the GitHub repository's owner), so its vintage is the footer's month.
    """
    modified = _modified(workbook)
    stated = None
    for text in footers:
        match = FOOTER.search(text)
        try:
            stated = (int(match.group(2)), datetime.strptime(match.group(1).title(), "%B").month)
            break
        except ValueError:
            continue
    if stated is None:
        if modified is not None:
            return modified.date(), False, [f"{path.name}: no 'Version <month> <year>' footer; vintage is the "
                                            f"workbook's last-saved date {modified.date()}"]
        return None, False, [f"{path.name}: the workbook states no version date"]
    first_of_month = date(*stated, 1)
    if modified is not None and (modified.year, modified.month) == stated:
        return modified.date(), False, []
    if modified is not None and modified.date() > first_of_month:
        who = workbook.properties.lastModifiedBy or "an unnamed author"
        return first_of_month, True, [
            f"{path.name}: the footer says {footers[0].strip()!r} but the workbook was last saved on "
            f"{modified.date()} by {who!r}: a copy re-saved after its release. Vintage taken as "
            f"{first_of_month} (the month the footer states); the file is marked as a re-saved copy."]
    return first_of_month, False, [f"{path.name}: vintage is the first day of the month the footer states "
                                   f"({footers[0].strip()!r})"]


def read_key_ict(path: Path) -> SourceFrames:
    """Every rate and breakdown block of one edition, as ITU aggregates in the reference frame."""
    workbook = _open(path)
    try:
        absent = [name for name in KEY_ICT_SHEETS if name not in workbook.sheetnames]
        if absent:
            raise RawFileError(path, f"missing sheets {absent} (found {workbook.sheetnames})")
        sheets = {name: _read_key_ict_sheet(workbook[name], path, name, kind) for name, kind in KEY_ICT_SHEETS.items()}
        footers = [s.footer for s in sheets.values() if s.footer]
        vintage, republication, warnings = _key_ict_vintage(path, workbook, footers)
    finally:
        workbook.close()
    for name, result in sheets.items():
        required = KEY_ICT_REQUIRED.get(name) or KEY_ICT_REQUIRED[KEY_ICT_SHEETS[name]]
        missing = sorted(required - result.found)
        if missing:
            titles = [prefix for prefix, code, _ in KEY_ICT_TITLES if code in missing]
            raise RawFileError(path, f"sheet {name!r}: no block for {missing} (a title in column A starting "
                                     f"with one of {titles})")
        if result.unknown_titles:
            warnings.append(f"{path.name}, sheet {name!r}: blocks not read (titles this parser does not know): "
                            f"{sorted(result.unknown_titles)}")
    warnings.append(f"{path.name}: not emitted (counts in millions, traffic, bandwidth, fixed telephony, mobile-"
                    "cellular subscriptions and 2G coverage): "
                    f"{sorted(set().union(*(s.skipped for s in sheets.values())))}")
    if "Internet use by age" in sheets:
        warnings.append(f"{path.name}: 'Rest of the population' (Internet use of everyone not aged 15–24) is not "
                        "emitted: etl.tidy has no age code for a complement")
    rows = pd.DataFrame([row for s in sheets.values() for row in s.rows])
    reference, clash = _deduplicate_totals(rows)
    if clash:
        warnings.append(f"{path.name}: the breakdown sheets' Total columns differ from the rate sheets for "
                        f"{len(clash)} values (the rate sheets' are kept): {'; '.join(clash[:10])}")
    frame = tidy.reference(reference.drop(columns="_sheet"), raw_file=str(path))
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    empty = pd.DataFrame(columns=tidy.OBSERVATION_COLUMNS)
    return SourceFrames(KEY_ICT, "name", empty, [RawFile(path, vintage, republication=republication)],
                        reference=frame, warnings=warnings)


def _deduplicate_totals(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Totals appear in the rate sheets and again in the breakdown sheets: keep one, report clashes."""
    for column in ("sex", "area", "age"):
        rows[column] = rows[column].fillna("total") if column in rows else "total"
    key = ["source_code", "group_code", "year", "sex", "area", "age"]
    order = rows["_sheet"].map(lambda s: 0 if KEY_ICT_SHEETS[s] == RATES else 1)
    rows = rows.assign(_order=order).sort_values("_order", kind="stable")
    spread = rows.groupby(key)["value"].agg(["min", "max", "count"])
    clash = spread[(spread["count"] > 1) & (spread["max"] - spread["min"] > 1e-9)]
    examples = [f"{code} {group} {year} {sex}/{area}/{age}: {low}–{high}"
                for (code, group, year, sex, area, age), low, high in
                zip(clash.index, clash["min"], clash["max"], strict=True)]
    return rows.drop_duplicates(key).drop(columns="_order").reset_index(drop=True), examples


# --- table 10 --------------------------------------------------------------------------------


def read_gender_urban_table(path: Path) -> SourceFrames:
    """Internet use by sex and urban/rural area, latest year per economy."""
    workbook = _open(path)
    try:
        names = [name for name in workbook.sheetnames if _norm(name).startswith(GENDER_SHEET_PREFIX)]
        if len(names) != 1:
            raise RawFileError(path, f"expected one sheet named '10. Individuals using the Inter…', found "
                                     f"{workbook.sheetnames}")
        sheet = names[0]
        rows = list(workbook[sheet].iter_rows(values_only=True))
        modified, author = _modified(workbook), workbook.properties.lastModifiedBy
    finally:
        workbook.close()
    header_at = next((i for i, row in enumerate(rows[:15])
                      if any(isinstance(c, str) and _norm(c) == "economy name" for c in row)), None)
    if header_at is None or header_at == 0:
        raise RawFileError(path, f"sheet {sheet!r}: no header row with 'Economy name' (under a row of group "
                                 "headers) in the first 15 rows")
    columns, name_at = _gender_columns(rows[header_at - 1], rows[header_at], path, sheet, header_at + 1)
    year_at = next(c for c, what in columns.items() if what == "year")
    records, notes = [], {}
    for index, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        name = row[name_at] if name_at < len(row) else None
        if not isinstance(name, str) or not name.strip():
            if any(c not in (None, "") for c in row):
                raise RawFileError(path, f"sheet {sheet!r}, row {index}: values without an economy name")
            continue
        if _norm(name) == "source:":  # notes follow
            for later in rows[index:]:
                for text in (c for c in later if isinstance(c, str)):
                    notes.update(re.findall(r"\((\d+)\)\s*([^\n(]+)", text))
            break
        year = _year(row[year_at])
        if year is None:
            raise RawFileError(path, f"sheet {sheet!r}, cell {_cell(index, year_at)}: latest year "
                                     f"{row[year_at]!r} is not a year")
        for column, what in columns.items():
            if what == "year":
                continue
            value = _number(row[column], path, sheet, _cell(index, column))
            marker = row[column + 1] if column + 1 < len(row) and column + 1 not in columns else None
            marker = str(marker).strip() if marker not in (None, "") else ""
            if value is not None:
                records.append({"source_code": GENDER_CODE, "entity": name.strip(), "year": year,
                                "sex": what[0], "area": what[1], "value": value,
                                "obs_status": f"note {marker}" if marker else None})
    frame = pd.DataFrame(records)
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    warnings = [
        f"{path.name}: each economy has only its latest survey year (2016–2020) and the surveyed ages vary "
        "by economy (sheet 'in-scope population': 16–74 in the EU, 15+, 5+, all ages …).",
        f"{path.name}: the file states no release date (last saved "
        f"{modified.date() if modified else 'unknown'} by {author!r}; UNDP's repository holds it since "
        "2021-09-15): vintage left empty.",
    ]
    flagged = sorted(frame.loc[frame["obs_status"].notna(), "entity"].unique())
    for marker, text in sorted(notes.items()):
        warnings.append(f"{path.name}: note {marker} ({', '.join(flagged)}): {text.strip()}")
    observations = tidy.observations(frame, raw_file=str(path))
    return SourceFrames(GENDER_URBAN_TABLE, "name", observations, [RawFile(path, None)], warnings=warnings)


def _gender_columns(groups_row, header_row, path: Path, sheet: str, header_number: int
                    ) -> tuple[dict[int, str | tuple[str, str]], int]:
    """Column → what it holds, from the group headers (carried right) and the column headers."""
    columns: dict[int, str | tuple[str, str]] = {}
    name_at, group = None, ""
    for index, label in enumerate(header_row):
        above = groups_row[index] if index < len(groups_row) else None
        if isinstance(above, str) and above.strip():
            group = _norm(above)
        if not isinstance(label, str) or not label.strip():
            continue
        if _norm(label) == "economy name":
            name_at = index
        elif (what := GENDER_COLUMNS.get((group, _norm(label)))) is not None:
            columns[index] = what
    missing = [f"{g} / {c}" for (g, c), what in GENDER_COLUMNS.items() if what not in columns.values()]
    if missing or name_at is None:
        raise RawFileError(path, f"sheet {sheet!r}, header rows {header_number - 1}–{header_number}: columns "
                                 f"{missing} not found")
    return columns, name_at


# --- entry point -----------------------------------------------------------------------------


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every ITU workbook below `raw_dir`, one SourceFrames per file ([] when there is none)."""
    frames = [read_price_baskets(path) for path in _find(raw_dir, PRICE_PATTERNS)]
    frames += [read_key_ict(path) for path in _find(raw_dir, KEY_ICT_PATTERNS)]
    frames += [read_gender_urban_table(path) for path in _find(raw_dir, GENDER_TABLE_PATTERNS)]
    return frames

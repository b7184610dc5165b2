"""World Bank Data360 republications of ITU DataHub series (database `ITU_DH`, dataset `wb_data360_itu`).

Layout of `ITU_DH_<series>.csv` (checked on the files in ../shared/data/raw): Data360 SDMX-CSV with
labels, no BOM, LF, 39 columns `STRUCTURE, STRUCTURE_ID, ACTION, FREQ, …, REF_AREA, REF_AREA_LABEL,
INDICATOR, …, SEX, AGE, URBANISATION, UNIT_MEASURE, …, TIME_PERIOD, OBS_VALUE, AGG_METHOD, …,
UNIT_MULT, …, OBS_STATUS, …`, one row per (area, series, breakdown, year). REF_AREA mixes the 217
World Bank economies with World Bank aggregates (WLD, LDC, IDA, EUU, …). The files state no
release date, so their vintage is None; they are a republication (the data are ITU's).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.classifications import country_index
from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames, observations, reference

DATASET = "wb_data360_itu"
FILE_PATTERN = "ITU_DH_*.csv"
COLUMNS = ["REF_AREA", "REF_AREA_LABEL", "INDICATOR", "SEX", "AGE", "URBANISATION", "UNIT_MEASURE",
           "TIME_PERIOD", "OBS_VALUE", "UNIT_MULT", "OBS_STATUS"]
SEX = {"_T": "total", "F": "female", "M": "male"}
AGE = {"_T": "total", "Y0T14": "0-14", "Y15T24": "15-24", "Y25T74": "25-74", "Y_GE75": "75+"}
URBANISATION = {"_T": "total", "URB": "urban", "RUR": "rural"}
PERCENT_UNITS = {"PT_POP"}  # "Percentage of population": a value above 100 is impossible


def _codes(table: pd.DataFrame, column: str, vocabulary: dict[str, str], path: Path) -> pd.Series:
    odd = sorted(set(table[column]) - set(vocabulary))
    if odd:
        raise RawFileError(path, f"unknown {column} codes {odd} (known: {sorted(vocabulary)})")
    return table[column].map(vocabulary)


def read_file(path: Path, economies: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """One Data360 SDMX-CSV file → (observations of economies, aggregates, warnings)."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as Data360 SDMX-CSV: {exc}") from exc
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    if table.empty:
        raise RawFileError(path, "no data rows")
    table = table.apply(lambda column: column.str.strip())
    warnings: list[str] = []
    scales = sorted(set(table["UNIT_MULT"]) - {"0", ""})
    if scales:  # every file seen has UNIT_MULT 0 (units); a multiplier would change what the values mean
        raise RawFileError(path, f"UNIT_MULT {scales}: values are not in units")
    years = pd.to_numeric(table["TIME_PERIOD"], errors="coerce")
    bad = table[years.isna() | (years % 1 != 0)]
    if len(bad):
        raise RawFileError(path, f"{len(bad)} rows with a TIME_PERIOD that is not a year, e.g. "
                                 f"{bad.iloc[0]['TIME_PERIOD']!r}")
    values = pd.to_numeric(table["OBS_VALUE"], errors="coerce")
    bad = table[values.isna() & (table["OBS_VALUE"] != "")]
    if len(bad):
        first = bad.iloc[0]
        raise RawFileError(path, f"{len(bad)} non-numeric OBS_VALUE cells, e.g. {first['REF_AREA']} "
                                 f"{first['TIME_PERIOD']} = {first['OBS_VALUE']!r}")
    if table["REF_AREA"].eq("").any():
        raise RawFileError(path, "a row has an empty REF_AREA")
    frame = pd.DataFrame({
        "source_code": table["INDICATOR"], "entity": table["REF_AREA"], "group_name": table["REF_AREA_LABEL"],
        "year": years.astype(int), "sex": _codes(table, "SEX", SEX, path),
        "area": _codes(table, "URBANISATION", URBANISATION, path), "age": _codes(table, "AGE", AGE, path),
        "value": values.astype(float), "obs_status": table["OBS_STATUS"].replace("", None),
        "raw_file": str(path), "unit": table["UNIT_MEASURE"],
    })
    empty = frame["value"].isna()
    if empty.any():
        warnings.append(f"{path.name}: {int(empty.sum())} rows with an empty OBS_VALUE skipped")
        frame = frame[~empty]
    # Upstream errors: ITU_DH_INT_USR_DAY (a % of population) has 9 values above 100, e.g. MEX aged
    # 75+ 2014 = 347.0, GBR aged 25-74 2005-2007 = 125.6-168.3, EGY 2013 = 102.4 (neighbouring
    # years are 44-68 %). They are dropped, and listed, rather than failing the build.
    impossible = frame["unit"].isin(PERCENT_UNITS) & (frame["value"] > 100)
    if impossible.any():
        shown = ", ".join(f"{r.entity} {r.year} {r.sex}/{r.area}/{r.age} = {r.value:g}"
                          for r in frame[impossible].itertuples())
        warnings.append(f"{path.name}: {int(impossible.sum())} percentages above 100 dropped ({shown})")
        frame = frame[~impossible]
    dupes = frame[frame.duplicated(["source_code", "entity", "year", "sex", "area", "age"], keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise RawFileError(path, f"{len(dupes)} rows repeat a (series, area, year, breakdown), e.g. "
                                 f"{first['source_code']} {first['entity']} {first['year']}")
    # Aggregates are told apart by the country index, not by AGG_METHOD: AGG_METHOD is MEAN on every
    # row, economies included (2,012 + 6,900 + 2,710 rows seen). Every REF_AREA that is not one of
    # the 217 economies is a World Bank aggregate code (48 in ITU_DH_POP_COV_4G).
    is_economy = frame["entity"].isin(economies)
    groups = frame[~is_economy].rename(columns={"entity": "group_code"})
    return observations(frame[is_economy]), reference(groups), warnings


def parse_files(raw_dir: Path, pattern: str, dataset: str, warnings: list[str] | None = None) -> list[SourceFrames]:
    """Every Data360 SDMX-CSV file matching `pattern` below `raw_dir`, as one frame of `dataset`.

    Shared by every Data360 database we read (ITU_DH here, PCH_IXP in data360_pch.py): one layout."""
    paths = sorted(p for p in Path(raw_dir).rglob(pattern) if p.is_file())
    if not paths:
        return []
    try:
        economies = country_index(raw_dir).economies
    except RawFileError as exc:
        raise RawFileError(paths[0], f"cannot tell economies from World Bank aggregates: {exc}") from exc
    obs, refs, notes = [], [], list(warnings or [])
    for path in paths:
        frame, groups, found = read_file(path, economies)
        obs.append(frame)
        refs.append(groups)
        notes += found
    return [SourceFrames(
        dataset, "iso3", pd.concat(obs, ignore_index=True),
        [RawFile(path, None, republication=True) for path in paths],
        reference=pd.concat(refs, ignore_index=True),
        warnings=notes,
    )]


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every Data360 `ITU_DH_*.csv` below `raw_dir`, as one `wb_data360_itu` frame."""
    return parse_files(raw_dir, FILE_PATTERN, DATASET)

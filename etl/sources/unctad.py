"""UNCTADstat bulk CSVs on ICT trade (dataset `unctad`).

Three files, checked in ../shared/data/raw/unctad (UTF-8 with BOM, one row per economy, partner,
flow, category and year; no release date stated):
- "International trade in ICT services, value, shares and growth, annual" (category SICT) and
  "… digitally-deliverable services …" (SDDL), 2005–2019: measures `US dollars at current prices
  in millions`, `Growth rate (over previous period)`, `Percentage of total world`, `Percentage of
  total trade in services`, each followed by a `… Footnote` column ("Estimated", "Break",
  "Break, estimated"), kept as obs_status.
- "Share of ICT goods as percentage of total trade, annual" (ICT00), 2000–2019: `Percentage of
  total merchandise trade`, for flows 01 imports, 02 exports, 03 re-exports, 24 re-imports.
`Partner` is always 0000 (World). `Economy` is a UN M49 code: three digits for economies (some of
them UNCTAD's trade variants, e.g. 842 USA, 926 UK, 757 Switzerland with Liechtenstein; see
etl/mappings/unctad.yaml), four digits for UNCTAD's 196 groups (0000 World, 1100 developed
economies, 2210 LDCs, 3xxx trade blocs, 5xxx regions), which go to `reference`.
Series codes are `<category>.<flow>.<measure>`, e.g. SICT.02.PCT_SERVICES = ICT services exports as
% of all services exports. US$ millions are converted to US$ (SICT.02.USD). The DDS file has
negative values (Lao PDR's imports 2005–2007, down to −13.7 US$ m): kept as published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames, observations, reference

DATASET = "unctad"
FILE_PATTERN = "UNCTAD*.csv"
ID_COLUMNS = ["Year", "Economy", "Economy Label", "Partner", "Flow"]
CATEGORY_COLUMNS = ["Category", "IctProductCategory"]  # services files, goods file
WORLD_PARTNER = "0000"
# Measure column → (code suffix, factor to the catalogue's unit).
MEASURES = {
    "US dollars at current prices in millions": ("USD", 1e6),
    "Percentage of total trade in services": ("PCT_SERVICES", 1.0),
    "Percentage of total merchandise trade": ("PCT_MERCH", 1.0),
}


def read_file(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """One UNCTADstat CSV → (economies' rows, group rows, notes), both long with source_code."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as CSV: {exc}") from exc
    missing = [c for c in ID_COLUMNS if c not in table.columns]
    category = next((c for c in CATEGORY_COLUMNS if c in table.columns), None)
    if category is None:
        missing.append(" or ".join(CATEGORY_COLUMNS))
    measures = [m for m in MEASURES if m in table.columns]
    if not measures:
        missing.append(" or ".join(MEASURES))
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    notes = []
    others = table["Partner"] != WORLD_PARTNER
    if others.any():
        notes.append(f"{path.name}: {int(others.sum())} rows with a partner other than the World skipped")
        table = table[~others]
    codes = table["Economy"].str.strip()
    odd = sorted(set(codes[~codes.str.fullmatch(r"\d{3,4}")]))
    if odd:
        raise RawFileError(path, f"Economy codes that are not M49 numbers: {odd[:5]}")
    years = pd.to_numeric(table["Year"], errors="coerce")
    if years.isna().any():
        raise RawFileError(path, f"unreadable Year {table.loc[years.isna(), 'Year'].iloc[0]!r}")

    parts = []
    for measure in measures:
        suffix, factor = MEASURES[measure]
        text = table[measure].str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = (text != "") & values.isna()
        if bad.any():
            first = table[bad].iloc[0]
            raise RawFileError(path, f"{int(bad.sum())} non-numeric {measure!r} values, e.g. "
                                     f"{first['Economy']} {first['Year']} = {first[measure]!r}")
        flag = table.get(f"{measure} Footnote", pd.Series("", index=table.index)).str.strip()
        present = text != ""
        parts.append(pd.DataFrame({
            "source_code": table[category].str.strip() + "." + table["Flow"].str.strip() + "." + suffix,
            "code": codes,
            "name": table["Economy Label"].str.strip(),
            "year": years.astype(int),
            "value": values * factor,
            "obs_status": flag.where(flag != "", None),
        })[present])
    long = pd.concat(parts, ignore_index=True).assign(raw_file=str(path))
    if long.duplicated(["source_code", "code", "year"]).any():
        raise RawFileError(path, "the same economy, flow and year appear twice")
    negative = long[long["value"] < 0]
    if len(negative):
        first = negative.iloc[0]
        notes.append(f"{path.name}: {len(negative)} negative values kept as published, e.g. {first['name']} "
                     f"{first['source_code']} {first['year']} = {first['value']:g}")
    groups = long["code"].str.len() == 4  # UNCTAD's own aggregates; M49 economies have three digits
    economies = long[~groups].rename(columns={"code": "entity"})
    aggregates = long[groups].rename(columns={"code": "group_code", "name": "group_name"})
    return economies, aggregates, notes


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every UNCTADstat CSV below raw_dir as one dataset; [] when there is none."""
    paths = sorted(p for p in raw_dir.rglob(FILE_PATTERN) if p.is_file())
    if not paths:
        return []
    economies, aggregates, notes = [], [], []
    for path in paths:
        found = read_file(path)
        economies.append(found[0])
        aggregates.append(found[1])
        notes += found[2]
    return [SourceFrames(
        dataset=DATASET,
        entity_kind="m49",
        observations=observations(pd.concat(economies, ignore_index=True)),
        files=[RawFile(path, None) for path in paths],
        reference=reference(pd.concat(aggregates, ignore_index=True)),
        warnings=notes,
    )]


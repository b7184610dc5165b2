"""ITU Global Cybersecurity Index (dataset `itu_gci`): two third-party transcriptions of ITU's PDF reports.

ITU publishes the GCI in PDF only, so both files are transcriptions (`republication=True`) and
neither states a release date (vintage None). Checked on the files in ../shared/data/raw/itu/gci:

- `ITU_Global_Cybersecurity_Index_2024_pillars_thirdparty.csv` (5th edition, 2024): columns
  `Country name, Legal, Technical, Organization, Capacity Development, Cooperation Measures,
  Source`, 193 rows in ITU-region order, ITU-style names (mapped by name, etl/mappings/itu_gci.yaml);
  `Source` is always 1. Each pillar is scored 0–20; the file has no total, so the overall score
  (0–100) is their sum, rounded to the pillars' two decimals: 12 countries reach 100, Eritrea has
  2.21 and the Central African Republic 4.76. The edition year is read from the file name.
- `bipa2024_gci_2020_extracted.csv` (4th edition, 2020; Blavatnik Index team): long format
  `cc_iso3c, ref_year, variable, value`, 191 economies, `gci_overall` plus five pillars on the same
  0–20 / 0–100 scales. Mozambique, Slovakia and Slovenia lack one or two pillars, and their overall
  score is not the sum of those given.

The two editions share their scales but not their method: ITU revised the questionnaire and the
weights for 2024 and reports it in tiers rather than ranks, and the scores moved (mean 52.4 in 2020
against 65.9 in 2024 on these files). They are therefore separate series (source codes
`gci2024_*` and the 2020 file's own `gci_*`), not one time series.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from etl.errors import RawFileError
from etl.tidy import RawFile, SourceFrames, observations

DATASET = "itu_gci"
PILLARS_2024_PATTERN = "ITU_Global_Cybersecurity_Index_*_pillars*.csv"
GCI_2020_PATTERN = "*gci_2020*.csv"
NAME_COLUMN = "Country name"
# The 2024 file's pillar columns → our codes (the 2020 file's variable names, edition-prefixed).
PILLARS_2024 = {
    "Legal": "gci2024_legal",
    "Technical": "gci2024_technical",
    "Organization": "gci2024_organisational",
    "Capacity Development": "gci2024_capacity_development",
    "Cooperation Measures": "gci2024_cooperation",
}
OVERALL_2024 = "gci2024_overall"
LONG_COLUMNS = ["cc_iso3c", "ref_year", "variable", "value"]
VARIABLES_2020 = {"gci_overall", "gci_legal_measures", "gci_technical_measures", "gci_organisational_measures",
                  "gci_capacity_development", "gci_cooperative_measures"}


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as CSV: {exc}") from exc


def _to_float(text: pd.Series, path: Path, what: pd.Series) -> pd.Series:
    """Numbers from text; the first unreadable cell is named with its row's label."""
    values = pd.to_numeric(text.str.strip(), errors="coerce")
    bad = values.isna()
    if bad.any():
        first = bad.idxmax()
        raise RawFileError(path, f"{int(bad.sum())} non-numeric values, e.g. {what[first]} = {text[first]!r}")
    return values.astype(float)


def read_pillars_2024(path: Path) -> pd.DataFrame:
    """The 2024 pillar file in long form, with the overall score computed as the pillars' sum."""
    found = re.search(r"Index_(\d{4})", path.name)
    if not found:
        raise RawFileError(path, "no edition year in the file name (…Index_<year>_pillars…)")
    year = int(found.group(1))
    table = _read_csv(path)
    missing = [c for c in [NAME_COLUMN, *PILLARS_2024] if c not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    names = table[NAME_COLUMN].str.strip()
    if (names == "").any() or names.duplicated().any():
        raise RawFileError(path, f"empty or duplicate country names: {sorted(names[names.duplicated()])[:5]}")
    scores = pd.DataFrame({code: _to_float(table[column], path, names + f" {column}")
                           for column, code in PILLARS_2024.items()})
    scores[OVERALL_2024] = scores[list(PILLARS_2024.values())].sum(axis=1).round(2)
    scores["entity"] = names
    long = scores.melt(id_vars="entity", var_name="source_code", value_name="value")
    return long.assign(year=year, raw_file=str(path))


def read_gci_2020(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The 2020 long file as it is; pillars missing from the transcription are reported."""
    table = _read_csv(path)
    missing = [c for c in LONG_COLUMNS if c not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing}")
    label = table["cc_iso3c"] + " " + table["variable"]
    frame = pd.DataFrame({
        "entity": table["cc_iso3c"].str.strip(),
        "source_code": table["variable"].str.strip(),
        "year": _to_float(table["ref_year"], path, label).astype(int),
        "value": _to_float(table["value"], path, label),
        "raw_file": str(path),
    })
    notes = []
    unknown = sorted(set(frame["source_code"]) - VARIABLES_2020)
    if unknown:
        raise RawFileError(path, f"unknown variables {unknown}")
    if frame.duplicated(["entity", "source_code", "year"]).any():
        raise RawFileError(path, "the same economy, variable and year appear twice")
    per_economy = frame.groupby("entity")["source_code"].nunique()
    short = per_economy[per_economy < len(VARIABLES_2020)]
    if len(short):
        notes.append(f"GCI 2020 transcription lacks pillars for {', '.join(short.index)}: their overall "
                     "score is ITU's, not the sum of the pillars given")
    return frame, notes


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Up to two frames: GCI 2024 by name, GCI 2020 by ISO3; [] when neither file is there."""
    frames = []
    paths_2024 = sorted(p for p in raw_dir.rglob(PILLARS_2024_PATTERN) if p.is_file())
    if paths_2024:
        frames.append(SourceFrames(
            dataset=DATASET,
            entity_kind="name",
            observations=observations(pd.concat([read_pillars_2024(p) for p in paths_2024], ignore_index=True)),
            files=[RawFile(p, None, republication=True) for p in paths_2024],
            warnings=["GCI 2024 comes from a third-party transcription of ITU's report, not checked against "
                      "the PDF; its overall score is the sum of the five pillars"],
        ))
    paths_2020 = sorted(p for p in raw_dir.rglob(GCI_2020_PATTERN) if p.is_file())
    if paths_2020:
        parsed = [read_gci_2020(p) for p in paths_2020]
        frames.append(SourceFrames(
            dataset=DATASET,
            entity_kind="iso3",
            observations=observations(pd.concat([frame for frame, _ in parsed], ignore_index=True)),
            files=[RawFile(p, None, republication=True) for p in paths_2020],
            warnings=[note for _, notes in parsed for note in notes],
        ))
    return frames

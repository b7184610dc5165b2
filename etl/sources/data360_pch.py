"""Packet Clearing House's Internet exchange point counts, republished by World Bank Data360 (`PCH_IXP_*.csv`).

Data360 database `PCH_IXP` ("Internet Exchange Directory"), the same SDMX-CSV layout as the ITU_DH files
(etl/sources/data360.py reads both). Checked on the 2024 files in ../shared/data/raw: one year only,
202 areas (156 economies and 46 World Bank aggregates) per file.
Quirks:
- Economies without an IXP in PCH's directory (61 of the 217, e.g. NER) have no row at all. A missing row
  probably means none, but neither file says so, so we do not write zeros: they stay missing.
- PCH_IXP_NUM aggregates are sums (WLD 751 = the 156 economies' total); PCH_IXP_PARTICIPANTS aggregates
  are unweighted means of the country medians (AGG_METHOD MEAN), not medians over the IXPs.
- No licence is stated in the files, and PCH's own terms for its directory are not checked: the rows are
  loaded like GSMA's (licence flagged in indicators/sources.yaml, marked restricted in exports).
"""

from __future__ import annotations

from pathlib import Path

from etl.sources.data360 import parse_files
from etl.tidy import SourceFrames

DATASET = "wb_data360_pch"
FILE_PATTERN = "PCH_IXP_*.csv"
LICENCE_WARNING = ("PCH Internet exchange point counts (via World Bank Data360): no licence is stated for the "
                   "data; check Packet Clearing House's terms before publishing or exporting them")
MISSING_WARNING = ("PCH_IXP files have no row for economies without an IXP in PCH's directory: such economies "
                   "are left missing, not counted as zero")


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every `PCH_IXP_*.csv` below `raw_dir`, as one `wb_data360_pch` frame."""
    return parse_files(raw_dir, FILE_PATTERN, DATASET, [LICENCE_WARNING, MISSING_WARNING])

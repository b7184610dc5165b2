"""Independent readers of the raw files, for tests: the csv module, not the ETL's pandas code."""

from __future__ import annotations

import csv
from pathlib import Path


def wb_cells(path: Path) -> dict[tuple[str, int], float]:
    """Every non-empty (country code, year) cell of a World Bank bulk file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[4]
    years = {index: int(name) for index, name in enumerate(header) if name.isdigit()}
    cells = {}
    for row in rows[5:]:
        for index, year in years.items():
            if index < len(row) and row[index].strip():
                cells[(row[1], year)] = float(row[index])
    return cells


def wb_metadata_regions(path: Path) -> dict[str, str]:
    """Country code → Region ('' for the World Bank's aggregates)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["Country Code"]: row["Region"] for row in csv.DictReader(handle)}

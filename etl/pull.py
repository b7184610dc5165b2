"""`pull`: fetch the publishers' raw files over their APIs into the raw layout, unchanged.

Each source module's `pull(raw_dir, progress=…)` saves response bodies under
`<raw_dir>/<publisher>/api/<date>/` with an `_origin.yml` sidecar, and `build` reads them like
any other raw file.
"""

from __future__ import annotations

from pathlib import Path

from etl.sources import itu_datahub, unsdg, worldbank_api

PULLERS = {
    "worldbank": worldbank_api.pull,  # World Bank Indicators API v2 (every WDI series of the catalogue)
    "itu": itu_datahub.pull,  # ITU DataHub API v2
    "unsdg": unsdg.pull,  # UN SDG API v1
}
SOURCES = tuple(PULLERS)


def pull(source: str | None, raw_dir: Path, *, progress: bool = True) -> list[Path]:
    """Pull one source, or every source when `source` is None; returns the folders written."""
    folders: list[Path] = []
    for name in SOURCES if source is None else (source,):
        folders += PULLERS[name](raw_dir, progress=progress)
    return folders

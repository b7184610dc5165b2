"""The contract between source parsers and the build: tidy frames plus the files they came from.

A parser (`etl/sources/<publisher>.py`) reads raw files and returns a list of `SourceFrames`,
one per dataset it found. It identifies series by the publisher's own code (`source_code`) and
economies as the publisher does (`entity`: an ISO3 code, an M49 number or a name); the build
maps codes to catalogue indicators, entities to ISO3 (etl/mappings/<dataset>.yaml), and picks
one file per series when several give it. Parsers never touch DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

# One row per value. `entity` is the publisher's identifier of the economy (see entity_kind);
# `raw_file` is the file (or, for paged API pulls, the folder) the row came from.
OBSERVATION_COLUMNS = ["source_code", "entity", "year", "sex", "area", "age", "value", "obs_status", "raw_file"]
# Aggregates as the publisher computed them (World, regions, income groups): kept for reference.
REFERENCE_COLUMNS = ["source_code", "group_code", "group_name", "year", "sex", "area", "age", "value", "raw_file"]

SEXES = {"total", "female", "male"}
AREAS = {"total", "urban", "rural"}
AGES = {"total", "15+", "0-14", "15-24", "25-74", "75+", "15-74", "25+"}
ENTITY_KINDS = {"iso3", "m49", "name"}


@dataclass(frozen=True)
class RawFile:
    """A raw file (or pulled folder) read by a parser, with what ranks it against other copies."""

    path: Path
    vintage: date | None  # the publisher's release date; None when the file does not say
    republication: bool = False  # a third party's copy (datahub.io, Data360) rather than the publisher's own
    role: str = "data"  # 'data', or 'metadata' for files that only describe
    retrieved_at: datetime | None = None  # when `pull` fetched it (None for files imported by hand)
    url: str | None = None


@dataclass
class SourceFrames:
    """What a parser found for one dataset (a key of indicators/sources.yaml)."""

    dataset: str
    entity_kind: str  # 'iso3', 'm49' or 'name': how `entity` is mapped to ISO3
    observations: pd.DataFrame  # OBSERVATION_COLUMNS
    files: list[RawFile]
    reference: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REFERENCE_COLUMNS))
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        missing = [c for c in OBSERVATION_COLUMNS if c not in self.observations.columns]
        if missing:
            raise ValueError(f"{self.dataset}: observations lack columns {missing}")
        missing = [c for c in REFERENCE_COLUMNS if c not in self.reference.columns]
        if missing:
            raise ValueError(f"{self.dataset}: reference lacks columns {missing}")
        if self.entity_kind not in ENTITY_KINDS:
            raise ValueError(f"{self.dataset}: entity_kind must be one of {sorted(ENTITY_KINDS)}")


def observations(rows: pd.DataFrame, **constants) -> pd.DataFrame:
    """Complete a frame to OBSERVATION_COLUMNS: breakdowns default to 'total', obs_status to None."""
    frame = rows.copy()
    for column, default in {"sex": "total", "area": "total", "age": "total", "obs_status": None,
                            **constants}.items():
        if column not in frame.columns:
            frame[column] = default
    return frame[OBSERVATION_COLUMNS].reset_index(drop=True)


def reference(rows: pd.DataFrame, **constants) -> pd.DataFrame:
    """Complete a frame to REFERENCE_COLUMNS, like `observations`."""
    frame = rows.copy()
    for column, default in {"sex": "total", "area": "total", "age": "total", **constants}.items():
        if column not in frame.columns:
            frame[column] = default
    return frame[REFERENCE_COLUMNS].reset_index(drop=True)

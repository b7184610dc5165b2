"""Country harmonisation: every publisher's way of naming an economy, mapped to ISO3 by data.

Each dataset has `etl/mappings/<dataset>.yaml`:

    map:                 # the publisher's entity → ISO3, where the general index does not know it
      "Türkiye": TUR
    exclude:             # entities dropped on purpose, each with its reason
      World: aggregate
      TWN: not a World Bank economy
    exclude_patterns:    # regular expressions (full match) for whole families of aggregates
      "9\\d\\d": M49 group codes

Everything else goes through the general index (ISO3 codes of the economies, M49 numbers, and
every English name the classification files give). An entity that is neither mapped, excluded
nor known fails the build, listed with all the others: nothing is dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from etl.errors import EtlError
from etl.tidy import SourceFrames

MAPPINGS_DIR = Path(__file__).with_name("mappings")


def normalise_name(name: str) -> str:
    """Fold case, accents, punctuation and 'the' so that spelling variants meet."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(ch))
    text = "".join(ch if ch.isalnum() else " " for ch in text.replace("&", " and "))  # ’ and ' alike
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass
class CountryIndex:
    """What the build knows about economies: the universe (ISO3), M49 numbers and names."""

    economies: set[str]
    m49: dict[str, str] = field(default_factory=dict)  # '004' → 'AFG'
    names: dict[str, str] = field(default_factory=dict)  # normalised name → ISO3

    def add_names(self, iso3: str, *names: str) -> None:
        for name in names:
            if isinstance(name, str) and name.strip():
                self.names.setdefault(normalise_name(name), iso3)


@dataclass(frozen=True)
class Mapping:
    dataset: str
    map: dict[str, str]
    exclude: dict[str, str]
    exclude_patterns: dict[str, str]

    def excluded_reason(self, entity: str) -> str | None:
        if entity in self.exclude:
            return self.exclude[entity]
        for pattern, reason in self.exclude_patterns.items():
            if re.fullmatch(pattern, entity):
                return reason
        return None


def load_mapping(dataset: str, directory: Path = MAPPINGS_DIR) -> Mapping:
    path = directory / f"{dataset}.yaml"
    if not path.exists():
        return Mapping(dataset, {}, {}, {})
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise EtlError(f"{path}: unreadable mapping: {exc}") from exc
    return Mapping(
        dataset,
        {str(k): str(v) for k, v in (spec.get("map") or {}).items()},
        {str(k): str(v) for k, v in (spec.get("exclude") or {}).items()},
        {str(k): str(v) for k, v in (spec.get("exclude_patterns") or {}).items()},
    )


def _resolve(entity: str, kind: str, index: CountryIndex) -> str | None:
    if kind == "iso3":
        code = entity.strip().upper()
        return code if code in index.economies else None
    if kind == "m49":
        digits = entity.strip().lstrip("0") or "0"
        return index.m49.get(digits.zfill(3))
    return index.names.get(normalise_name(entity))


@dataclass
class Harmonised:
    observations: pd.DataFrame  # the frame's observations with `iso3`, excluded rows removed
    unmapped: list[str]  # entities neither mapped, excluded nor known
    excluded: dict[str, str]  # entity → reason, for the run's report


def harmonise(frames: SourceFrames, index: CountryIndex, mapping: Mapping | None = None) -> Harmonised:
    """Map each entity of a dataset's observations to ISO3 (or to an explicit exclusion)."""
    mapping = mapping or load_mapping(frames.dataset)
    resolved: dict[str, str | None] = {}
    unmapped, excluded = [], {}
    for entity in frames.observations["entity"].astype(str).unique():
        if entity in mapping.map:
            iso3 = mapping.map[entity]
            if iso3 not in index.economies:
                unmapped.append(f"{entity} (mapped to {iso3}, which is not an economy in `country`)")
                iso3 = None
            resolved[entity] = iso3
        elif (reason := mapping.excluded_reason(entity)) is not None:
            excluded[entity] = reason
            resolved[entity] = None
        elif (iso3 := _resolve(entity, frames.entity_kind, index)) is not None:
            resolved[entity] = iso3
        else:
            unmapped.append(entity)
            resolved[entity] = None
    obs = frames.observations.copy()
    obs["iso3"] = obs["entity"].astype(str).map(resolved)
    return Harmonised(obs[obs["iso3"].notna()].reset_index(drop=True), sorted(unmapped), excluded)

"""From every parser's frames to the tables of the database: resolve, harmonise, choose.

1. each series code is resolved to a catalogue indicator (series the catalogue does not name
   are counted and left out);
2. each entity is mapped to ISO3 (etl/harmonise.py); unmapped entities from every source are
   gathered and fail the build together;
3. one file per slice is chosen where several give the same series (etl/choose.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from etl import choose, harmonise
from etl.classifications import Classification, groups
from etl.errors import EtlError, NoRawDataError
from etl.provenance import sha256_file
from etl.tidy import RawFile, SourceFrames
from indicators import Catalogue

KNOWN_FILES = Path(__file__).with_name("mappings") / "known_files.yaml"
SOURCE_COLUMNS = ["source_id", "dataset_key", "publisher", "dataset", "url", "license", "license_url",
                  "attribution", "republication", "vintage", "retrieved_at"]


class UnmappedEntitiesError(EtlError):
    """Entities that no mapping, exclusion or index entry accounts for (all sources at once)."""


@dataclass
class Tables:
    country: pd.DataFrame
    country_name: pd.DataFrame
    country_group: pd.DataFrame
    group_member: pd.DataFrame
    source: pd.DataFrame
    source_file: pd.DataFrame
    indicator: pd.DataFrame
    observation: pd.DataFrame  # with a `raw_file` column for validation messages (not stored)
    published_aggregate: pd.DataFrame  # with `raw_file` too (not stored)
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame)  # every file's rows, before the choice
    aggregate_candidates: pd.DataFrame = field(default_factory=pd.DataFrame)  # every file's aggregates
    choice_problems: list[str] = field(default_factory=list)  # winners that shrink a series (etl/choose.py)
    shrunk: set[tuple[str, str]] = field(default_factory=set)  # (winner raw_file, indicator) pairs
    rows_by_source: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def source_id(dataset: str, file: RawFile) -> str:
    return f"{dataset}:{file.vintage.isoformat() if file.vintage else 'undated'}"


def _relative(path: Path | str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


def _resolve(frame: pd.DataFrame, dataset: str, catalogue: Catalogue) -> pd.DataFrame:
    ids = {code: (ind.indicator_id if (ind := catalogue.resolve(dataset, code)) else None)
           for code in frame["source_code"].unique()}
    resolved = frame.assign(indicator_id=frame["source_code"].map(ids))
    return resolved[resolved["indicator_id"].notna()]


def assemble(raw_dir: Path, frames: list[SourceFrames], classification: Classification,
             catalogue: Catalogue) -> Tables:
    """Resolve, harmonise and choose; raise UnmappedEntitiesError or NoRawDataError when stuck."""
    warnings = list(classification.warnings)
    frames = [_with_known_retrieval(frame) for frame in frames]
    files: dict[str, tuple[str, RawFile]] = {}
    observations, references, unmapped = [], [], []
    for frame in frames:
        warnings += [f"{frame.dataset}: {warning}" for warning in frame.warnings]
        for file in frame.files:
            files[str(file.path)] = (frame.dataset, file)
        obs = _resolve(frame.observations, frame.dataset, catalogue)
        if len(obs):
            mapped = harmonise.harmonise(SourceFrames(frame.dataset, frame.entity_kind, obs, frame.files),
                                         classification.index)
            unmapped += [f"{frame.dataset}: {entity}" for entity in mapped.unmapped]
            if mapped.excluded:
                shown = ", ".join(f"{entity} ({reason})" for entity, reason in sorted(mapped.excluded.items()))
                warnings.append(f"{frame.dataset}: excluded by etl/mappings/{frame.dataset}.yaml: {shown}")
            observations.append(mapped.observations.assign(dataset=frame.dataset))
        ref = _resolve(frame.reference, frame.dataset, catalogue)
        if len(ref):
            references.append(ref.assign(dataset=frame.dataset))
    if unmapped:
        raise UnmappedEntitiesError(
            f"{len(unmapped)} entities are neither mapped nor excluded (add them to etl/mappings/<dataset>.yaml): "
            + "; ".join(unmapped))
    if not observations:
        raise NoRawDataError(f"{raw_dir}: no file with a series of the catalogue was found")

    all_obs = pd.concat(observations, ignore_index=True)
    rank_files = {path: file for path, (_, file) in files.items()}
    choice = choose.choose(all_obs, rank_files)
    kept = choice.observations
    for loser, winner in sorted(choice.passed_over.items()):
        warnings.append(f"passed over {_relative(loser, raw_dir)} for {_relative(winner, raw_dir)}")

    kept = kept.assign(
        source_id=[source_id(files[f][0], files[f][1]) for f in kept["raw_file"]],
        vintage=[files[f][1].vintage for f in kept["raw_file"]],
    )
    reference = _reference_table(references, files)
    indicator = _indicator_table(kept, reference, catalogue)
    reference = reference[reference["indicator_id"].isin(indicator["indicator_id"])]
    used_paths, aggregate_paths = set(kept["raw_file"]), set(reference["raw_file"])
    source_rows, file_rows = {}, []
    for path, (dataset, file) in [*files.items(), *((str(f.path), (d, f)) for d, f in classification.files)]:
        role = ("metadata" if file.role == "metadata" else "data" if path in used_paths
                else "passed_over" if path in choice.passed_over
                else "aggregates" if path in aggregate_paths else "unused")
        meta = catalogue.sources[dataset]
        sid = source_id(dataset, file)
        source_rows.setdefault(sid, {
            "source_id": sid, "dataset_key": dataset, "publisher": meta.publisher, "dataset": meta.dataset,
            "url": meta.url, "license": meta.license, "license_url": meta.license_url,
            "attribution": meta.attribution, "republication": bool(meta.republishes) or file.republication,
            "vintage": file.vintage, "retrieved_at": pd.Timestamp(file.retrieved_at) if file.retrieved_at else pd.NaT,
        })
        file_rows.append({
            "source_id": sid, "path": _relative(path, raw_dir), "role": role,
            "sha256": sha256_file(Path(path)) if Path(path).is_file() else None,
            "passed_over_for": _relative(choice.passed_over[path], raw_dir) if path in choice.passed_over else None,
        })

    country_group, group_member = groups(classification.country)
    return Tables(
        country=classification.country, country_name=classification.country_name,
        country_group=country_group, group_member=group_member,
        source=pd.DataFrame(list(source_rows.values()), columns=SOURCE_COLUMNS),
        source_file=pd.DataFrame(file_rows).drop_duplicates("path"),
        indicator=indicator,
        observation=kept,
        published_aggregate=reference,
        candidates=all_obs,
        aggregate_candidates=pd.concat(references, ignore_index=True) if references else pd.DataFrame(
            columns=["indicator_id", "group_code", "year", "value", "raw_file"]),
        choice_problems=choice.problems,
        shrunk=choice.shrunk,
        rows_by_source=kept.groupby("dataset").size().astype(int).to_dict(),
        warnings=warnings,
    )


@cache
def _known_files() -> dict[str, dict]:
    spec = yaml.safe_load(KNOWN_FILES.read_text(encoding="utf-8")) or {}
    return spec.get("files") or {}


def _with_known_retrieval(frame: SourceFrames) -> SourceFrames:
    """Give undated files whose bytes are documented (known_files.yaml) their retrieval date."""
    files = []
    for file in frame.files:
        if file.vintage is None and file.retrieved_at is None and Path(file.path).is_file():
            known = _known_files().get(sha256_file(Path(file.path)))
            if known:
                file = replace(file, retrieved_at=datetime.combine(known["retrieved"], time(), tzinfo=UTC))
        files.append(file)
    frame.files = files
    return frame


def _reference_table(references: list[pd.DataFrame], files: dict[str, tuple[str, RawFile]]) -> pd.DataFrame:
    """Publisher aggregates: every edition kept (source_id differs); same-vintage copies deduplicated."""
    columns = ["indicator_id", "source_id", "group_code", "group_name", "year", "sex", "area", "age", "value",
               "raw_file", "source_code"]
    if not references:
        return pd.DataFrame(columns=columns)
    ref = pd.concat(references, ignore_index=True)
    ref = ref.assign(
        source_id=[source_id(files[f][0], files[f][1]) for f in ref["raw_file"]],
        _rank=[choose.rank(files[f][1]) for f in ref["raw_file"]],
    ).dropna(subset=["value"])
    ref = ref.sort_values("_rank", ascending=False).drop_duplicates(
        ["indicator_id", "source_id", "group_code", "year", "sex", "area", "age"])
    return ref[columns].reset_index(drop=True)


def _indicator_table(observation: pd.DataFrame, reference: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Catalogue indicators with data. `source_id` is the source of most of their rows (observations and
    publisher aggregates), and `source_code` that source's own code for the series, as its files spell
    it (the catalogue's `source_code` or an `also_from` code): the two always name the same dataset."""
    columns = ["indicator_id", "source_id", "source_code"]
    counts = pd.concat([observation[columns], reference[columns]]).groupby(columns).size().reset_index(name="n")
    per_source = counts.groupby(["indicator_id", "source_id"], as_index=False)["n"].sum() \
        .sort_values(["indicator_id", "n", "source_id"], ascending=[True, False, True]).drop_duplicates("indicator_id")
    main = per_source[["indicator_id", "source_id"]].merge(counts, on=["indicator_id", "source_id"]) \
        .sort_values(["indicator_id", "n", "source_code"], ascending=[True, False, True]) \
        .drop_duplicates("indicator_id").set_index("indicator_id")
    rows = []
    for indicator_id, (sid, code) in main[["source_id", "source_code"]].iterrows():
        entry = catalogue.indicators[indicator_id]
        rows.append({
            "indicator_id": indicator_id, "name": entry.name, "unit": entry.unit.label,
            "description": entry.description, "source_id": sid, "source_code": code,
            "higher_is_better": entry.higher_is_better, "breakdowns": list(entry.breakdowns),
            "themes": list(entry.themes),
        })
    return pd.DataFrame(rows)


def rows_json(rows_by_source: dict[str, int]) -> str:
    return json.dumps(rows_by_source, sort_keys=True)

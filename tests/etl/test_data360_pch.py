"""Packet Clearing House's IXP counts on World Bank Data360 (PCH_IXP_*.csv): the real files, checked with the csv
module, and their licence handled as GSMA's is (loaded, flagged restricted, marked in exports)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etl.classifications import country_index
from etl.harmonise import harmonise
from etl.sources import data360_pch
from indicators import catalogue

FOLDER = "worldbank/data360_pch_ixp"


def cells(shared_raw: Path, name: str) -> dict[str, float]:
    (path,) = sorted((shared_raw / FOLDER).rglob(name))
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["TIME_PERIOD"] for row in rows} == {"2024"}  # one year only
    return {row["REF_AREA"]: float(row["OBS_VALUE"]) for row in rows}


@pytest.fixture(scope="module")
def parsed(shared_raw: Path):
    (frames,) = data360_pch.parse(shared_raw)
    return frames


def at(frame, column: str, area: str, code: str) -> float:
    (value,) = frame.loc[(frame[column] == area) & (frame["source_code"] == code), "value"]
    return value


def test_ixp_counts_match_the_file_and_the_world_is_the_sum(shared_raw, parsed) -> None:
    counts = cells(shared_raw, "PCH_IXP_NUM.csv")
    economies = country_index(shared_raw).economies
    assert (counts["USA"], counts["BRA"], counts["KEN"], counts["WLD"]) == (113, 34, 3, 751)
    in_file = {code: v for code, v in counts.items() if code in economies}
    assert len(in_file) == 156 and sum(in_file.values()) == counts["WLD"]
    assert parsed.dataset == "wb_data360_pch"
    obs, ref = parsed.observations, parsed.reference
    nums = obs[obs["source_code"] == "PCH_IXP_NUM"]
    assert dict(zip(nums["entity"], nums["value"], strict=True)) == in_file
    assert at(ref, "group_code", "WLD", "PCH_IXP_NUM") == 751  # Data360's total, kept as its aggregate
    assert set(ref["group_code"]) == set(counts) - economies
    # Economies without an IXP in PCH's directory have no row: left missing, never a zero we made up.
    assert "NER" not in set(nums["entity"]) and (nums["value"] > 0).all()
    assert any("left missing, not counted as zero" in w for w in parsed.warnings)


def test_median_participants_match_the_file(shared_raw, parsed) -> None:
    medians = cells(shared_raw, "PCH_IXP_PARTICIPANTS.csv")
    for area, expected in {"ZAF": 140, "KEN": 48, "BRA": 46, "USA": 15}.items():
        assert medians[area] == expected
        assert at(parsed.observations, "entity", area, "PCH_IXP_PARTICIPANTS") == expected
    assert at(parsed.reference, "group_code", "WLD", "PCH_IXP_PARTICIPANTS") == pytest.approx(medians["WLD"])


def test_every_entity_maps_and_resolves_to_a_catalogue_indicator(shared_raw, parsed) -> None:
    mapped = harmonise(parsed, country_index(shared_raw))
    assert mapped.unmapped == [] and mapped.observations["iso3"].nunique() == 156
    cat = catalogue()
    assert cat.resolve("wb_data360_pch", "PCH_IXP_NUM").indicator_id == "ixp_count"
    assert cat.resolve("wb_data360_pch", "PCH_IXP_PARTICIPANTS").indicator_id == "ixp_median_participants"
    # A sum of ours would scale up for the economies without a row (which probably have no IXP): none is formed.
    assert cat.indicators["ixp_count"].aggregate == "none"


def test_the_licence_is_flagged_like_gsmas(parsed) -> None:
    source = catalogue().sources["wb_data360_pch"]
    assert source.restricted and "not stated" in source.license
    assert any("no licence is stated" in w for w in parsed.warnings)
    assert all(f.republication and f.vintage is None for f in parsed.files)


def test_an_empty_directory_has_nothing(tmp_path: Path) -> None:
    assert data360_pch.parse(tmp_path) == []

"""World Bank Data360 copies of ITU series (ITU_DH_*.csv): every real file, checked with the csv module."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from etl.classifications import country_index
from etl.errors import RawFileError
from etl.harmonise import harmonise
from etl.sources import data360
from tests.etl.rawfiles import wb_metadata_regions

FOLDER = "worldbank/data360_itu_dh"
FILES = ["ITU_DH_ACT_MOB_PER_100.csv", "ITU_DH_INT_USR_DAY.csv", "ITU_DH_POP_COV_4G.csv"]
METADATA = "worldbank/wdi_bulk_indicator_csv/2026-07-13/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"
SEX = {"_T": "total", "F": "female", "M": "male"}
AGE = {"_T": "total", "Y0T14": "0-14", "Y15T24": "15-24", "Y25T74": "25-74", "Y_GE75": "75+"}
AREA = {"_T": "total", "URB": "urban", "RUR": "rural"}
KEY = ["source_code", "year", "sex", "area", "age"]


def sdmx_cells(path: Path) -> dict[tuple, float]:
    """(area, series, year, sex, area, age) → value, read with the csv module."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["REF_AREA"], row["INDICATOR"], int(row["TIME_PERIOD"]), SEX[row["SEX"]],
                 AREA[row["URBANISATION"]], AGE[row["AGE"]]): float(row["OBS_VALUE"])
                for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def parsed(shared_raw: Path):
    frames = data360.parse(shared_raw)
    assert len(frames) == 1
    return frames[0]


@pytest.fixture(scope="module")
def regions(shared_raw: Path) -> dict[str, str]:
    """World Bank code → Region ('' for aggregates), from every country metadata file.

    All of them, because the World Bank's July-2026 original has no FCS row while Data360 has FCS.
    """
    merged: dict[str, str] = {}
    for path in sorted(shared_raw.rglob("Metadata_Country_*.csv")):
        for code, region in wb_metadata_regions(path).items():
            merged[code] = merged.get(code) or region
    return merged


def cell(frame, area: str, code: str, year: int, sex="total", urban="total", age="total") -> float:
    obs = frame.observations
    here = ((obs["entity"] == area) & (obs["source_code"] == code) & (obs["year"] == year)
            & (obs["sex"] == sex) & (obs["area"] == urban) & (obs["age"] == age))
    (value,) = obs.loc[here, "value"]
    return value


def test_every_file_parses_to_its_rows_economies_and_aggregates_apart(shared_raw, parsed, regions) -> None:
    assert sorted(f.path.name for f in parsed.files) == FILES
    assert all(f.republication and f.vintage is None for f in parsed.files)
    assert parsed.dataset == "wb_data360_itu" and parsed.entity_kind == "iso3"
    dropped = set()
    for name in FILES:
        path = shared_raw / FOLDER / name
        expected = sdmx_cells(path)
        assert {key[0] for key in expected} <= set(regions)  # every area is a WB economy or aggregate
        # ITU_DH_INT_USR_DAY is a percentage with 9 impossible values above 100 (MEX 75+ 2014 = 347.0):
        # they are dropped, with a warning naming them.
        impossible = {key for key, value in expected.items() if value > 100 and name != "ITU_DH_ACT_MOB_PER_100.csv"}
        dropped |= impossible
        economies = {key: value for key, value in expected.items() if regions[key[0]] and key not in impossible}
        groups = {key: value for key, value in expected.items() if not regions[key[0]] and key not in impossible}
        obs = parsed.observations[parsed.observations["raw_file"] == str(path)]
        ref = parsed.reference[parsed.reference["raw_file"] == str(path)]
        got = {(row.entity, row.source_code, row.year, row.sex, row.area, row.age): row.value
               for row in obs.itertuples()}
        got_ref = {(row.group_code, row.source_code, row.year, row.sex, row.area, row.age): row.value
                   for row in ref.itertuples()}
        assert got == pytest.approx(economies), name
        assert got_ref == pytest.approx(groups), name
    assert len(dropped) == 9
    (warning,) = [w for w in parsed.warnings if "above 100" in w]
    assert "9 percentages" in warning and "MEX 2014 total/total/75+ = 347.002" in warning
    assert set(parsed.observations["obs_status"]) == {"A"}


def test_spot_values_from_sources_md(parsed) -> None:
    daily = "ITU_DH_INT_USR_DAY"
    assert cell(parsed, "BRA", daily, 2023) == pytest.approx(94.6, abs=0.05)
    assert cell(parsed, "BRA", daily, 2023, sex="female") == pytest.approx(95.2, abs=0.05)
    assert cell(parsed, "BRA", daily, 2023, sex="male") == pytest.approx(93.9, abs=0.05)
    assert cell(parsed, "BRA", daily, 2023, urban="urban") == pytest.approx(95.0, abs=0.05)
    assert cell(parsed, "BRA", daily, 2023, urban="rural") == pytest.approx(91.7, abs=0.05)
    assert cell(parsed, "IND", "ITU_DH_POP_COV_4G", 2024) == pytest.approx(99.06, abs=0.005)
    assert cell(parsed, "KEN", "ITU_DH_POP_COV_4G", 2024) == pytest.approx(97.3, abs=0.005)
    ref = parsed.reference
    world = ref[(ref["group_code"] == "WLD") & (ref["year"] == 2024)].set_index("source_code")["value"]
    assert world["ITU_DH_POP_COV_4G"] == pytest.approx(93.35, abs=0.005)
    assert world["ITU_DH_ACT_MOB_PER_100"] == pytest.approx(90.10, abs=0.005)
    assert "WLD" not in set(parsed.observations["entity"])
    assert {"WLD", "LDC", "IDA", "EUU"} <= set(ref["group_code"])
    # Data360 shows only ITU's public values: no USA at all in mobile broadband
    mobile = parsed.observations[parsed.observations["source_code"] == "ITU_DH_ACT_MOB_PER_100"]
    assert "USA" not in set(mobile["entity"])


def test_every_entity_is_an_economy(shared_raw, parsed) -> None:
    result = harmonise(parsed, country_index(shared_raw))
    assert result.unmapped == [] and result.excluded == {}
    assert len(result.observations) == len(parsed.observations)


def test_no_files_means_no_frames(tmp_path: Path) -> None:
    assert data360.parse(tmp_path) == []


@pytest.fixture
def copy_raw(shared_raw: Path, tmp_path: Path) -> Path:
    """A raw directory with the daily-use file and the World Bank country metadata it is classified by."""
    raw = tmp_path / "raw"
    for relative in (f"{FOLDER}/ITU_DH_INT_USR_DAY.csv", METADATA):
        (raw / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared_raw / relative, raw / relative)
    return raw


def test_a_copy_parses_like_the_original(copy_raw: Path, parsed) -> None:
    (frame,) = data360.parse(copy_raw)
    assert len(frame.observations) == (parsed.observations["source_code"] == "ITU_DH_INT_USR_DAY").sum()


@pytest.mark.parametrize(("old", "new", "message"), [
    (",OBS_VALUE,", ",VALUE,", "missing columns ['OBS_VALUE']"),
    (",95.2318,", ",n/a,", "non-numeric OBS_VALUE"),
    (",Y15T24,", ",Y15T29,", "unknown AGE codes ['Y15T29']"),
    (",_T,Total,_T,", ",X,Total,_T,", "unknown SEX codes ['X']"),
])
def test_a_broken_file_names_the_file_and_the_problem(copy_raw: Path, old: str, new: str, message: str) -> None:
    path = copy_raw / FOLDER / "ITU_DH_INT_USR_DAY.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RawFileError) as caught:
        data360.parse(copy_raw)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_without_a_country_classification_aggregates_cannot_be_told_apart(copy_raw: Path) -> None:
    (copy_raw / METADATA).unlink()
    with pytest.raises(RawFileError, match=re.escape("ITU_DH_INT_USR_DAY.csv") + ".*aggregates"):
        data360.parse(copy_raw)

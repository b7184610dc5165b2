"""Global Findex parser, on the real file in ../shared/data/raw (values read back with the csv module)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etl.classifications import country_index
from etl.errors import RawFileError
from etl.harmonise import harmonise
from etl.sources import findex
from etl.tidy import AGES, AREAS, SEXES
from indicators import catalogue

RELATIVE = Path("worldbank") / "findex" / "GlobalFindexDatabase2025_columnsubset.csv"
# Global Findex 2025 (worldbank.org/en/publication/globalfindex): account_t_d 2024, men/women, held in the
# file as shares 0–1 (KEN 0.94/0.87 …), here in %.
SPOT_2024 = {"KEN": (94, 87), "NGA": (74, 52), "PAK": (42, 12), "SWE": (100, 98)}
AGGREGATES = {"WLD", "LMY", "HIC", "UMC", "LMC", "LIC", "EAP", "ECA", "MNA", "SSA", "LAC", "SAS"}


@pytest.fixture(scope="module")
def frames(shared_raw: Path):
    (frame,) = findex.parse(shared_raw)
    return frame


@pytest.fixture(scope="module")
def rows(shared_raw: Path) -> list[dict[str, str]]:
    with (shared_raw / RELATIVE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _value(obs, code: str, entity: str, year: int, **breakdown: str) -> float:
    selected = obs[(obs["source_code"] == code) & (obs["entity"] == entity) & (obs["year"] == year)]
    for column in ("sex", "area", "age"):
        selected = selected[selected[column] == breakdown.get(column, "total")]
    assert len(selected) == 1, (code, entity, year, breakdown)
    return float(selected["value"].iloc[0])


def test_dataset_and_files(frames, shared_raw: Path) -> None:
    assert frames.dataset == "findex"
    assert frames.entity_kind == "iso3"
    (raw,) = frames.files
    assert raw.path == shared_raw / RELATIVE
    assert raw.vintage is None  # the file states no release date
    assert raw.republication  # a third party's 35-column cut of the publisher's file
    assert any("no release date" in w for w in frames.warnings)


def test_spot_values_account_ownership_by_sex(frames, rows) -> None:
    obs = frames.observations
    for iso3, (men, women) in SPOT_2024.items():
        cells = {r["group2"]: float(r["account_t_d"]) for r in rows
                 if r["codewb"] == iso3 and r["year"] == "2024" and r["group"] == "gender"}
        assert round(_value(obs, "account_t_d", iso3, 2024, sex="male")) == men
        assert round(_value(obs, "account_t_d", iso3, 2024, sex="female")) == women
        assert _value(obs, "account_t_d", iso3, 2024, sex="male") == pytest.approx(cells["men"] * 100)
        assert _value(obs, "account_t_d", iso3, 2024, sex="female") == pytest.approx(cells["women"] * 100)


def test_every_total_cell_of_the_file_is_there_in_percent(frames, rows) -> None:
    obs = frames.observations
    totals = obs[(obs["sex"] == "total") & (obs["area"] == "total") & (obs["age"] == "total")]
    got = {(r.source_code, r.entity, r.year): r.value for r in totals.itertuples()}
    expected = {}
    for r in rows:
        if r["group"] != "all" or r["codewb"] in AGGREGATES:
            continue
        for code in ("account_t_d", "mobileaccount_t_d", "fin26a", "fin26b", "fin27a"):
            if r[code] != "NA":
                expected[(code, r["codewb"], int(r["year"]))] = float(r[code]) * 100
    assert expected
    assert {k: got.get(k) for k in expected} == pytest.approx(expected)


def test_breakdowns_map_to_the_vocabulary(frames, rows) -> None:
    obs = frames.observations
    assert set(obs["sex"]) <= SEXES and set(obs["area"]) <= AREAS and set(obs["age"]) <= AGES
    assert set(obs["age"]) == {"total", "15-24", "25+"}
    assert set(obs["area"]) == {"total", "urban", "rural"}
    # Urban/rural is asked in the 2024 wave only (303 rows in the file).
    assert set(obs.loc[obs["area"] != "total", "year"]) == {2024}
    cell = next(r for r in rows if r["codewb"] == "KEN" and r["year"] == "2024" and r["group2"] == "rural")
    assert _value(obs, "account_t_d", "KEN", 2024, area="rural") == pytest.approx(float(cell["account_t_d"]) * 100)
    cell = next(r for r in rows if r["codewb"] == "PAK" and r["year"] == "2024" and r["group2"] == "ages 15-24")
    assert _value(obs, "account_t_d", "PAK", 2024, age="15-24") == pytest.approx(float(cell["account_t_d"]) * 100)
    assert obs["value"].between(0, 100).all()


def test_groups_without_a_column_are_skipped_with_a_warning(frames) -> None:
    text = " ".join(frames.warnings)
    for group in ("income", "education", "laborforce"):
        assert f"group {group!r}" in text


def test_aggregates_go_to_reference(frames, rows) -> None:
    assert set(frames.reference["group_code"]) == AGGREGATES
    assert not set(frames.observations["entity"]) & AGGREGATES
    world = next(r for r in rows if r["codewb"] == "WLD" and r["year"] == "2024" and r["group"] == "all")
    ref = frames.reference
    value = ref[(ref["group_code"] == "WLD") & (ref["year"] == 2024) & (ref["source_code"] == "account_t_d")
                & (ref["sex"] == "total") & (ref["area"] == "total") & (ref["age"] == "total")]["value"]
    assert value.tolist() == pytest.approx([float(world["account_t_d"]) * 100])


def test_every_entity_maps(frames, shared_raw: Path) -> None:
    result = harmonise(frames, country_index(shared_raw))
    assert result.unmapped == []
    assert set(result.excluded) == {"TWN"}  # Taiwan, China: not one of the 217 economies
    assert result.observations["iso3"].nunique() == 161  # the file's 174 codes: 161 WB economies, TWN, 12 aggregates


def test_catalogue_series_are_emitted_with_their_usual_coverage(frames, shared_raw: Path) -> None:
    obs = harmonise(frames, country_index(shared_raw)).observations
    totals = obs[(obs["sex"] == "total") & (obs["area"] == "total") & (obs["age"] == "total")]
    entries = [i for i in catalogue().indicators.values() if i.source.source_key == "findex"]
    assert {i.source_code for i in entries} >= {"account_t_d", "mobileaccount_t_d"}
    for indicator in entries:
        rows = totals[totals["source_code"] == indicator.source_code]
        covered = rows.groupby("year")["iso3"].nunique().max()  # the best year
        assert covered == indicator.usual_economies, indicator.indicator_id


# --- broken copies ----------------------------------------------------------------------------------


def _copy(shared_raw: Path, tmp_path: Path, edit) -> Path:
    """The file's header and first 60 rows, with `edit(rows)` applied, as a Findex file in tmp_path."""
    with (shared_raw / RELATIVE).open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))[:61]
    lines = edit(lines)
    path = tmp_path / "findex" / "GlobalFindexDatabase2025.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lines)
    return path


def _set(column: str, row: int, text: str):
    def edit(lines):
        lines[row][lines[0].index(column)] = text
        return lines
    return edit


def test_a_clean_copy_parses(shared_raw: Path, tmp_path: Path) -> None:
    _copy(shared_raw, tmp_path, lambda lines: lines)
    (frame,) = findex.parse(tmp_path)
    assert not frame.files[0].republication  # the publisher's own file name
    assert len(frame.observations) > 0


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda lines: [[c for i, c in enumerate(r) if i != 1] for r in lines], "missing columns ['codewb']"),
    (_set("account_t_d", 3, "0,45"), "non-numeric cells"),
    (_set("account_t_d", 3, "45.2"), "outside the 0–1 shares"),
    (_set("year", 5, "2011/12"), "unreadable years"),
    (lambda lines: [*lines, lines[1]], "share a key"),
])
def test_broken_copies_raise_naming_the_file(shared_raw: Path, tmp_path: Path, edit, problem: str) -> None:
    path = _copy(shared_raw, tmp_path, edit)
    with pytest.raises(RawFileError) as caught:
        findex.parse(tmp_path)
    assert caught.value.path == str(path)
    assert problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_no_findex_file_gives_nothing(tmp_path: Path) -> None:
    assert findex.parse(tmp_path) == []

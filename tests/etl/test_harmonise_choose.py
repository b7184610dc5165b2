"""Harmonisation of entities and the choice between copies of a series, on hand-made cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import choose
from etl.harmonise import CountryIndex, Mapping, harmonise, normalise_name
from etl.tidy import RawFile, SourceFrames, observations

INDEX = CountryIndex({"NOR", "CIV", "TUR", "CHI"}, m49={"578": "NOR", "384": "CIV"},
                     names={"norway": "NOR", "cote d ivoire": "CIV", "turkiye": "TUR"})


def frames(kind: str, *entities: str) -> SourceFrames:
    rows = pd.DataFrame({"source_code": "x", "entity": list(entities), "year": 2020, "value": 1.0, "raw_file": "f"})
    return SourceFrames("demo", kind, observations(rows), [RawFile(Path("f"), None)])


def test_names_meet_across_spellings() -> None:
    assert normalise_name("Côte d'Ivoire") == normalise_name("COTE D IVOIRE") == "cote d ivoire"
    assert normalise_name("The Gambia") == normalise_name("Gambia")
    assert normalise_name("Trinidad & Tobago") == "trinidad and tobago"


def test_each_entity_kind_resolves() -> None:
    assert set(harmonise(frames("iso3", "nor", "CIV"), INDEX, Mapping("demo", {}, {}, {})).observations["iso3"]) \
        == {"NOR", "CIV"}
    assert set(harmonise(frames("m49", "578", "0384"), INDEX, Mapping("demo", {}, {}, {})).observations["iso3"]) \
        == {"NOR", "CIV"}
    assert set(harmonise(frames("name", "Côte d’Ivoire", "Türkiye"), INDEX,
                         Mapping("demo", {}, {}, {})).observations["iso3"]) == {"CIV", "TUR"}


def test_unknown_entities_are_all_listed_and_exclusions_reported() -> None:
    mapping = Mapping("demo", map={"Jersey and Guernsey": "CHI", "Atlantis": "ATL"},
                      exclude={"World": "aggregate"}, exclude_patterns={r"Region \d+": "aggregate"})
    result = harmonise(frames("name", "Norway", "World", "Region 7", "Jersey and Guernsey", "Atlantis", "Narnia",
                              "Mordor"), INDEX, mapping)
    assert result.unmapped == ["Atlantis (mapped to ATL, which is not an economy in `country`)", "Mordor", "Narnia"]
    assert result.excluded == {"World": "aggregate", "Region 7": "aggregate"}
    assert sorted(result.observations["iso3"]) == ["CHI", "NOR"]


def _obs(raw_file: str, sex: str = "total", years=(2020, 2021)) -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": "internet_use", "sex": sex, "area": "total", "age": "total",
                         "year": list(years), "iso3": "NOR", "value": 1.0, "raw_file": raw_file})


def test_newest_vintage_wins_and_undated_ranks_last() -> None:
    files = {"old": RawFile(Path("old"), date(2025, 4, 15)), "new": RawFile(Path("new"), date(2026, 7, 13)),
             "undated": RawFile(Path("undated"), None)}
    result = choose.choose(pd.concat([_obs("old"), _obs("new", years=(2020,)), _obs("undated")]), files)
    assert set(result.observations["raw_file"]) == {"new"}
    assert list(result.observations["year"]) == [2020]  # the winner's rows whole, nothing mixed in from others
    assert result.passed_over == {"old": "new", "undated": "new"}


def test_original_beats_republication_at_equal_vintage() -> None:
    files = {"copy": RawFile(Path("copy"), date(2026, 7, 13), republication=True),
             "original": RawFile(Path("original"), date(2026, 7, 13))}
    result = choose.choose(pd.concat([_obs("copy"), _obs("original")]), files)
    assert set(result.observations["raw_file"]) == {"original"}


def test_a_breakdown_from_another_file_does_not_displace_the_total() -> None:
    files = {"total": RawFile(Path("total"), date(2026, 7, 13)), "by_sex": RawFile(Path("by_sex"), date(2021, 1, 1))}
    result = choose.choose(pd.concat([_obs("total"), _obs("by_sex", sex="female")]), files)
    assert set(zip(result.observations["raw_file"], result.observations["sex"], strict=True)) == {
        ("total", "total"), ("by_sex", "female")}
    assert result.passed_over == {}


@pytest.mark.parametrize("order", [0, 1])
def test_choice_does_not_depend_on_input_order(order: int) -> None:
    files = {"a": RawFile(Path("a"), date(2026, 1, 1)), "b": RawFile(Path("b"), date(2026, 1, 1))}
    parts = [_obs("a"), _obs("b")]
    result = choose.choose(pd.concat(parts if order else parts[::-1]), files)
    assert set(result.observations["raw_file"]) == {"b"}  # equal rank: the path decides, always the same way


def test_an_undated_copy_ranks_by_its_retrieval_day() -> None:
    """A republication fetched in July 2026 beats an April 2025 original, loses to a July 13 one."""
    from datetime import UTC, datetime

    copy = RawFile(Path("copy"), None, republication=True, retrieved_at=datetime(2026, 7, 1, tzinfo=UTC))
    files = {"copy": copy, "old": RawFile(Path("old"), date(2025, 4, 15))}
    assert set(choose.choose(pd.concat([_obs("copy"), _obs("old")]), files).observations["raw_file"]) == {"copy"}
    files["new"] = RawFile(Path("new"), date(2026, 7, 13))
    result = choose.choose(pd.concat([_obs("copy"), _obs("old"), _obs("new")]), files)
    assert set(result.observations["raw_file"]) == {"new"}


def test_editions_with_disjoint_years_complete_each_other() -> None:
    """One file per survey edition (EGDI 2020, 2022): both kept; an overlapping older copy is not."""
    files = {"2020": RawFile(Path("2020"), None), "2022": RawFile(Path("2022"), None),
             "copy2022": RawFile(Path("copy2022"), None, republication=True)}
    obs = pd.concat([_obs("2020", years=(2020,)), _obs("2022", years=(2022,)), _obs("copy2022", years=(2022,))])
    result = choose.choose(obs, files)
    assert sorted(result.observations["year"]) == [2020, 2022]
    assert set(result.observations["raw_file"]) == {"2020", "2022"}
    assert result.passed_over == {"copy2022": "2022"}


def _economies(raw_file: str, n: int, sex: str = "total") -> pd.DataFrame:
    codes = [f"C{i:02d}" for i in range(n)]
    return pd.DataFrame({"indicator_id": "internet_use", "sex": sex, "area": "total", "age": "total",
                         "year": 2020, "iso3": codes, "value": 1.0, "raw_file": raw_file})


def test_a_winner_covering_under_half_of_the_copy_it_replaces_is_a_problem() -> None:
    files = {"old": RawFile(Path("old"), date(2025, 4, 15)), "other": RawFile(Path("other"), date(2024, 1, 1)),
             "new": RawFile(Path("new"), date(2026, 7, 13))}
    obs = pd.concat([_economies("old", 20), _economies("other", 30), _economies("new", 14),
                     _economies("old", 20, sex="female"), _economies("new", 9, sex="female")])
    result = choose.choose(obs, files)
    assert set(result.observations["raw_file"]) == {"new"}  # the rule reports; the choice stays the same
    # One line for the winner: its worst slice, against the best competing copy in that slice.
    assert result.problems == ["new: chosen (newest first), but its best year covers 9 economies of "
                               "internet_use[female] (and 1 more slices), under half of the 20 of old, the copy it "
                               "would replace: truncated or broken?"]
    assert result.shrunk == {("new", "internet_use")}


def test_a_winner_covering_half_or_more_is_fine() -> None:
    files = {"old": RawFile(Path("old"), date(2025, 4, 15)), "new": RawFile(Path("new"), date(2026, 7, 13))}
    result = choose.choose(pd.concat([_economies("old", 20), _economies("new", 10)]), files)
    assert result.problems == [] and result.shrunk == set()
    assert result.passed_over == {"old": "new"}

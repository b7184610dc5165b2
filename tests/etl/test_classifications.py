"""Country classification from the real files: World Bank groups, M49 regions, LDC/LLDC/SIDS today."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.classifications import classify, groups, income_group_fiscal_year


@pytest.fixture(scope="module")
def classification(shared_raw: Path):
    return classify(shared_raw)


def test_universe_is_the_world_banks_economies(classification) -> None:
    country = classification.country.set_index("iso3")
    assert len(country) == 217
    assert {"XKX", "CHI"} <= set(country.index)
    assert country.loc["NOR", "wb_region"] == "Europe & Central Asia"
    assert country.loc["NOR", "m49_region"] == "Europe"
    assert country.loc["XKX", "m49_subregion"] == "Southern Europe"  # placed by indicators/groups.yaml
    assert country.loc["ETH", "income_group"] == "Low income"
    assert set(country["income_group_fy"]) == {2027}  # the July 2026 metadata is FY2027


def test_ldc_list_as_it_stands_today(classification) -> None:
    country = classification.country.set_index("iso3")
    assert not country.loc["STP", "is_ldc"]  # graduated in December 2024, after the M49 file's date
    assert country.loc["NER", "is_ldc"] and country.loc["NER", "is_lldc"]
    assert int(country["is_ldc"].sum()) == 44
    assert int(country["is_lldc"].sum()) == 32
    assert any("STP graduated" in warning for warning in classification.warnings)


def test_groups_and_members(classification) -> None:
    country_group, member = groups(classification.country)
    sizes = member.groupby("group_id").size()
    assert sizes["world"] == 217
    assert sizes["ldc"] == 44
    assert sizes["income_group:low_income"] == 25
    assert set(country_group["group_type"]) == {"world", "wb_region", "income_group", "m49_region",
                                                "m49_subregion", "ldc", "lldc", "sids"}
    assert not member.duplicated().any()


def test_name_index_knows_common_variants(classification) -> None:
    index = classification.index
    from etl.harmonise import normalise_name

    for name, iso3 in [("Côte d'Ivoire", "CIV"), ("Türkiye", "TUR"), ("Viet Nam", "VNM"), ("Kosovo", "XKX"),
                       ("Channel Islands", "CHI"), ("Bolivia (Plurinational State of)", "BOL")]:
        assert index.names.get(normalise_name(name)) == iso3, name
    assert index.m49["578"] == "NOR"


def test_fiscal_year_turns_in_july() -> None:
    from datetime import date

    assert income_group_fiscal_year(date(2026, 7, 13)) == 2027
    assert income_group_fiscal_year(date(2026, 4, 8)) == 2026
    assert income_group_fiscal_year(None) is None

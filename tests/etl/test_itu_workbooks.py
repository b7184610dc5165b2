"""The ITU workbook parser on the real files in ../shared/data/raw, checked against cells read with
openpyxl, and on broken copies (renamed sheet, changed header, garbage in a value cell)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from etl.classifications import country_index
from etl.errors import RawFileError
from etl.harmonise import harmonise
from etl.sources import itu_workbooks
from etl.tidy import AGES, AREAS, OBSERVATION_COLUMNS, REFERENCE_COLUMNS, SEXES
from indicators import load_catalogue

PRICES = "itu/price_baskets/ITU_ICTPriceBaskets_2008-2025.xlsx"
KEY_2024 = "itu/key_ict_aggregates/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
KEY_2025 = "itu/key_ict_aggregates/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2025.xlsx"
TABLE_10 = "itu/older_tables/ITU_10_Individuals_using_the_Internet_by_gender_and_urban-rural_location_ddc2021.xlsx"
PRICE_SHEET = "economies_2008-2025"
TABLE_SHEET = "10. Individuals using the Inter"


# --- fixtures: each workbook parsed once and read once with openpyxl ---------------------------


@pytest.fixture(scope="module")
def frames(shared_raw: Path) -> dict[str, itu_workbooks.SourceFrames]:
    """Every frame parse() returns, keyed by the file's path below the raw directory."""
    parsed = itu_workbooks.parse(shared_raw)
    return {str(f.files[0].path.relative_to(shared_raw)): f for f in parsed}


def _grid(path: Path, sheet: str) -> list[tuple]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()


def _at(grid: list[tuple], ref: str):
    letters, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    line = grid[int(row) - 1]
    return line[column - 1] if column <= len(line) else None


@pytest.fixture(scope="module")
def price_grid(shared_raw: Path) -> list[tuple]:
    return _grid(shared_raw / PRICES, PRICE_SHEET)


@pytest.fixture(scope="module")
def price_cells(price_grid) -> dict[tuple[str, str, int], float]:
    """(publisher code, IsoCode, year) → value, for every numeric cell of the economies sheet."""
    header = price_grid[0]
    assert header[:5] == ("IsoCode", "Economy", "Code", "Basket name", "Unit")
    years = {i: int(y) for i, y in enumerate(header) if isinstance(y, int | float)}
    return {(row[2], row[0], year): float(row[i]) for row in price_grid[1:] for i, year in years.items()
            if isinstance(row[i], int | float)}


@pytest.fixture(scope="module")
def price_rows(price_grid) -> dict[tuple[str, str], int]:
    """(IsoCode, code) → the sheet's row number, for breaking a copy at a known cell."""
    return {(row[0], row[2]): number for number, row in enumerate(price_grid, start=1)}


@pytest.fixture(scope="module")
def index(shared_raw: Path):
    return country_index(shared_raw)


@pytest.fixture(scope="module")
def key_grids(shared_raw: Path) -> dict[tuple[str, str], list[tuple]]:
    grids = {}
    for edition, relative in (("2024", KEY_2024), ("2025", KEY_2025)):
        for sheet in ("By dvpmnt status and spec. reg.", "By gender", "By urban-rural area", "Internet use by age"):
            grids[(edition, sheet)] = _grid(shared_raw / relative, sheet)
    return grids


def _obs(frame: itu_workbooks.SourceFrames, code: str, entity: str, year: int, sex: str = "total",
         area: str = "total") -> float:
    obs = frame.observations
    hit = obs[(obs["source_code"] == code) & (obs["entity"] == entity) & (obs["year"] == year)
              & (obs["sex"] == sex) & (obs["area"] == area) & (obs["age"] == "total")]
    assert len(hit) == 1, (code, entity, year, sex, area)
    return float(hit["value"].iloc[0])


def _ref(frame: itu_workbooks.SourceFrames, code: str, group: str, year: int, **dims: str) -> float:
    ref = frame.reference
    wanted = {"sex": "total", "area": "total", "age": "total", **dims}
    hit = ref[(ref["source_code"] == code) & (ref["group_code"] == group) & (ref["year"] == year)
              & (ref["sex"] == wanted["sex"]) & (ref["area"] == wanted["area"]) & (ref["age"] == wanted["age"])]
    assert len(hit) == 1, (code, group, year, dims)
    return float(hit["value"].iloc[0])


# --- all files ---------------------------------------------------------------------------------


def test_one_frame_per_file_with_the_contract_columns(frames, shared_raw: Path) -> None:
    assert sorted(frames) == sorted([PRICES, KEY_2024, KEY_2025, TABLE_10])
    assert [f.dataset for f in frames.values()] == ["itu_price_baskets", "itu_key_ict", "itu_key_ict",
                                                    "itu_gender_urban_table"]
    for frame in frames.values():
        assert list(frame.observations.columns) == OBSERVATION_COLUMNS
        assert list(frame.reference.columns) == REFERENCE_COLUMNS
        for table in (frame.observations, frame.reference):
            assert set(table["sex"]) <= SEXES and set(table["area"]) <= AREAS and set(table["age"]) <= AGES
            assert table["value"].notna().all()
            assert set(table["raw_file"]) <= {str(frame.files[0].path)}
    assert itu_workbooks.parse(shared_raw / "worldbank") == []


def test_vintages_come_from_the_files(frames) -> None:
    prices, key_2024, key_2025, table = (frames[p].files[0] for p in (PRICES, KEY_2024, KEY_2025, TABLE_10))
    assert (prices.vintage, prices.republication) == (date(2025, 12, 2), False)  # Overview "Release date:"
    assert (key_2025.vintage, key_2025.republication) == (date(2025, 11, 13), False)  # saved by ITU that month
    # Saved on 2025-11-03 by the repository owner: the footer's month, marked as a re-saved copy.
    assert (key_2024.vintage, key_2024.republication) == (date(2024, 11, 1), True)
    assert any("BENADDI" in w for w in frames[KEY_2024].warnings)
    assert table.vintage is None


def test_catalogue_names_the_series_and_their_units_hold_the_values(frames) -> None:
    catalogue = load_catalogue()
    prices = frames[PRICES].observations
    for family in itu_workbooks.BASKET_FAMILIES:
        for unit in itu_workbooks.BASKET_UNITS:
            indicator = catalogue.resolve("itu_price_baskets", f"{family}_{unit}")
            assert indicator is not None, f"{family}_{unit}"
            values = prices.loc[prices["source_code"] == f"{family}_{unit}", "value"]
            assert values.min() >= indicator.unit.min
            assert indicator.unit.max is None or values.max() <= indicator.unit.max
    gni = prices[prices["source_code"].str.endswith("_gni")]
    assert gni["value"].max() == pytest.approx(964.29)  # BDI fixed broadband 5 GB, 2018 and 2019
    for code in ("coverage_3g", "coverage_5g"):
        assert catalogue.resolve("itu_key_ict", code) is not None


# --- price baskets ---------------------------------------------------------------------------


def test_publisher_codes_hold_exactly_the_sheets_cells(frames, price_cells) -> None:
    obs = frames[PRICES].observations
    raw = obs[obs["source_code"].str.startswith("i")]
    got = {(r.source_code, r.entity, r.year): r.value for r in raw.itertuples()}
    codes = set(raw["source_code"])
    assert len(codes) == 45  # 15 basket definitions × (GNI, PPP, USD)
    expected = {key: value for key, value in price_cells.items() if key[0] in codes}
    assert got == pytest.approx(expected)


def test_every_basket_of_the_workbook_is_read(price_grid) -> None:
    """Every code of the sheet's Code column is one of BASKETS × units: no basket is left unread."""
    sheet_codes = {row[2] for row in price_grid[1:] if row[2]}
    ours = {code + suffix for code in itu_workbooks.BASKETS for suffix, _ in itu_workbooks.BASKET_UNITS.values()}
    assert sheet_codes == ours


def test_every_basket_is_a_catalogued_indicator_named_by_its_definition(price_grid) -> None:
    """Each publisher code resolves to its own indicator, in the unit its suffix says, whose name gives the
    basket's size or definition and the years the workbook prices it; the spliced series say so and list
    the year each definition changes."""
    catalogue = load_catalogue()
    units = {"gni": "percent_gni", "usd": "current_usd", "ppp": "ppp_dollars"}
    header = price_grid[0]
    years_at = {i: int(y) for i, y in enumerate(header) if isinstance(y, int | float)}
    years: dict[str, set[int]] = {}
    for row in price_grid[1:]:
        years.setdefault(row[2], set()).update(y for i, y in years_at.items() if isinstance(row[i], int | float))
    ids = set()
    for code, definition in itu_workbooks.BASKETS.items():
        for unit, (suffix, _) in itu_workbooks.BASKET_UNITS.items():
            indicator = catalogue.resolve("itu_price_baskets", code + suffix)
            assert indicator is not None, code + suffix
            assert indicator.unit.unit_id == units[unit]
            first, last = min(years[code + suffix]), max(years[code + suffix])
            span = f"({first}–{last})" if first != last else f"({first})"
            assert span in indicator.name, (indicator.indicator_id, indicator.name)
            size = re.search(r"\d+(\.\d+)? ?(GB|MB|calls|min)", definition.label).group(0).replace(" ", "")
            assert size in indicator.name.replace(" ", ""), (indicator.indicator_id, size)
            assert "spliced" not in indicator.name and not indicator.definition_changes
            assert indicator.usual_economies
            ids.add(indicator.indicator_id)
    assert len(ids) == 45
    for family, definitions in itu_workbooks.BASKET_FAMILIES.items():
        for unit in itu_workbooks.BASKET_UNITS:
            spliced = catalogue.resolve("itu_price_baskets", f"{family}_{unit}")
            assert "spliced" in spliced.name and "Spliced series" in spliced.description
            assert [year for year, _ in spliced.definition_changes] == [d.first_year for d in definitions[1:]]
            for year, label in spliced.definition_changes:
                assert label.endswith(f"from {year}")


def test_the_1_gb_data_basket_spans_recent_years(frames, price_cells) -> None:
    """The workbook's data-only 1 GB basket (experimental collections, 2023–2025) is read cell for cell."""
    obs = frames[PRICES].observations
    one_gb = obs[obs["source_code"] == "i271mb_1GB_GNI"]
    assert sorted(one_gb["year"].unique()) == [2023, 2024, 2025]
    cells = {(iso3, year): v for (code, iso3, year), v in price_cells.items() if code == "i271mb_1GB_GNI"}
    assert {(r.entity, r.year): r.value for r in one_gb.itertuples()} == pytest.approx(cells)
    assert len(cells) > 600


def test_data_only_basket_spot_values(frames, price_cells) -> None:
    frame = frames[PRICES]
    published = {"NER": 13.86, "TCD": 11.81, "KEN": 4.10, "IND": 0.93, "NOR": 0.37}  # ITU's data-only 5 GB basket, 2025
    for iso3, figure in published.items():
        cell = price_cells[("i271mb_5GB_GNI", iso3, 2025)]
        assert cell == pytest.approx(figure)
        assert _obs(frame, "i271mb_5GB_GNI", iso3, 2025) == pytest.approx(cell)
        assert _obs(frame, "mobile_data_only_gni", iso3, 2025) == pytest.approx(cell)
    for iso3, figure in {"NER": 8.31, "KEN": 1.79}.items():  # 2 GB basket, 2024
        assert price_cells[("i271mb_2GB_GNI", iso3, 2024)] == pytest.approx(figure)
        assert _obs(frame, "mobile_data_only_gni", iso3, 2024) == pytest.approx(figure)


def test_chained_series_take_each_year_from_that_years_basket(frames, price_cells) -> None:
    obs = frames[PRICES].observations
    chained = obs[~obs["source_code"].str.startswith("i")]
    by_code: dict[str, dict[tuple[str, int], float]] = {}
    for (code, iso3, year), value in price_cells.items():
        by_code.setdefault(code, {})[(iso3, year)] = value
    for family, definitions in itu_workbooks.BASKET_FAMILIES.items():
        for unit, (suffix, _) in itu_workbooks.BASKET_UNITS.items():
            series = chained[chained["source_code"] == f"{family}_{unit}"]
            expected = {(iso3, year): value for d in definitions
                        for (iso3, year), value in by_code[d.code + suffix].items()
                        if d.first_year <= year <= (d.last_year or 9999)}
            got = {(r.entity, r.year): r.value for r in series.itertuples()}
            assert got == pytest.approx(expected), f"{family}_{unit}"
    # The experimental 2 GB prices of 2025 stay under their own code: 2025 is the 5 GB basket.
    assert price_cells[("i271mb_2GB_GNI", "NER", 2025)] != price_cells[("i271mb_5GB_GNI", "NER", 2025)]
    # The mobile-cellular chain takes 2017 from the old basket (the new one has no 2017 value).
    assert ("i154_MobLow_GNI", "KEN", 2017) not in price_cells
    assert _obs(frames[PRICES], "mobile_cellular_low_gni", "KEN", 2017) == price_cells[("i154_Mob_GNI", "KEN", 2017)]
    assert any("not comparable" in w for w in frames[PRICES].warnings)
    assert not any("kept as well" in w for w in frames[PRICES].warnings)
    assert any("Every basket is also catalogued" in w for w in frames[PRICES].warnings)


def test_price_economies_map_to_iso3(frames, index) -> None:
    mapped = harmonise(frames[PRICES], index)
    assert mapped.unmapped == []
    assert set(mapped.excluded) == {"AIA", "COK", "FLK", "GUF", "NIU", "SHN", "TKL", "TWN", "WLF"}
    assert mapped.observations["iso3"].nunique() == 212


# --- key ICT aggregates ----------------------------------------------------------------------


def test_key_ict_is_all_reference(frames) -> None:
    for path in (KEY_2024, KEY_2025):
        frame = frames[path]
        assert frame.observations.empty
        assert set(frame.reference["group_code"]) == set(itu_workbooks.KEY_ICT_GROUPS.values())
        assert set(frame.reference["source_code"]) == {
            "internet_use", "mobile_phone_ownership", "fixed_broadband_per_100", "mobile_broadband_per_100",
            "coverage_3g", "coverage_lte", "coverage_5g"}
        assert not frame.reference.duplicated(["source_code", "group_code", "year", "sex", "area", "age"]).any()
        assert frame.reference["value"].between(0, 1000).all()
        assert frame.reference["year"].between(2005, 2025).all()


@pytest.mark.parametrize(("edition", "path", "sheet", "label_cell", "label", "year_cell", "year", "value_cell",
                          "code", "dims", "published"), [
    ("2025", KEY_2025, "By dvpmnt status and spec. reg.", "X125", "Percentage", "AQ126", 2024, "AQ127",
     "internet_use", {}, 71.2),
    ("2025", KEY_2025, "By dvpmnt status and spec. reg.", "X125", "Percentage", "AR126", 2025, "AR127",
     "internet_use", {}, 73.6),
    ("2025", KEY_2025, "By gender", "J5", "Female", "O6", 2024, "O8", "internet_use", {"sex": "female"}, 68.2),
    ("2025", KEY_2025, "By gender", "R5", "Male", "W6", 2024, "W8", "internet_use", {"sex": "male"}, 74.2),
    ("2025", KEY_2025, "By urban-rural area", "G85", "Urban", "J86", 2025, "J87", "internet_use",
     {"area": "urban"}, 85.4),
    ("2025", KEY_2025, "By urban-rural area", "L85", "Rural", "O86", 2025, "O87", "internet_use",
     {"area": "rural"}, 58.2),
    ("2025", KEY_2025, "Internet use by age", "G4", "Youth \n(15-24)", "J5", 2025, "J6", "internet_use",
     {"age": "15-24"}, 82.2),
    ("2024", KEY_2024, "By dvpmnt status and spec. reg.", "W125", "Percentage", "AP126", 2024, "AP127",
     "internet_use", {}, 67.6),
    ("2024", KEY_2024, "By gender", "I5", "Female", "N6", 2024, "N8", "internet_use", {"sex": "female"}, 65.3),
    ("2024", KEY_2024, "By urban-rural area", "L85", "Rural", "O86", 2024, "O87", "internet_use",
     {"area": "rural"}, 47.5),
    ("2024", KEY_2024, "Internet use by age", "G4", "Youth \n(15-24)", "J5", 2024, "J6", "internet_use",
     {"age": "15-24"}, 78.5),
])
def test_key_ict_world_values_match_the_cells(frames, key_grids, edition, path, sheet, label_cell, label,
                                               year_cell, year, value_cell, code, dims, published) -> None:
    grid = key_grids[(edition, sheet)]
    row = re.sub(r"[A-Z]+", "A", value_cell)
    assert _at(grid, row) == "World"
    assert _at(grid, label_cell) == label
    assert int(_at(grid, year_cell)) == year
    cell = _at(grid, value_cell)
    assert cell == pytest.approx(published)
    assert _ref(frames[path], code, "itu:world", year, **dims) == pytest.approx(cell)


def test_key_ict_editions_differ_and_quirks_are_reported(frames) -> None:
    """ITU revised the whole series: World 2024 is 67.6 in the Nov 2024 edition, 71.2 in Nov 2025."""
    assert _ref(frames[KEY_2024], "internet_use", "itu:world", 2024) == pytest.approx(67.6)
    assert _ref(frames[KEY_2025], "internet_use", "itu:world", 2024) == pytest.approx(71.2)
    assert _ref(frames[KEY_2025], "coverage_5g", "itu:world", 2025) == pytest.approx(55.1)
    assert _ref(frames[KEY_2025], "coverage_5g", "itu:world", 2025, area="rural") == pytest.approx(39.7)
    assert _ref(frames[KEY_2025], "mobile_phone_ownership", "itu:world", 2025, sex="female") == pytest.approx(77.8)
    # The By gender sheet's SIDS total repeats Africa's row (64.1 for 2022); the rate sheet's 72.1 is kept.
    assert _ref(frames[KEY_2025], "mobile_phone_ownership", "itu:sids", 2022) == pytest.approx(72.1)
    assert any("itu:sids 2022" in w for w in frames[KEY_2025].warnings)
    assert any("Rest of the population" in w for w in frames[KEY_2025].warnings)


# --- table 10 --------------------------------------------------------------------------------

# Column → (sex, area), read off the sheet's two header rows (row 2 groups, row 3 columns).
TABLE_COLUMNS = {"E": ("total", "total"), "G": ("male", "total"), "I": ("female", "total"),
                 "L": ("total", "urban"), "N": ("male", "urban"), "P": ("female", "urban"),
                 "S": ("total", "rural"), "U": ("male", "rural"), "X": ("female", "rural")}


def test_table_10_holds_the_sheets_cells(frames, shared_raw: Path) -> None:
    grid = _grid(shared_raw / TABLE_10, TABLE_SHEET)
    assert (_at(grid, "B3"), _at(grid, "D3"), _at(grid, "X3"), _at(grid, "S2")) == (
        "Economy name", "year", "Female", "Rural")
    expected = {}
    for number in range(4, len(grid) + 1):
        name = _at(grid, f"B{number}")
        if name == "Source:":
            break
        if not name:
            continue
        for column, (sex, area) in TABLE_COLUMNS.items():
            cell = _at(grid, f"{column}{number}")
            if cell not in ("...", "", None):
                expected[(name, int(_at(grid, f"D{number}")), sex, area)] = float(cell)
    obs = frames[TABLE_10].observations
    got = {(r.entity, r.year, r.sex, r.area): r.value for r in obs.itertuples()}
    assert got == pytest.approx(expected)
    assert obs["entity"].nunique() == 118
    assert got[("Algeria", 2018, "female", "rural")] == pytest.approx(25.9)
    assert obs.loc[obs["obs_status"].notna(), "entity"].unique().tolist() == ["Australia"]  # note (1): 15+, a week


def test_table_10_economies_map_to_iso3(frames, index) -> None:
    mapped = harmonise(frames[TABLE_10], index)
    assert mapped.unmapped == []
    assert mapped.excluded == {"Taiwan, Province of China": "not a World Bank economy"}
    assert mapped.observations["iso3"].nunique() == 117


# --- broken copies ---------------------------------------------------------------------------


def _zip_copy(source: Path, target: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """Copy an xlsx, rewriting some of its XML members (fast, unlike a full openpyxl round trip)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename in edits:
                data = edits[item.filename](data.decode("utf-8")).encode("utf-8")
            new.writestr(item.filename, data)  # stored, not deflated: quicker, and still a valid xlsx
    return target


def _sheet_member(source: Path, sheet: str) -> str:
    with zipfile.ZipFile(source) as book:
        workbook = book.read("xl/workbook.xml").decode()
        rels = book.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels)
    target = target or re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def _set_cell(xml: str, ref: str, text: str) -> str:
    cell = re.compile(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)')
    assert cell.search(xml), ref
    return cell.sub(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>', xml, count=1)


def test_price_sheet_renamed(shared_raw: Path, tmp_path: Path) -> None:
    broken = _zip_copy(shared_raw / PRICES, tmp_path / "ITU_ICTPriceBaskets_2008-2025.xlsx",
                       {"xl/workbook.xml": lambda xml: xml.replace(f'name="{PRICE_SHEET}"', 'name="Data"')})
    with pytest.raises(RawFileError, match="economies_<first>-<last>") as caught:
        itu_workbooks.parse(tmp_path)
    assert caught.value.path == str(broken)


def test_price_header_changed(shared_raw: Path, tmp_path: Path) -> None:
    broken = _zip_copy(shared_raw / PRICES, tmp_path / "ITU_ICTPriceBaskets_2008-2025.xlsx",
                       {"xl/sharedStrings.xml": lambda xml: xml.replace("<t>IsoCode</t>", "<t>ISO</t>")})
    with pytest.raises(RawFileError, match="IsoCode") as caught:
        itu_workbooks.read_price_baskets(broken)
    assert str(broken) in str(caught.value)


def test_price_garbage_value_named_by_cell_and_dots_are_missing(shared_raw: Path, tmp_path: Path,
                                                                price_rows) -> None:
    year_column = "AB"  # 2025
    dots = f"{year_column}{price_rows[('ABW', 'i271mb_5GB_GNI')]}"
    garbage = f"{year_column}{price_rows[('AFG', 'i271mb_5GB_GNI')]}"
    assert price_rows[("ABW", "i271mb_5GB_GNI")] < price_rows[("AFG", "i271mb_5GB_GNI")]  # '..' is read first
    member = _sheet_member(shared_raw / PRICES, PRICE_SHEET)
    broken = _zip_copy(shared_raw / PRICES, tmp_path / "ITU_ICTPriceBaskets_2008-2025.xlsx",
                       {member: lambda xml: _set_cell(_set_cell(xml, dots, ".."), garbage, "13,86")})
    with pytest.raises(RawFileError, match=rf"{PRICE_SHEET}'?, cell {garbage}: '13,86'") as caught:
        itu_workbooks.read_price_baskets(broken)
    assert caught.value.path == str(broken)


def _cells_copy(source: Path, target: Path, edits: dict[tuple[str, str], str],
                rename: tuple[str, str] | None = None) -> Path:
    """Copy a workbook with some cells set to text and perhaps a sheet renamed."""
    members: dict[str, Callable[[str], str]] = {}
    for (sheet, ref), text in edits.items():
        member = _sheet_member(source, sheet)
        previous = members.get(member, lambda xml: xml)
        members[member] = lambda xml, previous=previous, ref=ref, text=text: _set_cell(previous(xml), ref, text)
    if rename:
        members["xl/workbook.xml"] = lambda xml: xml.replace(f'name="{rename[0]}"', f'name="{rename[1]}"')
    return _zip_copy(source, target, members)


@pytest.mark.parametrize(("edits", "rename", "message"), [
    ({("By dvpmnt status and spec. reg.", "A125"): "Internet users"}, None,
     r"sheet 'By dvpmnt status and spec. reg.': no block for \['internet_use'\]"),
    ({("By dvpmnt status and spec. reg.", "AQ127"): "71,2"}, None, r"cell AQ127: '71,2' is not a number"),
    ({("By gender", "J5"): "Women"}, None, r"unknown column label 'women'"),
    ({("By BDT region", "A105"): "Sub-Saharan Africa"}, None, r"cell A105: row label 'Sub-Saharan Africa'"),
    ({}, ("By gender", "Gender"), r"missing sheets \['By gender'\]"),
])
def test_key_ict_broken_copies(shared_raw: Path, tmp_path: Path, edits, rename, message) -> None:
    broken = _cells_copy(shared_raw / KEY_2025, tmp_path / Path(KEY_2025).name, edits, rename)
    with pytest.raises(RawFileError, match=message) as caught:
        itu_workbooks.parse(tmp_path)
    assert caught.value.path == str(broken)


@pytest.mark.parametrize(("edits", "message"), [
    ({"B3": "Country"}, r"'Economy name'"),
    ({"X3": "Women"}, r"rural / female"),
    ({"I5": "42,9"}, rf"sheet '{TABLE_SHEET}', cell I5: '42,9' is not a number"),
])
def test_table_10_broken_copies(shared_raw: Path, tmp_path: Path, edits, message) -> None:
    broken = _cells_copy(shared_raw / TABLE_10, tmp_path / Path(TABLE_10).name,
                         {(TABLE_SHEET, ref): value for ref, value in edits.items()})
    with pytest.raises(RawFileError, match=message) as caught:
        itu_workbooks.parse(tmp_path)
    assert caught.value.path == str(broken)


def test_frames_are_long_and_typed(frames) -> None:
    for frame in frames.values():
        table = frame.reference if frame.observations.empty else frame.observations
        assert pd.api.types.is_integer_dtype(table["year"])
        assert pd.api.types.is_float_dtype(table["value"])

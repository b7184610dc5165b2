"""Context sources (UN e-government, ITU GCI, e-waste, GSMA MCI, UNCTAD, A4AI) on the real files.

Each real file is parsed once per module; spot values are read independently with the csv module
or openpyxl. Broken copies (in tmp_path) must raise RawFileError naming the file.
"""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date
from pathlib import Path
from types import ModuleType

import openpyxl
import pandas as pd
import pytest

from etl.classifications import country_index
from etl.errors import RawFileError
from etl.harmonise import CountryIndex, harmonise
from etl.sources import a4ai, ewaste, gsma, itu_gci, un_egov, unctad
from etl.tidy import SourceFrames
from indicators import load_catalogue

MODULES = {"un_egov": un_egov, "itu_gci": itu_gci, "gem": ewaste, "gsma_mci": gsma, "unctad": unctad, "a4ai": a4ai}
EGOV_EDITIONS = {2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022}
GCI_2024 = "itu/gci/ITU_Global_Cybersecurity_Index_2024_pillars_thirdparty.csv"
GCI_2020 = "itu/gci/bipa2024_gci_2020_extracted.csv"
GEM = "ewaste/UNU UNITAR Global E-waste Monitor 2020.xlsx"
MCI = "gsma/GSMA_Mobile_Connectivity_Index_Data_May2022.xlsx"
A4AI = "a4ai/A4AI-Mobile-Broadband-Pricing-2020.xlsx"
UNCTAD_ICT_SERVICES = "unctad/UNCTAD International trade in ICT services, value, shares and growth, annual.csv"
UNCTAD_GOODS = "unctad/UNCTAD Share of ICT goods as percentage of total trade, annual.csv"


@pytest.fixture(scope="module")
def parsed(shared_raw: Path) -> dict[str, list[SourceFrames]]:
    """Every module's frames, parsed once from the real raw directory."""
    return {dataset: module.parse(shared_raw) for dataset, module in MODULES.items()}


@pytest.fixture(scope="module")
def index(shared_raw: Path) -> CountryIndex:
    return country_index(shared_raw)


def values(frames: list[SourceFrames], kind: str | None = None) -> dict[tuple[str, str, int], float]:
    """(source_code, entity, year) → value over a dataset's frames (of one entity kind if given)."""
    return {(r.source_code, r.entity, r.year): r.value for f in frames if kind in (None, f.entity_kind)
            for r in f.observations.itertuples()}


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def xlsx_rows(path: Path, sheet: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()


# --- every dataset ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", MODULES)
def test_every_entity_is_mapped_or_excluded_and_keys_are_unique(
        parsed: dict[str, list[SourceFrames]], index: CountryIndex, dataset: str) -> None:
    frames = parsed[dataset]
    assert frames and all(f.dataset == dataset for f in frames)
    for frame in frames:
        result = harmonise(frame, index)
        assert result.unmapped == []
        keys = result.observations[["source_code", "iso3", "year", "sex", "area", "age"]]
        assert not keys.duplicated().any()


@pytest.mark.parametrize("dataset", MODULES)
def test_catalogued_series_are_emitted_within_range_and_usual_coverage(
        parsed: dict[str, list[SourceFrames]], index: CountryIndex, dataset: str) -> None:
    catalogue = load_catalogue()
    entries = catalogue.by_source_code(dataset)
    assert entries
    harmonised = pd.concat([harmonise(f, index).observations for f in parsed[dataset]])
    for code, indicator in entries.items():
        rows = harmonised[harmonised["source_code"] == code]
        assert rows.groupby("year")["iso3"].nunique().max() == indicator.usual_economies, code  # best year
        low, high = indicator.unit.min, indicator.unit.max
        assert low is None or rows["value"].min() >= low, code
        assert high is None or rows["value"].max() <= high, code


@pytest.mark.parametrize("module", MODULES.values(), ids=MODULES)
def test_no_files_no_frames(tmp_path: Path, module: ModuleType) -> None:
    assert module.parse(tmp_path) == []


# --- UN E-Government Survey ------------------------------------------------------------------------


def test_egov_every_edition_and_the_2022_spot_values(parsed: dict, shared_raw: Path) -> None:
    got = values(parsed["un_egov"])
    assert {year for _, _, year in got} == EGOV_EDITIONS
    rows = {row["Country Name"].strip(): row for row in csv_rows(shared_raw / "un_egov" / "EGOV_DATA_2022.csv")}
    assert rows["Denmark"]["Country Name"] == "Denmark "  # names carry a trailing space
    assert rows["Denmark"]["E-Government Rank"] == "1" and float(rows["Denmark"]["E-Government Index"]) == 0.9717
    assert rows["Finland"]["E-Government Rank"] == "2" and rows["Republic of Korea"]["E-Government Rank"] == "3"
    assert got[("EGDI", "Denmark", 2022)] == 0.9717
    assert got[("EGDI", "Niger", 2022)] == float(rows["Niger"]["E-Government Index"]) == 0.2406
    assert got[("TII", "Denmark", 2022)] == float(rows["Denmark"]["Telecommunication Infrastructure Index"])
    frame = parsed["un_egov"][0]
    assert frame.entity_kind == "name" and all(f.vintage is None for f in frame.files)


def test_egov_keeps_every_cell_except_the_placeholders(parsed: dict, shared_raw: Path) -> None:
    """A cell is dropped only if it is a zero placeholder or off the 0–1 scale; all others are kept as is."""
    got = values(parsed["un_egov"])
    columns = {"E-Government Index": "EGDI", "Online Service Index": "OSI", "Human Capital Index": "HCI",
               "Telecommunication Infrastructure Index": "TII", "E-Participation Index": "EPI"}
    dropped = 0
    for path in sorted((shared_raw / "un_egov").glob("EGOV_DATA_*.csv")):
        for row in csv_rows(path):
            off_scale = any(float(row[column]) > 1 for column in columns)
            for column, code in columns.items():
                value = float(row[column])
                key = (code, row["Country Name"].strip(), int(row["Survey Year"]))
                if key in got:
                    assert got[key] == value, key
                else:
                    dropped += 1
                    assert value == 0 or value > 1 or (code == "EGDI" and off_scale), key
    assert dropped == 173  # of 11 × 193 × 5 = 10,615 cells (measured on the 2003–2022 files)
    # Quirks: unranked rows of zeros, 0 = missing before 2012, HCI 1.422, a real 0 from 2012 on.
    assert not any(entity == "Montenegro" and year == 2003 for _, entity, year in got)
    assert ("HCI", "Liechtenstein", 2003) not in got
    assert ("HCI", "Micronesia (Federated States of)", 2003) not in got
    assert ("EGDI", "Micronesia (Federated States of)", 2003) not in got
    assert ("EGDI", "Monaco", 2008) not in got and ("OSI", "Monaco", 2008) in got
    assert got[("HCI", "Somalia", 2022)] == 0


def test_egov_broken_copies_name_the_file(shared_raw: Path, tmp_path: Path) -> None:
    text = (shared_raw / "un_egov" / "EGOV_DATA_2022.csv").read_text(encoding="utf-8")
    (tmp_path / "EGOV_DATA_2022.csv").write_text(text.replace("Human Capital Index", "Human Capital"), encoding="utf-8")
    with pytest.raises(RawFileError, match=r"EGOV_DATA_2022\.csv: missing columns \['Human Capital Index'\]"):
        un_egov.parse(tmp_path)
    (tmp_path / "EGOV_DATA_2022.csv").write_text(text.replace("0.97170", "O.97170"), encoding="utf-8")
    with pytest.raises(RawFileError, match=r"EGOV_DATA_2022\.csv: non-numeric 'E-Government Index' 'O.97170'"):
        un_egov.parse(tmp_path)


# --- ITU Global Cybersecurity Index ----------------------------------------------------------------


def test_gci_2024_overall_is_the_sum_of_the_pillars(parsed: dict, shared_raw: Path) -> None:
    got = values(parsed["itu_gci"], "name")
    rows = csv_rows(shared_raw / GCI_2024)
    pillars = ["Legal", "Technical", "Organization", "Capacity Development", "Cooperation Measures"]
    totals = {row["Country name"]: round(sum(float(row[p]) for p in pillars), 2) for row in rows}
    assert len(totals) == 193 and {row["Source"] for row in rows} == {"1"}
    assert totals["Eritrea"] == 2.21 and totals["Central African Republic"] == 4.76
    assert sum(total == 100 for total in totals.values()) == 12
    assert {name: got[("gci2024_overall", name, 2024)] for name in totals} == totals
    assert got[("gci2024_legal", "Eritrea", 2024)] == 1.76
    frame = next(f for f in parsed["itu_gci"] if f.entity_kind == "name")
    assert all(f.republication and f.vintage is None for f in frame.files)


def test_gci_2020_as_extracted(parsed: dict, shared_raw: Path) -> None:
    got = values(parsed["itu_gci"], "iso3")
    rows = csv_rows(shared_raw / GCI_2020)
    assert got == {(r["variable"], r["cc_iso3c"], int(r["ref_year"])): float(r["value"]) for r in rows}
    assert len({r["cc_iso3c"] for r in rows}) == 191
    frame = next(f for f in parsed["itu_gci"] if f.entity_kind == "iso3")
    assert any("MOZ, SVK, SVN" in warning for warning in frame.warnings)


def test_gci_editions_are_separate_series_on_the_same_scales(parsed: dict) -> None:
    """Same 0–20 pillars and 0–100 total, but a revised method: no code is shared between 2020 and 2024."""
    by_kind = {f.entity_kind: f.observations for f in parsed["itu_gci"]}
    codes_2024, codes_2020 = set(by_kind["name"]["source_code"]), set(by_kind["iso3"]["source_code"])
    assert not codes_2024 & codes_2020 and len(codes_2024) == len(codes_2020) == 6
    for frame in by_kind.values():
        overall = frame["source_code"].str.endswith("overall")
        assert frame.loc[overall, "value"].max() == 100 and frame.loc[~overall, "value"].max() == 20
    assert set(by_kind["name"]["year"]) == {2024} and set(by_kind["iso3"]["year"]) == {2020}


def test_gci_broken_copies_name_the_file(shared_raw: Path, tmp_path: Path) -> None:
    folder = tmp_path / "itu"
    folder.mkdir()
    text = (shared_raw / GCI_2024).read_text(encoding="utf-8")
    (folder / Path(GCI_2024).name).write_text(text.replace("Eritrea,1.76", "Eritrea,1.7.6"), encoding="utf-8")
    with pytest.raises(RawFileError, match=r"2024_pillars_thirdparty\.csv: .*non-numeric"):
        itu_gci.parse(tmp_path)
    (folder / Path(GCI_2024).name).unlink()
    text = (shared_raw / GCI_2020).read_text(encoding="utf-8-sig")
    (folder / Path(GCI_2020).name).write_text(text.replace('"value"', '"score"', 1), encoding="utf-8")
    with pytest.raises(RawFileError, match=r"gci_2020_extracted\.csv: missing columns \['value'\]"):
        itu_gci.parse(tmp_path)


# --- Global E-waste Monitor 2020 -------------------------------------------------------------------


def test_ewaste_time_series_and_key_statistics(parsed: dict, shared_raw: Path) -> None:
    series = xlsx_rows(shared_raw / GEM, "E-waste_timeseries")
    assert series[0][:4] == ("Country (ISO)", "Year", "E-waste generated (kg per capita)", "E-waste generated (tons)")
    got_iso = values(parsed["gem"], "iso3")
    expected = {("ewaste_generated_kg_per_capita", r[0], r[1]): r[2] for r in series[1:]}
    expected |= {("ewaste_generated_kt", r[0], r[1]): r[3] / 1000 for r in series[1:]}
    assert got_iso == pytest.approx(expected) and len(expected) == 2 * 180 * 5

    key = {r[0]: r for r in xlsx_rows(shared_raw / GEM, "Country E-waste Key Statistics")[1:] if r[0]}
    got = values(parsed["gem"], "name")
    assert key["Argentina"][4:6] == (11, 2013) and got[("ewaste_documented_collected_kt", "Argentina", 2013)] == 11
    assert key["Afghanistan"][4] == "NA" and not any(e == "Afghanistan" for _, e, _ in got)
    # The rate's denominator is the time series' amount for the record's year (Austria: 117 kt in 2017).
    tonnes = {(r[0], r[1]): r[3] for r in series[1:]}
    assert key["Austria"][4:6] == (117, 2017)
    assert got[("ewaste_documented_collection_rate", "Austria", 2017)] == pytest.approx(
        100 * 117_000 / tonnes[("AUT", 2017)])
    assert ("ewaste_documented_collection_rate", "Argentina", 2013) not in got  # before 2015
    frame = next(f for f in parsed["gem"] if f.entity_kind == "name")
    assert any("Total Questionnaires" in warning for warning in frame.warnings)
    assert frame.files[0].vintage == date(2020, 7, 7)


def test_ewaste_broken_copy_names_the_file(shared_raw: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(shared_raw / GEM)
    workbook["E-waste_timeseries"].title = "timeseries"
    workbook.save(tmp_path / Path(GEM).name)
    with pytest.raises(RawFileError, match=r"E-waste Monitor 2020\.xlsx: no sheet 'E-waste_timeseries'"):
        ewaste.parse(tmp_path)


# --- GSMA Mobile Connectivity Index ----------------------------------------------------------------


def test_gsma_scores_and_release_month(parsed: dict, shared_raw: Path) -> None:
    rows = xlsx_rows(shared_raw / MCI, "Index Scores")
    header = rows[2]
    assert header[:6] == ("ISO Code", "Country", "Region", "Year", "Cluster", "Index")
    data = {(r[0], r[3]): r for r in rows[3:]}
    assert len(data) == 170 * 8
    got = values(parsed["gsma_mci"])
    column = {name: header.index(name) for name in ("Index", "4G Coverage", "5G Coverage", "Mobile ownership")}
    for iso, year in (("DNK", 2021), ("NER", 2021), ("AFG", 2014)):
        row = data[(iso, year)]
        assert got[("mci_index", iso, year)] == pytest.approx(row[column["Index"]])
        assert got[("mci_coverage_4g", iso, year)] == pytest.approx(row[column["4G Coverage"]])
        assert got[("mci_mobile_ownership", iso, year)] == pytest.approx(row[column["Mobile ownership"]])
    assert data[("DNK", 2021)][column["5G Coverage"]] == 90 and got[("mci_coverage_5g", "DNK", 2021)] == 90
    assert data[("DNK", 2018)][column["5G Coverage"]] is None and ("mci_coverage_5g", "DNK", 2018) not in got
    frame = parsed["gsma_mci"][0]
    assert frame.files[0].vintage == date(2022, 5, 1)  # "Date: May 2022" in the Read me
    assert any("redistribution" in warning for warning in frame.warnings)


def test_gsma_broken_copy_names_the_file(shared_raw: Path, tmp_path: Path) -> None:
    # AFG 2014's Index (cell F4 of "Index Scores") becomes text. The XML is edited in the zip, since
    # an openpyxl round trip of this 4 MB sheet takes seconds.
    numeric_f4 = re.compile(rb'<c r="F4"[^>]*><v>[^<]*</v></c>')
    with zipfile.ZipFile(shared_raw / MCI) as original, \
            zipfile.ZipFile(tmp_path / Path(MCI).name, "w", zipfile.ZIP_DEFLATED) as broken:
        edited = 0
        for item in original.infolist():
            content = original.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content, count = numeric_f4.subn(b'<c r="F4" t="inlineStr"><is><t>n/a</t></is></c>', content)
                edited += count
            broken.writestr(item, content)
    assert edited == 1
    with pytest.raises(RawFileError, match=r"Data_May2022\.xlsx: .*row 4 \(AFG 2014\): 'Index' is not a number"):
        gsma.parse(tmp_path)


# --- UNCTADstat ------------------------------------------------------------------------------------


def test_unctad_values_flags_and_groups(parsed: dict, shared_raw: Path) -> None:
    rows = csv_rows(shared_raw / UNCTAD_ICT_SERVICES)
    frame = parsed["unctad"][0]
    assert frame.entity_kind == "m49"
    obs = frame.observations.set_index(["source_code", "entity", "year"])
    albania = next(r for r in rows if r["Economy"] == "008" and r["Year"] == "2005" and r["Flow"] == "02")
    assert obs.loc[("SICT.02.PCT_SERVICES", "008", 2005), "value"] == float(
        albania["Percentage of total trade in services"]) == 5.79526
    assert obs.loc[("SICT.02.USD", "008", 2005), "value"] == pytest.approx(73.406e6)
    flagged = next(r for r in rows if len(r["Economy"]) == 3 and r["Flow"] == "02"
                   and r["US dollars at current prices in millions Footnote"] == "Estimated")
    assert obs.loc[("SICT.02.USD", flagged["Economy"], int(flagged["Year"])), "obs_status"] == "Estimated"
    goods = csv_rows(shared_raw / UNCTAD_GOODS)
    cell = next(r for r in goods if r["Economy"] == "156" and r["Year"] == "2019" and r["Flow"] == "02")
    assert obs.loc[("ICT00.02.PCT_MERCH", "156", 2019), "value"] == float(cell["Percentage of total merchandise trade"])
    # Groups (four digits, 0000 = World) are reference rows, never observations.
    assert set(frame.reference["group_code"].str.len()) == {4} and set(frame.observations["entity"].str.len()) == {3}
    world = frame.reference[(frame.reference["group_code"] == "0000") & (frame.reference["year"] == 2005)]
    assert world.set_index("source_code").loc["SICT.02.USD", "value"] == pytest.approx(173413.539e6)
    assert frame.reference["group_code"].nunique() == 196


def test_unctad_broken_copy_names_the_file(shared_raw: Path, tmp_path: Path) -> None:
    text = (shared_raw / UNCTAD_ICT_SERVICES).read_text(encoding="utf-8-sig")
    (tmp_path / Path(UNCTAD_ICT_SERVICES).name).write_text(text.replace(",73.406,", ",73.4O6,", 1), encoding="utf-8")
    with pytest.raises(RawFileError, match=r"ICT services, value, shares and growth, annual\.csv: .*non-numeric"):
        unctad.parse(tmp_path)


# --- A4AI ------------------------------------------------------------------------------------------


def test_a4ai_1gb_prices(parsed: dict, shared_raw: Path) -> None:
    rows = xlsx_rows(shared_raw / A4AI, "A4AI_BroadbandPricing_2020")
    header = rows[0]
    by_iso = {r[header.index("ISO3")]: r for r in rows[1:] if r[0]}
    assert len(by_iso) == 101
    got = values(parsed["a4ai"])
    afg = by_iso["AFG"]
    assert afg[header.index("Cost_1_GB_Share_GNICM")] == pytest.approx(0.054561988)
    assert got[("Cost_1_GB_Share_GNICM", "AFG", 2020)] == pytest.approx(5.4561988)  # stored as %
    assert got[("Cost_1_GB_USD", "AFG", 2020)] == afg[header.index("Cost_1_GB_USD")] == 2.35
    assert by_iso["ZWE"][header.index("Cost_1_GB_USD")] == "NA" and ("Cost_1_GB_USD", "ZWE", 2020) not in got
    frame = parsed["a4ai"][0]
    assert frame.files[0].vintage == date(2021, 4, 9)


def test_a4ai_broken_copy_names_the_file(shared_raw: Path, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(shared_raw / A4AI)
    workbook["A4AI_BroadbandPricing_2020"]["C1"] = "ISO"  # the ISO3 header
    workbook.save(tmp_path / Path(A4AI).name)
    with pytest.raises(RawFileError, match=r"Pricing-2020\.xlsx: sheet .* lacks columns \['ISO3'\]"):
        a4ai.parse(tmp_path)

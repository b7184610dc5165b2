"""datahub.io's long-format WDI copy (github.com/datasets/world-development-indicators): every real
folder, spot values, and broken copies."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from etl import classifications, harmonise
from etl.errors import RawFileError
from etl.sources import worldbank_datahub as datahub
from indicators import catalogue
from tests.etl.rawfiles import wb_metadata_regions

LONG = Path("worldbank") / "datahub_wdi_long"


def folders(raw: Path) -> list[Path]:
    return sorted(p for p in (raw / LONG).iterdir() if p.is_dir())


def long_cells(path: Path) -> dict[tuple[str, int], float]:
    """Every (Country Code, Year) → Value of a data.csv, read with the csv module."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["Country Code"], int(row["Year"])): float(row["Value"]) for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def parsed(shared_raw: Path):
    (frames,) = datahub.parse(shared_raw)
    return frames


@pytest.fixture(scope="module")
def aggregates(shared_raw: Path) -> set[str]:
    """Codes the World Bank's own metadata files list without a Region, read with the csv module."""
    paths = sorted(shared_raw.rglob("Metadata_Country_*.csv"))
    assert paths
    return {code for path in paths for code, region in wb_metadata_regions(path).items() if region == ""}


def value(frame, column: str, code: str, source_code: str, year: int) -> float:
    rows = frame[(frame[column] == code) & (frame["source_code"] == source_code) & (frame["year"] == year)]
    assert len(rows) == 1, (code, source_code, year)
    return float(rows["value"].iloc[0])


def test_every_real_folder_parses_to_its_cells(shared_raw, parsed, aggregates):
    """Nothing dropped: economies in observations, the World Bank's aggregates in reference, under WDI codes."""
    # The snapshot grows (new series arrive as new folders): every folder present must parse, the
    # nine the catalogue was first written against among them.
    names = {folder.name for folder in folders(shared_raw)}
    assert {"it.cel.sets.p2", "it.net.bbnd.p2", "it.net.secr.p6", "it.mlt.main.p2", "sp.rur.totl.zs"} <= names
    assert parsed.dataset == "wdi_datahub" and parsed.entity_kind == "iso3"
    for folder in folders(shared_raw):
        code = folder.name.upper()
        cells = long_cells(folder / "data.csv")
        obs = parsed.observations[parsed.observations["source_code"] == code]
        ref = parsed.reference[parsed.reference["source_code"] == code]
        got = {**{(r.entity, r.year): r.value for r in obs.itertuples()},
               **{(r.group_code, r.year): r.value for r in ref.itertuples()}}
        assert len(obs) + len(ref) == len(cells), folder
        assert got == pytest.approx(cells), folder
        assert set(ref["group_code"]) <= aggregates
        assert not set(obs["entity"]) & aggregates
        assert set(obs["raw_file"]) == {str(folder / "data.csv")}
    assert {"IT.CEL.SETS.P2", "IT.NET.BBND.P2", "IT.NET.SECR.P6", "IT.MLT.MAIN.P2", "SP.RUR.TOTL.ZS"} <= set(
        parsed.observations["source_code"])


def test_files_are_undated_republications(shared_raw, parsed):
    """The files state no release date: vintage None, said in a warning."""
    data = [f for f in parsed.files if f.role == "data"]
    assert len(data) == len(folders(shared_raw))
    assert all(f.vintage is None and f.republication for f in parsed.files)
    assert {f.path.name for f in parsed.files if f.role == "metadata"} == {"datapackage.json"}
    assert any("no WDI release date" in warning for warning in parsed.warnings)


def test_spot_values_match_the_files_and_sources_md(shared_raw, parsed):
    """Spot values (2024), read independently with the csv module, and found in the frames."""
    mobile = long_cells(shared_raw / LONG / "it.cel.sets.p2" / "data.csv")
    broadband = long_cells(shared_raw / LONG / "it.net.bbnd.p2" / "data.csv")
    population = long_cells(shared_raw / LONG / "sp.pop.totl" / "data.csv")
    assert round(mobile[("WLD", 2024)], 1) == 110.4
    assert round(mobile[("NOR", 2024)], 2) == 109.35
    assert round(mobile[("NER", 2024)], 2) == 60.59
    assert round(broadband[("NOR", 2024)], 2) == 45.16
    assert round(broadband[("NER", 2024)], 2) == 0.11
    assert round(population[("WLD", 2025)] / 1e9, 3) == 8.215

    obs, ref = parsed.observations, parsed.reference
    assert value(ref, "group_code", "WLD", "IT.CEL.SETS.P2", 2024) == mobile[("WLD", 2024)]
    assert value(obs, "entity", "NOR", "IT.CEL.SETS.P2", 2024) == mobile[("NOR", 2024)]
    assert value(obs, "entity", "NER", "IT.CEL.SETS.P2", 2024) == mobile[("NER", 2024)]
    assert value(obs, "entity", "NOR", "IT.NET.BBND.P2", 2024) == broadband[("NOR", 2024)]
    assert value(obs, "entity", "NER", "IT.NET.BBND.P2", 2024) == broadband[("NER", 2024)]
    assert value(ref, "group_code", "WLD", "SP.POP.TOTL", 2025) == population[("WLD", 2025)]
    assert ref.loc[ref["group_code"] == "WLD", "group_name"].unique().tolist() == ["World"]


def test_values_fall_in_their_catalogue_units(parsed):
    """The unit ranges hold for the real extremes (FJI mobile 574.15 in 2024, VGB servers 3,262,663 in 2022)."""
    cat = catalogue()
    checked = 0
    for code, rows in parsed.observations.groupby("source_code"):
        indicator = cat.resolve("wdi_datahub", code)
        if indicator is None:
            continue
        unit = indicator.unit
        assert rows["value"].min() >= unit.min, code
        assert unit.max is None or rows["value"].max() <= unit.max, code
        checked += 1
    assert checked >= 8
    assert value(parsed.observations, "entity", "FJI", "IT.CEL.SETS.P2", 2024) == pytest.approx(574.152332512188)


def test_the_new_series_resolve_through_the_republication():
    cat = catalogue()
    for code, indicator_id in {"IT.CEL.SETS.P2": "mobile_subscriptions", "IT.NET.SECR.P6": "secure_internet_servers",
                               "IT.MLT.MAIN.P2": "fixed_telephone_subscriptions",
                               "SP.RUR.TOTL.ZS": "rural_population"}.items():
        assert cat.resolve("wdi_datahub", code).indicator_id == indicator_id
        assert cat.indicators[indicator_id].source.source_key == "wdi"


def test_every_entity_is_mapped(shared_raw, parsed):
    mapped = harmonise.harmonise(parsed, classifications.country_index(shared_raw))
    assert mapped.unmapped == []
    assert mapped.excluded == {}  # the aggregates never reach harmonisation: they are in reference
    assert mapped.observations["iso3"].nunique() == 217


def test_without_a_country_list_the_mapping_excludes_the_aggregates(shared_raw, tmp_path):
    """A raw directory with only the datahub copy: aggregates stay in observations, the mapping drops them."""
    raw = tmp_path / "raw"
    shutil.copytree(shared_raw / LONG / "it.cel.sets.p2", raw / LONG / "it.cel.sets.p2")

    (frames,) = datahub.parse(raw)

    assert frames.reference.empty
    assert any("no World Bank country list" in warning for warning in frames.warnings)
    mapped = harmonise.harmonise(frames, classifications.country_index(shared_raw))
    assert mapped.unmapped == []
    assert {"WLD", "HIC", "SSF", "LDC"} <= set(mapped.excluded)
    assert mapped.observations["iso3"].nunique() == 214


def test_an_empty_directory_has_nothing(tmp_path):
    assert datahub.parse(tmp_path) == []


@pytest.fixture
def copy(shared_raw: Path, tmp_path: Path) -> Path:
    target = tmp_path / "raw" / LONG / "it.net.bbnd.p2"
    shutil.copytree(shared_raw / LONG / "it.net.bbnd.p2", target)
    return target


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("Country Name,Country Code,Year,Value", "Country Name,Country Code,Year,Valeur", "missing columns"),
    ("Norway,NOR,2024,", "Norway,NOR,2024,n/a,", "cannot parse"),
    ("Norway,NOR,2024,", "Norway,NOR,24,", "not a year"),
    ("Norway,NOR,2023,", "Norway,NOR,2024,", "repeated"),
])
def test_a_broken_file_is_refused_naming_it(copy: Path, old: str, new: str, problem: str):
    data = copy / "data.csv"
    text = data.read_text(encoding="utf-8")
    assert old in text
    data.write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(RawFileError, match=problem) as caught:
        datahub.parse(copy.parent.parent.parent)

    assert caught.value.path == str(data)


def test_a_non_numeric_value_is_refused_naming_the_cell(copy: Path):
    data = copy / "data.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("Norway,NOR,2024,"))
    lines[index] = "Norway,NOR,2024,45.16%\n"
    data.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(RawFileError, match=r"non-numeric values, e.g. NOR 2024 = '45.16%'") as caught:
        datahub.parse(copy.parent.parent.parent)

    assert caught.value.path == str(data)


def test_a_truncated_file_is_refused(copy: Path):
    data = copy / "data.csv"
    data.write_bytes(data.read_bytes()[:20])

    with pytest.raises(RawFileError) as caught:
        datahub.parse(copy.parent.parent.parent)

    assert caught.value.path == str(data)


def test_a_package_of_another_indicator_is_refused(copy: Path):
    package = copy / "datapackage.json"
    package.write_text(package.read_text(encoding="utf-8").replace('"name": "it.net.bbnd.p2"',
                                                                   '"name": "it.cel.sets.p2"', 1))

    with pytest.raises(RawFileError, match="is not the folder's indicator") as caught:
        datahub.parse(copy.parent.parent.parent)

    assert caught.value.path == str(package)


def test_private_investment_in_ict_spot_values(shared_raw, parsed):
    """The financing series (World Bank PPI via WDI), read independently with the csv module: sparse by design
    (only country-years with a project), low- and middle-income economies only, so no world row."""
    ict = long_cells(shared_raw / LONG / "ie.ppn.icti.cd" / "data.csv")
    telecom = long_cells(shared_raw / LONG / "ie.ppi.tele.cd" / "data.csv")
    assert ict[("IND", 2024)] == pytest.approx(1.078e9, rel=1e-3)
    assert ict[("KEN", 2024)] == 5.0e7
    assert ict[("NGA", 2023)] == pytest.approx(4.92e6, rel=1e-3)
    assert ict[("IDN", 2023)] == pytest.approx(5.64e8, rel=1e-3)
    assert not {code for code, _ in ict} & {"WLD", "LMY", "USA", "NOR"}  # no world row; high income not covered
    assert telecom[("BRA", 2014)] == pytest.approx(1.262e10, rel=1e-3)
    assert telecom[("IND", 2014)] == pytest.approx(3.617e9, rel=1e-3)
    assert max(year for _, year in telecom) == 2014  # discontinued

    obs = parsed.observations
    for code, cells in (("IE.PPN.ICTI.CD", ict), ("IE.PPI.TELE.CD", telecom)):
        for area, year in (("IND", 2024), ("KEN", 2024), ("BRA", 2014), ("IND", 2014)):
            if (area, year) in cells:
                assert value(obs, "entity", area, code, year) == cells[(area, year)]
    per_year = obs[obs["source_code"] == "IE.PPN.ICTI.CD"].groupby("year")["entity"].nunique()
    assert (per_year[2022], per_year[2023], per_year[2024]) == (8, 35, 16)
    cat = catalogue()
    assert cat.resolve("wdi_datahub", "IE.PPN.ICTI.CD").indicator_id == "ict_ppp_investment"
    assert cat.resolve("wdi_datahub", "IE.PPI.TELE.CD").indicator_id == "telecom_ppi_investment"
    assert cat.indicators["ict_ppp_investment"].usual_economies == per_year.max()

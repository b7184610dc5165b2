"""The World Bank bulk-file parser, on every real file in ../shared/data/raw and on broken copies."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from etl import choose
from etl.errors import RawFileError
from etl.sources import worldbank
from tests.etl.rawfiles import wb_cells, wb_metadata_regions


def bulk_paths(raw: Path) -> list[Path]:
    return worldbank.find_files(raw)[0]


def test_every_real_bulk_file_parses_to_its_cells(shared_raw: Path) -> None:
    """Each file's long frame holds exactly the file's non-empty cells, under the file's own code."""
    paths = bulk_paths(shared_raw)
    assert len(paths) >= 9
    for path in paths:
        parsed = worldbank.read_bulk_file(path)
        assert path.name.startswith(f"API_{parsed.indicator_code}_")
        expected = wb_cells(path)
        got = {(row.code, row.year): row.value for row in parsed.values.itertuples()}
        assert got == pytest.approx(expected), path


def test_vintage_and_layout_are_read_from_the_preamble(shared_raw: Path) -> None:
    parsed = {str(p.relative_to(shared_raw)): worldbank.read_bulk_file(p) for p in bulk_paths(shared_raw)}
    originals = [f for f in parsed.values() if f.original_layout]
    resaved = [f for f in parsed.values() if not f.original_layout]
    # The Excel copy writes 7/13/2026 where the original writes "2026-07-13".
    assert [f.path.parent.name for f in resaved] == ["2026-07-13_excel-resaved"]
    assert resaved[0].vintage == date(2026, 7, 13)
    for item in originals:
        assert item.path.parent.name == item.vintage.isoformat()


def test_newest_original_vintage_wins(shared_raw: Path) -> None:
    """etl/choose.py on the real files: newest release first, the original over the Excel re-save."""
    (frames,) = worldbank.parse(shared_raw)
    files = {str(f.path): f for f in frames.files}
    obs = frames.observations.assign(indicator_id=frames.observations["source_code"],
                                     iso3=frames.observations["entity"])  # as harmonised, before the choice
    choice = choose.choose(obs, files)
    first_file = choice.observations.groupby("source_code")["raw_file"].first()
    winners = {code: files[path] for code, path in first_file.items()}
    assert winners["IT.NET.USER.ZS"].vintage == date(2026, 7, 13)
    assert not winners["IT.NET.USER.ZS"].republication
    assert "excel-resaved" not in str(winners["IT.NET.USER.ZS"].path)
    assert winners["NY.GNP.PCAP.CD"].vintage == date(2026, 4, 8)
    assert choice.observations.groupby("source_code")["raw_file"].nunique().max() == 1
    losers = {files[path].path.parent.name for path in choice.passed_over}
    assert losers == {"2025-04-15", "2026-07-13_excel-resaved"}


def test_aggregates_come_from_the_metadata(shared_raw: Path) -> None:
    metadata_paths = worldbank.find_files(shared_raw)[1]
    parsed = [worldbank.read_country_metadata(p) for p in metadata_paths]
    expected = {code for p in metadata_paths for code, region in wb_metadata_regions(p).items() if region == ""}
    assert worldbank.aggregate_codes(parsed) == expected
    assert {"WLD", "HIC", "SSF", "LDC"} <= expected
    newest = worldbank.newest_metadata(parsed)
    assert newest.vintage == date(2026, 7, 13)
    assert (newest.table["region"] != "").sum() == 217


@pytest.fixture
def internet_file(shared_raw: Path, tmp_path: Path) -> Path:
    source = shared_raw / "worldbank/wdi_bulk_indicator_csv/2026-07-13/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('"Last Updated Date","2026-07-13"', '"Last Updated Date","someday"', "Last Updated Date"),
    ('"Data Source"', '"Origin"', "preamble"),
    ('"Country Code"', '"Code"', "missing columns"),
    ('"99.0000000000000"', '"n/a"', "non-numeric"),
])
def test_malformed_file_names_the_file_and_the_problem(internet_file: Path, old: str, new: str,
                                                       message: str) -> None:
    text = internet_file.read_text(encoding="utf-8-sig")
    if old not in text:  # find a real numeric cell for the non-numeric case
        old = '"' + next(cell for cell in text.split('","') if cell[:2].isdigit() and "." in cell) + '"'
    _rewrite(internet_file, old, new)
    with pytest.raises(RawFileError) as caught:
        worldbank.read_bulk_file(internet_file)
    assert str(internet_file) in str(caught.value)
    assert message in str(caught.value)


def test_truncated_and_binary_files_are_refused(internet_file: Path) -> None:
    internet_file.write_bytes(internet_file.read_bytes()[:50])
    with pytest.raises(RawFileError):
        worldbank.read_bulk_file(internet_file)
    internet_file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    with pytest.raises(RawFileError):
        worldbank.read_bulk_file(internet_file)

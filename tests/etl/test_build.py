"""`python -m etl build` on the real files: contents, provenance, and a failed build changing nothing."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import validate
from etl.sources import parser_modules, worldbank
from indicators import catalogue
from tests.conftest import PROJECT_ROOT, run_etl
from tests.etl.rawfiles import wb_cells, wb_metadata_regions

INTERNET_2026 = "worldbank/wdi_bulk_indicator_csv/2026-07-13/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def con(built_db: Path):
    with duckdb.connect(str(built_db), read_only=True) as connection:
        yield connection


def test_countries_are_the_economies_without_aggregates(con, shared_raw: Path) -> None:
    regions = wb_metadata_regions(next(shared_raw.rglob("2026-07-13/Metadata_Country_*.csv")))
    economies = {code for code, region in regions.items() if region}
    aggregates = {code for code, region in regions.items() if not region}
    in_db = {row[0] for row in con.execute("SELECT iso3 FROM country").fetchall()}
    assert len(in_db) >= 200
    assert in_db == economies
    assert not in_db & aggregates
    assert con.execute("SELECT count(*) FROM observation WHERE iso3 IN ('WLD','HIC','SSF','LDC')").fetchone()[0] == 0


def test_norway_latest_internet_use_is_at_least_95(con) -> None:
    year, value = con.execute("""
        SELECT year, value FROM observation WHERE indicator_id = 'internet_use' AND iso3 = 'NOR'
        ORDER BY year DESC LIMIT 1""").fetchone()
    assert year >= 2023
    assert value >= 95


def test_sampled_cells_equal_the_source_file(con, shared_raw: Path) -> None:
    """200 random (country, year) cells of the chosen file, read independently, match the database."""
    economies = {row[0] for row in con.execute("SELECT iso3 FROM country").fetchall()}
    cells = {key: value for key, value in wb_cells(shared_raw / INTERNET_2026).items() if key[0] in economies}
    sample = random.Random(20261128).sample(sorted(cells), 200)
    for iso3, year in sample:
        stored = con.execute("""SELECT value FROM observation
            WHERE indicator_id = 'internet_use' AND iso3 = ? AND year = ?""", [iso3, year]).fetchone()
        assert stored is not None and stored[0] == pytest.approx(cells[(iso3, year)]), (iso3, year)
    count = con.execute("""SELECT count(*) FROM observation WHERE indicator_id = 'internet_use'
        AND sex = 'total' AND area = 'total' AND age = 'total'""").fetchone()[0]
    assert count == len(cells)


def test_world_aggregate_is_kept_as_published_reference(con, shared_raw: Path) -> None:
    cells = wb_cells(shared_raw / INTERNET_2026)
    stored = dict(con.execute("""SELECT year, value FROM published_aggregate
        WHERE indicator_id = 'internet_use' AND group_code = 'WLD' AND source_id = 'wdi:2026-07-13'""").fetchall())
    expected = {year: value for (code, year), value in cells.items() if code == "WLD"}
    assert stored == pytest.approx(expected)


def test_older_editions_of_aggregates_stay_queryable(con) -> None:
    editions = [row[0] for row in con.execute("""SELECT DISTINCT source_id FROM published_aggregate
        WHERE indicator_id = 'internet_use' AND group_code = 'WLD' ORDER BY 1""").fetchall()]
    assert editions == ["wdi:2025-04-15", "wdi:2026-07-13"]


def test_vintages_and_provenance_are_recorded(con, shared_raw: Path) -> None:
    vintages = dict(con.execute("""SELECT indicator_id, strftime(s.vintage, '%Y-%m-%d')
        FROM indicator JOIN source s USING (source_id)""").fetchall())
    assert vintages["internet_use"] == "2026-07-13"
    # GNI: the datahub.io copy fetched on 2026-07-01 (known_files.yaml) beats the April 2026 original.
    gni_source, retrieved = con.execute("""SELECT source_id, strftime(retrieved_at, '%Y-%m-%d')
        FROM indicator JOIN source USING (source_id) WHERE indicator_id = 'gni_per_capita'""").fetchone()
    assert (gni_source, retrieved) == ("wdi_datahub:undated", "2026-07-01")
    # Every observation carries the vintage of the file it came from.
    mixed = con.execute("""SELECT count(*) FROM observation o JOIN source s USING (source_id)
        WHERE o.vintage <> s.vintage""").fetchone()[0]
    assert mixed == 0
    roles = dict(con.execute("SELECT path, role FROM source_file").fetchall())
    assert roles[INTERNET_2026] == "data"
    assert roles[INTERNET_2026.replace("2026-07-13/", "2026-07-13_excel-resaved/")] == "passed_over"
    sha = con.execute("SELECT sha256 FROM source_file WHERE path = ?", [INTERNET_2026]).fetchone()[0]
    assert sha == sha256(shared_raw / INTERNET_2026)
    license_, attribution = con.execute(
        "SELECT DISTINCT license, attribution FROM source WHERE dataset_key = 'wdi'").fetchone()
    assert license_ == "CC BY 4.0" and "World Bank" in attribution


def test_every_source_that_supplied_rows_has_a_file_in_use(con) -> None:
    """A file giving only publisher aggregates (ITU Key ICT workbooks) is 'aggregates', never 'unused'."""
    roles = dict(con.execute("SELECT path, role FROM source_file").fetchall())
    for path in ("itu/key_ict_aggregates/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx",
                 "itu/key_ict_aggregates/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2025.xlsx"):
        assert roles[path] == "aggregates", path
    unused = con.execute("""
        SELECT source_id, list(role) FROM source_file
        WHERE source_id IN (SELECT source_id FROM observation UNION SELECT source_id FROM published_aggregate)
        GROUP BY source_id HAVING bool_and(role IN ('unused', 'metadata'))""").fetchall()
    assert unused == []
    assert con.execute("SELECT count(*) FROM published_aggregate JOIN source_file USING (source_id) "
                       "WHERE role = 'aggregates'").fetchone()[0] == 4816


def test_source_code_is_a_code_of_the_source_dataset(con, shared_raw: Path) -> None:
    """indicator.source_code is a series code found in the files of indicator.source_id's dataset."""
    codes: dict[str, set[str]] = {}
    for module in parser_modules():
        for frame in module.parse(shared_raw):
            found = codes.setdefault(frame.dataset, set())
            found.update(frame.observations["source_code"], frame.reference["source_code"])
    rows = con.execute("""SELECT indicator_id, dataset_key, source_code FROM indicator JOIN source USING (source_id)
                          WHERE dataset_key <> 'ddi_derived'""").fetchall()
    assert len(rows) > 90
    wrong = [(indicator_id, dataset, code) for indicator_id, dataset, code in rows if code not in codes[dataset]]
    assert wrong == []
    assert ("fixed_broadband_per_100", "wdi_datahub", "IT.NET.BBND.P2") in rows


def test_values_respect_their_units(con) -> None:
    out_of_range = con.execute("""SELECT count(*) FROM observation o JOIN indicator i USING (indicator_id)
        WHERE i.unit LIKE '%%of population' AND (value < 0 OR value > 100)""").fetchone()[0]
    assert out_of_range == 0
    assert con.execute("SELECT min(year) >= 1960, max(year) <= year(current_date) FROM observation").fetchone() \
        == (True, True)


def test_usual_coverage_is_the_best_year_of_the_real_data(con) -> None:
    """`usual_economies` is set from the number of economies with a total value in the series' best year: never
    above what the data hold, nor so far below that the coverage check would pass a file missing a fifth of them
    (a snapshot that grows does not break it)."""
    best = dict(con.execute("""
        SELECT indicator_id, max(n) FROM (
            SELECT indicator_id, year, count(DISTINCT iso3) AS n FROM observation
            WHERE sex = 'total' AND area = 'total' AND age = 'total' AND value IS NOT NULL GROUP BY ALL)
        GROUP BY ALL""").fetchall())
    for indicator in catalogue().indicators.values():
        if indicator.source.source_key != "ddi_derived":
            usual, most = indicator.usual_economies, best.get(indicator.indicator_id, 0)
            assert 0.8 * most <= usual <= most, (indicator.indicator_id, usual, most)


def test_run_is_recorded(con) -> None:
    status, rows, warnings, by_source = con.execute(
        "SELECT status, rows, warnings, rows_by_source FROM etl_run").fetchone()
    assert status == "published"
    assert rows == con.execute("SELECT count(*) FROM observation").fetchone()[0]
    assert any(warning.startswith("passed over") for warning in warnings)
    assert sum(json.loads(by_source).values()) == rows


# --- failure leaves the published database untouched -------------------------------------------


@pytest.fixture
def raw_copy(shared_raw: Path, tmp_path: Path) -> Path:
    """A writable copy of the World Bank part of the raw data, to break on purpose."""
    target = tmp_path / "raw"
    part = Path("worldbank") / "wdi_bulk_indicator_csv"
    shutil.copytree(shared_raw / part, target / part)
    return target


@pytest.fixture
def published(built_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "published.duckdb"
    shutil.copyfile(built_db, db)
    return db


def assert_unchanged_and_usable(db: Path, digest: str) -> None:
    assert sha256(db) == digest
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM country").fetchone()[0] >= 200
    leftovers = [p.name for p in db.parent.iterdir() if ".building-" in p.name]
    assert leftovers == []


def test_malformed_raw_file_fails_and_keeps_the_old_database(raw_copy: Path, published: Path) -> None:
    digest = sha256(published)
    broken = raw_copy / INTERNET_2026
    text = broken.read_text(encoding="utf-8-sig")
    broken.write_text(text.replace('"Indicator Code"', '"Code of indicator"', 1), encoding="utf-8-sig")
    result = run_etl("build", "--raw-dir", str(raw_copy), "--db", str(published), "--quiet")
    assert result.returncode != 0
    assert result.stderr.startswith("error: ")
    assert broken.name in result.stderr and "missing columns" in result.stderr
    assert_unchanged_and_usable(published, digest)


def test_out_of_range_value_fails_validation_naming_the_file(raw_copy: Path, published: Path) -> None:
    digest = sha256(published)
    broken = raw_copy / INTERNET_2026
    cells = wb_cells(broken)
    value = cells[("NOR", 2020)]
    text = broken.read_text(encoding="utf-8-sig")
    norway = next(line for line in text.splitlines() if line.startswith('"Norway"'))
    bad_line = norway.replace(f'"{value:.15g}"', '"140"', 1) if f'"{value:.15g}"' in norway else None
    assert bad_line, norway
    broken.write_text(text.replace(norway, bad_line), encoding="utf-8-sig")
    result = run_etl("build", "--raw-dir", str(raw_copy), "--db", str(published), "--quiet")
    assert result.returncode != 0
    assert "validation failed" in result.stderr and "outside 0–100" in result.stderr
    assert "NOR 2020 140" in result.stderr and broken.name in result.stderr
    assert_unchanged_and_usable(published, digest)


def test_truncated_classification_fails_listing_every_unknown_code(raw_copy: Path, published: Path) -> None:
    """A metadata file cut to a few economies leaves the other codes unaccounted for: all are listed."""
    digest = sha256(published)
    for metadata in raw_copy.rglob("Metadata_Country_*.csv"):
        lines = metadata.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        metadata.write_text("".join(lines[:40]), encoding="utf-8-sig")
    result = run_etl("build", "--raw-dir", str(raw_copy), "--db", str(published), "--quiet")
    assert result.returncode != 0
    assert "neither mapped nor excluded" in result.stderr
    assert "wdi: NOR" in result.stderr and "wdi: ZWE" in result.stderr
    assert_unchanged_and_usable(published, digest)


def test_too_few_economies_is_refused() -> None:
    countries = pd.DataFrame({"iso3": ["NOR", "NGA", "no"]})
    problems = validate.check_countries(countries, min_economies=150)
    assert any("only 3 economies, expected at least 150" in p for p in problems)
    assert any("malformed codes no" in p for p in problems)


def test_empty_raw_directory_says_what_is_missing(tmp_path: Path, published: Path) -> None:
    digest = sha256(published)
    (tmp_path / "empty").mkdir()
    result = run_etl("build", "--raw-dir", str(tmp_path / "empty"), "--db", str(published), "--quiet")
    assert result.returncode != 0
    assert "no raw file of any known source" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert_unchanged_and_usable(published, digest)


def test_rebuild_replaces_the_file_and_keeps_the_run_history(raw_copy: Path, published: Path) -> None:
    before = sha256(published)
    result = run_etl("build", "--raw-dir", str(raw_copy), "--db", str(published), "--quiet")
    assert result.returncode == 0, result.stderr
    assert sha256(published) != before
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM etl_run").fetchone()[0] == 2


def test_stale_staging_file_of_a_killed_build_is_removed(raw_copy: Path, published: Path) -> None:
    stale = published.with_name(f".{published.name}.building-999999999")
    stale.write_bytes(b"half a database")
    result = run_etl("build", "--raw-dir", str(raw_copy), "--db", str(published), "--quiet")
    assert result.returncode == 0, result.stderr
    assert not stale.exists()


def test_status_prints_each_indicator(built_db: Path) -> None:
    result = run_etl("status", "--db", str(built_db))
    assert result.returncode == 0, result.stderr
    for indicator_id in ("internet_use", "population", "gni_per_capita", "urban_population"):
        assert indicator_id in result.stdout
    assert "2026-07-13" in result.stdout


def test_unparsed_codes_are_reported(shared_raw: Path) -> None:
    """Codes absent from every metadata file (INX, 'Not classified') never enter the database silently."""
    files = [worldbank.read_bulk_file(p) for p in worldbank.find_files(shared_raw)[0]]
    codes = set().union(*(set(f.values["code"]) for f in files))
    metadata = {c for p in worldbank.find_files(shared_raw)[1] for c in wb_metadata_regions(p)}
    # Every code with a value is classified by some metadata file, so nothing is dropped unreported.
    assert codes - metadata == set()


def test_build_killed_before_publishing_leaves_the_old_database(raw_copy: Path, published: Path) -> None:
    """SIGKILL at the worst moment (new file written, not yet renamed): the old file stays, and opens."""
    digest = sha256(published)
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--raw-dir", str(raw_copy), "--db", str(published), "--quiet"],
        cwd=PROJECT_ROOT, env={**os.environ, "DDI_BUILD_HOLD_S": "30"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    staging = published.with_name(f".{published.name}.building-{process.pid}")
    deadline = time.monotonic() + 60
    while not staging.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert staging.exists(), "the build never wrote its staging file"
    time.sleep(0.5)  # well inside the 30 s hold: the staging file is complete and unpublished
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert sha256(published) == digest
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM observation").fetchone()[0] > 0
    # The next build clears the dead build's leftovers and publishes.
    result = run_etl("build", "--raw-dir", str(raw_copy), "--db", str(published), "--quiet")
    assert result.returncode == 0, result.stderr
    assert not staging.exists()
    assert sha256(published) != digest


# --- a broken copy fails the build even where another copy would win ------------------------------

POPULATION_2025 = "worldbank/wdi_bulk_indicator_csv/2025-04-15/API_SP.POP.TOTL_DS2_en_csv_v2_391465.csv"


def mirrored_raw(shared_raw: Path, tmp_path: Path, edited: str, edit) -> tuple[Path, Path]:
    """The whole real raw directory, every file a symlink (rglob does not follow symlinked folders)
    except `edited`, written as `edit(its bytes)`."""
    target = tmp_path / "raw"
    for path in shared_raw.rglob("*"):
        if path.is_dir():
            continue
        relative = path.relative_to(shared_raw)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if relative == Path(edited):
            (target / relative).write_bytes(edit(path.read_bytes()))
        else:
            (target / relative).symlink_to(path)
    return target, target / edited


def error_lines(stderr: str) -> list[str]:
    lines = stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), stderr
    return lines


def test_truncated_newest_copy_fails_naming_both_files(shared_raw: Path, tmp_path: Path, published: Path) -> None:
    """The July 2026 Internet-use file cut to its first 60,000 bytes (92 economies instead of 213) would
    win the choice as the newest copy: the build fails with one line naming it and the complete copy."""
    digest = sha256(published)
    raw, truncated = mirrored_raw(shared_raw, tmp_path, INTERNET_2026, lambda data: data[:60_000])
    resaved = raw / INTERNET_2026.replace("2026-07-13/", "2026-07-13_excel-resaved/")
    result = run_etl("build", "--raw-dir", str(raw), "--db", str(published), "--quiet")
    assert result.returncode != 0
    both = [line for line in error_lines(result.stderr) if str(truncated) in line and str(resaved) in line]
    assert len(both) == 1, result.stderr
    assert "covers 91 economies of internet_use, under half of the 208" in both[0]
    assert_unchanged_and_usable(published, digest)


def test_negative_population_in_a_losing_copy_fails(shared_raw: Path, tmp_path: Path, published: Path) -> None:
    """The April 2025 population file loses to the datahub copy; edited, it still fails the build."""
    digest = sha256(published)

    def negative_norway(data: bytes) -> bytes:
        text = data.decode("utf-8-sig")
        norway = next(line for line in text.splitlines() if line.startswith('"Norway"'))
        return text.replace(norway, norway.replace('"3581239"', '"-3581239"', 1)).encode("utf-8")

    with duckdb.connect(str(published), read_only=True) as connection:  # built from the real files
        assert connection.execute("SELECT role FROM source_file WHERE path = ?",
                                  [POPULATION_2025]).fetchone() == ("passed_over",)
    raw, edited = mirrored_raw(shared_raw, tmp_path, POPULATION_2025, negative_norway)
    result = run_etl("build", "--raw-dir", str(raw), "--db", str(published), "--quiet")
    assert result.returncode != 0
    (line,) = error_lines(result.stderr)
    assert line.startswith(f"error: validation failed: {edited}: 1 values of population outside 0–"), line
    assert "NOR 1960 -3581239" in line
    assert_unchanged_and_usable(published, digest)


def test_truncated_older_copy_fails_though_it_would_lose(shared_raw: Path, tmp_path: Path,
                                                          published: Path) -> None:
    digest = sha256(published)
    older = INTERNET_2026.replace("2026-07-13/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086",
                                  "2025-04-15/API_IT.NET.USER.ZS_DS2_en_csv_v2_384634")
    raw, truncated = mirrored_raw(shared_raw, tmp_path, older, lambda data: data[:30_000])  # of 100,129 bytes
    result = run_etl("build", "--raw-dir", str(raw), "--db", str(published), "--quiet")
    assert result.returncode != 0
    (line,) = error_lines(result.stderr)
    assert line.startswith(f"error: validation failed: {truncated}: its best year covers ")
    assert "economies of internet_use, under half of the usual 208" in line
    assert_unchanged_and_usable(published, digest)


def test_per_file_checks_name_the_file_and_spare_partial_tables() -> None:
    cat = catalogue()
    rows = pd.DataFrame({"indicator_id": "internet_use", "sex": "total", "area": "total", "age": "total",
                         "year": 2020, "iso3": [f"C{i:03d}" for i in range(62)], "value": 50.0})
    table = rows.assign(raw_file="itu/table10.xlsx", dataset="itu_gender_urban_table")
    copy = rows.assign(raw_file="worldbank/copy.csv", dataset="wdi_datahub")
    problems = validate.check_file_coverage(pd.concat([table, copy]), cat)
    assert list(problems) == ["internet_use"]
    assert problems["internet_use"] == ["worldbank/copy.csv: its best year covers 62 economies of internet_use, "
                                        "under half of the usual 208: truncated or broken?"]
    aggregates = pd.DataFrame({"indicator_id": "internet_use", "group_code": ["WLD", "LMY"], "year": 2020,
                               "value": [67.4, -3.0], "raw_file": "worldbank/copy.csv"})
    assert validate.check_file_aggregates(aggregates, cat) == [
        "worldbank/copy.csv: 1 aggregates of internet_use outside 0–100 (% of population), e.g. LMY 2020 -3.0"]
    breakdowns = pd.DataFrame({"sex": ["total", "women"], "area": "total", "age": "total",
                               "raw_file": ["worldbank/copy.csv", "itu/table10.xlsx"]})
    assert validate.check_breakdowns(breakdowns) == ["itu/table10.xlsx: unknown sex values ['women']"]


def test_a_source_without_a_republishable_licence_is_never_read(con) -> None:
    """UNCTAD's Cyberlaw Tracker states no data licence: on record in sources.yaml, but no file of it is read."""
    assert con.execute("SELECT count(*) FROM source WHERE dataset_key = 'unctad_cyberlaw'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM source_file WHERE path LIKE '%cyberlaw%'").fetchone()[0] == 0
    restricted = con.execute("SELECT DISTINCT dataset_key FROM source WHERE license LIKE '%not stated%'").fetchall()
    assert restricted == [("wb_data360_pch",)]

"""`pull` against a local stand-in for the World Bank, serving zips built here from the real raw files.

The zips are made in a temporary directory from ../shared/data/raw (never committed) and served by
a real HTTP server; DDI_WB_API points the ETL at it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from etl import pull as pull_module
from etl.errors import RawFileError
from etl.sources import worldbank
from indicators import catalogue
from tests.conftest import free_port, run_etl

QUERY = {"downloadformat": "csv"}


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def wb_codes() -> list[str]:
    """The catalogue's World Bank series, in the order pull fetches them."""
    return sorted(catalogue().by_source_code("wdi"))


def _is_iso_date(name: str) -> bool:
    try:
        date.fromisoformat(name)
    except ValueError:
        return False
    return True


def zip_members(shared_raw: Path, code: str) -> dict[str, bytes]:
    """What the World Bank's zip for `code` holds, taken from the newest original download of it.

    Dated folders only: `2026-07-13_excel-resaved` is a spreadsheet's re-save, not a download.
    The country metadata is named as the World Bank names it in the zip, after the data file.
    """
    root = shared_raw / "worldbank" / "wdi_bulk_indicator_csv"
    folders = sorted(d for d in root.iterdir() if d.is_dir() and _is_iso_date(d.name))
    folder = [d for d in folders if any(d.glob(f"API_{code}_*.csv"))][-1]
    (data,) = folder.glob(f"API_{code}_*.csv")
    country = folder / f"Metadata_Country_{data.name}"
    if not country.exists():
        country = [p for d in folders for p in sorted(d.glob("Metadata_Country_*.csv"))][-1]
    members = {data.name: data.read_bytes(), f"Metadata_Country_{data.name}": country.read_bytes()}
    indicator = folder / f"Metadata_Indicator_{data.name}"
    if indicator.exists():
        members[indicator.name] = indicator.read_bytes()
    return members


def make_zip(path: Path, members: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path.read_bytes()


def last_updated(content: bytes) -> date:
    """The 'Last Updated Date' of a bulk file, read with the csv module (not the ETL's parser)."""
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[2][0] == "Last Updated Date"
    return date.fromisoformat(lines[2][1])


@pytest.fixture(scope="module")
def served(shared_raw, tmp_path_factory):
    """code → (zip members, zip bytes), one zip per World Bank series, written to a temporary directory."""
    out = tmp_path_factory.mktemp("wb_zips")
    zips = {}
    for code in wb_codes():
        members = zip_members(shared_raw, code)
        zips[code] = (members, make_zip(out / f"{code}.zip", members))
    return zips


@pytest.fixture
def world_bank(httpserver, monkeypatch, served):
    """A local World Bank answering every series' bulk download; returns its base URL."""
    base = httpserver.url_for("").rstrip("/")
    monkeypatch.setenv("DDI_WB_API", base)

    def serve_all(except_codes=()):
        for code, (_, body) in served.items():
            if code not in except_codes:
                httpserver.expect_request(f"/en/indicator/{code}", query_string=QUERY) \
                    .respond_with_data(body, content_type="application/zip")

    serve_all.base = base
    return serve_all


def files_below(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_catalogue_lists_the_world_bank_series_served_here(served):
    """Guard: the series this module serves are the catalogue's, and each zip has its data file."""
    assert len(served) >= 6
    for code, (members, _) in served.items():
        assert [name for name in members if name.startswith(f"API_{code}_")], code
        assert any(name.startswith("Metadata_Country_") for name in members), code


def test_pull_saves_each_file_unchanged_in_its_vintage_folder(world_bank, served, tmp_path, httpserver):
    """Every file of every zip lands byte-identical under its Last Updated Date, with a true sidecar."""
    world_bank()
    raw = tmp_path / "raw"
    before = datetime.now(UTC).replace(microsecond=0)

    folders = pull_module.pull("worldbank", raw, progress=False)

    after = datetime.now(UTC)
    bulk_root = raw / worldbank.RAW_SUBDIR
    expected_files = set()
    expected_folders = []
    for code, (members, body) in served.items():
        (data_name,) = [name for name in members if name.startswith(f"API_{code}_")]
        folder = bulk_root / last_updated(members[data_name]).isoformat()
        expected_folders.append(folder)
        for name, content in members.items():
            saved = folder / name
            assert saved.is_file(), saved
            assert sha256(saved.read_bytes()) == sha256(content), saved
            expected_files.add(saved)
        origin_path = folder / f"_origin_{code}.yml"
        expected_files.add(origin_path)
        origin = yaml.safe_load(origin_path.read_text(encoding="utf-8"))
        assert origin["url"] == f"{world_bank.base}/en/indicator/{code}?downloadformat=csv"
        assert origin["parameters"] == QUERY
        assert origin["zip_sha256"] == sha256(body)
        assert origin["files"] == {name: sha256(content) for name, content in members.items()}
        retrieved = datetime.fromisoformat(origin["retrieved_at"])
        assert retrieved.tzinfo is not None
        assert before <= retrieved <= after

    assert folders == expected_folders  # one folder per series, in the order pulled
    assert set(files_below(raw)) == expected_files  # nothing else written
    assert len(httpserver.log) == len(served)


def test_build_runs_on_a_pulled_directory(world_bank, served, tmp_path):
    """What pull writes is a raw directory the build accepts, and the database records when it was pulled."""
    world_bank()
    raw, db = tmp_path / "raw", tmp_path / "out" / "digital_divide.duckdb"
    pull_module.pull("worldbank", raw, progress=False)
    origins = {
        code: yaml.safe_load(path.read_text(encoding="utf-8"))
        for code in served for path in raw.rglob(f"_origin_{code}.yml")
    }
    vintages = {code: last_updated(next(c for n, c in members.items() if n.startswith("API_")))
                for code, (members, _) in served.items()}

    result = run_etl("build", "--raw-dir", str(raw), "--db", str(db), "--quiet")

    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        countries = con.execute("SELECT count(*) FROM country").fetchone()[0]
        # epoch milliseconds: fetching TIMESTAMPTZ as datetime needs pytz, which is not a dependency
        sources = dict(con.execute("SELECT source_id, epoch_ms(retrieved_at) FROM source").fetchall())
        chosen = dict(con.execute("SELECT source_code, source_id FROM indicator").fetchall())
        data_files = dict(con.execute(
            "SELECT regexp_extract(path, 'API_(.+?)_DS2', 1), sha256 FROM source_file WHERE role = 'data'").fetchall())
    assert countries >= 200
    assert chosen == {code: f"wdi:{vintage.isoformat()}" for code, vintage in vintages.items()}
    assert set(sources) == set(chosen.values())
    for code, source_id in chosen.items():
        retrieved = sources[source_id]
        assert retrieved is not None, source_id
        same_vintage = {int(datetime.fromisoformat(origins[c]["retrieved_at"]).timestamp() * 1000)
                        for c, s in chosen.items() if s == source_id}
        assert retrieved in same_vintage, source_id
        (data_name,) = [name for name in origins[code]["files"] if name.startswith("API_")]
        assert data_files[code] == origins[code]["files"][data_name]


def test_a_body_that_is_not_a_zip_is_refused_and_writes_nothing(world_bank, served, tmp_path, httpserver):
    """An HTML error page served with 200 must not become a raw folder."""
    broken = wb_codes()[0]
    world_bank(except_codes={broken})
    httpserver.expect_request(f"/en/indicator/{broken}", query_string=QUERY) \
        .respond_with_data("<html><body>Service temporarily unavailable</body></html>", content_type="text/html")
    raw = tmp_path / "raw"

    with pytest.raises(RawFileError) as caught:
        pull_module.pull("worldbank", raw, progress=False)

    assert f"/en/indicator/{broken}?downloadformat=csv" in str(caught.value)
    assert "zip" in caught.value.problem
    members, _ = served[broken]
    (data_name,) = [name for name in members if name.startswith("API_")]
    assert not (raw / worldbank.RAW_SUBDIR / last_updated(members[data_name]).isoformat()).exists()
    assert files_below(raw) == []


def test_a_zip_without_the_data_file_is_refused_and_writes_nothing(world_bank, served, tmp_path, httpserver):
    """A zip holding only metadata is not a download of the series: refuse it before writing."""
    broken = wb_codes()[0]
    world_bank(except_codes={broken})
    members, _ = served[broken]
    metadata_only = {name: content for name, content in members.items() if not name.startswith("API_")}
    assert metadata_only
    body = make_zip(tmp_path / "metadata_only.zip", metadata_only)
    httpserver.expect_request(f"/en/indicator/{broken}", query_string=QUERY) \
        .respond_with_data(body, content_type="application/zip")
    raw = tmp_path / "raw"

    with pytest.raises(RawFileError) as caught:
        pull_module.pull("worldbank", raw, progress=False)

    assert f"API_{broken}_" in caught.value.problem
    assert files_below(raw) == []


def test_ensure_offline_with_no_raw_files_says_how_to_proceed(tmp_path):
    """`make run` with no network and no files: one error line pointing at DDI_RAW_DIR, and no database."""
    raw = tmp_path / "raw"
    raw.mkdir()
    db = tmp_path / "db" / "digital_divide.duckdb"

    result = run_etl("ensure", "--raw-dir", str(raw), "--db", str(db), "--quiet",
                     env={"DDI_WB_API": f"http://127.0.0.1:{free_port()}"}, timeout=60)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert "DDI_RAW_DIR" in lines[0]
    assert not db.exists()
    assert not db.parent.exists() or list(db.parent.iterdir()) == []
    assert files_below(raw) == []


def test_pull_waits_out_a_429_and_completes(world_bank, served, tmp_path, httpserver):
    """A rate-limited first answer is retried; the pull still saves that series unchanged."""
    limited = wb_codes()[len(served) // 2]
    httpserver.expect_oneshot_request(f"/en/indicator/{limited}", query_string=QUERY) \
        .respond_with_data("Too Many Requests", status=429, headers={"Retry-After": "0"})
    world_bank()
    raw = tmp_path / "raw"

    folders = pull_module.pull("worldbank", raw, progress=False)

    answers = [response.status_code for request, response in httpserver.log
               if request.path == f"/en/indicator/{limited}"]
    assert answers == [429, 200]
    assert len(httpserver.log) == len(served) + 1
    assert len(folders) == len(served)
    members, body = served[limited]
    (data_name,) = [name for name in members if name.startswith("API_")]
    folder = raw / worldbank.RAW_SUBDIR / last_updated(members[data_name]).isoformat()
    for name, content in members.items():
        assert sha256((folder / name).read_bytes()) == sha256(content)
    origin = yaml.safe_load((folder / f"_origin_{limited}.yml").read_text(encoding="utf-8"))
    assert origin["zip_sha256"] == sha256(body)
    httpserver.check_assertions()

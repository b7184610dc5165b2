"""`etl.export` against the real database: every table and view as Parquet and CSV that an independent reader
(pyarrow) opens with the database's row counts and column names, a valid datapackage.json naming the licences,
and an output folder that is either complete or untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from etl import export as export_module
from etl.export import ExportError, ExportTargetNotEmptyError, export

TABLE_SCHEMA_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime",
                      "year", "yearmonth", "duration", "geopoint", "geojson", "any"}


def catalog(db: Path) -> dict[str, tuple[str, list[str], int]]:
    """Tables and views read straight from DuckDB: name → (kind, columns, rows)."""
    found = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for schema, name, kind in con.execute("""
            SELECT schema_name, table_name, 'table' FROM duckdb_tables() WHERE NOT internal AND NOT temporary
            UNION ALL
            SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal AND NOT temporary
        """).fetchall():
            qualified = f'"{schema}"."{name}"'
            columns = [row[0] for row in con.execute(f"DESCRIBE {qualified}").fetchall()]
            rows = con.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0]
            found[name if schema == "main" else f"{schema}.{name}"] = (kind, columns, rows)
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path):
    return pa_csv.read_csv(path, parse_options=pa_csv.ParseOptions(newlines_in_values=True))


@pytest.fixture(scope="module")
def exported(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("export") / "out"
    before = sha256(built_db), built_db.stat().st_mtime_ns
    report = export(built_db, out, progress=False)
    assert (sha256(built_db), built_db.stat().st_mtime_ns) == before, "export must not touch the database"
    return out, report


def test_every_table_and_view_is_exported_as_parquet_and_csv(built_db: Path, exported) -> None:
    out, report = exported
    tables = catalog(built_db)
    assert {"country", "observation", "source", "published_aggregate"} <= set(tables)
    expected = {f"{name}.{ext}" for name in tables for ext in ("parquet", "csv")} | {"datapackage.json", "README.md"}
    assert {p.name for p in out.iterdir()} == expected
    assert {t.name for t in report.tables} == set(tables)
    print(f"\nexported {len(tables)} relations in {report.seconds:.2f} s, {report.total_bytes / 1e6:.1f} MB")


def test_files_open_in_pyarrow_with_the_databases_rows_and_columns(built_db: Path, exported) -> None:
    out, _ = exported
    for name, (_, columns, rows) in catalog(built_db).items():
        parquet = pq.read_table(out / f"{name}.parquet")
        assert parquet.num_rows == rows, name
        assert parquet.column_names == columns, name
        csv = read_csv(out / f"{name}.csv")
        assert csv.num_rows == rows, name
        assert csv.column_names == columns, name
        assert (out / f"{name}.csv").read_bytes().decode("utf-8")  # valid UTF-8


def test_values_survive_the_round_trip(built_db: Path, exported) -> None:
    out, _ = exported
    with duckdb.connect(str(built_db), read_only=True) as con:
        total, nulls = con.execute("SELECT sum(value), count(*) - count(obs_status) FROM observation").fetchone()
        names = dict(con.execute("SELECT iso3, name FROM country").fetchall())
        breakdowns = dict(con.execute("SELECT indicator_id, breakdowns FROM indicator").fetchall())
    observation = pq.read_table(out / "observation.parquet")
    assert observation.column("value").to_pandas().sum() == pytest.approx(total, rel=1e-12)
    assert observation.column("obs_status").null_count == nulls
    country = read_csv(out / "country.csv").to_pydict()
    assert dict(zip(country["iso3"], country["name"], strict=True)) == names  # accents and commas intact
    indicator = read_csv(out / "indicator.csv").to_pydict()
    # Lists are JSON arrays in CSV (Table Schema `array`), native lists in Parquet.
    assert {k: json.loads(v) for k, v in zip(indicator["indicator_id"], indicator["breakdowns"], strict=True)} \
        == breakdowns
    assert pq.read_table(out / "indicator.parquet").schema.field("breakdowns").type.value_type == "string"


def test_datapackage_describes_every_file_and_the_licences(built_db: Path, exported) -> None:
    out, _ = exported
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == "digital-divide-indicators" and package["created"].endswith("Z")
    files = {p.name for p in out.iterdir()} - {"datapackage.json", "README.md"}
    resources = {r["path"]: r for r in package["resources"]}
    assert set(resources) == files
    assert len({r["name"] for r in package["resources"]}) == len(files), "resource names are unique"
    tables = catalog(built_db)
    for path, resource in resources.items():
        stem, fmt = path.rsplit(".", 1)
        assert resource["format"] == fmt
        assert resource["mediatype"] == {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}[fmt]
        assert resource["rows"] == tables[stem][2]
        assert resource["bytes"] == (out / path).stat().st_size
        assert resource["hash"] == f"sha256:{sha256(out / path)}"
        assert [f["name"] for f in resource["schema"]["fields"]] == tables[stem][1]
        assert {f["type"] for f in resource["schema"]["fields"]} <= TABLE_SCHEMA_TYPES
    observation = resources["observation.csv"]["schema"]
    assert observation["primaryKey"] == ["indicator_id", "iso3", "year", "sex", "area", "age"]
    assert {f["name"]: f["type"] for f in observation["fields"]}["value"] == "number"
    assert {f["name"]: f["type"] for f in observation["fields"]}["year"] == "integer"
    assert {"resource": "country-csv", "fields": ["iso3"]} in [k["reference"] for k in observation["foreignKeys"]]
    assert {f["name"]: f["type"] for f in resources["indicator.csv"]["schema"]["fields"]}["breakdowns"] == "array"
    titles = {licence["title"]: licence for licence in package["licenses"]}
    assert titles["CC BY-NC-SA 3.0 IGO"]["path"] == "https://creativecommons.org/licenses/by-nc-sa/3.0/igo/"
    assert titles["CC BY-NC-SA 3.0 IGO"]["name"] == "CC-BY-NC-SA-3.0-IGO"
    assert titles["CC BY 4.0"]["name"] == "CC-BY-4.0"
    assert all("name" in licence or "path" in licence for licence in package["licenses"])
    with duckdb.connect(str(built_db), read_only=True) as con:
        source_ids = {row[0] for row in con.execute("SELECT source_id FROM source").fetchall()}
        licences = {row[0] for row in con.execute("SELECT DISTINCT license FROM source").fetchall()}
    assert {s["source_id"] for s in package["sources"]} == source_ids
    assert all({"publisher", "dataset", "attribution", "title"} <= set(s) for s in package["sources"])
    assert set(titles) == licences


def test_readme_names_the_licences_and_why_parquet(exported) -> None:
    out, _ = exported
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 3.0 IGO" in readme and "CC BY 4.0" in readme
    assert "GSMA" in readme and "Restricted" in readme
    # Every source flagged `restricted` in indicators/sources.yaml is marked, with the rows to drop named.
    restricted = [line for line in readme.splitlines() if "**Restricted.**" in line]
    assert len(restricted) == 2
    assert any("`gsma_mci:`" in line for line in restricted) and any("`wb_data360_pch:`" in line for line in restricted)
    assert "Packet Clearing House" in readme.split("In short:")[1]
    assert "DuckDB 2.0" in readme and "older DuckDB" in readme


def test_refuses_a_non_empty_folder(built_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ExportTargetNotEmptyError, match="not empty"):
        export(built_db, out, progress=False)
    with pytest.raises(ExportTargetNotEmptyError, match="not a previous export"):
        export(built_db, out, progress=False, overwrite=True)  # never deletes a folder that is not an export
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        export(built_db, a_file, progress=False)


def test_exports_into_an_empty_folder_and_overwrites_a_previous_export(built_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    export(built_db, out, progress=False)
    first = (out / "datapackage.json").read_text()
    report = export(built_db, out, progress=False, overwrite=True)
    assert report.out_dir == out and (out / "observation.parquet").exists()
    assert json.loads((out / "datapackage.json").read_text())["resources"] == json.loads(first)["resources"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging or replaced folder left"


def failing_copy(fail_at: int, error: BaseException):
    calls = {"n": 0}
    real = export_module._copy

    def copy(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise error
        return real(*args, **kwargs)

    return copy


@pytest.mark.parametrize("error", [duckdb.IOException("IO Error: disk full"), KeyboardInterrupt()],
                         ids=["io-error", "ctrl-c"])
def test_a_failure_midway_leaves_no_partial_folder(built_db: Path, tmp_path: Path, monkeypatch,
                                                   error: BaseException) -> None:
    monkeypatch.setattr(export_module, "_copy", failing_copy(5, error))
    out = tmp_path / "out"
    with pytest.raises((ExportError, KeyboardInterrupt)) as caught:
        export(built_db, out, progress=False)
    if isinstance(error, duckdb.Error):
        assert isinstance(caught.value, ExportError) and "disk full" in str(caught.value)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "the hidden staging folder is removed too"


def test_a_failure_while_replacing_keeps_the_previous_export(built_db: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    export(built_db, out, progress=False)
    before = {p.name: sha256(p) for p in out.iterdir()}
    monkeypatch.setattr(export_module, "_copy", failing_copy(3, duckdb.IOException("IO Error: disk full")))
    with pytest.raises(ExportError):
        export(built_db, out, progress=False, overwrite=True)
    assert {p.name: sha256(p) for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftovers_of_a_killed_export_are_removed(built_db: Path, tmp_path: Path) -> None:
    dead = tmp_path / ".out.exporting-999999999"  # no such process
    dead.mkdir()
    (dead / "observation.parquet").write_bytes(b"half")
    alive = tmp_path / f".out.exporting-{os.getppid()}"  # a live process's folder is left alone
    alive.mkdir()
    export(built_db, tmp_path / "out", progress=False)
    assert not dead.exists() and alive.exists()


def test_views_and_other_schemas_are_found_in_the_catalog(built_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(built_db, db)
    with duckdb.connect(str(db)) as con:
        schema_views = con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()[0]
        con.execute("""CREATE VIEW latest_internet_use AS
                       SELECT iso3, max(year) AS year FROM observation
                       WHERE indicator_id = 'internet_use' GROUP BY iso3""")
        con.execute("CREATE SCHEMA extra")
        con.execute("CREATE TABLE extra.notes AS SELECT 1 AS id, 'ünïcode, \"quoted\"\nline' AS note")
    report = export(db, tmp_path / "out", progress=False)
    kinds = {t.name: t.kind for t in report.tables}
    assert kinds["latest_internet_use"] == "view" and kinds["extra.notes"] == "table"
    tables = catalog(db)
    for name in ("latest_internet_use", "extra.notes"):
        assert pq.read_table(tmp_path / "out" / f"{name}.parquet").num_rows == tables[name][2]
    assert read_csv(tmp_path / "out" / "extra.notes.csv").to_pydict()["note"] == ['ünïcode, "quoted"\nline']
    package = json.loads((tmp_path / "out" / "datapackage.json").read_text())
    assert package["database"]["views"] == schema_views + 1  # the schema's own views (schema.sql) and this one


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no database"):
        export(tmp_path / "missing.duckdb", tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()

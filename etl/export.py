"""`export`: every table and view of the database as Parquet and CSV, described by datapackage.json.

Why: the database is a DuckDB 2.0 file, which DuckDB 1.x and most other tools cannot open. The
Parquet copies (zstd) read anywhere (pandas/pyarrow, R arrow, Polars, Spark, any DuckDB); the CSV
copies read in anything at all. `datapackage.json` (Frictionless Tabular Data Package) gives each
file's columns, types, keys, row count, size and SHA-256, the licences and the sources; README.md
says in words which licence applies to what.

Tables and views are discovered from DuckDB's catalog, so a table added to the schema is exported
without a change here. Files are written by DuckDB's own COPY from a read-only connection into a
hidden sibling folder that is renamed into place only when everything is written: a failed or
killed export never leaves a half-written output folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from tqdm import tqdm

from etl.errors import EtlError
from etl.publish import fsync_dir, resolve
from indicators import catalogue

STAGING_MARK = ".exporting-"
REPLACED_MARK = ".replaced-"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
CSV_MEDIATYPE = "text/csv"
# Licence titles as the `source` table spells them → SPDX identifiers (Frictionless `name`).
SPDX = {"CC BY 4.0": "CC-BY-4.0", "CC BY-NC-SA 3.0 IGO": "CC-BY-NC-SA-3.0-IGO"}


class ExportError(EtlError):
    """The export could not be written; the output folder is left as it was."""


class ExportTargetNotEmptyError(ExportError):
    """The output folder already holds files (and overwriting was not asked for, or is unsafe)."""


@dataclass(frozen=True)
class Relation:
    """A table or view found in the catalog."""

    schema: str
    name: str
    kind: str  # 'table' or 'view'

    @property
    def sql_name(self) -> str:
        return f"{_quote_identifier(self.schema)}.{_quote_identifier(self.name)}"

    @property
    def stem(self) -> str:
        """File name without extension: the bare name in `main`, schema-qualified elsewhere; never a path."""
        label = self.name if self.schema == "main" else f"{self.schema}.{self.name}"
        return re.sub(r"[^A-Za-z0-9_.-]", "_", label).lstrip(".") or "unnamed"


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str
    nullable: bool


@dataclass(frozen=True)
class TableExport:
    """One exported table or view."""

    name: str
    kind: str
    rows: int
    columns: list[str]
    parquet_bytes: int
    csv_bytes: int


@dataclass(frozen=True)
class ExportReport:
    out_dir: Path
    tables: list[TableExport]
    licenses: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.out_dir.iterdir() if path.is_file())


# ---------------------------------------------------------------------------------------------------------------------
# Public entry point


def export(db_path: Path, out_dir: Path, *, progress: bool = True, overwrite: bool = False) -> ExportReport:
    """Write every table and view of `db_path` into `out_dir` as Parquet + CSV, with datapackage.json and README.md.

    Refuses a non-empty `out_dir` unless `overwrite=True`, and even then replaces only a folder that holds a
    previous export (it has a datapackage.json), so a mistyped path never deletes someone's files.
    """
    started = time.perf_counter()
    db_path, out_dir = resolve(Path(db_path)), Path(out_dir)  # one version throughout, even if a build publishes
    if not db_path.is_file():
        raise ExportError(f"{db_path}: no database; run `python -m etl build` first")
    _check_target(out_dir, overwrite)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out_dir)
    staging = out_dir.with_name(f".{out_dir.name}{STAGING_MARK}{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        tables, licenses = _write_all(db_path, staging, progress)
        _publish(staging, out_dir)
    except BaseException as exc:  # KeyboardInterrupt too: never leave the staging folder behind
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, duckdb.Error):
            raise ExportError(f"{db_path}: export failed: {_first_line(exc)}") from exc
        if isinstance(exc, OSError) and not isinstance(exc, EtlError):
            raise ExportError(f"{out_dir}: export failed: {exc}") from exc
        raise
    return ExportReport(out_dir=out_dir, tables=tables, licenses=licenses, seconds=time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------------------------------
# Target folder handling


def _check_target(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir}: exists and is not a folder")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if not overwrite:
        raise ExportTargetNotEmptyError(
            f"{out_dir}: folder is not empty; choose a new or empty folder, "
            "or --overwrite to replace a previous export")
    if not (out_dir / "datapackage.json").is_file():
        raise ExportTargetNotEmptyError(
            f"{out_dir}: not a previous export (no datapackage.json), so it is not replaced even with --overwrite")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_staging(out_dir: Path) -> None:
    """Delete folders left by exports that were killed (their process is gone)."""
    for mark in (STAGING_MARK, REPLACED_MARK):
        for path in out_dir.parent.glob(f".{_glob_escape(out_dir.name)}{mark}*"):
            pid_text = path.name.rsplit(mark, 1)[1]
            if pid_text.isdigit() and not _pid_alive(int(pid_text)):
                shutil.rmtree(path, ignore_errors=True)


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _publish(staging: Path, out_dir: Path) -> None:
    """Rename the finished folder into place (over an empty folder, or swapping out a previous export)."""
    fsync_dir(staging)
    if out_dir.is_dir() and any(out_dir.iterdir()):
        old = out_dir.with_name(f".{out_dir.name}{REPLACED_MARK}{os.getpid()}")
        os.replace(out_dir, old)
        try:
            os.replace(staging, out_dir)
        except BaseException:
            os.replace(old, out_dir)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out_dir)  # rename(2) replaces an empty folder in one step
    fsync_dir(out_dir.parent)


# ---------------------------------------------------------------------------------------------------------------------
# Writing


def _write_all(db_path: Path, staging: Path, progress: bool) -> tuple[list[TableExport], list[dict]]:
    # A plain read-only connection and no SET: settings such as TimeZone are global to a DuckDB instance,
    # which the same process (the dashboard) may share.
    with duckdb.connect(str(db_path), read_only=True) as con:
        relations = list_relations(con)
        if not any(rel.name == "source" and rel.kind == "table" for rel in relations):
            raise ExportError(f"{db_path}: no `source` table, so the licences cannot be stated; not exporting")
        keys = _constraints(con)
        used_stems: set[str] = set()
        exports, resources = [], []
        for relation in tqdm(relations, desc="export", unit="table", disable=not progress, leave=False):
            stem = relation.stem
            if stem in used_stems:  # two names differing only in unsafe characters
                stem = f"{stem}_{len(used_stems)}"
            used_stems.add(stem)
            columns = _columns(con, relation)
            table_export, table_resources = _export_relation(con, relation, stem, columns, keys, staging)
            exports.append(table_export)
            resources += table_resources
        sources = _rows(con, "SELECT * FROM main.source ORDER BY source_id")
        licenses = _licenses(sources)
        rows_by_licence = _rows_by_licence(con, relations)
        package = _datapackage(db_path, con, licenses, sources, resources, exports)
        (staging / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
        (staging / "README.md").write_text(_readme(db_path, con, exports, licenses, sources, rows_by_licence),
                                           encoding="utf-8")
    return exports, licenses


def list_relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """Every user table and view of the connection's database (not DuckDB's own, not temporary ones)."""
    rows = con.execute("""
        SELECT schema_name, table_name, 'table' FROM duckdb_tables()
        WHERE database_name = current_database() AND NOT internal AND NOT temporary
        UNION ALL
        SELECT schema_name, view_name, 'view' FROM duckdb_views()
        WHERE database_name = current_database() AND NOT internal AND NOT temporary
        ORDER BY 1, 2
    """).fetchall()
    return [Relation(schema, name, kind) for schema, name, kind in rows]


def _columns(con: duckdb.DuckDBPyConnection, relation: Relation) -> list[Column]:
    rows = con.execute("""
        SELECT column_name, data_type, is_nullable FROM duckdb_columns()
        WHERE database_name = current_database() AND schema_name = ? AND table_name = ?
        ORDER BY column_index
    """, [relation.schema, relation.name]).fetchall()
    return [Column(name, data_type, bool(nullable)) for name, data_type, nullable in rows]


def _constraints(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """Primary and foreign keys per (schema, table), for the Table Schema of each resource."""
    keys: dict[tuple[str, str], dict] = {}
    for schema, table, kind, names, ref_table, ref_names in con.execute("""
        SELECT schema_name, table_name, constraint_type, constraint_column_names,
               referenced_table, referenced_column_names
        FROM duckdb_constraints()
        WHERE database_name = current_database() AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
        ORDER BY schema_name, table_name, constraint_index
    """).fetchall():
        entry = keys.setdefault((schema, table), {"primary": [], "foreign": []})
        if kind == "PRIMARY KEY":
            entry["primary"] = list(names)
        else:
            entry["foreign"].append((list(names), Relation(schema, ref_table, "table"), list(ref_names)))
    return keys


def _csv_expression(column: Column) -> str:
    """How a column is written to CSV so that the Table Schema type holds for the text."""
    name, kind = _quote_identifier(column.name), column.duckdb_type.upper()
    if kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION")):
        return f"to_json({name}) AS {name}"  # Table Schema `array`/`object` are JSON text
    if kind in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        # Explicitly in UTC: the session TimeZone is instance-global and left alone.
        return f"strftime(timezone('UTC', {name}), '%Y-%m-%dT%H:%M:%S.%fZ') AS {name}"
    if kind.startswith("TIMESTAMP"):
        return f"strftime({name}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%f') AS {name}"
    if kind == "BLOB":
        return f"base64({name}) AS {name}"
    return name


def _copy(con: duckdb.DuckDBPyConnection, select_sql: str, path: Path, options: str) -> int:
    """One DuckDB COPY; returns the rows written. (A separate function so a test can make it fail midway.)"""
    row = con.execute(f"COPY ({select_sql}) TO {_quote_literal(str(path))} ({options})").fetchone()
    return int(row[0]) if row else 0


def _export_relation(con: duckdb.DuckDBPyConnection, relation: Relation, stem: str, columns: list[Column],
                     keys: dict, staging: Path) -> tuple[TableExport, list[dict]]:
    parquet_path, csv_path = staging / f"{stem}.parquet", staging / f"{stem}.csv"
    parquet_rows = _copy(con, f"SELECT * FROM {relation.sql_name}", parquet_path, "FORMAT parquet, COMPRESSION zstd")
    csv_select = ", ".join(_csv_expression(column) for column in columns) or "*"
    csv_rows = _copy(con, f"SELECT {csv_select} FROM {relation.sql_name}", csv_path, "FORMAT csv, HEADER true")
    if parquet_rows != csv_rows:
        raise ExportError(f"{relation.name}: {parquet_rows} rows went to Parquet but {csv_rows} to CSV")
    table_keys = keys.get((relation.schema, relation.name), {"primary": [], "foreign": []})
    resources = []
    for fmt, path in (("parquet", parquet_path), ("csv", csv_path)):
        resource = {
            "name": _resource_name(stem, fmt),
            "title": f"{relation.name} ({relation.kind})",
            "profile": "tabular-data-resource",
            "path": path.name,
            "format": fmt,
            "mediatype": PARQUET_MEDIATYPE if fmt == "parquet" else CSV_MEDIATYPE,
            **({"encoding": "utf-8", "dialect": {"delimiter": ",", "header": True, "quoteChar": '"'}}
               if fmt == "csv" else {}),
            "bytes": path.stat().st_size,
            "hash": f"sha256:{_sha256(path)}",
            "rows": parquet_rows,
            "schema": _table_schema(columns, table_keys, fmt),
        }
        resources.append(resource)
    table_export = TableExport(name=stem, kind=relation.kind, rows=parquet_rows, columns=[c.name for c in columns],
                               parquet_bytes=parquet_path.stat().st_size, csv_bytes=csv_path.stat().st_size)
    return table_export, resources


# ---------------------------------------------------------------------------------------------------------------------
# datapackage.json


def frictionless_type(duckdb_type: str) -> tuple[str, str | None]:
    """Table Schema type (and format) for a DuckDB type name."""
    kind = duckdb_type.upper()
    if kind.endswith("]"):
        return "array", None
    base = kind.split("(", 1)[0].strip()
    if base in ("STRUCT", "MAP", "UNION", "JSON"):
        return "object", None
    if base in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                "UBIGINT", "UHUGEINT"):
        return "integer", None
    if base in ("FLOAT", "DOUBLE", "DECIMAL", "REAL"):
        return "number", None
    if base == "BOOLEAN":
        return "boolean", None
    if base == "DATE":
        return "date", None
    if base.startswith("TIMESTAMP"):
        return "datetime", None
    if base.startswith("TIME"):
        return "time", None
    if base == "INTERVAL":
        return "duration", None
    if base == "UUID":
        return "string", "uuid"
    if base == "BLOB":
        return "string", "binary"
    if base in ("VARCHAR", "ENUM") or base.startswith("ENUM"):
        return "string", None
    return "any", None


def _table_schema(columns: list[Column], keys: dict, fmt: str) -> dict:
    fields = []
    for column in columns:
        kind, type_format = frictionless_type(column.duckdb_type)
        entry: dict = {"name": column.name, "type": kind, "duckdbType": column.duckdb_type}
        if type_format:
            entry["format"] = type_format
        if not column.nullable:
            entry["constraints"] = {"required": True}
        fields.append(entry)
    schema: dict = {"fields": fields}
    if fmt == "csv":
        schema["missingValues"] = [""]
    if keys["primary"]:
        schema["primaryKey"] = keys["primary"]
    if keys["foreign"]:
        schema["foreignKeys"] = [
            {"fields": names, "reference": {"resource": _resource_name(ref.stem, fmt), "fields": ref_names}}
            for names, ref, ref_names in keys["foreign"]
        ]
    return schema


def _resource_name(stem: str, fmt: str) -> str:
    # Frictionless names: lower case letters, digits and -._/ ; one per file, so the format is part of it.
    return re.sub(r"[^a-z0-9._-]", "-", f"{stem}-{fmt}".lower())


def _licenses(sources: list[dict]) -> list[dict]:
    """Distinct licences of the `source` rows, each once per (title, URL) as the table states them."""
    seen: dict[tuple[str, str], dict] = {}
    for source in sources:
        key = _licence_key(source)
        if not key[0] or key in seen:
            continue
        title, url = key
        entry: dict = {"title": title}
        # Frictionless needs a `name` or a `path`: the SPDX id where there is one, else the URL, else a slug.
        if title in SPDX:
            entry["name"] = SPDX[title]
        if url:
            entry["path"] = url
        elif "name" not in entry:
            entry["name"] = _slug(title)
        seen[key] = entry
    return sorted(seen.values(), key=lambda item: (item["title"], item.get("path", "")))


def _licence_key(source: dict) -> tuple[str, str]:
    return source.get("license") or "", source.get("license_url") or ""


def _datapackage(db_path: Path, con: duckdb.DuckDBPyConnection, licenses: list[dict], sources: list[dict],
                 resources: list[dict], exports: list[TableExport]) -> dict:
    version = con.execute("SELECT version()").fetchone()[0]
    return {
        "profile": "tabular-data-package",
        "name": "digital-divide-indicators",
        "title": "Digital divide indicators (WSIS+20 review)",
        "description": ("Public connectivity, affordability and gender-gap indicators harmonised to the World "
                        "Bank's economies: every table and view of the DuckDB database, as Parquet (zstd) and CSV. "
                        "Licences differ by source: every data row carries a source_id; see README.md."),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": licenses,
        "sources": [
            {"title": f"{s['publisher']}: {s['dataset']}", **({"path": s["url"]} if s.get("url") else {}),
             "source_id": s["source_id"], "publisher": s["publisher"], "dataset": s["dataset"],
             "attribution": s["attribution"], "license": s["license"],
             **({"vintage": str(s["vintage"])} if s.get("vintage") else {})}
            for s in sources
        ],
        "database": {"file": db_path.name, "sha256": _sha256(db_path), "duckdb_version": version,
                     "tables": len([e for e in exports if e.kind == "table"]),
                     "views": len([e for e in exports if e.kind == "view"])},
        "resources": resources,
    }


# ---------------------------------------------------------------------------------------------------------------------
# README.md


def _restricted(sources: list[dict]) -> dict[str, str]:
    """dataset key → why its terms do not grant redistribution, for the sources flagged `restricted`
    (indicators/sources.yaml)."""
    known = catalogue().sources
    return {s["dataset_key"]: known[s["dataset_key"]].restricted for s in sources
            if s["dataset_key"] in known and known[s["dataset_key"]].restricted}


def _licence_note(title: str, own: list[dict]) -> str:
    restricted = _restricted(own)
    if restricted:
        prefixes = ", ".join(f"`{key}:`" for key in sorted(restricted))
        return (f"**Restricted.** Not an open licence: {' '.join(sorted(set(restricted.values())))} Check the "
                f"publisher's terms before you publish anything containing these rows, or drop the rows whose "
                f"`source_id` starts with {prefixes}.")
    if title.startswith("CC BY-NC-SA"):
        return ("Non-commercial use only; adaptations must be shared under the same licence; credit the "
                "publisher (ITU data).")
    if title.startswith("CC BY "):
        return "Free re-use, commercial included, with attribution (World Bank data)."
    return "Re-use on the publisher's terms: follow the link."


def _readme(db_path: Path, con: duckdb.DuckDBPyConnection, exports: list[TableExport], licenses: list[dict],
            sources: list[dict], rows_by_licence: dict[str, dict[str, int]]) -> str:
    version = con.execute("SELECT version()").fetchone()[0]
    lines = [
        "# Digital divide indicators: export",
        "",
        f"Exported from `{db_path.name}` (DuckDB {version}) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by "
        "`python -m etl export`.",
        "",
        "Every table and view of the database is here twice: `<name>.parquet` (Parquet, zstd) and `<name>.csv` "
        "(UTF-8, comma-separated, header row; an empty field is NULL, lists are JSON arrays, timestamps ISO 8601 "
        "in UTC). `datapackage.json` (Frictionless Tabular Data Package) describes every file: columns and types, "
        "keys, row count, size and SHA-256, and the licences and sources below.",
        "",
        "**Why Parquet:** the database is a DuckDB 2.0 file, and DuckDB 2.0 files cannot be read by older DuckDB "
        "versions (1.x) or by other tools. The Parquet files open in pandas/pyarrow, R (`arrow::read_parquet`), "
        "Polars, Spark and any DuckDB version (`SELECT * FROM 'observation.parquet'`).",
        "",
        "| file | kind | rows | columns |",
        "|---|---|---:|---:|",
        *(f"| `{e.name}` | {e.kind} | {e.rows:,} | {len(e.columns)} |" for e in exports),
        "",
        "## Licences",
        "",
        "The data are not under one licence. Every data row carries a `source_id`; `source.csv` gives the publisher, "
        "licence and attribution of each, to reproduce in anything you publish.",
        "",
    ]
    for licence in licenses:
        title = licence["title"]
        key = (title, licence.get("path", ""))
        own = [s for s in sources if _licence_key(s) == key]
        link = f" (<{licence['path']}>)" if licence.get("path") else ""
        lines.append(f"- **{title}**{link}. {_licence_note(title, own)}")
        source_ids = ", ".join(f"`{s['source_id']}`" for s in own)
        lines.append(f"  Sources: {source_ids}.")
        counts = rows_by_licence.get(key, {})
        if counts:
            lines.append("  Rows: " + ", ".join(f"{table} {n:,}" for table, n in counts.items() if n) + ".")
    lines += [
        "",
        "In short: ITU data are CC BY-NC-SA 3.0 IGO (non-commercial, share-alike); World Bank data are CC BY 4.0"
        + "".join(sorted({f"; {s['attribution']} data are restricted (see above)" for s in sources
                          if s["dataset_key"] in _restricted(sources)})) + ".",
        "",
    ]
    return "\n".join(lines)


def _rows_by_licence(con: duckdb.DuckDBPyConnection,
                     relations: list[Relation]) -> dict[tuple[str, str], dict[str, int]]:
    """Rows per licence in each table that carries a source_id (the `source` table itself aside)."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for relation in relations:
        if relation.kind != "table" or relation.name == "source" or relation.schema != "main":
            continue
        if "source_id" not in {c.name for c in _columns(con, relation)}:
            continue
        for licence, url, n in con.execute(f"""
            SELECT s.license, coalesce(s.license_url, ''), count(*)
            FROM {relation.sql_name} t JOIN main.source s USING (source_id)
            GROUP BY ALL
        """).fetchall():
            counts.setdefault((licence, url), {})[relation.name] = n
    return counts


# ---------------------------------------------------------------------------------------------------------------------
# Small helpers


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "licence"


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


__all__ = ["ExportError", "ExportReport", "ExportTargetNotEmptyError", "TableExport", "export",
           "frictionless_type", "list_relations"]

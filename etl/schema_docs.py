"""The schema's documentation lives in etl/schema.sql (a comment per table and per column); the build
stores it in the database (COMMENT ON), and the table reference in docs/schema.md is generated from
the database, so the docs cannot drift from what a researcher opens (tests/etl/test_schema_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
SCHEMA_MD = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
START, END = "<!-- schema:start -->", "<!-- schema:end -->"
TABLE = re.compile(r"^CREATE TABLE (\w+) \(\s*(?:--\s*(.*))?$")
COLUMN = re.compile(r"^\s{4}(\w+)\s+[A-Z][^-]*?(?:--\s*(.*))?$")
CONTINUATION = re.compile(r"^\s{8,}--\s*(.*)$")
VIEW = re.compile(r"^CREATE VIEW (\w+) AS\s*(?:--\s*(.*))?$")
VIEW_BASE = re.compile(r"\bFROM (\w+)")


def parse_comments(sql: str | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """{table or view: (its comment, {column: comment})} from schema.sql's comments.

    A table's comment is the `--` text after `CREATE TABLE x (`; a column's is the `--` text at the end
    of its line, continued by indented comment-only lines below it. A view's comment is the `--` text after
    `CREATE VIEW x AS`; its columns are those of the table it selects FROM (a view of the schema is a
    predicate over one table, `SELECT *`), with that table's comments.
    """
    tables: dict[str, tuple[str, dict[str, str]]] = {}
    table, column, view = None, None, None
    for line in (sql or SCHEMA_SQL.read_text(encoding="utf-8")).splitlines():
        if match := TABLE.match(line):
            table, column = match.group(1), None
            tables[table] = (match.group(2) or "", {})
        elif match := VIEW.match(line):
            view = match.group(1)
            tables[view] = (match.group(2) or "", {})
        elif view and (match := VIEW_BASE.search(line)):
            tables[view][1].update(tables.get(match.group(1), ("", {}))[1])
            view = None
        elif table and line.startswith(")"):
            table, column = None, None
        elif table and (match := CONTINUATION.match(line)) and column:
            columns = tables[table][1]
            columns[column] = f"{columns[column]} {match.group(1)}".strip()
        elif table and (match := COLUMN.match(line)) and match.group(1) != "PRIMARY":
            column = match.group(1)
            tables[table][1][column] = (match.group(2) or "").strip()
    return tables


def view_names(sql: str | None = None) -> set[str]:
    return {match.group(1) for line in (sql or SCHEMA_SQL.read_text(encoding="utf-8")).splitlines()
            if (match := VIEW.match(line))}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Store the comments in the database, where `duckdb_tables()` and `duckdb_columns()` show them."""
    views = view_names()
    for table, (comment, columns) in parse_comments().items():
        con.execute(f"COMMENT ON {'VIEW' if table in views else 'TABLE'} {table} IS {_quote(comment)}")
        for column, text in columns.items():
            con.execute(f"COMMENT ON COLUMN {table}.{column} IS {_quote(text)}")


def render(con: duckdb.DuckDBPyConnection) -> str:
    """Markdown: every table and view, its row count, and each column with its type and meaning."""
    parts = []
    objects = con.execute("""
        SELECT table_name, comment, 'table' FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'
        UNION ALL
        SELECT view_name, comment, 'view' FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'
        ORDER BY 1""").fetchall()
    for name, comment, kind in objects:
        parts.append(f"#### `{name}`{' (view)' if kind == 'view' else ''}\n\n{comment or ''}\n")
        parts.append("| column | type | meaning |\n|---|---|---|")
        for column, data_type, text in con.execute("""SELECT column_name, data_type, comment FROM duckdb_columns()
                WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index""", [name]).fetchall():
            parts.append(f"| `{column}` | {data_type} | {(text or '').replace('|', '/')} |")
        parts.append("")
    return "\n".join(parts).strip() + "\n"


def generated_section(doc: Path = SCHEMA_MD) -> str:
    """The generated part of `doc`: what lies between its START and END markers."""
    text = doc.read_text(encoding="utf-8")
    return text.split(START, 1)[1].split(END, 1)[0].strip() + "\n"


def write_section(con: duckdb.DuckDBPyConnection, doc: Path = SCHEMA_MD) -> None:
    """Replace the generated part of `doc` with render(con); the hand-written text around it stays."""
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    doc.write_text(f"{head}{START}\n{render(con)}{END}{tail}", encoding="utf-8")

"""docs/schema.md's table reference is the database's own: regenerate-and-compare, and no silent column."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import schema_docs


@pytest.fixture(scope="module")
def con(built_db: Path):
    with duckdb.connect(str(built_db), read_only=True) as connection:
        yield connection


def test_schema_doc_matches_the_database(con) -> None:
    assert schema_docs.generated_section() == schema_docs.render(con), (
        "docs/schema.md's table reference is out of date: run `python -m etl docs --db <a fresh build>`")


def test_the_generated_section_is_replaced_and_the_prose_kept(con, tmp_path: Path) -> None:
    """`etl docs` rewrites only what lies between the markers: a stale section is replaced, the text around stays."""
    doc = tmp_path / "schema.md"
    doc.write_text(f"# Intro\n\n{schema_docs.START}\nstale\n{schema_docs.END}\n\nAfter.\n", encoding="utf-8")
    schema_docs.write_section(con, doc)
    assert schema_docs.generated_section(doc) == schema_docs.render(con)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Intro\n") and text.endswith("\nAfter.\n") and "stale" not in text


def test_every_table_and_column_is_documented(con) -> None:
    undocumented = con.execute("""
        SELECT table_name || '.' || column_name FROM duckdb_columns()
        WHERE schema_name = 'main' AND NOT internal AND coalesce(comment, '') = ''""").fetchall()
    assert undocumented == []
    tables = con.execute("""SELECT table_name FROM duckdb_tables()
        WHERE schema_name = 'main' AND coalesce(comment, '') = ''""").fetchall()
    assert tables == []


def test_a_new_undocumented_column_would_fail(tmp_path: Path) -> None:
    """The parser sees a column without a comment, so the test above cannot pass by accident."""
    sql = "CREATE TABLE t (  -- a table\n    a INTEGER,  -- documented\n    b INTEGER\n);\n"
    assert schema_docs.parse_comments(sql) == {"t": ("a table", {"a": "documented", "b": ""})}


def test_a_view_takes_its_comment_and_its_table_columns() -> None:
    """A view of the schema (a predicate over one table) is documented like a table: its own comment, and the
    columns of the table it selects from, with their comments."""
    sql = ("CREATE TABLE t (  -- a table\n    a INTEGER,  -- documented\n);\n"
           "CREATE VIEW t_one AS  -- rows of t where a is 1\n    SELECT * FROM t WHERE a = 1;\n")
    assert schema_docs.parse_comments(sql)["t_one"] == ("rows of t where a is 1", {"a": "documented"})
    assert schema_docs.view_names(sql) == {"t_one"}


def test_every_view_is_documented(con) -> None:
    views = con.execute("""SELECT view_name FROM duckdb_views()
        WHERE schema_name = 'main' AND NOT internal AND coalesce(comment, '') = ''""").fetchall()
    assert views == []
    assert {"observation_total", "group_aggregate_total"} <= {row[0] for row in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}

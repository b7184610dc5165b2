"""The versioned publish layout (etl/publish.py): a symlink switched by rename, the last two versions kept."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from dashboard.sql_sandbox import run_query
from etl import publish
from etl.status import status
from tests.conftest import run_etl


def finished(target: Path, label: str) -> Path:
    """A staging file for `target` holding one row naming `label`."""
    staging = publish.staging_path(target)
    with duckdb.connect(str(staging)) as con:
        con.execute("CREATE TABLE t AS SELECT ? AS label", [label])
    return staging


def label(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT label FROM t").fetchone()[0]


def test_each_publish_is_a_new_file_behind_the_link_and_two_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "digital_divide.duckdb"
    first = publish.publish(finished(target, "one"), target, "a" * 32)
    assert target.is_symlink() and os.readlink(target) == first.name  # relative: the folder can move
    assert publish.resolve(target) == first and label(target) == "one"
    held = open(first, "rb")  # noqa: SIM115 - a reader that has the first version open
    second = publish.publish(finished(target, "two"), target, "b" * 32)
    third = publish.publish(finished(target, "three"), target, "c" * 32)
    assert publish.resolve(target) == third and label(target) == "three"
    assert publish.versions(target) == [second, third]  # the one just replaced is kept, older ones go
    assert not first.exists() and held.read(16)  # …but a reader holding it still reads it
    held.close()
    assert publish.logical_stem(third) == "digital_divide" == publish.logical_stem(target)
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name or ".link-" in p.name]


def test_a_plain_file_is_its_own_version_and_is_kept_when_replaced(tmp_path: Path) -> None:
    target = tmp_path / "digital_divide.duckdb"
    with duckdb.connect(str(target)) as con:
        con.execute("CREATE TABLE t AS SELECT 'plain' AS label")
    assert publish.resolve(target) == target
    new = publish.publish(finished(target, "new"), target, "d" * 32)
    assert publish.resolve(target) == new and label(target) == "new"
    assert label(target.with_name("digital_divide.previous.duckdb")) == "plain"


def test_readers_resolve_the_link(built_db: Path, tmp_path: Path) -> None:
    """The SQL sandbox names the database as before (`digital_divide.…`), status reads the current version."""
    target = tmp_path / "digital_divide.duckdb"
    staging = publish.staging_path(target)
    os.link(publish.resolve(built_db), staging)  # built_db is itself a link to its version
    publish.publish(staging, target, "e" * 32)
    result = run_query("SELECT count(*) AS n FROM digital_divide.country", target)
    assert result.rows["n"][0] >= 200
    coverage, runs = status(target)
    assert len(coverage) and len(runs)


def test_a_failed_build_leaves_the_link_and_every_version_untouched(tmp_path: Path) -> None:
    target = tmp_path / "digital_divide.duckdb"
    publish.publish(finished(target, "one"), target, "a" * 32)
    current = publish.publish(finished(target, "two"), target, "b" * 32)
    before = {p.name: p.read_bytes() for p in publish.versions(target)}
    (tmp_path / "empty").mkdir()
    result = run_etl("build", "--raw-dir", str(tmp_path / "empty"), "--db", str(target), "--quiet")
    assert result.returncode != 0
    assert publish.resolve(target) == current and label(target) == "two"
    assert {p.name: p.read_bytes() for p in publish.versions(target)} == before

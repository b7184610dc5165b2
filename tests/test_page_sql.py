"""The /sql page: the sandbox behind a textarea, in the URL, and safe for everyone else meanwhile."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import pytest

import app  # noqa: F401  (registers the pages, as gunicorn does)
from dashboard.pages import sql as sql_page

RUNAWAY = "SELECT count(*) FROM range(1000000000) a, range(1000) b"


@pytest.fixture
def db(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DDI_DB", str(built_db))
    return built_db


def test_a_select_returns_rows_and_a_shareable_query(db: Path) -> None:
    status, table, query = sql_page.execute("SELECT iso3 FROM country WHERE is_ldc ORDER BY 1")
    assert status.startswith("44 rows")
    assert "sql=SELECT" in query
    assert "AFG" in str(table)


@pytest.mark.parametrize("hostile", ["COPY country TO '/tmp/x.csv'", "DROP TABLE country",
                                     "SELECT * FROM read_csv('/etc/passwd')", "SELECT 1; DROP TABLE country"])
def test_hostile_input_is_refused_with_a_reason(db: Path, hostile: str) -> None:
    status, _, _ = sql_page.execute(hostile)
    assert status.startswith("Not run:")
    assert "root:" not in status  # nothing of /etc/passwd leaks


def test_long_or_unknown_url_queries_fall_back_with_a_notice() -> None:
    notices: list[str] = []
    assert sql_page.initial_sql({"sql": "x" * 20_000}, notices) == sql_page.EXAMPLE_QUERIES[
        sql_page.DEFAULT_EXAMPLE].strip()
    assert sql_page.initial_sql({"example": "nope"}, notices)
    assert len(notices) == 2


@pytest.mark.browser
def test_sql_page_runs_a_query_and_keeps_serving_others(open_page, app_url: str) -> None:
    record = open_page("/sql?sql=" + quote("SELECT name FROM country WHERE iso3 = 'NOR'"))
    page = record.page
    page.wait_for_function("() => document.querySelector('#sql-status')?.textContent.includes('rows')")
    page.wait_for_selector("#sql-result table", timeout=30_000)  # the grid's renderer loads on first use
    assert "Norway" in page.locator("#sql-result").inner_text()
    page.fill("#sql-text", "COPY country TO '/tmp/x.csv'")
    page.click("#sql-run")
    page.wait_for_function("() => document.querySelector('#sql-status').textContent.startsWith('Not run')")
    assert "COPY" in page.locator("#sql-status").inner_text()
    assert "COPY" in page.url  # the shared link carries the query
    # A runaway query in one tab; another user's page still loads meanwhile.
    page.fill("#sql-text", RUNAWAY)
    page.click("#sql-run")
    started = time.monotonic()
    other = open_page("/explore")
    other.page.wait_for_selector("#explore-map path.choroplethlocation", state="attached", timeout=30_000)
    assert time.monotonic() - started < 5  # before the runaway's 5 s limit
    page.wait_for_function("() => document.querySelector('#sql-status').textContent.includes('time limit')",
                           timeout=20_000)
    assert record.errors == [] and other.errors == []
    assert not Path("/tmp/x.csv").exists() or Path("/tmp/x.csv").stat().st_mtime < started - 60

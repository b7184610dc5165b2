"""The query layer is the only place SQL is written on the serving side: pages hold layout and callbacks, figures
draw, and both read through dashboard/queries (which runs everything through dashboard/data.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

DASHBOARD = PROJECT_ROOT / "dashboard"
# Modules that must hold no SQL: every page, every figure module, and the modules pages lean on for state.
NO_SQL = sorted([*DASHBOARD.glob("pages/*.py"), *DASHBOARD.glob("figures*.py"), DASHBOARD / "chart_style.py",
                 DASHBOARD / "downloads.py", DASHBOARD / "data_selection.py", DASHBOARD / "data_files.py",
                 DASHBOARD / "target_status.py"])
# A call that runs SQL, or SQL itself: a SELECT … FROM, or a WHERE on the breakdown columns.
SQL = re.compile(r"data\.query(?:_uncached)?\(|\bquery_uncached\(|\bSELECT\b[\s\S]{0,400}?\bFROM\b|"
                 r"\b(?:sex|area|age)\s*=\s*'total'|duckdb\.connect\(")
TOTALS_ONLY = re.compile(r"sex\s*=\s*'total'\s+AND\s+\w*\.?area\s*=\s*'total'\s+AND\s+\w*\.?age\s*=\s*'total'")


def offending_lines(path: Path, pattern: re.Pattern) -> list[str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path.name
    return [f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)[:60]}"
            for match in pattern.finditer(text)]


@pytest.mark.parametrize("path", NO_SQL, ids=lambda path: str(path.relative_to(DASHBOARD)))
def test_pages_and_figures_hold_no_sql(path: Path) -> None:
    assert offending_lines(path, SQL) == [], "move the query into dashboard/queries"


def test_the_check_would_catch_a_query_in_a_page(tmp_path: Path) -> None:
    """The pattern finds the forms SQL took in the pages before the query layer (so the test above can fail)."""
    page = tmp_path / "page.py"
    page.write_text('rows = data.query("""\n    SELECT iso3, value\n    FROM observation WHERE x""")\n'
                    "TOTAL = \"sex = 'total' AND area = 'total' AND age = 'total'\"\n", encoding="utf-8")
    assert len(offending_lines(page, SQL)) == 5  # the call, the SELECT … FROM and the three breakdown columns
    assert len(offending_lines(page, TOTALS_ONLY)) == 1


def test_the_totals_only_predicate_is_a_view_not_a_string() -> None:
    """'No breakdown' is written once, as the views of etl/schema.sql; the serving side and the benchmarks use them."""
    files = [*DASHBOARD.rglob("*.py"), *(PROJECT_ROOT / "benchmarks").glob("*.py")]
    found = [line for path in files if path.name != "sql_sandbox.py"  # its examples teach researchers plain SQL
             for line in offending_lines(path, TOTALS_ONLY)]
    assert found == []
    schema = (PROJECT_ROOT / "etl" / "schema.sql").read_text(encoding="utf-8")
    assert len(TOTALS_ONLY.findall(schema)) == 3  # observation_total, group_aggregate_total, published_aggregate_total


def test_only_the_query_layer_and_data_module_run_queries() -> None:
    runners = sorted(str(path.relative_to(PROJECT_ROOT)) for path in DASHBOARD.rglob("*.py")
                     if re.search(r"data\.query(?:_uncached)?\(", path.read_text(encoding="utf-8")))
    assert runners and all(path.startswith("dashboard/queries/") for path in runners), runners


# What would put words into the query layer's results: the translations, the request's language, Babel.
WORDS = re.compile(r"^\s*(?:from|import)\s+(?:dashboard\.)?(?:i18n|localized|formatting)\b|"
                   r"from dashboard import [^\n]*\b(?:i18n|localized|formatting)\b|\bbabel\b|\bgettext\(",
                   re.MULTILINE)


@pytest.mark.parametrize("path", sorted(DASHBOARD.glob("queries/*.py")), ids=lambda path: path.name)
def test_the_query_layer_holds_no_words_and_keeps_its_results_for_every_language(path: Path) -> None:
    """What the queries build is shared by the six languages (data.per_version_all_languages): so they must not
    read the request's language or translate, and each keeps its builds once for all languages (keyed by language
    too, six copies overflowed the cache, which then rebuilt them at every turn)."""
    assert offending_lines(path, WORDS) == []
    assert offending_lines(path, re.compile(r"@data\.per_version\n")) == []


def test_the_words_check_would_catch_a_translated_query(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from dashboard import data, i18n\n\n\n@data.per_version\ndef f():\n    return 1\n")
    assert offending_lines(module, WORDS) and offending_lines(module, re.compile(r"@data\.per_version\n"))

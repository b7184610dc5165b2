"""The /indicator pages: a series' facts and coverage against the built database, the editions of the
publishers' world aggregates, the notice for an unknown id, and the header's search (in a browser, keyboard
only)."""

from __future__ import annotations

import re
from html import unescape

import duckdb
import pandas as pd
import pytest
import requests

import app  # noqa: F401  (registers the pages, as gunicorn does)
from dashboard import components, formatting, indicator_search
from dashboard.dash_boundary import HtmlBlock
from dashboard.pages import indicator as page
from dashboard.queries import indicator as queries
from tests.dashboard.dash_tree import walk

READY_MS = 60_000
TAGS = re.compile(r"<[^>]+>")


def page_text(tree) -> str:
    """Every text of a layout, HtmlBlocks' HTML included (tags dropped, entities decoded)."""
    parts = []
    for component in walk(tree):
        if isinstance(component, HtmlBlock):
            parts.append(unescape(TAGS.sub(" ", component.children or "")))
            continue
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, str | int | float):
                parts.append(str(child))
    return " ".join(" ".join(parts).split())


def by_id(tree, component_id: str):
    return next(component for component in walk(tree) if getattr(component, "id", None) == component_id)


def test_known_indicator_shows_definition_unit_licence_and_coverage(db: duckdb.DuckDBPyConnection) -> None:
    description, unit, licence, code = db.execute("""
        SELECT i.description, i.unit, s.license, i.source_code FROM indicator i JOIN source s USING (source_id)
        WHERE indicator_id = 'internet_use'""").fetchone()
    economies, years, first, last, values = db.execute("""
        SELECT count(DISTINCT iso3), count(DISTINCT year), min(year), max(year), count(*)
        FROM observation_total WHERE indicator_id = 'internet_use'""").fetchone()
    tree = page.layout("internet_use")
    text = page_text(tree)
    for expected in (description, unit, licence, code):
        assert expected in text
    coverage = page_text(by_id(tree, "indicator-coverage-summary"))
    assert f"{economies:,} economies × {years:,} years ({first}–{last}): {values:,} values" in coverage
    # The map's year and its count of reporting economies agree with the database.
    year, reporting, total = map(int, re.search(r"In (\d{4}), (\d+) of (\d+) economies report", coverage).groups())
    assert reporting == db.execute("SELECT count(DISTINCT iso3) FROM observation_total WHERE indicator_id = "
                                   "'internet_use' AND year = ?", [year]).fetchone()[0]
    assert total == db.execute("SELECT count(*) FROM country").fetchone()[0]
    assert first <= year <= last
    # Breakdowns, themes and targets come from their tables.
    women = db.execute("SELECT count(DISTINCT iso3) FROM observation WHERE indicator_id = 'internet_use' "
                       "AND sex = 'female'").fetchone()[0]
    assert re.search(rf"Sex female {women} \d{{4}}", page_text(by_id(tree, "indicator-breakdowns")))
    for (title,) in db.execute("SELECT t.title FROM indicator_theme JOIN theme t USING (theme_id) "
                               "WHERE indicator_id = 'internet_use'").fetchall():
        assert title in page_text(by_id(tree, "indicator-themes"))
    for (label,) in db.execute("SELECT label FROM target WHERE indicator_id = 'internet_use'").fetchall():
        assert label in page_text(by_id(tree, "indicator-targets"))
    hrefs = {component.href for component in walk(tree) if getattr(component, "href", None)}
    assert {"/explore?indicator=internet_use", "/data?indicator=internet_use"} <= hrefs


def test_every_indicator_page_builds(db: duckdb.DuckDBPyConnection) -> None:
    """Series without data, context series and series without editions build too (no 5xx for any id)."""
    for (indicator_id,) in db.execute("SELECT indicator_id FROM indicator").fetchall():
        text = page_text(page.layout(indicator_id))
        assert "Coverage" in text, indicator_id


def test_each_series_slice_of_the_whole_table_queries_is_its_own_query(db: duckdb.DuckDBPyConnection) -> None:
    """The sections read every series at once and split the rows per series (dashboard/queries/indicator.py):
    for every series, its slice equals the same section asked of the database for that series alone, and the
    map's reporters are those of the year the page names (page._map_year)."""
    for (indicator_id,) in db.execute("SELECT indicator_id FROM indicator").fetchall():
        sources = db.execute("""
            SELECT o.source_id, count(*) AS n FROM observation o JOIN source s USING (source_id)
            WHERE o.indicator_id = ? GROUP BY ALL ORDER BY n DESC, o.source_id""", [indicator_id]).fetchall()
        assert [(row.source_id, row.n_values) for row in queries.sources(indicator_id)] == sources
        per_year = db.execute("""SELECT year, count(DISTINCT iso3) FROM observation_total WHERE indicator_id = ?
                                 GROUP BY year ORDER BY year""", [indicator_id]).fetchall()
        assert [tuple(row) for row in queries.economies_per_year(indicator_id)] == per_year
        year = page._map_year(queries.economies_per_year(indicator_id))
        reporting = db.execute("""SELECT c.iso3 FROM observation_total o JOIN country c USING (iso3)
                                  WHERE o.indicator_id = ? AND o.year = ? ORDER BY c.name""",
                               [indicator_id, year]).fetchall()
        mapped = queries.map_reporters(indicator_id, page.MAP_MIN_SHARE)
        assert [(row.iso3,) for row in mapped] == reporting and {row.year for row in mapped} <= {year}
        parts = db.execute("""SELECT 'sex', sex, count(DISTINCT iso3) FROM observation WHERE indicator_id = ?
                              AND sex <> 'total' GROUP BY ALL ORDER BY 2""", [indicator_id]).fetchall()
        assert [tuple(row[:3]) for row in queries.breakdowns(indicator_id) if row.dimension == "sex"] == parts
        themes = db.execute("SELECT theme_id FROM indicator_theme WHERE indicator_id = ?", [indicator_id]).fetchall()
        assert sorted((row.theme_id,) for row in queries.indicator_themes(indicator_id)) == sorted(themes)
        targets = db.execute("SELECT target_id FROM target WHERE indicator_id = ? ORDER BY deadline_year, "
                             "framework, target_id", [indicator_id]).fetchall()
        assert [(row.target_id,) for row in queries.targets(indicator_id)] == targets
        related = queries.related(indicator_id)
        assert len(related) <= 12 and indicator_id not in {row.indicator_id for row in related}
        counts = db.execute("SELECT count(*) FROM observation_total WHERE indicator_id = ?", [indicator_id]).fetchone()
        assert queries.coverage(indicator_id)["n_values"] == counts[0]


def test_the_pages_tables_are_the_data_tables_of_their_frames(db: duckdb.DuckDBPyConnection) -> None:
    """page._table writes text columns without building a frame: the HTML components.data_table writes for the
    frame of the same columns, escaping included, for a short table, an empty one and one longer than the cut."""
    for rows in (3, 0, 400):
        columns = {"Year": [str(1990 + row) for row in range(rows)],
                   "Économies <b>&": [f"{row} & <i>{row}</i>" for row in range(rows)]}
        assert page._table(columns).children == components.data_table(pd.DataFrame(columns)).children


def test_editions_of_internet_use_show_both_itu_releases(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute("""
        SELECT p.source_id, s.vintage, p.value FROM published_aggregate_total p JOIN source s USING (source_id)
        WHERE p.indicator_id = 'internet_use' AND p.group_code = 'itu:world' AND p.year = 2024
        ORDER BY s.vintage""").fetchall()
    assert len(rows) >= 2, "the database should keep both ITU editions"
    (_, old_vintage, old), *_, (_, new_vintage, new) = rows
    # The revision the issue names: ITU's world 2024 Internet use, 67.6 % (Nov 2024) then 71.2 % (Nov 2025).
    assert (formatting.value(old, "%"), formatting.value(new, "%")) == ("67.6 %", "71.2 %")
    tree = page.layout("internet_use")
    section = by_id(tree, "indicator-editions-itu-key-ict-table")
    table = page_text(section)
    old_label, new_label = (f"ITU, {vintage:%b %Y} edition" for vintage in (old_vintage, new_vintage))
    assert old_label in table and new_label in table
    assert re.search(rf"2024 {re.escape(formatting.value(old, '% of population'))} "
                     rf"{re.escape(formatting.value(new, '% of population'))} "
                     rf"{re.escape(formatting.change(new - old, '% of population'))}", table), table
    figure = by_id(tree, "indicator-editions-itu-key-ict").figure
    assert [trace["name"] for trace in figure["data"]] == [old_label, new_label]
    summary = page_text(by_id(tree, "indicator-editions-itu-key-ict-summary"))
    assert "67.6 %" in summary and "71.2 %" in summary and "+3.6 points" in summary
    assert "Nov 2025" in page_text(by_id(tree, "indicator-editions-itu-key-ict-source"))


def test_the_layouts_ids_are_the_ones_named_in_ids(db: duckdb.DuckDBPyConnection) -> None:
    """Every component id of the index (with a search) and of a series' page is a constant or builder of Ids (an
    edition chart's also name its -summary, -source and -table parts), and every constant names a component: an
    id written as a bare string, or a stale constant, fails."""
    ids = page.Ids
    index, series = page.layout(q="internet"), page.layout("internet_use")
    found = {c.id for tree in (index, series) for c in walk(tree) if isinstance(getattr(c, "id", None), str)}
    named = {value for name, value in vars(ids).items() if name.isupper()} - {ids.PAGE, ids.MAP}
    themes = {c.id for c in walk(index) if getattr(c, "className", None) == "indicator-index-theme"}
    editions = {part for key in db.execute("SELECT DISTINCT dataset_key FROM source").fetchall()
                for part, _ in components.chart_parts(ids.edition(key[0]))}
    assert themes and all(theme == ids.theme(theme.removeprefix(ids.theme(""))) for theme in themes)
    assert ids.edition("itu_key_ict") in found
    assert found - editions == named | themes


def test_a_series_with_one_edition_has_no_editions_view(db: duckdb.DuckDBPyConnection) -> None:
    single = db.execute("""
        SELECT indicator_id FROM indicator WHERE indicator_id NOT IN (
            SELECT indicator_id FROM published_aggregate_total GROUP BY indicator_id, group_code
            HAVING count(DISTINCT source_id) > 1) ORDER BY indicator_id LIMIT 1""").fetchone()[0]
    assert "indicator-editions" not in {getattr(c, "id", None) for c in walk(page.layout(single))}


def test_search_finds_by_code_name_and_theme_word(db: duckdb.DuckDBPyConnection) -> None:
    assert indicator_search.matches("it.net.user.zs") == ["internet_use"]
    assert indicator_search.resolve("Individuals using the Internet") == "internet_use"
    security = {row[0] for row in db.execute("""
        SELECT indicator_id FROM indicator_theme JOIN theme USING (theme_id)
        WHERE title ILIKE '%security%'""").fetchall()}
    found = set(indicator_search.matches("security"))
    assert security and security <= found
    assert indicator_search.matches("") == [] and indicator_search.matches("zzzz qqqq") == []


def test_unknown_id_gives_a_notice_and_200(app_url: str) -> None:
    for path in ("/indicator/no_such_series", "/indicator/%3Cscript%3E"):
        assert requests.get(app_url + path, timeout=30).status_code == 200
        layout = requests.get(app_url + "/_dash-layout", headers={"Referer": app_url + path}, timeout=30)
        assert layout.status_code == 200
        assert "No indicator with the id" in layout.text
    answer = requests.get(app_url + "/indicator", params={"q": "IT.NET.USER.ZS"}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/indicator/internet_use")
    names = requests.get(app_url + "/indicator-names.json", timeout=30).json()
    assert {"value": "Individuals using the Internet", "label": "IT.NET.USER.ZS · Bridging digital divides"} in names


@pytest.mark.browser
def test_header_search_works_with_the_keyboard_only(open_page) -> None:
    record = open_page("/about")
    page_ = record.page

    def tab_to(predicate: str, limit: int = 60) -> None:
        for _ in range(limit):
            page_.keyboard.press("Tab")
            if page_.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({predicate}); }})()"):
                return
        pytest.fail(f"Tab never reached {predicate}")

    page_.wait_for_selector("#site-search-input", timeout=READY_MS)
    tab_to("e.id === 'site-search-input'")
    assert page_.evaluate("document.activeElement.labels[0].textContent") == "Find an indicator"
    # Focusing it fetched the suggestions once: one per indicator.
    page_.wait_for_function("document.querySelectorAll('#site-search-options option').length > 100")
    page_.keyboard.type("IT.NET.USER.ZS")
    page_.keyboard.press("Enter")
    page_.wait_for_url("**/indicator/internet_use", timeout=READY_MS)
    page_.wait_for_selector("h1:has-text('Individuals using the Internet')", timeout=READY_MS)
    # A theme word lists its indicators; Tab reaches the first and Enter opens it.
    tab_to("e.id === 'site-search-input'")
    page_.keyboard.type("security")
    page_.keyboard.press("Enter")
    page_.wait_for_url("**/indicator?q=security", timeout=READY_MS)
    page_.wait_for_selector("#indicator-results li a", timeout=READY_MS)
    tab_to("e.closest && !!e.closest('#indicator-results') && e.tagName === 'A'")
    target = page_.evaluate("document.activeElement.getAttribute('href')")
    page_.keyboard.press("Enter")
    page_.wait_for_url(f"**{target}", timeout=READY_MS)
    page_.wait_for_selector("#indicator-themes", timeout=READY_MS)
    assert "Building confidence and security" in page_.inner_text("#indicator-themes") or \
        "security" in page_.inner_text("h1").casefold()
    assert record.errors == []

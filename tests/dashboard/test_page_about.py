"""About page (/about): sources and licences, targets, the Elements Paper mapping, data gaps, the coverage
map, and its anchors, checked against the built database and in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import figures_overview as fo

pytestmark = pytest.mark.browser

MIN_SHAPES = 150


def db_rows(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, params or []).df()


@pytest.fixture
def about(built_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DDI_DB", str(built_db))
    import app  # noqa: F401  (the Dash app must exist before a page module registers itself)
    from dashboard.pages import about as module

    return module


def find(component, component_id: str):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "children") or hasattr(child, "id"):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return "".join(text(child) for child in children)
    return text(children)


# --- plain functions against the built database -------------------------------------------------------


def test_sources_table_lists_every_source_with_publisher_and_licence(about, built_db: Path) -> None:
    table = text(find(about.layout(), "sources"))
    sources = db_rows(built_db, "SELECT source_id, publisher, license FROM source")
    assert len(sources) >= 10
    for row in sources.itertuples():
        assert f"<code>{fo.esc(row.source_id)}</code></td><td>{fo.esc(row.publisher)}</td>" in table, row.source_id
        assert fo.esc(row.license) in table, row.source_id
    assert "ITU data are licensed CC BY-NC-SA 3.0 IGO" in table
    assert "GSMA's Mobile Connectivity Index data may not be redistributed without checking GSMA's terms" in table


def test_targets_and_gaps_come_from_the_database(about, built_db: Path) -> None:
    page = about.layout()
    targets = db_rows(built_db, "SELECT target_id, label, deadline_year, source_url FROM target")
    listed = text(find(page, "targets"))
    for row in targets.itertuples():
        assert fo.esc(row.label) in listed and f'href="{fo.esc(row.source_url)}"' in listed, row.target_id
    missing = db_rows(built_db, "SELECT DISTINCT target_id FROM target_progress WHERE status = 'no open indicator'")
    labels = db_rows(built_db, "SELECT target_id, label FROM target").set_index("target_id")["label"]
    gap_targets = text(find(page, "about-gap-targets"))
    assert len(missing) >= 1
    for target_id in missing["target_id"]:
        assert f"<strong>{fo.esc(labels[target_id])}</strong>" in gap_targets
    gap_themes = text(find(page, "about-gap-themes"))
    empty = db_rows(built_db, "SELECT theme_id FROM theme WHERE n_indicators = 0")["theme_id"]
    # Internet governance left the gaps when the E-Participation Index and PCH's IXP counts were mapped to it.
    assert 'href="#theme-follow_up"' in gap_themes and 'href="#theme-internet_governance"' not in gap_themes
    assert all(f'href="#theme-{theme_id}"' in gap_themes for theme_id in empty)


def test_each_theme_says_what_its_indicators_leave_out(about, built_db: Path) -> None:
    """theme.missing (indicators/themes.yaml) under the theme, and beside each theme listed as a gap."""
    page = about.layout()
    themes = db_rows(built_db, "SELECT theme_id, n_indicators, missing FROM theme WHERE missing IS NOT NULL")
    assert len(themes) >= 2 and (themes["n_indicators"] == 0).any() and (themes["n_indicators"] > 0).any()
    gap_themes = text(find(page, about.Ids.GAP_THEMES))
    for theme in themes.itertuples():
        assert theme.missing in text(find(page, about.Ids.theme(theme.theme_id))), theme.theme_id
        if theme.n_indicators == 0:
            assert f'href="#{about.Ids.theme(theme.theme_id)}"' in gap_themes
            assert fo.esc(theme.missing) in gap_themes, theme.theme_id


def test_targets_quote_their_wording(about, built_db: Path) -> None:
    quoted = db_rows(built_db, "SELECT target_id, wording FROM target WHERE wording IS NOT NULL")
    assert len(quoted) >= 10
    listed = text(find(about.layout(), about.Ids.TARGETS_SECTION)).split(about.Ids.TARGETS, 1)[1]
    for row in quoted.itertuples():
        assert f"<q>{fo.esc(row.wording)}</q>" in listed, row.target_id


def test_the_prose_on_data_age_says_what_the_rules_table_does(about) -> None:
    """A passed deadline is judged on its own year's value however old (the WSIS 2015 targets on 2015 values):
    the rules table tries those rules before the age limit, so no sentence may claim the limit unconditionally."""
    from etl.measures import status_rules

    old = status_rules.Facts(current_year=2026, deadline_year=2015, latest_year=2015, latest_value=40.0,
                             latest_met=False, deadline_value=40.0, deadline_met=False)
    assert old.stale and status_rules.decide(old).rule_id == "deadline_missed"  # 11 years old, still decisive
    number = {rule_id: n for n, rule_id in enumerate(status_rules.RULE_IDS, start=1)}
    page = about.layout()
    prose = text(find(page, about.Ids.TARGETS_SECTION)) + text(find(page, about.Ids.MEASURES))
    assert (f"judged on the value for its deadline year however old that value is (rules {number['deadline_met']} "
            f"and {number['deadline_missed']}); any other status never rests on data more than "
            f"{status_rules.MAX_AGE} years old (rule {number['stale']})") in prose
    sentences = re.split(r"(?<=[.;:])\s", prose)
    claims = [sentence for sentence in sentences if "never" in sentence and "years old" in sentence]
    assert claims and all("other status" in sentence for sentence in claims), claims
    assert "A status never rests" not in prose


def test_every_theme_has_an_anchor_paragraphs_and_its_indicators(about, built_db: Path) -> None:
    page = about.layout()
    themes = db_rows(built_db, "SELECT * FROM theme")
    assert len(themes) == 16
    for theme in themes.itertuples():
        block = find(page, f"theme-{theme.theme_id}")
        assert block is not None, theme.theme_id
        assert f"¶ {theme.first_paragraph}" in text(block) and theme.summary in text(block)
    security = text(find(page, "theme-security"))
    assert '<a href="/explore?indicator=secure_internet_servers">Secure Internet servers</a>' in security
    assert "No open indicator yet" in text(find(page, "theme-ai"))


def test_measures_define_each_measure(about) -> None:
    measures = text(find(about.layout(), "about-measures"))
    for term in ("Group aggregates", "People offline", "Gender parity score", "Affordability", "Progress to target",
                 "Inequality across countries"):
        assert f"<strong>{term}.</strong>" in measures
    assert "0.98–1.02" in measures and "2 %" in measures
    assert "on track only when the projection reaches the target by the deadline" in measures


def test_status_rules_are_printed_from_the_rules_table(about) -> None:
    """Every rule the ETL applies, in its order, with its condition: the doc cannot drift from the code."""
    from etl.measures import status_rules

    rules = text(find(about.layout(), "targets")).split("about-status-rules", 1)[1]
    positions = [rules.index(f"<td>{number}</td><td>{rule.rule_id}</td><td>{rule.status}</td>")
                 for number, rule in enumerate(status_rules.RULES, start=1)]
    assert positions == sorted(positions)
    for rule in status_rules.RULES:
        assert fo.esc(rule.when) in rules, rule.rule_id


def test_coverage_counts_indicators_per_economy_in_the_latest_five_years(about, built_db: Path) -> None:
    figure, summary, source, note, table = about.draw_coverage()
    last = int(db_rows(built_db, "SELECT max(year) FROM observation").iloc[0, 0])
    expected = db_rows(built_db, """SELECT iso3, count(DISTINCT indicator_id) AS n FROM observation
        WHERE year BETWEEN ? AND ? GROUP BY iso3""", [last - 4, last]).set_index("iso3")["n"]
    drawn = dict(zip(figure.data[0].locations, figure.data[0].z, strict=True))
    assert len(drawn) == 217
    assert drawn["NOR"] == expected["NOR"] and drawn["NGA"] == expected["NGA"]
    assert f"{last - 4}–{last}" in figure.layout.title.text
    assert summary.startswith(f"Between {last - 4} and {last} the median economy")
    assert source.startswith("Source:") and "Kosovo" in note
    assert "<table" in table.children


def test_lists_are_escaped_html_and_the_coverage_map_comes_with_the_page(about) -> None:
    assert about.item_list([]) == "<p>None.</p>"
    assert about.item_list(["<li>a</li>", "<li>b</li>"]) == "<ul><li>a</li><li>b</li></ul>"
    page = about.layout()
    coverage = find(page, "about-coverage")
    assert coverage.figure is not None and len(coverage.figure.data[0].locations) == 217
    assert "<table" in find(page, "about-coverage-table").children.children
    assert about.href("javascript:alert(1)") is None and about.href("README.md#measures") == "#measures"


def test_coverage_map_figure_and_summary() -> None:
    counts = pd.DataFrame({"iso3": ["NOR", "NGA", "ERI"], "name": ["Norway", "Nigeria", "Eritrea"],
                           "n_indicators": [60, 40, 0]})
    figure = fo.coverage_map(counts, 100, 2021, 2025)
    assert list(figure.data[0].z) == [60, 40, 0]  # zero is a value, not "no data"
    assert figure.data[0].zmin == 0 and figure.data[0].zmax == 60
    assert fo.coverage_summary(counts, 100, 2021, 2025) == (
        "Between 2021 and 2025 the median economy has data for 40 of 100 catalogue indicators, "
        "from 0 in Eritrea to 60 in Norway.")


# --- in Chromium -----------------------------------------------------------------------------------------


def test_page_draws_coverage_map_offline_and_lists_sources(open_page, app_url: str, built_db: Path) -> None:
    record = open_page("/about?anything=ignored")
    page = record.page
    page.wait_for_selector("#about-coverage path.choroplethlocation", state="attached", timeout=30_000)
    assert page.locator("#about-coverage path.choroplethlocation").count() >= MIN_SHAPES
    # The map shapes come with the page (/geo-assets.js fills plotly's cache), not from a CDN nor a later fetch.
    assert any(url.endswith("/geo-assets.js") for url in record.requests)
    assert not any("world_110m" in url for url in record.requests)
    rows = page.locator("#about-sources tbody tr")
    sources = db_rows(built_db, "SELECT source_id, publisher, license FROM source")
    assert rows.count() == len(sources)
    shown = {row.split("\t")[0]: row for row in rows.all_inner_texts()}
    for source in sources.itertuples():
        assert source.publisher in shown[source.source_id] and source.license in shown[source.source_id]
    assert "CC BY-NC-SA 3.0 IGO" in page.locator("#about-licence-note").inner_text()
    assert record.errors == []
    assert [url for url in record.requests if not url.startswith(app_url)] == []


def in_view(page, element_id: str) -> None:
    page.wait_for_function(
        f"() => {{ const r = document.getElementById('{element_id}').getBoundingClientRect();"
        " return r.top >= -2 && r.top < 200; }", timeout=10_000)


def test_anchors_open_at_their_section(open_page) -> None:
    record = open_page("/about#theme-ai")
    page = record.page
    page.wait_for_selector("#theme-ai h3")
    in_view(page, "theme-ai")
    page.locator("#about-toc a[href='#sources']").click()
    in_view(page, "sources")
    assert page.url.endswith("/about#sources")
    page.locator("#about-gap-themes a[href='#theme-follow_up']").click()
    in_view(page, "theme-follow_up")
    assert record.errors == []

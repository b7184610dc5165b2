"""Overview page (/): headline cards equal to the database, the theme grid, sparklines, and the page in Chromium.

Expected numbers are read from the built database with DuckDB directly, not through the page's own
queries, so a wrong filter (edition, year, breakdown) in the page shows up as a mismatch.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dash import html

from dashboard import figures_overview as fo
from dashboard.html_block import HtmlBlock
from dashboard.static_html import render
from tests.dashboard.dash_tree import walk

pytestmark = pytest.mark.browser

TOTAL = "sex = 'total' AND area = 'total' AND age = 'total'"


# --- expectations straight from the database ------------------------------------------------------


def db_rows(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, params or []).df()


def expected_cards(db: Path) -> dict[str, str]:
    offline = db_rows(db, f"""SELECT year, value, population_coverage FROM group_aggregate
        WHERE indicator_id = 'people_offline' AND group_id = 'world' AND {TOTAL} AND value IS NOT NULL
        ORDER BY year DESC LIMIT 1""").iloc[0]
    internet = db_rows(db, f"""SELECT year, value FROM group_aggregate
        WHERE indicator_id = 'internet_use' AND group_id = 'world' AND {TOTAL} AND value IS NOT NULL
        ORDER BY year DESC LIMIT 1""").iloc[0]
    published = db_rows(db, """SELECT p.year, p.value, s.vintage
        FROM published_aggregate p JOIN source s USING (source_id)
        WHERE p.indicator_id = 'internet_use' AND p.group_code IN ('WLD', 'itu:world')
          AND p.sex = 'total' AND p.area = 'total' AND p.age = 'total'""")
    newest = published[published["vintage"] == published["vintage"].max()]
    published_same_year = newest[newest["year"] == internet["year"]]["value"].iloc[0]
    parity = db_rows(db, """SELECT p.year, p.sex, p.value FROM published_aggregate p JOIN source s USING (source_id)
        WHERE s.dataset_key = 'itu_key_ict' AND p.indicator_id = 'internet_use' AND p.group_code = 'itu:world'
          AND p.area = 'total' AND p.age = 'total'
          AND s.vintage = (SELECT max(vintage) FROM source WHERE dataset_key = 'itu_key_ict')""")
    by_sex = parity.pivot_table(index="year", columns="sex", values="value").dropna(subset=["female", "male"])
    parity_year = int(by_sex.index.max())
    afford = db_rows(db, """SELECT * FROM affordability WHERE indicator_id = 'mobile_data_1gb_basket_gni'
        AND group_id = 'world' ORDER BY year DESC LIMIT 1""").iloc[0]
    return {
        "overview-offline-value": f"{offline['value'] / 1e9:.2f} billion",
        "overview-offline-year": f"({int(offline['year'])})",
        "overview-offline-coverage": f"{100 * offline['population_coverage']:.1f} %",
        "overview-internet-value": f"{internet['value']:.1f} %",
        "overview-internet-year": f"({int(internet['year'])})",
        "overview-internet-published": f"{published_same_year:.1f} % in {int(internet['year'])}",
        "overview-parity-value": f"{by_sex.loc[parity_year, 'female'] / by_sex.loc[parity_year, 'male']:.2f}",
        "overview-parity-year": f"({parity_year})",
        "overview-afford-value": f"{afford['median_value']:.2f} %",
        "overview-afford-year": f"({int(afford['year'])})",
        "overview-afford-share": (f"{int(afford['n_meeting'])} of the {int(afford['n_economies'])} economies "
                                  f"priced in {int(afford['year'])} ({100 * afford['share_meeting']:.0f} %) "
                                  "at or under 2 %"),
    }


# --- plain functions against the built database ----------------------------------------------------


@pytest.fixture
def overview(built_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DDI_DB", str(built_db))
    import app  # noqa: F401  (the Dash app must exist before a page module registers itself)
    from dashboard.pages import overview as module

    return module


def find(component, component_id: str):
    """The component with `component_id` in a Dash layout tree (None if absent)."""
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
    """All the text inside a component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return "".join(text(child) for child in children)
    return text(children)


def test_cards_equal_the_database(overview, built_db: Path) -> None:
    page = html.Div(overview.content())
    for component_id, expected in expected_cards(built_db).items():
        assert expected in text(find(page, component_id)), component_id


def test_each_card_names_its_targets_with_status_and_deadline(overview, built_db: Path) -> None:
    page = html.Div(overview.content())
    progress = db_rows(built_db, """SELECT t.target_id, t.label, t.deadline_year, p.status_text FROM target t
        JOIN target_progress p ON p.target_id = t.target_id AND p.scope_id = 'world'
        WHERE t.indicator_id = 'internet_use' AND t.scope = 'world'""")
    internet = text(find(page, "overview-card-internet"))
    assert len(progress) >= 2
    for row in progress.itertuples():
        assert f"{row.status_text}{row.label}" in internet and f"by {row.deadline_year}" in internet
    parity = text(find(page, "overview-card-parity"))
    assert "Gender parity in Internet use" in parity and "2030" in parity


def test_the_world_75_percent_card_says_not_met_with_2025_data(overview) -> None:
    """The deadline has passed: the badge gives the verdict on the 2025 value, not a pace."""
    internet = find(html.Div(overview.content()), "overview-card-internet")
    badges = [node for node in walk(internet) if getattr(node, "data-status", None)]
    item = next(node for node in walk(internet) if getattr(node, "data-target", None) == "bbc_internet_world_2025")
    badge = next(node for node in walk(item) if getattr(node, "data-status", None))
    assert getattr(badge, "data-status") == "not met" and badges
    assert badge.children.startswith("not met: 73.6 % in 2025 (")


def test_overview_and_targets_count_the_a4ai_economies_alike(overview, built_db: Path) -> None:
    """An each-economy target is headed by its economies per status, with one denominator on both pages."""
    from dashboard.pages import targets as targets_page

    afford = text(find(html.Div(overview.content()), "overview-card-afford"))
    state = targets_page.TargetsState("a4ai", "a4ai_1_for_2_2025", "wb_region", "all")
    card = text(html.Div(targets_page.board_cards(state)))
    line = re.search(r"Economies: (\d+) of (\d+) met it; [^.]*\.", card).group(0)
    assert line in afford
    met, total = db_rows(built_db, """SELECT count(*) FILTER (status = 'met'), count(*) FROM target_progress
        WHERE target_id = 'a4ai_1_for_2_2025' AND scope_type = 'country'""").iloc[0]
    assert line.startswith(f"Economies: {met} of {total} met it;")
    assert total == db_rows(built_db, "SELECT count(*) AS n FROM country")["n"].iloc[0]
    assert "World aggregate" not in card
    item = next(node for node in walk(find(html.Div(overview.content()), "overview-card-afford"))
                if getattr(node, "data-target", None) == "a4ai_1_for_2_2025")
    assert "median" not in text(item) and " met:" not in text(item)  # never a verdict on the world median



def test_theme_grid_has_16_cards_and_says_where_no_indicator_exists(overview, built_db: Path) -> None:
    content = html.Div(overview.content())
    grid = find(content, overview.Ids.THEME_GRID)
    assert len(grid.children) == 16
    empty = set(db_rows(built_db, "SELECT theme_id FROM theme WHERE n_indicators = 0")["theme_id"])
    assert "ai" in empty and "internet_governance" not in empty  # IG: E-Participation, IXPs
    # Evidenced: a theme with at least one indicator that has an observation (issue 16: 14 of the 16).
    themes = db_rows(built_db, """SELECT t.theme_id, t.missing, EXISTS (SELECT 1 FROM indicator_theme it
        JOIN observation o USING (indicator_id) WHERE it.theme_id = t.theme_id) AS evidenced FROM theme t""")
    with_data = int(themes["evidenced"].sum())
    assert with_data == 14 and set(themes.loc[~themes["evidenced"], "theme_id"]) == empty
    assert text(find(content, overview.Ids.THEME_COUNT)).startswith(
        f"{with_data} of {len(themes)} themes have at least one open indicator with data; {len(empty)} have none")
    notes = themes.set_index("theme_id")["missing"]
    for card in grid.children:
        theme_id = card.id.removeprefix(overview.Ids.theme(""))
        assert card.id == overview.Ids.theme(theme_id)
        assert ("No open indicator yet" in text(card)) == (theme_id in empty), theme_id
        if theme_id in empty:  # each gap says what would measure it: the database's note, as written
            assert isinstance(notes[theme_id], str) and notes[theme_id] in text(card), theme_id
    divides = find(grid, overview.Ids.theme("digital_divides"))
    links = [child.children[0] for child in divides.children[-1].children]
    assert len(links) == 3
    assert links[0].href == "/explore?indicator=internet_use"
    world = db_rows(built_db, f"""SELECT year, value, population_coverage FROM group_aggregate
        WHERE indicator_id = 'internet_use' AND group_id = 'world' AND {TOTAL} AND value IS NOT NULL
        ORDER BY year DESC LIMIT 1""").iloc[0]
    # The headline card shows the publisher's figure of the same concept, so the grid names both, each with
    # its year and source.
    assert (f"; ours {world['value']:.1f} % (world, {int(world['year'])}; "
            f"population coverage {100 * world['population_coverage']:.0f} %)") in text(divides)
    assert re.search(r"Individuals using the Internet: \d+\.\d % \(World Bank, 20\d\d\); ours", text(divides))
    assert divides.children[0].children.href == "/about#theme-digital_divides"


def test_one_number_per_concept_parity_and_gap_name_their_source_and_year(overview, built_db: Path) -> None:
    """The reviewer's case: parity 0.92 (ITU, 2025) on the card and 0.92 (2020) in the grid, a gap of 4.7 points
    beside the 6.1 its own headline implies. Every value now carries its year and source, and the gap in points
    is computed from the pair the card shows."""
    content = html.Div(overview.content())
    card = text(find(content, "overview-parity-detail"))
    women, men = (float(x) for x in re.findall(r"(\d+\.\d) %", card)[:2])
    assert f"a gap of {men - women:.1f} points" in card
    grid = text(find(content, "overview-theme-grid"))
    year = text(find(content, "overview-parity-year")).strip("()")
    assert "Gender parity" in grid
    for name in ("parity", "gap"):
        found = re.findall(rf"{name}[^:]*: ([^;]+); ours ([^)]+\))", grid, flags=re.IGNORECASE)
        assert found, name
        theirs, ours = found[0]
        assert f"ITU, {year}" in theirs and re.search(r"world, 20\d\d", ours), found[0]
    assert f"{men - women:.1f} points (ITU, {year})" in grid


def test_world_internet_use_says_why_it_differs_from_the_publishers(overview, built_db: Path) -> None:
    why = text(find(html.Div(overview.content()), "overview-internet-why"))
    ours, theirs = (float(x) for x in db_rows(built_db, f"""
        SELECT g.value, p.value FROM group_aggregate g JOIN published_aggregate p USING (indicator_id, year)
        JOIN source s ON s.source_id = p.source_id
        WHERE g.indicator_id = 'internet_use' AND g.group_id = 'world' AND g.{TOTAL.replace(' AND ', ' AND g.')}
          AND g.value IS NOT NULL AND p.group_code = 'WLD' AND p.{TOTAL.replace(' AND ', ' AND p.')}
        QUALIFY s.vintage = max(s.vintage) OVER () ORDER BY g.year DESC LIMIT 1""").iloc[0])
    assert f"Ours is {ours - theirs:+.1f} points from World Bank's" in why
    assert "estimate the economies without a" in why or "China" in why


def test_unknown_parameters_are_ignored_silently(overview) -> None:
    plain, odd = overview.layout(), overview.layout(foo="bar", countries="<script>alert(1)</script>")
    assert text(find(odd, "overview-notices")) == ""
    assert find(odd, "overview-content").children == find(plain, "overview-content").children
    assert "<script>" not in text(odd)


def test_the_layout_holds_the_content_as_one_block_of_html(overview) -> None:
    block = find(overview.layout(), "overview-content")
    assert isinstance(block, HtmlBlock) and block.children == render(overview.content())


def test_sparklines_fill_every_card(overview) -> None:
    outputs = overview.draw_sparklines()
    assert len(outputs) == 16
    groups = [outputs[start:start + 4] for start in range(0, len(outputs), 4)]
    for key, (drawing, summary, source, table) in zip(overview.SPARKS, groups, strict=True):
        assert "<table" in table.children, key
        years = table.children.count("<tr>") - 1  # the table's rows, without its header
        assert drawing.startswith("<svg") and drawing.count("<title>") >= years >= 3, key  # a point per year
        assert summary.endswith(".") and " in 20" in summary, key
        assert source.startswith("Source:") and "licence" in source, key
    assert "CC BY-NC-SA 3.0 IGO" in outputs[10]  # parity: ITU's licence
    # the Internet-use sparkline carries the publisher's world line (dashed) and the 2025 target (dotted)
    internet = outputs[4]
    assert internet.count("<polyline") == 2 and 'stroke-dasharray="5 3"' in internet
    assert "2025 target" in internet and 'stroke-dasharray="2 3"' in internet


# --- figure builders ---------------------------------------------------------------------------------


def polyline_points(svg: str) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, point.split(","))) for point in points.split()]
            for points in re.findall(r'<polyline points="([^"]+)"', svg)]


def test_sparkline_draws_series_reference_and_target() -> None:
    series = pd.DataFrame({"year": [2020, 2021, 2022], "value": [50.0, 55.0, 60.0]})
    reference = pd.DataFrame({"year": [2020, 2022], "value": [51.0, 61.0]})
    svg = fo.sparkline(series, label="Ours", reference=reference, reference_label="WB", target=75,
                       target_label="2025 target", value_format=".1f")
    reference_line, main_line = polyline_points(svg)  # drawn under the main series
    assert len(main_line) == 3 and len(reference_line) == 2
    # years run left to right from one edge of the plot to the other; higher values are higher up (smaller y)
    assert [x for x, _ in main_line] == sorted(x for x, _ in main_line)
    assert main_line[0][0] == reference_line[0][0] and main_line[-1][0] == reference_line[-1][0]
    assert main_line[0][1] > main_line[1][1] > main_line[2][1]
    target_y = float(re.search(r'<line [^>]*y1="([\d.]+)"', svg).group(1))
    assert target_y < min(y for _, y in main_line + reference_line)  # 75 is above every value
    assert "<title>Ours 2021: 55.0</title>" in svg and "<title>WB 2022: 61.0</title>" in svg
    assert ">2020</text>" in svg and ">2022</text>" in svg
    empty = fo.sparkline(series.iloc[0:0], label="Ours")
    assert "no data" in empty and "<polyline" not in empty


def test_sparkline_escapes_its_text_and_skips_missing_values() -> None:
    series = pd.DataFrame({"year": [2020, 2021, 2022], "value": [1.0, None, 3.0]})
    svg = fo.sparkline(series, label="<b>x</b>", reference=series, reference_label='"><script>', target=2,
                       target_label="<i>")
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg and "&lt;script&gt;" in svg
    assert [len(line) for line in polyline_points(svg)] == [2, 2]
    single = fo.sparkline(series.iloc[:1], label="One")  # one year: a point in the middle, one year label
    assert single.count(">2020</text>") == 1 and "nan" not in single
    no_target = fo.sparkline(series, label="T", target=float("nan"), target_label="goal")
    assert "goal" not in no_target and "nan" not in no_target


def test_number_formats() -> None:
    assert fo.people(2_217_833_000) == "2.22 billion"
    assert fo.people(35_400_000) == "35.4 million"
    assert fo.number(72.677, "% of population") == "72.7 %"
    assert fo.number(1.38, "% of monthly GNI per capita") == "1.38 % of GNI p.c."  # read against 2 %: two decimals
    assert fo.number(0.848, "ratio") == "0.85" and fo.number(0.0, "people") == "0 people"
    assert fo.number(float("nan"), "ratio") == "no data"
    assert fo.comparator_text(">=", 75, None, "%") == "≥ 75 %"
    assert fo.comparator_text("between", 1.0, 0.02, "") == "0.98–1.02"
    assert fo.comparator_text("<=", 2, None, "% of GNI p.c.") == "≤ 2 % of GNI p.c."
    assert fo.trend_sentence(pd.DataFrame({"year": [2005, 2024], "value": [5.5e9, 2.2e9]}), "People offline",
                             fo.people) == "People offline fell from 5.50 billion in 2005 to 2.20 billion in 2024."
    # A change below the precision shown is not told as a rise or a fall ("fell from 0.92 to 0.92").
    flat = fo.trend_sentence(pd.DataFrame({"year": [2019, 2025], "value": [0.9248, 0.9204]}), "Parity",
                             lambda value: f"{value:.2f}")
    assert flat == "Parity was 0.92 in 2019 and still 0.92 in 2025."


def test_tables_escape_text() -> None:
    table = fo.frame_table(pd.DataFrame({"name": ["<script>x</script>"], "value": [1.234]}), {"value": "V"}, digits=2)
    assert "<script>" not in table and "&lt;script&gt;" in table and "<td>1.23</td>" in table


def test_the_layout_comes_with_the_sparklines_drawn(overview) -> None:
    page = html.Div(overview.content())
    for key in overview.SPARKS:
        drawing = find(page, f"overview-spark-{key}")
        assert drawing.children.startswith("<svg"), key
        assert "<table" in find(page, f"overview-spark-{key}-table").children.children, key
        assert text(find(page, f"overview-spark-{key}-summary")).endswith("."), key


# --- in Chromium ---------------------------------------------------------------------------------------


def wait_for_sparklines(page) -> None:
    for key in ("offline", "internet", "parity", "afford"):
        page.wait_for_selector(f"#overview-spark-{key} svg.sparkline polyline", state="attached", timeout=30_000)


def test_page_draws_with_database_numbers_offline_and_without_errors(open_page, app_url: str, built_db: Path) -> None:
    record = open_page("/?foo=bar&countries=%3Cscript%3Ealert(1)%3C/script%3E")
    page = record.page
    wait_for_sparklines(page)
    for component_id, expected in expected_cards(built_db).items():
        assert expected in page.locator(f"#{component_id}").inner_text(), component_id
    assert page.locator("#overview-theme-grid > article").count() == 16
    assert "No open indicator yet" in page.locator("#overview-theme-ai").inner_text()
    assert "Source:" in page.locator("#overview-spark-parity-source").inner_text()
    assert page.locator("#overview-notices").inner_text() == ""
    assert record.errors == []
    assert [url for url in record.requests if not url.startswith(app_url)] == []
    record.page.wait_for_load_state("networkidle")
    assert not [url for url in record.requests if "plotly" in url]  # no plotly chart here: its script is not loaded


def test_theme_and_indicator_links_open_their_pages(open_page) -> None:
    record = open_page("/")
    page = record.page
    wait_for_sparklines(page)
    page.locator("#overview-theme-internet_governance h3 a").click()
    page.wait_for_url("**/about#theme-internet_governance")
    heading = page.locator("#theme-internet_governance h3")
    heading.wait_for()
    page.wait_for_function("() => { const r = document.getElementById('theme-internet_governance')"
                           ".getBoundingClientRect(); return r.top >= 0 && r.top < 200; }", timeout=10_000)
    assert heading.inner_text().startswith("Internet governance")
    page.go_back()
    page.wait_for_selector("#overview-theme-digital_divides a[href='/explore?indicator=people_offline']")
    page.locator("#overview-theme-digital_divides a[href='/explore?indicator=people_offline']").click()
    page.wait_for_url("**/explore?indicator=people_offline**")
    page.wait_for_selector("#explore-map .gtitle", state="attached", timeout=30_000)
    assert page.locator("#explore-map .gtitle").text_content().startswith("People not using the Internet")
    assert record.errors == []

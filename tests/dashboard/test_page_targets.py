"""The /targets page: status board, trend with projection, groups, economies; URL state."""

from __future__ import annotations

import html
import math
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pandas as pd
import pytest

import app  # noqa: F401  (registers the pages, as gunicorn does)
from dashboard import figures_targets as ft
from dashboard.pages import targets as page
from dashboard.static_html import render
from etl.measures import progress, status_rules
from indicators import load_targets
from tests.dashboard.dash_tree import walk

SHARE_100 = {"comparator": ">=", "value": 100.0, "met_threshold": 95.0, "bound": 100.0, "band": None,
             "deadline_year": 2030, "pace": "shortfall"}


def test_the_trend_draws_the_path_the_etl_projected(built_db: Path) -> None:
    """The dashed projection is target_progress.projection_years / projection_values as stored, not recomputed."""
    with duckdb.connect(str(built_db), read_only=True) as con:
        years, values = con.execute("""
            SELECT projection_years, projection_values FROM target_progress
            WHERE scope_type IN ('world', 'group') AND len(projection_years) > 1
            ORDER BY target_id, scope_id LIMIT 1""").fetchone()
        closed = con.execute("""SELECT count(*) FROM target_progress WHERE (status IN ('met', 'not met')
            OR deadline_passed) AND len(projection_years) > 0""").fetchone()[0]
    assert closed == 0  # a target met or missed, or a deadline passed, has no path ahead
    row = {"projection_years": years, "projection_values": values}
    ahead = ft.projection(row)
    assert ahead["year"].tolist() == list(years) and ahead["value"].tolist() == pytest.approx(list(values))
    assert ft.projection({"projection_years": None, "projection_values": None}).empty


# --- figures -------------------------------------------------------------------------------------------


def test_every_status_has_its_own_colour_and_the_etl_statuses_are_all_known() -> None:
    colours = [ft.STATUS_COLOURS[status] for status in (*ft.STATUSES, ft.NO_DATA)]
    assert len(set(colours)) == len(colours)
    assert set(status_rules.STATUSES) <= set(ft.STATUSES)


def test_status_map_has_one_legend_entry_per_status_with_counts() -> None:
    countries = pd.DataFrame({
        "iso3": ["NOR", "NGA", "IND", "XKX"], "name": ["Norway", "Nigeria", "India", "Kosovo"],
        "status": ["met", "limited progress", "limited progress", ft.NO_DATA],
        "latest_year_text": ["2024", "2024", "2024", ""], "latest_text": ["99.0%", "40.0%", "50.0%", "—"],
        "projected": ["met in 2024", "2040", "2035", "—"],
    })
    figure = ft.status_map(countries, "title")
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["met (1)", "limited progress (2)", "no data (1)"]
    assert figure["data"][1]["colorscale"][0][1] == ft.STATUS_COLOURS["limited progress"]
    assert "limited progress" in figure["data"][1]["text"][0]  # the hover names the status, not only a colour
    assert ft.off_map(countries) == ""  # Kosovo has no data here, so nothing is missing from the map
    assert "Kosovo" in ft.off_map(countries.assign(status="met"))


def test_group_chart_shows_pace_towards_the_target_and_writes_the_status() -> None:
    groups = pd.DataFrame({"group_id": ["world", "ldc"], "name": ["World", "LDCs"],
                           "status": ["limited progress", "deteriorating"],
                           "required_rate": [-0.15, -0.2], "observed_rate": [-0.08, 0.01],
                           "base_value": [40.0, 10.0], "latest_value": [70.0, 9.0]})
    figure = ft.group_rates_chart(groups, SHARE_100, "% of population", highlight="ldc")
    required = next(trace for trace in figure["data"] if trace.get("name", "").startswith("Required"))
    assert required["x"] == pytest.approx([15, 20])  # a shortfall shrinking 15 % a year = 15 % closed a year
    observed = {trace["name"]: trace for trace in figure["data"] if trace.get("name", "").startswith("Observed")}
    assert observed["Observed pace: deteriorating"]["x"] == pytest.approx([-1])
    assert required["y"] == ["World · limited progress", "▶ LDCs · deteriorating"]


def test_trend_chart_draws_target_threshold_deadline_and_projection() -> None:
    series = pd.DataFrame({"year": [2015, 2020, 2024], "value": [40.0, 58.0, 72.7],
                           "population_coverage": [0.97, 0.98, 0.97]})
    path = progress.projection(2024, 72.7, -0.084, progress.Target(">=", 100.0, 2030, 95.0, bound=100.0),
                               "shortfall")  # as the ETL stores it beside the row
    head = {"status": "limited progress", "base_year": 2015, "base_value": 40.0, "latest_year": 2024,
            "latest_value": 72.7, "observed_rate": -0.084, "projection_years": [year for year, _ in path],
            "projection_values": [value for _, value in path]}
    figure = ft.target_chart(series, head, SHARE_100, scope_name="World", unit="% of population",
                             indicator_name="Internet use")
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["World", "World: projection at the observed pace", "World: base year 2015"]
    assert figure["data"][1]["line"]["dash"] == "dash" and figure["data"][1]["x"][-1] == 2030
    texts = [note["text"] for note in figure["layout"]["annotations"]]
    assert texts == ["Target: goal 100%", "scored as met at 95%", "Deadline 2030"]
    assert ft.target_chart(series.iloc[:0], None, SHARE_100, scope_name="World", unit="%",
                           indicator_name="X")["data"] == []


def test_texts_say_the_target_and_when_it_is_reached() -> None:
    assert ft.target_text(SHARE_100, "% of population") == "100% by 2030 (scored as met at 95%)"
    assert ft.target_text({"comparator": "between", "value": 1.0, "band": 0.02, "deadline_year": 2030},
                          "ratio") == "between 0.98 and 1.02 by 2030"
    assert ft.projected_text({"status": "limited progress", "projected_year": None}) == "not at the current pace"
    assert ft.projected_text({"status": "met", "projected_year": 2024}) == "met in 2024"
    assert ft.fmt_distance(3.93, "% of population") == "3.9 pp"


# --- the page against a database built from the real files --------------------------------------------


@pytest.fixture
def db(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DDI_DB", str(built_db))
    return built_db



def cards(board: list) -> dict[str, object]:
    return {getattr(node, "data-target"): node for part in board for node in walk(part)
            if getattr(node, "data-target", None)}


def test_trend_chart_marks_basket_changes_in_the_years_shown() -> None:
    """A spliced basket's definition changes are dash-dot vertical lines between the two years, labelled; a change
    before the chart's first year is not drawn, and a series without changes gets none."""
    series = pd.DataFrame({"year": [2016, 2020, 2025], "value": [4.0, 3.0, 2.5]})
    target = {"comparator": "<=", "value": 2.0, "met_threshold": None, "bound": None, "band": None,
              "deadline_year": 2025}
    changes = ((2010, "old from 2010"), (2018, "1.5 GB from 2018"), (2025, "5 GB from 2025"))
    figure = ft.target_chart(series, None, target, scope_name="World", unit="% of monthly GNI per capita",
                             indicator_name="Basket", changes=changes)
    marks = [shape for shape in figure["layout"]["shapes"] if shape.get("name", "").startswith("definition change")]
    assert [(shape["x0"], shape["line"]["dash"]) for shape in marks] == [(2017.5, "dashdot"), (2024.5, "dashdot")]
    texts = [note["text"] for note in figure["layout"]["annotations"]]
    assert "1.5 GB from 2018" in texts and "5 GB from 2025" in texts and "old from 2010" not in texts
    plain = ft.target_chart(series, None, target, scope_name="World", unit="% of monthly GNI per capita",
                            indicator_name="Basket")
    assert not [shape for shape in plain["layout"]["shapes"] if shape.get("name")]


def test_the_a4ai_target_is_drawn_on_the_1_gb_basket_only(db: Path) -> None:
    """A4AI "1 for 2" reads the data-only 1 GB basket (ITU code i271mb_1GB_GNI): every status and every value
    of its progress is that basket's, and its chart has no basket change to mark. The Broadband Commission's
    target stays on the spliced basket, whose chart marks each change and whose details name them."""
    with duckdb.connect(str(db), read_only=True) as con:
        indicator, code, note = con.execute("""SELECT t.indicator_id, i.source_code, t.note FROM target t
            JOIN indicator i USING (indicator_id) WHERE t.target_id = 'a4ai_1_for_2_2025'""").fetchone()
        assert (indicator, code) == ("mobile_data_1gb_basket_gni", "i271mb_1GB_GNI")
        assert "1 GB" in note and "2023" in note
        off = con.execute("""SELECT count(*) FROM target_progress p WHERE p.target_id = 'a4ai_1_for_2_2025'
            AND p.scope_type = 'country' AND p.latest_value IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM observation o WHERE o.indicator_id = 'mobile_data_1gb_basket_gni' AND o.iso3 = p.scope_id
                AND o.year = p.latest_year AND o.value = p.latest_value)""").fetchone()[0]
        assert off == 0
        assert con.execute("""SELECT min(base_year) FROM target_progress
            WHERE target_id = 'a4ai_1_for_2_2025' AND base_year IS NOT NULL""").fetchone()[0] == 2023
        assert con.execute("SELECT indicator_id FROM target WHERE target_id = 'bbc_broadband_price_2025'"
                           ).fetchone()[0] == "mobile_data_basket_gni"
    figure, _, _, _, detail = page.update_trend("a4ai_1_for_2_2025", "all")
    assert not [s for s in figure["layout"]["shapes"] if s.get("name", "").startswith("definition change")]
    figure, _, _, _, detail = page.update_trend("bbc_broadband_price_2025", "all")
    marks = [s["x0"] for s in figure["layout"]["shapes"] if s.get("name", "").startswith("definition change")]
    assert marks == [2017.5, 2020.5, 2024.5]
    assert "5 GB from 2025" in [note["text"] for note in figure["layout"]["annotations"]]
    assert "changed definition: 1.5 GB from 2018, 2 GB from 2021, 5 GB from 2025" in str(detail)


def test_board_shows_the_statuses_of_target_progress_with_value_and_year(db: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        expected = dict(con.execute(
            "SELECT target_id, status_text FROM target_progress WHERE scope_id = 'world'").fetchall())
        headline = dict(con.execute("""SELECT p.target_id, p.status_text FROM target_progress p JOIN target t
                                       USING (target_id) WHERE p.scope_id = t.scope""").fetchall())
        each = [row[0] for row in con.execute("SELECT target_id FROM target WHERE scope = 'each_country'").fetchall()]
        n_targets, n_without = con.execute(
            "SELECT count(*), count(*) FILTER (indicator_id IS NULL) FROM target").fetchone()
    state = page.TargetsState("all", "umc_internet_use_2030", page.DEFAULT_GROUP_TYPE, page.ALL_GROUPS)
    board = page.board_cards(state)
    assert page.update_board("all", "umc_internet_use_2030").children == render(board)  # what the page shows
    shown = cards(board)
    assert len(shown) == n_targets > 13  # one card per target, those without an open indicator included
    assert n_without >= 4 + 8  # four of the UMC/BBC targets, eight of the ten WSIS 2015 targets
    for target_id, card in shown.items():
        world = [node.children for node in walk(card) if getattr(node, "data-scope", None) == "world"]
        assert world == ([expected[target_id]] if target_id in expected else []), target_id
        for scope_id, badge in [(getattr(n, "data-scope"), n.children) for n in walk(card)
                                if getattr(n, "data-scope", None) not in (None, "world", "economies")]:
            assert badge == headline[target_id], (target_id, scope_id)
    assert "no open indicator" in expected.values()
    assert expected["bbc_internet_world_2025"].startswith("not met: 73.6 % in 2025 (")
    for target_id in each:  # set for each economy: headed by the economies per status, no aggregate's status
        scopes = [getattr(n, "data-scope") for n in walk(shown[target_id]) if getattr(n, "data-scope", None)]
        assert scopes == ["economies"], target_id
    bbc = cards(page.board_cards(page.TargetsState("bbc", "bbc_internet_ldc_2025", "special", "ldc")))
    ldc = bbc["bbc_internet_ldc_2025"]
    assert [getattr(n, "data-scope") for n in walk(ldc) if getattr(n, "data-scope", None)] == ["ldc"]
    links = [node.href for node in walk(bbc["bbc_internet_world_2025"]) if type(node).__name__ == "Link"]
    assert links == ["/targets?framework=bbc&target=bbc_internet_world_2025&group_type=special&group=ldc"]
    a4ai = page.TargetsState("a4ai", "a4ai_1_for_2_2025", page.DEFAULT_GROUP_TYPE, page.ALL_GROUPS)
    assert len(cards(page.board_cards(a4ai))) == 1


def test_the_board_put_together_from_kept_cards_is_the_cards_rendered(db: Path) -> None:
    """board() joins cards rendered once with each view's links: the same HTML as rendering the view's cards,
    for every framework, the chosen card, and links whose address needs escaping (&)."""
    views = [page.TargetsState("all", "umc_internet_use_2030", "special", "ldc"),
             page.TargetsState("bbc", "bbc_internet_ldc_2025", "income_group", page.ALL_GROUPS),
             page.TargetsState("wsis", "wsis_f_government_2015", "m49_region", page.ALL_GROUPS),
             page.TargetsState("umc", "not_a_target", page.DEFAULT_GROUP_TYPE, page.ALL_GROUPS)]
    for state in views:
        board = page.board(state).children
        assert board == render(page.board_cards(state)), state
        assert "&amp;group_type=" in board and "&group_type=" not in board
    assert page.board(views[0]).children.count('aria-current="true"') == 1


def test_the_method_is_the_rules_table(db: Path) -> None:
    items = [node for part in page.method() for node in walk(part) if type(node).__name__ == "Li"]
    assert len(items) == len(status_rules.RULES)
    assert [item.children[0].children for item in items] == [rule.status for rule in status_rules.RULES]


def test_url_parameters_are_parsed_with_notices(db: Path) -> None:
    state, notices = page.parse_state({})
    assert state == ("all", "umc_internet_use_2030", "wb_region", "all") and notices == []
    state, notices = page.parse_state({"framework": "bbc", "target": "nope"})
    assert state.target == "bbc_internet_world_2025" and "Unknown target" in notices[0]
    state, notices = page.parse_state({"framework": "a4ai", "target": "umc_internet_use_2030"})
    assert state.target == "a4ai_1_for_2_2025" and "not part of" in notices[0]
    state, notices = page.parse_state({"framework": "<script>", "group": "ldc", "group_type": "wb_region"})
    assert state.framework == "all" and state.group_type == "special" and state.group == "ldc"
    assert "Unknown framework" in notices[0]
    assert page.encode_state(state) == "?framework=all&target=umc_internet_use_2030&group_type=special&group=ldc"
    assert page.parse_state({"framework": "umc"})[0].target == "umc_internet_use_2030"


def test_callbacks_fill_every_view(db: Path) -> None:
    options, value = page.update_targets("bbc", "umc_internet_use_2030")
    assert value == "bbc_internet_world_2025" and len(options) == 7
    assert page.update_targets("all", "bbc_internet_ldc_2025")[1] == "bbc_internet_ldc_2025"
    assert page.update_groups("special", "wb_region:south_asia")[1] == "all"

    figure, summary, source, _, detail = page.update_trend("bbc_internet_ldc_2025", "wb_region:south_asia")
    names = [trace["name"] for trace in figure["data"]]
    assert names[0] == "Least developed countries"
    assert not any("projection" in name for name in names)  # the deadline has passed: nothing to project
    assert "South Asia" in [trace["name"] for trace in figure["data"]]
    assert summary.startswith("Least developed countries: ") and "status: " in summary
    assert "Licence:" in source and "broadbandcommission.org" in source
    assert "Population coverage" in str(detail)

    # The parity target's world row is the publisher's series: the page says so and draws that series.
    figure, _, source, _, detail = page.update_trend("umc_gender_parity_2030", "all")
    assert "ITU" in source and "world series" in str(detail)
    with duckdb.connect(str(db), read_only=True) as con:
        latest = con.execute("""SELECT latest_year, latest_value FROM target_progress
                                WHERE target_id = 'umc_gender_parity_2030' AND scope_id = 'world'""").fetchone()
    world = figure["data"][0]
    assert world["x"][-1] == latest[0] and math.isclose(world["y"][-1], latest[1])

    figure, summary, _, table = page.update_group_view("umc_internet_use_2030", "income_group", "all")
    assert "Low income" in str(figure["layout"]["yaxis"]["categoryarray"]) and "groups" in summary
    assert "Required pace" in str(table)

    figure, summary, _, table, _, counts = page.update_economies("bbc_internet_ldc_2025", "ldc")
    assert summary.startswith("Of 44 economies in Least developed countries")
    assert sum(len(trace["locations"]) for trace in figure["data"]) == 44
    assert "Afghanistan" in table.children and "met" in str(counts)
    # a group's target lists its members only, even with every group chosen
    assert page.update_economies("bbc_internet_ldc_2025", "all")[1].startswith(
        "Of 44 economies in Least developed countries")

    figure, summary, *_ = page.update_economies("umc_household_access_2030", "all")
    assert "No open indicator" in summary and figure["data"] == []
    assert page.update_query("umc", "umc_internet_use_2030", "special", "ldc") == (
        "?framework=umc&target=umc_internet_use_2030&group_type=special&group=ldc")


POA_URL = "https://www.itu.int/net/wsis/docs/geneva/official/poa.html"
WSIS = "WSIS Geneva Plan of Action 2015"


def node_text(node) -> str:
    children = getattr(node, "children", node)
    if isinstance(children, list | tuple):
        return "".join(node_text(child) for child in children)
    return children if isinstance(children, str) else node_text(children) if hasattr(children, "children") else ""


def test_the_wsis_framework_quotes_its_ten_targets_with_status_at_2015_and_today(db: Path) -> None:
    """Issue 16 part 8: the Plan of Action's ten ¶6 targets, each quoted as the database holds it and linked to
    the Plan; a measured one gives its status at the 2015 deadline (target_progress, world) and today's latest
    value; one no open indicator measures says so, with the note naming what would."""
    with duckdb.connect(str(db), read_only=True) as con:
        expected = {row[0]: row[1:] for row in con.execute("""
            SELECT t.target_id, t.wording, t.source_url, t.indicator_id, t.note, p.status, p.status_text,
                   p.latest_year, p.latest_value, p.status_year, p.deadline_passed
            FROM target t LEFT JOIN target_progress p ON p.target_id = t.target_id AND p.scope_id = 'world'
            WHERE t.framework = ? ORDER BY t.rowid""", [WSIS]).fetchall()}
    assert len({row[0] for row in expected.values()}) == 10  # ten sub-paragraphs (j has two proxies)
    state, notices = page.parse_state({"framework": "wsis"})
    assert notices == [] and state.framework == "wsis"
    assert state.target == "wsis_f_government_2015"  # the first one an open indicator measures
    assert page.encode_state(state).startswith("?framework=wsis&target=wsis_f_government_2015")
    board = page.board_cards(state)
    assert WSIS in [node.children for node in board if type(node).__name__ == "H3"]
    shown = cards(board)
    assert list(shown) == list(expected)
    for target_id, (wording, source_url, indicator, note, status, status_text, latest_year, latest_value,
                    status_year, passed) in expected.items():
        card = shown[target_id]
        assert source_url == POA_URL
        quote = next(node for node in walk(card) if type(node).__name__ == "Blockquote")
        assert quote.children == f"“{wording}”", target_id
        caption = next(node for node in walk(card) if type(node).__name__ == "Figcaption")
        assert [node.href for node in walk(caption) if type(node).__name__ == "A"] == [POA_URL]
        badge = next(node for node in walk(card) if getattr(node, "data-scope", None) == "world")
        assert getattr(badge, "data-status") == status and badge.children == status_text, target_id
        said = node_text(card)
        if indicator is None:
            assert status == "no open indicator" and f"No open indicator measures this target yet. {note}" in said
            assert "Today:" not in said and "by 2015" not in said  # no level of ours to test
        else:
            assert passed and status_year == 2015 and status in ("met", "not met")
            assert "Status at the 2015 deadline (World): " in said
            unit = page._unit(page.target_index()[target_id])
            assert f"Today: {ft.fmt(latest_value, unit)} ({latest_year})" in said, target_id
            assert latest_year > 2015
    options, value = page.update_targets("wsis", "umc_internet_use_2030")
    assert [option["value"] for option in options] == list(expected) and value == "wsis_f_government_2015"
    html_board = page.update_board("wsis", "wsis_f_government_2015").children
    assert html_board.count(f'href="{POA_URL}"') == len(expected)  # one source link per card, under its quote
    # Judged at a deadline that is also the base year, a 2015 target has no pace: the groups are a table.
    figure, summary, _, table = page.update_group_view("wsis_j_access_use_2015", "income_group", "all")
    assert figure["data"] == [] and "No pace to chart" in figure["layout"]["annotations"][0]["text"]
    assert "groups (World Bank income groups)" in summary and "High income" in str(table)


# --- in a browser ---------------------------------------------------------------------------------------


def open_targets(open_page, path: str):
    record = open_page(path)
    record.page.wait_for_selector(f"#{page.Ids.MAP} path.choroplethlocation", state="attached", timeout=30_000)
    record.page.wait_for_selector(f"#{page.Ids.TREND} .scatterlayer .trace", state="attached", timeout=30_000)
    record.page.wait_for_selector(f"#{page.Ids.BOARD} .target-card", timeout=30_000)
    return record


def query(page_) -> dict[str, list[str]]:
    return parse_qs(urlparse(page_.url).query)


@pytest.mark.browser
def test_page_draws_offline_and_framework_changes_board_and_url(open_page, app_url: str) -> None:
    record = open_targets(open_page, "/targets")
    page_ = record.page
    assert page_.locator(f"#{page.Ids.BOARD} .target-card").count() == len(load_targets())
    assert page_.locator(f"#{page.Ids.MAP} path.choroplethlocation").count() >= 150
    assert "Deadline 2030" in page_.locator(f"#{page.Ids.TREND}").text_content()
    assert [url for url in record.requests if not url.startswith(app_url)] == []
    page_.click(f"#{page.Ids.FRAMEWORK}")
    page_.get_by_role("option", name="Broadband Commission 2025").click()
    page_.wait_for_function("() => window.location.search.includes('framework=bbc')")
    page_.wait_for_function("() => document.querySelectorAll('#targets-board .target-card').length === 7")
    assert query(page_)["target"] == ["bbc_internet_world_2025"]
    page_.wait_for_function("() => document.querySelector('#targets-trend .gtitle')?.textContent"
                            ".includes('World against the target')")
    again = open_targets(open_page, page_.url)
    assert again.page.locator(f"#{page.Ids.BOARD} .target-card").count() == 7
    assert "Broadband Commission 2025" in again.page.locator(f"#{page.Ids.FRAMEWORK}").inner_text()
    assert query(again.page) == query(page_)
    assert record.errors == [] and again.errors == []


@pytest.mark.browser
def test_the_wsis_framework_opens_from_its_short_address(open_page) -> None:
    record = open_targets(open_page, "/targets?framework=wsis")
    page_ = record.page
    wsis = [target for target in load_targets() if target["framework"] == WSIS]
    assert page_.locator(f"#{page.Ids.BOARD} .target-card").count() == len(wsis)
    assert page_.locator(f"#{page.Ids.BOARD} .target-wording blockquote").count() == len(wsis)
    assert WSIS in page_.locator(f"#{page.Ids.FRAMEWORK}").inner_text()
    assert query(page_)["target"] == ["wsis_f_government_2015"]
    assert "Deadline 2015" in page_.locator(f"#{page.Ids.TREND}").text_content()
    assert record.errors == []


@pytest.mark.browser
def test_unknown_target_gives_a_notice_and_the_default_view(open_page) -> None:
    record = open_targets(open_page, "/targets?target=nope&framework=umc")
    assert "Unknown target" in record.page.locator(f"#{page.Ids.NOTICES}").inner_text()
    record.page.wait_for_function("() => window.location.search.includes('target=umc_internet_use_2030')")
    card = record.page.locator('[data-target="umc_internet_use_2030"]')
    assert card.get_attribute("aria-current") == "true"
    assert record.errors == []


def test_the_about_page_prints_every_status_rule_from_the_table(db: Path) -> None:
    """The rules users read are the rules the ETL applies: the About table is generated from RULES."""
    from dashboard.pages import about

    section = str(about.targets_section())
    for rule in status_rules.RULES:
        for part in (rule.rule_id, rule.status, rule.when):
            assert html.escape(part, quote=False) in section or part in section, part
    assert 'id="status-rules"' in section or "'id': 'status-rules'" in section or "status-rules" in section
    assert f"more than {status_rules.MAX_AGE} years old" in section


def test_target_texts_give_ratios_to_the_third_decimal_the_band_is_judged_on() -> None:
    """A parity band of ±0.02 is judged to the third decimal, as the badges write it: "0.920, from 0.925" beside
    "deteriorating", never "0.92, from 0.92"."""
    from dashboard import figures_targets

    assert figures_targets.fmt(0.9204, "ratio") == "0.920"
    assert figures_targets.fmt(0.9248, "ratio") != figures_targets.fmt(0.9204, "ratio")
    assert figures_targets.fmt_distance(0.0596, "ratio") == "0.060"
    assert figures_targets.fmt(1.96, "% of monthly GNI per capita") == "1.96%"


def test_the_translated_tables_name_every_group_type_and_aggregation_method(db: Path) -> None:
    """The page's marked names (GROUP_TYPE_LABELS, ALL_OF_TYPE, METHODS) cover what the queries and the database
    give, with the same English: a new group type or aggregation method would otherwise show untranslated."""
    from dashboard.queries.targets import GROUP_TYPES
    assert {key: label for key, (label, _) in GROUP_TYPES.items()} == page.GROUP_TYPE_LABELS
    assert {key: f"All {label}" for key, label in page.GROUP_TYPE_LABELS.items()} == page.ALL_OF_TYPE
    with duckdb.connect(str(db), read_only=True) as con:
        methods = {row[0] for row in con.execute("SELECT DISTINCT method FROM group_aggregate").fetchall()}
    assert methods and methods <= set(page.METHODS)
    assert all(text == method.replace("_", " ") for method, text in page.METHODS.items())  # English as before

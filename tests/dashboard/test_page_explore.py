"""Explore's tools (issue 16, part 5): play over the years, log/linear and relative/absolute toggles, the trend's
year range, copy link, the link to the Data page and the sortable ranking; in headless Chromium against a database
built from the real files, plus the pure parts (URL parsing, ranking order, the pairs catalogue) without one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pandas as pd
import pytest

from dashboard import figures
from dashboard.url_state import DEFAULT_SORT, SORTS, encode_state, parse_state
from indicators import catalogue
from indicators.pairs import pairs
from tests.dashboard.dash_tree import walk

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
READY = ("#explore-map path.choroplethlocation", "#explore-trend .scatterlayer .trace", "#explore-ranking tbody tr")


# --- without a browser ---------------------------------------------------------------------------------------


COVERAGE = pd.DataFrame({"year": list(range(1990, 2025)), "economies": [200] * 35})


def _parse(params: dict):
    return parse_state(params, ["internet_use"], lambda _: COVERAGE, {"NOR", "NGA"})


def test_new_url_state_round_trips_and_defaults_stay_out_of_the_link() -> None:
    state, notices = _parse({"scale": "log", "from": "2005", "to": "2015", "sort": "name-asc", "countries": "NOR"})
    assert notices == []
    assert (state.scale, state.year_from, state.year_to, state.sort) == ("log", 2005, 2015, "name-asc")
    assert parse_qs(encode_state(state).lstrip("?")) == {
        "indicator": ["internet_use"], "year": ["2024"], "countries": ["NOR"], "scale": ["log"], "from": ["2005"],
        "to": ["2015"], "sort": ["name-asc"]}
    plain, _ = _parse({})
    assert (plain.scale, plain.year_from, plain.year_to, plain.sort) == (None, None, None, DEFAULT_SORT)
    assert not {"scale", "from", "to", "sort"} & set(parse_qs(encode_state(plain).lstrip("?")))


def test_bad_new_values_fall_back_with_a_notice() -> None:
    state, notices = _parse({"scale": "cubic", "from": "２０1０", "to": "1800", "sort": "random"})
    assert (state.scale, state.year_from, state.sort) == (None, None, DEFAULT_SORT)
    assert state.year_to == 1990  # a year before the indicator's first is clamped to it
    assert len(notices) == 3 and "scale" in notices[0] and "from" in notices[1] and "sort order" in notices[2]
    swapped, notices = _parse({"from": "2020", "to": "2000"})
    assert (swapped.year_from, swapped.year_to) == (2000, 2020) and "swapped" in notices[0]
    clamped, notices = _parse({"from": "1950", "to": "2999"})
    assert (clamped.year_from, clamped.year_to) == (None, None) and notices == []  # the whole range: defaults


def test_ranking_orders_keep_each_economy_rank() -> None:
    reported = pd.DataFrame({"name": ["bolivia", "Åland", "Chad", "Angola"], "value": [5.0, 9.0, 5.0, 1.0]})
    ranked = figures.ranking(reported, 2024)
    rank_of = dict(zip(ranked["name"], ranked["rank"], strict=True))
    expected = {"value-desc": ["Åland", "bolivia", "Chad", "Angola"],
                "value-asc": ["Angola", "bolivia", "Chad", "Åland"],
                "name-asc": ["Angola", "bolivia", "Chad", "Åland"], "name-desc": ["Åland", "Chad", "bolivia", "Angola"]}
    for key, (column, descending) in SORTS.items():
        ordered = figures.sort_ranking(ranked, column, descending)
        assert ordered["name"].tolist() == expected[key], key
        assert dict(zip(ordered["name"], ordered["rank"], strict=True)) == rank_of


def test_an_empty_ranking_sorts_every_way() -> None:
    """A group with no economy reporting in the year ranks nobody; sorting that must not fail (it answered 500)."""
    ranked = figures.ranking(pd.DataFrame({"name": [], "value": []}), 2022)
    for column, descending in SORTS.values():
        assert figures.sort_ranking(ranked, column, descending).empty


def test_pairs_join_a_relative_and_an_absolute_measure_of_one_concept() -> None:
    found = pairs()
    assert len(found) >= 4
    for indicator_id, pair in found.items():
        assert indicator_id in pair.values()
        units = {kind: catalogue().indicators[pair[kind]].unit.unit_id for kind in pair}
        assert units["relative"] != units["absolute"], pair


def test_every_pair_has_data_for_both_members(built_db: Path) -> None:
    with duckdb.connect(str(built_db), read_only=True) as connection:
        held = {row[0] for row in connection.execute("SELECT DISTINCT indicator_id FROM observation_total").fetchall()}
    missing = sorted(indicator_id for indicator_id in pairs() if indicator_id not in held)
    # A pair is offered only when both are in the database (the toggle would otherwise switch to an empty map).
    assert missing == [], missing


# --- in the browser ----------------------------------------------------------------------------------------------


def test_the_layouts_ids_are_the_ones_named_in_ids(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every component id in the page is a constant of Ids, and every constant names a component: an id written as
    a bare string, or a stale constant, fails."""
    monkeypatch.setenv("DDI_DB", str(built_db))
    import app  # noqa: F401  (the Dash app must exist before a page module registers itself)
    from dashboard.pages import explore as page

    named = {value for name, value in vars(page.Ids).items() if name.isupper()} - {page.Ids.PAGE}
    assert {c.id for c in walk(page.layout()) if isinstance(getattr(c, "id", None), str)} == named


@pytest.fixture
def explore(browser, app_url: str):
    """Open an Explore URL in a fresh context (options: reduced motion, clipboard access), wait for its charts, and
    collect console errors."""
    contexts = []

    def open_explore(path: str, **options):
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, **options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(app_url + path)
        for selector in READY:
            page.wait_for_selector(selector, state="attached", timeout=30_000)
        return page

    yield open_explore
    for context in contexts:
        context.close()


def _choose(page, dropdown: str, option: str) -> None:
    """Open one of Explore's small dropdowns and pick an option, as a user would with the mouse."""
    page.click(dropdown)
    page.get_by_role("option", name=option).click()


def _map_year(page) -> int:
    return int(page.locator("#explore-map .gtitle").text_content().rsplit(" ", 1)[-1])


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _last_year(db_path: Path, indicator_id: str = "internet_use") -> int:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute("SELECT max(year) FROM observation_total WHERE indicator_id = ?",
                                  [indicator_id]).fetchone()[0]


browser_test = pytest.mark.browser


@browser_test
def test_play_steps_through_the_years_and_stops_at_the_last(explore, built_db: Path) -> None:
    last = _last_year(built_db)
    page = explore(f"/explore?year={last - 2}&countries=NOR")
    button = page.get_by_role("button", name="Play the years on the map and ranking")
    assert button.get_attribute("aria-pressed") == "false"
    button.focus()
    page.keyboard.press("Enter")  # keyboard-operable: a real button
    page.wait_for_function("() => document.querySelector('#explore-play').getAttribute('aria-pressed') === 'true'")
    page.wait_for_function(f"() => document.querySelector('#explore-map .gtitle').textContent.endsWith('{last}')",
                           timeout=15_000)
    # At the last year the timer stops by itself and the button reads Play again.
    page.wait_for_function("() => document.querySelector('#explore-play').getAttribute('aria-pressed') === 'false'")
    assert "Play" in page.locator("#explore-play").inner_text()
    assert _query(page)["year"] == [str(last)]
    ranking_year = page.locator("#explore-ranking tbody tr td").nth(3).inner_text()
    assert ranking_year == str(last)
    assert page.errors == []


@browser_test
def test_pause_stops_the_years(explore) -> None:
    page = explore("/explore?year=2000&countries=NOR")
    page.click("#explore-play")
    page.wait_for_function("() => document.querySelector('#explore-map .gtitle').textContent.endsWith('2002')",
                           timeout=15_000)
    page.click("#explore-play")  # now "Pause"
    page.wait_for_function("() => document.querySelector('#explore-play').getAttribute('aria-pressed') === 'false'")
    page.wait_for_timeout(500)  # a redraw already asked for lands
    held = _map_year(page)
    page.wait_for_timeout(3_500)  # over two ticks of the timer
    assert _map_year(page) == held
    assert page.errors == []


@browser_test
def test_reduced_motion_steps_on_click_only(explore) -> None:
    page = explore("/explore?year=2010&countries=NOR", reduced_motion="reduce")
    assert page.evaluate("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
    page.click("#explore-play")
    page.wait_for_function("() => document.querySelector('#explore-map .gtitle').textContent.endsWith('2011')")
    page.wait_for_timeout(4_000)  # the timer would have moved on twice by now
    assert _map_year(page) == 2011
    assert page.locator("#explore-play").get_attribute("aria-pressed") == "false"
    page.click("#explore-play")
    page.wait_for_function("() => document.querySelector('#explore-map .gtitle').textContent.endsWith('2012')")
    assert page.errors == []


PLOT = "(document.querySelector('#explore-trend .js-plotly-plot') || document.querySelector('#explore-trend'))"


def _trend(page) -> dict:
    return page.evaluate(f"""() => {{
        const plot = {PLOT};
        return {{yaxis: plot._fullLayout.yaxis.type,
                traces: plot.data.map(t => ({{name: t.name, x: t.x}}))}};
    }}""")


@browser_test
def test_log_axis_and_year_range_from_the_url(explore, built_db: Path) -> None:
    page = explore("/explore?countries=NOR,NGA&scale=log&from=2005&to=2015")
    trend = _trend(page)
    assert trend["yaxis"] == "log"
    assert page.locator("#explore-scale").inner_text().strip() == "Log"
    with duckdb.connect(str(built_db), read_only=True) as connection:
        expected = {name: [int(year) for year in years] for name, years in connection.execute("""
            SELECT c.name, list(o.year ORDER BY o.year) FROM observation_total o JOIN country c USING (iso3)
            WHERE o.indicator_id = 'internet_use' AND o.iso3 IN ('NOR', 'NGA') AND o.year BETWEEN 2005 AND 2015
            GROUP BY c.name""").fetchall()}
    drawn = {trace["name"]: trace["x"] for trace in trend["traces"] if trace["name"] in expected}
    assert drawn == expected
    assert all(2005 <= x <= 2015 for trace in trend["traces"] for x in trace["x"])
    # The linear choice rewrites the address (log is not internet use's own scale, so linear leaves the link).
    _choose(page, "#explore-scale", "Linear")
    page.wait_for_function("() => !window.location.search.includes('scale=')")
    page.wait_for_function(f"() => {PLOT}._fullLayout.yaxis.type === 'linear'")
    assert page.errors == []


@browser_test
def test_copy_link_puts_the_address_on_the_clipboard(explore) -> None:
    page = explore("/explore?countries=NOR&sort=name-asc", permissions=["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy link").click()
    page.wait_for_function("() => document.querySelector('#explore-copy-status').textContent === 'Link copied.'")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    assert page.locator("#explore-link-field").inner_text() == page.url
    assert "sort=name-asc" in page.url
    assert page.errors == []


@browser_test
def test_data_link_carries_the_selection(explore) -> None:
    page = explore("/explore?indicator=mobile_subscriptions&countries=NOR,NGA&from=2005&to=2015")
    href = page.locator("#explore-data-link").get_attribute("href")
    assert urlparse(href).path == "/data"
    assert parse_qs(urlparse(href).query) == {"indicator": ["mobile_subscriptions"], "countries": ["NOR,NGA"],
                                              "from": ["2005"], "to": ["2015"]}
    page.click("#explore-data-link")
    page.wait_for_selector("#data-table table", state="attached", timeout=30_000)
    assert page.locator("#data-notices").inner_text().strip() == ""
    years = {int(cell) for cell in page.locator("#data-table table tbody tr td:nth-child(4)").all_inner_texts()
             if cell.strip().isdigit()}
    table = page.locator("#data-table table").inner_text()
    assert "Norway" in table and "Nigeria" in table
    assert years and min(years) >= 2005 and max(years) <= 2015, years
    assert page.errors == []


def _ranking(page) -> list[tuple[str, str]]:
    rows = page.locator("#explore-ranking tbody tr")
    return [tuple(row.locator("td").all_inner_texts()[1:3]) for row in rows.all()]


def _check_order(page, sort: str) -> None:
    """The ranking's rows are in the order `sort` (a url_state.SORTS key) says, and the caption says so."""
    column, descending = SORTS[sort]
    rows = _ranking(page)
    if column == "name":
        names = [name for name, _ in rows]
        assert names == sorted(names, key=str.casefold, reverse=descending)
    else:
        values = [float(value.replace(",", "").split()[0]) for _, value in rows]
        assert values == sorted(values, reverse=descending)


@browser_test
def test_sorting_the_ranking(explore) -> None:
    page = explore("/explore?countries=NOR")
    _check_order(page, "value-desc")
    names = [name for name, _ in _ranking(page)]
    # From the keyboard: Enter opens the order's list on the chosen option, an arrow moves, Enter chooses.
    page.focus("#explore-sort")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.value === 'value-desc'")  # the list opened on the choice
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.activeElement.value === 'value-asc'")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search.includes('sort=value-asc')")
    page.wait_for_function("() => document.querySelector('#explore-ranking .caption').textContent"
                           ".includes('lowest first')")
    _check_order(page, "value-asc")
    _choose(page, "#explore-sort", "Name, A–Z")
    page.wait_for_function("() => window.location.search.includes('sort=name-asc')")
    page.wait_for_function(f"() => document.querySelector('#explore-ranking tbody td:nth-child(2)').textContent"
                           f" === {json.dumps(sorted(names, key=str.casefold)[0])}")
    _check_order(page, "name-asc")
    assert "by name, A to Z" in page.locator("#explore-ranking .caption").inner_text()
    assert page.errors == []


@browser_test
def test_relative_absolute_toggle_switches_to_the_paired_indicator(explore) -> None:
    page = explore("/explore?indicator=fixed_broadband_per_100&countries=NOR")
    assert page.locator("#explore-measure-box").is_visible()
    _choose(page, "#explore-measure", "Absolute (subscriptions)")
    page.wait_for_function("() => window.location.search.includes('indicator=fixed_broadband_subscriptions')")
    page.wait_for_function("() => document.querySelector('#explore-map .gtitle').textContent"
                           ".startsWith('Fixed-broadband subscriptions,')")
    assert page.locator("#explore-scale").inner_text().strip() == "Log"  # a count: its own scale, log
    _choose(page, "#explore-measure", "Relative (per 100 inhabitants)")
    page.wait_for_function("() => window.location.search.includes('indicator=fixed_broadband_per_100')")
    # An indicator without a partner hides the toggle.
    unpaired = explore("/explore?countries=NOR")
    assert not unpaired.locator("#explore-measure-box").is_visible()
    assert page.errors == [] and unpaired.errors == []


@browser_test
def test_new_controls_have_no_serious_accessibility_violation(explore) -> None:
    page = explore("/explore?indicator=fixed_broadband_per_100&countries=NOR&from=2010")
    page.get_by_role("button", name="Copy link").click()
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)


def _component(tree, wanted: str) -> dict:
    """The component with id `wanted` in a layout's JSON."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == wanted:
            return tree
        children = [tree.get("props", {}).get("children"), *tree.values()]
    elif isinstance(tree, list):
        children = tree
    else:
        return {}
    for child in children:
        found = _component(child, wanted)
        if found:
            return found
    return {}


def test_the_map_note_counts_the_economies_on_the_map(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The note under the map says how many economies report a value for the year, and the map draws that many (the
    note once showed the trend's definition-change note in its place)."""
    monkeypatch.setenv("DDI_DB", str(built_db))
    import app as app_module

    app_module.warm_up()
    client = app_module.server.test_client()
    for year in (2015, 2022):
        referrer = f"http://localhost/explore?indicator=internet_use&year={year}"
        layout = client.get("/_dash-layout", headers={"Referer": referrer, "Accept": "application/json"}).get_json()
        note = _component(layout, "explore-map-note")["props"]["children"]
        figure = _component(layout, "explore-map")["props"]["figure"]
        drawn = sum(value is not None for trace in figure["data"] for value in trace.get("z", []))
        reported, total = (int(number) for number in
                           re.match(rf"(\d+) of (\d+) economies report a value for {year}", note).groups())
        assert reported == drawn and total >= reported, (note, drawn)


def test_the_trend_table_writes_whole_years_with_or_without_an_aggregate() -> None:
    """The chosen economies' years are whole numbers even where no aggregate row follows them (they once came out
    as "2,023.0")."""
    import app  # noqa: F401  (the Dash app must exist before a page module registers itself)
    from dashboard.pages.explore import _trend_rows

    series = pd.DataFrame({"name": ["Norway", "Norway"], "year": [2022, 2023], "value": [98.0, 99.0]})
    aggregate = pd.DataFrame({"year": [2023], "value": [67.4]})
    for rows in (_trend_rows(series, "World", aggregate.iloc[:0], []),
                 _trend_rows(series, "World", aggregate, ["93%"])):
        assert [type(year) for year in rows["year"]] == [int] * len(rows), rows

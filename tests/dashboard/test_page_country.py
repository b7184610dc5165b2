"""The /country profile: values against the database, groups from group_member, notices for bad codes,
the figure builders on small frames, and the page in a browser."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import dash
import duckdb
import pandas as pd
import pytest
from dash import dcc

import app  # noqa: F401  (registers the pages, as gunicorn does)
from dashboard import components
from dashboard import figures_country as fc
from dashboard.pages import country as page
from tests.dashboard.dash_tree import walk

# A page's first draw waits for plotly.js and, right after the app starts, for a gunicorn worker still
# importing: generous on a busy 2-core machine (a drawn page takes about 3 s).
READY_MS = 60_000
TOTAL = "sex = 'total' AND area = 'total' AND age = 'total'"



def text(component) -> str:
    """The visible text of a component (strings of its whole subtree)."""
    parts = []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if isinstance(child, str | int | float):
            parts.append(str(child))
        elif hasattr(child, "to_plotly_json"):
            parts.append(text(child))
    return " ".join(part for part in parts if part)


class _Rows(HTMLParser):
    """Rows of the HTML tables a page renders as HtmlBlocks: {attribute value: [cell texts]}."""

    def __init__(self, attribute: str) -> None:
        super().__init__()
        self.attribute, self.rows, self.current, self.cell = attribute, {}, None, None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "tr" and self.attribute in attrs:
            self.current = self.rows.setdefault(attrs[self.attribute], [])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = ""

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.current.append(self.cell)
            self.cell = None
        elif tag == "tr":
            self.current = None

    def handle_data(self, data) -> None:
        if self.cell is not None:
            self.cell += data


def table_rows(component, attribute: str = "data-indicator") -> dict[str, list[str]]:
    """The cells of every table row carrying `attribute` in a component tree (HTML in HtmlBlocks)."""
    parser = _Rows(attribute)
    for node in walk(component):
        if type(node).__name__ == "HtmlBlock":
            parser.feed(node.children)
    return parser.rows


def groups_of(db, iso3: str) -> dict[str, str]:
    """The economy's region and (own) income group, straight from group_member ⋈ country_group."""
    found = db.execute("""
        SELECT cg.group_type, cg.group_id FROM group_member gm JOIN country_group cg USING (group_id)
        JOIN country c ON c.iso3 = gm.iso3
        WHERE gm.iso3 = ?
          AND (cg.group_type = 'wb_region' OR (cg.group_type = 'income_group' AND cg.name = c.income_group))
    """, [iso3]).fetchall()
    return dict(found)


# --- values against the database -------------------------------------------------------------------------


def test_norway_shows_its_latest_internet_use_with_year_and_source(db) -> None:
    year, value, source = db.execute(f"""
        SELECT year, value, source_id FROM observation WHERE indicator_id = 'internet_use' AND iso3 = 'NOR' AND {TOTAL}
        ORDER BY year DESC LIMIT 1""").fetchone()
    profile = page.profile("NOR").set_index("indicator_id")
    assert int(profile.loc["internet_use", "year"]) == year
    assert profile.loc["internet_use", "value"] == pytest.approx(value)
    assert profile.loc["internet_use", "source_id"] == source

    layout = page.layout(iso3="NOR")
    cells = table_rows(layout)["internet_use"]
    assert cells[1] == str(year)
    assert cells[2] == fc.format_number(value)
    publisher, vintage, licence = db.execute(
        "SELECT publisher, vintage, license FROM source WHERE source_id = ?", [source]).fetchone()
    assert publisher in cells[-1] and licence in cells[-1] and vintage.isoformat() in cells[-1]


def test_region_and_income_group_values_equal_group_aggregate(db) -> None:
    groups = groups_of(db, "NOR")
    assert groups == {"wb_region": "wb_region:europe_central_asia", "income_group": "income_group:high_income"}
    profile = page.profile("NOR")
    checked = 0
    for key, group_id in (("region", groups["wb_region"]), ("income", groups["income_group"])):
        with_value = profile.dropna(subset=[f"{key}_value"])
        assert len(with_value) > 20
        for row in with_value.itertuples():
            expected = db.execute(f"""
                SELECT value, population_coverage FROM group_aggregate
                WHERE indicator_id = ? AND group_id = ? AND year = ? AND {TOTAL}""",
                [row.indicator_id, group_id, int(getattr(row, f"{key}_year"))]).fetchone()
            assert getattr(row, f"{key}_value") == pytest.approx(expected[0]), (row.indicator_id, key)
            assert getattr(row, f"{key}_coverage") == pytest.approx(expected[1])
            # The group's year is the economy's, or the nearest one with a group value.
            nearest = db.execute(f"""
                SELECT min(abs(year - ?)) FROM group_aggregate
                WHERE indicator_id = ? AND group_id = ? AND value IS NOT NULL AND {TOTAL}""",
                [int(row.year), row.indicator_id, group_id]).fetchone()[0]
            assert abs(int(getattr(row, f"{key}_year")) - int(row.year)) == nearest, (row.indicator_id, key)
            checked += 1
    internet = profile.set_index("indicator_id").loc["internet_use"]
    region_2024 = db.execute(f"""SELECT value FROM group_aggregate WHERE indicator_id = 'internet_use'
        AND group_id = 'wb_region:europe_central_asia' AND year = ? AND {TOTAL}""", [int(internet["year"])]).fetchone()
    assert internet["region_value"] == pytest.approx(region_2024[0])  # the same year as Norway's value
    assert checked > 50


def test_an_economy_in_two_income_groups_is_compared_with_its_own(db) -> None:
    # India is in "Lower middle income" and in "Low and middle income": the profile uses the former.
    groups = page.economy_groups("IND")
    assert groups["income"]["group_id"] == "income_group:lower_middle_income"
    assert groups["region"]["group_id"] == "wb_region:south_asia"


def test_breakdowns_by_sex_are_the_latest_year_with_both(db) -> None:
    year, female, male = db.execute("""
        SELECT year, max(value) FILTER (WHERE sex = 'female'), max(value) FILTER (WHERE sex = 'male')
        FROM observation WHERE indicator_id = 'internet_use' AND iso3 = 'IND' AND area = 'total' AND age = 'total'
        GROUP BY year HAVING count(*) FILTER (WHERE sex IN ('female', 'male')) = 2 ORDER BY year DESC LIMIT 1
    """).fetchone()
    row = page.profile("IND").set_index("indicator_id").loc["internet_use"]
    assert (int(row["sex_year"]), row["female"], row["male"]) == (year, pytest.approx(female), pytest.approx(male))


def test_every_indicator_is_listed_once_under_a_theme(db) -> None:
    layout = page.layout(iso3="NOR")
    themes = next(node for node in walk(layout) if getattr(node, "id", None) == "country-themes")
    listed = []
    for node in walk(themes):
        if type(node).__name__ == "HtmlBlock":
            listed += re.findall(r'<tr data-indicator="([^"]+)"', node.children)
    with_data = db.execute(f"SELECT DISTINCT indicator_id FROM observation WHERE iso3 = 'NOR' AND {TOTAL}").fetchall()
    assert sorted(listed) == sorted(indicator for (indicator,) in with_data)
    assert "No open indicator with data for Norway" in text(themes)  # e.g. artificial intelligence


def test_targets_are_those_that_apply_with_the_computed_status(db) -> None:
    norway = page.targets("NOR").set_index("target_id")
    assert "bbc_internet_ldc_2025" not in norway.index  # a target for LDCs is not Norway's
    assert "umc_internet_use_2030" in norway.index
    status, badge = db.execute("SELECT status, status_text FROM target_progress "
                               "WHERE target_id = 'umc_internet_use_2030' AND scope_id = 'NOR'").fetchone()
    assert norway.loc["umc_internet_use_2030", "status"] == status
    ldc = db.execute("SELECT iso3 FROM country WHERE is_ldc ORDER BY iso3 LIMIT 1").fetchone()[0]
    assert "bbc_internet_ldc_2025" in set(page.targets(ldc)["target_id"])
    layout = page.layout(iso3="NOR")
    rendered = table_rows(layout, "data-target")
    assert sorted(rendered) == sorted(norway.index)
    assert rendered["umc_internet_use_2030"][3] == badge and badge.startswith(status)


def test_the_headline_charts_carry_the_groups_lines_summary_and_source(db) -> None:
    layout = page.layout(iso3="NOR")
    outputs = page.headline_outputs(page.economy_row("NOR"))
    drawn = next(node for node in walk(layout) if getattr(node, "id", None) == "country-trend-internet_use")
    assert drawn.figure == outputs[0]  # the layout comes with the charts drawn
    assert len(outputs) == 4 * len(page.HEADLINES)
    figure, summary, source, table = outputs[:4]  # Internet use
    assert [trace["name"] for trace in figure["data"]] == ["Norway", "Europe & Central Asia", "High income"]
    assert summary.startswith("Individuals using the Internet: Norway 99.0 % in 2024")
    assert "IT.NET.USER.ZS" in source and "Licence: CC BY 4.0" in source
    assert '<th scope="col">Year</th><th scope="col">Norway</th><th scope="col">Europe &amp; Central Asia</th>' \
        in table.children
    affordability = outputs[12]
    assert affordability["layout"]["shapes"][0]["y0"] == 2.0
    # The spliced data basket: each definition change is marked and named under the chart.
    marks = [s["x0"] for s in affordability["layout"]["shapes"] if s.get("name", "").startswith("definition change")]
    assert marks == [2017.5, 2020.5, 2024.5]
    assert "5 GB from 2025" in outputs[14]
    assert not [s for s in outputs[0]["layout"]["shapes"] if s.get("name")]  # Internet use: no change
    graphs = {node.id for node in walk(layout) if isinstance(node, dcc.Graph)}
    assert graphs == {f"country-trend-{indicator}" for indicator, _ in page.HEADLINES}


def test_the_layouts_ids_are_the_ones_named_in_ids(db) -> None:
    """Every component id of the index and of a profile is a constant or builder of Ids (a headline chart's also
    name its -summary, -source and -table parts), and every constant names a component: an id written as a bare
    string, or a stale constant, fails."""
    ids = page.Ids

    def component_ids(layout) -> set[str]:
        return {node.id for node in walk(layout) if isinstance(getattr(node, "id", None), str)}

    index, profile = component_ids(page.layout()), component_ids(page.layout(iso3="NOR"))
    named = {value for name, value in vars(ids).items() if name.isupper()} - {ids.PAGE}
    trends = {part for indicator_id, _ in page.HEADLINES for part, _ in components.chart_parts(ids.trend(indicator_id))}
    themes = {node.id for node in walk(page.layout(iso3="NOR")) if getattr(node, "className", None) == "theme-block"}
    assert themes and all(theme == ids.theme(theme.removeprefix(ids.theme(""))) for theme in themes)
    assert index == {ids.MAIN, ids.NOTICES, ids.CHOOSE, ids.NAV, ids.DIRECTORY}
    assert index | profile == named | trends | themes


@pytest.mark.parametrize("code", ["ZZZ", "<script>alert(1)</script>", "%3Cscript%3E", "no", "NOR/extra"])
def test_unknown_or_malformed_code_gives_a_notice_and_the_list(db, code: str) -> None:
    layout = page.layout(iso3=code)
    notices = next(node for node in walk(layout) if getattr(node, "id", None) == "country-notices")
    assert "No economy with the code" in text(notices)
    ids = {getattr(node, "id", None) for node in walk(layout)}
    assert "country-directory" in ids and "country-choose" in ids


def test_the_index_lists_every_economy_without_a_notice(db) -> None:
    layout = page.layout()
    notices = next(node for node in walk(layout) if getattr(node, "id", None) == "country-notices")
    assert text(notices) == ""
    links = [node.href for node in walk(layout) if type(node).__name__ == "Link"]
    assert len(links) == db.execute("SELECT count(*) FROM country").fetchone()[0]
    assert "/country/NOR" in links


def test_the_lede_names_the_groups_and_the_special_categories(db) -> None:
    lede = page.layout(iso3="AFG").children[1].children
    assert "income group: Low income" in lede
    assert "least developed country" in lede and "landlocked developing" in lede
    assert "least developed" not in page.layout(iso3="NOR").children[1].children


def test_lowercase_codes_open_the_profile_and_the_title_names_the_economy(db) -> None:
    layout = page.layout(iso3="nor")
    assert text(layout.children[0]) == "Norway (NOR)"
    assert page._title(iso3="NOR").startswith("Norway")
    assert page._title(iso3="ZZZ").startswith("Country profiles")
    assert page._title().startswith("Country profiles")


def test_picking_an_economy_navigates_to_its_profile() -> None:
    assert page.go_to_profile("NGA") == "/country/NGA"
    assert page.go_to_profile(None) is dash.no_update
    assert page.go_to_profile("javascript:alert(1)") is dash.no_update


# --- figure builders and wording, on small frames ------------------------------------------------------------


def series(**lines: list[tuple[int, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"line": line, "year": year, "value": value}
                         for line, points in lines.items() for year, value in points])


LABELS = {"economy": "India", "region": "South Asia", "income": "Lower middle income"}


def test_trend_draws_economy_region_and_income_lines_apart_without_colour() -> None:
    figure = fc.headline_trend(series(region=[(2020, 40.0)], economy=[(2021, 50.0), (2020, 43.0)],
                                      income=[(2020, 38.0)]), LABELS, "Internet use", "% of population")
    assert [trace["name"] for trace in figure["data"]] == ["India", "South Asia", "Lower middle income"]
    assert figure["data"][0]["x"] == [2020, 2021] and figure["data"][0]["y"] == [43.0, 50.0]
    assert [trace["line"]["dash"] for trace in figure["data"]] == ["solid", "dash", "dot"]
    assert figure["layout"]["shapes"] == []


def test_affordability_trend_has_the_two_percent_line() -> None:
    figure = fc.headline_trend(series(economy=[(2024, 1.2)]), LABELS, "Data basket", "% of monthly GNI per capita",
                               threshold=2.0, threshold_label="2 %")
    (shape,) = figure["layout"]["shapes"]
    assert shape["y0"] == shape["y1"] == 2.0


def test_trend_without_economy_data_says_so() -> None:
    figure = fc.headline_trend(series(region=[(2020, 40.0)]), LABELS, "Internet use", "% of population")
    assert [trace["name"] for trace in figure["data"]] == ["South Asia"]
    assert "No data for India" in figure["layout"]["annotations"][0]["text"]
    assert fc.headline_summary(series(region=[(2020, 40.0)]), LABELS, "Internet use", "%") == \
        "No data on Internet use for India."


def test_summary_gives_the_groups_in_the_same_year_or_names_their_year() -> None:
    frame = series(economy=[(2010, 7.0), (2025, 70.0)], region=[(2024, 63.3)], income=[(2025, 60.0)])
    assert fc.headline_summary(frame, LABELS, "Internet use", "% of population") == (
        "Internet use: India 70.0 % in 2025 (from 7.0 % in 2010); in 2025: South Asia 63.3 % (2024), "
        "Lower middle income 60.0 %.")


@pytest.mark.parametrize(("value", "expected"), [
    (99.0, "99.0"), (0.707, "0.707"), (2.5, "2.50"), (97310.0, "97,310"), (5_519_594.0, "5.52 M"),
    (4.71e9, "4.71 bn"), (0.0, "0.00"), (float("nan"), "no data"), (None, "no data")])
def test_numbers_are_formatted_by_size(value, expected: str) -> None:
    assert fc.format_number(value) == expected


def test_parity_band_reading() -> None:
    assert fc.parity_reading(0.94) == "women less likely than men"
    assert fc.parity_reading(1.0) == "parity"
    assert fc.parity_reading(1.05) == "men less likely than women"
    assert fc.rural_urban_reading(0.6).startswith("rural residents less likely")


# --- in a browser ---------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_profile_loads_without_errors_or_requests_off_the_host(open_page, app_url: str, built_db: Path) -> None:
    record = open_page("/country/NOR")
    record.page.wait_for_selector("#country-trend-internet_use .scatterlayer .trace", state="attached",
                                  timeout=READY_MS)
    assert record.page.locator("h1").inner_text() == "Norway (NOR)"
    # The tables are HtmlBlocks (HTML the server built): wait for them too.
    record.page.wait_for_selector("#country-themes tr[data-indicator=internet_use] td", timeout=READY_MS)
    row = record.page.locator("#country-themes tr[data-indicator=internet_use] td").all_inner_texts()
    with duckdb.connect(str(built_db), read_only=True) as db:
        year, value = db.execute(f"""SELECT year, value FROM observation WHERE indicator_id = 'internet_use'
            AND iso3 = 'NOR' AND {TOTAL} ORDER BY year DESC LIMIT 1""").fetchone()
    assert row[0] == str(year) and row[1] == fc.format_number(value)
    assert record.page.locator(".country-trends .js-plotly-plot").count() == len(page.HEADLINES)
    assert record.errors == []
    assert [url for url in record.requests if not url.startswith(app_url)] == []
    assert any(url.endswith("/assets/print.css") or "/assets/print.css?" in url for url in record.requests)
    # On paper (a brief, tests/browser/test_brief.py): the site's navigation, the picker, the table toggles and the
    # tables by theme go; the charts, the targets and the gaps stay.
    record.page.emulate_media(media="print")
    assert not record.page.locator(".site-header").is_visible()
    assert not record.page.locator("#country-choose").is_visible()
    assert not record.page.locator("#country-themes tr[data-indicator=internet_use]").is_visible()
    assert record.page.locator("#country-targets tbody tr").first.is_visible()
    pdf = record.page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 2, pages


@pytest.mark.browser
def test_bad_code_shows_a_notice_and_the_picker_opens_a_profile(open_page) -> None:
    record = open_page("/country/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    page_ = record.page
    page_.wait_for_selector("#country-notices .notice", timeout=READY_MS)
    assert "No economy with the code “<script>alert(1)</script>”" in page_.locator("#country-notices").inner_text()
    assert page_.locator("#country-directory a").count() > 200
    page_.click("#country-choose")
    page_.locator("input.dash-dropdown-search").fill("Nigeria")
    page_.get_by_role("option", name="Nigeria (NGA)").click()
    page_.wait_for_url("**/country/NGA")
    page_.wait_for_selector("#country-trend-internet_use .scatterlayer .trace", state="attached", timeout=READY_MS)
    assert page_.locator("h1").inner_text() == "Nigeria (NGA)"
    assert record.errors == []


def test_values_with_a_unit_read_to_its_precision() -> None:
    """A ratio to two decimals without a unit word ("0.85", not "0.848 ratio"); people in millions."""
    assert fc.format_value(0.848, "ratio") == "0.85"
    assert fc.format_number(0.596, "index (0–1)") == "0.60"
    assert fc.format_value(508_647_353.5, "people") == "508.6 million people"
    assert fc.format_value(0.0, "people") == "0 people"


def test_trend_hover_shows_the_publishers_flag() -> None:
    rows = series(economy=[(2021, 50.0), (2020, 43.0)], region=[(2020, 40.0)])
    rows["obs_status"] = ["Estimated", None, None]
    figure = fc.headline_trend(rows, LABELS, "Internet use", "% of population")
    economy, region = figure["data"]
    assert economy["x"] == [2020, 2021] and economy["hovertext"] == ["", " · estimate"]
    assert region["hovertext"] == [""] and "%{hovertext}" in economy["hovertemplate"]


# --- the per-version slices the page reads instead of the frames ---------------------------------------------


def _kinds(records: list[dict]) -> list[list[type]]:
    return [[type(value) for value in record.values()] for record in records]


def test_profile_and_target_records_are_the_frames_rows_with_the_same_python_values(db) -> None:
    # Economies with many rows, with none (no code), in a group-scoped target (an LDC) and at both ends of the order.
    ldc = db.execute("SELECT iso3 FROM country WHERE is_ldc ORDER BY iso3 LIMIT 1").fetchone()[0]
    first, last = db.execute("SELECT min(iso3), max(iso3) FROM country").fetchone()
    for iso3 in ("NOR", "IND", ldc, first, last, "ZZZ"):
        for frame, records in ((page.profile(iso3), page.profile_records(iso3)),
                               (page.targets(iso3), page.target_records(iso3))):
            expected = frame.to_dict("records")
            assert repr(records) == repr(expected), iso3  # nan, None and NaT where the frame has them
            assert _kinds(records) == _kinds(expected), iso3  # a numpy bool would fail `is True`
    assert len(page.profile_records("NOR")) > 50 and page.target_records("ZZZ") == []


def test_headline_lines_are_the_headline_series_split_by_line(db) -> None:
    ids = tuple(indicator for indicator, _ in page.HEADLINES)
    for iso3 in ("NOR", "IND", "AFG"):
        groups = {key: group["group_id"] for key, group in page.economy_groups(iso3).items()}
        frame = page.headline_series(iso3, groups, list(ids))
        lines = page.headline_lines(iso3, groups, ids)
        for indicator_id in ids:
            rows = frame[frame["indicator_id"] == indicator_id]
            split = {line: (years, values) for line, (years, values, _flags) in lines[indicator_id].items()}
            assert split == fc.split_lines(rows), (iso3, indicator_id)
            assert set(split) <= {"economy", "region", "income"} and "economy" in split
            own = rows[rows["line"] == "economy"]
            assert lines[indicator_id]["economy"][2] == own["obs_status"].tolist()


def test_headline_outputs_equal_those_drawn_from_the_frames(db) -> None:
    # The figure, summary and table built from the per-version lines are those the frame functions give.
    for iso3 in ("NOR", "AFG"):
        economy = page.economy_row(iso3)
        groups = page.economy_groups(iso3)
        labels = {"economy": economy["name"], **{key: group["name"] for key, group in groups.items()}}
        frame = page.headline_series(iso3, {key: group["group_id"] for key, group in groups.items()},
                                     [indicator for indicator, _ in page.HEADLINES])
        outputs = page.headline_outputs(economy)
        for position, (indicator_id, threshold) in enumerate(page.HEADLINES):
            rows = frame[frame["indicator_id"] == indicator_id]
            figure, summary, _source, table = outputs[4 * position:4 * position + 4]
            name = figure["layout"]["title"]["text"]
            unit = figure["layout"]["meta"]["unit"]
            assert figure == fc.headline_trend(rows, labels, name, unit, threshold=threshold,
                                               threshold_label="2 % of monthly GNI per capita" if threshold else "",
                                               changes=page.localized.definition_changes(
                                                   page.common.definition_changes(indicator_id)))
            assert summary == fc.headline_summary(rows, labels, name, unit)
            assert table.children == components.data_table(page._wide(rows, labels), digits=2).children
    no_data = page._wide_table({}, {"economy": "Norway"})
    assert no_data.children == components.data_table(page._wide(pd.DataFrame({"line": [], "year": [], "value": []}),
                                                                    {"economy": "Norway"}), digits=2).children

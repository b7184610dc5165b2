"""Gaps page (/gaps): figure builders on small frames, callbacks against the built database, and the page
in Chromium.

Expectations are read from the built database with DuckDB directly, not through the page's own queries,
so a wrong filter (breakdown, edition, group, latest year) in the page shows up as a mismatch.
"""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest

import app  # noqa: F401  (the Dash app must exist before a page module registers itself)
from dashboard import components
from dashboard import figures_gaps as fg
from dashboard.pages import gaps as gaps_page
from dashboard.pages.gaps import Ids
from dashboard.queries import common
from dashboard.queries import gaps as gap_queries
from dashboard.rows import plain_records
from tests.dashboard.dash_tree import find, walk

pytestmark = pytest.mark.browser

GENDER, URBAN = fg.GAPS["gender"], fg.GAPS["urban_rural"]
TOTAL = "sex = 'total' AND area = 'total' AND age = 'total'"
# update_group_charts returns, in order: series (figure, summary, source, table, note), published (same),
# parity (figure, summary, source, table), scatter (figure, summary, source, table).
SERIES, SERIES_SUMMARY, SERIES_SOURCE, SERIES_NOTE = 0, 1, 2, 4
PUBLISHED, PUBLISHED_SUMMARY, PUBLISHED_SOURCE, PUBLISHED_NOTE = 5, 6, 7, 9
PARITY, PARITY_SUMMARY, PARITY_TABLE = 10, 11, 13
SCATTER, SCATTER_SUMMARY, SCATTER_TABLE = 14, 15, 17


def db_rows(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql, params or []).df()


def valid(figure: dict) -> go.Figure:
    """The builders skip plotly's validation for speed: validate here (raises on any invalid property)."""
    return go.Figure(figure)


def traces(figure: dict) -> dict[str, dict]:
    return {trace["name"]: trace for trace in figure["data"]}


# --- figure builders on small frames ----------------------------------------------------------------------------


def members(values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame({"iso3": [f"C{i:02d}" for i in range(len(values))],
                         "name": [f"Country {i}" for i in range(len(values))],
                         "year": [2019 if value is not None else None for value in values],
                         "value": values})


def test_parity_chart_shades_the_parity_band_and_sorts_members_by_status() -> None:
    figure = fg.parity_dots(members([0.5, 0.99, 1.0, 1.3, None]), GENDER, "Test group", {"year": 2020, "value": 0.9})
    valid(figure)
    bands = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "rect"]
    assert [(band["x0"], band["x1"]) for band in bands] == [(0.98, 1.02)]
    by_status = {trace["name"]: trace["x"] for trace in figure["data"]}
    assert by_status == {"Below the parity band": [0.5], "Within the band (0.98–1.02)": [0.99, 1.0],
                         "Above the band": [1.3]}
    assert figure["data"][0]["y"] == ["Country 0 (2019)"]  # the survey year is in the label
    group_line = [shape for shape in figure["layout"]["shapes"] if shape["line"].get("dash") == "dash"]
    assert group_line[0]["x0"] == 0.9
    assert "parity band 0.98–1.02" in figure["layout"]["annotations"][0]["text"]


def test_parity_summary_and_table_count_members_without_data() -> None:
    rows = members([0.5, 0.99, None])
    summary = fg.parity_summary(rows, GENDER, "Test group")
    assert summary.startswith("2 of 3 members of Test group have a survey value")
    assert "1 within the parity band, 1 below it" in summary
    table = fg.parity_table(rows)
    assert table["value"].tolist() == ["0.500", "0.990", "no data"]


def test_group_series_draws_values_and_marks_years_below_the_coverage_threshold() -> None:
    rows = pd.DataFrame({"year": [2018, 2018, 2019, 2019], "category": ["female", "male"] * 2,
                         "value": [None, None, 50.0, 60.0], "population_coverage": [0.2, 0.2, 0.8, 0.8],
                         "n_countries": [10, 10, 40, 40], "n_members": [50] * 4})
    figure = fg.group_series(rows, GENDER, "Test group")
    valid(figure)
    named = traces(figure)
    assert named["Women (our aggregate)"]["y"] == [50.0] and named["Men (our aggregate)"]["y"] == [60.0]
    crosses = named["No value: coverage under 50 %"]
    assert crosses["x"] == [2018] and crosses["customdata"] == [20.0]
    assert "population coverage" in named["Women (our aggregate)"]["hovertemplate"]
    assert fg.coverage_note(rows, "Test group").startswith("No value for 2018: the economies reporting cover only 20 %")
    assert "ratio 0.83" in fg.series_summary(rows, GENDER, "Test group")


@pytest.mark.parametrize(("gini", "direction"), [([0.9, 0.5, 0.2], "narrowing"), ([0.2, 0.3, 0.4], "widening"),
                                                 ([0.3, 0.5, 0.305], "roughly unchanged")])
def test_inequality_direction_follows_the_first_and_last_gini(gini: list[float], direction: str) -> None:
    rows = pd.DataFrame({"year": [2000, 2010, 2020], "n_countries": [150] * 3, "gini": gini,
                         "theil": [0.4] * 3, "theil_between": [0.3] * 3, "theil_within": [0.1] * 3})
    assert fg.inequality_direction(rows) == direction
    summary = fg.inequality_summary(rows)
    assert summary.startswith(f"The divide in Internet use between countries is {direction}")
    assert f"{gini[0]:.2f} in 2000" in summary and f"{gini[-1]:.2f} in 2020" in summary
    assert "75 % of the Theil index" in summary
    valid(fg.inequality(rows))


def test_rank_correlation_matches_pandas() -> None:
    x, y = [3.0, 1.0, 2.0, 2.0, 9.0], [10.0, 30.0, 20.0, 25.0, 1.0]
    expected = pd.Series(x).rank().corr(pd.Series(y).rank())
    assert math.isclose(fg.rank_correlation(x, y), expected)


@pytest.mark.parametrize("odd", ["²", "١٢", "9" * 5000])
def test_a_unicode_or_huge_year_falls_back_to_the_latest(gaps, odd: str) -> None:
    *_, year, notices = gaps.parse_query({"year": odd})
    assert year is None and any("No gap data for year" in notice for notice in notices)
    assert "year" not in gaps.encode_query("gender", "world", ("NOR",), odd)
    assert gaps.update_group_charts("gender", "world", odd)[SCATTER_SUMMARY]  # each economy's latest year


def test_the_data_table_escapes_every_cell(gaps) -> None:
    frame = pd.DataFrame({"name": ["<script>alert(1)</script>", "A|B"], "value": [1.25, None]})
    text = gaps._table(frame, {"name": "Economy"}).children
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert '<th scope="col">Economy</th><th scope="col">value</th>' in text
    assert text.count("<tr>") == 3 and "<td>1.2</td>" in text and "<td></td>" in text


# --- callbacks against the built database -----------------------------------------------------------------------


@pytest.fixture
def gaps(built_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DDI_DB", str(built_db))
    return gaps_page  # its queries now read the built database


def component_ids(layout) -> set[str]:
    return {component.id for component in walk(layout) if isinstance(getattr(component, "id", None), str)}


def test_a_table_of_python_objects_shows_missing_values_empty_and_numbers_formatted(gaps) -> None:
    frame = fg.table_frame([("Økonomi <b>", 1.5, None), ("B", float("nan"), 3)], ["name", "value", "count"])
    assert frame["count"].tolist() == [None, 3] and len(frame) == 2
    text = gaps._table(frame, {"name": "Economy"}).children
    assert "<td>Økonomi &lt;b&gt;</td><td>1.5</td><td></td>" in text and "<td>B</td><td></td><td>3</td>" in text
    assert "No data" in gaps._table(fg.table_frame([], ["name"]), {}).children


@pytest.mark.parametrize("group", ["world", "ldc", "m49_region:africa", "income_group:high_income", "sids"])
def test_the_rows_kept_per_version_are_the_queries_rows(gaps, group: str) -> None:
    """The page reads plain rows split by group once per version: they must be the queries' rows, in order."""
    for gap in (GENDER, URBAN):
        assert gap_queries.group_series_rows(group, gap) == plain_records(gap_queries.group_series(group, gap))
        assert gap_queries.member_parity_rows(group, gap) == plain_records(gap_queries.member_parity(group, gap))
        years = gap_queries.scatter_years(gap)
        assert years  # a gap without scatter years would prove nothing below
        for year in (None, years[0], years[-1]):
            assert gap_queries.scatter_rows_plain(group, gap, year) == plain_records(
                gap_queries.scatter_rows(group, gap, year))
        published, _edition = gap_queries.published_series(group, gap)
        assert gap_queries.published_series_rows(group, gap) == plain_records(published)
    match = common.publisher_match(group, "itu_key_ict")
    found = gap_queries.itu_match(group)
    assert (found is None) == (match is None)
    if match is not None:
        assert (found["group_code"], found["match"]) == (match["group_code"], match["match"])


def test_country_rows_are_the_chosen_economies_in_name_and_year_order(gaps, built_db: Path) -> None:
    codes = ("MOZ", "BRA", "FRA", "NOT")
    totals, sides = gap_queries.country_rows(codes, GENDER)
    expected = db_rows(built_db, """SELECT o.iso3, o.year FROM observation_total o JOIN country c USING (iso3)
        WHERE o.indicator_id = 'internet_use' AND o.iso3 IN ('MOZ', 'BRA', 'FRA') ORDER BY c.name, o.year""")
    assert len(expected) and [(row["iso3"], row["year"]) for row in totals] == list(
        zip(expected["iso3"], expected["year"], strict=True))
    by_sex = db_rows(built_db, f"""SELECT o.iso3, o.year, o.sex FROM observation o JOIN country c USING (iso3)
        WHERE o.indicator_id = 'internet_use' AND o.iso3 IN ('MOZ', 'BRA', 'FRA')
          AND {gap_queries.BREAKDOWN_FILTER["sex"]} ORDER BY c.name, o.year, o.sex""")
    assert [(row["iso3"], row["year"], row["category"]) for row in sides] == list(
        zip(by_sex["iso3"], by_sex["year"], by_sex["sex"], strict=True))


@pytest.mark.parametrize(("gap", "group"), [(GENDER, "world"), (GENDER, "income_group:lower_middle_income"),
                                            (URBAN, "m49_region:oceania"), (URBAN, "ldc")])
def test_group_series_equals_the_rows_of_group_aggregate(gaps, built_db: Path, gap: fg.Gap, group: str) -> None:
    result = gaps.update_group_charts(gap.key, group, "latest")
    expected = db_rows(built_db, f"""
        SELECT year, {gap.dimension} AS category, value, population_coverage FROM group_aggregate
        WHERE indicator_id = 'internet_use' AND group_id = ? AND {gap_queries.BREAKDOWN_FILTER[gap.dimension]}
        ORDER BY year""", [group])
    assert len(expected)  # every one of these groups has rows; an empty answer would prove nothing
    figure = valid(result[SERIES]).to_dict()
    drawn = traces(figure)
    for category in gap.pair:
        rows = expected[(expected["category"] == category) & expected["value"].notna()]
        trace = drawn[f"{gap.names[category]} (our aggregate)"]
        assert list(trace["x"]) == rows["year"].tolist()
        assert list(trace["y"]) == pytest.approx(rows["value"].tolist())
        coverage = (100 * rows["population_coverage"]).tolist()
        assert [point[0] for point in trace["customdata"]] == pytest.approx(coverage)
    empty_years = sorted(set(expected.loc[expected["value"].isna(), "year"]))
    crosses = drawn.get("No value: coverage under 50 %", {"x": []})
    assert list(crosses["x"]) == empty_years
    assert (result[SERIES_NOTE] != "") == bool(empty_years)
    assert "licence" in result[SERIES_SOURCE]


def test_world_gender_series_reports_the_only_covered_year(gaps, built_db: Path) -> None:
    result = gaps.update_group_charts("gender", "world", "latest")
    row = db_rows(built_db, """SELECT year, sex, value, population_coverage FROM group_aggregate
        WHERE indicator_id = 'internet_use' AND group_id = 'world' AND sex IN ('female', 'male')
          AND area = 'total' AND age = 'total' AND value IS NOT NULL ORDER BY year DESC, sex LIMIT 2""")
    female, male = row.iloc[0], row.iloc[1]
    assert result[SERIES_SUMMARY] == (
        f"In {female['year']}, {female['value']:.1f} % of women and {male['value']:.1f} % of men in World used the "
        f"Internet by our aggregate (ratio {female['value'] / male['value']:.2f}; population coverage "
        f"{100 * female['population_coverage']:.0f} %).")
    assert "No value for" in result[SERIES_NOTE] and "under the 50 %" in result[SERIES_NOTE]


def test_publisher_series_is_the_newest_itu_edition_for_the_matching_group(gaps, built_db: Path) -> None:
    result = gaps.update_group_charts("gender", "ldc", "latest")
    expected = db_rows(built_db, """SELECT p.group_code, p.group_name, p.year, p.sex, p.value, s.vintage
        FROM published_aggregate p JOIN source s USING (source_id)
        WHERE s.dataset_key = 'itu_key_ict' AND p.indicator_id = 'internet_use' AND p.area = 'total'
          AND p.age = 'total' AND p.sex IN ('female', 'male') AND p.group_code IN ('itu:ldc', 'itu:world')
          AND s.vintage = (SELECT max(vintage) FROM source WHERE dataset_key = 'itu_key_ict')
        ORDER BY p.year""")
    drawn = traces(valid(result[PUBLISHED]).to_dict())
    for (code, sex), rows in expected.groupby(["group_code", "sex"]):
        trace = drawn[f"{GENDER.names[sex]}, {rows['group_name'].iloc[0]} (ITU)"]
        assert list(trace["x"]) == rows["year"].tolist() and list(trace["y"]) == pytest.approx(rows["value"].tolist())
        assert trace["line"]["dash"] == ("solid" if code == "itu:ldc" else "dot")
    vintage = pd.Timestamp(expected["vintage"].iloc[0]).date().isoformat()
    assert vintage in result[PUBLISHED_SOURCE] and "not ours" in result[PUBLISHED_SOURCE]
    assert "ITU's own aggregate for Least developed countries" in result[PUBLISHED_NOTE]
    # A group ITU does not publish falls back to ITU's World, and says so.
    other = gaps.update_group_charts("gender", "m49_region:oceania", "latest")
    assert {trace["name"] for trace in other[PUBLISHED]["data"]} == {"Women, World (ITU)", "Men, World (ITU)"}
    assert "ITU publishes no aggregate for Oceania" in other[PUBLISHED_NOTE]
    # A group ITU publishes under another definition is shown beside ours, saying how they differ
    # (indicators/publisher_groups.yaml): ITU's Africa for Sub-Saharan Africa.
    africa = gaps.update_group_charts("gender", "wb_region:sub_saharan_africa", "latest")
    assert {trace["name"] for trace in africa[PUBLISHED]["data"]} >= {"Women, Africa (ITU)", "Men, Africa (ITU)"}
    assert "not the same" in africa[PUBLISHED_NOTE] and "Arab States" in africa[PUBLISHED_NOTE]
    assert "publishes no aggregate" not in africa[PUBLISHED_NOTE]


@pytest.mark.parametrize(("gap", "group"), [(GENDER, "ldc"), (URBAN, "world")])
def test_parity_chart_shows_each_members_latest_value_inside_the_band_frame(gaps, built_db: Path, gap: fg.Gap,
                                                                          group: str) -> None:
    result = gaps.update_group_charts(gap.key, group, "latest")
    expected = db_rows(built_db, f"""
        SELECT c.name, o.year, o.value FROM observation o JOIN country c USING (iso3)
        JOIN group_member m ON m.iso3 = o.iso3 AND m.group_id = ?
        WHERE o.indicator_id = ? AND o.{TOTAL.replace(' AND ', ' AND o.')}
        QUALIFY row_number() OVER (PARTITION BY o.iso3 ORDER BY o.year DESC) = 1""", [group, gap.parity_indicator])
    n_members = int(db_rows(built_db, "SELECT count(*) AS n FROM group_member WHERE group_id = ?", [group])["n"][0])
    figure = valid(result[PARITY]).to_dict()
    drawn = {label: value for trace in figure["data"] for label, value in zip(trace["y"], trace["x"], strict=True)}
    assert drawn == pytest.approx({f"{row.name} ({row.year})": row.value for row in expected.itertuples()})
    assert any(shape["type"] == "rect" and (shape["x0"], shape["x1"]) == (0.98, 1.02)
               for shape in figure["layout"]["shapes"])
    assert result[PARITY_SUMMARY].startswith(f"{len(expected)} of {n_members} members")
    assert result[PARITY_TABLE].children.count("no data") == n_members - len(expected)


def test_scatter_takes_each_economys_latest_year_or_the_chosen_year(gaps, built_db: Path) -> None:
    pairs = db_rows(built_db, f"""
        SELECT o.iso3, o.year, o.value AS gap, g.value AS gni FROM observation o
        JOIN observation g ON g.iso3 = o.iso3 AND g.year = o.year AND g.indicator_id = 'gni_per_capita'
             AND g.{TOTAL.replace(' AND ', ' AND g.')}
        WHERE o.indicator_id = 'internet_gender_gap' AND o.{TOTAL.replace(' AND ', ' AND o.')}""")
    latest = pairs.sort_values("year").drop_duplicates("iso3", keep="last")
    result = gaps.update_group_charts("gender", "world", "latest")
    figure = valid(result[SCATTER]).to_dict()
    assert figure["layout"]["xaxis"]["type"] == "log"
    drawn = sorted(point for trace in figure["data"] for point in zip(trace["x"], trace["y"], strict=True))
    wanted = sorted(zip(latest["gni"], latest["gap"], strict=True))
    assert [x for x, _ in drawn] == pytest.approx([x for x, _ in wanted])
    assert [y for _, y in drawn] == pytest.approx([y for _, y in wanted])
    assert result[SCATTER_SUMMARY].startswith(f"Across {len(latest)} economies")
    in_2019 = gaps.update_group_charts("gender", "world", "2019")
    count = sum(len(trace["x"]) for trace in in_2019[SCATTER]["data"])
    assert count == int((pairs["year"] == 2019).sum()) and ", 2019" in in_2019[SCATTER]["layout"]["title"]["text"]


def test_inequality_summary_direction_matches_the_first_and_last_gini(gaps, built_db: Path) -> None:
    figure, summary, source, _table = gaps.update_inequality()
    rows = db_rows(built_db, "SELECT year, gini FROM inequality WHERE indicator_id = 'internet_use' "
                             "AND gini IS NOT NULL ORDER BY year")
    first, last = rows.iloc[0], rows.iloc[-1]
    direction = "narrowing" if last["gini"] < first["gini"] - 0.01 else (
        "widening" if last["gini"] > first["gini"] + 0.01 else "roughly unchanged")
    assert summary.startswith(f"The divide in Internet use between countries is {direction}")
    assert f"{first['gini']:.2f} in {int(first['year'])}" in summary
    assert f"{last['gini']:.2f} in {int(last['year'])}" in summary
    drawn = traces(valid(figure).to_dict())
    assert list(drawn["Gini"]["y"]) == pytest.approx(rows["gini"].tolist())
    assert drawn["Theil: between regions"]["stackgroup"] == drawn["Theil: within regions"]["stackgroup"]
    assert "licence" in source


def test_country_trend_shows_totals_and_survey_values(gaps, built_db: Path) -> None:
    figure, summary, _source, _table = gaps.update_country_trend("urban_rural", ["CIV", "NOR"])
    drawn = traces(valid(figure).to_dict())
    civ = db_rows(built_db, """SELECT area, value FROM observation WHERE indicator_id = 'internet_use'
        AND iso3 = 'CIV' AND sex = 'total' AND age = 'total' AND area IN ('urban', 'rural')""")
    for row in civ.itertuples():
        assert list(drawn[f"Côte d'Ivoire: {URBAN.nouns[row.area]}"]["y"]) == [row.value]
    assert "Norway: all" in drawn and "Norway: no survey by area" in summary
    empty, empty_summary, _, _ = gaps.update_country_trend("gender", [])
    assert empty["data"] == [] and empty_summary.startswith("Choose countries")


def test_bad_parameters_fall_back_with_notices_and_the_url_is_canonical(gaps) -> None:
    gap, group, countries, year, notices = gaps.parse_query(
        {"gap": "nope", "group": "nope", "countries": "<script>alert(1)</script>", "year": "1900"})
    assert (gap, group, countries, year) == ("gender", "world", gaps.DEFAULT_COUNTRIES, None)
    assert len(notices) == 4 and any("Unknown group “nope”" in notice for notice in notices)
    assert gaps.parse_query({"gap": "urban_rural", "group": "ldc", "countries": "civ,MOZ", "year": "2019"})[:4] == (
        "urban_rural", "ldc", ("CIV", "MOZ"), 2019)
    assert gaps.parse_query({"countries": "none"})[2] == ()
    assert gaps.update_query("urban_rural", "ldc", ["CIV", "MOZ"], "2019") == (
        "?gap=urban_rural&group=ldc&countries=CIV,MOZ&year=2019")
    assert gaps.update_query("gender", "world", [], "latest") == "?gap=gender&group=world&countries=none"
    page = gaps.layout(group="nope", countries="<script>alert(1)</script>")
    notices = find(page, Ids.NOTICES)
    texts = [child.children for child in notices.children]
    assert all(isinstance(text, str) for text in texts)  # shown as text, never as markup
    assert any("<SCRIPT>" in text for text in texts)
    assert find(page, Ids.GROUP).value == "world"
    assert "population by sex" in find(page, Ids.OFFLINE_NOTE).children


def test_the_layouts_ids_are_the_ones_named_in_ids(gaps) -> None:
    """Every component id in the page is a constant of Ids (a chart's also name its -summary, -source and -table
    parts), and every constant names a component: an id written as a bare string, or a stale constant, fails."""
    charts = [Ids.SERIES, Ids.PUBLISHED, Ids.PARITY, Ids.SCATTER, Ids.COUNTRIES_TREND, Ids.INEQUALITY]
    named = {value for name, value in vars(Ids).items() if name.isupper()} - {Ids.PAGE}
    parts = {part for chart in charts for part, _ in components.chart_parts(chart)}
    assert component_ids(gaps.layout()) == named | parts


def test_a_new_gap_keeps_a_year_it_has_and_drops_one_it_lacks(gaps) -> None:
    options, value = gaps.update_year_options("urban_rural", "2016")
    assert value == gaps.LATEST and "2016" not in [option["value"] for option in options]
    assert gaps.update_year_options("gender", "2019")[1] == "2019"


# --- in a browser ---------------------------------------------------------------------------------------------


def open_gaps(open_page, path: str):
    record = open_page(path)
    for chart in (Ids.SERIES, Ids.PUBLISHED, Ids.PARITY, Ids.SCATTER, Ids.INEQUALITY):
        record.page.wait_for_selector(f"#{chart} .scatterlayer .trace", state="attached", timeout=30_000)
    return record


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def title(page, chart: str) -> str:
    return page.locator(f"#{chart} .gtitle").first.text_content()


def test_page_draws_every_chart_offline_without_errors(open_page, app_url: str) -> None:
    record = open_gaps(open_page, "/gaps")
    page = record.page
    assert title(page, Ids.SERIES) == "Internet use, women and men: World (our aggregate)"
    assert "parity band 0.98–1.02" in page.locator(f"#{Ids.PARITY}").text_content()
    assert page.locator(f"#{Ids.PARITY} .scatterlayer .point").count() >= 100
    assert "narrowing" in page.locator(f"#{Ids.INEQUALITY}-summary").inner_text()
    assert "not ours" in page.locator(f"#{Ids.PUBLISHED}-source").inner_text()
    assert "population by sex" in page.locator(f"#{Ids.OFFLINE_NOTE}").inner_text()
    assert query(page)["gap"] == ["gender"] and query(page)["group"] == ["world"]
    assert record.errors == []
    assert [url for url in record.requests if not url.startswith(app_url)] == []


def test_switching_to_urban_rural_updates_charts_and_url_and_the_url_restores_it(open_page) -> None:
    record = open_gaps(open_page, "/gaps?group=ldc")
    page = record.page
    page.click(f"#{Ids.GAP}")
    page.get_by_role("option", name="Urban and rural").click()
    page.wait_for_function("() => window.location.search.includes('gap=urban_rural')", timeout=15_000)
    page.wait_for_function(f"() => document.querySelector('#{Ids.SERIES} .gtitle').textContent"
                           ".startsWith('Internet use, urban and rural')", timeout=15_000)
    assert title(page, Ids.SERIES) == "Internet use, urban and rural: Least developed countries (our aggregate)"
    page.wait_for_function(f"() => document.querySelector('#{Ids.PARITY} .gtitle').textContent"
                           ".startsWith('Rural ÷ urban')", timeout=15_000)
    again = open_gaps(open_page, page.url)
    assert title(again.page, Ids.SERIES) == title(page, Ids.SERIES)
    assert title(again.page, Ids.PARITY) == title(page, Ids.PARITY)
    assert query(again.page) == query(page)
    assert "Urban and rural" in again.page.locator(f"#{Ids.GAP}").inner_text()
    assert record.errors == [] and again.errors == []


def test_an_unknown_group_gives_a_notice_and_the_world_view(open_page) -> None:
    record = open_gaps(open_page, "/gaps?group=nope&countries=%3Cscript%3Ealert(1)%3C/script%3E")
    page = record.page
    notices = page.locator(f"#{Ids.NOTICES}").inner_text()
    assert "Unknown group “nope”: showing world instead." in notices
    assert "Ignored unknown country codes" in notices
    assert title(page, Ids.SERIES) == "Internet use, women and men: World (our aggregate)"
    assert query(page)["group"] == ["world"]
    assert page.locator(f"#{Ids.NOTICES} script").count() == 0
    assert record.errors == []

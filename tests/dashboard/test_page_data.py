"""The /data page: URL state, the on-screen table and the CSV / Parquet downloads against direct queries,
and the page in a browser (filters, URL, a real download)."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

import app  # registers the pages (as gunicorn does) and the /download/ route
from dashboard import data_files
from dashboard import data_selection as selection
from dashboard.pages import data_download as page
from dashboard.pages.data_download import Ids
from dashboard.queries import data_download as queries
from tests.dashboard.dash_tree import walk

# A page's first draw waits for plotly.js and, right after the app starts, for a gunicorn worker still
# importing: generous on a busy 2-core machine (a drawn page takes about 3 s).
READY_MS = 60_000
DIRECT = """
    SELECT o.indicator_id, o.iso3, c.name, o.year, o.sex, o.area, o.age, o.value, o.obs_status, i.unit, o.source_id,
           s.license
    FROM observation o JOIN country c ON c.iso3 = o.iso3 JOIN indicator i ON i.indicator_id = o.indicator_id
    JOIN source s ON s.source_id = o.source_id
    WHERE {where}
"""
KEYS = ["indicator_id", "iso3", "year", "sex", "area", "age"]


def direct(db, where: str, params: list | None = None) -> pd.DataFrame:
    """The rows a selection must hold, asked of the database without the page's code."""
    return db.execute(DIRECT.format(where=where), params or []).df().sort_values(KEYS).reset_index(drop=True)



def fetch(scope: str, extension: str, query: str = ""):
    """A file from the app's /download/ route (dashboard/downloads.py), through Flask's test client."""
    response = app.server.test_client().get(f"/download/{scope}.{extension}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


class _Cells(HTMLParser):
    """The body rows of an HTML table string, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows, self.cell, self.in_body = [], None, False

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag == "td" and self.in_body:
            self.cell = ""

    def handle_endtag(self, tag) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data) -> None:
        if self.cell is not None:
            self.cell += data


def cells_of(table) -> list[list[str]]:
    """The on-screen table's rows (the page renders them as escaped HTML in one HtmlBlock)."""
    parser = _Cells()
    parser.feed(table.children)
    return parser.rows


def read_csv(response) -> pd.DataFrame:
    # keep_default_na=False: no code or label is read as missing; floats are read back exactly (pandas 3).
    return pd.read_csv(io.BytesIO(response.get_data()), keep_default_na=False)


def read_parquet(response) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(response.get_data()))


def attachment_name(response) -> str:
    return response.headers["Content-Disposition"].removeprefix('attachment; filename="').rstrip('"')


def flags_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """obs_status with "" for no flag (CSV and XLSX write a missing flag as an empty cell)."""
    return frame.assign(obs_status=frame["obs_status"].astype(object).where(frame["obs_status"].notna(), "")
                        .astype(str))


def same_rows(frame: pd.DataFrame, expected: pd.DataFrame) -> None:
    ordered = flags_as_text(frame.sort_values(KEYS).reset_index(drop=True))
    assert list(frame.columns) == page.COLUMNS
    pd.testing.assert_frame_equal(ordered, flags_as_text(expected), check_dtype=False, check_exact=True)


# --- URL state --------------------------------------------------------------------------------------------------


def test_parameters_give_a_state_and_the_canonical_query_round_trips(db) -> None:
    state, notices = page.parse_params({"indicator": "internet_use,mobile_broadband_per_100", "group": "ldc",
                                        "from": "2015", "to": "2020", "sex": "all", "page": "2"})
    assert notices == []
    assert state == page.DataState(("internet_use", "mobile_broadband_per_100"), (), "ldc", 2015, 2020, "all",
                                   "total", "total", 2)
    query = page.encode_params(state)
    assert query == "?indicator=internet_use,mobile_broadband_per_100&group=ldc&from=2015&to=2020&sex=all&page=2"
    assert selection.state_from_query(query) == state


def test_bad_parameters_fall_back_with_notices(db) -> None:
    state, notices = page.parse_params({"indicator": "nope,<b>x</b>", "countries": "NOR,<script>", "group": "ldc",
                                        "from": "20x5", "to": "1990", "sex": "robot", "age": "15-24"})
    text = " ".join(notices)
    for expected in ("Ignored unknown indicators", "No known indicator", "Ignored unknown country codes",
                     "countries are used", "Ignored “from” year", "Unknown sex"):
        assert expected in text
    assert state.indicators == (selection.DEFAULT_INDICATOR,)
    assert (state.countries, state.group, state.year_from, state.year_to) == (("NOR",), None, None, 1990)
    assert (state.sex, state.age) == ("total", "15-24")
    swapped, notices = page.parse_params({"from": "2020", "to": "2010"})
    assert (swapped.year_from, swapped.year_to) == (2010, 2020) and "swapped" in notices[0]


# --- the table and the downloads against direct queries --------------------------------------------------------------


@pytest.mark.parametrize("odd", ["²", "١٢", "9" * 5000, "2\x00"])
def test_unicode_or_huge_numbers_in_the_link_fall_back(db, odd: str) -> None:
    state, notices = page.parse_params({"page": odd, "from": odd, "to": odd})
    assert (state.page, state.year_from, state.year_to) == (1, None, None)
    assert sum("four-digit year" in notice for notice in notices) == 2
    assert selection.query_errors({"from": odd}) == [f"“from” is not a four-digit year: {odd[:10]}"]


def test_downloads_of_the_selection_hold_exactly_the_rows_on_screen(db) -> None:
    state, _ = page.parse_params({"indicator": "internet_use,mobile_broadband_per_100,fixed_broadband_per_100",
                                  "group": "ldc", "from": "2005", "to": "2020", "sex": "all"})
    table, status, _, query, _, pages = page.render(state)
    expected = direct(db, """o.indicator_id IN ('internet_use', 'mobile_broadband_per_100', 'fixed_broadband_per_100')
        AND o.iso3 IN (SELECT iso3 FROM group_member WHERE group_id = 'ldc') AND o.year BETWEEN 2005 AND 2020
        AND o.area = 'total' AND o.age = 'total'""")
    assert page.PAGE_ROWS < len(expected) < page.SCREEN_CAP
    assert f"of {len(expected):,}" in status and pages == -(-len(expected) // page.PAGE_ROWS)

    csv = read_csv(fetch("selection", "csv", query))
    same_rows(csv, expected)
    same_rows(read_parquet(fetch("selection", "parquet", query)), expected)

    # Every page of the on-screen table, in order, is the download.
    shown = []
    for number in range(1, pages + 1):
        table, *_ = page.render(state._replace(page=number))
        shown += cells_of(table)
    assert [row[:7] for row in shown] == csv[page.COLUMNS[:7]].astype(str).values.tolist()
    assert [float(row[7]) for row in shown] == pytest.approx(csv["value"].tolist(), rel=1e-5)


def test_xlsx_holds_the_rows_and_a_sheet_of_metadata(db) -> None:
    query = "?indicator=internet_use,people_offline&countries=NOR,IND&from=2019&to=2022"
    expected = direct(db, """o.indicator_id IN ('internet_use', 'people_offline') AND o.iso3 IN ('NOR', 'IND')
        AND o.year BETWEEN 2019 AND 2022 AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'""")
    response = fetch("selection", "xlsx", query)
    assert attachment_name(response) == "ddi_internet_use+people_offline_selection.xlsx"
    sheets = pd.read_excel(io.BytesIO(response.get_data()), sheet_name=None, keep_default_na=False)
    assert list(sheets) == ["data", "metadata"]
    rows = sheets["data"]
    # Excel holds 15 significant digits (openpyxl writes some doubles so): equal to that, and the rest exactly.
    assert rows.sort_values(KEYS)["value"].tolist() == pytest.approx(expected["value"].tolist(), rel=1e-14)
    same_rows(rows.drop(columns="value").assign(value=0.0)[page.COLUMNS], expected.assign(value=0.0))
    about = sheets["metadata"]
    assert {"Indicator", "Unit", "Publisher", "Dataset", "Source release", "Release date", "Licence",
            "Attribution"} <= set(about.columns)
    releases = db.execute("""SELECT DISTINCT o.indicator_id, o.source_id, s.license, s.attribution, i.unit
        FROM observation o JOIN source s USING (source_id) JOIN indicator i USING (indicator_id)
        WHERE o.indicator_id IN ('internet_use', 'people_offline') AND o.iso3 IN ('NOR', 'IND')
        AND o.year BETWEEN 2019 AND 2022 AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'""").fetchall()
    assert sorted(about[["Indicator", "Source release", "Licence", "Attribution", "Unit"]].itertuples(
        index=False, name=None)) == sorted(releases)


def test_an_xlsx_past_its_row_limit_says_to_take_csv_or_parquet(db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_files, "XLSX_MAX_ROWS", 10)  # the limit of the files module downloads.py uses
    response = app.server.test_client().get("/download/selection.xlsx?indicator=internet_use&countries=NOR")
    assert response.status_code == 413 and response.mimetype == "text/plain"
    assert "at most 10 rows" in response.get_data(as_text=True) and "CSV or Parquet" in response.get_data(as_text=True)
    assert fetch("selection", "csv", "?indicator=internet_use&countries=NOR").status_code == 200


def test_every_row_carries_the_publishers_flag_to_screen_and_file(db) -> None:
    flagged = db.execute("""SELECT indicator_id, iso3, year, obs_status FROM observation
        WHERE obs_status IN ('Estimated', 'Break') AND sex = 'total' AND area = 'total' AND age = 'total'
        ORDER BY obs_status DESC, indicator_id, iso3, year LIMIT 1""").fetchone()
    indicator, iso3, year, status = flagged
    query = f"?indicator={indicator}&countries={iso3}&from={year}&to={year}"
    for frame in (read_csv(fetch("selection", "csv", query)), read_parquet(fetch("selection", "parquet", query)),
                  pd.read_excel(io.BytesIO(fetch("selection", "xlsx", query).get_data()), sheet_name="data")):
        assert frame["obs_status"].tolist() == [status]
    table, *_ = page.render(selection.state_from_query(query))
    assert 'scope="col">Flag<' in table.children
    flag_column = page.COLUMNS.index("obs_status")
    words = {"Estimated": "estimate", "Break": "break in series"}
    assert [row[flag_column] for row in cells_of(table)] == [words[status]]


def test_full_series_downloads_hold_every_observation_of_the_indicators(db) -> None:
    query = "?indicator=internet_gender_parity,coverage_4g&countries=NOR&from=2020&sex=female"
    expected = direct(db, "o.indicator_id IN ('internet_gender_parity', 'coverage_4g')")
    same_rows(read_csv(fetch("full", "csv", query)), expected)
    parquet = fetch("full", "parquet", query)
    assert attachment_name(parquet) == "ddi_internet_gender_parity+coverage_4g_full.parquet"
    same_rows(read_parquet(parquet), expected)


def test_the_screen_is_capped_but_the_download_is_not(db) -> None:
    state, _ = page.parse_params({"indicator": "population"})
    rows, total, _ = queries.screen(state)
    expected = direct(db, "o.indicator_id = 'population' AND o.sex = 'total' AND o.area = 'total' "
                          "AND o.age = 'total'")
    assert total == len(expected) > page.SCREEN_CAP
    assert len(rows) == page.SCREEN_CAP
    _, status, _, query, _, pages = page.render(state)
    assert f"first {page.SCREEN_CAP:,} rows" in status and pages == page.SCREEN_CAP // page.PAGE_ROWS
    csv = read_csv(fetch("selection", "csv", query))
    assert len(csv) == total
    pd.testing.assert_frame_equal(flags_as_text(csv.head(page.SCREEN_CAP)), flags_as_text(rows.reset_index(drop=True)),
                                  check_dtype=False)


def test_sources_name_each_release_and_licence(db) -> None:
    state, _ = page.parse_params({"indicator": "internet_use", "countries": "IND", "sex": "all"})
    found = queries.sources(state)
    expected = db.execute("""SELECT DISTINCT o.source_id FROM observation o WHERE indicator_id = 'internet_use'
                             AND iso3 = 'IND' AND area = 'total' AND age = 'total'""").fetchall()
    assert sorted(found["source_id"]) == sorted(source for (source,) in expected)
    assert found["rows"].sum() == len(direct(db, "o.indicator_id = 'internet_use' AND o.iso3 = 'IND' "
                                                 "AND o.area = 'total' AND o.age = 'total'"))
    assert set(found["license"]) <= set(db.execute("SELECT license FROM source").df()["license"])


@pytest.mark.parametrize("params", [
    {"indicator": "internet_use", "countries": "IND", "sex": "all"},
    {"indicator": "population,internet_use,mobile_broadband_per_100", "sex": "all", "area": "all", "age": "all"},
    {"indicator": "internet_use", "group": "ldc", "from": "2030"},
])
def test_the_screen_lists_the_sources_of_the_whole_selection(db, params: dict) -> None:
    """One query gives the screen its rows and its sources, and a download counts them from its rows: both are the
    aggregate's over every row of the selection, the rows past the cap included (the second case has more than
    SCREEN_CAP rows)."""
    state, _ = page.parse_params(params)
    shown = queries.screen(state)
    expected = queries.sources(state)
    # check_dtype=False: an empty query result has object columns where the details frame has string ones
    pd.testing.assert_frame_equal(shown.sources, expected, check_dtype=False)
    assert shown.sources["rows"].sum() == shown.total
    pd.testing.assert_frame_equal(queries.sources_of_rows(queries.selection(state)), expected, check_dtype=False)


@pytest.mark.parametrize("state", [
    queries.DataState(("internet_use", "population", "coverage_4g"), ("NOR", "IND", "KEN"), year_from=2010,
                      sex="all", age="all"),
    queries.DataState(("mobile_broadband_per_100", "internet_use"), group="sids", year_to=2015, sex="all"),
    queries.DataState(("internet_use",), sex="female", age="15-24"),
    queries.DataState(("internet_use",), sex="robot"),  # a value no row has: no rows, not an error
    queries.DataState(("internet_use",), group="atlantis"),  # a group the database does not know: no rows
    queries.DataState(("not_an_indicator",)),
])
def test_the_screens_rows_are_the_downloads_first_rows_in_its_order(db, state: queries.DataState) -> None:
    """The screen reads a copy of every observation kept per database version (queries.observations), the files run
    the query: the same rows, in the same order, with the same counts."""
    shown = queries.screen(state)
    files = queries.selection(state)
    assert shown.total == len(files)
    pd.testing.assert_frame_equal(flags_as_text(shown.rows), flags_as_text(files.head(page.SCREEN_CAP)),
                                  check_dtype=False, check_exact=True)
    pd.testing.assert_frame_equal(shown.sources, queries.sources(state), check_dtype=False)


def test_the_table_callback_as_a_function(db) -> None:
    out = page.update_table(["internet_use"], ["NOR"], None, 2020, 2010, "total", "total", "total", 0, 0, 7)
    table, status, _, query, page_number, years, _, previous_off, next_off, *_ = out
    assert query == "?indicator=internet_use&countries=NOR&from=2010&to=2020"  # years put in order
    assert page_number == 1 and previous_off and next_off  # 11 rows: one page
    assert status.startswith("Rows 1–11 of 11")
    assert [row[3] for row in cells_of(table)] == [str(year) for year in range(2010, 2021)]
    assert years[0]["value"] >= 2024 and years[-1]["value"] <= 1990
    empty = page.update_table([], None, None, None, None, "total", "total", "total", 0, 0, 1)
    assert "Choose at least one indicator" in empty[0].children
    # A hand-made request with values of the wrong types gets a sensible answer, not a server error.
    odd = page.update_table(["internet_use", 5], "NOR", {"x": 1}, "2010", 2020, None, ["x"], "total", 0, 0, "x")
    assert odd[3] == "?indicator=internet_use&to=2020"


def test_a_download_url_without_a_query_gives_the_default_selection(db) -> None:
    plain = fetch("selection", "csv")
    assert attachment_name(plain) == "ddi_internet_use_selection.csv"
    assert plain.mimetype == "text/csv"
    expected = direct(db, "o.indicator_id = 'internet_use' AND o.sex = 'total' AND o.area = 'total' "
                          "AND o.age = 'total'")
    same_rows(read_csv(plain), expected)
    client = app.server.test_client()
    assert client.get("/download/everything.csv").status_code == 404
    assert client.get("/download/selection.json").status_code == 404


@pytest.mark.parametrize(("query", "named"), [
    ("?indicator=bogus", "unknown indicator bogus"),
    ("?indicator=internet_use,bogus", "unknown indicator bogus"),
    ("?indicator=internet_use&countries=NOR,XXX", "unknown country XXX"),
    ("?indicator=internet_use&group=atlantis", "unknown group atlantis"),
    ("?indicator=internet_use&from=abc", "“from” is not a four-digit year: abc"),
    ("?indicator=internet_use&sex=robot", "unknown sex robot"),
    ("?indicator=%3Cscript%3E&countries=NOR%27;DROP&from=abc&sex=%00", "unknown indicator <script>"),
])
@pytest.mark.parametrize("file", ["selection.csv", "full.parquet", "selection.xlsx"])
def test_a_download_link_with_an_unknown_value_is_a_400_with_one_line(db, query: str, named: str, file: str) -> None:
    """Not a 500, and not the default selection under the asked-for name: one line naming the problem."""
    response = app.server.test_client().get(f"/download/{file}{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert named in text and text.count("\n") == 1 and text.startswith("Bad download link:")


def test_the_layouts_ids_are_the_ones_named_in_ids(db) -> None:
    """Every component id in the page is a constant of Ids (or one of its download links), and every constant
    names a component (ROWS names the table inside the HTML block): a bare-string id or a stale constant fails."""
    layout = page.layout(indicator="internet_use", countries="NOR")
    ids = {component.id for component in walk(layout) if isinstance(getattr(component, "id", None), str)}
    named = {value for name, value in vars(Ids).items() if name.isupper() and isinstance(value, str)}
    links = {Ids.download(scope, extension) for scope, extension in page.DOWNLOADS}
    assert ids == (named - {Ids.PAGE, Ids.ROWS}) | links
    assert set(Ids.BREAKDOWN.values()) <= ids
    (table,) = [component for component in walk(layout) if getattr(component, "id", None) == Ids.TABLE]
    assert f'id="{Ids.ROWS}"' in table.children.children


def test_the_links_carry_the_selection(db) -> None:
    layout = page.layout(indicator="internet_use", countries="NOR", sex="female", page="3")
    links = {component.id: component.href for component in walk(layout)
             if getattr(component, "id", "").startswith("data-download-")}
    assert links == {Ids.download(scope, extension):
                     f"/download/{scope}.{extension}?indicator=internet_use&countries=NOR&sex=female"
                     for scope, extension in page.DOWNLOADS}


# --- in a browser ------------------------------------------------------------------------------------------------


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


@pytest.mark.browser
def test_filter_change_updates_table_and_url_and_the_url_restores_it(open_page, app_url: str) -> None:
    record = open_page("/data?indicator=internet_use&countries=NOR,IND&from=2015")
    browser_page = record.page
    browser_page.wait_for_selector(f"#{Ids.ROWS} tbody tr", timeout=READY_MS)
    assert browser_page.locator(f"#{Ids.ROWS} tbody tr").count() > 10
    browser_page.click(f"#{Ids.SEX}")
    browser_page.get_by_role("option", name="Female", exact=True).click()
    browser_page.wait_for_function("() => window.location.search.includes('sex=female')")
    browser_page.wait_for_function(f"() => document.querySelector('#{Ids.STATUS}').textContent.startsWith('Rows 1–')"
                                   f" && [...document.querySelectorAll('#{Ids.ROWS} tbody tr td:nth-child(5)')]"
                                   ".every(td => td.textContent === 'female')")
    status = browser_page.locator(f"#{Ids.STATUS}").inner_text()
    again = open_page(browser_page.url)
    again.page.wait_for_selector(f"#{Ids.ROWS} tbody tr", timeout=READY_MS)
    assert again.page.locator(f"#{Ids.STATUS}").inner_text() == status
    assert query_of(again.page.url) == query_of(browser_page.url)
    assert record.errors == [] and again.errors == []
    assert [url for url in record.requests + again.requests if not url.startswith(app_url)] == []


@pytest.mark.browser
def test_csv_download_matches_the_table(open_page) -> None:
    record = open_page("/data?indicator=internet_use,fixed_broadband_per_100&countries=NOR,NGA&from=2018&to=2022")
    browser_page = record.page
    browser_page.wait_for_selector(f"#{Ids.ROWS} tbody tr", timeout=READY_MS)
    cells = browser_page.locator(f"#{Ids.ROWS} tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))")
    with browser_page.expect_download() as waiting:
        browser_page.click(f"#{Ids.download('selection', 'csv')}")
    download = waiting.value
    assert download.suggested_filename == "ddi_internet_use+fixed_broadband_per_100_selection.csv"
    frame = pd.read_csv(download.path(), keep_default_na=False)
    assert len(frame) == len(cells) > 10
    assert [row[:7] for row in cells] == frame[page.COLUMNS[:7]].astype(str).values.tolist()
    assert [float(row[7]) for row in cells] == pytest.approx(frame["value"].tolist(), rel=1e-5)
    assert [row[8:] for row in cells] == frame[page.COLUMNS[8:]].values.tolist()
    assert record.errors == []


@pytest.mark.browser
def test_bad_parameters_show_notices_and_a_default_table(open_page) -> None:
    record = open_page("/data?indicator=%3Cscript%3Ealert(1)%3C/script%3E&from=abcd")
    record.page.wait_for_selector(f"#{Ids.ROWS} tbody tr", timeout=READY_MS)
    notices = record.page.locator(f"#{Ids.NOTICES}").inner_text()
    assert "Ignored unknown indicators: <script>alert(1)</script>" in notices and "Ignored “from” year" in notices
    assert query_of(record.page.url)["indicator"] == [selection.DEFAULT_INDICATOR]
    assert record.errors == []


def test_a_download_without_a_database_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("DDI_DB", str(tmp_path / "absent.duckdb"))
    response = app.server.test_client().get("/download/full.csv?indicator=internet_use")
    assert response.status_code == 503
    assert "absent.duckdb" in response.get_data(as_text=True)

"""The World Bank API client, `pull` and `parse`, against a real HTTP server on 127.0.0.1.

What is served has the API's real shapes. Data records are the saved API records of
../shared/data/api-samples/worldbank_v2 (2,660 records each, 2014–2023; the program that saved them kept
element [1] of each page only), wrapped in the page header the API sends and split across pages. For catalogue series
with no saved records, records of the same shape carry the values of the real files in ../shared/data/raw
(datahub.io's long copies, or the bulk CSVs). No saved `/v2/country` response could be found,
so the country list is built in the API's record shape from the World Bank's Metadata_Country CSV of
2026-04-08 (FY2026, where VEN and ETH have no income group), with the 2-letter codes the saved records use.
Waits are recorded, not spent.
"""

from __future__ import annotations

import csv
import hashlib
import json
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from etl import classifications, harmonise
from etl.errors import HttpError, RawFileError
from etl.sources import worldbank_api as api
from indicators import catalogue
from tests.conftest import run_etl
from tests.etl.rawfiles import wb_cells

LASTUPDATED = "2026-07-13"
COUNTRY_CSV = "worldbank/wdi_bulk_indicator_csv/2026-04-08/Metadata_Country_API_NY.GNP.PCAP.CD_DS2_en_csv_v2_115503.csv"
REGION_IDS = {"East Asia & Pacific": ("EAS", "Z4"), "Europe & Central Asia": ("ECS", "Z7"),
              "Latin America & Caribbean": ("LCN", "ZJ"), "Middle East & North Africa": ("MEA", "ZQ"),
              "North America": ("NAC", "XU"), "South Asia": ("SAS", "8S"), "Sub-Saharan Africa": ("SSF", "ZG")}
INCOME_IDS = {"High income": ("HIC", "XD"), "Upper middle income": ("UMC", "XT"),
              "Lower middle income": ("LMC", "XN"), "Low income": ("LIC", "XM"), "": ("INX", "XY")}


class Sleeps(list):
    """A stand-in for time.sleep that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# --- what the local World Bank serves ----------------------------------------------------------------------


def page_header(page: int, pages: int, per_page: int, total: int, lastupdated: str = LASTUPDATED) -> dict:
    return {"page": page, "pages": pages, "per_page": per_page, "total": total, "sourceid": "2",
            "lastupdated": lastupdated}


def dump(data) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def paged(records: list[dict], per_page: int, lastupdated: str = LASTUPDATED) -> list[bytes]:
    """The bodies the API sends for `records` at `per_page`: `[header, slice]` per page."""
    pages = max(1, -(-len(records) // per_page))
    return [dump([page_header(n, pages, per_page, len(records), lastupdated),
                  records[(n - 1) * per_page:n * per_page]]) for n in range(1, pages + 1)]


def series_query(per_page: int, page: int) -> dict[str, str]:
    return {"format": "json", "source": "2", "per_page": str(per_page), "page": str(page)}


def serve_series(server: HTTPServer, code: str, bodies: list[bytes], per_page: int) -> None:
    for number, body in enumerate(bodies, start=1):
        server.expect_request(f"/country/all/indicator/{code}", query_string=series_query(per_page, number)) \
            .respond_with_data(body, content_type="application/json")


def serve_countries(server: HTTPServer, records: list[dict]) -> None:
    # The live API writes per_page as a string in this endpoint's header; the client takes both.
    body = dump([{"page": 1, "pages": 1, "per_page": str(api.COUNTRY_PER_PAGE), "total": len(records)}, records])
    server.expect_request("/country", query_string={"format": "json", "per_page": str(api.COUNTRY_PER_PAGE),
                                                    "page": "1"}).respond_with_data(body,
                                                                                    content_type="application/json")


@pytest.fixture(scope="module")
def samples(shared_raw: Path) -> dict[str, list[dict]]:
    folder = shared_raw.parent / "api-samples" / "worldbank_v2"
    return {path.name.split("_records_")[0]: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*_records_*.json"))}


@pytest.fixture(scope="module")
def metadata_rows(shared_raw: Path) -> dict[str, dict]:
    with (shared_raw / COUNTRY_CSV).open(encoding="utf-8-sig", newline="") as handle:
        return {row["Country Code"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def entities(samples) -> list[tuple[str, str, str]]:
    """(countryiso3code, country.id, country.value) in the order the API lists them."""
    seen: dict[tuple[str, str, str], None] = {}
    for record in samples["IT.NET.USER.ZS"]:
        seen.setdefault((record["countryiso3code"], record["country"]["id"], record["country"]["value"]))
    return list(seen)


@pytest.fixture(scope="module")
def country_records(entities, metadata_rows) -> list[dict]:
    """`/v2/country` records for every code of the metadata, plus the API's "Not classified" group."""
    iso2 = {iso3: id2 for iso3, id2, _ in entities if iso3}
    names = {iso3: name for iso3, _, name in entities if iso3}
    by_name = {row["TableName"]: code for code, row in metadata_rows.items()}
    for iso3, id2, name in entities:
        if not iso3 and name in by_name:  # income groups: the records give only XD, XM, …
            iso2[by_name[name]] = id2
    aggregate = {"id": "NA", "iso2code": "NA", "value": "Aggregates"}
    records = []
    for code, row in metadata_rows.items():
        if row["Region"]:
            region_id, region_iso2 = REGION_IDS[row["Region"]]
            # The live API pads some region names with a space ("Latin America & Caribbean ").
            region_name = row["Region"] + (" " if region_id == "LCN" else "")
            region = {"id": region_id, "iso2code": region_iso2, "value": region_name}
            income_id, income_iso2 = INCOME_IDS[row["IncomeGroup"]]
            income = {"id": income_id, "iso2code": income_iso2, "value": row["IncomeGroup"] or "Not classified"}
        else:
            region, income = aggregate, aggregate
        records.append({"id": code, "iso2Code": iso2[code], "name": names.get(code, row["TableName"]),
                        "region": region, "adminregion": {"id": "", "iso2code": "", "value": ""},
                        "incomeLevel": income, "lendingType": {"id": "", "iso2code": "", "value": ""},
                        "capitalCity": "", "longitude": "", "latitude": ""})
    records.append({"id": "INX", "iso2Code": "XY", "name": "Not classified", "region": aggregate,
                    "adminregion": {"id": "", "iso2code": "", "value": ""}, "incomeLevel": aggregate,
                    "lendingType": {"id": "", "iso2code": "", "value": ""}, "capitalCity": "", "longitude": "",
                    "latitude": ""})
    return records


def real_values(shared_raw: Path, code: str) -> dict[tuple[str, int], float]:
    """(code, year) → value for a series, read with the csv module from the newest real file that has it.

    A WDI code with no real file here (e.g. FX.OWN.TOTL.ZS, which findex.yaml lists under also_from) gets
    no values: the API then answers with its entity-year grid, every value null, as it does for years a
    series does not cover.
    """
    long = shared_raw / "worldbank" / "datahub_wdi_long" / code.lower() / "data.csv"
    if long.exists():
        with long.open(encoding="utf-8", newline="") as handle:
            return {(row["Country Code"], int(row["Year"])): float(row["Value"]) for row in csv.DictReader(handle)}
    bulk = sorted((shared_raw / "worldbank" / "wdi_bulk_indicator_csv").glob(f"*/API_{code}_DS2_*.csv"))
    return wb_cells(bulk[-1]) if bulk else {}


@pytest.fixture(scope="module")
def catalogue_records(shared_raw, samples, entities, country_records) -> dict[str, list[dict]]:
    """code → records for every WDI series the catalogue names: the saved samples, else real values."""
    by_iso2 = {record["iso2Code"]: record["id"] for record in country_records}
    names = {code: ind.name for code, ind in catalogue().by_source_code("wdi").items()}
    out = {}
    for code in api.wdi_codes():
        if code in samples:
            out[code] = samples[code]
            continue
        values = real_values(shared_raw, code)
        out[code] = [
            {"indicator": {"id": code, "value": names.get(code, code)}, "country": {"id": id2, "value": name},
             "countryiso3code": iso3, "date": str(year), "value": values.get((iso3 or by_iso2[id2], year)),
             "unit": "", "obs_status": "", "decimal": 0}
            for iso3, id2, name in entities for year in range(2023, 2013, -1)
        ]
    return out


@pytest.fixture
def world_bank(httpserver: HTTPServer, monkeypatch) -> HTTPServer:
    monkeypatch.setenv("DDI_WB_API", httpserver.url_for("").rstrip("/"))
    return httpserver


def base_of(server: HTTPServer) -> str:
    return server.url_for("").rstrip("/")


def files_below(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def expected_rows(records: list[dict], country_records: list[dict]) -> tuple[list, list]:
    """The served non-null records, split as the World Bank's country list says (economies, aggregates)."""
    aggregates = {r["id"] for r in country_records if r["region"]["id"] == "NA"}
    by_iso2 = {r["iso2Code"]: r["id"] for r in country_records}
    economies, groups = [], []
    for record in records:
        if record["value"] is None:
            continue
        code = record["countryiso3code"] or by_iso2[record["country"]["id"]]
        row = (code, int(record["date"]), float(record["value"]))
        (groups if code in aggregates else economies).append(row)
    return sorted(economies), sorted(groups)


# --- paging ------------------------------------------------------------------------------------------------


def test_every_page_is_fetched_in_order_saved_unchanged_and_parsed_back(world_bank, samples, country_records,
                                                                      tmp_path):
    """2,660 records over 6 pages of 500: each body saved byte for byte, parsed back to exactly those records."""
    code, per_page = "IT.NET.USER.ZS", 500
    records = samples[code]
    bodies = paged(records, per_page)
    assert len(bodies) == 6
    serve_countries(world_bank, country_records)
    serve_series(world_bank, code, bodies, per_page)
    raw = tmp_path / "raw"
    before = datetime.now(UTC).replace(microsecond=0)

    folders = api.pull(raw, progress=False, codes=[code], per_page=per_page)

    day = datetime.now(UTC).date().isoformat()
    pull_folder = raw / "worldbank" / "api" / day
    assert folders == [pull_folder / code, pull_folder / "country"]
    asked = [(request.path, request.args.get("page"), request.args.get("source")) for request, _ in world_bank.log]
    assert asked == [("/country", "1", None)] + [(f"/country/all/indicator/{code}", str(n), "2") for n in range(1, 7)]
    for number, body in enumerate(bodies, start=1):
        assert (pull_folder / code / f"page-{number:03d}.json").read_bytes() == body
    origin = yaml.safe_load((pull_folder / "_origin.yml").read_text(encoding="utf-8"))
    assert origin["license"] == "CC BY 4.0"
    assert before <= datetime.fromisoformat(origin["retrieved_at"]) <= datetime.now(UTC)
    assert origin["series"][code]["parameters"] == {"format": "json", "source": 2, "per_page": per_page}
    assert origin["series"][code]["lastupdated"] == LASTUPDATED
    for path in files_below(pull_folder):
        if path.name != "_origin.yml":
            entry = origin["files"][path.relative_to(pull_folder).as_posix()]
            assert entry["sha256"] == sha256(path.read_bytes())
            assert entry["url"].startswith(base_of(world_bank))
    assert set(origin["files"]) == {p.relative_to(pull_folder).as_posix() for p in files_below(pull_folder)
                                    if p.name != "_origin.yml"}

    (frames,) = api.parse(raw)

    economies, groups = expected_rows(records, country_records)
    obs, ref = frames.observations, frames.reference
    assert sorted(zip(obs["entity"], obs["year"], obs["value"], strict=True)) == economies
    assert sorted(zip(ref["group_code"], ref["year"], ref["value"], strict=True)) == groups
    assert len(economies) + len(groups) == sum(r["value"] is not None for r in records)
    assert {"WLD", "HIC", "LIC", "SSF"} <= set(ref["group_code"])
    assert ref.loc[(ref["group_code"] == "WLD") & (ref["year"] == 2023), "value"].tolist() == [69.2]  # SOURCES §8
    # The income groups come with an empty countryiso3code: named by their 2-letter code (XD → HIC).
    assert ref.loc[ref["group_code"] == "HIC", "group_name"].unique().tolist() == ["High income"]
    assert frames.dataset == "wdi" and frames.entity_kind == "iso3"
    assert set(obs["raw_file"]) == set(ref["raw_file"]) == {str(pull_folder / code)}
    assert obs["obs_status"].isna().all() and set(obs["source_code"]) == {code}
    data_files = [f for f in frames.files if f.role == "data"]
    assert [(f.path, f.vintage, f.republication) for f in data_files] == [(pull_folder / code, date(2026, 7, 13),
                                                                         False)]
    assert data_files[0].retrieved_at is not None and data_files[0].url.endswith(f"/indicator/{code}")


def test_the_generator_yields_exactly_the_served_records(world_bank, samples):
    code, per_page = "NY.GNP.PCAP.CD", 1000
    serve_series(world_bank, code, paged(samples[code], per_page), per_page)

    got = list(api.iter_records(code, per_page=per_page, base=base_of(world_bank)))

    assert got == samples[code]
    assert [request.args["page"] for request, _ in world_bank.log] == ["1", "2", "3"]


@pytest.mark.parametrize("body", [
    [page_header(1, 0, 1000, 0), []],
    [page_header(1, 0, 1000, 0), None],
    [{"page": 1, "pages": 0, "per_page": 1000, "total": 0, "sourceid": None, "lastupdated": None}, None],
], ids=["pages-0", "null-records", "no-source"])
def test_an_empty_result_is_empty_and_pull_refuses_it_for_a_catalogue_series(world_bank, country_records, body,
                                                                            tmp_path):
    code = "IT.NET.USER.ZS"
    world_bank.expect_request(f"/country/all/indicator/{code}", query_string=series_query(1000, 1)) \
        .respond_with_data(dump(body), content_type="application/json")
    serve_countries(world_bank, country_records)

    assert list(api.iter_records(code, base=base_of(world_bank))) == []
    (page,) = api.iter_pages(f"country/all/indicator/{code}", {"format": "json", "source": 2},
                             base=base_of(world_bank))
    assert page.records == [] and page.header["pages"] == 0
    with pytest.raises(api.WorldBankApiError, match=r"no records for IT\.NET\.USER\.ZS"):
        api.pull(tmp_path / "raw", progress=False, codes=[code])
    assert not (tmp_path / "raw").exists()


# --- errors ------------------------------------------------------------------------------------------------

MESSAGE_BODY = ('[{"message":[{"id":"120","key":"Invalid value",'
                '"value":"The provided parameter value is not valid"}]}]')


def test_an_error_message_with_http_200_is_a_typed_error_with_the_url(world_bank, country_records, tmp_path):
    code = "XX.NOT.REAL"
    world_bank.expect_request(f"/country/all/indicator/{code}", query_string=series_query(1000, 1)) \
        .respond_with_data(MESSAGE_BODY, content_type="application/json;charset=utf-8")
    serve_countries(world_bank, country_records)

    with pytest.raises(api.WorldBankApiError) as caught:
        list(api.iter_records(code, base=base_of(world_bank)))

    error = caught.value
    assert isinstance(error, HttpError)
    assert error.url == f"{base_of(world_bank)}/country/all/indicator/{code}?format=json&source=2&per_page=1000&page=1"
    assert (error.message_id, error.key, error.value) == ("120", "Invalid value",
                                                          "The provided parameter value is not valid")
    assert error.status == 200 and "120" in str(error) and error.url in str(error)
    with pytest.raises(api.WorldBankApiError, match="Invalid value"):
        api.pull(tmp_path / "raw", progress=False, codes=[code])
    assert not (tmp_path / "raw").exists()


def test_a_429_with_retry_after_is_waited_out(world_bank, samples):
    code, per_page = "IT.NET.USER.ZS", 1000
    bodies = paged(samples[code], per_page)
    world_bank.expect_oneshot_request(f"/country/all/indicator/{code}", query_string=series_query(per_page, 2)) \
        .respond_with_data("Too Many Requests", status=429, headers={"Retry-After": "0"})
    serve_series(world_bank, code, bodies, per_page)
    sleeps = Sleeps()

    got = list(api.iter_records(code, base=base_of(world_bank), sleep=sleeps, backoff_s=5))

    assert got == samples[code]
    assert [(r.args["page"], s.status_code) for r, s in world_bank.log] == [("1", 200), ("2", 429), ("2", 200),
                                                                            ("3", 200)]
    assert sleeps == [0.0]  # the server's Retry-After, not the 5 s backoff


def test_a_502_is_retried_after_the_backoff(world_bank, samples):
    code, per_page = "NY.GNP.PCAP.CD", 1000
    world_bank.expect_oneshot_request(f"/country/all/indicator/{code}", query_string=series_query(per_page, 1)) \
        .respond_with_data("<html>Bad Gateway</html>", status=502)
    serve_series(world_bank, code, paged(samples[code], per_page), per_page)
    sleeps = Sleeps()

    got = list(api.iter_records(code, base=base_of(world_bank), sleep=sleeps, backoff_s=0.25))

    assert got == samples[code]
    assert sleeps == [0.25]
    assert [s.status_code for _, s in world_bank.log] == [502, 200, 200, 200]


def test_a_truncated_body_is_a_typed_error_naming_the_page(world_bank, samples, country_records, tmp_path):
    code, per_page = "IT.NET.USER.ZS", 1000
    bodies = paged(samples[code], per_page)
    world_bank.expect_request(f"/country/all/indicator/{code}", query_string=series_query(per_page, 2)) \
        .respond_with_data(bodies[1][: len(bodies[1]) // 2], content_type="application/json")
    serve_series(world_bank, code, bodies, per_page)
    serve_countries(world_bank, country_records)

    with pytest.raises(api.WorldBankApiError) as caught:
        list(api.iter_records(code, base=base_of(world_bank)))

    assert caught.value.url.endswith(f"/country/all/indicator/{code}?format=json&source=2&per_page=1000&page=2")
    assert "not JSON" in caught.value.reason
    with pytest.raises(api.WorldBankApiError, match="page=2"):
        api.pull(tmp_path / "raw", progress=False, codes=[code])
    assert not (tmp_path / "raw").exists()


def test_an_html_page_with_http_200_is_a_typed_error(world_bank):
    world_bank.expect_request("/country/all/indicator/SP.POP.TOTL") \
        .respond_with_data("<html><body>Service temporarily unavailable</body></html>", content_type="text/html")

    with pytest.raises(api.WorldBankApiError, match="not JSON"):
        list(api.iter_records("SP.POP.TOTL", base=base_of(world_bank)))


def test_a_read_timeout_is_an_http_error(world_bank):
    def slow(request: Request) -> Response:
        time.sleep(0.4)
        return Response(dump([page_header(1, 0, 1000, 0), None]), content_type="application/json")

    world_bank.expect_request("/country/all/indicator/SP.POP.TOTL").respond_with_handler(slow)
    sleeps = Sleeps()

    with pytest.raises(HttpError, match="timed out") as caught:
        list(api.iter_records("SP.POP.TOTL", base=base_of(world_bank), timeout=(2, 0.1), attempts=2, sleep=sleeps))

    assert not isinstance(caught.value, api.WorldBankApiError)
    assert "/country/all/indicator/SP.POP.TOTL?format=json&source=2" in caught.value.url
    assert len(sleeps) == 1


def test_the_release_changing_between_pages_is_refused(world_bank, samples):
    """Releases are revised in place: pages of two releases must not be mixed."""
    code, per_page = "IT.NET.USER.ZS", 1000
    bodies = paged(samples[code], per_page)
    bodies[2] = paged(samples[code], per_page, lastupdated="2026-07-20")[2]
    serve_series(world_bank, code, bodies, per_page)

    with pytest.raises(api.WorldBankApiError, match=r"lastupdated changed .* pull again"):
        list(api.iter_records(code, base=base_of(world_bank)))


def test_pages_that_do_not_add_up_to_the_total_are_refused(world_bank, samples):
    """A short page (a cut list inside valid JSON) is caught by the header's total."""
    code, per_page = "IT.NET.USER.ZS", 1000
    records = samples[code]
    bodies = paged(records, per_page)
    bodies[1] = dump([page_header(2, 3, per_page, len(records)), records[1000:1990]])
    serve_series(world_bank, code, bodies, per_page)

    with pytest.raises(api.WorldBankApiError, match="2650 records over 3 pages, the header announced 2660"):
        list(api.iter_records(code, base=base_of(world_bank)))


def test_urls_over_1500_characters_are_not_sent(world_bank):
    base = base_of(world_bank)
    fixed = len(api.check_url(f"{base}/country/all/indicator/", {"format": "json", "per_page": 1, "page": 1}))
    fits = "X" * (api.MAX_URL_CHARS - fixed)
    assert len(api.check_url(f"{base}/country/all/indicator/{fits}", {"format": "json", "per_page": 1,
                                                                       "page": 1})) == api.MAX_URL_CHARS

    with pytest.raises(api.WorldBankApiError, match="URL of 1501 characters not sent"):
        api.check_url(f"{base}/country/all/indicator/{fits}X", {"format": "json", "per_page": 1, "page": 1})
    with pytest.raises(api.WorldBankApiError, match="not sent"):
        list(api.iter_records(";".join(["IT.NET.USER.ZS"] * 120), base=base))
    assert world_bank.log == []


# --- the country list --------------------------------------------------------------------------------------


def test_the_country_list_separates_aggregates_as_the_metadata_csv_does(world_bank, country_records,
                                                                       metadata_rows):
    serve_countries(world_bank, country_records)

    (page,) = api.country_pages(base=base_of(world_bank))
    table = api.country_table(page.records)

    assert page.header["per_page"] == "400"
    got = {row.code: (row.region, row.income_group) for row in table.itertuples()}
    expected = {code: (row["Region"], row["IncomeGroup"]) for code, row in metadata_rows.items()}
    assert {code: got[code] for code in expected} == expected  # region "" for aggregates, as in the CSV
    assert got["INX"] == ("", "")
    assert (table["region"] != "").sum() == 217
    assert got["VEN"][1] == "" and got["ETH"][1] == ""  # "Not classified" (INX) in FY2026
    assert got["ABW"][0] == "Latin America & Caribbean"  # the API's trailing space removed
    assert {"WLD", "HIC", "SSF", "LDC", "FCS"} <= set(table.loc[table["region"] == "", "code"])
    assert list(table.columns[:4]) == ["code", "region", "income_group", "name"]


def test_country_metadata_reads_the_saved_list_in_the_classification_shape(world_bank, country_records, samples,
                                                                          tmp_path):
    code = "IT.NET.USER.ZS"
    serve_countries(world_bank, country_records)
    serve_series(world_bank, code, paged(samples[code], 1000), 1000)
    api.pull(tmp_path / "raw", progress=False, codes=[code])

    (meta,) = api.country_metadata(tmp_path / "raw")

    assert list(meta.table.columns) == ["code", "region", "income_group", "name"]
    assert len(meta.table) == len(country_records)
    assert (meta.table["region"] != "").sum() == 217
    assert meta.vintage is None  # the list states no release date
    assert meta.path.name == "country"


# --- pull: concurrency, atomicity ------------------------------------------------------------------------


@pytest.fixture
def threaded_world_bank(monkeypatch):
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    monkeypatch.setenv("DDI_WB_API", server.url_for("").rstrip("/"))
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_no_more_than_four_requests_are_in_flight(threaded_world_bank, catalogue_records, country_records,
                                                  tmp_path):
    """The API answers parallel load above a few requests with 502s. Six series, two pages each."""
    codes = sorted(catalogue_records)[:6]
    per_page = 1400
    in_flight, peak, lock = [0], [0], threading.Lock()
    bodies = {code: paged(catalogue_records[code], per_page) for code in codes}
    assert all(len(b) == 2 for b in bodies.values())

    def handler(request: Request) -> Response:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            time.sleep(0.05)
            code = request.path.rsplit("/", 1)[-1]
            return Response(bodies[code][int(request.args["page"]) - 1], content_type="application/json")
        finally:
            with lock:
                in_flight[0] -= 1

    serve_countries(threaded_world_bank, country_records)
    for code in codes:
        threaded_world_bank.expect_request(f"/country/all/indicator/{code}").respond_with_handler(handler)

    folders = api.pull(tmp_path / "raw", progress=False, codes=codes, per_page=per_page)

    assert 2 <= peak[0] <= api.MAX_IN_FLIGHT
    assert len(threaded_world_bank.log) == 1 + 2 * len(codes)
    assert [f.name for f in folders] == [*codes, "country"]


def test_a_failed_pull_leaves_nothing_and_keeps_earlier_pulls(world_bank, samples, country_records, tmp_path):
    good, bad = "IT.NET.USER.ZS", "NY.GNP.PCAP.CD"
    serve_countries(world_bank, country_records)
    serve_series(world_bank, good, paged(samples[good], 1000), 1000)
    world_bank.expect_request(f"/country/all/indicator/{bad}").respond_with_data("oops", status=500)
    raw = tmp_path / "raw"
    earlier = raw / "worldbank" / "api" / "2026-01-02" / good / "page-001.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"[]")
    sleeps = Sleeps()

    with pytest.raises(HttpError, match="HTTP 500"):
        api.pull(raw, progress=False, codes=[good, bad], attempts=2, sleep=sleeps)

    assert files_below(raw) == [earlier]
    assert [p.name for p in (raw / "worldbank" / "api").iterdir()] == ["2026-01-02"]


def test_a_failed_pull_into_a_new_directory_leaves_no_directory(world_bank, country_records, tmp_path):
    world_bank.expect_request("/country").respond_with_data(MESSAGE_BODY, content_type="application/json")
    raw = tmp_path / "new" / "raw"
    raw.parent.mkdir()

    with pytest.raises(api.WorldBankApiError, match="120"):
        api.pull(raw, progress=False, codes=["IT.NET.USER.ZS"])

    assert list(raw.parent.iterdir()) == []


def test_a_second_pull_the_same_day_replaces_the_first(world_bank, samples, country_records, tmp_path):
    code = "IT.NET.USER.ZS"
    serve_countries(world_bank, country_records)
    serve_series(world_bank, code, paged(samples[code], 1000), 1000)
    raw = tmp_path / "raw"
    api.pull(raw, progress=False, codes=[code])
    api.pull(raw, progress=False, codes=[code], per_page=1000)

    api_root = raw / "worldbank" / "api"
    assert [p.name for p in api_root.iterdir()] == [datetime.now(UTC).date().isoformat()]
    assert len(api.parse(raw)[0].files) == 2


# --- parse: a pulled folder that was tampered with ---------------------------------------------------------


@pytest.fixture
def pulled(world_bank, samples, country_records, tmp_path) -> Path:
    code = "IT.NET.USER.ZS"
    serve_countries(world_bank, country_records)
    serve_series(world_bank, code, paged(samples[code], 1000), 1000)
    raw = tmp_path / "raw"
    api.pull(raw, progress=False, codes=[code])
    return raw


def test_a_changed_page_is_refused_naming_it(pulled):
    (page,) = pulled.rglob("IT.NET.USER.ZS/page-002.json")
    page.write_bytes(page.read_bytes().replace(b'"value":69.2', b'"value":96.2', 1))

    with pytest.raises(RawFileError, match="sha256 differs") as caught:
        api.parse(pulled)

    assert caught.value.path == str(page)


def test_a_missing_page_is_refused(pulled):
    (page,) = pulled.rglob("IT.NET.USER.ZS/page-003.json")
    page.unlink()

    with pytest.raises(RawFileError, match="2 page files, the header says 3 pages") as caught:
        api.parse(pulled)

    assert caught.value.path == str(page.parent)


def test_a_cut_page_without_sidecar_is_refused_naming_it(pulled):
    (origin,) = pulled.rglob("_origin.yml")
    origin.unlink()
    (page,) = pulled.rglob("IT.NET.USER.ZS/page-001.json")
    page.write_bytes(page.read_bytes()[:5000])

    with pytest.raises(RawFileError, match="not JSON") as caught:
        api.parse(pulled)

    assert caught.value.path == str(page)


def test_a_left_over_partial_folder_is_ignored(pulled):
    (day,) = (pulled / "worldbank" / "api").iterdir()
    partial = day.parent / f".{day.name}.partial-abc"
    partial.mkdir()
    (partial / "IT.NET.USER.ZS").mkdir()
    (partial / "IT.NET.USER.ZS" / "page-001.json").write_bytes(b"[{")

    (frames,) = api.parse(pulled)

    assert {str(f.path.parent) for f in frames.files} == {str(day)}


def test_parse_finds_nothing_in_a_directory_without_pulls(shared_raw):
    assert api.parse(shared_raw) == []
    assert api.country_metadata(shared_raw) == []


# --- the whole catalogue -----------------------------------------------------------------------------------


@pytest.fixture
def full_pull(world_bank, catalogue_records, country_records, tmp_path) -> Path:
    serve_countries(world_bank, country_records)
    for code, records in catalogue_records.items():
        serve_series(world_bank, code, paged(records, 1000), 1000)
    raw = tmp_path / "raw"
    api.pull(raw, progress=False)
    return raw


def test_pull_fetches_every_catalogue_series_and_it_harmonises(full_pull, catalogue_records, country_records,
                                                               shared_raw):
    """Every WDI series of the catalogue (worldbank.yaml and worldbank_more.yaml) with no entity left over."""
    assert {"IT.CEL.SETS.P2", "IT.NET.SECR.P6", "IT.MLT.MAIN.P2", "SP.RUR.TOTL.ZS"} <= set(catalogue_records)

    (frames,) = api.parse(full_pull)

    with_values = {code for code, records in catalogue_records.items() if any(r["value"] is not None for r in records)}
    assert set(frames.observations["source_code"]) == with_values
    assert {"IT.NET.USER.ZS", "NY.GNP.PCAP.CD", "IT.CEL.SETS.P2", "SP.RUR.TOTL.ZS"} <= with_values
    assert {f.path.name for f in frames.files if f.role == "data"} == set(catalogue_records)
    for code, records in catalogue_records.items():
        economies, groups = expected_rows(records, country_records)
        obs = frames.observations[frames.observations["source_code"] == code]
        ref = frames.reference[frames.reference["source_code"] == code]
        assert sorted(zip(obs["entity"], obs["year"], obs["value"], strict=True)) == economies, code
        assert sorted(zip(ref["group_code"], ref["year"], ref["value"], strict=True)) == groups, code
    mobile = frames.observations.query("source_code == 'IT.CEL.SETS.P2' and entity == 'NOR' and year == 2023")
    assert mobile["value"].tolist() == [real_values(shared_raw, "IT.CEL.SETS.P2")[("NOR", 2023)]]
    mapped = harmonise.harmonise(frames, classifications.country_index(shared_raw))
    assert mapped.unmapped == []
    assert frames.warnings == []


def test_the_pulled_directory_builds(full_pull, tmp_path):
    db = tmp_path / "out" / "digital_divide.duckdb"

    result = run_etl("build", "--raw-dir", str(full_pull), "--db", str(db), "--quiet")

    assert result.returncode == 0, result.stderr

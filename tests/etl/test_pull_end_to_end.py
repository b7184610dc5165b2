"""`python -m etl pull` against loopback publishers, then `build` and `status`: the issue's "done when".

Three real HTTP servers on 127.0.0.1 (pytest-httpserver), one per publisher, answer every request the
three clients make for the series the catalogue asks them for, with the APIs' real shapes and real values:

- World Bank Indicators API v2: the saved API records of ../shared/data/api-samples/worldbank_v2 where
  they exist (IT.NET.USER.ZS, NY.GNP.PCAP.CD), else the same 266 entities × 2014–2023 grid carrying the
  values of the real files (datahub.io long copies, bulk CSVs; null where there is none), paged as the
  API pages them (`[header, records]`, 1,000 a page); the country list built from the World Bank's
  Metadata_Country CSV as in tests/etl/test_worldbank_api.py.
- ITU DataHub API v2: the captured country list, and each series as a `/data/bycode/{codeID}` array
  whose rows copy the captured row shape, filled with the rows of the real DataHub CSV exports.
- UN SDG API v1: the real SDG CSV rows in the Series/Data shape, paged (1,000 a page; SE_ADT_ACTS
  takes five pages).

The CLI runs as a subprocess with DDI_WB_API, DDI_ITU_API and DDI_SDG_API pointing at those servers.
"""

from __future__ import annotations

import copy
import csv
import json
import random
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from etl.sources import itu_datahub, unsdg, worldbank_api
from indicators import catalogue
from tests.conftest import run_etl
from tests.etl.test_itu_datahub import EXPORTS, export_cells, export_rows
from tests.etl.test_unsdg import MOBILE_CSV, SKILLS_CSV, api_row, read_rows
from tests.etl.test_unsdg import pages as sdg_pages
from tests.etl.test_worldbank_api import COUNTRY_CSV, INCOME_IDS, LASTUPDATED, REGION_IDS, dump, paged, real_values

WB_PREFIX, ITU_PREFIX, SDG_PREFIX = "/v2", "/v2", "/SDGAPI/v1"
SDG_ENDPOINT = f"{SDG_PREFIX}/sdg/Series/Data"
WB_ERROR_BODY = (b'[{"message":[{"id":"120","key":"Invalid value",'
                 b'"value":"The provided parameter value is not valid"}]}]')
DATASETS = {"worldbank": "wdi", "itu": "itu_datahub", "unsdg": "unsd_sdg"}
CELLS_PER_API = 15
M49_CSV = Path("classifications") / "UNSD_M49_overview_en.csv"


# --- what the three publishers serve ----------------------------------------------------------------------


def wb_country_records(entities: list[tuple[str, str, str]], metadata: dict[str, dict]) -> list[dict]:
    """`/v2/country` records (the shape of tests/etl/test_worldbank_api.py's country_records)."""
    iso2 = {iso3: id2 for iso3, id2, _ in entities if iso3}
    names = {iso3: name for iso3, _, name in entities if iso3}
    by_name = {row["TableName"]: code for code, row in metadata.items()}
    for iso3, id2, name in entities:
        if not iso3 and name in by_name:  # income groups: the records give only XD, XM, …
            iso2[by_name[name]] = id2
    empty = {"id": "", "iso2code": "", "value": ""}
    aggregate = {"id": "NA", "iso2code": "NA", "value": "Aggregates"}
    records = []
    for code, row in metadata.items():
        region, income = aggregate, aggregate
        if row["Region"]:
            region_id, region_iso2 = REGION_IDS[row["Region"]]
            region = {"id": region_id, "iso2code": region_iso2,
                      "value": row["Region"] + (" " if region_id == "LCN" else "")}  # the API pads this one
            income_id, income_iso2 = INCOME_IDS[row["IncomeGroup"]]
            income = {"id": income_id, "iso2code": income_iso2, "value": row["IncomeGroup"] or "Not classified"}
        records.append({"id": code, "iso2Code": iso2[code], "name": names.get(code, row["TableName"]),
                        "region": region, "adminregion": empty, "incomeLevel": income, "lendingType": empty,
                        "capitalCity": "", "longitude": "", "latitude": ""})
    records.append({"id": "INX", "iso2Code": "XY", "name": "Not classified", "region": aggregate,
                    "adminregion": empty, "incomeLevel": aggregate, "lendingType": empty, "capitalCity": "",
                    "longitude": "", "latitude": ""})
    return records


def wb_series_records(shared_raw: Path, samples: dict[str, list[dict]], entities: list[tuple[str, str, str]],
                      by_iso2: dict[str, str]) -> dict[str, list[dict]]:
    """code → the records the API lists for each WDI series of the catalogue."""
    names = {code: ind.name for code, ind in catalogue().by_source_code("wdi").items()}
    out = {}
    for code in worldbank_api.wdi_codes():
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


def itu_series_bodies(shared_raw: Path, template: list[dict]) -> dict[int, bytes]:
    """codeID → a `/data/bycode` body with every row of that series in the real exports (captured row shape)."""
    rows_by_id: dict[int, list] = {}
    for path in sorted((shared_raw / EXPORTS).glob("*.csv")):
        for number, row in enumerate(export_rows(path)):
            item = copy.deepcopy(template[number % len(template)])
            item.update(codeID=int(row["seriesID"]), code=row["seriesCode"], countryID=int(row["entityID"]),
                        isoCode=row["entityIso"], shortName=row["entityName"], dataID=number,
                        dataYear=int(row["dataYear"]), dataNote=row["dataNote"], dataSource=row["dataSource"])
            item["answer"][0].update(value=row["dataValue"], id=number)
            rows_by_id.setdefault(int(row["seriesID"]), []).append(item)
    return {code_id: json.dumps(rows, indent=2).encode() for code_id, rows in rows_by_id.items()}


class Publisher:
    """One loopback API: a running HTTPServer and the handlers that answer like the publisher."""

    def __init__(self, prefix: str, routes: list[tuple[str, object]]) -> None:
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.server.start()
        self.base = self.server.url_for(prefix).rstrip("/")
        self.routes = routes
        self.reset()

    def reset(self) -> None:
        """Forget faults and the request log; serve the normal answers (patterns match the whole path)."""
        self.server.clear()
        for pattern, handler in self.routes:
            self.server.expect_request(re.compile(pattern + "$")).respond_with_handler(handler)

    def fail_first(self, path: str, query: dict[str, str], responses: list[tuple[bytes, int]]) -> None:
        """Answer the next requests of `path?query` with these (body, status) before the normal answer."""
        for body, status in responses:
            self.server.expect_oneshot_request(path, query_string=query).respond_with_data(
                body, status=status, headers={"Retry-After": "0"}, content_type="application/json")

    def requests(self) -> list[tuple[str, dict[str, str], int]]:
        return [(request.path, dict(request.args), response.status_code) for request, response in self.server.log]


@pytest.fixture(scope="module")
def served(shared_raw: Path) -> dict:
    """Everything the three publishers hold, from the real samples and raw files."""
    samples_dir = shared_raw.parent / "api-samples"
    samples = {path.name.split("_records_")[0]: json.loads(path.read_text(encoding="utf-8"))
               for path in sorted((samples_dir / "worldbank_v2").glob("*_records_*.json"))}
    entities = list(dict.fromkeys((r["countryiso3code"], r["country"]["id"], r["country"]["value"])
                                  for r in samples["IT.NET.USER.ZS"]))
    with (shared_raw / COUNTRY_CSV).open(encoding="utf-8-sig", newline="") as handle:
        metadata = {row["Country Code"]: row for row in csv.DictReader(handle)}
    countries = wb_country_records(entities, metadata)
    by_iso2 = {record["iso2Code"]: record["id"] for record in countries}
    template = json.loads((samples_dir / "itu_datahub_v2" / "itu-get-indicator-series.json").read_bytes())
    sdg_rows: dict[str, list[dict]] = {}
    for path in (MOBILE_CSV, SKILLS_CSV):
        for row in read_rows(shared_raw / path):
            sdg_rows.setdefault(row["SeriesCode"], []).append(api_row(row))
    return {
        "wb_countries": countries,
        "wb_economies": {r["id"] for r in countries if r["region"]["id"] != "NA"},
        "wb_by_iso2": by_iso2,
        "wb_series": wb_series_records(shared_raw, samples, entities, by_iso2),
        "itu_countries": (samples_dir / "itu_datahub_v2" / "itu-list-countries.json").read_bytes(),
        "itu_series": itu_series_bodies(shared_raw, template),
        "sdg_rows": sdg_rows,
    }


@pytest.fixture(scope="module")
def publishers(served: dict):
    """The World Bank, ITU DataHub and UN SDG APIs, each on its own loopback port."""
    wb_pages: dict[tuple[str, int], list[bytes]] = {}
    sdg_bodies: dict[tuple[str, int], list[bytes]] = {}

    def page_of(bodies: list[bytes], page: str) -> Response:
        number = int(page)
        if not 1 <= number <= len(bodies):
            return Response(b"page out of range", status=400)
        return Response(bodies[number - 1], content_type="application/json;charset=utf-8")

    def wb_country(request: Request) -> Response:
        per_page = int(request.args["per_page"])
        key = ("country", per_page)
        if key not in wb_pages:
            header = {"page": 1, "pages": 1, "per_page": str(per_page), "total": len(served["wb_countries"])}
            wb_pages[key] = [dump([header, served["wb_countries"]])]
        return page_of(wb_pages[key], request.args["page"])

    def wb_series(request: Request) -> Response:
        code = request.path.rsplit("/", 1)[1]
        if code not in served["wb_series"] or request.args.get("source") != "2" \
                or request.args.get("format") != "json":
            return Response(WB_ERROR_BODY, content_type="application/json;charset=utf-8")  # as the API does
        per_page = int(request.args["per_page"])
        if (code, per_page) not in wb_pages:
            wb_pages[(code, per_page)] = paged(served["wb_series"][code], per_page)
        return page_of(wb_pages[(code, per_page)], request.args["page"])

    def itu_country(request: Request) -> Response:
        return Response(served["itu_countries"], content_type="application/json")

    def itu_series(request: Request) -> Response:
        code_id = int(request.path.rsplit("/", 1)[1])
        return Response(served["itu_series"].get(code_id, b"[]"), content_type="application/json")

    def sdg_series(request: Request) -> Response:
        code, size = request.args["seriesCode"], int(request.args["pageSize"])
        if (code, size) not in sdg_bodies:
            sdg_bodies[(code, size)] = sdg_pages(served["sdg_rows"].get(code, []), size)
        return page_of(sdg_bodies[(code, size)], request.args["page"])

    apis = {
        "worldbank": Publisher(WB_PREFIX, [
            (rf"{WB_PREFIX}/country", wb_country), (rf"{WB_PREFIX}/country/all/indicator/[^/]+", wb_series)]),
        "itu": Publisher(ITU_PREFIX, [
            (rf"{ITU_PREFIX}/country/all", itu_country), (rf"{ITU_PREFIX}/data/bycode/\d+", itu_series)]),
        "unsdg": Publisher(SDG_PREFIX, [(SDG_ENDPOINT, sdg_series)]),
    }
    yield apis
    for api in apis.values():
        api.server.clear()
        api.server.stop()


@pytest.fixture
def fresh(publishers):
    """The publishers with no fault planted and an empty request log, before and after the test."""
    for api in publishers.values():
        api.reset()
    yield publishers
    for api in publishers.values():
        api.reset()


def api_env(publishers) -> dict[str, str]:
    return {"DDI_WB_API": publishers["worldbank"].base, "DDI_ITU_API": publishers["itu"].base,
            "DDI_SDG_API": publishers["unsdg"].base}


def files_below(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def query(db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def day_folder(api_root: Path, days: set[str]) -> Path:
    """The one `<YYYY-MM-DD>` folder a pull wrote under `api_root`, dated the day it ran (UTC)."""
    (folder,) = api_root.iterdir()
    assert folder.name in days, folder
    return folder


# --- one full pull and one build from it, shared by the tests below ---------------------------------------


@pytest.fixture(scope="module")
def pulled(publishers, tmp_path_factory) -> dict:
    for api in publishers.values():
        api.reset()
    raw = tmp_path_factory.mktemp("pulled") / "raw"
    before = today()
    result = run_etl("pull", "--raw-dir", str(raw), "--quiet", env=api_env(publishers), timeout=120)
    return {"raw": raw, "result": result, "days": {before, today()},
            "requests": {name: api.requests() for name, api in publishers.items()}}


@pytest.fixture(scope="module")
def pulled_db(pulled, shared_raw, tmp_path_factory) -> Path:
    """The database built from the pulled files plus the UNSD M49 overview (for M49 regions and LDC flags)."""
    assert pulled["result"].returncode == 0, pulled["result"].stderr
    raw = tmp_path_factory.mktemp("pulled_plus_m49") / "raw"
    shutil.copytree(pulled["raw"], raw)
    (raw / M49_CSV).parent.mkdir(parents=True)
    shutil.copyfile(shared_raw / M49_CSV, raw / M49_CSV)  # copied: rglob does not follow symlinks
    db = raw.parent / "digital_divide.duckdb"
    result = run_etl("build", "--raw-dir", str(raw), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return db


def test_pull_fetches_every_catalogue_series_into_the_raw_layout(pulled, served) -> None:
    result, raw = pulled["result"], pulled["raw"]
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet: no progress bars

    # World Bank: the country list and every WDI series of the catalogue, every page, source=2 each time.
    wb = day_folder(raw / "worldbank" / "api", pulled["days"])
    codes = worldbank_api.wdi_codes()
    assert sorted(p.name for p in wb.iterdir()) == sorted(["_origin.yml", "country", *codes])
    asked = pulled["requests"]["worldbank"]
    assert all(status == 200 for _, _, status in asked)
    for code in codes:
        pages = sorted(p.name for p in (wb / code).iterdir())
        expected = -(-len(served["wb_series"][code]) // worldbank_api.PER_PAGE)
        assert pages == [f"page-{n:03d}.json" for n in range(1, expected + 1)], code
        assert expected >= 2, code  # multi-page: the client followed `pages`
        series_asks = [args for path, args, _ in asked if path == f"{WB_PREFIX}/country/all/indicator/{code}"]
        assert sorted(int(a["page"]) for a in series_asks) == list(range(1, expected + 1))
        assert {(a["source"], a["format"], a["per_page"]) for a in series_asks} == {("2", "json", "1000")}
    origin = yaml.safe_load((wb / "_origin.yml").read_text(encoding="utf-8"))
    assert set(origin["series"]) == set(codes)
    assert origin["series"]["IT.NET.USER.ZS"]["lastupdated"] == LASTUPDATED
    assert all(entry["url"].startswith("http://127.0.0.1:") for entry in origin["files"].values())

    # ITU: the country list and the catalogue's DataHub series with their breakdown series.
    itu = day_folder(raw / "itu" / "api", pulled["days"])
    wanted = itu_datahub.series_to_fetch(itu_datahub.catalogue_codes())
    assert sorted(p.name for p in itu.iterdir()) == sorted(
        ["_origin.yml", "itu_country_all.json", *(f"itu_data_bycode_{code_id}.json" for _, code_id in wanted)])
    for _, code_id in wanted:
        assert (itu / f"itu_data_bycode_{code_id}.json").read_bytes() == served["itu_series"][code_id]
    assert set(yaml.safe_load((itu / "_origin.yml").read_text(encoding="utf-8"))["files"]) == {
        p.name for p in itu.iterdir() if p.name != "_origin.yml"}

    # UN SDG: one folder per series, every page, each with its sidecar.
    sdg = day_folder(raw / "un_sdg" / "api", pulled["days"])
    series = unsdg.catalogue_series()
    assert sorted(p.name for p in sdg.iterdir()) == series
    for code in series:
        total = -(-len(served["sdg_rows"][code]) // unsdg.PAGE_SIZE)
        assert sorted(p.name for p in (sdg / code).iterdir()) == sorted(
            ["_origin.yml", *(f"page-{n}.json" for n in range(1, total + 1))])
        origin = yaml.safe_load((sdg / code / "_origin.yml").read_text(encoding="utf-8"))
        assert origin["series"] == code and origin["total_elements"] == len(served["sdg_rows"][code])
    assert len(list((sdg / "SE_ADT_ACTS").glob("page-*.json"))) == 5

    # Nothing else: no hidden working folder left behind, no other publisher.
    assert sorted(p.name for p in raw.iterdir()) == ["itu", "un_sdg", "worldbank"]
    assert not [p for p in raw.rglob(".*")]
    printed = {line.removeprefix("saved ") for line in result.stdout.splitlines() if line.startswith("saved ")}
    assert str(itu) in printed and str(sdg / "SE_ADT_ACTS") in printed and str(wb / "country") in printed


# --- the database built from the pull -----------------------------------------------------------------------


def m49_to_iso3(shared_raw: Path) -> dict[str, str]:
    with (shared_raw / M49_CSV).open(encoding="utf-8-sig", newline="") as handle:
        return {row["M49 Code"].zfill(3): row["ISO-alpha3 Code"] for row in csv.DictReader(handle)}


def served_cells(served: dict, shared_raw: Path) -> dict[str, dict[tuple, float]]:
    """dataset → {(indicator_id, iso3, year, sex, area, age): value} for every served economy cell."""
    cat = catalogue()
    cells: dict[str, dict[tuple, float]] = {"wdi": {}, "itu_datahub": {}, "unsd_sdg": {}}
    for code, records in served["wb_series"].items():
        indicator = cat.resolve("wdi", code)
        for record in records:
            iso3 = record["countryiso3code"] or served["wb_by_iso2"][record["country"]["id"]]
            if indicator and record["value"] is not None and iso3 in served["wb_economies"]:
                cells["wdi"][(indicator.indicator_id, iso3, int(record["date"]), "total", "total", "total")] = \
                    float(record["value"])
    codes = set(itu_datahub.catalogue_codes())
    renamed = {"KSO": "XKX"}  # ITU's code for Kosovo (etl/mappings/itu_datahub.yaml)
    for path in sorted((shared_raw / EXPORTS).glob("*.csv")):
        for (code, entity, year, *breakdown), value in export_cells(path).items():
            if code in codes:
                key = (cat.resolve("itu_datahub", code).indicator_id, renamed.get(entity, entity), year, *breakdown)
                cells["itu_datahub"][key] = value
    m49 = m49_to_iso3(shared_raw)
    sexes = {"BOTHSEX": "total", "FEMALE": "female", "MALE": "male"}
    for rows in served["sdg_rows"].values():
        for row in rows:
            skill = row["dimensions"].get("Type of skill")
            indicator = cat.resolve("unsd_sdg", f"{row['series']}:{skill}" if skill else row["series"])
            iso3 = m49.get(row["geoAreaCode"].zfill(3))
            if indicator and iso3:
                key = (indicator.indicator_id, iso3, int(row["timePeriodStart"]), sexes[row["dimensions"]["Sex"]],
                       "total", "total")
                cells["unsd_sdg"][key] = float(row["value"])
    return cells


def db_cells(db: Path) -> dict[tuple, tuple[float, str]]:
    rows = query(db, "SELECT indicator_id, iso3, year, sex, area, age, value, source_id FROM observation")
    return {tuple(row[:6]): (row[6], row[7]) for row in rows}


def test_build_from_the_pull_publishes_the_served_values(pulled_db, served, shared_raw) -> None:
    (economies,) = query(pulled_db, "SELECT count(*) FROM country")[0]
    assert economies >= 200
    expected = served_cells(served, shared_raw)
    stored = db_cells(pulled_db)
    rng = random.Random(20261128)
    for dataset, cells in expected.items():
        # The cells the choice rule gave to this API (internet_use comes from WDI and from ITU's i99H).
        mine = sorted(key for key, (_, sid) in stored.items() if sid.startswith(f"{dataset}:"))
        assert len(mine) > 1000, dataset
        missing = [key for key in mine if key not in cells]
        assert missing == [], (dataset, missing[:5])  # nothing the API did not serve
        wrong = [(key, stored[key][0], cells[key]) for key in mine if stored[key][0] != pytest.approx(cells[key])]
        assert wrong == [], (dataset, wrong[:5])
        # And a sample of the economy cells served for the series this API won arrived unchanged.
        won = {key[0] for key in mine}
        candidates = sorted(key for key, value in cells.items()
                            if key[0] in won and key[1] in served["wb_economies"] and 0 <= value <= 100)
        for key in rng.sample(candidates, CELLS_PER_API):
            assert key in stored, (dataset, key)
            assert stored[key][0] == pytest.approx(cells[key]), (dataset, key)
            assert stored[key][1].startswith(f"{dataset}:"), (dataset, key, stored[key][1])

    sources = query(pulled_db, "SELECT dataset_key, source_id, retrieved_at FROM source")
    pulled_sources = [row for row in sources if row[0] in DATASETS.values()]
    assert {row[0] for row in pulled_sources} == set(DATASETS.values())
    assert all(retrieved is not None for _, _, retrieved in pulled_sources), pulled_sources
    assert f"wdi:{LASTUPDATED}" in {sid for _, sid, _ in pulled_sources}  # the pages' lastupdated is the release
    (rows_by_source,) = query(pulled_db, "SELECT rows_by_source FROM etl_run ORDER BY finished_at DESC LIMIT 1")[0]
    counts = json.loads(rows_by_source)
    per_dataset = dict(query(pulled_db, "SELECT s.dataset_key, count(*) FROM observation o JOIN source s "
                                        "USING (source_id) GROUP BY ALL"))
    for dataset in DATASETS.values():
        assert counts.get(dataset) == per_dataset[dataset] > 0, (dataset, counts)


def breakdowns_by_indicator(db: Path) -> dict[str, dict[tuple, set[str]]]:
    """indicator → {(sex, area, age): the datasets (republications as the dataset they copy) giving it}."""
    sources = catalogue().sources
    rows = query(db, "SELECT DISTINCT o.indicator_id, o.sex, o.area, o.age, s.dataset_key "
                     "FROM observation o JOIN source s USING (source_id)")
    out: dict[str, dict[tuple, set[str]]] = {}
    for indicator_id, sex, area, age, dataset in rows:
        original = sources[dataset].republishes if dataset in sources else None
        out.setdefault(indicator_id, {}).setdefault((sex, area, age), set()).add(original or dataset)
    return out


def test_the_pulled_database_has_the_shape_of_the_one_built_from_the_real_files(pulled_db, built_db, served) -> None:
    columns_sql = ("SELECT table_name, column_name, data_type FROM information_schema.columns "
                   "ORDER BY table_name, ordinal_position")
    assert query(pulled_db, columns_sql) == query(built_db, columns_sql)
    pulled_ids = {row[0] for row in query(pulled_db, "SELECT indicator_id FROM indicator")}
    real_ids = {row[0] for row in query(built_db, "SELECT indicator_id FROM indicator")}
    assert pulled_ids <= set(catalogue().indicators)
    assert pulled_ids <= real_ids
    assert pulled_ids == {row[0] for row in query(pulled_db, "SELECT DISTINCT indicator_id FROM observation")}
    # Every series the catalogue asks the three clients for, with any value served, is in the database.
    cat = catalogue()
    asked = ([cat.resolve("wdi", code) for code, records in served["wb_series"].items()
              if any(record["value"] is not None for record in records)]  # FX.OWN.TOTL.ZS: no real file, all null
             + [cat.resolve("itu_datahub", code) for code in itu_datahub.catalogue_codes()]
             + [ind for ind in cat.indicators.values() if ind.source.source_key == "unsd_sdg"])
    assert {ind.indicator_id for ind in asked} <= pulled_ids

    # Per indicator, the same (sex, area, age) vocabulary as the real database, where the real database
    # has it from the same datasets; it may have more from publishers with no API here (internet_use by
    # sex and area comes from ITU's older workbook).
    pulled, real = breakdowns_by_indicator(pulled_db), breakdowns_by_indicator(built_db)
    datasets = {dataset for by_breakdown in pulled.values() for found in by_breakdown.values() for dataset in found}
    for indicator_id in sorted(pulled_ids):
        same_sources = {b for b, found in real[indicator_id].items() if found & datasets}
        assert set(pulled[indicator_id]) == same_sources, indicator_id
        assert set(pulled[indicator_id]) <= set(real[indicator_id]), indicator_id
    used = {b for by_breakdown in pulled.values() for b in by_breakdown}
    assert {("female", "total", "total"), ("total", "rural", "total"), ("total", "total", "15-24")} <= used


def test_status_prints_each_pulled_indicator_with_its_source(pulled_db) -> None:
    result = run_etl("status", "--db", str(pulled_db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pairs = query(pulled_db, "SELECT DISTINCT indicator_id, source_id FROM observation ORDER BY ALL")
    assert set(DATASETS.values()) <= {sid.split(":")[0] for _, sid in pairs}
    for indicator_id, source_id in pairs:
        assert any(re.search(rf"(^|\s){re.escape(indicator_id)}\s+{re.escape(source_id)}\s", line)
                   for line in lines), (indicator_id, source_id)


def test_a_raw_directory_holding_only_the_pull_builds(pulled, tmp_path) -> None:
    """What `ensure` (make run) does on an empty raw directory: pull, then build from the pull alone.

    Nothing `pull` writes is an M49 table, yet the SDG API names areas by M49 number: the build maps
    them through ISO 3166-1 numeric codes (etl/classifications.py), so the pull alone must build.
    """
    assert pulled["result"].returncode == 0, pulled["result"].stderr
    db = tmp_path / "db.duckdb"
    result = run_etl("build", "--raw-dir", str(pulled["raw"]), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    (economies,) = query(db, "SELECT count(*) FROM country")[0]
    assert economies >= 200
    (sdg_rows,) = query(db, "SELECT count(*) FROM observation WHERE source_id LIKE 'unsd_sdg:%'")[0]
    assert sdg_rows > 0


# --- failure modes, end to end ------------------------------------------------------------------------------


def test_two_502s_then_200_still_pull(fresh, tmp_path) -> None:
    sdg = fresh["unsdg"]
    query_3 = {"seriesCode": "SE_ADT_ACTS", "page": "3", "pageSize": str(unsdg.PAGE_SIZE)}
    sdg.fail_first(SDG_ENDPOINT, query_3, [(b"bad gateway", 502), (b"bad gateway", 502)])
    raw = tmp_path / "raw"
    result = run_etl("pull", "--source", "unsdg", "--raw-dir", str(raw), "--quiet", env=api_env(fresh))
    assert result.returncode == 0, result.stderr
    answers = [status for path, args, status in sdg.requests() if args == query_3]
    assert answers == [502, 502, 200]
    (day,) = (raw / "un_sdg" / "api").iterdir()
    folder = day / "SE_ADT_ACTS"
    assert len(list(folder.glob("page-*.json"))) == 5
    assert sorted(p.name for p in raw.iterdir()) == ["un_sdg"]


def test_a_world_bank_error_body_with_http_200_fails_in_one_line_and_leaves_nothing(fresh, tmp_path) -> None:
    wb = fresh["worldbank"]
    code = "IT.NET.USER.ZS"
    args = {"format": "json", "source": "2", "per_page": str(worldbank_api.PER_PAGE), "page": "2"}
    wb.fail_first(f"{WB_PREFIX}/country/all/indicator/{code}", args, [(WB_ERROR_BODY, 200)])
    raw = tmp_path / "raw"
    raw.mkdir()
    result = run_etl("pull", "--raw-dir", str(raw), "--quiet", env=api_env(fresh))
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    (line,) = lines
    assert line.startswith("error: ")
    url = f"{wb.base}/country/all/indicator/{code}?"
    assert url in line and "page=2" in line and "source=2" in line, line
    assert "120" in line and "Invalid value" in line
    # Nothing under raw: no page, no sidecar, no hidden working folder, not even the empty worldbank/api.
    assert list(raw.rglob("*")) == []
    assert [path for path, _, _ in fresh["itu"].requests() + fresh["unsdg"].requests()] == []  # stopped there


def test_source_itu_pulls_only_itu(fresh, tmp_path) -> None:
    raw = tmp_path / "raw"
    result = run_etl("pull", "--source", "itu", "--raw-dir", str(raw), "--quiet", env=api_env(fresh))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in raw.iterdir()) == ["itu"]
    (day,) = (raw / "itu" / "api").iterdir()
    assert sorted(p.name for p in day.iterdir())[:2] == ["_origin.yml", "itu_country_all.json"]
    assert fresh["worldbank"].requests() == [] and fresh["unsdg"].requests() == []
    wanted = itu_datahub.series_to_fetch(itu_datahub.catalogue_codes())
    assert len(fresh["itu"].requests()) == len(wanted) + 1

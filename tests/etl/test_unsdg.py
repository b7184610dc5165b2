"""UN SDG database: the CSV downloads in ../shared/data/raw, and the SDG API v1 client against a local server.

No saved SDG API response could be found. The pages served here are built from the real
CSV rows in the API's Series/Data shape (`etl/sources/unsdg.py` states the field correspondence),
so a pull of them must parse into the same observations as the CSV itself.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from etl.classifications import country_index
from etl.errors import RawFileError
from etl.harmonise import harmonise
from etl.sources import unsdg
from indicators import catalogue

FOLDER = Path("un_sdg") / "2020Q4_sdg_database_downloads"
SKILLS_CSV = FOLDER / "sdg_database_ict_literacy.csv"
MOBILE_CSV = FOLDER / "sdg_database_ind_own_mobile.csv"
SEX = {"BOTHSEX": "total", "FEMALE": "female", "MALE": "male"}
ENDPOINT = "/SDGAPI/v1/sdg/Series/Data"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def independent_values(rows: list[dict[str, str]]) -> dict[tuple, float]:
    """(source_code, zero-padded M49, year, sex) → value, straight from the csv module."""
    values = {}
    for r in rows:
        code = f"{r['SeriesCode']}:{r['Type of skill']}" if r["Type of skill"] else r["SeriesCode"]
        values[(code, r["GeoAreaCode"].zfill(3), int(r["TimePeriod"]), SEX[r["Sex"]])] = float(r["Value"])
    return values


def parsed_values(obs) -> dict[tuple, float]:
    return {(r.source_code, r.entity, r.year, r.sex): r.value for r in obs.itertuples()}


@pytest.fixture(scope="module")
def frames(shared_raw: Path):
    (frame,) = unsdg.parse(shared_raw)
    return frame


# --- the CSV downloads --------------------------------------------------------------------------------


def test_every_value_of_both_files(frames, shared_raw: Path) -> None:
    skills, mobile = read_rows(shared_raw / SKILLS_CSV), read_rows(shared_raw / MOBILE_CSV)
    # The SDG database's 2020.Q4 extracts: 4,795 rows / 88 areas / 2014–2019 and 589 rows / 82 areas / 2013–2018.
    assert (len(skills), len({r["GeoAreaCode"] for r in skills})) == (4795, 88)
    assert (len(mobile), len({r["GeoAreaCode"] for r in mobile})) == (589, 82)
    obs = frames.observations
    expected = independent_values(skills + mobile)
    # Four shares above 100 % in the mobile file are publisher errors, skipped with a warning.
    impossible = {k: v for k, v in expected.items() if v > 100}
    assert impossible == {("IT_MOB_OWN", "188", 2016, "total"): 111.13876,  # Costa Rica
                          ("IT_MOB_OWN", "188", 2016, "male"): 112.9233,
                          ("IT_MOB_OWN", "188", 2016, "female"): 109.50562,
                          ("IT_MOB_OWN", "710", 2015, "male"): 132.8175}  # South Africa
    assert any("percentages outside 0–100" in w and "188 2016" in w for w in frames.warnings)
    assert len(obs) == 4795 + 589 - 4
    assert parsed_values(obs) == {k: v for k, v in expected.items() if k not in impossible}
    assert set(obs["area"]) == {"total"} and set(obs["age"]) == {"total"}  # no Age/Location in these files
    # The first data line of the skills file: Algeria (M49 12), COPA, 2018, male, 22.846.
    assert parsed_values(obs)[("SE_ADT_ACTS:COPA", "012", 2018, "male")] == 22.846
    years = obs.groupby(obs["source_code"].str.split(":").str[0])["year"].agg(["min", "max"])
    assert years.loc["SE_ADT_ACTS"].tolist() == [2014, 2019]
    assert years.loc["IT_MOB_OWN"].tolist() == [2013, 2018]


def test_skill_types_are_part_of_the_code(frames) -> None:
    codes = set(frames.observations["source_code"])
    assert codes == {"IT_MOB_OWN"} | {f"SE_ADT_ACTS:{s}" for s in
                                      ("ARSP", "CMFL", "COPA", "EMAIL", "EPRS", "INST", "PCPR", "SOFT", "TRAF")}


def test_release_is_a_label_not_a_date(frames) -> None:
    assert [f.vintage for f in frames.files] == [None, None]
    assert sum("2020.Q4.G.02" in w for w in frames.warnings) == 2


def test_every_entity_maps(frames, shared_raw: Path) -> None:
    assert frames.reference.empty  # the two downloads hold countries only
    result = harmonise(frames, country_index(shared_raw))
    assert result.unmapped == []
    assert set(result.excluded) == {"158"}  # "Other non-specified areas in Eastern Asia" (Taiwan)


def test_catalogue_series_are_emitted_with_their_usual_coverage(frames, shared_raw: Path) -> None:
    obs = harmonise(frames, country_index(shared_raw)).observations
    totals = obs[obs["sex"] == "total"]
    entries = [i for i in catalogue().indicators.values() if i.source.source_key == "unsd_sdg"]
    assert {i.source_code for i in entries} == set(frames.observations["source_code"])
    for indicator in entries:
        rows = totals[totals["source_code"] == indicator.source_code]
        covered = rows.groupby("year")["iso3"].nunique().max()  # the best year
        assert covered == indicator.usual_economies, indicator.indicator_id


def _broken_copy(shared_raw: Path, tmp_path: Path, edit) -> Path:
    rows = read_rows(shared_raw / MOBILE_CSV)
    header = list(rows[0])
    rows, header = edit(rows[:40], header)
    path = tmp_path / "un_sdg" / "sdg_database_ind_own_mobile.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _cell(column: str, text: str):
    def edit(rows, header):
        rows[3][column] = text
        return rows, header
    return edit


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda rows, header: (rows, [c for c in header if c != "GeoAreaCode"]), "missing columns ['GeoAreaCode']"),
    (_cell("Value", "n/a"), "non-numeric values"),
    (_cell("Sex", "BOTH"), "unknown Sex codes"),
    (_cell("TimePeriod", "2016-2017"), "unreadable years"),
    (_cell("GeoAreaCode", "AFG"), "not an M49 number"),
    (lambda rows, header: ([*rows, {**rows[0], "Value": "1.5"}], header), "share a key"),
])
def test_broken_copies_raise_naming_the_file(shared_raw: Path, tmp_path: Path, edit, problem: str) -> None:
    path = _broken_copy(shared_raw, tmp_path, edit)
    with pytest.raises(RawFileError) as caught:
        unsdg.parse(tmp_path)
    assert caught.value.path == str(path)
    assert problem in str(caught.value)


def test_breakdowns_we_do_not_carry_are_skipped_with_a_warning(shared_raw: Path, tmp_path: Path) -> None:
    def edit(rows, header):
        rows[0]["Education level"] = "PRIMAR"
        rows[1]["Location"] = "SUBURB"
        return rows, header

    path = _broken_copy(shared_raw, tmp_path, edit)
    (frame,) = unsdg.parse(tmp_path)
    assert len(frame.observations) == 38
    text = " ".join(frame.warnings)
    assert "Education level=PRIMAR" in text and "'SUBURB'" in text and str(path) in text


# --- the SDG API ----------------------------------------------------------------------------------


def api_row(row: dict[str, str]) -> dict:
    """A CSV download row in the Series/Data row shape (see etl/sources/unsdg.py)."""
    dimensions = {"Sex": row["Sex"], "Reporting Type": row["Reporting Type"]}
    if row["Type of skill"]:
        dimensions["Type of skill"] = row["Type of skill"]
    return {
        "goal": [row["Goal"]], "target": [row["Target"]], "indicator": [row["Indicator"]],
        "series": row["SeriesCode"], "seriesDescription": row["SeriesDescription"],
        "seriesCount": row["SeriesObservationCount"], "geoAreaCode": row["GeoAreaCode"],
        "geoAreaName": row["GeoAreaName"], "timePeriodStart": float(row["TimePeriod"]), "value": row["Value"],
        "valueType": row["ValueType"], "time_detail": row["Time_Detail"] or None, "timeCoverage": None,
        "upperBound": None, "lowerBound": None, "basePeriod": None, "source": row["Source"], "geoInfoUrl": None,
        "footnotes": [], "attributes": {"Nature": row["Nature"] or None, "Units": row["Units"]},
        "dimensions": dimensions,
    }


def pages(rows: list[dict], page_size: int) -> list[bytes]:
    """Series/Data page bodies for `rows`, numbered from 1, as the server sends them."""
    total_pages = -(-len(rows) // page_size)
    bodies = []
    for number in range(1, total_pages + 1):
        body = {
            "size": page_size, "totalElements": len(rows), "totalPages": total_pages, "pageNumber": number,
            "attributes": [{"id": "Units", "codes": [{"code": "PERCENT", "description": "Percentage", "sdmx": "PT"}]}],
            "dimensions": [{"id": "Sex", "codes": [{"code": "FEMALE", "description": "Female", "sdmx": "F"}]}],
            "data": rows[(number - 1) * page_size:number * page_size],
        }
        bodies.append(json.dumps(body).encode())
    return bodies


def empty_page(page_size: int = 50) -> bytes:
    return json.dumps({"size": page_size, "totalElements": 0, "totalPages": 0, "pageNumber": 1,
                       "attributes": [], "dimensions": [], "data": []}).encode()


def query(code: str, number: int, page_size: int) -> dict[str, str]:
    return {"seriesCode": code, "page": str(number), "pageSize": str(page_size)}


def serve(httpserver, code: str, bodies: list[bytes], page_size: int) -> None:
    for number, body in enumerate(bodies, start=1):
        httpserver.expect_ordered_request(ENDPOINT, query_string=query(code, number, page_size)).respond_with_data(
            body, content_type="application/json")


@pytest.fixture
def api(httpserver, monkeypatch):
    monkeypatch.setenv("DDI_SDG_API", httpserver.url_for("/SDGAPI/v1"))
    return httpserver


@pytest.fixture(scope="module")
def mobile_rows(shared_raw: Path) -> list[dict]:
    world = {"geoAreaCode": "1", "geoAreaName": "World", "value": "73.5"}
    rows = [api_row(r) for r in read_rows(shared_raw / MOBILE_CSV)]
    return [*rows, {**rows[0], **world}]  # plus a World row, which must go to `reference`


def files_below(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file())


def test_pull_collects_every_page_in_order_and_parses_like_the_csv(api, shared_raw, tmp_path, mobile_rows) -> None:
    skills = [api_row(r) for r in read_rows(shared_raw / SKILLS_CSV)]
    mobile_pages, skill_pages = pages(mobile_rows, 250), pages(skills, 250)
    assert (len(mobile_pages), len(skill_pages)) == (3, 20)
    serve(api, "IT_MOB_OWN", mobile_pages, 250)  # the codes are pulled in sorted order
    serve(api, "SE_ADT_ACTS", skill_pages, 250)
    folders = unsdg.pull(tmp_path, progress=False, series=["SE_ADT_ACTS", "IT_MOB_OWN"], page_size=250)
    api.check_assertions()

    day = datetime.now(UTC).date().isoformat()
    assert folders == [tmp_path / "un_sdg" / "api" / day / code for code in ("IT_MOB_OWN", "SE_ADT_ACTS")]
    mobile = folders[0]
    assert [p.name for p in files_below(mobile)] == ["_origin.yml", "page-1.json", "page-2.json", "page-3.json"]
    assert [(mobile / f"page-{n}.json").read_bytes() for n in (1, 2, 3)] == mobile_pages  # unchanged bodies
    origin = yaml.safe_load((mobile / "_origin.yml").read_text(encoding="utf-8"))
    assert origin["dataset"] == "unsd_sdg" and origin["license"] == unsdg.LICENSE
    assert origin["total_elements"] == 590 and origin["parameters"] == {"seriesCode": "IT_MOB_OWN", "pageSize": 250}
    for n, body in enumerate(mobile_pages, start=1):
        entry = origin["files"][f"page-{n}.json"]
        assert entry["sha256"] == hashlib.sha256(body).hexdigest()
        assert f"page={n}" in entry["url"]
    assert len(list(folders[1].glob("page-*.json"))) == 20
    assert not [p for p in (tmp_path / "un_sdg" / "api").iterdir() if p.name.startswith(".")]

    # The pulled pages parse into what the CSV gives; the World row is a group. The M49 file is
    # copied in so that the parser can tell groups from areas (rglob does not follow symlinks).
    m49 = shared_raw / "classifications" / "UNSD_M49_overview_en.csv"
    (tmp_path / "classifications").mkdir()
    (tmp_path / "classifications" / m49.name).write_bytes(m49.read_bytes())
    (pulled,) = unsdg.parse(tmp_path)
    (from_csv,) = unsdg.parse(shared_raw)
    assert parsed_values(pulled.observations) == parsed_values(from_csv.observations)
    assert set(pulled.observations["raw_file"]) == {str(f) for f in folders}
    assert pulled.reference[["source_code", "group_code", "group_name", "year", "sex", "value"]].values.tolist() == [
        ["IT_MOB_OWN", "001", "World", int(mobile_rows[0]["timePeriodStart"]), "total", 73.5]]
    first = next(f for f in pulled.files if f.path == mobile)
    assert first.vintage is None and first.retrieved_at is not None
    assert first.url.endswith("seriesCode=IT_MOB_OWN")


def test_a_series_without_data_is_a_typed_error(api, tmp_path) -> None:
    api.expect_ordered_request(ENDPOINT, query_string=query("IT_MOB_OWX", 1, 50)).respond_with_data(
        empty_page(), content_type="application/json")
    with pytest.raises(unsdg.SdgApiError) as caught:
        unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWX"], page_size=50)
    assert "seriesCode=IT_MOB_OWX" in caught.value.url
    assert "no data for series IT_MOB_OWX" in str(caught.value)
    assert files_below(tmp_path) == [] and not (tmp_path / "un_sdg").exists()


def test_an_empty_page_before_the_last_is_a_typed_error(api, tmp_path, mobile_rows) -> None:
    bodies = pages(mobile_rows, 250)
    broken = json.loads(bodies[1])
    broken["data"] = []
    serve(api, "IT_MOB_OWN", [bodies[0], json.dumps(broken).encode()], 250)
    with pytest.raises(unsdg.SdgApiError, match="page 2 of 3 is empty") as caught:
        unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=250)
    assert "page=2" in caught.value.url
    assert files_below(tmp_path) == []


@pytest.mark.parametrize("status", [429, 502])
def test_a_refusal_then_success_is_retried(api, tmp_path, mobile_rows, status: int) -> None:
    bodies = pages(mobile_rows, 600)
    api.expect_ordered_request(ENDPOINT, query_string=query("IT_MOB_OWN", 1, 600)).respond_with_data(
        "busy", status=status, headers={"Retry-After": "0"})
    serve(api, "IT_MOB_OWN", bodies, 600)
    waits: list[float] = []
    (folder,) = unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=600, sleep=waits.append)
    api.check_assertions()
    assert waits == [0.0]  # Retry-After honoured
    assert [p.read_bytes() for p in sorted(folder.glob("page-*.json"))] == bodies


def test_a_truncated_body_is_a_typed_error_and_leaves_the_earlier_pull(api, tmp_path, mobile_rows) -> None:
    bodies = pages(mobile_rows, 250)
    serve(api, "IT_MOB_OWN", bodies, 250)
    (folder,) = unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=250)
    before = {p: p.read_bytes() for p in files_below(tmp_path)}

    api.clear()
    serve(api, "IT_MOB_OWN", [bodies[0], bodies[1][: len(bodies[1]) // 2]], 250)
    with pytest.raises(unsdg.SdgApiError, match="not valid JSON, perhaps cut short") as caught:
        unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=250)
    assert "page=2" in caught.value.url
    assert {p: p.read_bytes() for p in files_below(tmp_path)} == before  # nothing half-written, nothing lost
    assert not [p for p in folder.parent.parent.iterdir() if p.name.startswith(".")]


def test_an_error_object_with_http_200_is_a_typed_error(api, tmp_path) -> None:
    api.expect_ordered_request(ENDPOINT, query_string=query("IT_MOB_OWN", 1, 50)).respond_with_json(
        {"message": "An error has occurred."})
    with pytest.raises(unsdg.SdgApiError, match="not a Series/Data page"):
        unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=50)
    assert files_below(tmp_path) == []


def test_a_second_pull_the_same_day_replaces_the_first(api, tmp_path, mobile_rows) -> None:
    first, second = pages(mobile_rows, 600), pages(mobile_rows[:-1], 300)
    serve(api, "IT_MOB_OWN", first, 600)
    serve(api, "IT_MOB_OWN", second, 300)
    (folder,) = unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=600)
    assert unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=300) == [folder]
    assert [p.read_bytes() for p in sorted(folder.glob("page-*.json"))] == second
    assert [p.name for p in folder.parent.parent.iterdir()] == [folder.parent.name]  # no scratch left


def test_the_catalogue_names_the_series_to_pull() -> None:
    assert unsdg.catalogue_series() == ["IT_MOB_OWN", "SE_ADT_ACTS"]


def test_damaged_pulled_pages_raise_naming_the_file(api, tmp_path, mobile_rows) -> None:
    serve(api, "IT_MOB_OWN", pages(mobile_rows, 250), 250)
    (folder,) = unsdg.pull(tmp_path, progress=False, series=["IT_MOB_OWN"], page_size=250)
    page = folder / "page-2.json"
    page.write_bytes(page.read_bytes()[:100])
    with pytest.raises(RawFileError) as caught:
        unsdg.parse(tmp_path)
    assert caught.value.path == str(page)
    page.unlink()
    with pytest.raises(RawFileError, match="totalPages 3") as caught:
        unsdg.parse(tmp_path)
    assert caught.value.path == str(folder)

"""ITU DataHub: the CSV exports in ../shared/data/raw, and `pull` against a local stand-in for the API v2.

Exports are checked against the csv module (breakdowns read from `seriesName`, not from the code
suffixes the parser uses). The stand-in serves the captured responses of
../shared/data/api-samples/itu_datahub_v2/ unchanged, and longer responses built in this file by
copying the captured row shape (same keys, only the values changed) and filling it with the rows
of the real exports.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from werkzeug import Request, Response

from etl.classifications import country_index
from etl.errors import EtlError, HttpError, RawFileError
from etl.harmonise import harmonise
from etl.sources import itu_datahub
from etl.sources.itu_datahub import DataHubEmptyResultError, DataHubResponseError

EXPORTS = "itu/datahub_exports"
BROADBAND = "fixed-broadband-subscriptions_1777496718795.csv"
INTERNET = "individuals-using-the-internet.csv"
SKILLS = "individuals-with-ict-skills-by-skill-level.csv"
SAFETY = "individuals-with-ict-skills-safety.csv"
# Breakdown rows as the exports name them in seriesName.
BREAKDOWN_NAMES = {
    "Female": ("sex", "female"), "Male": ("sex", "male"), "Urban": ("area", "urban"), "Rural": ("area", "rural"),
    "14 years and younger": ("age", "0-14"), "15 to 24 years": ("age", "15-24"),
    "25 to 74 years": ("age", "25-74"), "75 years and older": ("age", "75+"),
}
KEY = ["source_code", "entity", "year", "sex", "area", "age"]


# --- independent readers ------------------------------------------------------------------------


def export_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def export_cells(path: Path) -> dict[tuple, float]:
    """(series, ISO, year, sex, area, age) → value, with the breakdown read from seriesName."""
    cells = {}
    for row in export_rows(path):
        breakdown = {"sex": "total", "area": "total", "age": "total"}
        code = row["seriesCode"]
        if row["seriesParent"]:
            column, value = BREAKDOWN_NAMES[row["seriesName"]]
            breakdown[column] = value
            code = row["seriesParent"]
        cells[(code, row["entityIso"], int(row["dataYear"]), breakdown["sex"], breakdown["area"],
               breakdown["age"])] = float(row["dataValue"])
    return cells


def frame_cells(frame: pd.DataFrame) -> dict[tuple, float]:
    return {tuple(row[:-1]): row[-1] for row in frame[[*KEY, "value"]].itertuples(index=False)}


@pytest.fixture(scope="module")
def parsed(shared_raw: Path):
    frames = itu_datahub.parse(shared_raw)
    assert len(frames) == 1
    return frames[0]


def value_of(frame, code, entity, year, **breakdown) -> float:
    obs = frame.observations
    here = (obs["source_code"] == code) & (obs["entity"] == entity) & (obs["year"] == year)
    for column in ("sex", "area", "age"):
        here &= obs[column] == breakdown.get(column, "total")
    (value,) = obs.loc[here, "value"]
    return value


# --- parse: the real exports --------------------------------------------------------------------


def test_every_export_is_found_and_parsed_to_its_cells(shared_raw: Path, parsed) -> None:
    paths = sorted((shared_raw / EXPORTS).glob("*.csv"))
    assert [p.name for p in paths] == sorted([BROADBAND, INTERNET, SKILLS, SAFETY])
    assert sorted(str(f.path) for f in parsed.files) == [str(p) for p in paths]
    assert parsed.dataset == "itu_datahub" and parsed.entity_kind == "iso3"
    for path in paths:
        rows = parsed.observations[parsed.observations["raw_file"] == str(path)]
        assert frame_cells(rows) == pytest.approx(export_cells(path)), path.name


def test_spot_values_from_sources_md(parsed) -> None:
    assert value_of(parsed, "i99H", "NOR", 2024) == 99.0
    assert value_of(parsed, "i99H", "NER", 2024) == pytest.approx(15.56, abs=0.005)
    assert value_of(parsed, "i99H", "IND", 2025) == 70.0
    assert value_of(parsed, "i992b", "NOR", 2024) == pytest.approx(45.16, abs=0.005)
    # seriesUnits says "per 100 people" for i4213tfbb too, but it holds counts: kept as counts.
    assert value_of(parsed, "i4213tfbb", "NOR", 2024) == 2_518_604
    assert any("i4213tfbb" in w and "counts" in w for w in parsed.warnings)
    assert value_of(parsed, "HHU781CC1_HHTotalIndividual", "BRA", 2024) == pytest.approx(16.3, abs=0.05)
    assert value_of(parsed, "HHU781l_HHTotalIndividual", "BRA", 2022) == pytest.approx(28.8, abs=0.05)
    assert value_of(parsed, "HHU781l_HHTotalIndividual", "BRA", 2023) == pytest.approx(32.8, abs=0.05)


def test_safety_breakdowns_land_in_sex_area_age_under_the_total_code(parsed) -> None:
    obs = parsed.observations
    safety = obs[obs["source_code"].str.startswith("HHU781l_")]
    assert set(safety["source_code"]) == {"HHU781l_HHTotalIndividual"}
    assert set(safety["sex"]) == {"total", "female", "male"}
    assert set(safety["area"]) == {"total", "urban", "rural"}
    assert set(safety["age"]) == {"total", "0-14", "15-24", "25-74", "75+"}
    # one breakdown at a time: no row is both female and urban
    assert not ((safety["sex"] != "total") & ((safety["area"] != "total") | (safety["age"] != "total"))).any()


def test_vintage_is_the_export_timestamp_or_none(parsed) -> None:
    vintages = {f.path.name: f.vintage for f in parsed.files}
    assert vintages[BROADBAND] == date(2026, 4, 29)  # 1777496718795 ms since the epoch
    assert vintages[INTERNET] is None and vintages[SKILLS] is None and vintages[SAFETY] is None
    assert not any(f.republication for f in parsed.files)


def test_every_entity_is_mapped_or_excluded(shared_raw: Path, parsed) -> None:
    result = harmonise(parsed, country_index(shared_raw))
    assert result.unmapped == []
    assert {"AAA", "GBJ", "YUG", "TWN"} <= set(result.excluded)
    assert "CHI" not in set(result.observations["iso3"])  # Guernsey and Jersey are parts, not the whole
    kosovo = result.observations[result.observations["entity"] == "KSO"]
    assert len(kosovo) and set(kosovo["iso3"]) == {"XKX"}


def test_no_files_means_no_frames(tmp_path: Path) -> None:
    assert itu_datahub.parse(tmp_path) == []


@pytest.fixture
def safety_copy(shared_raw: Path, tmp_path: Path) -> Path:
    target = tmp_path / "raw" / "itu" / SAFETY
    target.parent.mkdir(parents=True)
    shutil.copyfile(shared_raw / EXPORTS / SAFETY, target)
    return target


@pytest.mark.parametrize(("old", "new", "message"), [
    ('"dataValue",', '"value",', "missing columns ['dataValue']"),
    ('"28.8457572070173"', '"n/a"', "non-numeric dataValue"),
    (',2022,"",', ',"22-23","",', "dataYear"),
    ('"HHU781l_HHCFemale"', '"HHU781l_HHCSomething"', "no known breakdown suffix"),
])
def test_a_broken_export_names_the_file_and_the_problem(safety_copy: Path, old: str, new: str,
                                                        message: str) -> None:
    text = safety_copy.read_text(encoding="utf-8-sig")
    assert old in text
    safety_copy.write_text(text.replace(old, new, 1), encoding="utf-8-sig")
    with pytest.raises(RawFileError) as caught:
        itu_datahub.parse(safety_copy.parent.parent)
    assert str(safety_copy) in str(caught.value)
    assert message in str(caught.value)


def test_a_truncated_export_is_refused(safety_copy: Path) -> None:
    safety_copy.write_bytes(safety_copy.read_bytes()[:300])
    with pytest.raises(RawFileError, match=re.escape(str(safety_copy))):
        itu_datahub.parse(safety_copy.parent.parent)


# --- pull: a local DataHub API ------------------------------------------------------------------


class Sleeps(list):
    """A stand-in for time.sleep that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(scope="module")
def samples(shared_raw: Path) -> Path:
    folder = shared_raw.parent / "api-samples" / "itu_datahub_v2"
    assert (folder / "itu-get-indicator-series.json").is_file()
    return folder


@pytest.fixture(scope="module")
def built_bodies(shared_raw: Path, samples: Path) -> dict[int, bytes]:
    """codeID → a /data/bycode body holding every row of that series in the real exports.

    Each row is a deep copy of a captured row (keys, nesting and order as captured; the
    captured rows differ in key order, so consecutive rows cycle through them) with only the
    values replaced. Values are strings, as in /data; pretty-printed like the samples.
    """
    template = json.loads((samples / "itu-get-indicator-series.json").read_bytes())
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


@pytest.fixture
def datahub(httpserver, monkeypatch, samples, built_bodies):
    """A local DataHub under /v2: the captured country list, and every series built from the exports."""
    monkeypatch.setenv("DDI_ITU_API", httpserver.url_for("/v2"))
    countries = (samples / "itu-list-countries.json").read_bytes()

    def series(request: Request) -> Response:
        code_id = int(request.path.rsplit("/", 1)[1])
        return Response(built_bodies.get(code_id, b"[]"), content_type="application/json")

    def serve() -> None:
        httpserver.expect_request("/v2/country/all").respond_with_data(countries, content_type="application/json")
        httpserver.expect_request(re.compile(r"/v2/data/bycode/\d+")).respond_with_handler(series)

    serve.countries = countries
    serve.base = httpserver.url_for("/v2")
    return serve


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def files_below(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def pulled_folder(raw: Path) -> Path:
    return raw / "itu" / "api" / datetime.now(UTC).date().isoformat()


def test_pull_saves_every_catalogue_series_unchanged_and_parse_gives_the_export_values(
        datahub, built_bodies, shared_raw, tmp_path, httpserver) -> None:
    datahub()
    raw = tmp_path / "raw"
    before = datetime.now(UTC).replace(microsecond=0)

    folders = itu_datahub.pull(raw, progress=False, sleep=Sleeps())

    after = datetime.now(UTC)
    folder = pulled_folder(raw)
    assert folders == [folder]
    codes = itu_datahub.catalogue_codes()
    assert {"i992b", "i4213tfbb", "HHU781CC1_HHTotalIndividual", "HHU781l_HHTotalIndividual"} <= set(codes)
    wanted = itu_datahub.series_to_fetch(codes)
    # the catalogue's DataHub series (14 of its own), plus the 16 breakdown series of the two safety activities
    assert len(wanted) == len(codes) + 16
    expected = {folder / "_origin.yml": None, folder / "itu_country_all.json": datahub.countries}
    expected |= {folder / f"itu_data_bycode_{code_id}.json": built_bodies[code_id] for _, code_id in wanted}
    assert files_below(raw) == sorted(expected)  # nothing else, no temporary folder left
    for path, body in expected.items():
        if body is not None:
            assert path.read_bytes() == body, path.name

    origin = yaml.safe_load((folder / "_origin.yml").read_text(encoding="utf-8"))
    assert origin["license"] == "CC BY-NC-SA 3.0 IGO"
    assert before <= datetime.fromisoformat(origin["retrieved_at"]) <= after
    for path, body in expected.items():
        if body is None:
            continue
        entry = origin["files"][path.name]
        assert entry["sha256"] == sha256(body)
        assert entry["params"] == {}
        assert before <= datetime.fromisoformat(entry["retrieved_at"]) <= after
    assert origin["files"]["itu_data_bycode_19303.json"]["url"] == f"{datahub.base}/data/bycode/19303"
    assert origin["files"]["itu_data_bycode_19303.json"]["code"] == "i992b"
    assert origin["files"]["itu_country_all.json"]["url"] == f"{datahub.base}/country/all"
    assert len(httpserver.log) == len(wanted) + 1

    (frame,) = itu_datahub.parse(raw)
    from_api = frame_cells(frame.observations)
    from_exports = {key: value for name in (BROADBAND, INTERNET, SKILLS, SAFETY)
                    for key, value in export_cells(shared_raw / EXPORTS / name).items() if key[0] in codes}
    assert from_api == pytest.approx(from_exports)
    by_name = {f.path.name: f for f in frame.files}
    assert by_name["itu_data_bycode_19303.json"].url == f"{datahub.base}/data/bycode/19303"
    assert by_name["itu_data_bycode_19303.json"].vintage is None  # /data states no release date
    assert before <= by_name["itu_data_bycode_19303.json"].retrieved_at <= after
    assert harmonise(frame, country_index(shared_raw)).unmapped == []


def test_the_captured_response_is_saved_byte_identical_and_read(datahub, samples, tmp_path, httpserver) -> None:
    """The real capture (pretty-printed, key order varying by row, value strings) served as is."""
    captured = (samples / "itu-get-indicator-series.json").read_bytes()
    httpserver.expect_request("/v2/data/bycode/11624").respond_with_data(captured, content_type="application/json")
    datahub()
    raw = tmp_path / "raw"

    itu_datahub.pull(raw, progress=False, codes=["i99H"])

    saved = pulled_folder(raw) / "itu_data_bycode_11624.json"
    assert saved.read_bytes() == captured
    (frame,) = itu_datahub.parse(raw)
    expected = {("i99H", row["isoCode"], row["dataYear"], "total", "total", "total"): float(row["answer"][0]["value"])
                for row in json.loads(captured)}
    assert frame_cells(frame.observations) == expected
    assert expected[("i99H", "ABW", 2000, "total", "total", "total")] == 15.4428229480349


def assert_nothing_written(raw: Path) -> None:
    assert not raw.exists() or files_below(raw) == [], files_below(raw)
    assert not (raw / "itu").exists()  # not even the empty folders the pull created


def test_http_200_with_an_empty_result_is_a_typed_error_with_the_url(datahub, tmp_path, httpserver) -> None:
    httpserver.expect_request("/v2/data/bycode/11624").respond_with_data("[]", content_type="application/json")
    datahub()
    raw = tmp_path / "raw"
    with pytest.raises(DataHubEmptyResultError) as caught:
        itu_datahub.pull(raw, progress=False, codes=["i99H"])
    assert caught.value.url == f"{datahub.base}/data/bycode/11624"
    assert caught.value.url in str(caught.value) and "empty result" in str(caught.value)
    assert isinstance(caught.value, HttpError)
    assert_nothing_written(raw)


@pytest.mark.parametrize(("body", "message"), [
    (None, "not valid JSON"),  # the captured body cut in half
    (b'{"message": "Not found"}', "expected a JSON array"),
    (b'[{"code": "i99H", "isoCode": "ABW"}]', "lacks"),
    (b'[{"codeID": 11624, "code": "i99H", "isoCode": "ABW", "dataYear": 2000, "answer": [{"value": "n/a"}]}]',
     "not a number"),
])
def test_a_body_that_is_not_datahub_json_is_a_typed_error_and_writes_nothing(
        datahub, samples, tmp_path, httpserver, body, message) -> None:
    captured = (samples / "itu-get-indicator-series.json").read_bytes()
    body = captured[: len(captured) // 2] if body is None else body
    httpserver.expect_request("/v2/data/bycode/11624").respond_with_data(body, content_type="application/json")
    datahub()
    raw = tmp_path / "raw"
    with pytest.raises(DataHubResponseError) as caught:
        itu_datahub.pull(raw, progress=False, codes=["i99H"])
    assert caught.value.url == f"{datahub.base}/data/bycode/11624"
    assert message in str(caught.value)
    assert_nothing_written(raw)


def test_a_failure_midway_leaves_the_earlier_pull_intact(datahub, built_bodies, tmp_path, httpserver) -> None:
    """A second pull the same day that fails keeps the first one's folder as it was; a good one replaces it."""
    datahub()
    raw = tmp_path / "raw"
    itu_datahub.pull(raw, progress=False, codes=["HHU781l_HHTotalIndividual"])
    folder = pulled_folder(raw)
    first = {p: p.read_bytes() for p in files_below(raw)}
    assert len(first) == 11  # 9 series + country list + sidecar

    httpserver.clear()
    truncated_last = max(code_id for _, code_id in itu_datahub.series_to_fetch(["HHU781l_HHTotalIndividual"]))
    httpserver.expect_request(f"/v2/data/bycode/{truncated_last}").respond_with_data(b'[{"codeID": 338')
    datahub()
    with pytest.raises(DataHubResponseError, match=f"/data/bycode/{truncated_last}"):
        itu_datahub.pull(raw, progress=False, codes=["HHU781l_HHTotalIndividual"])
    assert {p: p.read_bytes() for p in files_below(raw)} == first
    assert sorted(p.name for p in (raw / "itu" / "api").iterdir()) == [folder.name]

    httpserver.clear()
    datahub()
    itu_datahub.pull(raw, progress=False, codes=["i992b"])
    assert sorted(p.name for p in folder.iterdir()) == ["_origin.yml", "itu_country_all.json",
                                                        "itu_data_bycode_19303.json"]


def test_429_with_retry_after_then_200(datahub, built_bodies, tmp_path, httpserver) -> None:
    httpserver.expect_oneshot_request("/v2/data/bycode/19303").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"})
    datahub()
    sleeps = Sleeps()
    raw = tmp_path / "raw"
    itu_datahub.pull(raw, progress=False, codes=["i992b"], sleep=sleeps)
    assert sleeps == [0.0]  # the server's Retry-After, not the backoff
    answers = [response.status_code for request, response in httpserver.log if request.path.endswith("/19303")]
    assert answers == [429, 200]
    assert (pulled_folder(raw) / "itu_data_bycode_19303.json").read_bytes() == built_bodies[19303]


def test_502_then_200(datahub, built_bodies, tmp_path, httpserver) -> None:
    httpserver.expect_oneshot_request("/v2/country/all").respond_with_data("bad gateway", status=502)
    datahub()
    sleeps = Sleeps()
    raw = tmp_path / "raw"
    itu_datahub.pull(raw, progress=False, codes=["i992b"], sleep=sleeps)
    assert sleeps == [1.0]  # the first backoff step, recorded rather than waited
    assert [response.status_code for _, response in httpserver.log] == [502, 200, 200]
    assert (pulled_folder(raw) / "itu_country_all.json").read_bytes() == datahub.countries


def test_a_series_without_a_known_code_id_is_refused_before_any_request(datahub, tmp_path, httpserver) -> None:
    datahub()
    with pytest.raises(EtlError, match="no DataHub codeID known for \\['i911'\\]"):
        itu_datahub.pull(tmp_path / "raw", progress=False, codes=["i911"])
    assert len(httpserver.log) == 0


def test_a_saved_response_cut_short_later_names_the_file(datahub, tmp_path) -> None:
    datahub()
    raw = tmp_path / "raw"
    itu_datahub.pull(raw, progress=False, codes=["i992b"])
    saved = pulled_folder(raw) / "itu_data_bycode_19303.json"
    saved.write_bytes(saved.read_bytes()[:1000])
    with pytest.raises(RawFileError, match=re.escape(str(saved))):
        itu_datahub.parse(raw)



def test_parse_skips_leftover_working_folders_and_reports_rows_without_a_value(samples, tmp_path) -> None:
    """A pull killed mid-way may leave its hidden working folder: parse ignores it. Value-less rows are counted."""
    rows = json.loads((samples / "itu-get-indicator-series.json").read_bytes())
    rows[1]["answer"] = []
    rows[2]["answer"][0]["value"] = ""
    folder = tmp_path / "raw" / "itu" / "api" / "2026-07-26"  # put there by hand: no sidecar
    folder.mkdir(parents=True)
    (folder / "itu_data_bycode_11624.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    leftover = tmp_path / "raw" / "itu" / "api" / ".2026-07-27-x.partial"
    leftover.mkdir()
    (leftover / "itu_data_bycode_11624.json").write_text("[{", encoding="utf-8")

    (frame,) = itu_datahub.parse(tmp_path / "raw")

    assert frame_cells(frame.observations) == {("i99H", "ABW", 2000, "total", "total", "total"): 15.4428229480349}
    assert any("2 rows without a value skipped" in w for w in frame.warnings)
    (file,) = frame.files
    assert file.retrieved_at is None and file.url is None and file.vintage is None

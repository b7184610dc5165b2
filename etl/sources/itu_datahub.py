"""ITU DataHub (dataset `itu_datahub`): the indicator CSV exports, and the DataHub API v2 (`pull`).

CSV exports (`raw/itu/datahub_exports/`, the DataHub "Download" button), checked on the files in
../shared/data/raw: UTF-8 with BOM, LF, every text cell quoted, 13 columns `seriesID, seriesCode,
seriesName, seriesParent, seriesUnits, entityID, entityIso, entityName, dataValue, dataYear,
dataNote, dataSource, seriesDescription`, one row per (series, economy, year). `seriesID` is the
DataHub `codeID` the API addresses series by. A breakdown row (by sex, age, urban/rural) is a
series of its own (`HHU781l_HHCFemale`) whose `seriesParent` names the total's series
(`HHU781l_HHTotalIndividual`). An export's file name may end in its timestamp in ms since the
epoch (`_1777496718795` = 2026-04-29), which is then its vintage.

API (`pull`): `GET {base}/data/bycode/{codeID}` answers a JSON array of rows `codeID, code,
countryID, isoCode, shortName, dataID, dataYear, dataNote, dataSource, answer: [{value, id}]`,
`GET {base}/country/all` the list of economies. ITU publishes no API documentation; the shapes
are those of the captured responses in ../shared/data/api-samples/itu_datahub_v2/ (pretty-printed,
key order varying from row to row, `value` a string). A pull is saved as
`itu/api/<YYYY-MM-DD>/itu_data_bycode_<codeID>.json` + `itu_country_all.json` + `_origin.yml`, and
`parse` reads those files like the exports.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import requests
import yaml
from tqdm import tqdm

from etl import http, settings
from etl.errors import EtlError, HttpError, RawFileError
from etl.provenance import read_origin
from etl.tidy import RawFile, SourceFrames, observations

DATASET = "itu_datahub"
LICENSE = "CC BY-NC-SA 3.0 IGO"
LICENSE_URL = "https://creativecommons.org/licenses/by-nc-sa/3.0/igo/"

EXPORT_PATTERNS = (
    "individuals-using-the-internet*.csv",
    "fixed-broadband-subscriptions*.csv",
    "individuals-with-ict-skills-*.csv",
)
EXPORT_COLUMNS = ["seriesID", "seriesCode", "seriesName", "seriesParent", "seriesUnits", "entityID", "entityIso",
                  "entityName", "dataValue", "dataYear", "dataNote", "dataSource", "seriesDescription"]
API_SUBDIR = Path("itu") / "api"
API_DATA_PATTERN = "itu_data_bycode_*.json"
API_COUNTRIES_NAME = "itu_country_all.json"
ORIGIN_NAME = "_origin.yml"

# The DataHub codeID of each series we use, from the `seriesID` column of the exports (the API
# addresses series by codeID, not by code; i99H = 11624 is also the id in the API samples' URLs).
SERIES_IDS: dict[str, int] = {
    "i99H": 11624,  # Individuals using the Internet, %
    "i992b": 19303,  # Fixed-broadband subscriptions per 100 inhabitants
    "i4213tfbb": 19257,  # Fixed-broadband subscriptions, number
    # ICT skills by skill area, basic (1) / above basic (2), % of individuals (SDG 4.4.1)
    "HHU781CC1_HHTotalIndividual": 37380, "HHU781CC2_HHTotalIndividual": 37381,
    "HHU781DCC1_HHTotalIndividual": 37377, "HHU781DCC2_HHTotalIndividual": 37378,
    "HHU781IDL1_HHTotalIndividual": 37374, "HHU781IDL2_HHTotalIndividual": 37375,
    "HHU781PS1_HHTotalIndividual": 37383, "HHU781PS2_HHTotalIndividual": 37384,
    "HHU781SF1_HHTotalIndividual": 37371, "HHU781SF2_HHTotalIndividual": 37372,
    # Safety activities with their breakdown series: l = changing privacy settings, m = security measures
    "HHU781l_HHTotalIndividual": 33797, "HHU781l_HHCMale": 33798, "HHU781l_HHCFemale": 33799,
    "HHU781l_HHCUrbanUsers": 33800, "HHU781l_HHCRuralUsers": 33803, "HHU781l_HHCLess15": 33806,
    "HHU781l_HHC15to24": 33809, "HHU781l_HHC25to74": 33812, "HHU781l_HHCMore74": 33815,
    "HHU781m_HHTotalIndividual": 34031, "HHU781m_HHCMale": 34006, "HHU781m_HHCFemale": 33960,
    "HHU781m_HHCUrbanUsers": 34030, "HHU781m_HHCRuralUsers": 34021, "HHU781m_HHCLess15": 34003,
    "HHU781m_HHC15to24": 33954, "HHU781m_HHC25to74": 33957, "HHU781m_HHCMore74": 34007,
}
CODE_BY_ID = {code_id: code for code, code_id in SERIES_IDS.items()}

# Household-survey series: `<stem>_HHTotalIndividual` is the total, `<stem>_<suffix>` a breakdown.
TOTAL_SUFFIX = "HHTotalIndividual"
BREAKDOWN_SUFFIXES: dict[str, dict[str, str]] = {
    "HHCFemale": {"sex": "female"},
    "HHCMale": {"sex": "male"},
    "HHCUrbanUsers": {"area": "urban"},
    "HHCRuralUsers": {"area": "rural"},
    "HHCLess15": {"age": "0-14"},  # "14 years and younger"
    "HHC15to24": {"age": "15-24"},
    "HHC25to74": {"age": "25-74"},
    "HHCMore74": {"age": "75+"},  # "75 years and older"
}
# Both series of the fixed-broadband export say "per 100 people" in seriesUnits (and in
# seriesDescription), but i4213tfbb holds counts (NOR 2024 = 2,518,604; i992b NOR 2024 = 45.16):
# the code is trusted, not the unit text.
COUNT_SERIES = {"i4213tfbb"}


class DataHubResponseError(HttpError):
    """The DataHub API answered HTTP 200 with a body that is not the expected JSON (cut short, an error object)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, 200)


class DataHubEmptyResultError(DataHubResponseError):
    """HTTP 200 with an empty result for a series id that must exist: a wrong or withdrawn codeID."""


class _ShapeError(ValueError):
    """A JSON body that does not have the DataHub shape (wrapped with the file or URL by the caller)."""


def split_code(code: str) -> tuple[str, dict[str, str]]:
    """A series code → (its total's code, its breakdown): HHU781l_HHCMale → (HHU781l_HHTotalIndividual, sex male)."""
    stem, _, suffix = code.rpartition("_")
    if stem and suffix in BREAKDOWN_SUFFIXES:
        return f"{stem}_{TOTAL_SUFFIX}", BREAKDOWN_SUFFIXES[suffix]
    return code, {}


# --- parse: CSV exports -------------------------------------------------------------------------


def export_vintage(path: Path) -> date | None:
    """The export timestamp in the file name (ms since the epoch, UTC) as a date; None when absent."""
    match = re.search(r"_(\d{13})\.csv$", path.name)
    if not match:
        return None
    return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC).date()


def read_export(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """One DataHub CSV export as observations (source_code = the total's code), with warnings."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as a DataHub CSV export: {exc}") from exc
    missing = [column for column in EXPORT_COLUMNS if column not in table.columns]
    if missing:
        raise RawFileError(path, f"missing columns {missing} (a DataHub export has {EXPORT_COLUMNS})")
    if table.empty:
        raise RawFileError(path, "no data rows")
    warnings: list[str] = []
    codes = table["seriesCode"].str.strip()
    parents = table["seriesParent"].str.strip()
    if codes.eq("").any():
        raise RawFileError(path, f"{int(codes.eq('').sum())} rows have an empty seriesCode")
    source_codes, sexes, areas, ages = [], [], [], []
    for code, parent in zip(codes, parents, strict=True):
        total, breakdown = split_code(code)
        if parent and not breakdown:
            raise RawFileError(path, f"series {code} has seriesParent {parent} but no known breakdown suffix "
                                     f"({', '.join(BREAKDOWN_SUFFIXES)})")
        source_codes.append(parent or total)
        sexes.append(breakdown.get("sex", "total"))
        areas.append(breakdown.get("area", "total"))
        ages.append(breakdown.get("age", "total"))
    cells = table["dataValue"].str.strip()
    values = pd.to_numeric(cells, errors="coerce")
    bad = table[values.isna() & (cells != "")]
    if len(bad):
        first = bad.iloc[0]
        raise RawFileError(path, f"{len(bad)} non-numeric dataValue cells, e.g. {first['seriesCode']} "
                                 f"{first['entityIso']} {first['dataYear']} = {first['dataValue']!r}")
    years = pd.to_numeric(table["dataYear"].str.strip(), errors="coerce")
    bad = table[years.isna() | (years % 1 != 0)]
    if len(bad):
        raise RawFileError(path, f"{len(bad)} rows with an unreadable dataYear, e.g. {bad.iloc[0]['dataYear']!r}")
    entities = table["entityIso"].str.strip()
    if entities.eq("").any():
        raise RawFileError(path, f"{int(entities.eq('').sum())} rows have an empty entityIso")

    frame = pd.DataFrame({
        "source_code": source_codes, "entity": entities, "year": years.astype(int), "sex": sexes, "area": areas,
        "age": ages, "value": values.astype(float), "obs_status": None, "raw_file": str(path),
    })
    empty = int(values.isna().sum())
    if empty:
        warnings.append(f"{path.name}: {empty} rows with an empty dataValue skipped")
        frame = frame[values.notna().to_numpy()]
    _refuse_duplicates(frame, path)
    units = table.loc[codes.isin(COUNT_SERIES), "seriesUnits"].str.lower()
    if units.str.contains("per 100").any():
        warnings.append(f"{path.name}: seriesUnits says 'per 100 people' for {sorted(COUNT_SERIES)}, "
                        "which hold subscription counts; read as counts")
    return observations(frame), warnings


def _refuse_duplicates(frame: pd.DataFrame, path: Path) -> None:
    key = ["source_code", "entity", "year", "sex", "area", "age"]
    dupes = frame[frame.duplicated(key, keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise RawFileError(path, f"{len(dupes)} rows repeat a (series, economy, year, breakdown), e.g. "
                                 f"{first['source_code']} {first['entity']} {first['year']}")


# --- parse: saved API responses -----------------------------------------------------------------


def _lower_keys(item: object, where: str) -> dict:
    # Key casing varies in the real API (`publiclyVisible` and `PubliclyVisible` in one response,
    # `IsoCode` in /country/all but `isoCode` in /data), so keys are compared in lower case.
    if not isinstance(item, dict):
        raise _ShapeError(f"{where} is a {type(item).__name__}, not an object")
    return {str(key).lower(): value for key, value in item.items()}


def _number(value: object, where: str) -> float | None:
    # /data gives values as strings ("43.0791626375201"), /aggregation as numbers (8.6).
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _ShapeError(f"{where}: value {value!r} is not a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _ShapeError(f"{where}: value {value!r} is not a number") from None


def api_rows(payload: object) -> pd.DataFrame:
    """Rows of a `/data/bycode/{codeID}` body: code, code_id, entity, year, value (None when empty)."""
    if not isinstance(payload, list):
        raise _ShapeError(f"expected a JSON array of rows, got a {type(payload).__name__}")
    rows = []
    for number, item in enumerate(payload):
        where = f"row {number}"
        row = _lower_keys(item, where)
        missing = [key for key in ("code", "isocode", "datayear", "answer") if key not in row]
        if missing:
            raise _ShapeError(f"{where} lacks {missing}")
        answer = row["answer"]
        if not isinstance(answer, list):
            raise _ShapeError(f"{where}: answer is not an array")
        value = _number(_lower_keys(answer[0], f"{where} answer[0]").get("value"), where) if answer else None
        try:
            year = int(row["datayear"])
        except (TypeError, ValueError):
            raise _ShapeError(f"{where}: dataYear {row['datayear']!r} is not a year") from None
        code_id = row.get("codeid")
        # The codeID names the series unambiguously; the `code` string is kept only for ids we do not
        # know (one third-party client expects household codes spelled `HH%U4212_…`, unverified).
        code = CODE_BY_ID.get(code_id, str(row["code"])) if isinstance(code_id, int) else str(row["code"])
        if not isinstance(row["isocode"], str) or not row["isocode"].strip():
            raise _ShapeError(f"{where}: empty isoCode")
        rows.append({"code": code, "code_id": code_id, "entity": row["isocode"].strip(), "year": year,
                     "value": value})
    return pd.DataFrame(rows, columns=["code", "code_id", "entity", "year", "value"])


def read_api_file(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """One saved `/data/bycode/{codeID}` response as observations, with warnings."""
    try:
        payload = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise RawFileError(path, f"not valid JSON (cut short?): {exc}") from exc
    try:
        rows = api_rows(payload)
    except _ShapeError as exc:
        raise RawFileError(path, f"not a DataHub /data response: {exc}") from exc
    if rows.empty:
        raise RawFileError(path, "an empty result (no rows)")
    warnings = []
    empty = int(rows["value"].isna().sum())
    if empty:
        warnings.append(f"{path}: {empty} rows without a value skipped")
        rows = rows[rows["value"].notna()]
    split = [split_code(code) for code in rows["code"]]
    frame = pd.DataFrame({
        "source_code": [total for total, _ in split],
        "entity": rows["entity"].to_numpy(),
        "year": rows["year"].astype(int).to_numpy(),
        "sex": [b.get("sex", "total") for _, b in split],
        "area": [b.get("area", "total") for _, b in split],
        "age": [b.get("age", "total") for _, b in split],
        "value": rows["value"].astype(float).to_numpy(),
        "raw_file": str(path),
    })
    _refuse_duplicates(frame, path)
    return observations(frame), warnings


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _api_raw_file(path: Path, origin: dict, warnings: list[str]) -> RawFile:
    entry = (origin.get("files") or {}).get(path.name) or {}
    if entry.get("sha256") and entry["sha256"] != _sha256(path):
        warnings.append(f"{path}: changed since it was pulled (sha256 differs from {ORIGIN_NAME})")
    retrieved = entry.get("retrieved_at") or origin.get("retrieved_at")
    if isinstance(retrieved, str):
        try:
            retrieved = datetime.fromisoformat(retrieved)
        except ValueError as exc:
            raise RawFileError(path.parent / ORIGIN_NAME, f"unreadable retrieved_at {retrieved!r}") from exc
    # The /data rows carry no release date (only /aggregation has updateDate): vintage unknown.
    return RawFile(path, None, retrieved_at=retrieved, url=entry.get("url"))


# --- parse --------------------------------------------------------------------------------------


def find_files(raw_dir: Path) -> tuple[list[Path], list[Path]]:
    """DataHub CSV exports and saved API responses anywhere below `raw_dir` (not in a pull's temp folder)."""
    exports = sorted({p for pattern in EXPORT_PATTERNS for p in raw_dir.rglob(pattern) if p.is_file()})
    responses = sorted(p for p in raw_dir.rglob(API_DATA_PATTERN)  # not in a pull's hidden working folders
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts))
    return exports, responses


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every DataHub export and saved API response below `raw_dir`, as one `itu_datahub` frame."""
    exports, responses = find_files(raw_dir)
    if not exports and not responses:
        return []
    frames: list[pd.DataFrame] = []
    files: list[RawFile] = []
    warnings: list[str] = []
    for path in exports:
        frame, notes = read_export(path)
        frames.append(frame)
        warnings += notes
        files.append(RawFile(path, export_vintage(path)))
    origins: dict[Path, dict] = {}
    for path in responses:
        if path.parent not in origins:
            origins[path.parent] = read_origin(path.parent)
        frame, notes = read_api_file(path)
        frames.append(frame)
        warnings += notes
        files.append(_api_raw_file(path, origins[path.parent], warnings))
    obs = pd.concat(frames, ignore_index=True)
    return [SourceFrames(DATASET, "iso3", obs, files, warnings=warnings)]


# --- pull: the DataHub API ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    name: str  # file name under the pull folder
    url: str
    code: str | None = None
    code_id: int | None = None


def catalogue_codes() -> list[str]:
    """The DataHub series the catalogue uses (its own entries and `also_from` lines)."""
    from indicators import catalogue

    cat = catalogue()
    codes = {ind.source_code for ind in cat.indicators.values() if ind.source.source_key == DATASET}
    codes |= {code for ind in cat.indicators.values() for dataset, code in ind.also_from if dataset == DATASET}
    return sorted(codes)


def series_to_fetch(codes: Iterable[str]) -> list[tuple[str, int]]:
    """(code, codeID) of each series and of its breakdown series; EtlError for a code without a known codeID."""
    unknown = sorted(code for code in codes if code not in SERIES_IDS)
    if unknown:
        raise EtlError(f"no DataHub codeID known for {unknown}: add them to SERIES_IDS in etl/sources/itu_datahub.py "
                       "(the seriesID column of a DataHub export)")
    chosen: dict[str, int] = {}
    for code in codes:
        chosen[code] = SERIES_IDS[code]
        chosen.update({child: code_id for child, code_id in SERIES_IDS.items()
                       if child != code and split_code(child)[0] == code})
    return sorted(chosen.items(), key=lambda item: item[1])


def _check_countries(body: bytes, url: str) -> None:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise DataHubResponseError(url, f"not valid JSON (cut short?): {exc}") from exc
    if not isinstance(payload, list) or not payload:
        raise DataHubEmptyResultError(url, "HTTP 200 without the list of countries")
    try:
        if not all(_lower_keys(item, "country").get("isocode") for item in payload):
            raise DataHubResponseError(url, "a country without IsoCode")
    except _ShapeError as exc:
        raise DataHubResponseError(url, f"not a DataHub country list: {exc}") from exc


def _check_series(body: bytes, url: str, code: str, code_id: int) -> None:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise DataHubResponseError(url, f"not valid JSON (cut short?): {exc}") from exc
    try:
        rows = api_rows(payload)
    except _ShapeError as exc:
        raise DataHubResponseError(url, f"not a DataHub /data response: {exc}") from exc
    if rows.empty:
        raise DataHubEmptyResultError(url, f"HTTP 200 with an empty result for codeID {code_id} ({code}): "
                                           "a wrong or withdrawn series id, not 'no data'")
    other = sorted({str(i) for i in rows["code_id"] if i is not None and i != code_id})
    if other:
        raise DataHubResponseError(url, f"asked for codeID {code_id} ({code}), got rows of codeID {other}")


def _missing_parents(folder: Path) -> list[Path]:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def pull(raw_dir: Path, *, progress: bool = True, session: requests.Session | None = None,
         codes: Iterable[str] | None = None, sleep: Callable[[float], None] = time.sleep) -> list[Path]:
    """Fetch the catalogue's DataHub series (or `codes`) and the country list into `itu/api/<date>/`.

    Each body is saved unchanged, with `_origin.yml` (URL, parameters, time, sha256, licence). The
    files are written to a hidden temporary folder renamed into place at the end, so a failed pull
    leaves nothing behind; a second pull on the same day replaces that day's folder. Returns
    the folder.
    """
    wanted = sorted(codes) if codes is not None else catalogue_codes()
    base = settings.itu_api()  # DDI_ITU_API
    plan = [_Request(API_COUNTRIES_NAME, f"{base}/country/all")]
    plan += [_Request(f"itu_data_bycode_{code_id}.json", f"{base}/data/bycode/{code_id}", code, code_id)
             for code, code_id in series_to_fetch(wanted)]
    started = datetime.now(UTC)
    day = started.date().isoformat()
    api_root = raw_dir / API_SUBDIR
    created = _missing_parents(api_root)
    api_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{day}-", suffix=".partial", dir=api_root))
    target = api_root / day
    http_session = session or requests.Session()
    done = False
    try:
        entries: dict[str, dict] = {}
        for item in tqdm(plan, desc="pull itu_datahub", unit="file", disable=not progress):
            response = http.get(item.url, session=http_session, sleep=sleep)
            body = response.content
            if item.code is None:
                _check_countries(body, response.url)
            else:
                _check_series(body, response.url, item.code, item.code_id)
            (scratch / item.name).write_bytes(body)
            entries[item.name] = {
                "url": response.url, "params": {},
                "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "sha256": hashlib.sha256(body).hexdigest(),
                **({"code": item.code, "code_id": item.code_id} if item.code else {}),
            }
        origin = {
            "publisher": "ITU", "dataset": DATASET, "api": base,
            "retrieved_at": started.isoformat(timespec="seconds"),
            "license": LICENSE, "license_url": LICENSE_URL,
            "attribution": "ITU World Telecommunication/ICT Indicators Database",
            "files": entries,
        }
        (scratch / ORIGIN_NAME).write_text(yaml.safe_dump(origin, sort_keys=False, allow_unicode=True),
                                           encoding="utf-8")
        if target.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{day}-", suffix=".replaced", dir=api_root))
            target.rename(aside / day)
            try:
                scratch.rename(target)
            except OSError:
                (aside / day).rename(target)  # put the earlier pull back
                raise
            shutil.rmtree(aside)
        else:
            scratch.rename(target)
        done = True
    finally:
        if session is None:
            http_session.close()
        if not done:
            shutil.rmtree(scratch, ignore_errors=True)
            for folder in created:  # deepest first: only the folders this pull made, if still empty
                if folder.exists() and not any(folder.iterdir()):
                    folder.rmdir()
    return [target]

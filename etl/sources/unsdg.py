"""UN SDG Global Database (dataset `unsd_sdg`): the database's CSV downloads, and the SDG API v1 (`pull`).

CSV downloads (checked on `raw/un_sdg/2020Q4_sdg_database_downloads/*.csv` in ../shared/data/raw):
UTF-8, 67 columns `ID, Goal, Target, Indicator, ReleaseStatus, ReleaseName, SeriesID, SeriesCode, …,
GeoAreaCode, GeoAreaName, TimePeriod, Value, ValueType, …, Source, GeoInfoUrl, FootNote, ObservationID`,
then one column per attribute (Freq, Nature, UnitMultiplier, Units, Observation Status) and per
dimension of *any* series of the database (Age, Location, Sex, Type of skill, Reporting Type, Education
level, Quantile, …; empty where a series does not have it). One row per observation; GeoAreaCode
is the M49 number without leading zeros ("4" = Afghanistan). `ReleaseName` is a release label
("2020.Q4.G.02"), not a date, so the files have no vintage.

API (`pull`): `GET {base}/sdg/Series/Data?seriesCode=<code>&page=<n>&pageSize=<k>` answers
`{size, totalElements, totalPages, pageNumber, attributes: [...], dimensions: [...], data: [...]}`
(the first two lists describe the code lists). No saved API response could be found, so the
row shape is taken from the API's published field names and from the CSV download, which mirrors
them: `series` = SeriesCode, `geoAreaCode`/`geoAreaName`, `timePeriodStart` = TimePeriod (a float
year, 2018.0), `value` (a string, "22.846"), `valueType`, `attributes{Nature, Units, UnitMultiplier}`
and `dimensions{Sex, Age, Location, Type of skill, Reporting Type, …}` = the CSV's columns of the
same names, `goal`/`target`/`indicator` as lists. Pages are numbered from 1.
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
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import requests
import yaml
from tqdm import tqdm

from etl import classifications, http, settings
from etl.errors import HttpError, RawFileError
from etl.provenance import read_origin
from etl.sources import worldbank
from etl.tidy import RawFile, SourceFrames, observations, reference

DATASET = "unsd_sdg"
PUBLISHER = "UN Statistics Division"
LICENSE = "UN terms of use (free re-use with attribution)"
LICENSE_URL = "https://www.un.org/en/about-us/terms-of-use"

# The third party named its downloads sdg_database_<topic>.csv; anything below a `un_sdg` folder
# is also taken for a download (and must then have the SDG columns).
CSV_PATTERNS = ("sdg_database_*.csv",)
PUBLISHER_DIR = "un_sdg"
API_SUBDIR = Path(PUBLISHER_DIR) / "api"
PAGE_PATTERN = "page-*.json"
ORIGIN_NAME = "_origin.yml"
PAGE_SIZE = 1000

CSV_REQUIRED = ["SeriesCode", "GeoAreaCode", "GeoAreaName", "TimePeriod", "Value", "Sex", "Units"]
# CSV columns that are neither identifiers nor dimensions: attributes and bookkeeping.
CSV_NOT_DIMENSIONS = {
    "ID", "Goal", "Target", "Indicator", "ReleaseStatus", "ReleaseName", "SeriesID", "SeriesCode", "isDSDSeries",
    "SeriesDescription", "SeriesObservationCount", "GeoAreaCode", "GeoAreaName", "TimePeriod", "Value", "ValueType",
    "Time_Detail", "TimeCoverage", "UpperBound", "LowerBound", "BasePeriod", "Source", "GeoInfoUrl", "FootNote",
    "ObservationID", "Freq", "Nature", "UnitMultiplier", "Units", "Observation Status",
}
# Dimensions the contract carries (sex, area, age), the one folded into the code, and Reporting Type.
HANDLED_DIMENSIONS = {"Sex", "Age", "Location", "Type of skill", "Reporting Type"}

SEXES = {"BOTHSEX": "total", "_T": "total", "": "total", "FEMALE": "female", "F": "female",
         "MALE": "male", "M": "male"}
LOCATIONS = {"ALLAREA": "total", "_T": "total", "": "total", "URBAN": "urban", "U": "urban",
             "RURAL": "rural", "R": "rural"}
AGES = {"ALLAGE": "total", "_T": "total", "": "total", "15+": "15+", "<15": "0-14", "0-14": "0-14",
        "15-24": "15-24", "25-74": "25-74", "75+": "75+", "15-74": "15-74", "25+": "25+"}

# Not in the UNSD M49 overview (the UN does not list Taiwan), yet an area, not a group: ITU data in
# the SDG database give Taiwan as 158 "Other non-specified areas in Eastern Asia" (6 IT_MOB_OWN rows
# in the 2020.Q4 file). It stays in `observations`; etl/mappings/unsd_sdg.yaml excludes it.
AREAS_NOT_IN_M49 = {"158"}

CANONICAL = ["series", "geo_code", "geo_name", "year", "value", "sex", "age", "location", "skill",
             "reporting", "nature", "units", "multiplier", "other"]


class SdgApiError(HttpError):
    """The SDG API answered HTTP 200 with a body we cannot use: not JSON, cut short, no data, pages astray."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, 200)


class _ShapeError(ValueError):
    """A page body without the Series/Data shape (wrapped with the file or URL by the caller)."""


# --- reading: CSV downloads and API pages into one canonical frame ---------------------------------


def _is_total(value: str) -> bool:
    return value in ("", "_T") or value.upper().startswith("ALL")


def _other_dimensions(dims: dict[str, str]) -> str:
    """Dimensions we do not carry, where they are not at their total: such rows are skipped."""
    return "; ".join(f"{k}={v}" for k, v in sorted(dims.items()) if k not in HANDLED_DIMENSIONS and not _is_total(v))


def read_csv_download(path: Path) -> tuple[pd.DataFrame, set[str]]:
    """A database download → the canonical frame, and the release labels it names."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RawFileError(path, f"cannot parse as CSV: {exc}") from exc
    missing = [column for column in CSV_REQUIRED if column not in table.columns]
    if missing:
        raise RawFileError(path, f"not an SDG database download: missing columns {missing}")

    def column(name: str) -> pd.Series | str:
        return table[name].str.strip() if name in table.columns else ""

    # Dimensions of other series of the database: empty here, unless the download mixes series.
    dimension_columns = [c for c in table.columns if c not in CSV_NOT_DIMENSIONS and c not in HANDLED_DIMENSIONS]
    active = [c for c in dimension_columns if not table[c].str.strip().map(_is_total).all()]
    other = (table[active].apply(lambda row: _other_dimensions({k: v.strip() for k, v in row.items()}), axis=1)
             if active else pd.Series("", index=table.index))
    frame = pd.DataFrame({
        "series": column("SeriesCode"), "geo_code": column("GeoAreaCode"), "geo_name": column("GeoAreaName"),
        "year": column("TimePeriod"), "value": column("Value"), "sex": column("Sex"), "age": column("Age"),
        "location": column("Location"), "skill": column("Type of skill"), "reporting": column("Reporting Type"),
        "nature": column("Nature"), "units": column("Units"), "multiplier": column("UnitMultiplier"),
        "other": other,
    })
    releases = set(table["ReleaseName"].str.strip()) - {""} if "ReleaseName" in table.columns else set()
    return frame[CANONICAL], releases


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # timePeriodStart 2018.0 → "2018"
    return str(value).strip()


def decode_page(body: bytes) -> dict:
    """One Series/Data page body → the parsed object; _ShapeError when it is not that shape."""
    try:
        page = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _ShapeError(f"not valid JSON, perhaps cut short ({len(body)} bytes): {exc}") from exc
    if not isinstance(page, dict):
        raise _ShapeError(f"expected a JSON object with totalPages and data, got {type(page).__name__}")
    missing = [key for key in ("totalElements", "totalPages", "data") if key not in page]
    if missing:
        keys = ", ".join(sorted(page)[:6]) or "none"
        raise _ShapeError(f"not a Series/Data page: no {', '.join(missing)} (keys: {keys})")
    if not isinstance(page["data"], list) or not all(isinstance(row, dict) for row in page["data"]):
        raise _ShapeError("`data` is not a list of objects")
    for key in ("totalElements", "totalPages"):
        if not isinstance(page[key], int) or page[key] < 0:
            raise _ShapeError(f"`{key}` is not a count: {page[key]!r}")
    return page


def api_rows(rows: list[dict]) -> pd.DataFrame:
    """Series/Data `data` rows → the canonical frame (the CSV's columns, by the API's names)."""
    records = []
    for row in rows:
        dims = {str(k): _text(v) for k, v in (row.get("dimensions") or {}).items()}
        attrs = {str(k): _text(v) for k, v in (row.get("attributes") or {}).items()}
        records.append({
            "series": _text(row.get("series")), "geo_code": _text(row.get("geoAreaCode")),
            "geo_name": _text(row.get("geoAreaName")), "year": _text(row.get("timePeriodStart")),
            "value": _text(row.get("value")), "sex": dims.get("Sex", ""), "age": dims.get("Age", ""),
            "location": dims.get("Location", ""), "skill": dims.get("Type of skill", ""),
            "reporting": dims.get("Reporting Type", ""), "nature": attrs.get("Nature", ""),
            "units": attrs.get("Units", ""), "multiplier": attrs.get("UnitMultiplier", ""),
            "other": _other_dimensions(dims),
        })
    return pd.DataFrame(records, columns=CANONICAL)


def _page_number(path: Path) -> int:
    match = re.fullmatch(r"page-(\d+)\.json", path.name)
    return int(match.group(1)) if match else -1


def read_api_folder(folder: Path) -> pd.DataFrame:
    """All pages of one pulled series → the canonical frame; every page must be there, whole."""
    pages = sorted((p for p in folder.glob(PAGE_PATTERN) if _page_number(p) > 0), key=_page_number)
    if not pages:
        raise RawFileError(folder, "no page-<n>.json files")
    bodies = []
    for path in pages:
        try:
            bodies.append(decode_page(path.read_bytes()))
        except _ShapeError as exc:
            raise RawFileError(path, str(exc)) from exc
    total_pages, total_rows = bodies[0]["totalPages"], bodies[0]["totalElements"]
    numbers = [_page_number(p) for p in pages]
    if numbers != list(range(1, total_pages + 1)):
        raise RawFileError(folder, f"pages {numbers} on disk, but page-1.json says totalPages {total_pages}")
    rows = [row for body in bodies for row in body["data"]]
    if len(rows) != total_rows:
        raise RawFileError(folder, f"{len(rows)} rows in the pages, but page-1.json says totalElements {total_rows}")
    return api_rows(rows)


# --- tidying: the canonical frame → observations and reference ------------------------------------


@dataclass
class _Tidy:
    observations: pd.DataFrame
    reference: pd.DataFrame
    warnings: list[str]


def _skip(frame: pd.DataFrame, drop: pd.Series, why: str, where: Path, warnings: list[str]) -> pd.DataFrame:
    if drop.any():
        warnings.append(f"{where}: skipped {int(drop.sum())} rows: {why}")
    return frame[~drop]


def _examples(values: pd.Series, limit: int = 5) -> str:
    return ", ".join(repr(v) for v in sorted(values.unique())[:limit])


def tidy(frame: pd.DataFrame, where: Path, areas: set[str] | None) -> _Tidy:
    """Map the SDG codes to the contract's vocabulary; split areas from the publisher's groups.

    `areas`: M49 codes of countries and areas; anything else is a group (World "1", regions, LDC
    "199", …) and goes to `reference`. None when no classification file is at hand: all rows stay
    in `observations` (the build's mapping then has to place them).
    """
    warnings: list[str] = []
    # A series serving several indicators comes once per indicator (the API's multi-purpose rows).
    frame = frame.drop_duplicates()
    for column in ("series", "geo_code"):
        if frame[column].eq("").any():
            raise RawFileError(where, f"{int(frame[column].eq('').sum())} rows without {column}")
    frame = _skip(frame, frame["other"] != "",
                  f"breakdowns the dashboard does not carry ({_examples(frame.loc[frame['other'] != '', 'other'])})",
                  where, warnings)
    # "G" rows are the global database's figures; "N" rows the countries' own, which may differ.
    frame = _skip(frame, frame["reporting"].str.upper() == "N", "nationally reported (Reporting Type N) "
                  "figures; the globally reported (G) ones are kept", where, warnings)
    frame = frame.assign(sex_=frame["sex"].str.upper().map(SEXES), area_=frame["location"].str.upper().map(LOCATIONS),
                         age_=frame["age"].str.upper().map(AGES))
    if frame["sex_"].isna().any():
        raise RawFileError(where, f"unknown Sex codes {_examples(frame.loc[frame['sex_'].isna(), 'sex'])}")
    frame = _skip(frame, frame["area_"].isna(), f"Location codes outside total/urban/rural "
                  f"({_examples(frame.loc[frame['area_'].isna(), 'location'])})", where, warnings)
    frame = _skip(frame, frame["age_"].isna(), f"Age groups outside the age vocabulary "
                  f"({_examples(frame.loc[frame['age_'].isna(), 'age'])})", where, warnings)
    year = pd.to_numeric(frame["year"], errors="coerce")
    if (year.isna() | (year % 1 != 0)).any():
        raise RawFileError(where, f"unreadable years {_examples(frame.loc[year.isna() | (year % 1 != 0), 'year'])}")
    value = pd.to_numeric(frame["value"], errors="coerce")
    if value.isna().any():
        bad = frame[value.isna()].iloc[0]
        raise RawFileError(where, f"{int(value.isna().sum())} non-numeric values, e.g. {bad['series']} "
                                  f"{bad['geo_code']} {bad['year']} = {bad['value']!r}")
    multiplier = pd.to_numeric(frame["multiplier"].replace("", "0"), errors="coerce")
    if multiplier.isna().any():
        raise RawFileError(where, f"unreadable UnitMultiplier {_examples(frame.loc[multiplier.isna(), 'multiplier'])}")
    numeric_code = frame["geo_code"].str.fullmatch(r"\d{1,3}")
    if not numeric_code.all():
        raise RawFileError(where, f"GeoAreaCode not an M49 number: {_examples(frame.loc[~numeric_code, 'geo_code'])}")
    code = frame["series"].where(frame["skill"] == "", frame["series"] + ":" + frame["skill"])
    mixed = frame.assign(code=code).groupby("code")["units"].nunique()
    if (mixed > 1).any():
        raise RawFileError(where, f"series with more than one unit: {', '.join(mixed[mixed > 1].index)}")
    tidy_rows = pd.DataFrame({
        "source_code": code,
        "entity": frame["geo_code"].str.zfill(3),  # "4" → "004", as in the M49 files
        "name": frame["geo_name"],
        "year": year.astype(int),
        "sex": frame["sex_"], "area": frame["area_"], "age": frame["age_"],
        "value": value * 10.0 ** multiplier,
        "obs_status": frame["nature"].where(frame["nature"] != "", None),
        "raw_file": str(where),
    })
    # A share cannot pass 100 %, yet the 2020.Q4 IT_MOB_OWN file has CRI 2016 (111.1 both sexes, 112.9
    # male, 109.5 female) and ZAF 2015 male (132.8): publisher errors, dropped rather than failing the build.
    impossible = (frame["units"].str.upper() == "PERCENT") & ~tidy_rows["value"].between(0, 100)
    if impossible.any():
        shown = tidy_rows[impossible].head(5).apply(
            lambda r: f"{r['source_code']} {r['entity']} {r['year']} {r['sex']} {r['value']:g}", axis=1)
        tidy_rows = _skip(tidy_rows, impossible, f"percentages outside 0–100 ({', '.join(shown)})", where, warnings)
    key = ["source_code", "entity", "year", "sex", "area", "age"]
    dupes = tidy_rows[tidy_rows.duplicated(key, keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise RawFileError(where, f"{len(dupes)} rows share a key, e.g. {first['source_code']} {first['entity']} "
                                  f"{first['year']} {first['sex']}")
    is_area = tidy_rows["entity"].isin(areas) if areas is not None else pd.Series(True, index=tidy_rows.index)
    groups = tidy_rows[~is_area].rename(columns={"entity": "group_code", "name": "group_name"})
    return _Tidy(observations(tidy_rows[is_area]), reference(groups), warnings)


def area_codes(raw_dir: Path) -> set[str] | None:
    """M49 codes of countries and areas, from the classification files below `raw_dir` (None if none).

    An SDG GeoAreaCode is an economy when `country_index(raw_dir).m49` knows it; the M49 overview's
    other areas (territories such as Anguilla, 660) are areas too, so that the build's mapping reports
    them rather than their rows vanishing into `reference`. Everything else (World 1, Africa 2, LDC
    199, SDG regions 513, 747, …) is a group.
    """
    has_wb = any(raw_dir.rglob(worldbank.METADATA_PATTERN))
    m49_files = sorted(raw_dir.rglob(classifications.M49_PATTERN))
    if not has_wb and not m49_files:
        return None
    codes = set(classifications.country_index(raw_dir).m49) | AREAS_NOT_IN_M49
    for path in m49_files[:1]:
        codes |= set(classifications.read_m49(path)["m49"])
    return codes


# --- parse ------------------------------------------------------------------------------------------


def find_files(raw_dir: Path) -> tuple[list[Path], list[Path]]:
    """CSV downloads and pulled API series folders below `raw_dir` (hidden, half-done pulls skipped)."""
    def visible(path: Path) -> bool:
        return not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)

    csvs = {p for pattern in CSV_PATTERNS for p in raw_dir.rglob(pattern)}
    csvs |= {p for p in raw_dir.rglob("*.csv") if PUBLISHER_DIR in p.relative_to(raw_dir).parts[:-1]}
    folders = set()
    for folder in {page.parent for page in raw_dir.rglob(PAGE_PATTERN)}:
        origin_says = read_origin(folder).get("dataset") if visible(folder) else None
        if origin_says == DATASET or (origin_says is None and PUBLISHER_DIR in folder.relative_to(raw_dir).parts):
            folders.add(folder)
    return (sorted(p for p in csvs if p.is_file() and visible(p)),
            sorted(f for f in folders if visible(f)))


def _timestamp(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every SDG database download and pulled API series below `raw_dir`, as one dataset."""
    csv_paths, api_folders = find_files(raw_dir)
    if not csv_paths and not api_folders:
        return []
    areas = area_codes(raw_dir)
    warnings: list[str] = []
    if areas is None:
        warnings.append("no country classification file below the raw directory: SDG groups (World, regions) "
                        "could not be told from areas and stay in the observations")
    parts: list[_Tidy] = []
    files: list[RawFile] = []
    for path in csv_paths:
        frame, releases = read_csv_download(path)
        parts.append(tidy(frame, path, areas))
        files.append(RawFile(path, None))
        # e.g. "2020.Q4.G.02": a release label, not a date; the contract forbids guessing one.
        warnings.append(f"{path}: SDG database release {', '.join(sorted(releases)) or '(not stated)'}; "
                        "the file gives no release date, so its vintage is unknown")
    for folder in api_folders:
        origin = read_origin(folder)
        parts.append(tidy(read_api_folder(folder), folder, areas))
        files.append(RawFile(folder, None, retrieved_at=_timestamp(origin.get("retrieved_at")), url=origin.get("url")))
    for part in parts:
        warnings += part.warnings
    return [SourceFrames(
        dataset=DATASET, entity_kind="m49",
        observations=pd.concat([p.observations for p in parts], ignore_index=True),
        reference=pd.concat([p.reference for p in parts], ignore_index=True),
        files=files, warnings=warnings,
    )]


# --- pull -------------------------------------------------------------------------------------------


def catalogue_series() -> list[str]:
    """The SDG series the catalogue uses (SE_ADT_ACTS:COPA → SE_ADT_ACTS)."""
    from indicators import catalogue

    codes = set()
    for indicator in catalogue().indicators.values():
        pairs = [(indicator.source.source_key, indicator.source_code), *indicator.also_from]
        codes |= {code.split(":")[0] for dataset, code in pairs if dataset == DATASET}
    return sorted(codes)


def _missing_parents(folder: Path) -> list[Path]:
    """The folders `mkdir(parents=True)` would create, deepest first (to remove after a failure)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _pull_series(code: str, folder: Path, *, base: str, session: requests.Session, page_size: int,
                 progress: bool, sleep: Callable[[float], None]) -> dict:
    """Every page of one series into `folder`; the sidecar's entry for it."""
    url = f"{base}/sdg/Series/Data"
    folder.mkdir()
    files, rows, total_pages, total_rows, number = {}, 0, 1, 0, 1
    with tqdm(desc=f"pull unsd_sdg {code}", unit="page", disable=not progress) as bar:
        while number <= total_pages:
            params = {"seriesCode": code, "page": number, "pageSize": page_size}
            response = http.get(url, params, session=session, sleep=sleep)
            try:
                page = decode_page(response.content)
            except _ShapeError as exc:
                raise SdgApiError(response.url, str(exc)) from exc
            if number == 1:
                total_pages, total_rows = page["totalPages"], page["totalElements"]
                bar.total = total_pages
                bar.refresh()
                if total_pages == 0 or total_rows == 0 or not page["data"]:
                    raise SdgApiError(response.url, f"no data for series {code} (totalElements {total_rows}, "
                                                    f"totalPages {total_pages}): a wrong or withdrawn series code")
            elif not page["data"]:
                raise SdgApiError(response.url, f"page {number} of {total_pages} is empty")
            # Checked only when present: the captured clients do not show whether the API echoes it.
            if isinstance(page.get("pageNumber"), int) and page["pageNumber"] != number:
                raise SdgApiError(response.url, f"asked for page {number}, got page {page['pageNumber']}")
            strays = {str(row.get("series")) for row in page["data"]} - {code}
            if strays:
                raise SdgApiError(response.url, f"rows of other series {sorted(strays)[:3]} in the answer for {code}")
            name = f"page-{number}.json"
            (folder / name).write_bytes(response.content)
            files[name] = {"url": response.url, "params": params, "sha256": _sha256(response.content)}
            rows += len(page["data"])
            bar.update(1)
            number += 1
    if rows != total_rows:
        raise SdgApiError(url, f"{code}: {rows} rows over {total_pages} pages, but totalElements said {total_rows} "
                               "(the series changed during the pull?)")
    return {"files": files, "total_elements": total_rows, "total_pages": total_pages}


def pull(raw_dir: Path, *, progress: bool = True, session: requests.Session | None = None,
         series: Iterable[str] | None = None, page_size: int = PAGE_SIZE,
         sleep: Callable[[float], None] = time.sleep) -> list[Path]:
    """Fetch every page of the catalogue's SDG series (or `series`) into `un_sdg/api/<date>/<code>/`.

    Each page body is saved unchanged as `page-<n>.json`, with `_origin.yml` (URL, parameters,
    time, sha256, licence) beside it. Everything is written into a hidden temporary folder, read
    back with the parser, and only then renamed into place, so a failed pull leaves nothing behind;
    a second pull of a series on the same day replaces the first. Returns the series folders.
    """
    codes = sorted(set(series)) if series is not None else catalogue_series()
    base = settings.sdg_api()
    started = datetime.now(UTC)
    day = started.date().isoformat()
    api_root = raw_dir / API_SUBDIR
    created = _missing_parents(api_root)
    api_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{day}-", suffix=".partial", dir=api_root))
    http_session = session or requests.Session()
    moved: list[Path] = []
    done = False
    try:
        for code in codes:
            folder = scratch / code
            entry = _pull_series(code, folder, base=base, session=http_session, page_size=page_size,
                                 progress=progress, sleep=sleep)
            origin = {
                "publisher": PUBLISHER, "dataset": DATASET, "series": code,
                "url": requests.Request("GET", f"{base}/sdg/Series/Data", params={"seriesCode": code}).prepare().url,
                "parameters": {"seriesCode": code, "pageSize": page_size},
                "retrieved_at": started.isoformat(timespec="seconds"),
                "license": LICENSE, "license_url": LICENSE_URL, **entry,
            }
            (folder / ORIGIN_NAME).write_text(yaml.safe_dump(origin, sort_keys=False, allow_unicode=True),
                                              encoding="utf-8")
            try:  # what parse() will meet: refuse to publish pages it could not read
                read_api_folder(folder)
            except RawFileError as exc:
                raise SdgApiError(origin["url"], f"the pulled pages do not parse: {exc}") from exc
        target_day = api_root / day
        target_day.mkdir(exist_ok=True)
        for code in codes:
            target = target_day / code
            if target.exists():  # an earlier pull today: set aside (removed with the scratch folder)
                target.rename(scratch / f"{code}.replaced")
            (scratch / code).rename(target)
            moved.append(target)
        done = True
    finally:
        if session is None:
            http_session.close()
        shutil.rmtree(scratch, ignore_errors=True)
        if not done:
            for folder in created:  # deepest first: only the folders this pull made, if still empty
                if folder.exists() and not any(folder.iterdir()):
                    folder.rmdir()
    return moved

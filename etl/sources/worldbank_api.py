"""World Bank Indicators API v2: a small paged client (in the spirit of wbgapi), `pull` and `parse`.

What the API does, and what this module does about it (seen in saved API pages and clients' tests):
- A data page is `[{"page","pages","per_page","total","sourceid","lastupdated"}, [records]]`; a record is
  `{indicator{id,value}, country{id,value}, countryiso3code, date, value, unit, obs_status, decimal}`.
  Every entity-year is listed, missing ones with `"value": null` (427 of the 2,660 IT.NET.USER.ZS records
  of 2014–2023 in the saved sample): those are skipped.
- An empty result is `pages: 0` / `total: 0`, or `[header, null]`.
- Errors come with HTTP 200 as `[{"message":[{"id","key","value"}]}]`: raised as WorldBankApiError.
- Aggregates are mixed in with economies. In `/v2/country` their `region.id` is "NA". In the data, the
  five income groups (High/Low/Lower middle/Upper middle income, Not classified) have an EMPTY
  `countryiso3code` (50 of the 2,660 sample records): only `country.id`, the 2-letter code (XD, XM, XN,
  XT, XY), names them, so it is looked up in the saved country list (`iso2Code`) to find HIC, LIC, …
- Releases are revised in place, so every page must carry the same `lastupdated` and `total`.
- URLs over ~1,500 characters fail: a longer request is refused before it is sent.
- Parallel load above a few requests gets 502s: at most MAX_IN_FLIGHT requests at once.

Layout written by `pull` (one folder per retrieval day; bodies saved byte for byte):

    <raw_dir>/worldbank/api/<YYYY-MM-DD>/<CODE>/page-001.json …   one folder per WDI series
    <raw_dir>/worldbank/api/<YYYY-MM-DD>/country/page-001.json     the country list
    <raw_dir>/worldbank/api/<YYYY-MM-DD>/_origin.yml               URLs, parameters, times, sha256, licence
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import requests
import yaml
from tqdm import tqdm

from etl import http, settings, tidy
from etl.errors import HttpError, RawFileError
from etl.provenance import read_origin
from etl.sources.worldbank import CountryMetadata
from etl.tidy import RawFile, SourceFrames

DATASET = "wdi"
SOURCE_ID = 2  # WDI's source id; sent explicitly so a code shared with another database resolves to WDI
PER_PAGE = 1000  # ~18 pages for a full WDI series (266 entities × 66 years); small pages rarely time out
COUNTRY_PER_PAGE = 400  # the country list (~296 entries) in one page
MAX_URL_CHARS = 1500
MAX_IN_FLIGHT = 4
RAW_SUBDIR = Path("worldbank") / "api"
COUNTRY_FOLDER = "country"
ORIGIN_FILE = "_origin.yml"
PAGE_GLOB = "page-*.json"
LICENSE = "CC BY 4.0"
LICENSE_URL = "https://datacatalog.worldbank.org/public-licenses"
AGGREGATE_REGION_ID = "NA"
UNCLASSIFIED_INCOME_ID = "INX"  # "Not classified": left empty, as Metadata_Country_*.csv leaves it


class WorldBankApiError(HttpError):
    """The API answered, but not with data: an error message (HTTP 200), a cut or unexpected body."""

    def __init__(self, url: str, reason: str, *, status: int | None = 200, message_id: str | None = None,
                 key: str | None = None, value: str | None = None) -> None:
        super().__init__(url, reason, status)
        self.message_id = message_id
        self.key = key
        self.value = value


class _BadBody(ValueError):
    """A body that is not a data page; the caller turns it into an API or raw-file error."""

    def __init__(self, problem: str, message: dict | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.message = message or {}


@dataclass(frozen=True)
class Page:
    """One page as the API sent it: the unchanged body and what it decodes to."""

    url: str  # the full URL, query included
    params: dict[str, Any]
    number: int
    body: bytes
    header: dict[str, Any]
    records: list[dict[str, Any]]
    retrieved_at: datetime


def _int(header: dict, key: str) -> int:
    # `per_page` comes as a string in some answers (e.g. "400" from /v2/country): accept both.
    value = header.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise _BadBody(f"page header has no usable {key!r} ({value!r})")
    return int(value)


def _decode_page(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(header, records) of a page body; raise _BadBody for an error message or any other shape."""
    try:
        data = json.loads(body)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        start = body[:60].decode("utf-8", "replace")
        raise _BadBody(f"body is not JSON ({len(body)} bytes, cut short or not the API?): {exc}; "
                       f"starts {start!r}") from exc
    if isinstance(data, list) and data and isinstance(data[0], dict) and "message" in data[0]:
        messages = data[0]["message"]
        first = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], dict) else {}
        text = f"API error {first.get('id')} {first.get('key')!r}: {first.get('value')!r}"
        raise _BadBody(text, first)
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)):
        raise _BadBody(f"expected [header, records], got {type(data).__name__} "
                       f"of length {len(data) if isinstance(data, list) else '-'}")
    header, records = data
    for key in ("page", "pages", "total"):
        _int(header, key)
    if records is None:
        records = []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise _BadBody("the second element is not a list of records")
    return header, records


def _full_url(url: str, params: dict[str, Any]) -> str:
    return requests.Request("GET", url, params=params).prepare().url or url


def check_url(url: str, params: dict[str, Any]) -> str:
    """The full URL of a request; raise WorldBankApiError (before sending) when it is too long."""
    full = _full_url(url, params)
    if len(full) > MAX_URL_CHARS:
        raise WorldBankApiError(full[:200] + "…", f"URL of {len(full)} characters not sent: the API fails "
                                f"above ~{MAX_URL_CHARS}", status=None)
    return full


def iter_pages(path: str, params: dict[str, Any], *, per_page: int = PER_PAGE, base: str | None = None,
               session: requests.Session | None = None, **http_options: Any) -> Iterator[Page]:
    """Every page of `GET {base}/{path}?…&per_page=…&page=…`, in order, following `pages`.

    An empty result yields the one page that says so (records []). After the last page, the records
    must add up to the header's `total`. `http_options` go to etl.http.get (attempts, backoff_s,
    timeout, sleep).
    """
    url = f"{(base or settings.worldbank_api()).rstrip('/')}/{path.lstrip('/')}"
    first: dict[str, Any] | None = None
    number, count = 1, 0
    while True:
        query = {**params, "per_page": per_page, "page": number}
        full = check_url(url, query)
        response = http.get(url, query, session=session, **http_options)
        retrieved_at = datetime.now(UTC)
        body = response.content
        try:
            header, records = _decode_page(body)
            _check_header(header, number, first)
        except _BadBody as bad:
            raise WorldBankApiError(full, bad.problem, message_id=bad.message.get("id"),
                                    key=bad.message.get("key"), value=bad.message.get("value")) from bad
        first = first or header
        count += len(records)
        last = number >= _int(header, "pages")
        if last and count != _int(header, "total"):
            raise WorldBankApiError(full, f"{count} records over {number} pages, the header announced "
                                    f"{_int(header, 'total')}")
        yield Page(full, query, number, body, header, records, retrieved_at)
        if last:
            return
        number += 1


def _check_header(header: dict, number: int, first: dict | None) -> None:
    """Page `number` is the page asked for, and the release did not change since page 1."""
    pages, total = _int(header, "pages"), _int(header, "total")
    if pages == 0 or total == 0:
        if number != 1 or first is not None:
            raise _BadBody(f"page {number} says the result is empty, page 1 did not")
        return
    if _int(header, "page") != number:
        raise _BadBody(f"asked for page {number}, got page {header.get('page')}")
    if first is not None:
        for key in ("pages", "total", "lastupdated"):
            if str(first.get(key)) != str(header.get(key)):
                raise _BadBody(f"{key} changed from {first.get(key)!r} on page 1 to {header.get(key)!r} on page "
                               f"{number}: the release was revised during the pull; pull again")


def series_pages(code: str, *, per_page: int = PER_PAGE, base: str | None = None,
                 session: requests.Session | None = None, **http_options: Any) -> list[Page]:
    """All pages of one WDI series (`country/all`, `source=2`)."""
    return list(iter_pages(f"country/all/indicator/{code}", {"format": "json", "source": SOURCE_ID},
                           per_page=per_page, base=base, session=session, **http_options))


def iter_records(code: str, **options: Any) -> Iterator[dict[str, Any]]:
    """The records of one WDI series, page after page (none for an empty result)."""
    for page in iter_pages(f"country/all/indicator/{code}", {"format": "json", "source": SOURCE_ID}, **options):
        yield from page.records


def country_pages(*, per_page: int = COUNTRY_PER_PAGE, base: str | None = None,
                  session: requests.Session | None = None, **http_options: Any) -> list[Page]:
    """`/v2/country`: economies and aggregates with their region and income group."""
    return list(iter_pages("country", {"format": "json"}, per_page=per_page, base=base, session=session,
                           **http_options))


def country_table(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """The country list as `etl.classifications` reads Metadata_Country_*.csv: code, region, income_group, name.

    Aggregates (`region.id` "NA") get region "" as in the CSV; so does "Not classified" income (INX).
    Region names are stripped: the API writes e.g. "Latin America & Caribbean " with a trailing space.
    """
    rows = []
    for record in records:
        region = record.get("region") or {}
        income = record.get("incomeLevel") or {}
        is_aggregate = region.get("id") == AGGREGATE_REGION_ID
        rows.append({
            "code": str(record.get("id", "")).strip(),
            "region": "" if is_aggregate else str(region.get("value") or "").strip(),
            "income_group": "" if is_aggregate or income.get("id") in (UNCLASSIFIED_INCOME_ID, AGGREGATE_REGION_ID)
            else str(income.get("value") or "").strip(),
            "name": str(record.get("name") or "").strip(),
            "iso2": str(record.get("iso2Code") or "").strip(),
        })
    return pd.DataFrame(rows, columns=["code", "region", "income_group", "name", "iso2"])


def wdi_codes() -> list[str]:
    """The WDI series the catalogue uses, sorted: entries with `source: wdi` (worldbank.yaml,
    worldbank_more.yaml) and WDI codes other publishers' entries list under `also_from`."""
    from indicators import catalogue  # here, not at import: parse() must not need the catalogue

    cat = catalogue()
    also = {code for ind in cat.indicators.values() for dataset, code in ind.also_from if dataset == DATASET}
    return sorted(set(cat.by_source_code(DATASET)) | also)


# --- pull ------------------------------------------------------------------------------------------------


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _save(pages: list[Page], folder: Path, relative_to: Path) -> dict[str, dict[str, Any]]:
    folder.mkdir(parents=True)
    entries = {}
    for page in pages:
        target = folder / f"page-{page.number:03d}.json"
        target.write_bytes(page.body)
        entries[target.relative_to(relative_to).as_posix()] = {
            "url": page.url, "parameters": page.params, "sha256": _sha256(page.body),
            "retrieved_at": page.retrieved_at.isoformat(timespec="seconds"),
        }
    return entries


def _describe(pages: list[Page], base_url: str, params: dict[str, Any]) -> dict[str, Any]:
    header = pages[0].header
    return {"url": base_url, "parameters": params, "pages": len(pages), "total": _int(header, "total"),
            "lastupdated": header.get("lastupdated"),
            "retrieved_at": pages[0].retrieved_at.isoformat(timespec="seconds")}


def pull(raw_dir: Path, *, progress: bool = True, session: requests.Session | None = None,
         codes: Iterable[str] | None = None, per_page: int = PER_PAGE, max_workers: int = MAX_IN_FLIGHT,
         **http_options: Any) -> list[Path]:
    """Fetch the country list and every catalogue WDI series; save the pages unchanged; return the folders.

    Series are fetched by up to `max_workers` (≤ 4) threads, one requests.Session each; when the
    caller passes `session`, it is used alone, sequentially (a Session is not thread-safe). Everything
    goes into a hidden temporary folder beside the target, renamed into place only when all is fetched,
    so a failure leaves nothing; a second pull the same day replaces the first.
    """
    codes = sorted(set(codes)) if codes is not None else wdi_codes()
    base = settings.worldbank_api()
    day = datetime.now(UTC).date().isoformat()
    api_root = Path(raw_dir) / RAW_SUBDIR
    created = [p for p in (Path(raw_dir), Path(raw_dir) / "worldbank", api_root) if not p.exists()]
    api_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{day}.partial-", dir=api_root))
    workers = 1 if session is not None else max(1, min(max_workers, MAX_IN_FLIGHT))
    local = threading.local()
    sessions: list[requests.Session] = []
    lock = threading.Lock()

    def worker_session() -> requests.Session:
        if session is not None:
            return session
        if getattr(local, "session", None) is None:
            local.session = requests.Session()
            with lock:
                sessions.append(local.session)
        return local.session

    def fetch_series(code: str) -> tuple[str, dict, dict]:
        pages = series_pages(code, per_page=per_page, base=base, session=worker_session(), **http_options)
        if not pages[0].records:
            # The catalogue names this series: an empty answer means a renamed/archived code, not "no data".
            raise WorldBankApiError(pages[0].url, f"no records for {code} in WDI (source {SOURCE_ID}); "
                                    "the catalogue expects this series")
        entries = _save(pages, scratch / code, scratch)
        params = {"format": "json", "source": SOURCE_ID, "per_page": per_page}
        return code, _describe(pages, f"{base}/country/all/indicator/{code}", params), entries

    bar = tqdm(total=len(codes) + 1, desc="pull worldbank api", unit="series", disable=not progress)
    try:
        countries = country_pages(base=base, session=worker_session(), **http_options)
        if not countries[0].records:
            raise WorldBankApiError(countries[0].url, "the country list is empty")
        files = _save(countries, scratch / COUNTRY_FOLDER, scratch)
        country = _describe(countries, f"{base}/country", {"format": "json", "per_page": COUNTRY_PER_PAGE})
        bar.update()
        series: dict[str, dict] = {}
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wb-api") as pool:
            futures = [pool.submit(fetch_series, code) for code in codes]
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for future in done:
                    if future.exception() is not None:
                        pool.shutdown(wait=True, cancel_futures=True)
                        raise future.exception()
                    code, described, entries = future.result()
                    series[code] = described
                    files.update(entries)
                    bar.update()
        origin = {
            "publisher": "World Bank", "dataset": "World Development Indicators (API v2, source 2)",
            "base_url": base, "license": LICENSE, "license_url": LICENSE_URL,
            "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "country": country, "series": dict(sorted(series.items())), "files": dict(sorted(files.items())),
        }
        (scratch / ORIGIN_FILE).write_text(yaml.safe_dump(origin, sort_keys=False), encoding="utf-8")
        target = api_root / day
        if target.exists():
            replaced = api_root / f".{day}.replaced-{uuid.uuid4().hex[:8]}"
            target.rename(replaced)
            scratch.rename(target)
            shutil.rmtree(replaced)
        else:
            scratch.rename(target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        for folder in reversed(created):  # the folders this pull created, if still empty
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    finally:
        bar.close()
        for opened in sessions:
            opened.close()
    return [target / code for code in codes] + [target / COUNTRY_FOLDER]


# --- parse -----------------------------------------------------------------------------------------------


def _hidden(path: Path, raw_dir: Path) -> bool:
    """A pull's temporary folder (.<day>.partial-…) is never read, even if a crash left it behind."""
    return any(part.startswith(".") for part in path.relative_to(raw_dir).parts)


def _timestamp(text: Any) -> datetime | None:
    if isinstance(text, datetime):
        return text
    return datetime.fromisoformat(str(text)) if text else None


def _read_pages(folder: Path, origin: dict[str, Any]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The decoded pages of one saved folder, checked: numbered 1…pages, unchanged since the pull."""
    numbered = []
    for path in folder.glob(PAGE_GLOB):
        suffix = path.stem.removeprefix("page-")
        if not suffix.isdigit():
            raise RawFileError(path, "page file name is not page-<number>.json")
        numbered.append((int(suffix), path))
    paths = [path for _, path in sorted(numbered)]
    known = origin.get("files") or {}
    pages = []
    for path in paths:
        body = path.read_bytes()
        entry = known.get(path.relative_to(folder.parent).as_posix())
        if entry and entry.get("sha256") != _sha256(body):
            raise RawFileError(path, "sha256 differs from _origin.yml: the file changed after the pull")
        try:
            header, records = _decode_page(body)
        except _BadBody as bad:
            raise RawFileError(path, bad.problem) from bad
        pages.append((header, records))
    if not pages:
        raise RawFileError(folder, "no page-*.json files")
    try:
        expected = max(_int(pages[0][0], "pages"), 1)
        for number, (header, _) in enumerate(pages, start=1):
            _check_header(header, number, pages[0][0] if number > 1 else None)
    except _BadBody as bad:
        raise RawFileError(folder, bad.problem) from bad
    if len(pages) != expected:
        raise RawFileError(folder, f"{len(pages)} page files, the header says {expected} pages")
    total, got = _int(pages[0][0], "total"), sum(len(r) for _, r in pages)
    if got != total:
        raise RawFileError(folder, f"{got} records, the header announced {total}")
    return pages


@dataclass
class _Countries:
    metadata: CountryMetadata
    aggregates: set[str]
    by_iso2: dict[str, tuple[str, str]]  # 2-letter code → (code, name), to name records with no ISO3 code
    file: RawFile


def _read_countries(pull_folder: Path, origin: dict[str, Any]) -> _Countries:
    folder = pull_folder / COUNTRY_FOLDER
    if not folder.is_dir():
        raise RawFileError(folder, "missing: the saved country list is needed to tell aggregates from economies")
    pages = _read_pages(folder, origin)
    table = country_table(record for _, records in pages for record in records)
    if table["code"].eq("").any() or table["code"].duplicated().any():
        dupes = sorted(table.loc[table["code"].duplicated(), "code"])
        raise RawFileError(folder, f"country list has empty or duplicate codes {dupes}")
    vintage = _date(pages[0][0].get("lastupdated"), folder)
    described = origin.get("country") or {}
    file = RawFile(folder, vintage, role="metadata", retrieved_at=_timestamp(described.get("retrieved_at")),
                   url=described.get("url"))
    aggregates = set(table.loc[table["region"] == "", "code"])
    by_iso2 = {row.iso2: (row.code, row.name) for row in table.itertuples() if row.iso2}
    metadata = CountryMetadata(folder, vintage, table[["code", "region", "income_group", "name"]].copy())
    return _Countries(metadata, aggregates, by_iso2, file)


def _date(text: Any, where: Path) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError as exc:
        raise RawFileError(where, f"unreadable lastupdated {text!r}") from exc


def _pull_folders(raw_dir: Path) -> list[Path]:
    pages = raw_dir.rglob(f"{RAW_SUBDIR.as_posix()}/*/*/{PAGE_GLOB}")
    return sorted({p.parent.parent for p in pages if p.is_file() and not _hidden(p, raw_dir)})


def country_metadata(raw_dir: Path) -> list[CountryMetadata]:
    """The country lists saved by `pull` below `raw_dir`, shaped like worldbank.read_country_metadata's.

    `table` has code, region, income_group, name; aggregates have region "". The list states no
    release date, so `vintage` is None (its retrieval time is in `_origin.yml`).
    """
    raw_dir = Path(raw_dir)
    return [_read_countries(folder, read_origin(folder)).metadata
            for folder in _pull_folders(raw_dir) if (folder / COUNTRY_FOLDER).is_dir()]


def _series(folder: Path, origin: dict[str, Any], countries: _Countries,
            warnings: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, RawFile]:
    code = folder.name
    pages = _read_pages(folder, origin)
    header = pages[0][0]
    vintage = _date(header.get("lastupdated"), folder)
    if vintage is None:
        warnings.append(f"{folder}: the page header has no lastupdated; vintage left empty")
    described = (origin.get("series") or {}).get(code) or {}
    rows, groups, seen = [], [], set()
    for _, records in pages:
        for record in records:
            indicator = (record.get("indicator") or {}).get("id")
            if indicator != code:
                raise RawFileError(folder, f"record of indicator {indicator!r} in the folder of {code}")
            country = record.get("country") or {}
            iso3 = str(record.get("countryiso3code") or "").strip()
            year_text = str(record.get("date", ""))
            if not (year_text.isdigit() and len(year_text) == 4):
                raise RawFileError(folder, f"date {year_text!r} is not a year ({iso3 or country.get('id')})")
            key = (iso3 or f"iso2:{country.get('id')}", year_text)
            if key in seen:
                raise RawFileError(folder, f"{key[0]} {year_text} appears twice: overlapping pages")
            seen.add(key)
            value = record.get("value")
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RawFileError(folder, f"{iso3} {year_text}: value {value!r} is not a number")
            name = country.get("value")
            if not iso3:  # the income groups: only the 2-letter code names them (XD → HIC)
                iso3, name = countries.by_iso2.get(country.get("id"), (f"iso2:{country.get('id')}", name))
            if iso3 in countries.aggregates or iso3.startswith("iso2:"):
                groups.append((iso3.removeprefix("iso2:"), name, int(year_text), float(value)))
            else:
                status = record.get("obs_status") or None
                rows.append((iso3, int(year_text), float(value), status))
    observations = tidy.observations(
        pd.DataFrame(rows, columns=["entity", "year", "value", "obs_status"]),
        source_code=code, raw_file=str(folder))
    reference = tidy.reference(
        pd.DataFrame(groups, columns=["group_code", "group_name", "year", "value"]),
        source_code=code, raw_file=str(folder))
    unknown = sorted(set(observations["entity"]) - set(countries.metadata.table["code"]))
    if unknown:
        warnings.append(f"{folder}: codes not in the saved country list, left to harmonisation: {', '.join(unknown)}")
    file = RawFile(folder, vintage, retrieved_at=_timestamp(described.get("retrieved_at")),
                   url=described.get("url"))
    return observations, reference, file


def parse(raw_dir: Path) -> list[SourceFrames]:
    """Every pull below `raw_dir` as dataset `wdi`: economies in observations, aggregates in reference.

    One raw file per series folder (`raw_file` is the folder), vintage = the pages' `lastupdated`.
    The country lists are listed as metadata files; `country_metadata()` gives their tables.
    """
    raw_dir = Path(raw_dir)
    folders = _pull_folders(raw_dir)
    if not folders:
        return []
    observations, reference, files, warnings = [], [], [], []
    for pull_folder in folders:
        origin = read_origin(pull_folder)
        countries = _read_countries(pull_folder, origin)
        files.append(countries.file)
        for folder in sorted(d for d in pull_folder.iterdir()
                             if d.is_dir() and d.name != COUNTRY_FOLDER and not d.name.startswith(".")):
            obs, ref, file = _series(folder, origin, countries, warnings)
            observations.append(obs)
            reference.append(ref)
            files.append(file)
    return [SourceFrames(
        dataset=DATASET, entity_kind="iso3",
        observations=pd.concat(observations, ignore_index=True) if observations
        else tidy.observations(pd.DataFrame(columns=tidy.OBSERVATION_COLUMNS)),
        reference=pd.concat(reference, ignore_index=True) if reference
        else tidy.reference(pd.DataFrame(columns=tidy.REFERENCE_COLUMNS)),
        files=files, warnings=warnings,
    )]


"""`build`: parse the raw directory, validate, write a new DuckDB file and publish it atomically."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from tqdm import tqdm

from etl import publish, settings, validate
from etl.errors import EtlError, NoRawDataError, RawFileError, ValidationError
from etl.sources import worldbank
from indicators import Catalogue, catalogue

SCHEMA_SQL = Path(__file__).with_name("schema.sql")


@dataclass
class Tables:
    """The tidy frames that become tables, plus what the build noticed on the way."""

    country: pd.DataFrame
    source: pd.DataFrame
    source_file: pd.DataFrame
    indicator: pd.DataFrame
    observation: pd.DataFrame
    published_aggregate: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    db_path: Path
    rows: int
    economies: int
    seconds: float
    bytes: int
    warnings: list[str]


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _source_id(vintage) -> str:
    return f"{worldbank.SOURCE_KEY}:{vintage.isoformat() if vintage else 'undated'}"


def worldbank_tables(raw_dir: Path, cat: Catalogue) -> Tables:
    """Turn the World Bank files below `raw_dir` into tidy tables, choosing one vintage per series."""
    by_code = cat.by_source_code(worldbank.SOURCE_KEY)
    raw = worldbank.parse(raw_dir, set(by_code))
    if not raw.bulk_files:
        raise NoRawDataError(
            f"{raw_dir}: no World Bank bulk files (API_<code>_DS2_*.csv) for the catalogue's series "
            f"({', '.join(sorted(by_code))})"
        )
    metadata = worldbank.newest_metadata(raw.metadata_files)
    if metadata is None:
        raise RawFileError(raw_dir, "no Metadata_Country_*.csv: the World Bank country classification is needed")
    economies = metadata.table[metadata.table["region"] != ""]
    aggregates = worldbank.aggregate_codes(raw.metadata_files)
    chosen, passed_over = worldbank.choose_vintages(raw.bulk_files)
    warnings = [
        f"passed over {_relative(f.path, raw_dir)} ({f.indicator_code}, vintage {f.vintage}"
        f"{', re-saved copy' if not f.original_layout else ''}) for "
        f"{_relative(chosen[f.indicator_code].path, raw_dir)} (vintage {chosen[f.indicator_code].vintage})"
        for f in passed_over
    ]

    observations, published, files, sources = [], [], [], {}
    source_meta = cat.sources[worldbank.SOURCE_KEY]
    for code, bulk in sorted(chosen.items()):
        indicator = by_code[code]
        source_id = _source_id(bulk.vintage)
        origin = worldbank.read_origin(bulk.path.parent, code)
        sources[source_id] = {
            "source_id": source_id, "publisher": source_meta.publisher, "dataset": source_meta.dataset,
            "url": source_meta.url, "license": source_meta.license, "attribution": source_meta.attribution,
            "vintage": bulk.vintage,
            "retrieved_at": pd.Timestamp(origin["retrieved_at"]) if origin.get("retrieved_at") else pd.NaT,
        }
        values = bulk.values
        is_economy = values["code"].isin(economies["code"])
        is_aggregate = values["code"].isin(aggregates)
        unknown = sorted(set(values.loc[~is_economy & ~is_aggregate, "code"]))
        if unknown:
            names = values.drop_duplicates("code").set_index("code")["name"]
            warnings.append(
                f"{_relative(bulk.path, raw_dir)}: codes in no country metadata, kept out of the database: "
                + ", ".join(f"{c} ({names[c]})" for c in unknown)
            )
        obs = values[is_economy]
        observations.append(pd.DataFrame({
            "indicator_id": indicator.indicator_id, "iso3": obs["code"], "year": obs["year"],
            "sex": "total", "area": "total", "age": "total", "value": obs["value"],
            "obs_status": None, "source_id": source_id, "vintage": bulk.vintage,
            "raw_file": _relative(bulk.path, raw_dir),
        }))
        agg = values[is_aggregate & ~is_economy]
        published.append(pd.DataFrame({
            "indicator_id": indicator.indicator_id, "group_code": agg["code"], "group_name": agg["name"],
            "year": agg["year"], "value": agg["value"], "source_id": source_id,
        }))
        files.append({"source_id": source_id, "path": _relative(bulk.path, raw_dir), "role": "data",
                      "indicator_code": code, "sha256": worldbank.sha256_of(bulk.path)})
    for bulk in passed_over:
        source_id = _source_id(bulk.vintage)
        sources.setdefault(source_id, {**next(iter(sources.values())), "source_id": source_id,
                                       "vintage": bulk.vintage, "retrieved_at": pd.NaT})
        files.append({"source_id": source_id, "path": _relative(bulk.path, raw_dir), "role": "passed_over",
                      "indicator_code": bulk.indicator_code, "sha256": worldbank.sha256_of(bulk.path)})
    metadata_source = _source_id(metadata.vintage)
    sources.setdefault(metadata_source, {**next(iter(sources.values())), "source_id": metadata_source,
                                         "vintage": metadata.vintage, "retrieved_at": pd.NaT})
    files.append({"source_id": metadata_source, "path": _relative(metadata.path, raw_dir),
                  "role": "country_metadata", "indicator_code": None, "sha256": worldbank.sha256_of(metadata.path)})

    country = pd.DataFrame({
        "iso3": economies["code"], "name": economies["name"], "wb_region": economies["region"],
        "income_group": economies["income_group"].replace("", None),
        "m49_region": None, "m49_subregion": None, "is_ldc": None, "is_lldc": None, "is_sids": None,
    })
    indicator = pd.DataFrame([
        {"indicator_id": by_code[code].indicator_id, "name": by_code[code].name,
         "unit": by_code[code].unit.label, "description": by_code[code].description,
         "source_id": _source_id(bulk.vintage), "source_code": code,
         "higher_is_better": by_code[code].higher_is_better, "breakdowns": list(by_code[code].breakdowns)}
        for code, bulk in sorted(chosen.items())
    ])
    return Tables(
        country=country.reset_index(drop=True),
        source=pd.DataFrame(list(sources.values())),
        source_file=pd.DataFrame(files),
        indicator=indicator,
        observation=pd.concat(observations, ignore_index=True),
        published_aggregate=pd.concat(published, ignore_index=True),
        warnings=warnings,
    )


def previous_runs(db_path: Path) -> pd.DataFrame | None:
    """The run history of the database being replaced, so it carries over; None if unreadable."""
    if not db_path.exists():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            return con.execute("SELECT * FROM etl_run").df()
    except duckdb.Error:
        return None


def write_database(path: Path, tables: Tables, run: dict, history: pd.DataFrame | None) -> None:
    """Create the schema in a new file and load every table; DuckDB enforces keys on insert."""
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        for name in ("country", "source", "source_file", "indicator", "observation", "published_aggregate"):
            frame = getattr(tables, name).drop(columns=["raw_file"], errors="ignore")
            columns = ", ".join(frame.columns)
            con.register("incoming", frame)
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming")
            con.unregister("incoming")
        if history is not None and len(history):
            con.register("history", history)
            con.execute("INSERT INTO etl_run BY NAME SELECT * FROM history")
        con.execute(
            "INSERT INTO etl_run VALUES ($run_id, $started_at, $finished_at, $status, $raw_dir, $rows, $message)",
            run,
        )
        con.execute("CHECKPOINT")


def check_database(path: Path, min_economies: int) -> list[str]:
    """Re-read the written file: it must open and hold what the app needs."""
    with duckdb.connect(str(path), read_only=True) as con:
        economies = con.execute("SELECT count(*) FROM country").fetchone()[0]
        series = con.execute("SELECT count(DISTINCT indicator_id) FROM observation").fetchone()[0]
    problems = []
    if economies < min_economies:
        problems.append(f"written database has {economies} economies, expected at least {min_economies}")
    if series == 0:
        problems.append("written database has no observations")
    return problems


def build(raw_dir: Path | None = None, db_path: Path | None = None, *, progress: bool = True,
          min_economies: int = settings.MIN_ECONOMIES) -> BuildReport:
    """Build and atomically publish the database; on any failure the published file is untouched."""
    raw_dir = Path(raw_dir or settings.raw_dir())
    db_path = Path(db_path or settings.db_path())
    if not raw_dir.is_dir():
        raise NoRawDataError(f"{raw_dir}: raw directory does not exist")
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    steps = tqdm(total=4, desc="build", unit="step", disable=not progress)
    with publish.build_lock(db_path):
        publish.remove_stale_staging(db_path)
        staging = publish.staging_path(db_path)
        try:
            steps.set_postfix_str("parse")
            cat = catalogue()
            tables = worldbank_tables(raw_dir, cat)
            steps.update()
            steps.set_postfix_str("validate")
            problems = validate.check_countries(tables.country, min_economies)
            problems += validate.check_observations(tables.observation, tables.country, cat)
            if problems:
                raise ValidationError(problems)
            steps.update()
            steps.set_postfix_str("write")
            rows = len(tables.observation)
            message = f"{rows} observations, {len(tables.country)} economies, {len(tables.indicator)} indicators"
            if tables.warnings:
                message += "; warnings: " + "; ".join(tables.warnings)
            run = {
                "run_id": uuid.uuid4().hex, "started_at": started_at, "finished_at": datetime.now(UTC),
                "status": "published", "raw_dir": str(raw_dir), "rows": rows, "message": message,
            }
            write_database(staging, tables, run, previous_runs(db_path))
            steps.update()
            steps.set_postfix_str("check and publish")
            problems = check_database(staging, min_economies)
            if problems:
                raise ValidationError(problems)
            publish.publish(staging, db_path)
            steps.update()
        except duckdb.Error as exc:
            publish.discard(staging)
            raise EtlError(f"{db_path}: writing the new database failed: {exc}") from exc
        except BaseException:
            publish.discard(staging)
            raise
        finally:
            steps.close()
    return BuildReport(db_path, rows, len(tables.country), time.perf_counter() - started,
                       db_path.stat().st_size, tables.warnings)

"""`build`: parse the raw directory, validate, write a new DuckDB file and publish it atomically."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from tqdm import tqdm

from etl import publish, settings, validate
from etl.assemble import Tables, assemble, rows_json
from etl.classifications import classify
from etl.errors import EtlError, NoRawDataError, ValidationError
from etl.measures.run import derived_source_id, run_measures
from etl.schema_docs import apply_comments
from etl.sources import parser_modules
from indicators import catalogue, load_publisher_groups

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
TABLES = ["country", "country_name", "country_group", "group_member", "source", "source_file", "indicator",
          "observation", "published_aggregate"]
DERIVED = "ddi_derived"
# Testing aid: seconds to wait after the staging file is written and before it is published, so a
# test can kill the build at its most delicate moment. Unset in normal use.
HOLD_ENV = "DDI_BUILD_HOLD_S"


@dataclass
class BuildReport:
    db_path: Path
    published: Path  # the versioned file db_path now links to
    rows: int
    economies: int
    seconds: float
    bytes: int
    rows_by_source: dict[str, int]
    warnings: list[str]


def parse_all(raw_dir: Path, progress: bool) -> tuple[list, object]:
    """Run every source's parser over the raw directory; the classification first."""
    frames = []
    modules = parser_modules()
    for module in tqdm(modules, desc="parse", unit="source", disable=not progress, leave=False):
        frames += module.parse(raw_dir)
    if not frames:
        raise NoRawDataError(f"{raw_dir}: no raw file of any known source was found")
    return frames, classify(raw_dir)


def previous_runs(db_path: Path) -> pd.DataFrame | None:
    """The run history of the database being replaced, so it carries over; None if unreadable."""
    if not db_path.exists():
        return None
    try:
        with duckdb.connect(str(publish.resolve(db_path)), read_only=True) as con:
            return con.execute("SELECT * FROM etl_run").df()
    except duckdb.Error:
        return None


def write_database(path: Path, tables: Tables, run: dict, history: pd.DataFrame | None) -> None:
    """Create the schema in a new file and load every table; DuckDB enforces keys on insert."""
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        apply_comments(con)
        for name in TABLES:
            table_columns = [row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()]
            frame = getattr(tables, name)
            frame = frame[[column for column in table_columns if column in frame.columns]]
            columns = ", ".join(frame.columns)
            con.register("incoming", frame)
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming")
            con.unregister("incoming")
        load_catalogue_tables(con, catalogue())
        run_measures(con, catalogue())
        drop_empty_derived(con)
        # The run's counts include the derived measures just added.
        by_source = dict(con.execute("SELECT split_part(source_id, ':', 1), count(*) FROM observation "
                                     "GROUP BY 1").fetchall())
        run = {**run, "rows": sum(by_source.values()), "rows_by_source": rows_json(by_source)}
        if history is not None and len(history):
            con.register("history", history)
            shared = [c for c in history.columns if c in
                      {row[0] for row in con.execute("DESCRIBE etl_run").fetchall()}]
            defaults = {"duration_s": "0", "rows_by_source": "'{}'", "warnings": "[]::VARCHAR[]"}
            fill = [f"{expr} AS {column}" for column, expr in defaults.items() if column not in shared]
            con.execute(f"INSERT INTO etl_run BY NAME SELECT {', '.join(shared + fill)} FROM history")
        con.execute(
            "INSERT INTO etl_run BY NAME SELECT $run_id AS run_id, $started_at AS started_at, "
            "$finished_at AS finished_at, $status AS status, $raw_dir AS raw_dir, $rows AS rows, "
            "$duration_s AS duration_s, $rows_by_source AS rows_by_source, $warnings AS warnings, "
            "$message AS message", run)
        con.execute("CHECKPOINT")


def load_catalogue_tables(con: duckdb.DuckDBPyConnection, cat) -> None:
    """Themes and the indicator ↔ theme links, the spliced series' definition changes, and the derived
    indicators' own rows."""
    derived = [ind for ind in cat.indicators.values() if ind.source.source_key == DERIVED]
    source = cat.sources[DERIVED]
    sid = derived_source_id()
    con.execute("INSERT INTO source VALUES (?, ?, ?, ?, ?, ?, ?, ?, false, NULL, NULL)",
                [sid, DERIVED, source.publisher, source.dataset, source.url, source.license, source.license_url,
                 source.attribution])
    for ind in derived:
        con.execute("INSERT INTO indicator VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [ind.indicator_id, ind.name, ind.unit.label, ind.description, sid, ind.source_code,
                     ind.higher_is_better, list(ind.breakdowns), list(ind.themes)])
    present = {row[0] for row in con.execute("SELECT indicator_id FROM indicator").fetchall()}
    links = [(ind.indicator_id, theme) for ind in cat.indicators.values() if ind.indicator_id in present
             for theme in ind.themes]
    counts = {theme: sum(1 for _, t in links if t == theme) for theme in cat.themes}
    con.executemany("INSERT INTO theme VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [[t.theme_id, t.title, t.first_paragraph, t.last_paragraph, t.summary, counts[t.theme_id],
                      t.missing or None] for t in cat.themes.values()])
    con.executemany("INSERT INTO indicator_theme VALUES (?, ?)", [list(link) for link in links])
    known_groups = {row[0] for row in con.execute("SELECT group_id FROM country_group").fetchall()}
    publishers = load_publisher_groups()
    con.executemany("INSERT INTO publisher_group VALUES (?, ?, ?, ?, ?)",
                    [[g.group_id, g.dataset, g.code, g.match, g.note] for g in publishers.groups
                     if g.group_id in known_groups])
    con.executemany("INSERT INTO publisher_difference VALUES (?, ?, ?, ?)",
                    [[code, d.first_year, d.last_year, d.reason] for d in publishers.known_differences
                     for code in d.codes])
    changes = [[ind.indicator_id, year, label] for ind in cat.indicators.values() if ind.indicator_id in present
               for year, label in ind.definition_changes]
    if changes:
        con.executemany("INSERT INTO definition_change VALUES (?, ?, ?)", changes)


def drop_empty_derived(con: duckdb.DuckDBPyConnection) -> None:
    """A derived indicator whose inputs were absent (e.g. no data by age) leaves no empty shell behind."""
    con.execute("""
        DELETE FROM indicator_theme WHERE indicator_id IN (
            SELECT indicator_id FROM indicator i WHERE source_id LIKE 'ddi_derived:%'
            AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
            AND NOT EXISTS (SELECT 1 FROM group_aggregate g WHERE g.indicator_id = i.indicator_id))""")
    con.execute("""
        DELETE FROM indicator i WHERE source_id LIKE 'ddi_derived:%'
        AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
        AND NOT EXISTS (SELECT 1 FROM group_aggregate g WHERE g.indicator_id = i.indicator_id)""")
    con.execute("UPDATE theme SET n_indicators = (SELECT count(*) FROM indicator_theme t "
                "WHERE t.theme_id = theme.theme_id)")


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
            frames, classification = parse_all(raw_dir, progress)
            tables = assemble(raw_dir, frames, classification, cat)
            steps.update()
            steps.set_postfix_str("validate")
            problems = validate.check_countries(tables.country, min_economies)
            problems += validate.check_country_names(tables.country_name, tables.country)
            problems += validate.check_files(tables.candidates, cat)  # every copy, chosen or not
            problems += validate.check_file_aggregates(tables.aggregate_candidates, cat)
            problems += tables.choice_problems  # a winner shrinking the series (etl/choose.py)
            file_coverage = validate.check_file_coverage(tables.candidates, cat, skip=tables.shrunk)
            problems += [problem for found in file_coverage.values() for problem in found]
            problems += validate.check_observations(tables.observation, tables.country)
            reported = {indicator_id for _, indicator_id in tables.shrunk} | set(file_coverage)
            problems += validate.check_coverage(tables.observation, cat, skip=reported)
            problems += validate.check_breakdowns(tables.candidates)
            if problems:
                raise ValidationError(problems)
            steps.update()
            steps.set_postfix_str("write")
            rows = len(tables.observation)
            run = {
                "run_id": uuid.uuid4().hex, "started_at": started_at, "finished_at": datetime.now(UTC),
                "status": "published", "raw_dir": str(raw_dir), "rows": rows,
                "duration_s": time.perf_counter() - started, "rows_by_source": rows_json(tables.rows_by_source),
                "warnings": tables.warnings,
                "message": f"{rows} observations, {len(tables.country)} economies, "
                           f"{len(tables.indicator)} indicators, {len(tables.warnings)} warnings",
            }
            write_database(staging, tables, run, previous_runs(db_path))
            steps.update()
            steps.set_postfix_str("check and publish")
            problems = check_database(staging, min_economies)
            if problems:
                raise ValidationError(problems)
            if os.environ.get(HOLD_ENV):
                time.sleep(float(os.environ[HOLD_ENV]))
            published = publish.publish(staging, db_path, run["run_id"])
            steps.update()
        except duckdb.Error as exc:
            publish.discard(staging)
            raise EtlError(f"{db_path}: writing the new database failed: {exc}") from exc
        except BaseException:
            publish.discard(staging)
            raise
        finally:
            steps.close()
    return BuildReport(db_path, published, rows, len(tables.country), time.perf_counter() - started,
                       db_path.stat().st_size, tables.rows_by_source, tables.warnings)

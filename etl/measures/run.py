"""Compute the measures inside the staging database, after the base tables are loaded.

Heavy work happens here, once per build, so the app only filters and plots (docs/etl.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from etl.measures import targets
from indicators import Catalogue, load_targets

HERE = Path(__file__).parent
CARRY_FORWARD_YEARS = 3  # a value stands in for at most this many later years (flagged in group_aggregate)
MAX_INTERPOLATION_GAP = 10  # years between two reported values that a straight line may bridge
MAX_ANCHOR_GAP = 10  # an imputation keeps an economy's ratio to its peers from a value at most this old
MIN_POPULATION_COVERAGE = 0.5  # below this share of a group's population with data, no group value
MIN_REPORTING_MEMBERS = 3  # … nor with fewer members reporting (two in a group of three): never one for many


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path, params: dict) -> None:
    """Run a file of statements, giving each only the $parameters it names (DuckDB binds one at a time)."""
    for chunk in path.read_text(encoding="utf-8").split(";\n"):
        statement = "\n".join(line for line in chunk.splitlines() if not line.strip().startswith("--"))
        if not statement.strip():
            continue
        used = {name: value for name, value in params.items() if f"${name}" in statement}
        con.execute(statement, used or None)


def derived_source_id(today: date | None = None) -> str:
    return f"ddi_derived:{(today or date.today()).isoformat()}"


def run_measures(con: duckdb.DuckDBPyConnection, catalogue: Catalogue) -> None:
    """Derived country measures, then group aggregates, in the open staging database."""
    source_id = derived_source_id()
    run_sql_file(con, HERE / "derive.sql", {"source_id": source_id})
    rules = pd.DataFrame(
        [(ind.indicator_id, ind.aggregate, ind.unit.min, ind.unit.max)
         for ind in catalogue.indicators.values() if ind.aggregate != "none"],
        columns=["indicator_id", "method", "min_value", "max_value"],
    ).astype({"min_value": float, "max_value": float})
    con.register("aggregate_rule_frame", rules)
    con.execute("CREATE TEMP TABLE aggregate_rule AS SELECT * FROM aggregate_rule_frame")
    con.unregister("aggregate_rule_frame")
    run_sql_file(con, HERE / "aggregates.sql",
                 {"carry_years": CARRY_FORWARD_YEARS, "max_interpolation_gap": MAX_INTERPOLATION_GAP,
                  "max_anchor_gap": MAX_ANCHOR_GAP,
                  "min_coverage": MIN_POPULATION_COVERAGE, "min_reporting": MIN_REPORTING_MEMBERS})
    target_table, progress_table = targets.target_progress(con, load_targets(catalogue_=catalogue))
    for name, frame in (("target", target_table), ("target_progress", progress_table),
                        ("affordability", targets.affordability(con)),
                        ("inequality", targets.internet_inequality(con))):
        if len(frame):
            columns = [row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()]
            con.register("measure_frame", frame[columns])
            con.execute(f"INSERT INTO {name} SELECT * FROM measure_frame")
            con.unregister("measure_frame")

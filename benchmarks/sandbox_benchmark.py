"""SQL sandbox and export on a database built from ../shared/data/raw.

Prints: how long past its limit a runaway query returns (median of N); the cost of running each query in a child
process: a simple query in-process on a fresh instance (`run_here`, as before children) against `run_query` in a
warm child (which keeps its locked instance between queries), interleaved pairs, and a cold child's start; how long
each hostile query (uninterruptible, memory bomb, huge result) runs in the sandbox; p50/p95 of each example query
(and all together); the export's wall time with Parquet and CSV bytes per table.

Run: .venv/bin/python benchmarks/sandbox_benchmark.py [--runs 20] [--runaways 5] [--time-limit 1.0] [--pairs 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import build_database
from dashboard import sql_sandbox as sandbox
from dashboard.sql_sandbox import EXAMPLE_QUERIES, QueryTimeout, SandboxError, run_here, run_query, warm_up
from etl.export import export

RUNAWAY = "SELECT count(*) FROM range(1000000000) a, range(1000) b"
SIMPLE = "SELECT name FROM country WHERE iso3 = 'NOR'"
HOSTILE = {
    "levenshtein on 150,000 characters": "SELECT levenshtein(repeat('a', 150000), repeat('b', 150000))",
    "UNION ALL of 5,000 branches": " UNION ALL ".join(["SELECT 1"] * 5000),
    "10,000 rows of 1 MB": "SELECT repeat('x', 1000000) FROM range(10000)",
    "10,000 rows of 5 kB (50 MB)": "SELECT repeat('x', 5000) FROM range(10000)",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def interrupt_latency(db: Path, runs: int, time_limit: float) -> None:
    overruns = []
    warm_up(2, wait=True)
    for _ in range(runs):
        started = time.perf_counter()
        try:
            run_query(RUNAWAY, db, time_limit_s=time_limit)
        except QueryTimeout:
            overruns.append(time.perf_counter() - started - time_limit)
        else:
            sys.exit("the runaway query finished: it is not a runaway on this machine")
    print(f"return after limit:  median {statistics.median(overruns) * 1000:.1f} ms, max "
          f"{max(overruns) * 1000:.1f} ms over {runs} runaways (time limit {time_limit:g} s)")


def child_overhead(db: Path, pairs: int) -> None:
    """A simple query in-process on a fresh instance and in a warm child on its kept instance, interleaved, order
    alternating."""
    warm_up(2, wait=True)
    old, new = [], []
    for index in range(pairs):
        for which in (("old", "new") if index % 2 else ("new", "old")):
            started = time.perf_counter()
            if which == "old":
                run_here(SIMPLE, db)
                old.append(time.perf_counter() - started)
            else:
                run_query(SIMPLE, db)
                new.append(time.perf_counter() - started)
    extra = [b - a for a, b in zip(old, new, strict=True)]
    print(f"\nsimple query, {pairs} interleaved pairs:")
    for label, times in (("in-process, fresh", old), ("warm child, kept", new)):
        p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
        print(f"  {label:<21} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    print(f"  paired difference     median {statistics.median(extra) * 1000:+6.1f} ms")
    sandbox._POOL.close()
    started = time.perf_counter()
    run_query(SIMPLE, db)
    print(f"  cold child (start + query) {(time.perf_counter() - started) * 1000:.0f} ms")


def hostile_queries(db: Path) -> None:
    print("\nhostile queries in the sandbox (5 s limit):")
    for name, sql in HOSTILE.items():
        warm_up(2, wait=True)
        started = time.perf_counter()
        try:
            run_query(sql, db)
            outcome = "ran"
        except SandboxError as exc:
            outcome = str(exc)[:90]
        print(f"  {name:<36} {time.perf_counter() - started:5.2f} s  {outcome}")


def example_queries(db: Path, runs: int) -> None:
    print(f"\nexample queries ({runs} runs each; fresh sandboxed connection per run, set-up included)")
    everything = []
    width = max(len(name) for name in EXAMPLE_QUERIES)
    for name, sql in EXAMPLE_QUERIES.items():
        times, rows = [], 0
        for _ in range(runs):
            result = run_query(sql, db)
            times.append(result.elapsed_s)
            rows = len(result.rows)
        everything += times
        print(f"  {name:<{width}}  p50 {percentile(times, 0.5) * 1000:6.1f} ms  "
              f"p95 {percentile(times, 0.95) * 1000:6.1f} ms  ({rows} rows)")
    print(f"  {'all':<{width}}  p50 {percentile(everything, 0.5) * 1000:6.1f} ms  "
          f"p95 {percentile(everything, 0.95) * 1000:6.1f} ms")


def export_figures(db: Path, scratch: Path) -> None:
    report = export(db, scratch / "export", progress=False)
    print(f"\nexport: {len(report.tables)} tables/views in {report.seconds:.2f} s wall, "
          f"{report.total_bytes / 1e6:.1f} MB in all (database {db.stat().st_size / 1e6:.1f} MB)")
    print(f"  {'table':<22} {'rows':>9} {'parquet bytes':>14} {'csv bytes':>12}  csv/parquet")
    for table in report.tables:
        ratio = table.csv_bytes / table.parquet_bytes if table.parquet_bytes else float("nan")
        print(f"  {table.name:<22} {table.rows:>9,} {table.parquet_bytes:>14,} {table.csv_bytes:>12,}  {ratio:8.1f}")
    print(f"  {'total':<22} {sum(t.rows for t in report.tables):>9,} "
          f"{sum(t.parquet_bytes for t in report.tables):>14,} {sum(t.csv_bytes for t in report.tables):>12,}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=20, help="runs of each example query")
    options.add_argument("--runaways", type=int, default=5, help="runaway queries to interrupt")
    options.add_argument("--time-limit", type=float, default=1.0, help="sandbox time limit for the runaways (s)")
    options.add_argument("--pairs", type=int, default=50, help="interleaved in-process/child pairs")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "digital_divide.duckdb"
        print(f"database built in {build_database(db):.1f} s (python -m etl build --quiet)\n")
        interrupt_latency(db, args.runaways, args.time_limit)
        child_overhead(db, args.pairs)
        hostile_queries(db)
        example_queries(db, args.runs)
        export_figures(db, Path(scratch))


if __name__ == "__main__":
    main()

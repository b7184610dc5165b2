"""SQL sandbox and export on a database built from ../shared/data/raw.

Prints: how long the interrupt takes to land on a runaway query (median of N), p50/p95 of each example query
(and all together), and the export's wall time with Parquet and CSV bytes per table.

Run: .venv/bin/python benchmarks/sandbox_benchmark.py [--runs 20] [--runaways 5] [--time-limit 1.0]
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
from etl.export import export
from etl.sandbox import EXAMPLE_QUERIES, QueryTimeout, run_query

RUNAWAY = "SELECT count(*) FROM range(1000000000) a, range(1000) b"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def interrupt_latency(db: Path, runs: int, time_limit: float) -> None:
    latencies, overruns = [], []
    for _ in range(runs):
        started = time.perf_counter()
        try:
            run_query(RUNAWAY, db, time_limit_s=time_limit)
        except QueryTimeout as exc:
            latencies.append(exc.interrupt_latency_s)
            overruns.append(time.perf_counter() - started - time_limit)
        else:
            sys.exit("the runaway query finished: it is not a runaway on this machine")
    print(f"interrupt latency:   median {statistics.median(latencies) * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms over {runs} runaways (time limit {time_limit:g} s)")
    print(f"return after limit:  median {statistics.median(overruns) * 1000:.1f} ms "
          "(interrupt + closing the connection)")


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
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "digital_divide.duckdb"
        print(f"database built in {build_database(db):.1f} s (python -m etl build --quiet)\n")
        interrupt_latency(db, args.runaways, args.time_limit)
        example_queries(db, args.runs)
        export_figures(db, Path(scratch))


if __name__ == "__main__":
    main()

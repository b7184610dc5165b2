"""Full build from ../shared/data/raw: wall time, rows per second, database size, peak memory.

Run: .venv/bin/python benchmarks/build_benchmark.py [--runs N]
Each run is a fresh `python -m etl build` process, so peak memory is that process's own.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import build_database


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=3)
    runs = options.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "digital_divide.duckdb"
        times = [build_database(db) for _ in range(runs)]
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute("SELECT count(*) FROM observation").fetchone()[0]
            economies = con.execute("SELECT count(*) FROM country").fetchone()[0]
            by_source = con.execute("""SELECT split_part(source_id, ':', 1) AS dataset, count(*) AS rows,
                count(DISTINCT indicator_id) AS indicators FROM observation GROUP BY 1 ORDER BY 2 DESC""").df()
            aggregates = con.execute("SELECT count(*) FROM group_aggregate").fetchone()[0]
        size_mb = db.stat().st_size / 1e6
    median = statistics.median(times)
    print(f"build runs:          {runs}")
    print(f"wall time (median):  {median:.2f} s   (min {min(times):.2f}, max {max(times):.2f}; "
          "includes interpreter start)")
    print(f"observations:        {rows:,} over {economies} economies")
    print(f"rows per second:     {rows / median:,.0f}")
    print(f"database size:       {size_mb:.1f} MB")
    print(f"peak memory (RSS):   {peak_mib:.0f} MiB   (budget: 30 s and 1 GiB on this 2-core machine)")
    print(f"group aggregates:    {aggregates:,}")
    print()
    print(by_source.to_string(index=False))


if __name__ == "__main__":
    main()

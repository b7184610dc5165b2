"""Command line of the SQL sandbox: `python -m dashboard.sql "SELECT …"` (or `-` to read the query from stdin)
prints the rows as a plain-text table. The sandbox is a query-time service of the serving side
(dashboard/sql_sandbox.py, shared with the /sql page); this entry lives beside it, not in `python -m etl`, so that
the ETL never imports the dashboard (data flows one way: raw → etl → database → dashboard)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from dashboard.sql_sandbox import ROW_CAP, TIME_LIMIT_S, SandboxError, decode_sql, format_table, run_query
from etl import settings


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m dashboard.sql",
                                   description="run one read-only SELECT in the SQL sandbox and print the rows")
    main.add_argument("sql", help="one SELECT (WITH, VALUES, DESCRIBE, EXPLAIN …), or - to read it from stdin")
    main.add_argument("--db", type=Path, default=settings.db_path(),
                      help="database file (default: $DDI_DB or data/digital_divide.duckdb)")
    main.add_argument("--max-rows", type=int, default=ROW_CAP, help=f"row cap (default {ROW_CAP:,})")
    main.add_argument("--timeout", type=float, default=TIME_LIMIT_S,
                      help=f"time limit in seconds (default {TIME_LIMIT_S:g})")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        sql = decode_sql(sys.stdin.buffer.read()) if args.sql == "-" else args.sql  # argv: surrogates if not UTF-8
        print(format_table(run_query(sql, args.db, row_cap=args.max_rows, time_limit_s=args.timeout)))
    except SandboxError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"error: database: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

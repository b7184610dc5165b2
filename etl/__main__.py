"""Command line: python -m etl {build,ensure,pull,status,export,docs}. Failures print one line per problem
and exit non-zero. (Queries are served, not built: `python -m dashboard.sql` runs one in the SQL sandbox.)"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from etl import publish, schema_docs, settings
from etl import pull as pull_module
from etl.build import build
from etl.errors import EtlError, NetworkUnavailableError
from etl.export import export
from etl.status import status


def _has_raw_files(raw_dir: Path) -> bool:
    return raw_dir.is_dir() and any(path.is_file() for path in raw_dir.rglob("*"))


def cmd_build(args: argparse.Namespace) -> int:
    report = build(args.raw_dir, args.db, progress=not args.quiet)
    print(f"published {report.db_path} -> {report.published.name}: {report.rows:,} observations, "
          f"{report.economies} economies, {report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s")
    if args.verbose:
        for warning in report.warnings:
            print(f"  warning: {warning}")
    elif report.warnings:
        print(f"  {len(report.warnings)} warnings (files passed over, entities excluded, quirks met): "
              "--verbose lists them; they are kept in etl_run.warnings")
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    try:
        folders = pull_module.pull(args.source, args.raw_dir, progress=not args.quiet)
    except NetworkUnavailableError as exc:
        raise EtlError(offline_advice(args.raw_dir, exc)) from exc
    for folder in sorted(set(folders)):
        print(f"saved {folder}")
    return 0


def offline_advice(raw_dir: Path, exc: Exception) -> str:
    return (f"cannot reach the publisher ({exc}); download the World Bank CSV files by hand and point "
            f"the build at them with DDI_RAW_DIR=/path/to/files (or --raw-dir), instead of {raw_dir}")


def cmd_ensure(args: argparse.Namespace) -> int:
    """Build the database if it is missing, pulling the raw files first when there are none."""
    if args.db.exists():
        print(f"{args.db} exists; run `python -m etl build` to rebuild it")
        return 0
    if not _has_raw_files(args.raw_dir):
        print(f"no raw files in {args.raw_dir}: pulling from the publishers")
        cmd_pull(argparse.Namespace(source=None, raw_dir=args.raw_dir, quiet=args.quiet))
    return cmd_build(args)


def cmd_status(args: argparse.Namespace) -> int:
    if not args.db.exists():
        raise EtlError(f"{args.db}: no database; run `python -m etl build` first")
    coverage, runs = status(args.db)
    print(coverage.fillna("").to_string(index=False))
    print()
    print(runs.to_string(index=False))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    report = export(args.db, args.out, progress=not args.quiet, overwrite=args.overwrite)
    print(f"exported {len(report.tables)} tables and views to {report.out_dir}: Parquet (zstd) + CSV, "
          f"datapackage.json, README.md ({report.total_bytes / 1e6:.1f} MB in {report.seconds:.1f} s)")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Regenerate docs/schema.md's table reference from the database (or, with --check, compare)."""
    with duckdb.connect(str(publish.resolve(args.db)), read_only=True) as con:
        if args.check:
            if schema_docs.generated_section() != schema_docs.render(con):
                raise EtlError("docs/schema.md's table reference differs from the database: run `python -m etl docs`")
            print("docs/schema.md's table reference matches the database")
        else:
            schema_docs.write_section(con)
            print("docs/schema.md: table reference regenerated from the database")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    def add(name: str, handler, help_text: str, *, raw: bool = False, db: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        if raw:
            sub.add_argument("--raw-dir", type=Path, default=settings.raw_dir(),
                             help="raw publisher files (default: $DDI_RAW_DIR or data/raw)")
        if db:
            sub.add_argument("--db", type=Path, default=settings.db_path(),
                             help="database file (default: $DDI_DB or data/digital_divide.duckdb)")
        sub.add_argument("--quiet", action="store_true", help="no progress bars")
        return sub

    build_command = add("build", cmd_build, "parse, validate and atomically publish the database (no network)",
                        raw=True, db=True)
    build_command.add_argument("--verbose", action="store_true", help="list every warning")
    ensure = add("ensure", cmd_ensure, "build the database if it is missing, pulling raw files if there are none",
                 raw=True, db=True)
    ensure.add_argument("--verbose", action="store_true", help="list every warning")
    add("status", cmd_status, "coverage and vintage of each indicator in the database", db=True)
    pull = add("pull", cmd_pull, "download raw files from the publishers", raw=True)
    pull.add_argument("--source", choices=pull_module.SOURCES, default=None, help="one publisher (default: all)")
    export_command = add("export", cmd_export, "write every table and view as Parquet and CSV, with datapackage.json",
                         db=True)
    export_command.add_argument("--out", type=Path, required=True, help="output folder (must be new or empty)")
    export_command.add_argument("--overwrite", action="store_true", help="replace a previous export in --out")
    docs = add("docs", cmd_docs, "regenerate docs/schema.md's table reference from the database", db=True)
    docs.add_argument("--check", action="store_true", help="only compare; exit 1 when they differ")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except EtlError as exc:
        for line in exc.lines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"error: database: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the published database is unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

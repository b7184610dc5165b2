"""The one SQL sandbox behind `python -m etl query` and the dashboard's /sql page.

`run_query(sql, db_path)` runs one read-only query against the published database and returns at most
`row_cap` rows as a DataFrame, or raises `QueryRefused`, `QueryTimeout` or `QueryFailed` (all
`SandboxError`, an `EtlError`: the CLI prints the one-line message and exits non-zero).

Layers, each enough on its own for the common attacks, together for defence in depth:

1. Statement check with DuckDB's own parser (`extract_statements`): exactly one statement, of type
   SELECT (which covers WITH … SELECT, VALUES, FROM-first, DESCRIBE, SHOW and SUMMARIZE) or EXPLAIN
   [ANALYZE] of such a SELECT. Everything else is refused before anything runs: COPY, ATTACH, DETACH,
   INSTALL, LOAD, SET, RESET, USE, PRAGMA (it can change settings and IMPORT DATABASE parses as one),
   CALL (CHECKPOINT parses as one), CREATE, INSERT, UPDATE, DELETE, DROP, ALTER, EXPORT, a bare PIVOT
   statement, transactions, PREPARE/EXECUTE, VACUUM…
2. A fresh, private DuckDB instance per query (`:memory:`), which ATTACHes the database file READ_ONLY
   and then sets `enable_external_access = false` and `lock_configuration = true`. So a SELECT calling
   read_csv('/etc/passwd'), read_text, read_blob, glob, read_parquet or a URL fails with DuckDB's
   Permission Error; INSTALL/LOAD and extension autoloading are off; no setting can be changed back.
   Why not `duckdb.connect(db_path, read_only=True, config=…)` as such: DuckDB caches one instance per
   file and process, and the dashboard already holds the file open with the default configuration.
   Connecting again with another configuration raises "Can't open a connection to same database file
   with a different configuration", and sharing the dashboard's instance would make the global SETs
   (external access off, locked configuration, 1 thread) apply to the dashboard too. A private
   in-memory instance with the file attached read-only has neither problem.
3. Resource limits per query: threads=1 (one core: a runaway query cannot starve the app's other
   users), memory_limit (default 512MB), temp_directory='' (never spill to disk: no file is written;
   over the limit the query fails), a time limit enforced with `connection.interrupt()`, and a row cap:
   the query runs as a subquery under LIMIT row_cap + 1 (the wrapped text is parsed again: what runs is
   one SELECT), so a huge result is never materialised.

Residual risk (documented, not hidden): DuckDB's memory_limit governs its buffer manager, not every
allocation; a deliberately pathological SELECT (very long strings in many rows) can briefly use a few
GB before the interrupt lands. For an Internet-facing /sql page, also cap the worker's memory at the
OS level (systemd MemoryMax or ulimit -v on gunicorn). `duckdb_databases()` shows the database file's
path; `read_text`/`read_blob` may read the attached database file itself (public data) and nothing else.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from etl.errors import EtlError
from etl.publish import logical_stem, resolve

ROW_CAP = 10_000
TIME_LIMIT_S = 5.0
MEMORY_LIMIT = "512MB"
# After the deadline the watchdog interrupts again at this interval until the query has stopped: DuckDB
# drops an interrupt that arrives while no query is executing (measured: an interrupt before execute() is
# lost), so one single shot could miss a query that was between two steps.
REINTERRUPT_EVERY_S = 0.05

# Fixed before the instance starts. Names checked against DuckDB 2.0's duckdb_settings().
_INSTANCE_CONFIG = {
    "threads": 1,
    "temp_directory": "",  # no spilling: nothing is ever written; over memory_limit the query fails instead
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,  # don't read ~/.duckdb/stored_secrets
    "python_enable_replacements": False,  # a table name never resolves to a Python variable
}

_EXPLAIN = re.compile(r"^\s*EXPLAIN(?:\s+ANALY[SZ]E)?\s+(?P<inner>.+)$", re.IGNORECASE | re.DOTALL)

_WHY_REFUSED = {
    "COPY": "COPY reads or writes files; to get files use `python -m etl export`",
    "ATTACH": "no other database can be opened here",
    "DETACH": "the database cannot be detached",
    "LOAD": "extensions cannot be installed or loaded here",
    "SET": "settings (SET, RESET, USE, SET VARIABLE) are fixed in the sandbox",
    "VARIABLE_SET": "settings (SET, RESET, USE, SET VARIABLE) are fixed in the sandbox",
    "PRAGMA": "PRAGMA can change settings or import files; use SELECT * FROM pragma_…() table functions",
    "CALL": "CALL runs procedures such as CHECKPOINT; use table functions in a SELECT",
    "EXPORT": "EXPORT writes files; use `python -m etl export`",
    # PIVOT without an IN list first creates an ENUM type, so DuckDB makes it several statements.
    "MULTI": "PIVOT must list its values to be a plain query: PIVOT t ON col IN ('a', 'b') USING …",
}
_WRITES = {"CREATE", "CREATE_FUNC", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "VACUUM", "ANALYZE",
           "TRANSACTION", "PREPARE", "EXECUTE", "UPDATE_EXTENSIONS", "MERGE_INTO", "COPY_DATABASE"}
ALLOWED = "only one SELECT (or WITH … SELECT, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN SELECT) is allowed"


class SandboxError(EtlError):
    """A query the sandbox did not answer; the message is one line for the user."""


class QueryRefused(SandboxError):
    """The query is not allowed here (checked before running, or stopped by DuckDB's permissions)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"query refused: {reason}")
        self.reason = reason


class QueryTimeout(SandboxError):
    """The query ran past the time limit and was interrupted."""

    def __init__(self, time_limit_s: float, elapsed_s: float, interrupt_latency_s: float) -> None:
        super().__init__(f"query stopped at the {time_limit_s:g} s time limit (it ran {elapsed_s:.2f} s; "
                         f"the interrupt took {interrupt_latency_s:.3f} s to land)")
        self.time_limit_s = time_limit_s
        self.elapsed_s = elapsed_s
        self.interrupt_latency_s = interrupt_latency_s


class QueryFailed(SandboxError):
    """The SQL is wrong (syntax, unknown table or column, type error) or ran out of memory."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"query failed: {reason}")
        self.reason = reason
        self.detail = detail or reason  # DuckDB's full message, with the LINE/caret context


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: pd.DataFrame  # at most row_cap rows
    truncated: bool  # the query had more than row_cap rows
    elapsed_s: float  # wall time of run_query, connection set-up included
    row_cap: int = ROW_CAP


# ---------------------------------------------------------------------------------------------------------------------
# Example queries over the documented schema (README.md, etl/schema.sql); each runs under the sandbox in a test.

EXAMPLE_QUERIES: dict[str, str] = {
    "Latest Internet use by economy": """\
-- Latest Internet use (% of population) per economy, with the release it comes from
SELECT c.iso3, c.name, o.year, o.value AS internet_use_pct, o.source_id
FROM observation o JOIN country c USING (iso3)
WHERE o.indicator_id = 'internet_use' AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
QUALIFY row_number() OVER (PARTITION BY o.iso3 ORDER BY o.year DESC) = 1
ORDER BY o.value""",
    "Least developed countries, latest Internet use": """\
-- Every LDC (as of today) with its latest Internet use; NULL where none is published
WITH latest AS (
    SELECT iso3, year, value
    FROM observation
    WHERE indicator_id = 'internet_use' AND sex = 'total' AND area = 'total' AND age = 'total'
    QUALIFY row_number() OVER (PARTITION BY iso3 ORDER BY year DESC) = 1
)
SELECT c.iso3, c.name, c.m49_region, l.year, l.value AS internet_use_pct
FROM country c LEFT JOIN latest l USING (iso3)
WHERE c.is_ldc
ORDER BY l.value NULLS LAST, c.name""",
    "Largest gender gaps in Internet use": """\
-- Men minus women (percentage points), latest year where both are published (observation.sex)
WITH by_sex AS (
    SELECT iso3, year,
           max(value) FILTER (WHERE sex = 'male') AS men,
           max(value) FILTER (WHERE sex = 'female') AS women
    FROM observation
    WHERE indicator_id = 'internet_use' AND sex IN ('male', 'female') AND area = 'total' AND age = 'total'
    GROUP BY iso3, year
    HAVING men IS NOT NULL AND women IS NOT NULL
)
SELECT c.iso3, c.name, b.year, b.men, b.women, round(b.men - b.women, 1) AS gap_points
FROM by_sex b JOIN country c USING (iso3)
QUALIFY row_number() OVER (PARTITION BY b.iso3 ORDER BY b.year DESC) = 1
ORDER BY gap_points DESC, c.name
LIMIT 25""",
    "World Bank's World aggregate vs ours, by year": """\
-- Internet use: the World Bank's own World (WLD) figure, newest edition, beside a population-weighted
-- mean of the economies in this database that have both Internet use and population that year
WITH wb AS (
    SELECT a.year, a.value AS world_bank_wld, a.source_id
    FROM published_aggregate a JOIN source s USING (source_id)
    WHERE a.indicator_id = 'internet_use' AND a.group_code = 'WLD'
      AND a.sex = 'total' AND a.area = 'total' AND a.age = 'total'
    QUALIFY row_number() OVER (PARTITION BY a.year ORDER BY s.vintage DESC NULLS LAST, a.source_id DESC) = 1
), ours AS (
    SELECT u.year, sum(u.value * p.value) / sum(p.value) AS weighted_mean, count(*) AS economies
    FROM observation u
    JOIN observation p ON p.iso3 = u.iso3 AND p.year = u.year AND p.indicator_id = 'population'
         AND p.sex = 'total' AND p.area = 'total' AND p.age = 'total'
    WHERE u.indicator_id = 'internet_use' AND u.sex = 'total' AND u.area = 'total' AND u.age = 'total'
    GROUP BY u.year
)
SELECT year, wb.world_bank_wld, round(ours.weighted_mean, 1) AS ours_weighted,
       round(ours.weighted_mean - wb.world_bank_wld, 1) AS difference, ours.economies, wb.source_id
FROM wb JOIN ours USING (year)
ORDER BY year""",
    "Rows per source": """\
-- How many rows each release contributes, with its licence
SELECT s.source_id, s.publisher, s.license,
       (SELECT count(*) FROM observation o WHERE o.source_id = s.source_id) AS observations,
       (SELECT count(*) FROM published_aggregate a WHERE a.source_id = s.source_id) AS published_aggregates
FROM source s
ORDER BY observations DESC, s.source_id""",
}


# ---------------------------------------------------------------------------------------------------------------------
# Statement check


def check_sql(sql: str) -> str:
    """The text of the single allowed statement in `sql`; raises QueryRefused or QueryFailed (syntax)."""
    with duckdb.connect(":memory:", config=dict(_INSTANCE_CONFIG)) as con:
        return _check(con, sql)[0]


def _check(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[str, str]:
    """(statement text, 'SELECT' or 'EXPLAIN') of the one allowed statement, else raise."""
    statements = _parse(con, sql)
    if not statements:
        raise QueryRefused("no SQL statement given")
    if len(statements) > 1:
        raise QueryRefused(f"{len(statements)} statements given; {ALLOWED}, one at a time")
    statement = statements[0]
    kind = _type_name(statement)
    if kind == "SELECT":
        return _without_terminator(statement.query), kind
    if kind == "EXPLAIN":
        match = _EXPLAIN.match(statement.query)
        try:
            inner = _parse(con, match["inner"]) if match else []
        except QueryFailed:  # e.g. EXPLAIN (FORMAT json) …: not a form we check, so refused
            inner = []
        if len(inner) == 1 and _type_name(inner[0]) == "SELECT":
            return _without_terminator(statement.query), kind
        raise QueryRefused("EXPLAIN is allowed only as EXPLAIN [ANALYZE] SELECT …")
    if kind in _WHY_REFUSED:
        raise QueryRefused(f"{_keyword(statement.query, kind)}: {_WHY_REFUSED[kind]}; {ALLOWED}")
    if kind in _WRITES:
        raise QueryRefused(f"{_keyword(statement.query, kind)}: the database is read-only; {ALLOWED}")
    raise QueryRefused(f"{_keyword(statement.query, kind)} statements are not allowed; {ALLOWED}")


def _without_terminator(query: str) -> str:
    """The statement without its trailing ';' and comments, so that it can stand as a subquery."""
    cut = len(query)
    for position, token in reversed(duckdb.tokenize(query)):
        if token == duckdb.token_type.comment or (token == duckdb.token_type.operator and query[position] == ";"):
            cut = position
        else:
            break
    return query[:cut].rstrip()


def _parse(con: duckdb.DuckDBPyConnection, sql: str) -> list:
    try:
        return con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryFailed(_first_line(exc), str(exc)) from exc


def _type_name(statement) -> str:
    try:
        return statement.type.name
    except (ValueError, AttributeError):
        return "UNKNOWN"  # a statement type the Python enum does not know (e.g. UPDATE EXTENSIONS)


def _keyword(query: str, kind: str) -> str:
    """The statement's first word as the user wrote it (INSTALL rather than DuckDB's LOAD), for the message."""
    word = re.match(r"\s*([A-Za-z_]+)", query)
    return word[1].upper() if word else kind


# ---------------------------------------------------------------------------------------------------------------------
# Running


def run_query(sql: str, db_path: Path, *, row_cap: int = ROW_CAP, time_limit_s: float = TIME_LIMIT_S,
              memory_limit: str = MEMORY_LIMIT) -> QueryResult:
    """Run one read-only query in a fresh sandboxed DuckDB instance; at most `row_cap` rows come back."""
    started = time.perf_counter()
    db_path = resolve(Path(db_path))  # the version published now (a caller may pass one it resolved itself)
    if not db_path.is_file():
        raise SandboxError(f"{db_path}: no database; run `python -m etl build` first")
    if row_cap < 1 or time_limit_s <= 0:
        raise ValueError("row_cap must be at least 1 and time_limit_s positive")
    con = duckdb.connect(":memory:", config={**_INSTANCE_CONFIG, "memory_limit": memory_limit})
    try:
        query, kind = _check(con, sql)
        _attach_and_lock(con, db_path)
        frame = _execute(con, query, kind, row_cap, time_limit_s)
    finally:
        con.close()
    truncated = len(frame) > row_cap
    if truncated:
        frame = frame.iloc[:row_cap].reset_index(drop=True)
    return QueryResult(columns=[str(c) for c in frame.columns], rows=frame, truncated=truncated,
                       elapsed_s=time.perf_counter() - started, row_cap=row_cap)


def _attach_and_lock(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    # External access is on only for this ATTACH; it is switched off (one way: DuckDB cannot turn it back on
    # while running) and the configuration locked before any user SQL runs.
    alias = re.sub(r"\W", "_", logical_stem(db_path)) or "db"
    if alias.lower() in ("memory", "system", "temp", "main"):
        alias = "db"
    path = str(db_path.resolve()).replace("'", "''")
    con.execute(f"ATTACH '{path}' AS \"{alias}\" (READ_ONLY)")
    con.execute(f'USE "{alias}"')
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


class _Watchdog:
    """Interrupts the connection at the deadline (a timer thread), then again until the query has stopped."""

    def __init__(self, con: duckdb.DuckDBPyConnection, time_limit_s: float) -> None:
        self._con = con
        self._time_limit_s = time_limit_s
        self._done = threading.Event()
        self.fired_at: float | None = None
        self._thread = threading.Thread(target=self._run, name="sql-sandbox-watchdog", daemon=True)

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        if self._done.wait(self._time_limit_s):
            return
        self.fired_at = time.perf_counter()
        while not self._done.is_set():
            with contextlib.suppress(duckdb.Error):
                self._con.interrupt()
            self._done.wait(REINTERRUPT_EVERY_S)


def _execute(con: duckdb.DuckDBPyConnection, query: str, kind: str, row_cap: int,
             time_limit_s: float) -> pd.DataFrame:
    started = time.perf_counter()
    watchdog = _Watchdog(con, time_limit_s)
    try:
        with watchdog:
            if kind == "EXPLAIN":
                return con.execute(query).df()  # a plan: a few rows
            cursor = con.execute(_with_row_limit(con, query, row_cap + 1))
            return _dates_as_dates(cursor.df(), cursor.description)
    except duckdb.InterruptException as exc:
        if watchdog.fired_at is None:
            raise KeyboardInterrupt from exc  # Ctrl-C in the CLI, not our time limit
        stopped = time.perf_counter()
        raise QueryTimeout(time_limit_s, stopped - started, stopped - watchdog.fired_at) from exc
    except duckdb.PermissionException as exc:
        raise QueryRefused(f"the sandbox has no access to files, the network or extensions "
                           f"({_first_line(exc)})") from exc
    except duckdb.OutOfMemoryException as exc:
        raise QueryFailed(f"the query needs more memory than the sandbox allows "
                          f"({_first_line(exc)})", str(exc)) from exc
    except duckdb.Error as exc:
        if "read-only mode" in str(exc) or "data-modifying" in str(exc):
            raise QueryRefused("the database is read-only: statements that change data are refused") from exc
        raise QueryFailed(_first_line(exc), str(exc)) from exc


def _with_row_limit(con: duckdb.DuckDBPyConnection, query: str, limit: int) -> str:
    """The query as a subquery under LIMIT, so DuckDB stops producing rows there and never materialises a
    huge result (an ORDER BY inside is kept). The wrapped text is parsed again: what runs is one SELECT."""
    wrapped = f"SELECT * FROM (\n{query}\n) LIMIT {int(limit)}"
    statements = _parse(con, wrapped)
    if len(statements) != 1 or _type_name(statements[0]) != "SELECT":
        raise QueryRefused("the query does not stand as a subquery under a row limit")
    return wrapped


def _dates_as_dates(frame: pd.DataFrame, description: list | None) -> pd.DataFrame:
    """DATE columns as datetime.date, not midnight timestamps. (DuckDB's own date_as_object=True trips a
    pandas 3.1 deprecation warning, and silencing warnings is not thread-safe.)"""
    for position, column in enumerate(description or []):
        values = frame.iloc[:, position]
        if str(column[1]) == "DATE" and pd.api.types.is_datetime64_any_dtype(values) and values.notna().any():
            frame.isetitem(position, values.dt.date)
    return frame


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# ---------------------------------------------------------------------------------------------------------------------
# Plain-text table for the CLI

MAX_CELL = 40


def _cell(value: object) -> str:
    if hasattr(value, "tolist"):  # numpy scalars and arrays (DuckDB lists) to plain Python
        value = value.tolist()
    if value is None or (not isinstance(value, (list, tuple, dict)) and _is_missing(value)):
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if value != 0 and abs(value) < 1e-4:
            return f"{value:.3e}"
        return f"{value:.4f}".rstrip("0").rstrip(".")
    text = str(value).replace("\n", " ")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_table(result: QueryResult) -> str:
    """An aligned plain-text table (numbers right-aligned), then "N rows" or "first 10,000 rows (capped)"."""
    frame = result.rows
    header = [str(c) for c in result.columns]
    body = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    numeric = [pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
               for dtype in frame.dtypes]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True))

    lines = [line(header).rstrip(), "  ".join("-" * w for w in widths)] if header else []
    lines += [line(r).rstrip() for r in body]
    n = len(frame)
    lines.append(f"first {n:,} rows (capped)" if result.truncated else f"{n:,} row{'' if n == 1 else 's'}")
    return "\n".join(lines)


__all__ = ["EXAMPLE_QUERIES", "MEMORY_LIMIT", "ROW_CAP", "TIME_LIMIT_S", "QueryFailed", "QueryRefused",
           "QueryResult", "QueryTimeout", "SandboxError", "check_sql", "format_table", "run_query"]

"""The one SQL sandbox behind the dashboard's /sql page and `python -m dashboard.sql` (its command line).

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
2. A private DuckDB instance (`:memory:`), which ATTACHes the database file READ_ONLY and then sets
   `enable_external_access = false` and `lock_configuration = true` before any user SQL; the child keeps it
   for its next query on the same version, each query on a fresh connection (`KeptInstance` says why that is
   safe), and lets it go after any query that ran and failed. So a SELECT calling
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
4. A child process per query (dashboard/sql_sandbox_child.py, from a small warm pool per process): DuckDB
   cannot interrupt every operation (levenshtein() on 150,000-character strings ran 33 s past a 5 s limit;
   planning a 30,000-branch UNION ALL, 80 s) and its memory_limit does not govern every allocation (10,000
   rows of 1 MB strings took a gunicorn worker to 7.6 GB). The child's address space is capped (RLIMIT_AS:
   its warmed-up size + PROCESS_HEADROOM_BYTES), a result over MAX_RESULT_BYTES is not sent back, and the
   parent kills the child KILL_GRACE_S after the time limit (counted from the moment a ready child gets the query;
   waiting for a cold child to start is bounded apart, by STARTUP_WAIT_S, and then answered "busy"). At most
   CONCURRENT_QUERIES run at once per process; another gets SandboxBusy at once, so a web server's threads
   never queue behind SQL.
5. Text checks before anything runs: not UTF-8 (lone surrogates), NUL characters or over MAX_SQL_CHARS
   characters are refused in one line.

Messages: each SandboxError's one line is English (the CLI prints it); the /sql page says it again in the reader's
language from its `phrase`, a `Phrase` (the English template, marked with N_ for the catalogues, and its fields),
translated by dashboard/pages/sql.py. DuckDB's own error text is a field and stays as DuckDB gives it.

Residual risk (documented, not hidden): each process may hold CONCURRENT_QUERIES children of up to about
1 GB each over their idle size, and an idle child's kept instance holds the blocks it has read (within its
memory_limit) until its next query or its end; `duckdb_databases()` shows the database file's path;
`read_text`/`read_blob` may read the attached database file itself (public data) and nothing else. Children
answer with pickles the parent loads: they run only this module's code, but a flaw in DuckDB that let SQL write
to the child's stdout could reach the parent.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import math
import os
import pickle
import re
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from etl.errors import EtlError
from etl.publish import logical_stem, resolve

ROW_CAP = 10_000
TIME_LIMIT_S = 5.0
MEMORY_LIMIT = "512MB"  # DuckDB's own limit (its buffer manager)
PROCESS_HEADROOM_BYTES = 1 << 30  # the child's address space: what it uses once warmed up, plus this
MAX_RESULT_BYTES = 32 << 20  # a result (pickled) larger than this is not sent back
MAX_SQL_CHARS = 100_000
CONCURRENT_QUERIES = 2  # per process (gunicorn worker): beyond that, SandboxBusy at once
KILL_GRACE_S = 0.3  # the child's own interrupt fires at the limit; the parent kills it this much later
STARTUP_TIMEOUT_S = 60.0  # a child started ahead of need (warm_up) may take this long
STARTUP_WAIT_S = 15.0  # … and a query waits this long at most for its child to be ready, before its own limit
QUERIES_PER_CHILD = 200  # then the child is replaced (memory fragmentation)


def N_(message: str) -> str:
    """Marks a string for the dashboard's catalogues (pybabel extracts N_); translated where it is shown. Not
    dashboard.i18n's: the sandbox's child process and the CLI load this module without Flask or Babel."""
    return message


class Phrase(str):
    """A message as English text (what the CLI prints, what `str` gives) that keeps its template and fields, so that
    the /sql page can say it in the reader's language (`said`). A field may be a Phrase itself (translated too), a
    number (written in the reader's locale) or any other text (DuckDB's own words, a keyword: kept as they are)."""

    template: str
    fields: dict

    def __new__(cls, template: str, **fields) -> Phrase:
        phrase = super().__new__(cls, template.format(**fields))
        phrase.template, phrase.fields = template, fields
        return phrase

    def __reduce__(self):  # the child sends its errors back pickled
        return (_phrase, (self.template, self.fields))

    def said(self, translate: Callable[[str], str], number: Callable[[float | int, str], str]) -> str:
        """The message through `translate` (gettext), its numbers through `number(value, format spec)`."""
        template = translate(self.template)
        fields = {key: value.said(translate, number) if isinstance(value, Phrase) else
                  _Number(value, number) if isinstance(value, int | float) and not isinstance(value, bool) else value
                  for key, value in self.fields.items()}
        return template.format(**fields)


def _phrase(template: str, fields: dict) -> Phrase:
    return Phrase(template, **fields)


class _Number:
    """A number inside a translated Phrase: its template's format spec ("{seconds:.2f}") is handed to `number`."""

    def __init__(self, value: float | int, number: Callable[[float | int, str], str]) -> None:
        self.value, self.number = value, number

    def __format__(self, spec: str) -> str:
        return self.number(self.value, spec)


BUSY_MESSAGE = Phrase(N_("The SQL console is busy, try again in a few seconds."))
# How a memory-cap failure reads: load_dependent and the child look for "memory" in the English text.
NEEDS_MORE_MEMORY = N_("the query needs more memory than the sandbox allows ({duckdb})")
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
    "COPY": Phrase(N_("COPY reads or writes files; to get files use `python -m etl export`")),
    "ATTACH": Phrase(N_("no other database can be opened here")),
    "DETACH": Phrase(N_("the database cannot be detached")),
    "LOAD": Phrase(N_("extensions cannot be installed or loaded here")),
    "SET": Phrase(N_("settings (SET, RESET, USE, SET VARIABLE) are fixed in the sandbox")),
    "VARIABLE_SET": Phrase(N_("settings (SET, RESET, USE, SET VARIABLE) are fixed in the sandbox")),
    "PRAGMA": Phrase(N_("PRAGMA can change settings or import files; use SELECT * FROM pragma_…() table functions")),
    "CALL": Phrase(N_("CALL runs procedures such as CHECKPOINT; use table functions in a SELECT")),
    "EXPORT": Phrase(N_("EXPORT writes files; use `python -m etl export`")),
    # PIVOT without an IN list first creates an ENUM type, so DuckDB makes it several statements.
    "MULTI": Phrase(N_("PIVOT must list its values to be a plain query: PIVOT t ON col IN ('a', 'b') USING …")),
}
_WRITES = {"CREATE", "CREATE_FUNC", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "VACUUM", "ANALYZE",
           "TRANSACTION", "PREPARE", "EXECUTE", "UPDATE_EXTENSIONS", "MERGE_INTO", "COPY_DATABASE"}
ALLOWED = Phrase(N_("only one SELECT (or WITH … SELECT, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN SELECT) is "
                    "allowed"))


class SandboxError(EtlError):
    """A query the sandbox did not answer; the message is one line for the user, kept as a Phrase (`phrase`) for
    the /sql page to translate."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.phrase = message if isinstance(message, Phrase) else Phrase("{text}", text=message)


class SandboxBusy(SandboxError):
    """Every query slot of this process is taken: the caller should try again shortly (nothing waits)."""

    def __init__(self) -> None:
        super().__init__(BUSY_MESSAGE)

    def __reduce__(self):
        return (type(self), ())


class QueryRefused(SandboxError):
    """The query is not allowed here (checked before running, or stopped by DuckDB's permissions)."""

    def __init__(self, reason: str) -> None:
        super().__init__(Phrase(N_("query refused: {reason}"), reason=reason))
        self.reason = reason

    def __reduce__(self):  # the child sends its errors back pickled
        return (type(self), (self.reason,))


class QueryTimeout(SandboxError):
    """The query ran past the time limit and was interrupted."""

    def __init__(self, time_limit_s: float, elapsed_s: float, interrupt_latency_s: float | None = None) -> None:
        how = (Phrase(N_("the interrupt took {seconds:.3f} s to land"), seconds=interrupt_latency_s)
               if interrupt_latency_s is not None
               else Phrase(N_("DuckDB could not interrupt it, so its process was stopped")))
        super().__init__(Phrase(N_("query stopped at the {limit:g} s time limit (it ran {seconds:.2f} s; {how})"),
                                limit=time_limit_s, seconds=elapsed_s, how=how))
        self.time_limit_s = time_limit_s
        self.elapsed_s = elapsed_s
        self.interrupt_latency_s = interrupt_latency_s

    def __reduce__(self):
        return (type(self), (self.time_limit_s, self.elapsed_s, self.interrupt_latency_s))


class QueryFailed(SandboxError):
    """The SQL is wrong (syntax, unknown table or column, type error) or ran out of memory. `reason` is DuckDB's
    first line as DuckDB gives it, or one of ours (a Phrase)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(Phrase(N_("query failed: {reason}"), reason=reason))
        self.reason = reason
        self.detail = detail or reason  # DuckDB's full message, with the LINE/caret context

    def __reduce__(self):
        return (type(self), (self.reason, self.detail))


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: pd.DataFrame  # at most row_cap rows
    truncated: bool  # the query had more than row_cap rows
    elapsed_s: float  # wall time of run_query, connection set-up included
    row_cap: int = ROW_CAP


# ---------------------------------------------------------------------------------------------------------------------
# Example queries over the documented schema (docs/schema.md, etl/schema.sql); each runs under the sandbox in a test.

# Their titles are marked for the /sql page's catalogues (and stay the keys: ?example=<title> in English); the SQL,
# its comments included, is the same in every language.
EXAMPLE_QUERIES: dict[str, str] = {
    N_("Latest Internet use by economy"): """\
-- Latest Internet use (% of population) per economy, with the release it comes from
SELECT c.iso3, c.name, o.year, o.value AS internet_use_pct, o.source_id
FROM observation o JOIN country c USING (iso3)
WHERE o.indicator_id = 'internet_use' AND o.sex = 'total' AND o.area = 'total' AND o.age = 'total'
QUALIFY row_number() OVER (PARTITION BY o.iso3 ORDER BY o.year DESC) = 1
ORDER BY o.value""",
    N_("Least developed countries, latest Internet use"): """\
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
    N_("Largest gender gaps in Internet use"): """\
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
    N_("World Bank's World aggregate vs ours, by year"): """\
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
    N_("Rows per source"): """\
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
    check_text(sql)
    with duckdb.connect(":memory:", config=dict(_INSTANCE_CONFIG)) as con:
        return _check(con, sql)[0]


def _check(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[str, str]:
    """(statement text, 'SELECT' or 'EXPLAIN') of the one allowed statement, else raise."""
    statements = _parse(con, sql)
    if not statements:
        raise QueryRefused(Phrase(N_("no SQL statement given")))
    if len(statements) > 1:
        raise QueryRefused(Phrase(N_("{count} statements given; {allowed}, one at a time"), count=len(statements),
                                  allowed=ALLOWED))
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
        raise QueryRefused(Phrase(N_("EXPLAIN is allowed only as EXPLAIN [ANALYZE] SELECT …")))
    keyword = _keyword(statement.query, kind)
    if kind in _WHY_REFUSED:
        raise QueryRefused(Phrase(N_("{keyword}: {why}; {allowed}"), keyword=keyword, why=_WHY_REFUSED[kind],
                                  allowed=ALLOWED))
    if kind in _WRITES:
        raise QueryRefused(Phrase(N_("{keyword}: the database is read-only; {allowed}"), keyword=keyword,
                                  allowed=ALLOWED))
    raise QueryRefused(Phrase(N_("{keyword} statements are not allowed; {allowed}"), keyword=keyword, allowed=ALLOWED))


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


def run_here(sql: str, db_path: Path, *, row_cap: int = ROW_CAP, time_limit_s: float = TIME_LIMIT_S,
             memory_limit: str = MEMORY_LIMIT) -> QueryResult:
    """Run one query in a fresh sandboxed DuckDB instance in *this* process, closed afterwards (the benchmark's
    in-process baseline; the child keeps its instance between queries: `KeptInstance`)."""
    instance = KeptInstance()
    try:
        return instance.run(sql, db_path, row_cap=row_cap, time_limit_s=time_limit_s, memory_limit=memory_limit)
    finally:
        instance.close()


class KeptInstance:
    """The child's sandboxed DuckDB instance, opened (ATTACH read-only, external access off, configuration locked)
    for one database version and memory limit, and kept for the next query while it asks for the same ones.

    Why keep it: starting an instance costs ~25-45 ms (DuckDB registers its built-in functions) and attaching
    the file ~10 ms more, against ~1-30 ms for the example queries themselves. Why keeping is safe: every query
    runs on a fresh connection (cursor) of its own, so per-connection state (setseed(), the current schema) does
    not carry over; and nothing a query can run changes the instance: statements other than SELECT are refused
    before anything runs, and the configuration is locked before any user SQL. The instance is let go after any
    query that started running and did not succeed (interrupted, out of memory, an error while running), so an
    unforeseen state of a failed query is never inherited; a query refused or unparsable before running leaves it.
    """

    def __init__(self) -> None:
        self._identity: tuple | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._alias = ""

    def run(self, sql: str, db_path: Path, *, row_cap: int = ROW_CAP, time_limit_s: float = TIME_LIMIT_S,
            memory_limit: str = MEMORY_LIMIT) -> QueryResult:
        started = time.perf_counter()
        db_path = resolve(Path(db_path))  # the version published now (a caller may pass one it resolved itself)
        if not db_path.is_file():
            raise SandboxError(Phrase(N_("{path}: no database; run `python -m etl build` first"), path=str(db_path)))
        if row_cap < 1 or time_limit_s <= 0:
            raise ValueError("row_cap must be at least 1 and time_limit_s positive")
        ran = succeeded = False
        try:
            cursor = self._instance(db_path, memory_limit).cursor()
            try:
                cursor.execute(f'USE "{self._alias}"')
                query, kind = _check(cursor, sql)  # a refusal or a syntax error: nothing ran
                ran = True
                frame = _execute(cursor, query, kind, row_cap, time_limit_s)
                succeeded = True
            finally:
                cursor.close()
        finally:
            if ran and not succeeded:
                self.close()
        truncated = len(frame) > row_cap
        if truncated:
            frame = frame.iloc[:row_cap].reset_index(drop=True)
        return QueryResult(columns=[str(c) for c in frame.columns], rows=frame, truncated=truncated,
                           elapsed_s=time.perf_counter() - started, row_cap=row_cap)

    def _instance(self, db_path: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
        stat = db_path.stat()  # a file replaced in place under the same name is another version
        identity = (str(db_path), stat.st_ino, stat.st_mtime_ns, stat.st_size, memory_limit)
        if self._con is None or identity != self._identity:
            self.close()
            con = duckdb.connect(":memory:", config={**_INSTANCE_CONFIG, "memory_limit": memory_limit})
            try:
                self._alias = _attach_and_lock(con, db_path)
            except BaseException:
                con.close()
                raise
            self._con, self._identity = con, identity
        return self._con

    def close(self) -> None:
        con, self._con, self._identity = self._con, None, None
        if con is not None:
            with contextlib.suppress(duckdb.Error):
                con.close()


def _attach_and_lock(con: duckdb.DuckDBPyConnection, db_path: Path) -> str:
    """Attach `db_path` read-only and lock the instance; returns the database's alias (each connection USEs it)."""
    # External access is on only for this ATTACH; it is switched off (one way: DuckDB cannot turn it back on
    # while running) and the configuration locked before any user SQL runs.
    alias = re.sub(r"\W", "_", logical_stem(db_path)) or "db"
    if alias.lower() in ("memory", "system", "temp", "main"):
        alias = "db"
    path = str(db_path.resolve()).replace("'", "''")
    con.execute(f"ATTACH '{path}' AS \"{alias}\" (READ_ONLY)")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return alias


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
        raise QueryRefused(Phrase(N_("the sandbox has no access to files, the network or extensions ({duckdb})"),
                                  duckdb=_first_line(exc))) from exc
    except duckdb.OutOfMemoryException as exc:
        raise QueryFailed(Phrase(NEEDS_MORE_MEMORY, duckdb=_first_line(exc)), str(exc)) from exc
    except duckdb.Error as exc:
        if "read-only mode" in str(exc) or "data-modifying" in str(exc):
            raise QueryRefused(Phrase(N_("the database is read-only: statements that change data are refused"))) \
                from exc
        raise QueryFailed(_first_line(exc), str(exc)) from exc


def _with_row_limit(con: duckdb.DuckDBPyConnection, query: str, limit: int) -> str:
    """The query as a subquery under LIMIT, so DuckDB stops producing rows there and never materialises a
    huge result (an ORDER BY inside is kept). The wrapped text is parsed again: what runs is one SELECT."""
    wrapped = f"SELECT * FROM (\n{query}\n) LIMIT {int(limit)}"
    statements = _parse(con, wrapped)
    if len(statements) != 1 or _type_name(statements[0]) != "SELECT":
        raise QueryRefused(Phrase(N_("the query does not stand as a subquery under a row limit")))
    return wrapped


def _dates_as_dates(frame: pd.DataFrame, description: list | None) -> pd.DataFrame:
    """DATE columns as datetime.date, not midnight timestamps. (DuckDB's own date_as_object=True trips a
    pandas 3.1 deprecation warning, and silencing warnings is not thread-safe.)"""
    for position, column in enumerate(description or []):
        values = frame.iloc[:, position]
        if str(column[1]) == "DATE" and pd.api.types.is_datetime64_any_dtype(values) and values.notna().any():
            frame.isetitem(position, values.dt.date)
    return frame


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


_first_line = first_line


# ---------------------------------------------------------------------------------------------------------------------
# Text checks: one clear line for text DuckDB's parser should never see


def decode_sql(raw: bytes) -> str:
    """Bytes (stdin) as text, or QueryRefused naming the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryRefused(Phrase(N_("the query is not valid UTF-8 text (byte {byte} at byte {position:,})"),
                                  byte=f"0x{raw[exc.start]:02x}", position=exc.start + 1)) from None


def check_text(sql: object, max_chars: int = MAX_SQL_CHARS) -> str:
    """`sql` if it is text the parser can take; else QueryRefused with one line (invalid UTF-8 arrives here as
    lone surrogates: from argv via Python's surrogateescape, or from a JSON body's \\udxxx escapes)."""
    if not isinstance(sql, str):
        raise QueryRefused(Phrase(N_("the query must be text")))
    if len(sql) > max_chars:
        raise QueryRefused(Phrase(N_("the query is {length:,} characters long; at most {most:,} are accepted"),
                                  length=len(sql), most=max_chars))
    if "\x00" in sql:
        raise QueryRefused(Phrase(N_("the query contains a NUL character (at character {position:,})"),
                                  position=sql.index(chr(0)) + 1))
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QueryRefused(Phrase(N_("the query is not valid UTF-8 text (at character {position:,})"),
                                  position=exc.start + 1)) from None
    return sql


# ---------------------------------------------------------------------------------------------------------------------
# Each query in a child process (dashboard/sql_sandbox_child.py), from a small pool per process
#
# DuckDB cannot interrupt everything (measured: levenshtein() on two 150,000-character strings ran 33 s past a 5 s
# limit; planning a 30,000-branch UNION ALL 80 s), and its memory_limit does not govern every allocation (one worker
# reached 7.6 GB). So the query runs in a child whose address space is capped, and the parent kills it at the time
# limit plus KILL_GRACE_S. Children are started with subprocess (fork + exec, not a fork of a process holding DuckDB
# connections) and reused: a start costs about a second of imports; a query in a warm child costs a few ms more
# than in-process (benchmarks/sandbox_benchmark.py). At most CONCURRENT_QUERIES run per process; further ones get
# SandboxBusy at once, so the web server's threads never queue behind SQL.

_HEADER = struct.Struct(">Q")
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def write_frame(stream, obj: object) -> None:
    write_payload(stream, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def write_payload(stream, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame_blocking(stream) -> object | None:
    """The next frame from a trusted parent, or None at end of input."""
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    payload = _read_exactly(stream, _HEADER.unpack(header)[0])
    return None if payload is None else pickle.loads(payload)


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def result_too_big(max_bytes: int) -> QueryFailed:
    return QueryFailed(Phrase(N_("the result is larger than the {megabytes:g} MB the sandbox sends back; select "
                                 "fewer or shorter columns, or fewer rows"), megabytes=max_bytes / 2**20))


def out_of_memory() -> QueryFailed:
    return QueryFailed(Phrase(NEEDS_MORE_MEMORY, duckdb=Phrase(N_("its process was stopped"))))


class _Late(Exception):
    pass


class _Gone(Exception):
    pass


class _TooBig(Exception):
    pass


class _Child:
    """One child process and the pipes to it."""

    def __init__(self) -> None:
        env = {**os.environ, "MALLOC_ARENA_MAX": "2",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.sql_sandbox_child", str(PROCESS_HEADROOM_BYTES)], cwd=_PROJECT_ROOT,
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)
        self.queries = 0
        self.ready = False

    def wait_ready(self, deadline: float | None = None) -> None:
        if not self.ready:
            self.read(deadline or time.monotonic() + STARTUP_TIMEOUT_S, 1 << 16)
            self.ready = True

    def send(self, request: dict) -> None:
        write_frame(self.process.stdin, request)
        self.queries += 1

    def read(self, deadline: float, max_bytes: int) -> object:
        header = self._read(_HEADER.size, deadline)
        size = _HEADER.unpack(header)[0]
        if size > max_bytes:
            raise _TooBig
        return pickle.loads(self._read(size, deadline))

    def _read(self, size: int, deadline: float) -> bytes:
        fd, chunks, left = self.process.stdout.fileno(), [], size
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise _Late
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise _Gone
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        """SIGKILL, and reap it in the background: a child holding gigabytes takes a moment to be torn down,
        which the caller need not wait for."""
        with contextlib.suppress(OSError):
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        threading.Thread(target=self._reap, name="sql-sandbox-reap", daemon=True).start()

    def _reap(self) -> None:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=60)


class _Pool:
    """Up to `size` queries at once in this process, each in a child; idle children are kept warm."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()  # a forked copy of the pool (gunicorn --preload) starts afresh
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: list[_Child] = []
        self._starting = 0
        self._keep_spare = False

    def _state(self) -> threading.BoundedSemaphore:
        with self._lock:
            if self._pid != os.getpid():
                self._reset()
            return self._slots

    def _take(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.process.poll() is None:
                    return child
                child.kill()
        return _Child()

    def _give_back(self, child: _Child) -> None:
        if child.queries >= QUERIES_PER_CHILD or child.process.poll() is not None:
            child.kill()
            return
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < self.size:
                self._idle.append(child)
                return
        child.kill()

    def warm_up(self, children: int = 1, wait: bool = False) -> None:
        """Start children in the background until `children` are idle or starting (at most `size`); from then
        on, a query that takes the last idle child starts a spare (a server's policy, not the CLI's)."""
        with self._lock:
            if self._pid != os.getpid():
                self._reset()
            self._keep_spare = True
            pending = len(self._idle) + self._starting
            missing = max(0, min(children, self.size) - pending)
            self._starting += missing
        threads = [threading.Thread(target=self._start_one, name="sql-sandbox-warm-up", daemon=True)
                   for _ in range(missing)]
        for thread in threads:
            thread.start()
        for thread in threads if wait else []:
            thread.join()
        while wait:  # children started earlier (a spare) may still be starting
            with self._lock:
                if len(self._idle) >= min(children, self.size) or not self._starting:
                    return
            time.sleep(0.05)

    def _start_one(self) -> None:
        try:
            child = _Child()
            try:
                child.wait_ready()
            except BaseException:
                child.kill()
                return
        finally:
            with self._lock:
                self._starting -= 1
        self._give_back(child)

    def run(self, request: dict, time_limit_s: float) -> QueryResult:
        slots = self._state()
        if not slots.acquire(blocking=False):
            raise SandboxBusy
        try:
            return self._run(request, time_limit_s)
        finally:
            slots.release()

    def _run(self, request: dict, time_limit_s: float) -> QueryResult:
        # The limit is the query's: it starts once a child is ready and the query is sent, and the parent kills
        # the child KILL_GRACE_S after it. A cold child's start (1–3 s of imports, more on a busy machine) is
        # bounded apart, by STARTUP_WAIT_S: counted in the limit, it stopped simple queries under load.
        started = time.monotonic()
        deadline = started + time_limit_s
        for attempt in range(2):
            child = self._take()
            if self._keep_spare:
                self.warm_up(1)
            try:
                child.wait_ready(time.monotonic() + STARTUP_WAIT_S)
                started = time.monotonic()
                deadline = started + time_limit_s
                child.send({**request, "time_limit_s": time_limit_s})
                break
            except _Late:  # no child ready within STARTUP_WAIT_S: the machine is too busy to start one
                child.kill()
                raise SandboxBusy from None
            except (_Gone, OSError) as exc:  # an idle child that died meanwhile: once more, afresh
                child.kill()
                if attempt:
                    raise SandboxError(Phrase(N_("the SQL sandbox's process did not start ({error})"),
                                              error=type(exc).__name__)) from None
            except BaseException:
                child.kill()
                raise
        try:
            outcome, value, keep = child.read(deadline + KILL_GRACE_S, MAX_RESULT_BYTES + (1 << 16))
        except _Late:
            child.kill()
            raise QueryTimeout(time_limit_s, time.monotonic() - started) from None
        except _TooBig:
            child.kill()
            raise result_too_big(MAX_RESULT_BYTES) from None
        except _Gone:
            child.kill()
            raise out_of_memory() from None
        except BaseException:  # Ctrl-C in the CLI, or anything unforeseen: the child must not outlive it
            child.kill()
            raise
        if keep:
            self._give_back(child)
        else:
            child.kill()  # it exits after a memory failure; not to be handed the next query
        if outcome == "ok":
            return value
        raise value

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.kill()


_POOL = _Pool(CONCURRENT_QUERIES)
atexit.register(_POOL.close)


def warm_up(children: int = 1, wait: bool = False) -> None:
    """Have a child ready for this process's next query, and keep a spare from then on (the /sql page calls this
    as it renders; the CLI, with one query, does not)."""
    _POOL.warm_up(children, wait)


def run_query(sql: str, db_path: Path, *, row_cap: int = ROW_CAP, time_limit_s: float = TIME_LIMIT_S,
              memory_limit: str = MEMORY_LIMIT) -> QueryResult:
    """Run one read-only query in a child process's sandboxed DuckDB instance; at most `row_cap` rows
    come back. Raises SandboxBusy at once if CONCURRENT_QUERIES queries of this process are running."""
    started = time.perf_counter()
    sql = check_text(sql)
    db_path = Path(db_path)
    if not db_path.is_file():
        raise SandboxError(Phrase(N_("{path}: no database; run `python -m etl build` first"), path=str(db_path)))
    if row_cap < 1 or time_limit_s <= 0:
        raise ValueError("row_cap must be at least 1 and time_limit_s positive")
    request = {"sql": sql, "db_path": str(db_path.resolve()), "row_cap": row_cap, "time_limit_s": time_limit_s,
               "memory_limit": memory_limit, "max_result_bytes": MAX_RESULT_BYTES}
    result = _POOL.run(request, time_limit_s)
    return dataclasses.replace(result, elapsed_s=time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------------------------------
# Which outcomes are a function of the database version and the SQL text alone (what the /sql page may keep)

# Words that make a query's rows vary between runs of the same text on the same data, besides the functions DuckDB
# itself marks as not consistent: SQL keywords that read the clock, sampling (USING SAMPLE, TABLESAMPLE,
# reservoir_quantile) and EXPLAIN ANALYZE (its plan shows timings).
_VARYING_WORDS = frozenset({"current_timestamp", "current_time", "current_date", "localtimestamp", "localtime",
                            "sample", "tablesample", "reservoir_quantile", "analyze", "analyse"})
_MEMORY_WORDS = re.compile(r"memory|alloc", re.IGNORECASE)  # conservative: a false match only costs a rerun
_WORD = re.compile(r'"?([A-Za-z_][A-Za-z0-9_$]*)')


@functools.cache
def _varying_functions() -> frozenset[str]:
    """DuckDB's functions whose answer may differ between two runs (random(), now(), uuid(), current_setting() …),
    and the table functions that show the instance's state (duckdb_memory(), pragma_database_size() …)."""
    with duckdb.connect(":memory:", config=dict(_INSTANCE_CONFIG)) as con:
        rows = con.execute(
            "SELECT DISTINCT lower(function_name) FROM duckdb_functions() "
            "WHERE stability IN ('VOLATILE', 'CONSISTENT_WITHIN_QUERY') OR (function_type = 'table' "
            "AND (starts_with(function_name, 'duckdb_') OR starts_with(function_name, 'pragma_')))").fetchall()
    return frozenset(name for (name,) in rows) | _VARYING_WORDS


def repeatable(sql: str) -> bool:
    """Whether a successful run of `sql` is a function of the database version and the text alone, so its
    outcome may be kept and shown again: no word of it (a keyword or an identifier, quoted or not) names a
    function or keyword whose answer varies between runs. Conservative: a column called `today` also counts."""
    try:
        tokens = duckdb.tokenize(sql)
    except (duckdb.Error, RuntimeError, TypeError, UnicodeError):  # e.g. lone surrogates: not text it takes
        return False
    varying = _varying_functions()
    for position, kind in tokens:
        if kind in (duckdb.token_type.identifier, duckdb.token_type.keyword):
            word = _WORD.match(sql, position)
            if word and word[1].lower() in varying:
                return False
    return True


def load_dependent(exc: SandboxError) -> bool:
    """Whether this refusal depends on the moment rather than on the SQL and the data: busy, the time limit, the
    memory cap, the sandbox's process failing. Only refusals for the query itself (QueryRefused, and a QueryFailed
    that is not about memory: ours, DuckDB's "Out of Memory", a failed allocation) would come back the same."""
    return type(exc) not in (QueryRefused, QueryFailed) or bool(_MEMORY_WORDS.search(exc.reason))


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


__all__ = ["BUSY_MESSAGE", "EXAMPLE_QUERIES", "MAX_SQL_CHARS", "MEMORY_LIMIT", "ROW_CAP", "TIME_LIMIT_S",
           "QueryFailed", "QueryRefused", "QueryResult", "QueryTimeout", "SandboxBusy", "SandboxError", "check_sql",
           "check_text", "decode_sql", "format_table", "load_dependent", "repeatable", "run_query", "warm_up"]

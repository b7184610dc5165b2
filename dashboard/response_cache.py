"""Answers that depend only on the request and the database version, computed once for every worker.

A page view's layout and a callback's answer are functions of the request and of the published database (and
of the code serving it): under load most of a worker's time went into building them again (~30-75 ms each),
for the same request another worker, or the same one, had answered a moment before. This module keeps such
answers in one SQLite file (WAL mode: readers never wait) that all gunicorn workers of a server share:

- what is kept: 200/204 answers to callback posts (keyed by the exact body and the locale), to the
  layout (keyed by the page its Referer names) and to the pages' index (keyed by path and query);
- under which key: sha256 of the *generation* (the code's identity and the request's pinned database version,
  `dashboard.data.current_version`) and the request's parts above, so one version's answer is never served
  for another: the first request after a publish pins the new version and misses;
- what is never kept: errors, and an answer whose view called `do_not_store()` because it depends on the
  moment rather than the request: a page saying the database is unreadable; on the SQL page, "busy", the time
  limit or the memory cap hit, and a query whose rows vary between runs (random(), now()). The SQL page's other
  answers (a result, a refusal, a syntax error, its CSV) are kept like any callback's (dashboard/pages/sql.py);
- how big: at most DDI_RESPONSE_CACHE_MB (default 256) of bodies; the oldest answers go first, and every answer
  of another generation goes as soon as an answer of the generation published now is stored.

The index pages also carry an ETag (the key) with `Cache-Control: no-cache`, so a browser revalidates and gets a
304 while the data and the code are unchanged. The layout stays `no-store` (app.py, full_referrer).
Any failure of the store itself (disk full, a corrupt file) makes it a miss: the cache is never needed to answer.

Kept answers are given by a thin WSGI layer in front of Flask (`Cache.__call__`), before Flask builds its request
context, runs its hooks and routes: in process a hit cost 1.38 ms that way, 0.38 ms this way (median of 5 pairs
of benchmarks/hit_cost_benchmark.py on a busy machine). The layer pins the request's database version
(`dashboard.data.PINNED`): on a miss, Flask's request reads the version the key was made of, and `keep` stores
the answer under that key. Headers a hit carries besides the cache's own come from the app (`site_headers`, the
same function its after_request uses).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, g, has_request_context, request
from werkzeug.exceptions import HTTPException
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Request

from dashboard import dash_boundary, data, i18n

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
BUDGET_BYTES = int(os.environ.get("DDI_RESPONSE_CACHE_MB", "256")) * MB
LARGEST_SHARE = 8  # an answer larger than the budget / this is not kept (one answer must not evict hundreds)
EVICT_BATCH = 64
WRITE_WAIT = 0.25  # seconds
CACHED_STATUSES = (200, 204)
# A request whose WSGI environ has this key set is answered by the app, not from the cache: a worker's warm-up
# (app.py) builds every page to fill its own query cache, which a kept answer would skip.
BYPASS = "ddi.response_cache.bypass"
# The environ key the WSGI layer leaves for Flask's hooks on a miss: (Cacheable, key, generation).
PENDING = "ddi.response_cache.pending"
# What the code's identity is made of: every file whose change can change an answer.
CODE_GLOBS = ("app.py", "dashboard/**/*.py", "indicators/**/*.yaml", "assets/**/*", "locale/**/*.po")
SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY,            -- insertion order: the oldest are evicted first
    key BLOB NOT NULL UNIQUE,
    generation TEXT NOT NULL,
    status INTEGER NOT NULL,
    mimetype TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value);
"""


def code_identity() -> str:
    """A digest of the files the answers are built by (names, sizes, mtimes) and of Dash's and plotly's versions:
    a deploy of new code under an unchanged database does not serve the old code's answers."""
    digest = hashlib.sha256(f"dash {package_version('dash')} plotly {package_version('plotly')}".encode())
    for pattern in CODE_GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(ROOT)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def store_path() -> Path:
    """One file per checkout and served database pointer (two test servers on two databases do not evict each
    other's answers), under DDI_RESPONSE_CACHE_DIR or the system's temporary directory."""
    directory = Path(os.environ.get("DDI_RESPONSE_CACHE_DIR")
                     or Path(tempfile.gettempdir()) / f"ddi-responses-{os.getuid()}")
    name = hashlib.sha256(f"{ROOT}\0{data.database_path().absolute()}".encode()).hexdigest()[:16]
    return directory / f"{name}.sqlite3"


class Store:
    """The shared file: one SQLite connection per thread (and per process: opened after gunicorn forks)."""

    def __init__(self, path: Path, budget: int = BUDGET_BYTES) -> None:
        self.path, self.budget = path, budget
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A writer waits at most WRITE_WAIT for another's short transaction, then gives up: an answer not kept
            # costs a later miss, waiting would cost this request's time.
            connection = sqlite3.connect(self.path, timeout=WRITE_WAIT, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            connection.execute("PRAGMA synchronous=NORMAL")  # a cache: a lost last write after a crash is fine
            connection.executescript(SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def get(self, key: bytes) -> tuple[int, str, bytes] | None:
        try:
            row = self._db().execute("SELECT status, mimetype, body FROM responses WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            log.warning("response cache unreadable (%s): answering without it", exc)
            return None
        return (row[0], row[1], bytes(row[2])) if row else None

    def put(self, key: bytes, generation: str, status: int, mimetype: str, body: bytes) -> None:
        """Keep one answer; drop every other generation's when this one is new to the store; evict the oldest
        beyond the budget. `generation` must be the one published now (see Cache.keep)."""
        if len(body) > self.budget // LARGEST_SHARE:
            return
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                stored = db.execute("SELECT value FROM meta WHERE name = 'generation'").fetchone()
                if stored is None or stored[0] != generation:
                    db.execute("DELETE FROM responses WHERE generation <> ?", (generation,))
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (generation,))
                    total = db.execute("SELECT coalesce(sum(length(body)), 0) FROM responses").fetchone()[0]
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('bytes', ?)", (total,))
                inserted = db.execute("INSERT OR IGNORE INTO responses (key, generation, status, mimetype, body) "
                                      "VALUES (?, ?, ?, ?, ?)", (key, generation, status, mimetype, body)).rowcount
                if inserted:
                    total = db.execute("UPDATE meta SET value = value + ? WHERE name = 'bytes' RETURNING value",
                                       (len(body),)).fetchone()[0]
                    while total > self.budget:
                        freed = db.execute("DELETE FROM responses WHERE id IN (SELECT id FROM responses ORDER BY id "
                                           "LIMIT ?) RETURNING length(body)", (EVICT_BATCH,)).fetchall()
                        total -= sum(size for (size,) in freed)
                        db.execute("UPDATE meta SET value = ? WHERE name = 'bytes'", (total,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            log.warning("response cache not written (%s)", exc)

    def stored_bytes(self) -> int:
        """The bodies' bytes, counted afresh (for tests and benchmarks)."""
        return self._db().execute("SELECT coalesce(sum(length(body)), 0) FROM responses").fetchone()[0]


@dataclass(frozen=True)
class Cacheable:
    """What a request is, for the cache: its key's parts, and whether its answer gets an ETag."""

    parts: tuple[str | bytes, ...]
    etag: bool


def describe(arrived: Request, endpoint: Callable[[], str | None], index_endpoints: frozenset[str]) \
        -> Cacheable | None:
    """The cache's view of a request that has just arrived (`endpoint` routes it, asked only for a GET that is
    neither the layout nor a callback), or None when its answer must not be kept."""
    if arrived.environ.get(BYPASS):
        return None
    path = arrived.path
    if arrived.method == "POST" and dash_boundary.is_callback_request(path):
        body = _read_body(arrived)
        # The body does not say the locale (it is the Referer's path prefix: dashboard/i18n.py), the answer's words do.
        return Cacheable(("callback", i18n.locale_of(path, arrived.referrer).code, body), etag=False)
    if arrived.method != "GET":
        return None
    if dash_boundary.is_layout_request(path):
        return Cacheable(("layout", *_page_address(arrived.referrer, arrived.host_url)), etag=False)
    if endpoint() in index_endpoints:
        return Cacheable(("index", path, arrived.query_string), etag=True)
    return None


def _read_body(arrived: Request) -> bytes:
    """The posted body, read once here and put back in the environ for Flask (and Dash) to read again."""
    body = arrived.get_data(cache=True)
    arrived.environ["wsgi.input"] = io.BytesIO(body)
    arrived.environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _page_address(referrer: str | None, host_url: str) -> tuple[str, str]:
    """The parts of the Referer the layout depends on (dashboard/prerender.py): whether it is this site, and
    its path and query; the scheme and fragment do not change the layout."""
    try:
        address, host = urlsplit(referrer or ""), urlsplit(host_url)
    except ValueError:  # unparseable: the plain layout, like no Referer at all
        return ("other", "")
    if not referrer or address.netloc != host.netloc:
        return ("other", "")
    return ("here", f"{address.path}?{address.query}")


def do_not_store() -> None:
    """Keep the answer to the current request out of the cache (it says something went wrong, or depends on the
    moment: the SQL sandbox busy, a time limit hit)."""
    if has_request_context():
        g.response_cache_skip = True


class Cache:
    """The WSGI layer and the Flask hooks of one server on one store."""

    def __init__(self, server: Flask, store: Store,
                 site_headers: Callable[[str], Iterable[tuple[str, str]]] = lambda path: ()) -> None:
        self.server, self.store, self.site_headers = server, store, site_headers
        self.app = server.wsgi_app  # Flask's own WSGI entry, called on every miss
        self.code = code_identity()
        # Routing a request took ~0.25 ms of a hit's time (Dash's routes end in a catch-all): the endpoint of each
        # recent GET path is remembered (a bounded cache: the paths are the visitors' to choose).
        self._endpoint_of_path = lru_cache(maxsize=2048)(self._route)
        # Dash serves its index (every page's address) from these endpoints: "/" and "/<path:path>".
        self.index_endpoints = frozenset(rule.endpoint for rule in server.url_map.iter_rules()
                                         if rule.rule.endswith(("/", "<path:path>")) and "GET" in rule.methods
                                         and rule.endpoint not in ("static",))

    def _key(self, cacheable: Cacheable, version: data.Version) -> tuple[bytes, str]:
        generation = hashlib.sha256(f"{self.code}\0{version.path}\0{version.inode}\0{version.mtime_ns}\0"
                                    f"{version.size}".encode()).hexdigest()[:24]
        digest = hashlib.sha256(generation.encode())
        for part in cacheable.parts:
            raw = part if isinstance(part, bytes) else part.encode("utf-8", "surrogateescape")
            digest.update(len(raw).to_bytes(8, "big") + raw)  # length-prefixed: no two part lists collide
        return digest.digest(), generation

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """The WSGI entry: the kept answer, or a 304, or Flask's (which `keep` keeps)."""
        arrived = self.server.request_class(environ)
        try:
            cacheable = describe(arrived, lambda: self._endpoint(arrived), self.index_endpoints)
        except HTTPException as error:  # a body that could not be read (the client went away): a 4xx, as Flask
            return error(environ, start_response)
        if cacheable is None:
            return self.app(environ, start_response)
        try:
            version = data.resolve_version()
        except data.DatabaseMissingError:
            return self.app(environ, start_response)  # Flask's request says so
        environ[data.PINNED] = version  # the request reads the version its key is made of
        key, generation = self._key(cacheable, version)
        etag = key.hex()[:32]
        # Weak comparison (RFC 9110): the gzipped form of an answer carries the weak form of its ETag.
        if cacheable.etag and arrived.if_none_match.contains_weak(etag):
            return self._answer(Response(status=304), arrived, cacheable, etag)(environ, start_response)
        hit = self.store.get(key)
        if hit is None:
            environ[PENDING] = (cacheable, key, generation)
            return self.app(environ, start_response)
        status, mimetype, body = hit
        if status == 200:  # the usual hit, its headers written here: a werkzeug Response took ~0.1 ms to build
            headers = [("Content-Type", get_content_type(mimetype, "utf-8")), ("Content-Length", str(len(body))),
                       ("X-Response-Cache", "hit"), *self.site_headers(arrived.path)]
            if cacheable.etag:
                headers += [("ETag", f'"{etag}"'), ("Cache-Control", "no-cache")]
            start_response("200 OK", headers)
            return [body]
        response = self.server.response_class(body, status=status, mimetype=mimetype)  # 204: werkzeug's rules
        response.headers["X-Response-Cache"] = "hit"
        return self._answer(response, arrived, cacheable, etag)(environ, start_response)

    def _endpoint(self, arrived: Request) -> str | None:
        """The endpoint Flask would route the GET `arrived` to (None for none: Flask answers it, a 404 or a
        redirect). The routes match on the path alone (no host or subdomain matching)."""
        return self._endpoint_of_path(arrived.path)

    def _route(self, path: str) -> str | None:
        try:
            rule, _ = self.server.url_map.bind("localhost").match(path, "GET", return_rule=True)
        except HTTPException:
            return None
        return rule.endpoint

    def _answer(self, response: Response, arrived: Request, cacheable: Cacheable, etag: str) -> Response:
        for name, value in self.site_headers(arrived.path):
            response.headers.add(name, value)
        return self._headers(response, cacheable, etag)

    def adopt(self) -> None:
        """before_request: take over what the WSGI layer found out about a miss, for `keep`."""
        g.response_cache = request.environ.get(PENDING)

    def keep(self, response: Response) -> Response:
        """after_request: keep a 200/204 answer of a cacheable request; add the ETag where one is due."""
        pending = g.pop("response_cache", None)
        if pending is None:
            return response
        cacheable, key, generation = pending
        if response.status_code not in CACHED_STATUSES or g.pop("response_cache_skip", False) \
                or response.is_streamed or response.direct_passthrough:
            return response
        if data.current_version() != data.resolve_version():
            return response  # built from a version replaced meanwhile: not kept (its generation is retired)
        self.store.put(key, generation, response.status_code, response.mimetype or "", response.get_data())
        response.headers["X-Response-Cache"] = "miss"
        return self._headers(response, cacheable, key.hex()[:32])

    @staticmethod
    def _headers(response: Response, cacheable: Cacheable, etag: str) -> Response:
        if cacheable.etag:
            response.set_etag(etag)
            response.headers["Cache-Control"] = "no-cache"  # revalidate each time: a publish changes the tag
        return response


def register(server: Flask, store: Store | None = None,
             site_headers: Callable[[str], Iterable[tuple[str, str]]] = lambda path: ()) -> Cache:
    """Serve kept answers in a WSGI layer before Flask, and keep new ones after Flask built them. Call once
    Dash's routes exist. `site_headers(path)`: the headers the app's own after_request adds to every answer
    (a hit does not pass through Flask's hooks)."""
    cache = Cache(server, store or Store(store_path()), site_headers)
    server.wsgi_app = cache  # type: ignore[method-assign]
    server.before_request(cache.adopt)
    server.after_request(cache.keep)
    return cache

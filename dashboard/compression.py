"""Text answers gzipped for clients that accept it, when the app is served without a proxy that does it.

A layout is 70-240 kB of JSON and plotly's geo bundle 1.4 MB of JavaScript; gzipped, about a fifth and a third:
what a reader on a slow link waits for before the first chart. Behind deploy/'s nginx the proxy compresses
(it asks the app for plain answers), so this layer only acts when a client talks to gunicorn directly.

Compressing costs more than answering from the response cache (~1-3 ms for a layout, ~0.2 s for plotly's
bundle), so each process keeps the compressed copies of the bodies it sent last, keyed by the body's digest
(bounded by bytes): a repeated answer, kept or rebuilt identically, is hashed, not compressed again. Dynamic
answers use the fastest level; files that never change (fingerprinted scripts and styles), the best one.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from dashboard.dash_boundary import COMPONENT_SUITES_PATH

# Content types worth compressing (images and archives are compressed already).
TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")
SMALLEST = 1024  # below this, gzip's header and the client's work are not worth the bytes saved
LARGEST = 16 * 1024 * 1024  # larger bodies (a full download) go out as they are, not held in memory twice
FAST, BEST = 1, 9
STATIC_PREFIXES = (COMPONENT_SUITES_PATH, "/assets/", "/geo-assets.js", "/topojson/", "/plotly-locale/")


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip (a q=0 refuses it)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


class CompressedCopies:
    """The gzip of recent bodies, by digest, at most `budget` bytes of compressed data (the oldest go first)."""

    def __init__(self, budget: int = 32 * 1024 * 1024) -> None:
        self.budget, self.size = budget, 0
        self._copies: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def packed(self, body: bytes, level: int) -> bytes:
        key = hashlib.blake2b(body, digest_size=16).digest() + bytes([level])
        with self._lock:
            copy = self._copies.get(key)
            if copy is not None:
                self._copies.move_to_end(key)
                return copy
        copy = gzip.compress(body, compresslevel=level, mtime=0)  # mtime 0: equal bodies give equal bytes
        with self._lock:
            if key not in self._copies and len(copy) <= self.budget // 8:
                self._copies[key] = copy
                self.size += len(copy)
                while self.size > self.budget:
                    self.size -= len(self._copies.popitem(last=False)[1])
        return copy


class Compression:
    """WSGI middleware: a 200 text answer of known length, gzipped when the client accepts gzip."""

    def __init__(self, app: Callable, copies: CompressedCopies | None = None) -> None:
        self.app, self.copies = app, copies or CompressedCopies()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "HEAD" or not accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            return self.app(environ, start_response)
        held: list = []
        passed_on: list[bool] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info=None) -> Callable:
            if exc_info is not None or passed_on:  # an error once the answer began, or a lazy answer: as it is
                return start_response(status, headers, exc_info)
            held[:] = [status, headers]
            return _no_write

        answer = self.app(environ, hold)
        if not held:  # the app starts its answer only as it is read: pass it on untouched
            passed_on.append(True)
            return answer
        status, headers = held
        if not self._worth_it(status, headers):
            start_response(status, headers)
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        path = environ.get("PATH_INFO", "")
        level = BEST if path.startswith(STATIC_PREFIXES) else FAST
        packed = self.copies.packed(body, level)
        start_response(status, [*self._rewritten(headers), ("Content-Encoding", "gzip"),
                                ("Content-Length", str(len(packed)))])
        return [packed]

    @staticmethod
    def _worth_it(status: str, headers: list[tuple[str, str]]) -> bool:
        if not status.startswith("200"):
            return False
        named = {name.lower(): value for name, value in headers}
        if "content-encoding" in named or not named.get("content-type", "").startswith(TEXT_TYPES):
            return False
        length = named.get("content-length", "")
        return length.isascii() and length.isdigit() and SMALLEST <= int(length) <= LARGEST

    @staticmethod
    def _rewritten(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The answer's headers for its gzipped form: no length (set after), Vary naming Accept-Encoding, and a
        weak ETag (the bytes differ from the plain form's; If-None-Match compares weakly, so 304s still come)."""
        out, varied = [], False
        for name, value in headers:
            lowered = name.lower()
            if lowered == "content-length":
                continue
            if lowered == "vary":
                value, varied = f"{value}, Accept-Encoding", True
            elif lowered == "etag" and not value.startswith("W/"):
                value = f"W/{value}"
            out.append((name, value))
        if not varied:
            out.append(("Vary", "Accept-Encoding"))
        return out


def _no_write(data: bytes) -> None:
    raise RuntimeError("this WSGI layer does not support write(): return the body instead")


def register(server) -> Compression:
    """Compress the answers of `server` (a Flask app), outermost: after every other WSGI layer."""
    layer = Compression(server.wsgi_app)
    server.wsgi_app = layer
    return layer

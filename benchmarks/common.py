"""Shared by the benchmark scripts: where the real data is, and a gunicorn server to measure."""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG = "gunicorn.conf.py"  # the app's gunicorn settings (its workers' warm-up), in the project root
SHARED_RAW = Path(os.environ.get("DDI_SHARED_RAW", PROJECT_ROOT.parent / "shared" / "data" / "raw"))


def serving_counts() -> tuple[int, int]:
    """The workers and threads per worker production runs with (gunicorn.conf.py, the one place they are set)."""
    settings = runpy.run_path(str(PROJECT_ROOT / CONFIG))
    return int(settings["workers"]), int(settings["threads"])


def require_shared_raw() -> Path:
    if not SHARED_RAW.is_dir():
        sys.exit(f"benchmark needs the real raw data at {SHARED_RAW} (set DDI_SHARED_RAW)")
    return SHARED_RAW


def build_database(db: Path) -> float:
    """Build `db` from the real raw files with the CLI; return the wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "etl", "build", "--raw-dir", str(require_shared_raw()),
                    "--db", str(db), "--quiet"], cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


@contextlib.contextmanager
def gunicorn(db: Path, workers: int | None = None, app: str = "app:server", cwd: Path = PROJECT_ROOT,
             threads: int | None = None) -> Iterator[str]:
    """Serve the app (or another WSGI `app` importable from `cwd`) on a free loopback port as production
    would (`make run`: this checkout's gunicorn.conf.py workers and threads unless given, and `cwd`'s
    gunicorn.conf.py when it has one: the app's warm-up), its response cache (dashboard/response_cache.py)
    empty at the start; yield its URL."""
    default_workers, default_threads = serving_counts()
    workers, threads = workers or default_workers, threads or default_threads
    cache_dir = tempfile.mkdtemp(prefix="ddi-bench-responses-")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), *(["--config", str(cwd / CONFIG)] if (cwd / CONFIG).is_file() else []), app],
        cwd=cwd, env={**os.environ, "DDI_DB": str(db), "DDI_RESPONSE_CACHE_DIR": cache_dir},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(url, timeout=10)
                break
            except requests.RequestException:  # not listening yet, or a worker still starting
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(cache_dir, ignore_errors=True)


def kind_of(method: str, path: str, body: bytes | None, headers: dict[str, str]) -> str:
    """What a load-benchmark request asks for: "layout /<page>", "index /<page>" or a callback's first output id."""
    if path.startswith("/_dash-layout"):
        return "layout " + "/".join(urlsplit(headers.get("Referer", "")).path.split("/")[:2])
    if method == "GET":
        return "index " + "/".join(path.split("?")[0].split("/")[:2])
    return json.loads(body or b"{}").get("output", "?").strip(".").split(".")[0]

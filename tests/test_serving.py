"""Production serving: every gunicorn worker serves Dash's scripts from its first request on.

Dash sets itself up on a process's first request (registers the script files it may serve, copies the
callbacks), but marks that done before doing it: without app.py's warm-up, a thread that came in
meanwhile was answered 500 and the page stayed blank (seen on the first load after a restart).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import PROJECT_ROOT, free_port

SCRIPTS = ["/_dash-component-suites/dash/deps/react-dom@18.3.1.min.js",
           "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js",
           "/_dash-component-suites/dash/dcc/async-graph.js"]


def wait_listening(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    """Wait for the port without an HTTP request, which would render the index in one worker."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("gunicorn did not listen within 120 s")


def test_fresh_workers_serve_scripts_before_any_page(built_db: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8",
         "app:server"],
        cwd=PROJECT_ROOT, env={**os.environ, "DDI_DB": str(built_db)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port, process)
        urls = [f"http://127.0.0.1:{port}{path}" for path in SCRIPTS * 8]
        with ThreadPoolExecutor(max_workers=len(urls)) as pool:  # all at once: the first ones race
            statuses = list(pool.map(lambda url: requests.get(url, timeout=120).status_code, urls))
        assert statuses == [200] * len(urls)
    finally:
        process.terminate()
        process.wait(timeout=20)

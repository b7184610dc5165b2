"""Production serving: every gunicorn worker serves Dash's scripts from its first request on.

Dash sets itself up on a process's first request (registers the script files it may serve, copies the
callbacks), but marks that done before doing it: without the workers' warm-up (app.warm_up, called from
gunicorn.conf.py), a thread that came in meanwhile was answered 500 and the page stayed blank (seen on the
first load after a restart).
"""

from __future__ import annotations

import os
import random
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
         "--config", "gunicorn.conf.py", "app:server"],
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


def test_a_database_overwritten_in_place_gives_a_notice_and_503s_never_a_500(built_db: Path, tmp_path: Path) -> None:
    """The served file overwritten in place (not the ETL's atomic rename): every request that reads it says the
    database could not be read (the page in place of its content; callbacks and the SQL console with a 503 and a
    time to retry), and none is a 500."""
    served = tmp_path / "served.duckdb"
    served.write_bytes(built_db.read_bytes())
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
         "--config", "gunicorn.conf.py", "app:server"],
        cwd=PROJECT_ROOT, env={**os.environ, "DDI_DB": str(served)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    map_output = "..explore-map.figure...explore-map-source.children...explore-map-note.children..."
    try:
        wait_listening(port, process)
        callbacks = {entry["output"]: entry for entry in requests.get(base + "/_dash-dependencies", timeout=60).json()}
        explore = next(entry for output, entry in callbacks.items() if output.startswith(map_output))
        sql = next(entry for output, entry in callbacks.items() if output.startswith("..sql-status.children"))

        def view(indicator: str, year: int, iso3: str) -> list:
            """Explore's inputs for one economy's view; the scale, year range and order left to their defaults."""
            values = [indicator, year, "all", [iso3]]
            return values + [None] * (len(explore["inputs"]) + len(explore["state"]) - len(values))

        def post(entry: dict, values: list) -> requests.Response:
            items = [{**item, "value": value} for item, value in zip(entry["inputs"] + entry["state"], values,
                                                                       strict=True)]
            parts = entry["output"][2:-2].split("...")
            outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]
            return requests.post(base + "/_dash-update-component", timeout=60, json={
                "output": entry["output"], "outputs": outputs, "inputs": items[:len(entry["inputs"])],
                "state": items[len(entry["inputs"]):], "changedPropIds": []})

        assert post(explore, view("internet_use", 2015, "NOR")).status_code == 200
        with served.open("r+b") as file:  # overwrite in place: the header stays, the blocks are garbage
            file.seek(3 * 4096)
            file.write(random.Random(1).randbytes(served.stat().st_size - 3 * 4096))
        # What a query reads may still come from memory (DuckDB's instance for the path keeps the blocks it read):
        # each answer is either a full one or says the database could not be read; none is a 500.
        answers = {
            "layout": requests.get(base + "/_dash-layout", headers={"Referer": f"{base}/gaps?year=2016"}, timeout=60),
            "explore": post(explore, view("mobile_broadband_per_100", 2009, "KEN")),
            "sql": post(sql, [1, "SELECT sum(value), count(DISTINCT source_id) FROM observation"]),
            "download": requests.get(base + "/download/full.csv?indicator=population", timeout=60),
        }
        print({name: (answer.status_code, answer.text[:120]) for name, answer in answers.items()})
        assert all(answer.status_code in (200, 503) for answer in answers.values())
        unreadable = [name for name, answer in answers.items() if "could not be read" in answer.text]
        # The console reads the file afresh in its sandbox process, which reports the failure as its one line.
        assert answers["sql"].status_code == 200 and "Not run: query failed: Corrupt database file" in answers[
            "sql"].text
        assert "download" in unreadable  # the data layer's own connection is opened afresh for this version
        assert all(answers[name].status_code == 503 and answers[name].headers["Retry-After"]
                   for name in unreadable if name not in ("layout", "sql"))
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_query_of_a_corrupt_file_is_a_typed_error_shown_in_place(built_db: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """In one thread whose connection is reopened on the overwritten file (no other connection keeps its blocks
    in memory), the data layer's query raises DatabaseReadError: the page says so in place of its content, a
    callback is a 503."""
    import app
    from dashboard import data

    served = tmp_path / "served.duckdb"
    served.write_bytes(built_db.read_bytes())
    monkeypatch.setenv("DDI_DB", str(served))
    assert len(data.query("SELECT iso3 FROM country")) > 200
    with served.open("r+b") as file:
        file.seek(3 * 4096)
        file.write(random.Random(2).randbytes(served.stat().st_size - 3 * 4096))
    os.utime(served, ns=(time.time_ns(), time.time_ns() + 1))  # a new version even on a coarse clock
    with pytest.raises(data.DatabaseReadError, match="could not be read"):
        data.query("SELECT sum(value) FROM observation WHERE indicator_id = 'internet_use'")
    client = app.server.test_client()
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/explore?year=2016"})
    assert layout.status_code == 200 and "could not be read" in layout.get_data(as_text=True)
    answer = client.post("/_dash-update-component", json={
        "output": "targets-board.children", "outputs": {"id": "targets-board", "property": "children"},
        "inputs": [{"id": f"targets-{name}", "property": "value", "value": value}
                   for name, value in (("framework", "all"), ("target", None), ("group-type", None), ("group", None))],
        "changedPropIds": []})
    assert answer.status_code == 503 and answer.headers["Retry-After"]

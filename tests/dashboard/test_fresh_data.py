"""A rebuild is seen at once and never mixed, served as in production (gunicorn, 2 workers × 4 threads).

Reviewer's finding: with a few clients busy, a file renamed over the served one was not seen (DuckDB's per-path
instance cache handed back the old file to threads still holding it; its results were then cached under the new
version's key). Here clients keep every kind of request busy while two new databases are published, with the
ETL's own `publish` (a plain file replaced by the versioned layout, then one version by the next) and by a plain
file renamed over the served one (older builds, a copy put in place by hand); after each publish, the next
request of every kind shows the new data, and no answer holds both.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
import requests

from dashboard.sql_sandbox import BUSY_MESSAGE
from etl import publish
from tests.conftest import PROJECT_ROOT, free_port
from tests.dashboard.test_serving import wait_listening

NAMES = ["Norway", "NORWAY_B2", "NORWAY_B3"]  # Norway's name in the first, second and third database
SQL = "SELECT name FROM country WHERE iso3 = 'NOR'"
EXPLORE = "/explore?indicator=internet_use&countries=NOR"
VIEW_PARTS = [("explore-map", "figure"), ("explore-map-source", "children"), ("explore-map-note", "children"),
              ("explore-map-summary", "children"), ("explore-map-table", "children"), ("explore-ranking", "children"),
              ("explore-trend", "figure"), ("explore-trend-source", "children"),
              ("explore-trend-summary", "children"), ("explore-trend-table", "children"), ("explore-query", "data"),
              ("explore-data-link", "href")]


def callback_body(outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]],
                  state: list[tuple[str, str, object]] = ()) -> dict:
    """A Dash callback request as the renderer sends it."""
    spec = [{"id": i, "property": p} for i, p in outputs]
    names = [f"{i}.{p}" for i, p in outputs]
    return {"output": ".." + "...".join(names) + ".." if len(outputs) > 1 else names[0],
            "outputs": spec if len(outputs) > 1 else spec[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}


def requests_of(url: str) -> dict:
    """Each kind of request the reviewer checked, as (method, path, keyword arguments)."""
    return {
        "layout": ("GET", "/_dash-layout", {"headers": {"Referer": url + EXPLORE}}),
        "callback": ("POST", "/_dash-update-component", {"json": callback_body(
            VIEW_PARTS, [("explore-indicator", "value", "internet_use"), ("explore-year", "value", 2022),
                         ("explore-group", "value", "all"), ("explore-countries", "value", ["NOR"]),
                         ("explore-scale", "value", None), ("explore-range", "value", None),
                         ("explore-sort", "value", None)])}),
        "download": ("GET", "/download/selection.csv?indicator=internet_use&countries=NOR", {}),
        "sql": ("POST", "/_dash-update-component", {"json": callback_body(
            [("sql-status", "children"), ("sql-result", "children"), ("sql-query", "data")],
            [("sql-run", "n_clicks", 1)], [("sql-text", "value", SQL)])}),
    }


def seen(session: requests.Session, url: str, kind: str) -> tuple[float, float, set[int]]:
    """(start, end, which databases' names the answer holds)."""
    method, path, kwargs = requests_of(url)[kind]
    started = time.monotonic()
    for _ in range(50):  # the SQL console takes two queries at once per worker: a busy answer is asked again
        response = session.request(method, url + path, timeout=60, **kwargs)
        if BUSY_MESSAGE not in response.text:
            break
        time.sleep(0.1)
    ended = time.monotonic()
    assert response.status_code == 200, (kind, response.status_code, response.text[:300])
    text = response.text
    return started, ended, {index for index, name in enumerate(NAMES) if name in text}


def renamed(source: Path, target: Path, name: str) -> Path:
    """A finished staging file for `target`: a copy of `source` in which Norway is called `name`."""
    staging = publish.staging_path(target)
    shutil.copyfile(source, staging)
    with duckdb.connect(str(staging)) as con:
        con.execute("UPDATE country SET name = ? WHERE iso3 = 'NOR'", [name])
        con.execute("CHECKPOINT")
    return staging


@pytest.fixture
def served(built_db: Path, tmp_path: Path):
    """A plain database file (as older builds left it) served by gunicorn with 2 workers × 4 threads."""
    target = tmp_path / "data" / "digital_divide.duckdb"
    target.parent.mkdir()
    shutil.copyfile(built_db, target)
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "--config", "gunicorn.conf.py", "app:server"],
        cwd=PROJECT_ROOT, env={**os.environ, "DDI_DB": str(target)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_listening(port, process)
        yield f"http://127.0.0.1:{port}", target
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def rename_over(staging: Path, target: Path, _run_id: str) -> None:
    """How builds before the versioned layout published, and how a copy is put in place by hand."""
    os.replace(staging, target)


@pytest.mark.parametrize("publisher", [publish.publish, rename_over], ids=["versioned", "plain-rename"])
def test_a_publish_is_seen_by_the_next_request_of_every_kind_and_never_mixed(served, built_db: Path,
                                                                             publisher) -> None:
    url, target = served
    kinds = list(requests_of(url))
    with requests.Session() as warm:  # every worker and thread has opened the first file and cached from it
        for _ in range(4):
            for kind in kinds:
                assert seen(warm, url, kind)[2] == {0}

    answers: list[tuple[str, float, float, set[int]]] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        with requests.Session() as session:
            index = offset
            while not stop.is_set():
                kind = kinds[index % len(kinds)]
                answers.append((kind, *seen(session, url, kind)))
                index += 1

    clients = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for thread in clients:
        thread.start()
    published: list[tuple[float, float]] = []  # when each publish began and returned
    next_seen: dict[str, float] = {}  # publish → the next request's answer, per kind (the slowest of the two)
    try:
        for version in (1, 2):
            time.sleep(3)  # clients busy on the current file
            staging = renamed(built_db, target, NAMES[version])
            began = time.monotonic()
            publisher(staging, target, f"{version:08x}")
            published.append((began, time.monotonic()))
            with requests.Session() as session:  # the next request of each kind, a few times (both workers)
                for attempt in range(4):
                    for kind in kinds:
                        _, end, names = seen(session, url, kind)
                        assert names == {version}, (kind, version)
                        if attempt == 0:
                            next_seen[kind] = max(next_seen.get(kind, 0.0), end - published[-1][1])
        time.sleep(2)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)

    assert len(answers) > 40
    mixed = [(kind, names) for kind, _, _, names in answers if len(names) != 1]
    assert mixed == []
    delays = {}
    for version, (_, at) in enumerate(published, start=1):
        # Requests sent after this publish returned read it (or a newer one: a request waiting for a thread reads
        # the version published when it first reads), never an older one.
        until = published[version][0] if version < len(published) else float("inf")
        after = [(kind, start, end, names) for kind, start, end, names in answers if at < start < until]
        late = [(kind, round(start - at, 3), round(end - at, 3), names) for kind, start, end, names in after
                if min(names) < version]
        assert after and late == [], version
        for kind in kinds:
            first = min((end for k, _, end, names in after if k == kind and names == {version}), default=None)
            if first is not None:
                delays[(version, kind)] = first - at
    print("publish -> the next request's answer, with the new data (s):",
          json.dumps({kind: round(delay, 3) for kind, delay in next_seen.items()}))
    print("publish -> first busy answer of each kind with the new data (s):",
          json.dumps({f"v{v} {k}": round(d, 3) for (v, k), d in sorted(delays.items())}))
    if publisher is rename_over:
        return
    # The link names the newest version; the one it replaced is kept for readers still on it.
    assert publish.resolve(target).name.endswith("-00000002.duckdb")
    assert [p.name for p in publish.versions(target)] == [f.name for f in sorted(target.parent.glob(
        "digital_divide.2*.duckdb"))] and len(publish.versions(target)) == 2

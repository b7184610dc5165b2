"""Many users at once: our app against a trivial one-chart Dash app, both served as `make run` serves.

Run: .venv/bin/python benchmarks/load_benchmark.py [--clients 1,10,50] [--seconds 15] [--rounds 1] [--db PATH]
                                                  [--against OTHER_CHECKOUT]

Both apps run under gunicorn with the workers and threads of gunicorn.conf.py (or --workers/--threads), on
loopback ports of this machine; the clients are threads of this process (one keep-alive connection each,
http.client, no Accept-Encoding: answers come uncompressed), on the same machine. "client CPU" is the CPU
time this process spent during a run over its wall time, as a share of the machine's cores: what the load
generator itself took from the servers. For each
number of clients, each app gets `--seconds` of load (or `--max-requests`, whichever ends first), the two
apps' runs interleaved (the order alternates from one run to the next) so that both see the same noise.

Each client repeats, at random:
- a page view (30%): GET /<page>?<params> (the index), then GET /_dash-layout with that address as its
  Referer, as the browser does (the layout comes with the page built in: dashboard/prerender.py);
- a callback (70%): POST /_dash-update-component with a body built from the app's /_dash-dependencies and
  random valid values (benchmarks/callback_benchmark.py builds them; the pages router is left out, since
  page views cover it).
The trivial app: its index, its layout and its one callback (a dropdown value drawn at random).
Every HTTP request counts once in requests/s and in the percentiles; an error is a status outside 2xx,
or a request that failed (connection reset, timeout). "cached" is the share of answers the server's response
cache gave (dashboard/response_cache.py; each server starts with it empty, and it fills as the runs go on).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.callback_benchmark import PAGES, ROUTER_OUTPUT, gather_options, percentile, request, server_callbacks
from benchmarks.common import build_database, gunicorn, serving_counts

PAGE_VIEW_SHARE = 0.3
POOL = 3000  # requests prepared per app before the clock starts (building bodies costs the client CPU)

TRIVIAL_APP = textwrap.dedent('''
    """A one-chart Dash app: the floor of what Dash under gunicorn can serve on this machine."""
    import dash
    import plotly.graph_objects as go
    from dash import Input, Output, dcc, html

    app = dash.Dash(__name__)
    server = app.server
    app.layout = html.Div([
        html.H1("Trivial"),
        dcc.Dropdown(id="n", options=list(range(2, 50)), value=10),
        dcc.Graph(id="chart"),
    ])


    @app.callback(Output("chart", "figure"), Input("n", "value"))
    def chart(n):
        n = int(n or 10)
        return go.Figure(go.Scatter(x=list(range(n)), y=[i * i for i in range(n)]))


    with server.test_client() as warm_up:  # Dash's first-request setup, before gunicorn's threads arrive
        warm_up.get("/")
        warm_up.get("/_dash-layout")
''')


# One HTTP request: (method, path, body or None, headers).
Request = tuple[str, str, bytes | None, dict[str, str]]
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def our_actions(url: str, db: Path, rng: random.Random, n: int) -> list[list[Request]]:
    """`n` user actions on our app, each a list of requests sent one after the other."""
    with requests.Session() as session:
        callbacks = server_callbacks(session, url)
        options = gather_options(session, url, callbacks, db)
    by_page: dict[str, list] = {page: [] for page in PAGES}
    for callback in callbacks:
        page = callback.outputs[0]["id"].split("-", 1)[0]
        if callback.outputs[0]["id"] != ROUTER_OUTPUT:
            if page not in by_page:
                sys.exit(f"callback {callback.output} belongs to no page in callback_benchmark.PAGES: add its page")
            by_page[page].append(callback)
    pairs = [(page, callback) for page, page_callbacks in by_page.items() for callback in page_callbacks]
    actions = []
    for _ in range(n):
        if rng.random() < PAGE_VIEW_SHARE:
            page = rng.choice(list(PAGES))
            path, search = PAGES[page](rng, options)["_path"]
            actions.append([("GET", path + search, None, {}),
                            ("GET", "/_dash-layout", None, {"Referer": f"{url}{path}{search}", **JSON})])
        else:
            page, callback = rng.choice(pairs)
            body = json.dumps(request(rng, options, page, callback)).encode()
            actions.append([("POST", "/_dash-update-component", body, JSON)])
    return actions


def trivial_actions(url: str, rng: random.Random, n: int) -> list[list[Request]]:
    actions = []
    for _ in range(n):
        if rng.random() < PAGE_VIEW_SHARE:
            actions.append([("GET", "/", None, {}), ("GET", "/_dash-layout", None, {"Referer": f"{url}/", **JSON})])
        else:
            body = {"output": "chart.figure", "outputs": {"id": "chart", "property": "figure"},
                    "inputs": [{"id": "n", "property": "value", "value": rng.randint(2, 49)}],
                    "changedPropIds": ["n.value"], "parsedChangedPropsIds": ["n.value"]}
            actions.append([("POST", "/_dash-update-component", json.dumps(body).encode(), JSON)])
    return actions


@dataclass
class Run:
    app: str
    clients: int
    seconds: float = 0.0
    times: list[float] = field(default_factory=list)  # ms, every request answered 2xx
    errors: int = 0
    first_error: str = ""
    cached: int = 0  # answers the server's response cache gave (X-Response-Cache: hit)
    client_cpu: float = 0.0  # CPU seconds of this process (the clients) during the run

    @property
    def rate(self) -> float:
        return (len(self.times) + self.errors) / self.seconds if self.seconds else 0.0


def drive(app: str, url: str, actions: list[list[Request]], clients: int, seconds: float, max_requests: int,
          seed: int) -> Run:
    """`clients` threads, each sending random actions back to back for `seconds` (or until `max_requests`)."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    run, lock = Run(app, clients), threading.Lock()
    sent = [0]
    stop = threading.Event()
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        connection = http.client.HTTPConnection(host, port, timeout=60)
        times, errors, first, cached = [], 0, "", 0
        start.wait()
        while not stop.is_set():
            for method, path, body, headers in rng.choice(actions):
                with lock:
                    if sent[0] >= max_requests:
                        stop.set()
                        break
                    sent[0] += 1
                began = time.perf_counter()
                try:
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    content = response.read()
                    status = response.status
                    cached += response.getheader("X-Response-Cache") == "hit"
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=60)
                    status, content = 0, repr(error).encode()
                elapsed = (time.perf_counter() - began) * 1000
                if stop.is_set():  # answered after the clock stopped: not counted
                    break
                if 200 <= status < 300:
                    times.append(elapsed)
                else:
                    errors += 1
                    first = first or f"{method} {path[:80]}: HTTP {status} {content[:200]!r}"
        connection.close()
        with lock:
            run.times.extend(times)
            run.errors += errors
            run.cached += cached
            run.first_error = run.first_error or first

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began, cpu = time.perf_counter(), time.process_time()
    stop.wait(seconds)
    stop.set()
    run.seconds = time.perf_counter() - began
    run.client_cpu = time.process_time() - cpu
    for thread in threads:
        thread.join(timeout=120)
    return run


def report(runs: list[Run]) -> None:
    head = (f"{'app':8} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} "
            f"{'ours/trivial req/s':>19} {'cached':>7} {'client CPU':>10}")
    print(head)
    print("-" * len(head))
    trivial = {}
    for run in runs:
        if run.app == "trivial":
            trivial.setdefault(run.clients, []).append(run.rate)
    for run in sorted(runs, key=lambda run: (run.clients, run.app)):
        p50 = statistics.median(run.times) if run.times else float("nan")
        p95 = percentile(run.times, 0.95) if run.times else float("nan")
        ratio = ""
        if run.app != "trivial" and trivial.get(run.clients):
            ratio = f"{run.rate / statistics.median(trivial[run.clients]):.2f}"
        cached = f"{run.cached / max(1, len(run.times) + run.errors):.0%}"
        client_cpu = f"{run.client_cpu / run.seconds / (os.cpu_count() or 1):.0%}" if run.seconds else ""
        print(f"{run.app:8} {run.clients:7d} {run.rate:8.1f} {p50:8.1f} {p95:8.1f} {run.errors:7d} {ratio:>19} "
              f"{cached:>7} {client_cpu:>10}")
    for run in runs:
        if run.first_error:
            print(f"  {run.app} ×{run.clients}, first error: {run.first_error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1,10,50", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each run")
    parser.add_argument("--max-requests", type=int, default=30000, help="a run stops after this many requests")
    parser.add_argument("--rounds", type=int, default=1, help="repeat every (app, clients) run this many times")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pool", type=int, default=POOL,
                        help="distinct user actions prepared per app, drawn from at random: the smaller, the more "
                             "often an answer repeats and the response cache serves it (a pool larger than the "
                             "requests of the whole benchmark measures answers that are all computed)")
    parser.add_argument("--db", type=Path, default=None, help="an existing database (default: build one)")
    parser.add_argument("--only", choices=("ours", "trivial"), default=None, help="run one app only")
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout of this project (e.g. `git archive` of an older commit), served "
                             "and measured as app 'base', interleaved with ours: a paired old/new comparison")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: gunicorn.conf.py's)")
    args = parser.parse_args()
    workers, threads = args.workers or serving_counts()[0], args.threads or serving_counts()[1]
    levels = [int(value) for value in args.clients.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        db = args.db or scratch / "digital_divide.duckdb"
        if args.db is None:
            print(f"building the database from the raw files: {build_database(db):.0f} s")
        (scratch / "trivial_app.py").write_text(TRIVIAL_APP)
        rng = random.Random(args.seed)
        with contextlib.ExitStack() as stack:
            ours_url = stack.enter_context(gunicorn(db, workers, threads=threads))
            trivial_url = stack.enter_context(gunicorn(db, workers, app="trivial_app:server", cwd=scratch,
                                                       threads=threads))
            apps = {"ours": (ours_url, our_actions(ours_url, db, random.Random(args.seed), args.pool)),
                    "trivial": (trivial_url, trivial_actions(trivial_url, rng, args.pool))}
            if args.against:
                base_url = stack.enter_context(gunicorn(db, workers, cwd=args.against.resolve(), threads=threads))
                apps["base"] = (base_url, our_actions(base_url, db, random.Random(args.seed), args.pool))
            if args.only:
                apps = {args.only: apps[args.only]}
            print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())} "
                  f"({os.cpu_count()} CPUs); {args.seconds:.0f} s per run, "
                  f"gunicorn {workers} workers × {threads} threads\n")
            runs = []
            order = list(apps)
            for round_ in range(args.rounds):
                for level in levels:
                    for name in order:
                        url, actions = apps[name]
                        runs.append(drive(name, url, actions, level, args.seconds, args.max_requests,
                                          args.seed + round_ * 100 + level))
                        print(f"  {name} ×{level}: {runs[-1].rate:.0f} req/s", flush=True)
                    order.reverse()  # the other app goes first next time
    print()
    report(runs)
    print(f"\nload average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}; "
          "budget (issue): 50 clients p95 <= 300 ms, no errors, >= 0.5 × the trivial app's requests/s")


if __name__ == "__main__":
    main()

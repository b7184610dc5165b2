"""Peak memory (RSS) of each gunicorn worker through a few hundred downloads and pages with distinct filters.

Run: .venv/bin/python benchmarks/memory_benchmark.py [--code DIR ...] [--downloads 300] [--pages 100]
     [--clients 6] [--seed 2026] [--db PATH] [--workers N] [--threads N]

Each `--code` is a checkout of the project (default: this one; e.g. a `git worktree` at an older commit for a
baseline), served in turn as production serves it (gunicorn app:server, gunicorn.conf.py's workers and threads unless
--workers/--threads say otherwise) on the same
database and the same request sequence: CSV/Parquet/XLSX downloads of up to 20 indicators with random countries,
groups, years and breakdowns (each URL distinct), and page layouts (Explore, Data, Gaps, Targets) with random
parameters, sent by `--clients` threads at once. A sampler reads every worker's VmRSS from /proc/<pid>/status
every 0.2 s; the table gives each worker's RSS after start-up, its peak and its RSS at the end (what it kept).
"""

from __future__ import annotations

import argparse
import random
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
from benchmarks.common import serving_counts  # noqa: E402

MB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def workers_of(master: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return sorted(children)


def choices(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "indicators": [r[0] for r in con.execute("SELECT DISTINCT indicator_id FROM observation").fetchall()],
            "countries": [r[0] for r in con.execute("SELECT iso3 FROM country").fetchall()],
            "groups": [r[0] for r in con.execute("SELECT group_id FROM country_group WHERE group_type <> 'world'")
                       .fetchall()],
            "targets": [r[0] for r in con.execute("SELECT target_id FROM target").fetchall()],
        }


def request_plan(db: Path, downloads: int, pages: int, seed: int) -> list[tuple[str, dict]]:
    """(path, headers) of every request, distinct filters, shuffled; the same for every checkout."""
    rng, known = random.Random(seed), choices(db)
    plan = []
    for _ in range(downloads):
        query = {"indicator": ",".join(rng.sample(known["indicators"], rng.randint(1, 20)))}
        draw = rng.random()
        if draw < 0.4:
            query["countries"] = ",".join(rng.sample(known["countries"], rng.randint(1, 60)))
        elif draw < 0.6:
            query["group"] = rng.choice(known["groups"])
        if rng.random() < 0.5:
            query["from"] = rng.randint(1990, 2015)
        for key in ("sex", "area", "age"):
            if rng.random() < 0.3:
                query[key] = "all"
        scope = rng.choice(["selection", "full"])
        extension = rng.choices(["csv", "parquet", "xlsx"], weights=[6, 3, 1])[0]
        plan.append((f"/download/{scope}.{extension}?{urlencode(query)}", {}))
    for _ in range(pages):
        page = rng.choice(["explore", "data", "gaps", "targets"])
        if page == "explore":
            query = {"indicator": rng.choice(known["indicators"]),
                     "countries": ",".join(rng.sample(known["countries"], rng.randint(1, 6)))}
        elif page == "data":
            query = {"indicator": ",".join(rng.sample(known["indicators"], rng.randint(1, 5))),
                     "group": rng.choice(known["groups"])}
        elif page == "gaps":
            query = {"group": rng.choice(known["groups"])}
        else:
            query = {"target": rng.choice(known["targets"]), "group": rng.choice(known["groups"])}
        plan.append(("/_dash-layout", {"Referer": f"PAGE/{page}?{urlencode(query)}"}))
    rng.shuffle(plan)
    return plan


def serve(code: Path, db: Path, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--timeout", "120",
         *(["--config", "gunicorn.conf.py"] if (code / "gunicorn.conf.py").is_file() else []),
         "app:server"],
        cwd=code, env={"PATH": "/usr/bin:/bin", "DDI_DB": str(db), "HOME": "/tmp"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/explore", timeout=30).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.3)
    for _ in range(8):  # both workers past their first request
        requests.get(url + "/explore", timeout=60)
    return process, url


def measure(code: Path, db: Path, plan: list[tuple[str, dict]], clients: int, workers: int, threads: int) -> dict:
    process, url = serve(code, db, workers, threads)
    try:
        pids = workers_of(process.pid)
        start = {pid: rss_bytes(pid) for pid in pids}
        peak = dict(start)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid in pids:
                    peak[pid] = max(peak[pid], rss_bytes(pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        statuses: dict[int, int] = {}
        session_local = threading.local()

        def send(item: tuple[str, dict]) -> None:
            path, headers = item
            session = getattr(session_local, "session", None) or requests.Session()
            session_local.session = session
            headers = {k: v.replace("PAGE", url) for k, v in headers.items()}
            status = session.get(url + path, headers=headers, timeout=300).status_code
            statuses[status] = statuses.get(status, 0) + 1

        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(send, plan))
        seconds = time.perf_counter() - started
        time.sleep(1)
        done.set()
        sampler.join()
        end = {pid: rss_bytes(pid) for pid in pids}
        return {"pids": pids, "start": start, "peak": peak, "end": end, "statuses": statuses, "seconds": seconds}
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, action="append", help="a checkout to serve (repeatable)")
    parser.add_argument("--db", type=Path, default=PROJECT_ROOT / "data" / "digital_divide.duckdb")
    parser.add_argument("--downloads", type=int, default=300)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: gunicorn.conf.py's)")
    args = parser.parse_args()
    workers, threads = args.workers or serving_counts()[0], args.threads or serving_counts()[1]
    db = args.db.resolve()
    plan = request_plan(db, args.downloads, args.pages, args.seed)
    print(f"{len(plan)} requests ({args.downloads} downloads, {args.pages} layouts), {args.clients} clients, "
          f"gunicorn {workers} workers × {threads} threads, database {db.name}")
    for code in args.code or [PROJECT_ROOT]:
        result = measure(code.resolve(), db, plan, args.clients, workers, threads)
        commit = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        print(f"\n{code} ({commit}): {result['seconds']:.0f} s, statuses {result['statuses']}")
        print(f"  {'worker':>8} {'start MB':>9} {'peak MB':>9} {'end MB':>9}")
        for pid in result["pids"]:
            print(f"  {pid:>8} {result['start'][pid] / MB:>9.0f} {result['peak'][pid] / MB:>9.0f} "
                  f"{result['end'][pid] / MB:>9.0f}")


if __name__ == "__main__":
    main()

"""What a request costs when no cached answer helps: the load benchmark's random actions, answered in process.

Run: .venv/bin/python benchmarks/miss_cost_benchmark.py [--n 400] [--warm 60] [--seed 7] [--db PATH] [--profile FILE]

The load benchmark (benchmarks/load_benchmark.py) mixes page views and random callbacks; under load, every answer
the shared response cache does not hold costs a worker its full build. This script sends `--n` of those actions
(after `--warm` untimed ones, so each worker-level cache is as warm as in a running server) through Flask's test
client in one thread, with the response cache bypassed, and prints the mean cost per request and per kind of
request. It is a single process, so it is the number to compare between two checkouts, paired and interleaved,
when a change claims to make answers cheaper to build; `--profile FILE` writes a cProfile of the timed part.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def on_pages(action: list, pages: list[str]) -> bool:
    """Whether an action is a view of one of `pages` or a callback of theirs."""
    from benchmarks.common import kind_of

    kind = kind_of(*action[-1])
    return any(kind.startswith((f"layout /{page}", f"{page}-")) for page in pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400, help="actions timed (a page view is two requests)")
    parser.add_argument("--warm", type=int, default=60, help="actions sent first, untimed")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="the database (default: DDI_DB or data/)")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of the timed part here")
    parser.add_argument("--quiet", action="store_true", help="print the total line only")
    parser.add_argument("--pages", default="", help="comma-separated pages (explore,targets,...): time only the "
                        "actions on them (their page views and callbacks)")
    args = parser.parse_args()
    if args.db:
        import os
        os.environ["DDI_DB"] = str(args.db.resolve())
    from werkzeug.serving import make_server

    import app as app_module
    from benchmarks.common import kind_of
    from benchmarks.load_benchmark import our_actions
    from dashboard import data, response_cache

    server = app_module.create_app().server
    app_module.warm_up()
    http = make_server("127.0.0.1", 0, server, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{http.server_port}"
    actions = our_actions(url, Path(data.database_path()), random.Random(args.seed), (args.warm + args.n) *
                          (20 if args.pages else 1))
    if args.pages:
        actions = [action for action in actions if on_pages(action, args.pages.split(","))][:args.warm + args.n]
    http.shutdown()
    client = server.test_client()
    environ = {response_cache.BYPASS: True}
    costs: dict[str, list[float]] = collections.defaultdict(list)

    def send(batch: list) -> None:
        for action in batch:
            for method, path, body, headers in action:
                began = time.perf_counter()
                # The requests name the address the actions were built for (`url`), so that a layout's Referer is
                # this site's and the layout holds its page (dashboard/prerender.py), as under gunicorn.
                if method == "GET":
                    answer = client.get(path, headers=headers, environ_base=environ, base_url=url)
                else:
                    answer = client.post(path, data=body, headers=headers, environ_base=environ, base_url=url)
                elapsed = (time.perf_counter() - began) * 1000
                if answer.status_code >= 500:
                    sys.exit(f"{method} {path[:80]} answered HTTP {answer.status_code}")
                costs[kind_of(method, path, body, headers)].append(elapsed)

    send(actions[:args.warm])
    costs.clear()
    profile = cProfile.Profile() if args.profile else None
    began, began_cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    send(actions[args.warm:])
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    total, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    count = sum(map(len, costs.values()))
    # CPU time as well as wall time: on a machine other jobs share, the wall time is mostly waiting for a core.
    print(f"{count} requests in {total:.2f} s: {total / count * 1000:.2f} ms per request, "
          f"{cpu / count * 1000:.2f} ms of CPU (response cache bypassed)")
    if args.quiet:
        return
    print(f"\n{'total ms':>9} {'n':>5} {'mean ms':>8}  request (callback: its first output id)")
    for kind, values in sorted(costs.items(), key=lambda item: -sum(item[1])):
        print(f"{sum(values):9.0f} {len(values):5d} {sum(values) / len(values):8.1f}  {kind}")


if __name__ == "__main__":
    main()

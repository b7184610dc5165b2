"""What an answer the response cache already holds costs the server: the load benchmark's actions, answered twice.

Run: .venv/bin/python benchmarks/hit_cost_benchmark.py [--n 150] [--repeat 20] [--seed 7] [--checkout DIR] [--quiet]

Under load most answers are hits (dashboard/response_cache.py): their cost is the floor of what the app can serve.
This script sends `--n` of the load benchmark's random actions once through the app in process (every answer is
built and kept in an empty store of its own), then answers all of them `--repeat` times more, each a hit, calling
the app's WSGI entry directly with a prepared environ (no HTTP, no client: the server's share only), and prints the
mean microseconds per hit. `--checkout DIR` measures another checkout of this project (e.g. the baseline), so that
two checkouts can be compared paired and interleaved.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=150, help="actions (a page view is two requests)")
    parser.add_argument("--repeat", type=int, default=20, help="times every kept answer is asked for again")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--quiet", action="store_true", help="print the total line only")
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    os.chdir(checkout)
    sys.path.insert(0, str(checkout))
    os.environ["DDI_RESPONSE_CACHE_DIR"] = tempfile.mkdtemp(prefix="ddi-hit-cost-")
    from werkzeug.serving import make_server
    from werkzeug.test import EnvironBuilder

    import app as app_module
    from benchmarks.load_benchmark import our_actions
    from dashboard import data

    server = app_module.create_app().server
    app_module.warm_up()
    http = make_server("127.0.0.1", 0, server, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{http.server_port}"
    actions = our_actions(url, Path(data.database_path()), random.Random(args.seed), args.n)
    http.shutdown()
    environs = []
    for action in actions:
        for method, path, body, headers in action:
            builder = EnvironBuilder(path=path, method=method, data=body, headers=headers,
                                     base_url="http://127.0.0.1:8050")
            environ = builder.get_environ()
            environs.append((environ, body or b""))
    statuses: list[str] = []
    hits = [0]

    def start_response(status: str, headers: list, exc_info=None) -> None:
        statuses.append(status)
        hits[0] += ("X-Response-Cache", "hit") in headers

    def answer_all() -> None:
        answer_all_of(environs)

    def answer_all_of(requests: list) -> None:
        for environ, body in requests:
            fresh = dict(environ)
            fresh["wsgi.input"] = io.BytesIO(body)
            result = server(fresh, start_response)
            b"".join(result)
            if hasattr(result, "close"):
                result.close()

    answer_all()  # builds and keeps every answer (the misses)
    # Only what is kept is timed: the SQL page's callbacks and errors are built every time, by design.
    kept = []
    for environ, body in environs:
        before = hits[0]
        answer_all_of([(environ, body)])
        if hits[0] > before:
            kept.append((environ, body))
    environs[:] = kept
    hits[0] = 0
    began = time.perf_counter()
    for _ in range(args.repeat):
        answer_all()
    total = time.perf_counter() - began
    count = len(environs) * args.repeat
    print(f"{count} hits in {total:.2f} s: {total / count * 1e6:.0f} us per hit "
          f"({hits[0]} of {count} answered from the cache)")
    if not args.quiet:
        print(f"statuses: {sorted(set(statuses))}")


if __name__ == "__main__":
    main()

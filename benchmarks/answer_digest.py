"""Did a change alter any answer? The load benchmark's random actions, answered in process, written down to compare.

Run: .venv/bin/python benchmarks/answer_digest.py --n 300 --seed 11 --out /tmp/before.jsonl     (one checkout)
     .venv/bin/python benchmarks/answer_digest.py --n 300 --seed 11 --out /tmp/after.jsonl      (the other)
     .venv/bin/python benchmarks/answer_digest.py --compare /tmp/before.jsonl /tmp/after.jsonl

A change that claims only to make answers cheaper (benchmarks/miss_cost_benchmark.py) must leave every answer as it
was. This script sends `--n` actions of benchmarks/load_benchmark.py (page views: the index, then the layout with the
page as its Referer; random valid callbacks) through Flask's test client, with the response cache bypassed, and writes
one JSON line per request: its kind, method, path, status and body. What legitimately differs between two runs is
masked first: the address of the throwaway server the actions were built against, asset fingerprints in the index,
the SQL console's "in N ms" and Dash's random ids; JSON bodies are compared with their keys sorted. `--compare`
prints how many answers are equal and, for each that is not, its kind and the first place the two bodies part.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (pattern, replacement): what two runs of one checkout may answer differently.
MASKS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"127\.0\.0\.1:\d+"), "HOST"),
    (re.compile(r"([?&]m=)\d+(\.\d+)?"), r"\1MTIME"),
    (re.compile(r"\bv\d+_\d+_\d+m\d+\b"), "FINGERPRINT"),
    (re.compile(r"(\d[\d,.\s]*)\s?(ms|мс|毫秒|مللي ثانية)"), r"N \2"),
    (re.compile(r'"end_id":\s?"[^"]*"'), '"end_id": "ID"'),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
)


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def normalized(text: str) -> str:
    """The body, masked; a JSON body with its keys sorted (Dash writes a component's data-* and aria-* properties
    in an order that varies with Python's hash seed)."""
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
    return mask(text)


def record(n: int, seed: int, out: Path) -> None:
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
    actions = our_actions(url, Path(data.database_path()), random.Random(seed), n)
    http.shutdown()
    client = server.test_client()
    environ = {response_cache.BYPASS: True}
    count = 0
    with out.open("w", encoding="utf-8") as lines:
        for action in actions:
            for method, path, body, headers in action:
                if method == "GET":
                    answer = client.get(path, headers=headers, environ_base=environ, base_url=url)
                else:
                    answer = client.post(path, data=body, headers=headers, environ_base=environ, base_url=url)
                lines.write(json.dumps({
                    "kind": kind_of(method, path, body, headers), "method": method, "path": mask(path[:200]),
                    "request": mask((body or b"").decode()) or mask(headers.get("Referer", "")),
                    "status": answer.status_code, "body": normalized(answer.get_data(as_text=True)),
                }, ensure_ascii=False) + "\n")
                count += 1
    print(f"{count} answers of {n} actions (seed {seed}) written to {out}")


def compare(before: Path, after: Path) -> int:
    old = [json.loads(line) for line in before.open(encoding="utf-8")]
    new = [json.loads(line) for line in after.open(encoding="utf-8")]
    if len(old) != len(new) or any(a["request"] != b["request"] for a, b in zip(old, new, strict=False)):
        print("the two files hold different requests: record both with the same --n and --seed against the same "
              "database")
        return 2
    differing = [(a, b) for a, b in zip(old, new, strict=True) if (a["status"], a["body"]) != (b["status"], b["body"])]
    print(f"{len(old) - len(differing)} of {len(old)} answers equal")
    for a, b in differing[:20]:
        at = next((i for i, (x, y) in enumerate(zip(a["body"], b["body"], strict=False)) if x != y),
                  min(len(a["body"]), len(b["body"])))
        print(f"- {a['kind']} {a['path'][:60]} (HTTP {a['status']} → {b['status']}), from character {at}:\n"
              f"    before …{a['body'][max(0, at - 60):at + 100]}\n    after  …{b['body'][max(0, at - 60):at + 100]}")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="actions sent (a page view is two requests)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, help="write the answers here (JSON lines)")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    if not args.out:
        parser.error("give --out FILE to record, or --compare BEFORE AFTER")
    record(args.n, args.seed, args.out)


if __name__ == "__main__":
    main()

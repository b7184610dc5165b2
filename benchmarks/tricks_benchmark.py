"""Each start-up trick of dashboard/dash_boundary.py, paired: the app with it and without it, interleaved.

Two gunicorn servers run side by side on the same database: the app as it is ("with") and the app with one
trick undone ("without", a small WSGI module written to a scratch folder that imports the app, undoes the
trick and serves it). Each pair loads the same page once from each, in a fresh browser context (cold cache),
the order alternating from pair to pair, so the machine's drift (this VM's speed changes by the minute) falls
on both halves alike. Printed per trick and page: the median time with and without, how many pairs the trick
won, and the spread of the paired differences (their 10th-90th percentiles). A trick is worth its place when
it wins clearly more pairs than chance would (sign test: p < 0.05, i.e. at least 9 of 10, 10 of 12, 15 of 20).

The server-side trick (the components' namespace registered as a module) is timed in process instead: the
layouts of Gaps and Targets built with and without it, interleaved.

The tricks that did not win were deleted (docs/serving.md has their figures: the compile hint, the per-page
plotly preloads, the polyfill swap, measured by this script's earlier revision with their variants here).

Run: .venv/bin/python benchmarks/tricks_benchmark.py [--pairs N] [--db PATH] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import CONFIG, PROJECT_ROOT, build_database, gunicorn
from benchmarks.first_chart_benchmark import CHROMIUM_ARGS, PATHS, time_first_chart

# trick: (the lines that undo it, run after `import app`; the pages it is meant to speed up; which time counts)
# "first" is the first chart drawn (a preview counts), "named" the page's main chart as plotly draws it.
BROWSER_TRICKS = {
    "map preview": ("from dashboard import map_preview\nmap_preview.render = lambda *args: ''",
                    ["explore (default view)"], "first"),
}


def sign_test(wins: int, pairs: int) -> float:
    """Two-sided p of `wins` of `pairs` under a fair coin (ties already dropped)."""
    tail = sum(math.comb(pairs, k) for k in range(max(wins, pairs - wins), pairs + 1)) / 2 ** pairs
    return min(1.0, 2 * tail)


def report(name: str, page: str, with_: list[float], without: list[float]) -> None:
    gains = sorted(b - a for a, b in zip(with_, without, strict=True))  # > 0: faster with the trick
    wins = sum(gain > 0 for gain in gains)
    deciles = statistics.quantiles(gains, n=10) if len(gains) > 1 else gains * 9
    print(f"{name:26} {page:24} {statistics.median(with_):7.3f} {statistics.median(without):8.3f} "
          f"{statistics.median(gains):+8.3f}  {wins:2d}/{len(gains):<2d}  p={sign_test(wins, len(gains)):.3f}  "
          f"[{deciles[0]:+.3f}, {deciles[-1]:+.3f}]", flush=True)


def browser_tricks(db: Path, pairs: int, only: list[str] | None) -> None:
    print(f"{'trick':26} {'page':24} {'with':>7} {'without':>8} {'gain':>8}  won    sign test  gain p10-p90 (s)")
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright, ExitStack() as stack:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        with_url = stack.enter_context(gunicorn(db, workers=1))
        for name, (undo, pages, which) in BROWSER_TRICKS.items():
            if only and name not in only:
                continue
            module = f"without_{name.replace(' ', '_').replace('-', '_')}"
            (Path(scratch) / f"{module}.py").write_text(
                f"import sys\nsys.path.insert(0, {str(PROJECT_ROOT)!r})\nimport app\n{undo}\nserver = app.server\n")
            (Path(scratch) / CONFIG).write_text((PROJECT_ROOT / CONFIG).read_text())  # the same warm-up
            with gunicorn(db, workers=1, app=f"{module}:server", cwd=Path(scratch)) as without_url:
                for page in pages:
                    path, selector = PATHS[page]
                    for url in (with_url, without_url):  # each server's query cache warm, as a live one's is
                        try:
                            time_first_chart(browser, url + path, selector)
                        except PlaywrightTimeout:
                            print(f"  ({name}, {page}: warm-up load of {url} timed out)", flush=True)
                    times: dict[str, list[float]] = {"with": [], "without": []}
                    for pair in range(pairs):
                        order = [("with", with_url), ("without", without_url)]
                        try:
                            loads = {label: time_first_chart(browser, url + path, selector)
                                     for label, url in (order if pair % 2 == 0 else order[::-1])}
                        except PlaywrightTimeout:  # a load starved past 60 s on the shared machine: pair dropped
                            print(f"  ({name}, {page}: pair {pair + 1} timed out, dropped)", flush=True)
                            continue
                        for label, (first, named) in loads.items():
                            times[label].append(first if which == "first" else named)
                    report(name, f"{page} ({which})", times["with"], times["without"])
        browser.close()


def namespace_trick(db: Path, pairs: int) -> None:
    """Layout build time in process, with the components' namespace registered as a module and without."""
    probe = textwrap.dedent(f"""
        import json, sys, time
        sys.path.insert(0, {str(PROJECT_ROOT)!r})
        import app
        from dashboard import dash_boundary
        client = app.server.test_client()
        pages = {{"gaps": "/gaps?year=2016", "targets": "/targets?framework=umc"}}
        def layout(path):
            started = time.perf_counter()
            client.get("/_dash-layout", headers={{"Referer": "http://localhost" + path}})
            return time.perf_counter() - started
        for path in pages.values():
            layout(path)
        module = sys.modules[dash_boundary.NAMESPACE]
        for name, path in pages.items():
            timed = {{"with": [], "without": []}}
            for pair in range({pairs}):
                for label in (("with", "without") if pair % 2 == 0 else ("without", "with")):
                    if label == "with":
                        sys.modules[dash_boundary.NAMESPACE] = module
                    else:
                        sys.modules.pop(dash_boundary.NAMESPACE, None)
                    timed[label].append(layout(path))
            print(json.dumps([name, timed["with"], timed["without"]]))
    """)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={**os.environ, "DDI_DB": str(db)}, cwd=PROJECT_ROOT)
    for line in result.stdout.splitlines():
        name, with_, without = json.loads(line)
        report("namespace module", f"{name} layout (in process)", with_, without)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--pairs", type=int, default=12)
    options.add_argument("--db", type=Path, default=None, help="an existing database (default: build one)")
    options.add_argument("--only", nargs="*", help="trick names to run (default: all)")
    args = options.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        db = (args.db or Path(scratch) / "digital_divide.duckdb").resolve()  # the variants run in another folder
        if args.db is None:
            build_database(db)
        if not args.only or "namespace module" in args.only:
            namespace_trick(db, args.pairs * 2)
        browser_tricks(db, args.pairs, args.only)
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()

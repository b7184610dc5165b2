"""Server time of every page's server callbacks over random filter combinations, against gunicorn.

Run: .venv/bin/python benchmarks/callback_benchmark.py [--n 200] [--seed 2026] [--warmup 3] [--db PATH]

Each request is what the browser sends: a POST to /_dash-update-component whose output, outputs, inputs,
state and changedPropIds come from the app's own /_dash-dependencies, with input values drawn from the
option lists the pages offer (read from the layouts the app serves, and checked against the `indicator`,
`country`, `country_group` and `target` tables) and years drawn in each indicator's range in the database.
The layout itself is the pages router's callback (_pages_content.children), timed with random URL parameters.

Each callback gets its own stream of `--n` combinations (one input marked as changed; State values taken
from an independent combination, i.e. the view before the change), sent one at a time over a keep-alive
session after `--warmup` untimed requests. Clientside callbacks are skipped. The time is the client's
(send to last byte) on loopback; Dash writes a Server-Timing header only under its debug dev tools, which
`gunicorn app:server` does not enable, so the script reports that header only if it is present.
Statistics are over 2xx answers, "noop" counting those that change nothing (the callback returned no_update
for every output: HTTP 204, or 200 with an empty response); every other status is counted as failed and
its first answer printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import build_database, gunicorn

BUDGET_MS = 100.0
ROUTER_OUTPUT = "_pages_content"  # Dash pages' routing callback: the page layout for a pathname and search
MAX_COUNTRIES = 12  # as many economies as the pages compare (dashboard.url_state.MAX_COUNTRIES)


# --- talking to the app ----------------------------------------------------------------------------------


@dataclass
class Callback:
    """One server callback as /_dash-dependencies describes it."""

    output: str  # Dash's output spec: "id.prop" or "..id.prop...id.prop.."
    outputs: list[dict]
    inputs: list[dict]
    state: list[dict]

    @classmethod
    def from_dependency(cls, dependency: dict) -> Callback:
        spec = dependency["output"]
        parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
        outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]
        return cls(spec, outputs, dependency["inputs"], dependency["state"])

    @property
    def multi(self) -> bool:
        return self.output.startswith("..")

    @property
    def output_ids(self) -> list[str]:
        return list(dict.fromkeys(output["id"] for output in self.outputs))

    def payload(self, values: dict[str, Any], changed: list[str]) -> dict:
        """The request body the renderer builds (dash-renderer's handleServerside)."""
        body = {
            "output": self.output,
            "outputs": self.outputs if self.multi else self.outputs[0],
            "inputs": [{**dep, "value": values[prop_id(dep)]} for dep in self.inputs],
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        if self.state:  # the renderer leaves `state` out when there is none
            body["state"] = [{**dep, "value": values[prop_id(dep)]} for dep in self.state]
        return body


def prop_id(dep: dict) -> str:
    return f"{dep['id']}.{dep['property']}"


def label(callback: Callback) -> str:
    """Output ids, compacted: explore-map(+source,note) for explore-map, explore-map-source, explore-map-note."""
    groups: list[list[str]] = []
    for output_id in callback.output_ids:
        if groups and output_id.startswith(groups[-1][0] + "-"):
            groups[-1].append(output_id[len(groups[-1][0]) + 1:])
        else:
            groups.append([output_id])
    return " ".join(group[0] + (f"(+{','.join(group[1:])})" if group[1:] else "") for group in groups)


def server_callbacks(session: requests.Session, url: str) -> list[Callback]:
    answer = session.get(f"{url}/_dash-dependencies", timeout=30)
    answer.raise_for_status()
    return [Callback.from_dependency(dep) for dep in answer.json() if not dep.get("clientside_function")]


@dataclass
class Answer:
    status: int
    ms: float
    body: bytes
    server_ms: float | None


def post(session: requests.Session, url: str, body: dict) -> Answer:
    data = json.dumps(body)  # serialised before the clock starts, as the browser does
    started = time.perf_counter()
    response = session.post(f"{url}/_dash-update-component", data=data, timeout=120,
                            headers={"Content-Type": "application/json", "Accept": "application/json"})
    content = response.content  # the whole body has arrived
    elapsed_ms = (time.perf_counter() - started) * 1000
    server_ms = None
    for item in response.headers.get("Server-Timing", "").split(","):
        name, _, rest = item.strip().partition(";")
        if name == "__dash_server" and "dur=" in rest:
            server_ms = float(rest.split("dur=")[1].split(";")[0])
    return Answer(response.status_code, elapsed_ms, content, server_ms)


def layout(session: requests.Session, url: str, router: Callback, path: str, search: str = "") -> dict[str, dict]:
    """The props of every component with an id in the layout served for `path` + `search`."""
    answer = post(session, url, router.payload(router_values(path, search), ROUTER_CHANGED))
    if answer.status != 200:
        sys.exit(f"layout of {path}{search} answered HTTP {answer.status}: {answer.body[:300]!r}")
    found: dict[str, dict] = {}
    stack: list[Any] = [json.loads(answer.body)["response"][ROUTER_OUTPUT]["children"]]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props") if "type" in node else None
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                stack.extend(props.values())
            else:
                stack.extend(node.values())
    return found


ROUTER_CHANGED = ["_pages_location.pathname", "_pages_location.search"]


def router_values(path: str, search: str) -> dict[str, str]:
    return {"_pages_location.pathname": path, "_pages_location.search": search}


def values_of(props: dict) -> list:
    """A dropdown's option values (options given as strings or as {label, value})."""
    return [option["value"] if isinstance(option, dict) else option for option in props["options"]]


# --- what the pages offer -------------------------------------------------------------------------------


@dataclass
class Options:
    """The choices a user has on each page, as the app serves them."""

    countries: list[str] = field(default_factory=list)
    explore_indicators: list[str] = field(default_factory=list)
    explore_groups: list[str] = field(default_factory=list)  # 'all' and every country group
    explore_years: dict[str, tuple[int, int]] = field(default_factory=dict)  # the year slider's min, max
    explore_scales: list[str] = field(default_factory=list)
    explore_sorts: list[str] = field(default_factory=list)
    scatter_indicators: list[str] = field(default_factory=list)
    scatter_colours: list[str] = field(default_factory=list)
    scatter_groups: list[str] = field(default_factory=list)
    scatter_years: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # filled as pairs are drawn
    gaps: list[str] = field(default_factory=list)
    gap_groups: list[str] = field(default_factory=list)
    gap_years: dict[str, list[str]] = field(default_factory=dict)
    frameworks: list[str] = field(default_factory=list)
    framework_targets: dict[str, list[str]] = field(default_factory=dict)
    group_types: list[str] = field(default_factory=list)
    type_groups: dict[str, list[str]] = field(default_factory=dict)
    data_indicators: list[str] = field(default_factory=list)
    data_groups: list[str] = field(default_factory=list)
    data_years: dict[str, tuple[int, int]] = field(default_factory=dict)  # every row, any breakdown
    breakdowns: dict[str, list[str]] = field(default_factory=dict)
    sql_examples: dict[str, str] = field(default_factory=dict)  # name: the SQL the example loads


def gather_options(session: requests.Session, url: str, callbacks: list[Callback], db: Path) -> Options:
    router = next(cb for cb in callbacks if cb.outputs[0]["id"] == ROUTER_OUTPUT)
    options = Options()
    explore = layout(session, url, router, "/explore")
    # The indicator list is grouped by theme under disabled header options, which cannot be chosen.
    options.explore_indicators = [option["value"] for option in explore["explore-indicator"]["options"]
                                  if not option.get("disabled")]
    options.explore_groups = values_of(explore["explore-group"])
    options.countries = values_of(explore["explore-countries"])
    options.explore_scales = values_of(explore["explore-scale"])
    options.explore_sorts = values_of(explore["explore-sort"])

    scatter = layout(session, url, router, "/scatter")
    options.scatter_indicators = [option["value"] for option in scatter["scatter-x"]["options"]
                                  if not option.get("disabled")]
    options.scatter_colours = values_of(scatter["scatter-color"])
    options.scatter_groups = values_of(scatter["scatter-group"])

    gaps = layout(session, url, router, "/gaps")
    options.gaps, options.gap_groups = values_of(gaps["gaps-gap"]), values_of(gaps["gaps-group"])
    for gap in options.gaps:
        options.gap_years[gap] = values_of(layout(session, url, router, "/gaps", f"?gap={gap}")["gaps-year"])

    targets = layout(session, url, router, "/targets")
    options.frameworks, options.group_types = values_of(targets["targets-framework"]), \
        values_of(targets["targets-group-type"])
    for framework in options.frameworks:
        options.framework_targets[framework] = values_of(
            layout(session, url, router, "/targets", f"?framework={framework}")["targets-target"])
    for group_type in options.group_types:
        options.type_groups[group_type] = values_of(
            layout(session, url, router, "/targets", f"?group_type={group_type}")["targets-group"])

    data_page = layout(session, url, router, "/data")
    options.data_indicators, options.data_groups = values_of(data_page["data-indicator"]), \
        values_of(data_page["data-group"])
    options.breakdowns = {key: values_of(data_page[f"data-{key}"]) for key in ("sex", "area", "age")}

    sql = layout(session, url, router, "/sql")
    load_example = next(cb for cb in callbacks if cb.output == "sql-text.value")
    for name in values_of(sql["sql-example"]):
        answer = post(session, url, load_example.payload({"sql-example.value": name}, ["sql-example.value"]))
        options.sql_examples[name] = json.loads(answer.body)["response"]["sql-text"]["value"]

    with duckdb.connect(str(db), read_only=True) as con:
        options.explore_years = {row[0]: (row[1], row[2]) for row in con.execute(
            "SELECT indicator_id, min(year), max(year) FROM observation_total GROUP BY 1").fetchall()}
        options.data_years = {row[0]: (row[1], row[2]) for row in con.execute(
            "SELECT indicator_id, min(year), max(year) FROM observation GROUP BY 1").fetchall()}
        tables = {name: {row[0] for row in con.execute(sql_text).fetchall()} for name, sql_text in (
            ("indicator", "SELECT indicator_id FROM indicator"), ("country", "SELECT iso3 FROM country"),
            ("country_group", "SELECT group_id FROM country_group"), ("target", "SELECT target_id FROM target"))}
    offered = {
        "indicator": set(options.explore_indicators) | set(options.data_indicators),
        "country": set(options.countries),
        "country_group": set(options.gap_groups) | set(options.data_groups)
        | {group for group in options.explore_groups if group != "all"}
        | {group for groups in options.type_groups.values() for group in groups if group != "all"},
        "target": {target for targets in options.framework_targets.values() for target in targets},
    }
    for table, values in offered.items():
        stray = values - tables[table]
        if stray:
            print(f"warning: the pages offer values missing from table {table}: {sorted(stray)[:5]}")
    return options


# --- random combinations, per page ---------------------------------------------------------------------


def some(rng: random.Random, values: list, low: int, high: int) -> list:
    return rng.sample(values, min(len(values), rng.randint(low, high)))


def query_string(params: dict) -> str:
    """As the pages write it (dashboard.url_state.encode): empty values left out, lists joined by commas."""
    clean = {key: ",".join(map(str, value)) if isinstance(value, list | tuple) else value
             for key, value in params.items() if value not in (None, "", (), [])}
    return f"?{urlencode(clean, safe=',:')}" if clean else ""


def overview(rng: random.Random, options: Options) -> dict:
    return {"_path": ("/", "")}  # no callback of its own: the sparklines come with the layout


def explore(rng: random.Random, options: Options) -> dict:
    indicator = rng.choice(options.explore_indicators)
    year = rng.randint(*options.explore_years[indicator])
    countries = some(rng, options.countries, 0, MAX_COUNTRIES)
    group = rng.choice(options.explore_groups)
    first, last = options.explore_years[indicator]
    year_range = sorted(rng.sample(range(first, last + 1), 2)) if last > first else [first, last]
    scale, sort = rng.choice(options.explore_scales), rng.choice(options.explore_sorts)
    return {"explore-indicator.value": indicator, "explore-year.value": year, "explore-group.value": group,
            "explore-countries.value": countries, "explore-measure.value": None,
            "explore-scale.value": scale, "explore-range.value": year_range, "explore-sort.value": sort,
            "_path": ("/explore", query_string({"indicator": indicator, "year": year,
                                                "group": None if group == "all" else group,
                                                "countries": countries}))}


def scatter(rng: random.Random, options: Options) -> dict:
    x, y = rng.sample(options.scatter_indicators, 2)
    colour, group = rng.choice(options.scatter_colours), rng.choice(options.scatter_groups)
    logx, logy = rng.randint(0, 1), rng.randint(0, 1)
    return {"scatter-x.value": x, "scatter-y.value": y, "scatter-year.value": None, "scatter-color.value": colour,
            "scatter-group.value": group, "scatter-logx.value": logx, "scatter-logy.value": logy,
            "_path": ("/scatter", query_string({"x": x, "y": y, "color": colour,
                                                "group": None if group == "all" else group}))}


def indicator(rng: random.Random, options: Options) -> dict:
    return {"_path": (f"/indicator/{rng.choice(options.explore_indicators)}", "")}  # no callback of its own


def gaps(rng: random.Random, options: Options) -> dict:
    gap, group = rng.choice(options.gaps), rng.choice(options.gap_groups)
    year = rng.choice(options.gap_years[gap])
    countries = some(rng, options.countries, 0, MAX_COUNTRIES)
    return {"gaps-gap.value": gap, "gaps-group.value": group, "gaps-year.value": year,
            "gaps-countries.value": countries,
            "_path": ("/gaps", query_string({"gap": gap, "group": group, "countries": countries or "none",
                                             "year": None if year == "latest" else year}))}


def targets(rng: random.Random, options: Options) -> dict:
    framework, group_type = rng.choice(options.frameworks), rng.choice(options.group_types)
    target, group = rng.choice(options.framework_targets[framework]), rng.choice(options.type_groups[group_type])
    return {"targets-framework.value": framework, "targets-target.value": target,
            "targets-group-type.value": group_type, "targets-group.value": group,
            "_path": ("/targets", query_string({"framework": framework, "target": target, "group_type": group_type,
                                                "group": None if group == "all" else group}))}


def country(rng: random.Random, options: Options) -> dict:
    iso3 = rng.choice(options.countries)
    return {"country-choose.value": rng.choice(options.countries),
            "_path": (f"/country/{iso3}", "")}


def data(rng: random.Random, options: Options) -> dict:
    indicators = some(rng, options.data_indicators, 1, 5)
    economies = rng.choice(["all", "countries", "group"])
    countries = some(rng, options.countries, 1, MAX_COUNTRIES) if economies == "countries" else []
    group = rng.choice(options.data_groups) if economies == "group" else None
    first = min(options.data_years[indicator][0] for indicator in indicators)
    last = max(options.data_years[indicator][1] for indicator in indicators)
    year_from, year_to = (rng.choice([None, rng.randint(first, last)]) for _ in range(2))
    breakdown = {key: rng.choice(values) for key, values in options.breakdowns.items()}
    page = rng.randint(1, 10)
    query = query_string({"indicator": indicators, "countries": countries, "group": group,
                          "from": year_from, "to": year_to,
                          **{key: value for key, value in breakdown.items() if value != "total"},
                          "page": page if page > 1 else None})
    return {"data-indicator.value": indicators, "data-countries.value": countries, "data-group.value": group,
            "data-from.value": year_from, "data-to.value": year_to,
            **{f"data-{key}.value": value for key, value in breakdown.items()},
            "data-previous.n_clicks": rng.randint(0, 5), "data-next.n_clicks": rng.randint(0, 5),
            "data-page.data": page, "data-query.data": query,
            "_path": ("/data", query)}


def sql(rng: random.Random, options: Options) -> dict:
    name = rng.choice(list(options.sql_examples))
    text = options.sql_examples[name]
    return {"sql-example.value": name, "sql-text.value": text, "sql-run.n_clicks": rng.randint(1, 20),
            "sql-download-button.n_clicks": rng.randint(1, 5),
            "_path": ("/sql", query_string({"example": name} if rng.random() < 0.5 else {"sql": text}))}


def about(rng: random.Random, options: Options) -> dict:
    return {"_path": ("/about", "")}  # no callback of its own: the coverage map comes with the layout


# Page label: its combinations. A page's callbacks are those whose outputs start with "<label>-".
PAGES: dict[str, Callable[[random.Random, Options], dict]] = {
    "overview": overview, "explore": explore, "gaps": gaps, "targets": targets, "country": country, "data": data,
    "sql": sql, "about": about, "scatter": scatter, "indicator": indicator,
}


def request(rng: random.Random, options: Options, page: str, callback: Callback) -> dict:
    """One request as the browser would send it after one change on `page`."""
    now, before = PAGES[page](rng, options), PAGES[page](rng, options)
    if callback.outputs[0]["id"] == ROUTER_OUTPUT:
        return callback.payload(router_values(*now["_path"]), ROUTER_CHANGED)
    values = {**{prop_id(dep): now[prop_id(dep)] for dep in callback.inputs},
              **{prop_id(dep): before[prop_id(dep)] for dep in callback.state}}
    changed = rng.choice([prop_id(dep) for dep in callback.inputs])
    if callback.output == "..data-group.value...data-countries.value..":
        # Countries or a group: it fires when the user picks one while the other may still be set.
        other = "data-countries.value" if changed == "data-group.value" else "data-group.value"
        if not values[changed]:  # the user picked something (clearing fires the callback too, but rarely)
            values[changed] = ([rng.choice(options.countries)] if changed == "data-countries.value"
                               else rng.choice(options.data_groups))
        values[other] = before[other]
    return callback.payload(values, [changed])


# --- measuring -----------------------------------------------------------------------------------------


@dataclass
class Result:
    page: str
    callback: str
    times: list[float] = field(default_factory=list)  # ms, 2xx answers
    server: list[float] = field(default_factory=list)  # Server-Timing __dash_server, when the app sends it
    statuses: Counter = field(default_factory=Counter)
    no_update: int = 0  # 2xx answers that change nothing (HTTP 204, or 200 with an empty response)
    first_failure: str = ""


def measure(session: requests.Session, url: str, page: str, callback: Callback, options: Options, n: int,
            warmup: int, rng: random.Random, warm_rng: random.Random) -> Result:
    result = Result(page, "layout (pages router: _pages_content, _pages_store)"
                    if callback.outputs[0]["id"] == ROUTER_OUTPUT else label(callback))
    for _ in range(warmup):
        post(session, url, request(warm_rng, options, page, callback))
    bodies = [request(rng, options, page, callback) for _ in range(n)]
    for body in bodies:
        answer = post(session, url, body)
        result.statuses[answer.status] += 1
        if 200 <= answer.status < 300:
            result.times.append(answer.ms)
            result.no_update += answer.status == 204 or not json.loads(answer.body).get("response")
            if answer.server_ms is not None:
                result.server.append(answer.server_ms)
        elif not result.first_failure:
            inputs = {dep["id"]: dep.get("value") for dep in body["inputs"] + body.get("state", [])}
            result.first_failure = f"HTTP {answer.status} for {json.dumps(inputs)[:300]}: {answer.body[:300]!r}"
    return result


def measure_downloads(session: requests.Session, url: str, options: Options, n: int, rng: random.Random
                      ) -> list[Result]:
    """The Data page's files are plain GETs (dashboard/downloads.py), timed over random selections too."""
    results = []
    for file in ("selection.csv", "selection.parquet", "full.csv", "full.parquet"):
        result = Result("data", f"GET /download/{file} (a link, not a callback)")
        for _ in range(n):
            query = data(rng, options)["_path"][1]
            started = time.perf_counter()
            response = session.get(f"{url}/download/{file}{query}", timeout=120)
            content = response.content
            result.statuses[response.status_code] += 1
            if response.ok:
                result.times.append((time.perf_counter() - started) * 1000)
            elif not result.first_failure:
                result.first_failure = f"HTTP {response.status_code} for {query}: {content[:300]!r}"
        results.append(result)
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]  # nearest rank


def report(results: list[Result]) -> None:
    width = 64
    with_server = any(result.server for result in results)
    head = (f"{'page':9} {'callback (output ids)':{width}} {'n':>4} {'noop':>4} {'fail':>4} {'p50 ms':>8} "
            f"{'p95 ms':>8} {'max ms':>8}")
    if with_server:
        head += f" {'srv p50':>8} {'srv p95':>8}"
    print(head)
    print("-" * len(head))
    for result in results:
        lines = textwrap.wrap(result.callback, width, break_on_hyphens=False) or [""]
        n = sum(result.statuses.values())
        failed = sum(count for status, count in result.statuses.items() if not 200 <= status < 300)
        row = f"{result.page:9} {lines[0]:{width}} {n:4d} {result.no_update:4d} {failed:4d} "
        if result.times:
            p95 = percentile(result.times, 0.95)
            row += f"{statistics.median(result.times):8.1f} {p95:8.1f} {max(result.times):8.1f}"
            if with_server:
                row += (f" {statistics.median(result.server):8.1f} {percentile(result.server, 0.95):8.1f}"
                        if result.server else f" {'-':>8} {'-':>8}")
            if p95 > BUDGET_MS:
                row += "  over budget"
        else:
            row += f"{'-':>8} {'-':>8} {'-':>8}  no successful request"
        print(row)
        for line in lines[1:]:
            print(f"{'':9} {line}")
    failures = [result for result in results if result.first_failure]
    print(f"\nfailed requests (HTTP not 2xx): {len(failures)} callbacks" if failures
          else "\nfailed requests (HTTP not 2xx): none")
    for result in failures:
        statuses = ", ".join(f"{count}× HTTP {status}" for status, count in sorted(result.statuses.items()))
        print(f"  {result.page} {result.callback}: {statuses}\n    first: {result.first_failure}")
    if with_server:
        print("Server-Timing: srv columns are Dash's __dash_server duration (ms).")
    else:
        print("Server-Timing: not sent (Dash adds it only with debug dev tools, which gunicorn app:server does "
              "not enable); the times are the client's on loopback.")


def main() -> None:
    options_parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options_parser.add_argument("--n", type=int, default=200, help="random combinations per callback")
    options_parser.add_argument("--seed", type=int, default=2026)
    options_parser.add_argument("--warmup", type=int, default=3, help="untimed requests per callback")
    options_parser.add_argument("--db", type=Path, default=None, help="an existing database (default: build one)")
    args = options_parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "digital_divide.duckdb"
        if args.db is None:
            print(f"building the database from the raw files: {build_database(db):.0f} s")
        with gunicorn(db) as url, requests.Session() as session:
            callbacks = server_callbacks(session, url)
            options = gather_options(session, url, callbacks, db)
            router = next(cb for cb in callbacks if cb.outputs[0]["id"] == ROUTER_OUTPUT)
            by_page: dict[str, list[Callback]] = {page: [router] for page in PAGES}
            for callback in callbacks:
                if callback is router:
                    continue
                page = callback.outputs[0]["id"].split("-", 1)[0]
                if page not in PAGES or any(not output_id.startswith(f"{page}-") for output_id in callback.output_ids):
                    sys.exit(f"callback {callback.output} belongs to no page in PAGES: add its page")
                by_page[page].append(callback)
            print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}; "
                  f"{sum(map(len, by_page.values()))} server callbacks × {args.n} requests, seed {args.seed}\n")
            rng, warm_rng = random.Random(args.seed), random.Random(args.seed + 1)
            started = time.perf_counter()
            results = [measure(session, url, page, callback, options, args.n, args.warmup, rng, warm_rng)
                       for page, page_callbacks in by_page.items() for callback in page_callbacks]
            results += measure_downloads(session, url, options, args.n, rng)
            elapsed = time.perf_counter() - started
    report(results)
    print(f"\n{sum(len(r.times) for r in results)} requests timed in {elapsed:.0f} s; load average after: "
          f"{' '.join(f'{load:.2f}' for load in os.getloadavg())} ({os.cpu_count()} CPUs); budget {BUDGET_MS:.0f} ms")


if __name__ == "__main__":
    main()

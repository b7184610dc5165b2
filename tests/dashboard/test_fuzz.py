"""Every odd request gets an answer that is not a 5xx: callbacks posted wrong types, shapes and malformed bodies,
every route asked with odd query values and odd headers, against the real gunicorn (the `app_url` fixture). Each
request is asked in one of the six languages at random (the path's prefix, or the Referer's for a callback):
the translated pages format the same odd values through other code (Babel, the catalogues).

Seeded (FUZZ_SEED), bounded in count (each callback input gets VALUES_PER_INPUT of the odd values) and in time
(BUDGET_S): repeatable, and well under a minute on 2 cores.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import requests

FUZZ_SEED = 20261207
VALUES_PER_INPUT = 3
THREADS = 8  # gunicorn's 2 workers × 4 threads

ODD_VALUES = [
    "2020", "²", "١٢", "x" * 5000, "", " ", "NOR,KEN", "\x00", "../../etc/passwd", "'; DROP TABLE x; --",
    ["internet_use"], ["NOR", 1, None], [[1]], [], {"a": 1}, {}, None, True, False, 0, -1, 1.5, 10 ** 30,
    -(10 ** 30), float("1e308"), "NaN",
]

# The callbacks are posted through Dash's wire format: output, outputs, inputs, state, changedPropIds.
MALFORMED_BODIES = [
    b"", b"not json", b"{", b"[]", b"null", b"42", b'"text"', json.dumps({}).encode(),
    json.dumps({"output": 1}).encode(), json.dumps({"output": "nope.children"}).encode(),
    json.dumps({"output": None, "inputs": []}).encode(), b"\xff\xfe\x00",
]

ROUTES = ["/", "/explore", "/gaps", "/targets", "/country", "/country/KEN", "/country/XXX", "/country/%C2%B2",
          "/data", "/sql", "/about", "/nope", "/scatter", "/embed/scatter", "/embed/explore", "/indicator",
          "/indicator/internet_use", "/indicator/%C2%B2"]
DOWNLOADS = ["/download/selection.csv", "/download/full.parquet", "/download/selection.xlsx", "/download/x.csv"]
QUERY_KEYS = ["year", "page", "indicator", "countries", "group", "gap", "framework", "target", "group_type",
              "from", "to", "sex", "sql", "example", "q", "unknown", "x", "y", "color", "logx", "logy", "chart"]
ODD_QUERY_VALUES = ["²", "١٩٩٩", "%00", "2020%00", "x" * 3000, "-1", "99999999999999999999", "1e3", "%ZZ", "+",
                    "NOR,,,", "%5B%5D", "☃"]
LOCALE_PREFIXES = ["", "/fr", "/es", "/ar", "/zh", "/ru"]  # dashboard/i18n.py's LOCALES
ODD_HEADERS = [{"Referer": "http://[::1"}, {"Referer": "http://[::1]:99999/explore"}, {"Referer": "garbage"},
               {"Referer": "http://127.0.0.1/" + "x" * 6000}, {"Referer": "%00"},
               {"Accept-Language": "x" * 4000}, {"Cookie": "a=" + "b" * 3000}, {"Content-Type": "text/plain"}]


def _outputs(output: str) -> list[dict] | dict:
    """The outputs a Dash callback id names ("..a.x...b.y.." for several, "a.x" for one)."""
    def one(part: str) -> dict:
        component, _, prop = part.rpartition(".")
        return {"id": component, "property": prop}

    if output.startswith(".."):
        return [one(part) for part in output[2:-2].split("...")]
    return one(output)


def _body(entry: dict, values: list) -> dict:
    items = entry["inputs"] + entry["state"]
    filled = [{**item, "value": value} for item, value in zip(items, values, strict=True)]
    inputs, state = filled[:len(entry["inputs"])], filled[len(entry["inputs"]):]
    return {"output": entry["output"], "outputs": _outputs(entry["output"]), "inputs": inputs, "state": state,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else []}


def _requests(base: str, callbacks: list[dict], rng: random.Random) -> list[tuple[str, str, dict]]:
    """(kind, description, requests.request keyword arguments) for every request the fuzz sends."""
    update = base + "/_dash-update-component"
    planned: list[tuple[str, str, dict]] = []
    for entry in callbacks:
        size = len(entry["inputs"]) + len(entry["state"])
        for position in range(size):
            for value in rng.sample(ODD_VALUES, VALUES_PER_INPUT):
                values = [None] * size
                values[position] = value
                page = base + rng.choice(LOCALE_PREFIXES) + "/"
                planned.append(("callback-type", f"{page} {entry['output'][:60]} #{position} = {str(value)[:20]!r}",
                                {"method": "POST", "url": update, "json": _body(entry, values),
                                 "headers": {"Referer": page}}))
        for value in rng.sample(ODD_VALUES, 1):
            planned.append(("callback-type", f"{entry['output'][:60]} all = {str(value)[:20]!r}",
                            {"method": "POST", "url": update, "json": _body(entry, [value] * size)}))
        body = _body(entry, [None] * size)
        shapes = [{**body, "inputs": body["inputs"][:-1]}, {**body, "inputs": {"a": 1}}, {**body, "inputs": "x"},
                  {**body, "inputs": [1, "x", None]}, {**body, "state": [[{"id": 1}]]},
                  {**body, "outputs": "x"}, {**body, "outputs": []}, {**body, "changedPropIds": "x"},
                  {**body, "changedPropIds": [1, None]}, {key: v for key, v in body.items() if key != "inputs"},
                  {**body, "inputs": [{**item, "id": {"x": [1]}} for item in body["inputs"]]}]
        for shape in rng.sample(shapes, 3):
            planned.append(("callback-shape", f"{entry['output'][:60]} {json.dumps(shape)[-60:]}",
                            {"method": "POST", "url": update, "json": shape}))
    for raw in MALFORMED_BODIES:
        planned.append(("callback-body", repr(raw[:30]), {"method": "POST", "url": update, "data": raw,
                                                          "headers": {"Content-Type": "application/json"}}))
    for route in ROUTES + DOWNLOADS:
        queries = [f"{key}={quote(value, safe='%')}" for key in rng.sample(QUERY_KEYS, 4)
                   for value in rng.sample(ODD_QUERY_VALUES, 1)]
        queries += ["year=2020&year=²&year=", "countries=NOR&countries=%00", "unknown=1&" + "&".join(
            f"k{i}=v" for i in range(50))]
        for query in queries:
            url = f"{base}{'' if route.startswith('/download') else rng.choice(LOCALE_PREFIXES)}{route}?{query}"
            planned.append(("route", url[len(base):][:80], {"method": "GET", "url": url}))
            planned.append(("layout", url[len(base):][:80],
                            {"method": "GET", "url": base + "/_dash-layout", "headers": {"Referer": url}}))
        for headers in ODD_HEADERS:
            planned.append(("header", f"{route} {str(headers)[:60]}",
                            {"method": "GET", "url": base + route, "headers": headers}))
            planned.append(("header", f"layout {str(headers)[:60]}",
                            {"method": "GET", "url": base + "/_dash-layout", "headers": headers}))
    router = next(entry for entry in callbacks if entry["output"].startswith(".._pages_content.children"))
    for route in ROUTES:
        # Unicode digits for every number the pages read ("²".isdigit() is true, int("²") raises), then at random.
        queries = [f"{key}={quote(value)}" for key in ("year", "page", "from", "to") for value in ("²", "١٢")]
        queries += [f"{rng.choice(QUERY_KEYS)}={quote(value, safe='%')}" for value in rng.sample(ODD_QUERY_VALUES, 3)]
        for query in queries:
            prefix = rng.choice(LOCALE_PREFIXES)
            planned.append(("router", f"{prefix}{route}?{query[:30]}", {
                "method": "POST", "url": update, "json": _body(router, [prefix + route, f"?{query}"]),
                "headers": {"Referer": f"{base}{prefix}{route}?{query}"}}))
    return planned


def test_no_odd_request_gets_a_5xx(app_url: str) -> None:
    callbacks = [entry for entry in requests.get(app_url + "/_dash-dependencies", timeout=30).json()
                 if not entry.get("clientside_function")]
    assert len(callbacks) >= 20, [entry["output"] for entry in callbacks]
    planned = _requests(app_url, callbacks, random.Random(FUZZ_SEED))
    started = time.monotonic()

    def send(item: tuple[str, str, dict]) -> tuple[str, str, int | None]:
        kind, description, arguments = item
        try:
            return kind, description, requests.request(timeout=60, **arguments).status_code
        except requests.RequestException as exc:  # no answer at all counts as a server failure
            return kind, f"{description}: {exc}", 599

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(send, planned))
    sent = results  # every planned request is sent: a slow machine takes longer, it does not skip any
    failures = [result for result in sent if result[2] >= 500]
    print(f"\nfuzz: {len(sent)} of {len(planned)} requests sent in {time.monotonic() - started:.1f} s; "
          f"5xx by kind: {dict(Counter(kind for kind, _, _ in failures))}; statuses: "
          f"{dict(Counter(status for _, _, status in sent))}")
    for kind, description, status in failures[:40]:
        print(f"  {status} {kind}: {description}")
    assert not failures, f"{len(failures)} answers were 5xx (listed above)"

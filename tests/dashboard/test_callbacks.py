"""Callback inputs coerced by kind, and malformed callback posts answered 400 (dashboard/callbacks.py), through
the app's real Flask server (the fuzz test, tests/dashboard/test_fuzz.py, does the same through gunicorn)."""

from __future__ import annotations

import json

import dash
import pytest

import app  # registers the pages and their callbacks, as gunicorn does
from dashboard import dash_boundary
from dashboard.callbacks import PREVENT, checked, clicks, codes, number, text

UPDATE = "/_dash-update-component"
pytestmark = pytest.mark.usefixtures("warm_app")  # the callback map is filled by Dash's first-request set-up


def post(body) -> int:
    data = body if isinstance(body, bytes) else json.dumps(body)
    return app.server.test_client().post(UPDATE, data=data, content_type="application/json").status_code


def body(output: str, values: list) -> dict:
    entry = app.app.callback_map[output]
    items = [{**item, "value": value} for item, value in zip(entry["inputs"] + entry["state"], values, strict=True)]
    declared = dash_boundary._declared_outputs(output)
    return {"output": output, "outputs": declared if output.startswith("..") else declared[0],
            "inputs": items[:len(entry["inputs"])], "state": items[len(entry["inputs"]):],
            "changedPropIds": [f"{items[0]['id']}.{items[0]['property']}"]}


def test_each_kind_gives_the_default_for_a_wrong_value() -> None:
    @checked(text(known={"a", "b"}, default="a"), number(1900, 2100), codes(), clicks())
    def echo(*args):
        return args

    assert echo("b", 2020, ["NOR", "KEN"], 3) == ("b", 2020, ["NOR", "KEN"], 3)
    for wrong in (["b"], {"b": 1}, 2020, "c", "x" * 5000, None):
        assert echo(wrong, 2020, [], 0)[0] == "a"
    for wrong in ("2020", "²", 2020.0, True, 10 ** 30, -1, [2020], None):
        assert echo("a", wrong, [], 0)[1] is None
    assert echo("a", None, ["NOR", 1, None, "x", ["KEN"], "KEN"], 0)[2] == ["NOR", "KEN"]
    assert echo("a", None, "NOR", -5)[2:] == ([], 0)
    assert echo("a") == ("a",)  # a direct call may leave arguments to the function's defaults


def test_a_prevent_default_leaves_the_outputs_alone() -> None:
    @checked(text(known={"a"}, default=PREVENT))
    def pick(value):
        return value

    with pytest.raises(dash.exceptions.PreventUpdate):
        pick(5)


def test_every_server_callback_checks_its_inputs() -> None:
    """Every callback of the pages is wrapped by `checked` (Dash's own router is checked by `guard`)."""
    assert len(app.app.callback_map) > 20  # every page's callbacks, not an empty map
    for output, entry in app.app.callback_map.items():
        if output.startswith(".._pages_content") or "callback" not in entry:  # the router; clientside ones
            continue
        function = entry["callback"]
        while not hasattr(function, "kinds") and hasattr(function, "__wrapped__"):
            function = function.__wrapped__
        assert hasattr(function, "kinds"), f"{output} has no checked inputs"
        assert len(function.kinds) == len(entry["inputs"]) + len(entry["state"]), output


@pytest.mark.parametrize("values", [
    ["2020", ["umc"], {"x": 1}, 10 ** 30], [None, None, None, None], [["a"], ["b"], ["c"], ["d"]],
])
def test_wrong_types_get_the_default_view_not_a_500(db, values: list) -> None:
    assert post(body("targets-query.data", values)) == 200
    assert post(body("targets-board.children", values)) == 200


def test_explore_with_a_string_for_the_year_draws_the_default_year(db) -> None:
    output = next(key for key in app.app.callback_map if key.startswith("..explore-map.figure"))
    entry = app.app.callback_map[output]
    values = ["internet_use", "2020", ["all"], "NOR"]  # the rest (scale, year range, order) left to their defaults
    assert post(body(output, values + [None] * (len(entry["inputs"]) + len(entry["state"]) - len(values)))) == 200


@pytest.mark.parametrize("raw", [
    b"", b"not json", b"[]", b"null", b'{"output": 1}', b'{"output": "nope.children"}', b"\xff",
    json.dumps({"output": "targets-query.data"}).encode(),
])
def test_malformed_bodies_are_a_400(db, raw: bytes) -> None:
    assert post(raw) == 400


def test_inputs_that_are_not_the_callbacks_are_a_400(db) -> None:
    good = body("targets-query.data", ["all", None, None, None])
    assert post(good) == 200
    assert post({**good, "inputs": good["inputs"][:-1]}) == 400
    assert post({**good, "inputs": {"a": 1}}) == 400
    assert post({**good, "inputs": [1, 2, 3, 4]}) == 400
    assert post({**good, "outputs": []}) == 400
    assert post({**good, "changedPropIds": "x"}) == 400
    assert post({**good, "state": [[{"id": 1}]]}) == 400


@pytest.mark.parametrize(("pathname", "search"), [(None, ""), (5, ""), ("NaN", ""), ("/explore", ["?year=2"])])
def test_the_router_takes_a_path_and_a_query_string_only(db, pathname, search) -> None:
    output = next(key for key in app.app.callback_map if key.startswith(".._pages_content"))
    assert post(body(output, [pathname, search])) == 400
    assert post(body(output, ["/explore", "?year=2020"])) == 200

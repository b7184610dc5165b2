"""One boundary with Dash (dashboard/dash_boundary.py, assets/dash_boundary.js), pinned to the versions it was
checked against; and an app that does nothing when imported (app.create_app, warmed up by gunicorn.conf.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

# The versions dashboard/dash_boundary.py was last checked against. On an upgrade, re-check each item below, then
# update these pins.
PINNED = {"dash": "4.4.1", "plotly": "7.1.0"}
RECHECK = """\
dashboard/dash_boundary.py relies on Dash's and plotly's private parts; after an upgrade re-check:
 1. own components: Component still reads _namespace, _type, _prop_names, _base_nodes, _children_props,
    _valid_wildcard_attributes from the class (tests/dashboard/test_components.py, tests/dashboard/test_staged.py);
 2. dash.html's namespace and _type (tests/dashboard/test_static_html.py);
 3. dash._pages._path_to_page and _parse_query_string, the page container's ids (_pages_location, _pages_content,
    _pages_store, _pages_dummy: dash.dash._ID_*), the title callback in app._callback_list
    (tests/dashboard/test_prerender.py); dash.dash's and dash._pages' `_path_to_page`, wrapped for locale
    prefixes (tests/dashboard/test_i18n.py);
 4. the URLs _dash-update-component (its post's shape: tests/dashboard/test_callbacks.py and
    tests/dashboard/test_fuzz.py),
    _dash-layout, _dash-dependencies, and the script path plotly/package_data/plotly.*.js
    (tests/dashboard/test_plotly_bundle.py; package.json's plotly.js-geo-dist-min at plotly.js's version);
 5. Dash's first-request set-up still racing with other threads (tests/dashboard/test_serving.py);
 6. assets/dash_boundary.js: dcc.Link still fires `_dashprivate_pushstate` (tests/browser/test_browser.py -k fragment);
 then re-run benchmarks/tricks_benchmark.py and update docs/serving.md's measured gains."""

# Where the rest of the app lives; none of it may name Dash's private parts.
CHECKED = ["app.py", "gunicorn.conf.py", "dashboard/**/*.py", "assets/*.js"]
BOUNDARY = {"dashboard/dash_boundary.py", "assets/dash_boundary.js"}
PRIVATE = re.compile(r"dash\._|from dash\.\w+ import _|\._callback_list|\b_prop_names\b|\b_base_nodes\b|"
                     r"\b_children_props\b|\b_namespace\b|\._type\b|\b_type\s*=|_dash-|_dashprivate|_pages_"
                     r"|_valid_wildcard_attributes|sys\.modules")


def test_dash_and_plotly_are_the_versions_the_boundary_was_checked_against() -> None:
    installed = {name: version(name) for name in PINNED}
    assert installed == PINNED, f"installed {installed}, pinned {PINNED}.\n{RECHECK}"
    requirements = (PROJECT_ROOT / "requirements.txt").read_text()
    for name, pinned in PINNED.items():  # what `make run` installs is what was checked
        assert re.search(rf"^{name}==\s*{re.escape(pinned)}\s*$", requirements, re.MULTILINE | re.IGNORECASE), \
            f"requirements.txt does not pin {name}=={pinned}.\n{RECHECK}"


def test_no_module_but_the_boundary_touches_dashs_private_names() -> None:
    files = sorted({path for pattern in CHECKED for path in PROJECT_ROOT.glob(pattern)})
    assert any(path.name == "prerender.py" for path in files)  # the globs do find the dashboard's modules
    offending = [f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
                 for path in files if str(path.relative_to(PROJECT_ROOT)) not in BOUNDARY
                 for number, line in enumerate(path.read_text().splitlines(), 1) if PRIVATE.search(line)]
    assert offending == [], "Dash's private names outside dashboard/dash_boundary.py:\n" + "\n".join(offending)
    boundary = (PROJECT_ROOT / "dashboard" / "dash_boundary.py").read_text()
    assert PRIVATE.search(boundary) and "assets/dash_boundary.js" in boundary  # the boundary names its JS side


def test_importing_the_app_sends_no_request_and_opens_no_database(built_db: Path, tmp_path: Path) -> None:
    """Importing `app` builds it and nothing more; app.warm_up (gunicorn's post_worker_init) does the rest."""
    probe = """
import json, sys
from dashboard import data
import app
seen = {"got_first_request": app.server._got_first_request, "instances": len(data._instances),
        "server_is_the_apps": app.server is app.create_app().server}
app.warm_up()
seen.update(warmed_first_request=app.server._got_first_request, warmed_instances=len(data._instances))
print(json.dumps(seen))
"""
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=300, env={**os.environ, "DDI_DB": str(built_db)})
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"got_first_request": False, "instances": 0, "server_is_the_apps": True,
                    "warmed_first_request": True, "warmed_instances": 1}


def test_the_app_imports_without_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "no-such.duckdb"
    result = subprocess.run([sys.executable, "-c", "import app; print(app.server.name)"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=300, env={**os.environ, "DDI_DB": str(missing)})
    assert result.returncode == 0 and result.stdout.strip() == "app", result.stderr[-2000:]
    assert not missing.exists()


def test_gunicorn_warms_each_worker_up_from_its_config() -> None:
    config = (PROJECT_ROOT / "gunicorn.conf.py").read_text()
    assert re.search(r"def post_worker_init\(worker\).*\n(.*\n)*.*app\.warm_up\(", config)
    for user in ["Makefile", "tests/conftest.py", "deploy/run_local.py"]:
        assert "gunicorn.conf.py" in (PROJECT_ROOT / user).read_text(), user


@pytest.mark.browser
def test_a_links_navigation_is_announced_under_our_own_name(open_page) -> None:
    """assets/dash_boundary.js re-announces dcc.Link's private navigation event as `ddi:navigate` (fragment.js
    listens to it): if Dash renames its event, this fails."""
    record = open_page("/country")
    record.page.evaluate("window.__navigations = 0; "
                         "window.addEventListener('ddi:navigate', () => { window.__navigations += 1; })")
    record.page.get_by_role("link", name="Kenya", exact=True).click()  # a dcc.Link: no new document
    record.page.wait_for_selector("#country-trend-internet_use .scatterlayer .trace", state="attached",
                                  timeout=60_000)
    assert record.page.evaluate("window.__navigations") == 1
    assert record.errors == []



def _component_classes() -> list[type]:
    """Every dash.html and dcc component class, and the app's own."""
    import inspect

    from dash import dcc, html
    from dash.development.base_component import Component

    from dashboard.address_query import AddressQuery
    from dashboard.html_block import HtmlBlock
    from dashboard.staged import StagedDropdown, StagedGraph
    found = [cls for module in (html, dcc) for _, cls in inspect.getmembers(module, inspect.isclass)
             if issubclass(cls, Component) and cls is not Component]
    return [*found, HtmlBlock, AddressQuery, StagedGraph, StagedDropdown]


def _built_by_dash(cls: type, **kwargs):
    """`cls(**kwargs)` with Dash's own Component.__init__ (dash_boundary's put back for the call)."""
    from dash.development.base_component import Component

    from dashboard import dash_boundary
    Component.__init__ = dash_boundary._dash_init
    try:
        return cls(**kwargs)
    finally:
        dash_boundary.check_components_cheaply()


def test_components_are_built_and_sent_as_dashs_own_code_does() -> None:
    """dash_boundary's cheaper Component.__init__ and to_plotly_json: the same attributes, the same dict in the same
    order, on every class; the same error, from Dash's own code, for any argument Dash refuses."""
    import inspect

    from dash import html

    from dashboard import dash_boundary
    classes = _component_classes()
    assert len(classes) > 100
    for cls in classes:
        names = set(inspect.signature(cls.__init__).parameters)
        given = {name: value for name, value in [("id", "x"), ("style", {"color": "red"}), ("className", "c"),
                                                  ("title", 3), ("children", "text"), ("href", "/a"),
                                                  ("options", [])] if name in names}
        if cls.__module__.startswith("dash.html."):  # dash.html's elements take data-* and aria-*
            given.update({"data-b": 1, "aria-a": "y"})
        ours, dashs = cls(**given), _built_by_dash(cls, **given)
        assert ours.__dict__ == dashs.__dict__, cls
        sent, dash_sent = ours.to_plotly_json(), dash_boundary._dash_to_plotly_json(dashs)
        assert sent == dash_sent and list(sent["props"]) == list(dash_sent["props"]), cls
    tree = html.Div([html.P("a", id="p", **{"data-z": 2, "aria-label": "l", "data-a": 1}), "b"], title="t")
    assert json.dumps(tree, default=lambda c: c.to_plotly_json()) == \
        json.dumps(tree, default=dash_boundary._dash_to_plotly_json)
    for wrong in ({"nonsense": 1}, {"id": 3}, {"title": html.P("x")}, {"id": {"a": [1]}}, {"id": {3: "a"}}):
        with pytest.raises(TypeError) as ours_error:
            html.Div(**wrong)
        with pytest.raises(TypeError) as dashs_error:
            _built_by_dash(html.Div, **wrong)
        assert str(ours_error.value) == str(dashs_error.value)
    assert html.Div(id={"type": "a", "index": 1}).id == {"type": "a", "index": 1}  # a dict id that Dash accepts


def test_the_index_tags_built_once_are_the_ones_dash_builds() -> None:
    """dash_boundary.index_resources_once: the index's script and stylesheet tags, kept, are what Dash's own methods
    build now, and the index carries them."""
    import app as app_module
    from dashboard import response_cache

    dash_app = app_module.create_app()
    client = dash_app.server.test_client()
    first = client.get("/explore?x=1", environ_base={response_cache.BYPASS: True}).get_data(as_text=True)
    second = client.get("/fr/targets", environ_base={response_cache.BYPASS: True}).get_data(as_text=True)
    for name in ("_generate_scripts_html", "_generate_css_dist_html"):
        kept, dashs = getattr(dash_app, name)(), getattr(type(dash_app), name)(dash_app)
        assert kept == dashs and "<" in kept
        assert kept in first and kept in second

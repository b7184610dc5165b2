"""The one place this app touches Dash's private names, ids and URLs (and plotly's script URL).

Everything else uses Dash's public API only (tests/dashboard/test_dash_boundary.py checks by grep, and pins the Dash
and plotly versions this file was checked against). On a Dash upgrade, re-check what this module relies on,
section by section; the browser side has one counterpart, assets/dash_boundary.js (Dash's private
navigation event, re-announced under our own name).

1. Components of our own (`HtmlBlock`, `own_type`): Dash's Component reads its class's `_namespace`,
   `_type`, `_prop_names`, `_base_nodes`, … which generated components set and hand-written ones must set
   too. Their browser halves live in `window.ddi_components` (assets/*.js).
2. Reading a component tree as HTML (`is_html_element`, `tag_of`): dash.html components' namespace and type.
3. The pages' router: `page_at` and `query_variables` are dash._pages' own helpers (the router callback uses
   them); `route_localized_paths` makes the router (and Dash's index meta tags) find a page under a locale prefix
   (/fr/explore: dashboard/i18n.py) by wrapping dash._pages' page finder; `filled_page_container` rebuilds Dash's
   page container with its private ids, and
   `title_callback_on_navigation_only` edits the callback list Dash serves as /_dash-dependencies.
4. Dash's URLs: the callback endpoint (and the shape of its posts: `guard`), the layout and dependency
   requests (preloaded by the index), and plotly's script swapped for a smaller bundle (`serve_smaller_plotly`).
5. Dash's first-request set-up (`first_request`): Dash sets itself up on a process's first request but marks
   that done before doing it, so threads arriving meanwhile got a 500.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

import dash
import dash._callback
import dash._pages
import dash.dash
from dash import dcc, html
from dash._pages import _parse_query_string, _path_to_page  # the router callback's own helpers
from dash.development.base_component import Component
from flask import abort, request, send_from_directory

from dashboard import i18n

ROOT = Path(__file__).resolve().parent.parent

# --- 1. components of our own ----------------------------------------------------------------------------------

NAMESPACE = "ddi_components"  # window.ddi_components in the browser
# Dash's Component.__init__ imports a component's namespace as a Python package for each keyword argument, to
# name the package's version in an error message it seldom shows. `ddi_components` is no package, so every
# such import failed only after searching all of sys.path; registered as a module, the import is a lookup.
sys.modules.setdefault(NAMESPACE, types.ModuleType(NAMESPACE, "This app's own Dash components (dashboard/)."))


class HtmlBlock(Component):
    """`children` (a string of HTML) inside a div with this `id` and `className` (dashboard/html_block.py says
    why; its browser half is assets/html_block.js)."""

    # What Dash's generated component classes declare, read by Component's __init__ and to_plotly_json; set in
    # the class body, as ComponentMeta registers the class's namespace from it.
    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = ["children"]
    _namespace = NAMESPACE
    _type = "HtmlBlock"
    _prop_names: ClassVar[list[str]] = ["children", "id", "className", "style"]
    available_properties: ClassVar[list[str]] = _prop_names
    _valid_wildcard_attributes: ClassVar[list[str]] = []
    available_wildcard_properties: ClassVar[list[str]] = []

    def __init__(self, children: str = "", id: str | None = None, className: str | None = None,
                 style: dict | None = None) -> None:
        given = {"id": id, "className": className, "style": style}
        super().__init__(children=children, **{name: value for name, value in given.items() if value is not None})


def own_type(cls: type[Component]) -> type[Component]:
    """A dcc component under our own name (class decorator): the same properties, our browser half."""
    cls._namespace, cls._type = NAMESPACE, cls.__name__
    return cls


# Component.__init__ checks each keyword argument, and formats the error message it would raise (the package's
# version, the component's id) for every one of them, raised or not; to_plotly_json asks for each of a class's ~20
# property names with hasattr (an AttributeError caught per property not set) and tests every instance attribute
# against each wildcard prefix. A page's layout builds and sends hundreds of components, a callback dozens: the two
# were ~8 % of the CPU time of answers built afresh. `_checked_init` and `_props` do the same checks and return the
# same dicts, in the same order; a keyword argument that fails a check is handed to Dash's own __init__, which
# raises its own error.
_dash_init, _dash_to_plotly_json = Component.__init__, Component.to_plotly_json
_PROP_SETS: dict[type, tuple[frozenset[str], tuple[str, ...]]] = {}


def _prop_set(component: Component) -> tuple[frozenset[str], tuple[str, ...]]:
    """(the property names, the wildcard prefixes) of `component`'s class, read once per class."""
    kind = type(component)
    found = _PROP_SETS.get(kind)
    if found is None:
        found = _PROP_SETS[kind] = (frozenset(component._prop_names), tuple(component._valid_wildcard_attributes))
    return found


def _checked_init(self: Component, **kwargs: object) -> None:
    """Component.__init__'s checks, its error message formatted only when it is raised (by Dash's own)."""
    self._validate_deprecation()
    names, wildcards = _prop_set(self)
    base_nodes = self._base_nodes
    for name, value in kwargs.items():
        if (name not in names and not name.startswith(wildcards)) \
                or (name not in base_nodes and isinstance(value, Component)) \
                or (name == "id" and not isinstance(value, str)):  # a dict id: Dash checks its keys and values
            _dash_init(self, **kwargs)
            return
    for name, value in kwargs.items():
        setattr(self, name, value)


def _props(self: Component) -> dict:
    """Component.to_plotly_json's "props": the properties set, in the class's order, then the wildcard ones
    (data-*, aria-*) in the order they were set."""
    _names, wildcards = _prop_set(self)
    own = self.__dict__
    props = {name: own[name] for name in self._prop_names if name in own}
    if wildcards:
        props.update({name: value for name, value in own.items() if name.startswith(wildcards)})
    return props


def _to_plotly_json(self: Component) -> dict:
    return {"props": _props(self), "type": self._type, "namespace": self._namespace}


def check_components_cheaply() -> None:
    """Replace Component.__init__ and to_plotly_json by `_checked_init` and `_to_plotly_json` (idempotent).
    tests/dashboard/test_dash_boundary.py holds them equal to Dash's own on every dash.html and dcc component."""
    Component.__init__, Component.to_plotly_json = _checked_init, _to_plotly_json


check_components_cheaply()


def props_of(component: Component) -> dict:
    """The properties set on a component (to_plotly_json's "props")."""
    return _props(component)


# --- 2. component trees as HTML ---------------------------------------------------------------------------------

def is_html_element(node: object) -> bool:
    """Whether `node` is a dash.html element (html.Div, html.P, …)."""
    return getattr(node, "_namespace", None) == html.Div._namespace


def tag_of(node: Component) -> str:
    """The HTML tag of a dash.html element ("div" for html.Div)."""
    return node._type.lower()


# --- 3. the pages' router ----------------------------------------------------------------------------------------

# Dash's ids for the page container's parts (dash.dash._ID_*): the router and title callbacks are wired to them.
LOCATION_ID, CONTENT_ID, STORE_ID, DUMMY_ID = "_pages_location", "_pages_content", "_pages_store", "_pages_dummy"


def _localized_path_to_page(path_id: str) -> tuple[dict, dict | None]:
    """Dash's page finder for a path id ("fr/explore", without the slashes), with its locale prefix taken off."""
    return _path_to_page(i18n.strip("/" + (path_id or "")).strip("/"))


def route_localized_paths() -> None:
    """Let Dash's router callback (dash.dash) and index meta tags (dash._pages) find the page at /fr/explore as
    the one at /explore: both look pages up through their module's `_path_to_page`, replaced here by
    `_localized_path_to_page`. Idempotent; call once as the app is built."""
    for module in (dash.dash, dash._pages):
        if getattr(module, "_path_to_page", None) is not _path_to_page and \
                getattr(module, "_path_to_page", None) is not _localized_path_to_page:
            raise RuntimeError(f"{module.__name__}._path_to_page is not Dash's page finder: has Dash changed?")
        module._path_to_page = _localized_path_to_page


def page_at(pathname: str) -> tuple[dict | None, dict | None]:
    """(the registered page at `pathname`, its path variables), as Dash's router finds them; a locale prefix
    (/fr/explore) names the same page as the path without it."""
    return _localized_path_to_page(dash.strip_relative_path(pathname) or "")


def query_variables(search: str) -> dict:
    """A query string ("?a=1") as the keyword arguments Dash's router passes to a page's layout."""
    return _parse_query_string(search)


def filled_page_container(pathname: str, search: str, content: object, title: str) -> html.Div:
    """Dash's page container (dash.page_container) already holding the page at `pathname` + `search`."""
    return html.Div([
        dcc.Location(id=LOCATION_ID, refresh="callback-nav", pathname=pathname, search=search),
        html.Div(content, id=CONTENT_ID, disable_n_clicks=True),
        dcc.Store(id=STORE_ID, data={"title": title}),  # Dash's clientside callback sets document.title from it
        html.Div(id=DUMMY_ID, disable_n_clicks=True),
    ])


def title_callback_on_navigation_only(app: dash.Dash) -> None:
    """Let Dash's page-title callback run on navigation only, not as each page loads (the index already
    carries the title). Call after Dash's first-request set-up, which fills the list."""
    for entry in app._callback_list:  # the list Dash serves as /_dash-dependencies
        if entry["output"] == f"{DUMMY_ID}.children" and entry["inputs"] == [{"id": STORE_ID, "property": "data"}]:
            entry["prevent_initial_call"] = True
            return
    raise RuntimeError("Dash's page-title callback was not found: has Dash changed how pages set the title?")


# --- 4. Dash's URLs ------------------------------------------------------------------------------------------------

UPDATE_PATH = "_dash-update-component"
LAYOUT_PATH = "_dash-layout"
DEPENDENCIES_PATH = "_dash-dependencies"
# Where Dash serves its components' scripts and styles, with a fingerprint in each URL (they never change in place).
COMPONENT_SUITES_PATH = "/_dash-component-suites/"


def is_layout_request(path: str) -> bool:
    return path.endswith("/" + LAYOUT_PATH)


def is_callback_request(path: str) -> bool:
    return path.endswith("/" + UPDATE_PATH)


def index_preloads(prefix: str) -> str:
    """Links for the index's <head>: Dash's renderer asks for the layout and the callback list only once all
    its scripts have run; preloaded, the browser fetches both while the scripts download."""
    return "".join(f'<link rel="preload" href="{prefix}{name}" as="fetch" crossorigin>'
                   for name in (LAYOUT_PATH, DEPENDENCIES_PATH))


def index_resources_once(app: dash.Dash) -> None:
    """Build the index's script and stylesheet tags once per process instead of on every index request (half of
    an index's ~1 ms: a stat of every script for its cache-busting `?m=` and a URL each). They change only when the
    code does, which restarts the server; a clientside callback registered since the last build (its inline script
    is part of the scripts' tags) makes them be built again."""
    for name in ("_generate_scripts_html", "_generate_css_dist_html"):
        setattr(app, name, _built_once(app, getattr(app, name)))


def _built_once(app: dash.Dash, build: Callable[[], str]) -> Callable[[], str]:
    kept: dict[int, str] = {}

    def once() -> str:
        scripts = len(app._inline_scripts) + len(dash._callback.GLOBAL_INLINE_SCRIPTS)  # Dash adds them as it builds
        if scripts not in kept:
            built = build()
            kept.clear()
            kept[len(app._inline_scripts) + len(dash._callback.GLOBAL_INLINE_SCRIPTS)] = built
            return built
        return kept[scripts]

    return once


# Dash's request for plotly.min.js is answered with plotly's partial bundle holding exactly the trace types we
# draw (scatter, choropleth, scattergeo): 1.4 MB instead of 4.8 MB, the same plotly.js version as plotly.py's
# (tests/dashboard/test_plotly_bundle.py checks); Dash's own file when npm has not run.
PLOTLY_GEO_BUNDLE = ROOT / "node_modules" / "plotly.js-geo-dist-min" / "plotly-geo.min.js"
PLOTLY_BUNDLE_PATH = "/_dash-component-suites/plotly/package_data/plotly."


def serve_smaller_plotly(app: dash.Dash) -> None:
    """Answer Dash's requests for plotly.min.js with the geo bundle (see above)."""

    @app.server.before_request
    def smaller_plotly():
        if request.path.startswith(PLOTLY_BUNDLE_PATH) and PLOTLY_GEO_BUNDLE.is_file():
            return send_from_directory(PLOTLY_GEO_BUNDLE.parent, PLOTLY_GEO_BUNDLE.name,
                                       mimetype="application/javascript", max_age=86400)
        return None


# The inputs of Dash's own callbacks (which dashboard.callbacks.checked cannot wrap) and what they take: the
# pages' router reads the address of dcc.Location, and raised on anything but a path under the app's prefix and a
# string query.
DASH_INPUTS = {
    (LOCATION_ID, "pathname"): ("a path", lambda value, prefix: isinstance(value, str) and value.startswith(prefix)),
    (LOCATION_ID, "search"): ("a string", lambda value, _prefix: value is None or isinstance(value, str)),
}


def guard(app: dash.Dash) -> None:
    """Answer a malformed callback post 400 (with one line saying what is wrong) before Dash reads it."""
    path = app.config.routes_pathname_prefix + UPDATE_PATH

    @app.server.before_request
    def check_callback_body():
        if request.path != path or request.method != "POST":
            return None
        problem = body_problem(request.get_json(silent=True), app.callback_map, app.config.requests_pathname_prefix)
        if problem:
            abort(400, description=f"Malformed callback request: {problem}.")
        return None


def _matches(items: object, declared: Iterable[dict]) -> bool:
    """Whether posted `items` are exactly the declared {id, property} pairs, in order (their values are the
    callback's to check). The site has no pattern-matching callbacks, whose items would be lists."""
    declared = list(declared)
    if not isinstance(items, list) or len(items) != len(declared):
        return False
    return all(isinstance(item, dict) and item.get("id") == spec["id"] and item.get("property") == spec["property"]
               for item, spec in zip(items, declared, strict=True))


def _declared_outputs(output: str) -> list[dict]:
    """The outputs a callback's id names: "..a.x...b.y.." for several, "a.x" for one."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


def body_problem(body: object, callback_map: dict, prefix: str = "/") -> str | None:
    """What is wrong with a callback post's JSON for Dash (None: nothing). Dash indexes into the body and the
    callback's entry without checking, so a missing key or a wrong shape raised inside Dash (a 500)."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "no such callback"
    entry = callback_map[output]
    if not _matches(body.get("inputs"), entry["inputs"]):
        return "the inputs are not the callback's"
    if not _matches(body.get("state", []), entry.get("state", [])):
        return "the state is not the callback's"
    for item in body["inputs"]:
        what, fits = DASH_INPUTS.get((item["id"], item["property"]), ("", None))
        if fits and not fits(item.get("value"), prefix):
            return f"{item['id']}.{item['property']} is not {what}"
    if not entry.get("no_output"):
        outputs = body.get("outputs")
        declared = _declared_outputs(output)
        if output.startswith(".."):
            if not _matches(outputs, declared):
                return "the outputs are not the callback's"
        elif not _matches([outputs], declared):
            return "the output is not the callback's"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        return "changedPropIds is not a list of strings"
    return None


# --- 5. Dash's first-request set-up ----------------------------------------------------------------------------

def first_request(app: dash.Dash, layout_referrers: Iterable[str] = (),
                  then: Callable[[dash.Dash], None] | None = None, environ: dict | None = None) -> None:
    """Run Dash's first-request set-up in this process (one request for the index), then ask for the layout
    with each of `layout_referrers` as its Referer, then call `then(app)`. For a server's worker before it
    takes requests (gunicorn.conf.py); tests call it too."""
    with app.server.test_client() as client:
        client.environ_base.update(environ or {})  # e.g. the response cache's bypass flag
        client.get(app.config.requests_pathname_prefix)
        for referrer in layout_referrers:
            client.get(app.config.requests_pathname_prefix + LAYOUT_PATH, headers={"Referer": referrer})
    if then is not None:
        then(app)

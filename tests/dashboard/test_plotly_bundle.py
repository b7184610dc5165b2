"""The app serves plotly's geo bundle (scatter, choropleth, scattergeo) in place of the full one, at the
version plotly.py was built for, falling back to Dash's own file when npm has not installed it; Dash's other
scripts (its polyfill) are its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

import app
from dashboard import dash_boundary

ROOT = Path(__file__).resolve().parents[2]
# The URL Dash's renderer asks for (fingerprinted with plotly.py's version and a timestamp).
BUNDLE_URL = "/_dash-component-suites/plotly/package_data/plotly.v7_1_0m1700000000.min.js"
POLYFILL_URL = "/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1700000000.12.1.min.js"
# Trace types the figure builders use; the geo bundle must register each of them.
TRACE_TYPE = re.compile(r'"type":\s*"(\w+)",\s*"(?:x|locations|lon|lat|y)"|go\.(\w+)\(')


def test_the_geo_bundle_is_pinned_at_plotly_pys_version() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["plotly.js-geo-dist-min"]
    assert pinned == get_plotlyjs_version()


def test_the_served_plotly_is_the_geo_bundle_of_that_version() -> None:
    if not dash_boundary.PLOTLY_GEO_BUNDLE.is_file():
        pytest.fail("node_modules/plotly.js-geo-dist-min is missing: run `npm ci`")
    response = app.server.test_client().get(BUNDLE_URL)
    head = response.get_data()[:200].decode()
    assert response.status_code == 200 and "javascript" in response.mimetype
    assert f"plotly.js (geo - minified) v{get_plotlyjs_version()}" in head
    # Served as npm installed it: the compile hint once put first gained nothing measurable (docs/serving.md).
    assert response.get_data() == dash_boundary.PLOTLY_GEO_BUNDLE.read_bytes()


def test_every_trace_type_we_draw_is_in_the_geo_bundle() -> None:
    used = set()
    for source in (ROOT / "dashboard").rglob("*.py"):
        for match in TRACE_TYPE.finditer(source.read_text()):
            used.add((match.group(1) or match.group(2)).lower())
    assert "scatter" in used and "choropleth" in used  # the pattern finds both spellings
    assert used - {"figure"} <= {"scatter", "choropleth", "scattergeo"}, used  # go.Figure is no trace


def test_without_the_geo_bundle_the_full_one_is_served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(dash_boundary, "PLOTLY_GEO_BUNDLE", tmp_path / "absent.js")
    response = app.server.test_client().get(BUNDLE_URL)
    assert response.status_code == 200
    assert re.search(r"plotly\.js v\d", response.get_data()[:200].decode())


def test_dashs_own_polyfill_is_served() -> None:
    """The swap for the bare regenerator runtime was deleted (no measurable gain: docs/serving.md)."""
    response = app.server.test_client().get(POLYFILL_URL)
    assert response.status_code == 200 and b"core-js" in response.get_data()

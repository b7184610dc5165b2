"""axe-core (npm, injected into the page) finds no serious or critical accessibility violation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Each page with the selector that says its main content has been drawn.
PAGES = {
    "/": "#overview-spark-afford svg.sparkline polyline",
    "/explore?countries=NOR,NGA": "#explore-map path.choroplethlocation",
    "/about": "#about-coverage path.choroplethlocation",
    "/gaps": "#gaps-parity .scatterlayer .trace",
    "/targets": "#targets-map path.choroplethlocation",
    "/sql": "#sql-result table",
    "/country/KEN": ".js-plotly-plot .scatterlayer .trace",
    "/country": "#country-choose",
    "/data?indicator=internet_use&group=ldc": "#data-table table",
    "/scatter?group=ldc": "#scatter-chart .scatterlayer .trace",
    "/embed/scatter?group=ldc": "#chart .scatterlayer .trace",
    "/indicator/internet_use": "#indicator-editions-itu-key-ict .scatterlayer .trace",
    "/indicator?q=security": "#indicator-results li a",
}
CLICK_FIRST = {"/sql": "#sql-run"}  # the console runs its query on a click only


@pytest.mark.parametrize(("path", "ready"), list(PAGES.items()))
def test_no_serious_or_critical_violations(open_page, path: str, ready: str) -> None:
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci`")
    record = open_page(path)
    if path in CLICK_FIRST:
        record.page.click(CLICK_FIRST[path])
    record.page.wait_for_selector(ready, state="attached", timeout=60_000)
    record.page.add_script_tag(path=str(AXE))
    results = record.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5]}
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)


def test_controls_are_reachable_and_usable_by_keyboard(open_page) -> None:
    """Tab reaches the indicator picker, Enter opens it on its search box, typing filters, Enter chooses."""
    record = open_page("/explore")
    page = record.page
    page.wait_for_selector("#explore-map path.choroplethlocation", state="attached", timeout=30_000)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "explore-indicator":
            break
    else:
        pytest.fail("Tab never reached the indicator picker")
    name = page.evaluate("""(() => { const ids = document.activeElement.getAttribute('aria-labelledby').split(' ');
        return ids.map(id => document.getElementById(id).textContent).join(' '); })()""")
    assert name.startswith("Indicator")
    page.keyboard.press("Enter")  # opens the list with focus in its search box (assets/a11y.js)
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')")
    page.keyboard.type("Access to electricity")
    page.wait_for_selector("[role=option]:has-text('Access to electricity')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search.includes('indicator=electricity_access')", timeout=15_000)

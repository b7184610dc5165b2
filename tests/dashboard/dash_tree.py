"""Walking a Dash component tree in tests (the pages' layouts and callback outputs)."""

from __future__ import annotations

from collections.abc import Iterator


def walk(component) -> Iterator:
    """Every component in a Dash tree, depth first, the root first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)

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


def find(component, component_id: str):
    """The component with `component_id` in a Dash tree (None if absent)."""
    return next((node for node in walk(component) if getattr(node, "id", None) == component_id), None)


def text(component) -> str:
    """All the text inside a Dash tree, joined as it reads (no separators added)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return "".join(text(child) for child in children)
    return text(children)

"""Callbacks that hold against any request: Dash's callback posts are checked for shape before Dash reads them,
and each callback's inputs are coerced by their declared kind.

The page's own controls only ever send the values they offer, but a hand-made post may send anything: a string
for a year, a list for a framework, a dict, None, a number past any range. A value of the wrong type or outside
its known set is treated like a bad value in a link: the callback gets the default (and a log line says what was
ignored; nobody looks at a hand-made post's page). Usage, under `@callback(...)`:

    @checked(text(known=indicator_ids, default=DEFAULT_INDICATOR), number(1900, 2100), codes())
    def update(indicator, year, countries): ...

Malformed bodies (not JSON, missing keys, inputs that are not the callback's) are answered 400 by dash_boundary.guard,
before Dash, which raised on them (a 500); what Dash sends (its wire format) is known in dashboard/dash_boundary.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import wraps

import dash

from dashboard.url_state import ISO3

log = logging.getLogger(__name__)

MAX_TEXT = 100_000  # the longest text an input takes (an SQL query is the longest the pages send)
PREVENT = object()  # a default that means: leave the outputs as they are (Dash answers 204)
_WRONG = object()


@dataclass(frozen=True)
class Kind:
    """How to read one input: `read` gives the value or _WRONG; `default` (a value, or a function giving it)
    stands in for a wrong one."""

    name: str
    read: Callable[[object], object]
    default: object = None

    def coerce(self, value: object) -> tuple[object, bool]:
        read = self.read(value)
        if read is not _WRONG:
            return read, True
        if self.default is PREVENT:
            raise dash.exceptions.PreventUpdate
        return (self.default() if callable(self.default) else self.default), False


def text(known: Callable[[], Collection[str]] | Collection[str] | None = None, default: object = None,
         max_length: int = 200) -> Kind:
    """A string (of at most `max_length` characters, and one of `known` when given: a collection or a function
    giving one, e.g. the ids a dropdown offers). None reads as the default, like an empty link value."""
    def read(value: object) -> object:
        if not isinstance(value, str) or len(value) > max_length:
            return _WRONG
        allowed = known() if callable(known) else known
        return value if allowed is None or value in allowed else _WRONG

    return Kind(f"text{' (known)' if known is not None else ''}", read, default)


def number(low: int, high: int, default: object = None) -> Kind:
    """An integer (not a bool, not a float, not a string of digits) from `low` to `high`."""
    def read(value: object) -> object:
        return value if type(value) is int and low <= value <= high else _WRONG

    return Kind(f"integer {low}–{high}", read, default)


def number_pair(low: int, high: int) -> Kind:
    """Two integers from `low` to `high` (a RangeSlider's value), low first; anything else reads as None."""
    def read(value: object) -> object:
        fine = isinstance(value, list) and len(value) == 2
        if not (fine and all(type(item) is int and low <= item <= high for item in value)):
            return _WRONG
        return sorted(value)

    return Kind(f"pair of integers {low}–{high}", read, None)


def clicks() -> Kind:
    """A button's n_clicks: a count, 0 when wrong."""
    return number(0, 2 ** 53, default=0)


def texts(known: Callable[[], Collection[str]] | Collection[str] | None = None, max_items: int = 300) -> Kind:
    """A list of strings (a multi-select's value); the items that are not strings (or not `known`) are dropped,
    anything but a list reads as []."""
    def read(value: object) -> object:
        if not isinstance(value, list):
            return _WRONG
        allowed = known() if callable(known) else known
        return [item for item in value[:max_items]
                if isinstance(item, str) and len(item) <= 200 and (allowed is None or item in allowed)]

    return Kind("list of strings", read, list)


def codes() -> Kind:
    """A list of ISO3 codes (a country multi-select): items that are not codes dropped, anything else []."""
    items = texts()

    def read(value: object) -> object:
        read_items = items.read(value)
        return _WRONG if read_items is _WRONG else [item for item in read_items if ISO3.fullmatch(item)]

    return Kind("list of ISO3 codes", read, list)


def checked(*kinds: Kind) -> Callable[[Callable], Callable]:
    """Coerce a callback's arguments (its inputs, then its states) by `kinds`, in order: see the module."""
    def wrap(function: Callable) -> Callable:
        @wraps(function)
        def run(*args: object):
            if len(args) > len(kinds):
                raise TypeError(f"{function.__name__} takes {len(kinds)} inputs, got {len(args)}")
            values = []  # arguments left out (a direct call) keep the function's own defaults
            for position, (kind, value) in enumerate(zip(kinds, args, strict=False)):
                coerced, fine = kind.coerce(value)
                if not fine and value is not None:
                    log.info("%s: input %d is not a %s (%.40r): using %r", function.__name__, position, kind.name,
                             value, coerced)
                values.append(coerced)
            return function(*values)

        run.kinds = kinds
        return run

    return wrap

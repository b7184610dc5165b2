"""Rows of a query result as plain Python: shared by the query layer (indexes built per database version) and the
figures (which read rows, not frames)."""

from __future__ import annotations

import math

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, column by column (DataFrame.to_dict('records') is ~4x slower on Arrow-backed columns)."""
    columns = list(frame.columns)
    return [dict(zip(columns, row, strict=True)) for row in zip(*(frame[c].tolist() for c in columns), strict=True)]


def num(value) -> float | None:
    """A float, or None for NULL / NaN / pd.NA."""
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def plain(value):
    """A JSON-ready Python value: NaN/NA → None, numpy scalars → Python numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _plain_fast(value):
    """plain(), with the common cases (text, whole numbers, floats, NaN) answered without pandas."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if value != value else value
    return plain(value)


def plain_records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a small frame as plain dicts (much cheaper than pandas operations on a few dozen rows)."""
    columns = list(frame.columns)
    values = [[_plain_fast(value) for value in frame[column].tolist()] for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]

"""Relative/absolute pairs of indicators (pairs.yaml): the same concept per person (or per income, or as a share)
and as a raw amount. Explore offers a toggle between the two members of a pair."""

from __future__ import annotations

from functools import cache

import yaml

from indicators import CATALOGUE_DIR, CatalogueError, catalogue

KINDS = ("relative", "absolute")


@cache
def pairs() -> dict[str, dict[str, str]]:
    """Each paired indicator id → {"relative": id, "absolute": id}; checked against the catalogue."""
    known = catalogue().indicators
    found: dict[str, dict[str, str]] = {}
    for entry in yaml.safe_load((CATALOGUE_DIR / "pairs.yaml").read_text(encoding="utf-8")) or []:
        if not isinstance(entry, dict) or set(entry) != set(KINDS):
            raise CatalogueError(f"pairs.yaml: each pair has exactly {' and '.join(KINDS)}: {entry!r}")
        pair = {kind: str(entry[kind]) for kind in KINDS}
        for indicator_id in pair.values():
            if indicator_id not in known:
                raise CatalogueError(f"pairs.yaml: unknown indicator {indicator_id}")
            if indicator_id in found:
                raise CatalogueError(f"pairs.yaml: {indicator_id} is in two pairs")
            found[indicator_id] = pair
    return found

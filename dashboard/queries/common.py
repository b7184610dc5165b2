"""Queries every page shares: the indicators, economies and groups, definition changes of spliced series, and
how our group figures relate to the publishers' own."""

from __future__ import annotations

import pandas as pd

from dashboard import data


def indicators() -> pd.DataFrame:
    """Indicators that have observations, with their source and vintage for captions."""
    return data.query("""
        SELECT i.indicator_id, i.name, i.unit, i.description, i.source_code, i.higher_is_better,
               s.publisher, s.dataset, s.license, s.attribution, s.vintage
        FROM indicator i JOIN source s USING (source_id)
        WHERE EXISTS (SELECT 1 FROM observation o WHERE o.indicator_id = i.indicator_id)
        ORDER BY i.name
    """)


def countries() -> pd.DataFrame:
    return data.query("SELECT iso3, name, wb_region, income_group FROM country ORDER BY name")


def country_names(locale: str) -> pd.DataFrame:
    """iso3, display_name and source of every economy in one of the six UN languages ('en', 'fr', 'es', 'ar',
    'zh', 'ru'): UNTERM's short names without their article, ordered by that name ignoring accents and case (table
    country_name).
    An unknown locale gives no rows."""
    return data.query("SELECT iso3, display_name AS name, source FROM country_name WHERE locale = ? "
                      "ORDER BY display_name COLLATE NOACCENT.NOCASE",
                      [locale])


def country_groups() -> pd.DataFrame:
    """Every country group but the world itself (which is the unfiltered view)."""
    return data.query("SELECT group_id, group_type, name FROM country_group WHERE group_type <> 'world' "
                      "ORDER BY group_type, name")


def group_members(group_id: str) -> pd.DataFrame:
    return data.query("SELECT iso3 FROM group_member WHERE group_id = ? ORDER BY iso3", [group_id])


def definition_changes(indicator_id: str) -> tuple[tuple[int, str], ...]:
    """The years a spliced series (ITU's price baskets) changes definition, with their labels ("5 GB from
    2025"), oldest first; () for every other series."""
    return _definition_changes().get(indicator_id, ())


@data.per_version_all_languages
def _definition_changes() -> dict[str, tuple[tuple[int, str], ...]]:
    """Every series' definition changes, read in one query per version (a few dozen rows): a query per indicator
    cost a page a database round trip for each of the 149 indicators it was first asked for."""
    rows = data.query("SELECT indicator_id, year, label FROM definition_change ORDER BY indicator_id, year")
    changes: dict[str, list[tuple[int, str]]] = {}
    for indicator_id, year, label in zip(rows["indicator_id"].tolist(), rows["year"].tolist(), rows["label"].tolist(),
                                         strict=True):
        changes.setdefault(str(indicator_id), []).append((int(year), str(label)))
    return {indicator_id: tuple(found) for indicator_id, found in changes.items()}


def publisher_match(group_id: str, dataset_key: str) -> dict | None:
    """The publisher's aggregate named like our group (table publisher_group): group_code, match ('same',
    'classification', 'approximate') and note; None when the publisher has none."""
    rows = data.query("""SELECT group_code, match, note FROM publisher_group WHERE group_id = ? AND dataset_key = ?
                    ORDER BY match = 'approximate', group_code""", [group_id, dataset_key])
    return rows.iloc[0].to_dict() if len(rows) else None


def publisher_difference(group_code: str, year: int) -> str | None:
    """Why our figure differs from the publisher's `group_code` in `year` by more than half a point (the
    reasons indicators/publisher_groups.yaml states and a test holds to), or None: they agree."""
    rows = data.query("SELECT reason FROM publisher_difference WHERE group_code = ? AND ? BETWEEN first_year "
                      "AND last_year", [group_code, year])
    return str(rows.iloc[0, 0]) if len(rows) else None


@data.per_version_all_languages
def economy_status_counts() -> dict[str, dict[str, int]]:
    """{target_id: {status: economies}} over every target's country rows."""
    rows = data.query("""SELECT target_id, status, count(*) AS economies FROM target_progress
                         WHERE scope_type = 'country' GROUP BY ALL""")
    counts: dict[str, dict[str, int]] = {}
    for target_id, status, economies in zip(rows["target_id"], rows["status"], rows["economies"], strict=True):
        counts.setdefault(str(target_id), {})[str(status)] = int(economies)
    return counts

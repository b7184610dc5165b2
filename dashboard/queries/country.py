"""The Country page's queries: an economy, its groups, targets, headline series and profile."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard import data

ISO3 = re.compile(r"[A-Z]{3}")

# The per-economy queries below read all economies at once, cached per database version
# (dashboard.data.query), and keep one economy's rows: a profile opened from the picker is then built from
# the cache (~6 ms saved per query that would have missed it), and the workers' warm-up fills it. Which rows
# are whose is indexed once per version (`data.per_version`: dicts of positions or of small rows), so that a
# request slices them with plain Python instead of filtering the whole frame with pandas.


def _positions(codes: list[str]) -> dict[str, list[int]]:
    """{iso3: positions of its rows} in a frame's column of codes, in the frame's order."""
    positions: dict[str, list[int]] = {}
    for position, code in enumerate(codes):
        positions.setdefault(code, []).append(position)
    return positions


def _records(frame: pd.DataFrame, rows: slice | list[int]) -> list[dict]:
    """The `rows` (a slice or positions) of `frame` as dicts of Python values, without its iso3, as
    `to_dict("records")` of the economy's rows gives them (missing integers as None), column by column: a
    fraction of pandas' cost on a frame of a hundred rows."""
    columns = [column for column in frame.columns if column != "iso3"]
    values = [_python_values(frame[column], rows) for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _python_values(column: pd.Series, rows: slice | list[int]) -> list:
    """A column's `rows` as Python values, as `to_dict` boxes them: numbers and booleans as int, float and
    bool (numpy's tolist), dates as Timestamps, texts as str, a missing integer as None."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":
        return column.to_numpy()[rows].tolist()
    values = column.array[rows]
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "python":  # str, or its missing value
        return values.to_numpy().tolist()  # not iterated: an element at a time costs a call each
    return [None if value is pd.NA else value for value in values.tolist()]


@data.per_version_all_languages
def _economy_rows() -> dict[str, pd.Series]:
    everyone = data.query("SELECT * FROM country")
    return {code: everyone.iloc[position] for position, code in enumerate(everyone["iso3"].tolist())}


def economy_row(iso3: str) -> pd.Series | None:
    """The economy's row of `country` (callers must not change it), or None."""
    if not ISO3.fullmatch(iso3 or ""):
        return None
    return _economy_rows().get(iso3)


def economy_groups(iso3: str) -> dict[str, pd.Series]:
    """The economy's World Bank region and income group ('region', 'income'), from group_member.

    A low- or middle-income economy is also in 'low and middle income': its own, smallest income
    group is the one shown. Callers must not change what it returns.
    """
    return _groups_by_economy().get(iso3, {})


@data.per_version_all_languages
def _groups_by_economy() -> dict[str, dict[str, pd.Series]]:
    """{iso3: {'region': row, 'income': row}}, each row a Series of group_id, group_type, name, members."""
    everyone = data.query("""
        WITH sizes AS (SELECT group_id, count(*) AS members FROM group_member GROUP BY group_id)
        SELECT gm.iso3, cg.group_id, cg.group_type, cg.name, sizes.members
        FROM group_member gm JOIN country_group cg ON cg.group_id = gm.group_id
        JOIN sizes ON sizes.group_id = gm.group_id
        WHERE cg.group_type IN ('wb_region', 'income_group')
        QUALIFY row_number() OVER (PARTITION BY gm.iso3, cg.group_type ORDER BY sizes.members, cg.group_id) = 1
    """)
    key = {"wb_region": "region", "income_group": "income"}
    groups: dict[str, dict[str, pd.Series]] = {}
    for code, (_, row) in zip(everyone["iso3"].tolist(), everyone.drop(columns="iso3").iterrows(), strict=True):
        groups.setdefault(code, {})[key[row["group_type"]]] = row
    return groups


def themes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The WSIS+20 themes in paragraph order, and which indicators evidence each.

    `rank` is the theme's place in the indicator's own list (indicator.themes): 1 = its main theme.
    """
    listing = data.query("SELECT theme_id, title, first_paragraph, last_paragraph, summary FROM theme "
                         "ORDER BY first_paragraph")
    links = data.query("""
        SELECT it.indicator_id, it.theme_id, coalesce(list_position(i.themes, it.theme_id), 99) AS rank
        FROM indicator_theme it JOIN indicator i USING (indicator_id)
        ORDER BY it.indicator_id, rank
    """)
    return listing, links


def targets(iso3: str) -> pd.DataFrame:
    everyone = _all_targets()
    return everyone[everyone["iso3"] == iso3].drop(columns="iso3").reset_index(drop=True)


def target_records(iso3: str) -> list[dict]:
    """`targets(iso3)` as a list of dicts (as its `to_dict("records")`), without pandas: new dicts each call."""
    columns, rows = _targets_by_economy()
    return [dict(zip(columns, row, strict=True)) for row in rows.get(iso3, ())]


@data.per_version_all_languages
def _targets_by_economy() -> tuple[list[str], dict[str, tuple[tuple, ...]]]:
    """The columns of `targets` and {iso3: its rows as tuples of Python values}: ~2,000 rows in all, kept whole."""
    everyone = _all_targets()
    records = _records(everyone, slice(None))
    columns = [column for column in everyone.columns if column != "iso3"]
    rows: dict[str, list[tuple]] = {}
    for code, record in zip(everyone["iso3"].tolist(), records, strict=True):
        rows.setdefault(code, []).append(tuple(record.values()))
    return columns, {code: tuple(found) for code, found in rows.items()}


def _all_targets() -> pd.DataFrame:
    return data.query("""
        SELECT p.scope_id AS iso3, t.target_id, t.framework, t.label, t.indicator_id, t.comparator,
               t.value AS goal, t.band, t.deadline_year, i.unit, p.basis, p.base_year, p.latest_year,
               p.latest_value, p.status, p.projected_year, p.distance, p.status_text, p.deadline_passed,
               p.status_value, p.status_year
        FROM target_progress p JOIN target t USING (target_id) LEFT JOIN indicator i USING (indicator_id)
        WHERE p.scope_id IN (SELECT iso3 FROM country)
          -- a target set for a group (LDCs, low and middle income) is shown for its members only
          AND (t.scope IN ('world', 'each_country')
               OR EXISTS (SELECT 1 FROM group_member gm WHERE gm.iso3 = p.scope_id AND gm.group_id = t.scope))
        ORDER BY t.deadline_year, t.framework, t.label
    """)


def _headline_queries(ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    marks = ", ".join("?" for _ in ids)
    economies = data.query(f"""
        SELECT indicator_id, iso3, year, value, obs_status FROM observation_total WHERE indicator_id IN ({marks})
    """, ids)
    groups = data.query(f"""
        SELECT indicator_id, group_id, year, value FROM group_aggregate_total
        WHERE indicator_id IN ({marks}) AND value IS NOT NULL
    """, ids)
    return economies, groups


def headline_series(iso3: str, group_ids: dict[str, str], ids: list[str]) -> pd.DataFrame:
    """The series of the indicators `ids` (the page's headlines) for the economy ('economy') and its groups
    ('region', 'income')."""
    economies, groups = _headline_queries(ids)
    line_of_group = {group_id: key for key, group_id in group_ids.items()}
    own = economies[economies["iso3"] == iso3].drop(columns="iso3").assign(line="economy")
    theirs = groups[groups["group_id"].isin(line_of_group)]
    theirs = theirs.assign(line=theirs["group_id"].map(line_of_group)).drop(columns="group_id")
    return (pd.concat([own, theirs], ignore_index=True)[["indicator_id", "line", "year", "value", "obs_status"]]
            .sort_values(["indicator_id", "line", "year"], ignore_index=True))


Line = tuple[list[int], list[float], list[str | None]]


def headline_lines(iso3: str, group_ids: dict[str, str], ids: tuple[str, ...]) -> dict[str, dict[str, Line]]:
    """`headline_series` as {indicator_id: {line: (years, values, flags)}}, years ascending, each flag the
    publisher's obs_status (None for a group): sliced from per-version dicts. Callers must not change it."""
    own, theirs = _headline_index(ids)
    lines: dict[str, dict[str, Line]] = {}
    for indicator_id in ids:
        found = {}
        if (indicator_id, iso3) in own:
            found["economy"] = own[indicator_id, iso3]
        for key, group_id in group_ids.items():
            if (indicator_id, group_id) in theirs:
                found[key] = theirs[indicator_id, group_id]
        lines[indicator_id] = found
    return lines


@data.per_version_all_languages
def _headline_index(ids: tuple[str, ...]) -> tuple[dict[tuple[str, str], Line], dict[tuple[str, str], Line]]:
    """({(indicator_id, iso3): line}, {(indicator_id, group_id): line}) of the indicators `ids`."""
    economies, groups = _headline_queries(list(ids))

    def index(keys: list, years: list, values: list, flags: list) -> dict[tuple[str, str], Line]:
        points: dict[tuple[str, str], list] = {}
        for key, year, value, flag in zip(keys, years, values, flags, strict=True):
            points.setdefault(key, []).append((int(year), float(value), flag))
        return {key: ([year for year, _, _ in rows], [value for _, value, _ in rows], [flag for _, _, flag in rows])
                for key, rows in ((key, sorted(rows, key=lambda row: row[:2])) for key, rows in points.items())}

    own = index(list(zip(economies["indicator_id"].tolist(), economies["iso3"].tolist(), strict=True)),
                economies["year"].tolist(), economies["value"].tolist(), economies["obs_status"].tolist())
    theirs = index(list(zip(groups["indicator_id"].tolist(), groups["group_id"].tolist(), strict=True)),
                   groups["year"].tolist(), groups["value"].tolist(), [None] * len(groups))
    return own, theirs


def indicator_meta() -> pd.DataFrame:
    """Name, unit and source line of every indicator (for the headline charts' captions)."""
    return data.query("""
        SELECT i.indicator_id, i.name, i.unit, i.source_code, s.attribution, s.vintage, s.license
        FROM indicator i JOIN source s USING (source_id)
    """)


@data.per_version_all_languages
def indicator_info() -> dict[str, dict]:
    """`indicator_meta` as {indicator_id: {name, unit, source_code, attribution, vintage, license}}."""
    return indicator_meta().set_index("indicator_id").to_dict("index")


def profile(iso3: str) -> pd.DataFrame:
    """One row per indicator with a total value for the economy (its rows of `all_profiles`).

    Columns: indicator_id, name, unit, year, value (the latest), source_id, publisher, dataset, vintage,
    license (of that value's release); region_/income_ year, value, coverage (the group aggregate for the
    same year, or the nearest year with a value); female, male, sex_year and rural, urban, area_year (the
    latest year with both).
    """
    everyone = all_profiles()
    return everyone[everyone["iso3"] == iso3].drop(columns="iso3").reset_index(drop=True)


def profile_records(iso3: str) -> list[dict]:
    """`profile(iso3)` as a list of dicts (as its `to_dict("records")`), sliced without pandas' filters."""
    positions = _profile_positions().get(iso3)
    # all_profiles is ordered by iso3: the economy's rows are one run, sliced as such.
    return _records(all_profiles(), slice(positions[0], positions[-1] + 1)) if positions else []


@data.per_version_all_languages
def _profile_positions() -> dict[str, tuple[int, int]]:
    """{iso3: (first, last) position of its rows in `all_profiles`} (ordered by iso3: one run each)."""
    runs = _positions(all_profiles()["iso3"].tolist())
    return {code: (positions[0], positions[-1]) for code, positions in runs.items()}


def all_profiles() -> pd.DataFrame:
    """Every economy's profile in one query, cached per database version (dashboard.data.query): one scan
    of `observation` for all 217 economies costs less than three profiles asked one by one."""
    return data.query("""
        WITH sizes AS (SELECT group_id, count(*) AS members FROM group_member GROUP BY group_id
        ), own_groups AS (  -- each economy's region and its own (smallest) income group, as economy_groups()
            SELECT gm.iso3, cg.group_type, gm.group_id
            FROM group_member gm JOIN country_group cg USING (group_id) JOIN sizes USING (group_id)
            WHERE cg.group_type IN ('wb_region', 'income_group')
            QUALIFY row_number() OVER (PARTITION BY gm.iso3, cg.group_type ORDER BY sizes.members, gm.group_id) = 1
        ), economy AS (
            SELECT iso3, max(group_id) FILTER (WHERE group_type = 'wb_region') AS region,
                   max(group_id) FILTER (WHERE group_type = 'income_group') AS income
            FROM own_groups GROUP BY iso3
        ), latest AS MATERIALIZED (
            SELECT iso3, indicator_id, year, value, source_id FROM observation_total
            QUALIFY row_number() OVER (PARTITION BY iso3, indicator_id ORDER BY year DESC) = 1
        ), groups AS (
            SELECT l.iso3, g.indicator_id, g.group_id, g.year, g.value, g.population_coverage
            FROM latest l JOIN economy e USING (iso3)
            JOIN group_aggregate_total g ON g.indicator_id = l.indicator_id AND g.group_id IN (e.region, e.income)
            WHERE g.value IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY l.iso3, g.indicator_id, g.group_id
                                       ORDER BY abs(g.year - l.year), g.year DESC) = 1
        ), pairs AS (
            SELECT iso3, indicator_id, year, 'sex' AS kind, max(value) FILTER (WHERE sex = 'female') AS first,
                   max(value) FILTER (WHERE sex = 'male') AS second
            FROM observation WHERE area = 'total' AND age = 'total' AND sex <> 'total'
            GROUP BY ALL
            UNION ALL
            SELECT iso3, indicator_id, year, 'area', max(value) FILTER (WHERE area = 'rural'),
                   max(value) FILTER (WHERE area = 'urban')
            FROM observation WHERE sex = 'total' AND age = 'total' AND area <> 'total'
            GROUP BY ALL
        ), latest_pairs AS (
            SELECT * FROM pairs WHERE first IS NOT NULL AND second IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY iso3, indicator_id, kind ORDER BY year DESC) = 1
        )
        SELECT l.iso3, l.indicator_id, i.name, i.unit, l.year, l.value, l.source_id, s.publisher, s.dataset,
               s.vintage, s.license,
               r.year AS region_year, r.value AS region_value, r.population_coverage AS region_coverage,
               n.year AS income_year, n.value AS income_value, n.population_coverage AS income_coverage,
               ps.first AS female, ps.second AS male, ps.year AS sex_year,
               pa.first AS rural, pa.second AS urban, pa.year AS area_year
        FROM latest l JOIN indicator i USING (indicator_id) JOIN source s ON s.source_id = l.source_id
        LEFT JOIN economy e ON e.iso3 = l.iso3
        LEFT JOIN groups r ON r.iso3 = l.iso3 AND r.indicator_id = l.indicator_id AND r.group_id = e.region
        LEFT JOIN groups n ON n.iso3 = l.iso3 AND n.indicator_id = l.indicator_id AND n.group_id = e.income
        LEFT JOIN latest_pairs ps ON ps.iso3 = l.iso3 AND ps.indicator_id = l.indicator_id AND ps.kind = 'sex'
        LEFT JOIN latest_pairs pa ON pa.iso3 = l.iso3 AND pa.indicator_id = l.indicator_id AND pa.kind = 'area'
        ORDER BY l.iso3, i.name
    """)

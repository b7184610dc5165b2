"""Target progress for every target × scope (the world, each group, each economy), and the
affordability and inequality summaries. Inputs are the tables already in the staging database."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from etl.measures import inequality, progress

TOTAL = "sex = 'total' AND area = 'total' AND age = 'total'"
AFFORDABLE_SHARE_OF_GNI = 2.0  # Broadband Commission and A4AI threshold, % of monthly GNI per capita
BASE_YEAR = 2015  # the SDG baseline, as in Open SDG's progress measure
PROGRESS_COLUMNS = ["target_id", "scope_id", "scope_type", "basis", "base_year", "base_value", "latest_year",
                    "latest_value", "required_rate", "observed_rate", "ratio", "status", "projected_year",
                    "distance"]


def _target(spec: dict) -> progress.Target:
    return progress.Target(comparator=spec["comparator"], value=float(spec["value"]),
                           deadline_year=int(spec["deadline_year"]), met_threshold=spec.get("met_threshold"),
                           band=spec.get("band"), bound=spec.get("bound"))


def _publisher_world(con: duckdb.DuckDBPyConnection, indicator_id: str) -> tuple[pd.DataFrame, str]:
    """The newest publisher world series (World Bank WLD or ITU's World), for scopes our data cannot cover."""
    if indicator_id == "internet_gender_parity":  # published by sex, not as a ratio: form it
        sql = """
            SELECT f.year, f.value / m.value AS value, f.source_id FROM published_aggregate f
            JOIN published_aggregate m USING (indicator_id, source_id, group_code, year, area, age)
            WHERE f.indicator_id = 'internet_use' AND f.sex = 'female' AND m.sex = 'male'
              AND f.group_code IN ('WLD', 'itu:world') AND f.area = 'total' AND f.age = 'total'"""
    else:
        sql = f"""SELECT year, value, source_id FROM published_aggregate
                  WHERE indicator_id = $indicator AND group_code IN ('WLD', 'itu:world') AND {TOTAL}"""
    rows = con.execute(f"""SELECT r.year, r.value, r.source_id FROM ({sql}) r JOIN source s USING (source_id)
                           QUALIFY s.vintage = max(s.vintage) OVER ()""",
                       {"indicator": indicator_id} if "$indicator" in sql else None).df()
    basis = f"publisher:{rows['source_id'].iloc[0]}" if len(rows) else "publisher"
    return rows[["year", "value"]], basis


def target_progress(con: duckdb.DuckDBPyConnection, specs: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `target` and `target_progress` tables."""
    target_rows, results = [], []
    for spec in specs:
        target_rows.append({
            "target_id": spec["id"], "framework": spec["framework"], "label": spec["label"],
            "indicator_id": spec["indicator"], "scope": spec["scope"], "comparator": spec["comparator"],
            "value": float(spec["value"]), "band": spec.get("band"), "met_threshold": spec.get("met_threshold"),
            "bound": spec.get("bound"), "deadline_year": int(spec["deadline_year"]),
            "source_url": spec["source_url"], "note": spec.get("note"),
        })
        indicator_id = spec["indicator"]
        if indicator_id is None:
            results.append(pd.DataFrame([{"target_id": spec["id"], "scope_id": "world", "scope_type": "world",
                                          "basis": "none", "status": "no open indicator"}]))
            continue
        target = _target(spec)
        groups = con.execute(f"""SELECT group_id AS scope_id, year, value FROM group_aggregate
            WHERE indicator_id = ? AND {TOTAL} AND value IS NOT NULL""", [indicator_id]).df()
        countries = con.execute(f"""SELECT iso3 AS scope_id, year, value FROM observation
            WHERE indicator_id = ? AND {TOTAL}""", [indicator_id]).df()
        # Where our world series is too thin (e.g. Internet use by sex), the publisher's world series is used.
        world, basis = (None, "ours")
        if groups.loc[groups["scope_id"] == "world", "year"].ge(BASE_YEAR).sum() < 2:
            world, basis = _publisher_world(con, indicator_id)
            if len(world):
                groups = groups[groups["scope_id"] != "world"]
        for frame, scope_type in ((groups, "group"), (countries, "country")):
            if len(frame):
                assessed = progress.assess_frame(frame, target, base_year=BASE_YEAR)
                assessed["scope_type"] = np.where(assessed["scope_id"] == "world", "world", scope_type)
                results.append(assessed.assign(target_id=spec["id"], basis="ours"))
        if world is not None and len(world):
            assessed = progress.assess_frame(world.assign(scope_id="world"), target, base_year=BASE_YEAR)
            results.append(assessed.assign(target_id=spec["id"], scope_type="world", basis=basis))
    table = pd.concat(results, ignore_index=True)
    return pd.DataFrame(target_rows), table.reindex(columns=PROGRESS_COLUMNS)


def affordability(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per price basket (% of GNI p.c.), group and year: economies priced, meeting 2 %, their share, the median."""
    return con.execute(f"""
        SELECT o.indicator_id, m.group_id, o.year, count(*) AS n_economies,
               count(*) FILTER (o.value <= {AFFORDABLE_SHARE_OF_GNI}) AS n_meeting,
               count(*) FILTER (o.value <= {AFFORDABLE_SHARE_OF_GNI}) / count(*) AS share_meeting,
               median(o.value) AS median_value
        FROM observation o
        JOIN indicator i USING (indicator_id)
        JOIN group_member m USING (iso3)
        WHERE i.unit = '% of monthly GNI per capita' AND o.{TOTAL.replace(' AND ', ' AND o.')}
        GROUP BY ALL ORDER BY ALL""").df()


def internet_inequality(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Population-weighted Gini and Theil (between and within World Bank regions) of Internet use, per year,
    over the economies reporting that year; years reported by under half the best year's economies are left out."""
    frame = con.execute(f"""
        SELECT o.year, o.value, p.value AS weight, c.wb_region AS "group"
        FROM observation o JOIN country c USING (iso3)
        ASOF JOIN observation p ON p.indicator_id = 'population' AND p.sex = 'total' AND p.area = 'total'
             AND p.age = 'total' AND p.iso3 = o.iso3 AND p.year <= o.year
        WHERE o.indicator_id = 'internet_use' AND o.{TOTAL.replace(' AND ', ' AND o.')}""").df()
    if frame.empty:
        return pd.DataFrame()
    counts = frame.groupby("year").size()
    broad = counts[counts >= 0.5 * counts.max()].index
    table = inequality.inequality_by_year(frame[frame["year"].isin(broad)])
    return table.assign(indicator_id="internet_use", grouping="wb_region")

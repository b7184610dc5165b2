"""Target progress for every target × scope (the world, each group, each economy), and the
affordability and inequality summaries. Inputs are the tables already in the staging database."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from etl.measures import inequality, progress, status_rules

TOTAL = "sex = 'total' AND area = 'total' AND age = 'total'"
AFFORDABLE_SHARE_OF_GNI = 2.0  # Broadband Commission and A4AI threshold, % of monthly GNI per capita
BASE_YEAR = 2015  # the SDG baseline, as in Open SDG's progress measure
PROGRESS_COLUMNS = ["target_id", "scope_id", "scope_type", "basis", "base_year", "base_value", "latest_year",
                    "latest_value", "required_rate", "observed_rate", "ratio", "status", "projected_year",
                    "distance", "pace_status", "deadline_passed", "status_value", "status_year", "status_basis",
                    "status_text", "rule_id", "pace", "projection_years", "projection_values"]
# The publishers' own series of a group (published_aggregate.group_code), for a deadline year our aggregate
# lacks: the World Bank's WDI codes and ITU's Facts and Figures codes.
PUBLISHER_CODES = {
    "world": ("WLD", "itu:world"),
    "ldc": ("LDC", "itu:ldc"),
    "lldc": ("itu:lldc",),
    "sids": ("itu:sids",),
    "income_group:low_and_middle_income": ("LMY",),
    "income_group:high_income": ("HIC", "itu:income_high"),
    "income_group:low_income": ("LIC", "itu:income_low"),
    "income_group:lower_middle_income": ("LMC", "itu:income_lower_middle"),
    "income_group:upper_middle_income": ("UMC", "itu:income_upper_middle"),
}


def _target(spec: dict) -> progress.Target:
    return progress.Target(comparator=spec["comparator"], value=float(spec["value"]),
                           deadline_year=int(spec["deadline_year"]), met_threshold=spec.get("met_threshold"),
                           band=spec.get("band"), bound=spec.get("bound"))


def _published(con: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    """Every publisher series of the groups in PUBLISHER_CODES for one indicator, every edition: group_code,
    source_id, year, value, vintage and a label ('ITU, Nov 2025'), newest edition first."""
    codes = sorted({code for group in PUBLISHER_CODES.values() for code in group})
    marks = ", ".join("?" for _ in codes)
    if indicator_id == "internet_gender_parity":  # published by sex, not as a ratio: form it
        sql = f"""
            SELECT f.group_code, f.source_id, f.year, f.value / m.value AS value FROM published_aggregate f
            JOIN published_aggregate m USING (indicator_id, source_id, group_code, year, area, age)
            WHERE f.indicator_id = 'internet_use' AND f.sex = 'female' AND m.sex = 'male'
              AND f.group_code IN ({marks}) AND f.area = 'total' AND f.age = 'total'"""
        params = codes
    else:
        sql = f"""SELECT group_code, source_id, year, value FROM published_aggregate
                  WHERE indicator_id = ? AND group_code IN ({marks}) AND {TOTAL}"""
        params = [indicator_id, *codes]
    frame = con.execute(f"""
        SELECT r.*, s.vintage, s.publisher || coalesce(', ' || strftime(s.vintage, '%b %Y'), '') AS label
        FROM ({sql}) r JOIN source s USING (source_id)
        WHERE r.value IS NOT NULL
        ORDER BY s.vintage DESC NULLS LAST, r.group_code LIKE 'itu:%' DESC, r.source_id""", params).df()
    return frame


def _publisher_world(published: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The newest publisher world series (World Bank WLD or ITU's World), for scopes our data cannot cover."""
    world = published[published["group_code"].isin(PUBLISHER_CODES["world"])]
    if world.empty:
        return world[["year", "value"]], "publisher"
    newest = world[world["vintage"] == world["vintage"].max()] if world["vintage"].notna().any() else world
    source_id = newest["source_id"].iloc[0]
    rows = newest[newest["source_id"] == source_id].drop_duplicates("year")
    return rows[["year", "value"]].sort_values("year"), f"publisher:{source_id}"


def _publisher_value(published: pd.DataFrame, scope_id: str, year: int) -> tuple[float, str, str] | None:
    """(value, 'publisher:<source_id>', label) of the newest edition with a value for the group and year."""
    codes = PUBLISHER_CODES.get(scope_id)
    if not codes:
        return None
    found = published[published["group_code"].isin(codes) & (published["year"] == year)]
    if found.empty:
        return None
    first = found.iloc[0]
    return float(first["value"]), f"publisher:{first['source_id']}", str(first["label"])


def _none(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else value


def _verdict(row: dict, target: progress.Target, spec: dict, current_year: int, unit: str | None,
             deadline: tuple[float, str, str] | None) -> dict:
    """The status columns of one row: the facts, the rule that holds (status_rules.RULES) and its text."""
    latest_value, latest_year = _none(row.get("latest_value")), _none(row.get("latest_year"))
    ratio, projected = _none(row.get("ratio")), _none(row.get("projected_year"))
    facts = status_rules.Facts(
        current_year=current_year, deadline_year=target.deadline_year, indicator=True,
        latest_year=None if latest_year is None else int(latest_year), latest_value=latest_value,
        latest_met=None if latest_value is None else progress.is_met(latest_value, target),
        deadline_value=None if deadline is None else deadline[0],
        deadline_met=None if deadline is None else progress.is_met(deadline[0], target),
        deadline_basis=None if deadline is None else deadline[2],
        has_pace=row.get("status") not in (None, "insufficient data"), ratio=ratio,
        projected_year=None if projected is None else int(projected))
    rule = status_rules.decide(facts)
    on_deadline = rule.rule_id in ("deadline_met", "deadline_missed")
    return {
        "status": rule.status, "rule_id": rule.rule_id, "status_text": status_rules.text(rule, facts, unit),
        "pace_status": None if ratio is None else progress.categorise(ratio),
        "deadline_passed": facts.deadline_passed,
        "status_value": deadline[0] if on_deadline else latest_value,
        "status_year": target.deadline_year if on_deadline else facts.latest_year,
        "status_basis": deadline[1] if on_deadline else (row.get("basis") if latest_value is not None else None),
    }


def target_progress(con: duckdb.DuckDBPyConnection, specs: list[dict], current_year: int | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `target` and `target_progress` tables: a row per target and scope it names
    (status_rules.named_scope_types), the status from status_rules.RULES."""
    current_year = current_year or date.today().year
    members: dict[str, set[str]] = {}
    for group_id, iso3 in con.execute("SELECT group_id, iso3 FROM group_member").fetchall():
        members.setdefault(group_id, set()).add(iso3)
    units = dict(con.execute("SELECT indicator_id, unit FROM indicator").fetchall())
    economies = {row[0] for row in con.execute("SELECT iso3 FROM country").fetchall()}
    target_rows, results = [], []
    for spec in specs:
        target_rows.append({
            "target_id": spec["id"], "framework": spec["framework"], "label": spec["label"],
            "wording": " ".join(spec["wording"].split()) if spec.get("wording") else None,
            "indicator_id": spec["indicator"], "scope": spec["scope"], "comparator": spec["comparator"],
            "value": float(spec["value"]), "band": spec.get("band"), "met_threshold": spec.get("met_threshold"),
            "bound": spec.get("bound"), "deadline_year": int(spec["deadline_year"]),
            "source_url": spec["source_url"], "note": spec.get("note"),
            "pace": progress.pace_kind(_target(spec)) if spec["indicator"] is not None else None,
        })
        indicator_id, scope = spec["indicator"], spec["scope"]
        if indicator_id is None:
            rule = status_rules.decide(status_rules.Facts(current_year, int(spec["deadline_year"]),
                                                          indicator=False))
            results.append(pd.DataFrame([{
                "target_id": spec["id"], "scope_id": "world" if scope in ("world", "each_country") else scope,
                "scope_type": "world" if scope in ("world", "each_country") else "group", "basis": "none",
                "status": rule.status, "rule_id": rule.rule_id, "status_text": rule.text,
                "deadline_passed": int(spec["deadline_year"]) < current_year}]))
            continue
        target, unit = _target(spec), units.get(indicator_id)
        types = status_rules.named_scope_types(scope)
        groups = con.execute(f"""SELECT group_id AS scope_id, year, value FROM group_aggregate
            WHERE indicator_id = ? AND {TOTAL} AND value IS NOT NULL""", [indicator_id]).df()
        countries = con.execute(f"""SELECT iso3 AS scope_id, year, value FROM observation
            WHERE indicator_id = ? AND {TOTAL}""", [indicator_id]).df()
        if scope not in ("world", "each_country"):  # a group's target: the group and its members only
            groups = groups[groups["scope_id"] == scope]
            countries = countries[countries["scope_id"].isin(members.get(scope, set()))]
        elif "group" not in types:
            groups = groups.iloc[0:0]
        published = _published(con, indicator_id)
        # Where our world series is too thin (e.g. Internet use by sex), the publisher's world series is used.
        world, basis = (None, "ours")
        if "world" in types and groups.loc[groups["scope_id"] == "world", "year"].ge(BASE_YEAR).sum() < 2:
            world, basis = _publisher_world(published)
            if len(world):
                groups = groups[groups["scope_id"] != "world"]
        frames = [(groups, "group", "ours", "our aggregate"), (countries, "country", "ours", "national value")]
        if world is not None and len(world):
            label = published.loc[published["source_id"] == basis.split(":", 1)[1], "label"].iloc[0]
            frames.append((world.assign(scope_id="world"), "world", basis, label))
        for frame, scope_type, row_basis, label in frames:
            if frame.empty:
                continue
            assessed = progress.assess_frame(frame, target, base_year=BASE_YEAR)
            assessed["scope_type"] = np.where(assessed["scope_id"] == "world", "world", scope_type)
            assessed = assessed.assign(target_id=spec["id"], basis=row_basis)
            at_deadline = frame[frame["year"] == target.deadline_year].dropna(subset=["value"])
            ours = dict(zip(at_deadline["scope_id"], at_deadline["value"].astype(float), strict=True))
            verdicts = []
            for row in _records(assessed):
                scope_id = row["scope_id"]
                if scope_id in ours:
                    deadline = (ours[scope_id], row_basis, label)
                elif scope_type == "group" and target.deadline_year < current_year:
                    deadline = _publisher_value(published, scope_id, target.deadline_year)
                else:
                    deadline = None
                verdicts.append(_verdict(row, target, spec, current_year, unit, deadline))
            results.append(pd.concat([assessed.drop(columns="status"), pd.DataFrame(verdicts)], axis=1))
        # Every economy the target names has a row, with or without data, so that every page counts economies
        # out of the same denominator.
        named = economies if scope in ("world", "each_country") else members.get(scope, set()) & economies
        unseen = sorted(named - set(countries["scope_id"]))
        if unseen:
            facts = status_rules.Facts(current_year, target.deadline_year)
            rule = status_rules.decide(facts)
            results.append(pd.DataFrame({
                "target_id": spec["id"], "scope_id": unseen, "scope_type": "country", "basis": "ours",
                "status": rule.status, "rule_id": rule.rule_id, "status_text": status_rules.text(rule, facts, unit),
                "deadline_passed": facts.deadline_passed}))
    table = pd.concat(results, ignore_index=True)
    for column in ("status_year",):
        table[column] = table[column].astype("Int64")
    table = _with_projections(table, {spec["id"]: spec for spec in specs})
    return pd.DataFrame(target_rows), table.reindex(columns=PROGRESS_COLUMNS)


def _with_projections(table: pd.DataFrame, specs: dict[str, dict]) -> pd.DataFrame:
    """Each row's pace kind and its projected path (progress.projection), so that the dashboard draws what the
    ETL computed. A target met or missed, or a deadline passed, has no path ahead."""
    kinds, years, values = [], [], []
    for row in _records(table):
        spec = specs[row["target_id"]]
        if spec["indicator"] is None:
            kinds.append(None), years.append(None), values.append(None)
            continue
        target = _target(spec)
        kind = progress.pace_kind(target, row.get("base_value"), row.get("latest_value"))
        closed = row.get("status") in ("met", "not met") or row.get("deadline_passed") is True
        path = [] if closed else progress.projection(row.get("latest_year"), row.get("latest_value"),
                                                     row.get("observed_rate"), target, kind)
        kinds.append(kind)
        years.append([year for year, _ in path])
        values.append([value for _, value in path])
    return table.assign(pace=kinds, projection_years=years, projection_values=values)


def _records(frame: pd.DataFrame) -> list[dict]:
    columns = list(frame.columns)
    return [dict(zip(columns, row, strict=True)) for row in zip(*(frame[c].tolist() for c in columns), strict=True)]


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

"""Measures in the built database: reference checks against the publishers' own aggregates.

Each check prints its comparison table when it fails, so a regression shows its numbers.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from etl.measures import status_rules

TOTAL = "sex = 'total' AND area = 'total' AND age = 'total'"


def total(alias: str) -> str:
    """The no-breakdown slice of a table alias."""
    return f"{alias}.sex = 'total' AND {alias}.area = 'total' AND {alias}.age = 'total'"
PRICE_BASKETS = "itu/price_baskets/ITU_ICTPriceBaskets_2008-2025.xlsx"


@pytest.fixture(scope="module")
def con(built_db: Path):
    with duckdb.connect(str(built_db), read_only=True) as connection:
        yield connection


def ours_against_world_bank(con, group_id: str, wb_code: str) -> pd.DataFrame:
    return con.execute(f"""
        SELECT g.year, g.value AS ours, p.value AS world_bank, g.value - p.value AS difference,
               g.population_coverage, g.n_countries, g.n_carried_forward
        FROM group_aggregate g
        JOIN published_aggregate p ON p.indicator_id = g.indicator_id AND p.year = g.year
             AND p.group_code = ? AND p.source_id = (
                 SELECT source_id FROM indicator WHERE indicator_id = 'internet_use')
             AND p.sex = 'total' AND p.area = 'total' AND p.age = 'total'
        WHERE g.indicator_id = 'internet_use' AND g.group_id = ? AND {total('g')}
          AND g.year >= 2000 AND g.value IS NOT NULL
        ORDER BY g.year""", [wb_code, group_id]).df()


@pytest.mark.parametrize(("group_id", "wb_code"), [("world", "WLD"), ("ldc", "LDC")])
def test_internet_use_aggregates_match_the_world_banks(con, group_id: str, wb_code: str) -> None:
    """Ours (population-weighted, gaps carried forward ≤ 3 years) against the World Bank's row of the same
    release, every year since 2000 it publishes: median |difference| ≤ 1 point, none above 2.5."""
    table = ours_against_world_bank(con, group_id, wb_code)
    shown = f"\n{table.round(2).to_string(index=False)}"
    assert len(table) >= 15, shown
    assert table["difference"].abs().median() <= 1.0, shown
    assert table["difference"].abs().max() <= 2.5, shown
    assert table["population_coverage"].min() >= 0.5, shown


def test_aggregates_by_sex_and_area_are_near_itus(con) -> None:
    """Our world and regional Internet use by sex against ITU's Key ICT aggregates (newest edition).

    Tolerance 6 points: our country data by sex are one latest survey per economy (2016–2020, ITU's 2021
    table), with survey ages that vary by country, covering about three quarters of the world's
    population; ITU models the rest. Where our coverage reaches the 50 % threshold, we should land
    within that band of ITU's estimate for the same year.
    """
    table = con.execute("""
        SELECT g.group_id, g.year, g.sex, g.area, g.value AS ours, p.value AS itu, g.value - p.value AS difference,
               g.population_coverage
        FROM group_aggregate g
        JOIN published_aggregate p ON p.indicator_id = g.indicator_id AND p.year = g.year AND p.sex = g.sex
             AND p.area = g.area AND p.age = g.age
             AND p.group_code = CASE g.group_id WHEN 'world' THEN 'itu:world' WHEN 'ldc' THEN 'itu:ldc' END
             AND p.source_id = (SELECT max(source_id) FROM source WHERE dataset_key = 'itu_key_ict')
        WHERE g.indicator_id = 'internet_use' AND g.value IS NOT NULL AND (g.sex <> 'total' OR g.area <> 'total')
        ORDER BY ALL""").df()
    shown = f"\n{table.round(2).to_string(index=False)}"
    assert len(table) >= 2, shown
    assert table["difference"].abs().max() <= 6.0, shown


def test_count_meeting_two_percent_matches_the_workbook(con, shared_raw: Path) -> None:
    """Economies whose data-only mobile basket costs ≤ 2 % of monthly GNI p.c., read from the workbook
    directly (openpyxl) for the economies in our universe, against our `affordability` table."""
    workbook = openpyxl.load_workbook(shared_raw / PRICE_BASKETS, read_only=True, data_only=True)
    rows = workbook["economies_2008-2025"].iter_rows(values_only=True)
    header = list(next(rows))
    iso, code, unit = header.index("IsoCode"), header.index("Code"), header.index("Unit")
    year_2024 = header.index(2024)
    economies = {row[0] for row in con.execute("SELECT iso3 FROM country").fetchall()}
    meeting, priced = set(), set()
    for row in rows:  # 2024: the data-only basket is 2 GB (ITU code i271mb_2GB_GNI, % of GNI p.c.)
        if row[code] == "i271mb_2GB_GNI" and row[unit] == "GNIpc" and row[iso] in economies:
            value = row[year_2024]
            if isinstance(value, int | float):
                priced.add(row[iso])
                if value <= 2:
                    meeting.add(row[iso])
    n_economies, n_meeting = con.execute("""SELECT n_economies, n_meeting FROM affordability
        WHERE indicator_id = 'mobile_data_basket_gni' AND group_id = 'world' AND year = 2024""").fetchone()
    assert (n_economies, n_meeting) == (len(priced), len(meeting))


def _workbook_cells(shared_raw: Path, economies: set[str]) -> dict[str, dict[tuple[str, int], float]]:
    """Publisher code → {(IsoCode, year): value} for every numeric cell of the economies sheet, our economies."""
    workbook = openpyxl.load_workbook(shared_raw / PRICE_BASKETS, read_only=True, data_only=True)
    try:
        rows = workbook["economies_2008-2025"].iter_rows(values_only=True)
        header = list(next(rows))
        years = {i: int(y) for i, y in enumerate(header) if isinstance(y, int | float)}
        cells: dict[str, dict[tuple[str, int], float]] = {}
        for row in rows:
            if row[2] is None:
                continue
            by_code = cells.setdefault(row[2], {})
            for i, year in years.items():
                if row[0] in economies and isinstance(row[i], int | float):
                    by_code[(row[0], year)] = float(row[i])
        return cells
    finally:
        workbook.close()


def test_every_basket_of_the_workbook_is_an_indicator_holding_its_cells(con, shared_raw: Path) -> None:
    """Each code of the workbook's Code column (every basket definition × GNI/USD/PPP) is one indicator of
    the database whose observations are exactly the workbook's cells for the economies we hold."""
    economies = {row[0] for row in con.execute("SELECT iso3 FROM country").fetchall()}
    cells = _workbook_cells(shared_raw, economies)
    assert len(cells) == 45
    indicators = dict(con.execute("""SELECT source_code, indicator_id FROM indicator
        WHERE source_id LIKE 'itu_price_baskets:%'""").fetchall())
    assert set(cells) <= set(indicators), sorted(set(cells) - set(indicators))
    for code, expected in cells.items():
        got = dict(((iso3, year), value) for iso3, year, value in con.execute(f"""
            SELECT iso3, year, value FROM observation WHERE indicator_id = ? AND {TOTAL}""",
            [indicators[code]]).fetchall())
        assert got == pytest.approx(expected), code
    assert indicators["i271mb_1GB_GNI"] == "mobile_data_1gb_basket_gni"


def test_affordability_covers_every_basket_in_gni_with_the_1_gb_basket(con, shared_raw: Path) -> None:
    """The affordability table has every basket in % of GNI p.c. (by unit), the 1 GB data basket among them,
    and its 2025 world count matches the workbook."""
    in_gni = {row[0] for row in con.execute("""SELECT indicator_id FROM indicator
        WHERE unit = '% of monthly GNI per capita' AND source_id LIKE 'itu_price_baskets:%'""").fetchall()}
    assert len(in_gni) == 20  # 15 definitions + 5 spliced families
    assert {row[0] for row in con.execute("SELECT DISTINCT indicator_id FROM affordability").fetchall()} >= in_gni
    economies = {row[0] for row in con.execute("SELECT iso3 FROM country").fetchall()}
    one_gb = {iso3: v for (iso3, year), v in _workbook_cells(shared_raw, economies)["i271mb_1GB_GNI"].items()
              if year == 2025}
    n_economies, n_meeting = con.execute("""SELECT n_economies, n_meeting FROM affordability
        WHERE indicator_id = 'mobile_data_1gb_basket_gni' AND group_id = 'world' AND year = 2025""").fetchone()
    assert (n_economies, n_meeting) == (len(one_gb), sum(v <= 2 for v in one_gb.values()))


def test_spliced_baskets_record_their_definition_changes(con) -> None:
    changes = con.execute("""SELECT year, label FROM definition_change
        WHERE indicator_id = 'mobile_data_basket_gni' ORDER BY year""").fetchall()
    assert changes == [(2018, "1.5 GB from 2018"), (2021, "2 GB from 2021"), (2025, "5 GB from 2025")]
    assert con.execute("SELECT count(DISTINCT indicator_id) FROM definition_change").fetchone()[0] == 15


def test_people_offline_is_population_times_the_share_offline(con) -> None:
    rows = con.execute(f"""
        SELECT d.value, p.value * (100 - i.value) / 100 FROM observation d
        JOIN observation p ON p.indicator_id = 'population' AND p.iso3 = d.iso3 AND p.year = d.year AND {total('p')}
        JOIN observation i ON i.indicator_id = 'internet_use' AND i.iso3 = d.iso3 AND i.year = d.year AND {total('i')}
        WHERE d.indicator_id = 'people_offline' AND d.iso3 IN ('IND', 'NGA', 'NOR')""").fetchall()
    assert len(rows) > 30
    for derived, expected in rows:
        assert derived == pytest.approx(expected)
    world = con.execute("""SELECT value FROM group_aggregate WHERE indicator_id = 'people_offline'
        AND group_id = 'world' AND year = 2024""").fetchone()[0]
    assert 1.8e9 < world < 2.8e9  # ITU Facts and Figures 2025: 2.2 billion offline in 2025


def test_gender_parity_of_a_group_is_the_ratio_of_its_aggregates(con) -> None:
    rows = con.execute("""
        SELECT p.value, f.value / m.value FROM group_aggregate p
        JOIN group_aggregate f ON f.indicator_id = 'internet_use' AND f.group_id = p.group_id AND f.year = p.year
             AND f.sex = 'female' AND f.area = p.area AND f.age = p.age
        JOIN group_aggregate m ON m.indicator_id = 'internet_use' AND m.group_id = p.group_id AND m.year = p.year
             AND m.sex = 'male' AND m.area = p.area AND m.age = p.age
        WHERE p.indicator_id = 'internet_gender_parity' AND p.value IS NOT NULL""").fetchall()
    assert rows
    for parity, ratio in rows:
        assert parity == pytest.approx(ratio)


def test_low_coverage_groups_have_no_value(con) -> None:
    below = con.execute("""SELECT count(*) FROM group_aggregate
        WHERE population_coverage < 0.5 AND value IS NOT NULL AND method NOT LIKE '%of_aggregates'""").fetchone()[0]
    assert below == 0


def test_every_target_has_a_headline_row_and_statuses_are_known(con) -> None:
    """A world or group target has a row for its scope; an each-economy target has economies only."""
    missing = con.execute("""SELECT t.target_id FROM target t WHERE NOT EXISTS (
        SELECT 1 FROM target_progress p WHERE p.target_id = t.target_id
          AND (p.scope_id = t.scope OR (t.scope = 'each_country' AND p.scope_type IN ('country', 'world'))))
        """).fetchall()
    assert missing == []
    statuses = {row[0] for row in con.execute("SELECT DISTINCT status FROM target_progress").fetchall()}
    assert statuses <= set(status_rules.STATUSES)
    assert con.execute("""SELECT status FROM target_progress WHERE target_id = 'umc_household_access_2030'
        AND scope_id = 'world'""").fetchone()[0] == "no open indicator"


def test_methodology_question_ldcs_met_35_percent(con) -> None:
    """docs/methodology.md's one-query answer to "which LDCs met 35 % Internet use by 2025?"."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "methodology.md").read_text(encoding="utf-8")
    sql = doc.split("<!-- ldc-query -->")[1].split("```sql")[1].split("```")[0]
    answer = con.execute(sql).df()
    assert len(answer) > 0
    assert set(answer["status"]) == {"met"}
    ldcs = {row[0] for row in con.execute("SELECT iso3 FROM group_member WHERE group_id = 'ldc'").fetchall()}
    assert set(answer["iso3"]) <= ldcs


# --- the status rules on the real database (etl/measures/status_rules.py) ---------------------------


def test_no_row_is_on_track_past_its_deadline_or_projection(con) -> None:
    bad = con.execute("""SELECT p.target_id, p.scope_id, p.projected_year, t.deadline_year
        FROM target_progress p JOIN target t USING (target_id)
        WHERE p.status = 'on track' AND (p.projected_year IS NULL OR p.projected_year > t.deadline_year
                                         OR p.deadline_passed OR t.deadline_year < year(current_date))""").fetchall()
    assert bad == []


def test_a_passed_deadline_gives_met_not_met_or_insufficient_data(con) -> None:
    bad = con.execute("""SELECT p.target_id, p.scope_id, p.status FROM target_progress p JOIN target t USING (target_id)
        WHERE t.deadline_year < year(current_date) AND t.indicator_id IS NOT NULL
          AND p.status NOT IN ('met', 'not met', 'insufficient data')""").fetchall()
    assert bad == []
    assert con.execute("""SELECT count(*) FROM target_progress p JOIN target t USING (target_id)
        WHERE t.deadline_year < year(current_date) AND p.status IN ('met', 'not met')
          AND p.status_year = t.deadline_year AND p.rule_id NOT IN ('deadline_met', 'deadline_missed')
        """).fetchone()[0] == 0


def test_no_status_rests_on_data_older_than_the_rule_allows(con) -> None:
    """Older than MAX_AGE only where the rules table says so: a passed deadline judged on its own year's value
    (the WSIS 2015 targets, by the rules deadline_met / deadline_missed, which come before the staleness rule)."""
    oldest = year_now(con) - status_rules.MAX_AGE
    bad = con.execute("""SELECT p.target_id, p.scope_id, p.status, p.status_year FROM target_progress p
        JOIN target t USING (target_id)
        WHERE p.status NOT IN ('insufficient data', 'no open indicator') AND p.status_year < ?
          AND NOT (p.rule_id IN ('deadline_met', 'deadline_missed') AND p.status_year = t.deadline_year)""",
        [oldest]).fetchall()
    assert bad == []
    judged_2015 = con.execute("""SELECT count(*) FROM target_progress WHERE status_year = 2015
        AND rule_id IN ('deadline_met', 'deadline_missed')""").fetchone()[0]
    assert judged_2015 > 0
    for sudan in con.execute("""SELECT status_text FROM target_progress
            WHERE target_id = 'umc_internet_use_2030' AND scope_id IN ('SDN', 'TUV')""").fetchall():
        assert sudan[0] == "insufficient data (latest: 2017)"


def test_rows_only_for_the_scopes_a_target_names(con) -> None:
    rows = con.execute("""SELECT p.target_id, t.scope, p.scope_id, p.scope_type,
               p.scope_type = 'country' AND EXISTS (SELECT 1 FROM group_member m
                                                    WHERE m.group_id = t.scope AND m.iso3 = p.scope_id) AS member
        FROM target_progress p JOIN target t USING (target_id)""").fetchall()
    for target_id, scope, scope_id, scope_type, member in rows:
        if target_id in {"umc_household_access_2030", "umc_digital_skills_2030", "bbc_digital_skills_2025",
                         "bbc_digital_finance_2025"}:
            continue  # the one 'no open indicator' row
        assert scope_type in status_rules.named_scope_types(scope), (target_id, scope_id)
        if scope not in ("world", "each_country"):
            assert scope_id == scope or member, (target_id, scope_id)
    assert con.execute("""SELECT count(*) FROM target_progress
        WHERE target_id = 'bbc_internet_ldc_2025' AND scope_id = 'world'""").fetchone()[0] == 0


def test_the_world_75_percent_target_was_not_met_in_2025(con) -> None:
    status, text, value = con.execute("""SELECT status, status_text, status_value FROM target_progress
        WHERE target_id = 'bbc_internet_world_2025' AND scope_id = 'world'""").fetchone()
    assert status == "not met" and value < 75
    assert text.startswith("not met: 73.6 % in 2025 (")


def test_wsis_2015_targets_are_judged_on_their_2015_values(con) -> None:
    """The Plan of Action's targets were due in 2015: where a proxy measures one, the world's status is met or not
    met from the 2015 value (ours where coverage holds, else the publisher's), and the latest value is kept
    beside it; the eight no open indicator measures say so, each with what would measure it."""
    rows = {r[0]: r[1:] for r in con.execute("""SELECT p.target_id, p.status, p.status_year, p.status_value,
            p.status_basis, p.latest_year, p.latest_value, t.note FROM target_progress p JOIN target t USING (target_id)
        WHERE t.framework = 'WSIS Geneva Plan of Action 2015' AND p.scope_id = 'world'""").fetchall()}
    assert len(rows) == 11
    without = {t for t, r in rows.items() if r[0] == "no open indicator"}
    assert len(without) == 8 and all("Would be measured by" in rows[t][6] for t in without)
    use = rows["wsis_j_access_use_2015"]
    ours = con.execute("""SELECT value FROM group_aggregate WHERE indicator_id = 'internet_use'
        AND group_id = 'world' AND year = 2015 AND sex = 'total' AND area = 'total' AND age = 'total'""").fetchone()[0]
    assert use[:2] == ("not met", 2015) and use[2] == pytest.approx(ours) and use[2] < 50
    assert use[5] > 50 and use[4] >= 2024  # today: more than half the world uses the Internet
    coverage = rows["wsis_j_access_coverage_2015"]
    itu = con.execute("""SELECT a.value FROM published_aggregate a JOIN source s USING (source_id)
        WHERE a.indicator_id = 'coverage_3g' AND a.group_code = 'itu:world' AND a.year = 2015
          AND a.sex = 'total' AND a.area = 'total' AND a.age = 'total'
        ORDER BY s.vintage DESC LIMIT 1""").fetchone()[0]
    assert coverage[:2] == ("met", 2015) and coverage[2] == itu >= 50
    government = rows["wsis_f_government_2015"]
    assert government[1] == 2015 and government[0] in ("met", "not met")
    # Economies have no 2015 survey of their own (biennial): never judged on a 2015 value they lack.
    judged = con.execute("""SELECT count(*) FROM target_progress WHERE target_id = 'wsis_f_government_2015'
        AND scope_type = 'country' AND rule_id IN ('deadline_met', 'deadline_missed')""").fetchone()[0]
    assert judged == 0


def year_now(con) -> int:
    return con.execute("SELECT year(current_date)").fetchone()[0]


def test_inequality_falls_as_the_world_connects(con) -> None:
    table = con.execute("SELECT year, gini, theil, theil_between, theil_within FROM inequality "
                        "WHERE indicator_id = 'internet_use' ORDER BY year").df()
    assert len(table) >= 20
    assert (table["theil"] - table["theil_between"] - table["theil_within"]).abs().max() < 1e-9
    assert table.set_index("year").loc[2024, "gini"] < table.set_index("year").loc[2005, "gini"]


def test_every_theme_is_listed_with_its_indicator_count(con) -> None:
    themes = dict(con.execute("SELECT theme_id, n_indicators FROM theme").fetchall())
    assert len(themes) == 16
    assert themes["digital_divides"] > 5
    # Internet governance is evidenced since the E-Participation Index and PCH's IXP counts were mapped to it;
    # AI and follow-up have no open indicator yet (a finding for ¶82–84), each with what would measure it.
    assert themes["internet_governance"] >= 3 and themes["financing"] >= 2 and themes["vision"] >= 1
    assert {theme for theme, n in themes.items() if n == 0} == {"ai", "follow_up"}
    missing = dict(con.execute("SELECT theme_id, missing FROM theme").fetchall())
    assert all(missing[theme] for theme, n in themes.items() if n == 0)
    assert "Cyberlaw Tracker" in missing["data_governance"]  # known, but not republishable

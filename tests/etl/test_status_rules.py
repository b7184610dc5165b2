"""The status rules (etl/measures/status_rules.py): one case per rule, the order that decides between them, and
the texts the badges show."""

from __future__ import annotations

import pytest

from etl.measures import status_rules as sr
from etl.measures.status_rules import Facts

NOW = 2026
FUTURE = {"current_year": NOW, "deadline_year": 2030}
PAST = {"current_year": NOW, "deadline_year": 2025}

# rule_id → (facts, expected badge text) for a share in %
CASES = {
    "no_indicator": (Facts(**FUTURE, indicator=False), "no open indicator"),
    "no_data": (Facts(**FUTURE), "insufficient data (no value)"),
    "deadline_met": (Facts(**PAST, latest_year=2025, latest_value=80.0, latest_met=True, deadline_value=80.0,
                           deadline_met=True, deadline_basis="our aggregate"),
                     "met: 80.0 % in 2025 (our aggregate)"),
    "deadline_missed": (Facts(**PAST, latest_year=2024, latest_value=72.7, latest_met=False, deadline_value=73.6,
                              deadline_met=False, deadline_basis="ITU, Nov 2025", has_pace=True, ratio=0.99,
                              projected_year=2026),
                        "not met: 73.6 % in 2025 (ITU, Nov 2025)"),
    "stale": (Facts(**FUTURE, latest_year=2017, latest_value=96.0, latest_met=True, has_pace=True, ratio=1.2,
                    projected_year=2017), "insufficient data (latest: 2017)"),
    "met_before_deadline": (Facts(**PAST, latest_year=2024, latest_value=80.0, latest_met=True),
                            "met: 80.0 % in 2024 (no value for 2025)"),
    "deadline_unknown": (Facts(**PAST, latest_year=2024, latest_value=70.0, latest_met=False, has_pace=True,
                               ratio=1.5, projected_year=2025),
                         "insufficient data (no value for 2025; latest: 70.0 % in 2024)"),
    "met": (Facts(**FUTURE, latest_year=2024, latest_value=96.0, latest_met=True), "met: 96.0 % in 2024"),
    "no_pace": (Facts(**FUTURE, latest_year=2024, latest_value=50.0, latest_met=False, has_pace=False),
                "insufficient data (too few years; latest: 2024)"),
    "on_track": (Facts(**FUTURE, latest_year=2024, latest_value=90.0, latest_met=False, has_pace=True, ratio=0.9,
                       projected_year=2030), "on track: 90.0 % in 2024, reached by 2030"),
    "acceleration_needed": (Facts(**FUTURE, latest_year=2024, latest_value=80.0, latest_met=False, has_pace=True,
                                  ratio=0.99, projected_year=2031),
                            "acceleration needed: 80.0 % in 2024, reached in 2031"),
    "limited_progress": (Facts(**FUTURE, latest_year=2024, latest_value=40.0, latest_met=False, has_pace=True,
                               ratio=0.3, projected_year=None),
                         "limited progress: 40.0 % in 2024, not reached at the observed pace"),
    "deteriorating": (Facts(**FUTURE, latest_year=2024, latest_value=40.0, latest_met=False, has_pace=True,
                            ratio=-0.2), "deteriorating: 40.0 % in 2024"),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(sr.RULE_IDS)


@pytest.mark.parametrize("rule_id", sr.RULE_IDS)
def test_each_rule(rule_id: str) -> None:
    facts, badge = CASES[rule_id]
    rule = sr.decide(facts)
    assert rule.rule_id == rule_id
    assert sr.text(rule, facts, "%") == badge
    assert badge.startswith(rule.status)


def test_on_track_iff_the_projection_reaches_the_target_by_the_deadline() -> None:
    for ratio in (0.3, 0.7, 0.95, 2.0):
        for projected in (None, 2029, 2030, 2031, 2060):
            facts = Facts(**FUTURE, latest_year=2024, latest_value=50.0, latest_met=False, has_pace=True,
                          ratio=ratio, projected_year=projected)
            on_track = sr.decide(facts).status == "on track"
            assert on_track == (projected is not None and projected <= 2030), (ratio, projected)


def test_a_passed_deadline_is_never_on_track() -> None:
    # Deadline before the current year, or a value for the deadline year: met / not met / insufficient data.
    for deadline_value in (None, 70.0):
        facts = Facts(current_year=NOW, deadline_year=2025, latest_year=2024, latest_value=72.0, latest_met=False,
                      deadline_value=deadline_value, deadline_met=False if deadline_value else None,
                      has_pace=True, ratio=1.0, projected_year=2025)
        assert sr.decide(facts).status in ("not met", "insufficient data")
    in_deadline_year = Facts(current_year=2025, deadline_year=2025, latest_year=2025, latest_value=70.0,
                             latest_met=False, deadline_value=70.0, deadline_met=False, has_pace=True, ratio=1.0)
    assert in_deadline_year.deadline_passed and sr.decide(in_deadline_year).status == "not met"


def test_staleness_boundary() -> None:
    """In 2026 a status may rest on 2021 data, not on 2020 data."""
    for year, stale in ((2021, False), (2020, True)):
        facts = Facts(**FUTURE, latest_year=year, latest_value=96.0, latest_met=True)
        assert facts.stale is stale
        assert sr.decide(facts).rule_id == ("stale" if stale else "met")


def test_a_deadline_value_beats_staleness_and_units_are_written_out() -> None:
    facts = Facts(**PAST, latest_year=2025, latest_value=1.39, latest_met=True, deadline_value=1.39,
                  deadline_met=True, deadline_basis="national value")
    assert sr.text(sr.decide(facts), facts, "% of monthly GNI per capita") == (
        "met: 1.39 % of GNI p.c. in 2025 (national value)")
    assert sr.fmt_value(0.92037, "ratio") == "0.920"


def test_scopes_a_target_names() -> None:
    assert sr.named_scope_types("world") == ("world", "group", "country")
    assert sr.named_scope_types("ldc") == ("group", "country")
    assert sr.named_scope_types("each_country") == ("country",)


def test_the_table_the_about_page_prints_is_the_rules() -> None:
    table = sr.rules_table()
    assert [row["rule"] for row in table] == list(sr.RULE_IDS)
    assert all(row["when"] and row["status"] in sr.STATUSES for row in table)

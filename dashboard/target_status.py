"""Target statuses as every page shows them, from one place: the count of economies per status (Overview and
Targets use the same function, so their counts and denominators agree) and the rules that give a status,
printed from the table the ETL applies (etl/measures/status_rules.py), so the text cannot drift from the code."""

from __future__ import annotations

from dashboard.queries import common
from etl.measures import status_rules

ORDER = {status: rank for rank, status in enumerate(status_rules.STATUSES)}


def economy_counts(target_id: str) -> dict[str, int]:
    """{status: economies} of one target, in the order of status_rules.STATUSES (every economy it names)."""
    counts = common.economy_status_counts().get(target_id, {})
    return {status: counts[status] for status in sorted(counts, key=lambda s: ORDER.get(s, 99))}


def economies_line(counts: dict[str, int]) -> str:
    """'Economies: 129 of 206 met it; 75 not met, 2 insufficient data.' (the denominator: every economy the
    target names, whatever its status)."""
    if not counts:
        return "Economies: none assessed."
    total = sum(counts.values())
    others = ", ".join(f"{n} {status}" for status, n in counts.items() if status != "met")
    return f"Economies: {counts.get('met', 0)} of {total} met it" + (f"; {others}." if others else ".")


def rules_rows() -> list[list[str]]:
    """The status rules in the order they are tried: number, rule id (target_progress.rule_id), status,
    condition, badge."""
    return [[str(number), row["rule"], row["status"], row["when"], row["badge"]]
            for number, row in enumerate(status_rules.rules_table(), start=1)]


def age_rule() -> str:
    """How old the data a status rests on may be, as the rules table has it: the rules tried before the
    'stale' one judge a passed deadline on the deadline year's value whatever its age (the WSIS targets for
    2015 on 2015 values), so the age limit holds for every other status only."""
    rows = status_rules.rules_table()
    stale = next(number for number, row in enumerate(rows, start=1) if row["rule"] == "stale")
    before = [str(number) for number, row in enumerate(rows[:stale - 1], start=1)
              if row["status"] in ("met", "not met")]
    return (f"A passed deadline is judged on the value for its deadline year however old that value is "
            f"(rules {' and '.join(before)}); any other status never rests on data more than "
            f"{status_rules.MAX_AGE} years old (rule {stale}).")


def rules_intro() -> str:
    return (f"A status is the first of these rules that holds, tried in order. The current year is the year the "
            f"database was built. The deadline has passed when its year is before the current year or a value "
            f"for the deadline year exists. The value for the deadline year is, for the world and groups, our "
            f"aggregate where its population coverage reaches 50 %, else the publisher's (ITU or World Bank) "
            f"from the newest edition that has that year; for an economy, its own value. {age_rule()} "
            f"Met means at least the target value, or at least 95 % for a 100 % goal (ITU's convention: 95 % is "
            f"the distance at which a universal goal counts as met), at most the value for a price ceiling, "
            f"within the band for parity. The pace "
            f"ratio is the Open SDG / Statistics Canada measure: the compound annual rate observed since 2015 "
            f"(or the first year with data after it) divided by the rate required to reach the target by the "
            f"deadline, on the shortfall (100 − value) for shares; the projection continues the latest value "
            f"at the observed rate.")

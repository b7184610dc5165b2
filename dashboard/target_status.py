"""Target statuses as every page shows them, from one place: the count of economies per status (Overview and
Targets use the same function, so their counts and denominators agree) and the rules that give a status,
printed from the table the ETL applies (etl/measures/status_rules.py), so the text cannot drift from the code; in
the request's language (the rules' own texts are marked in dashboard/pages/about.py's RULE_TEXTS)."""

from __future__ import annotations

from dashboard import formatting, localized
from dashboard.i18n import gettext as _
from dashboard.queries import common
from etl.measures import status_rules

ORDER = {status: rank for rank, status in enumerate(status_rules.STATUSES)}


def economy_counts(target_id: str) -> dict[str, int]:
    """{status: economies} of one target, in the order of status_rules.STATUSES (every economy it names)."""
    counts = common.economy_status_counts().get(target_id, {})
    return {status: counts[status] for status in sorted(counts, key=lambda s: ORDER.get(s, 99))}


def economies_line(counts: dict[str, int]) -> str:
    """'Economies: 129 of 206 met it; 75 not met, 2 insufficient data.' (the denominator: every economy the
    target names, whatever its status), in the request's language."""
    if not counts:
        return _("Economies: none assessed.")
    others = ", ".join(f"{formatting.count(n)} {localized.status_words(status)}" for status, n in counts.items()
                       if status != "met")
    line = _("Economies: {met} of {total} met it").format(met=formatting.count(counts.get("met", 0)),
                                                         total=formatting.count(sum(counts.values())))
    return line + (f"; {others}." if others else ".")


def rules_rows() -> list[list[str]]:
    """The status rules in the order they are tried: number, rule id (target_progress.rule_id), status,
    condition, badge."""
    return [[str(number), row["rule"], row["status"], row["when"], row["badge"]]
            for number, row in enumerate(status_rules.rules_table(), start=1)]


def rules_intro() -> str:
    """How a status is given, before the rules' list, in the request's language (the rule numbers and the age
    limit from the rules table: the rules tried before the 'stale' one judge a passed deadline on the deadline
    year's value whatever its age, the WSIS targets for 2015 on 2015 values, so the age limit holds for every
    other status only)."""
    rows = status_rules.rules_table()
    stale = next(number for number, row in enumerate(rows, start=1) if row["rule"] == "stale")
    before = [str(number) for number, row in enumerate(rows[:stale - 1], start=1)
              if row["status"] in ("met", "not met")]
    return _("A status is the first of these rules that holds, tried in order. The current year is the year the "
             "database was built. The deadline has passed when its year is before the current year or a value for "
             "the deadline year exists. The value for the deadline year is, for the world and groups, our aggregate "
             "where its population coverage reaches 50 %, else the publisher's (ITU or World Bank) from the newest "
             "edition that has that year; for an economy, its own value. A passed deadline is judged on the value "
             "for its deadline year however old that value is (rules {rules}); any other status never rests on data "
             "more than {max_age} years old (rule {stale}). Met means at least the target value, or at least 95 % "
             "for a 100 % goal (ITU's convention: 95 % is the distance at which a universal goal counts as met), at "
             "most the value for a price ceiling, within the band for parity. The pace ratio is the Open SDG / "
             "Statistics Canada measure: the compound annual rate observed since 2015 (or the first year with data "
             "after it) divided by the rate required to reach the target by the deadline, on the shortfall "
             "(100 − value) for shares; the projection continues the latest value at the observed rate.").format(
        rules=before[0] if len(before) == 1 else _("{first} and {second}").format(first=", ".join(before[:-1]),
                                                                                    second=before[-1]),
        max_age=status_rules.MAX_AGE, stale=stale)

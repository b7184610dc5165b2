"""Every rule that gives a target status, in one table (RULES): the first rule whose condition holds decides.

The table is the single source: the ETL applies it (etl/measures/targets.py) and the About page prints it
(`rules_table()`), so what users read and what the code does cannot diverge. Each rule has a unit test
(tests/etl/test_status_rules.py). The Open SDG pace (etl/measures/progress.py) gives the inputs — the ratio of
the observed to the required rate and the projected year — but not the verdict.

Terms:

- *current year*: the year of the build (2026 for a build in 2026).
- *deadline passed*: the deadline year is before the current year, or a value for the deadline year exists.
- *value for the deadline year*: for the world and groups our aggregate where its population coverage holds
  (≥ 50 %), else the publisher's value (ITU or World Bank) from the newest edition that has that year; for
  an economy its own observation. The column `status_basis` says which.
- *stale*: the latest value is older than MAX_AGE years: latest year < current year − MAX_AGE (5), so a
  status in 2026 rests on data for 2021 or later.
- *met*: ≥ the target value (≥ the met threshold where given: ITU scores a 100 % goal as met at 95 %),
  ≤ the value for a ceiling, within the band for parity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

MAX_AGE = 5  # years: no status rests on older data, except a passed deadline judged on its own year's value
ON_TRACK_RULE_RATIO = 0.60  # below on track: ratio ≥ 0.60 acceleration needed, ≥ 0 limited progress
STATUSES = ("met", "on track", "acceleration needed", "limited progress", "deteriorating", "not met",
            "insufficient data", "no open indicator")


@dataclass(frozen=True)
class Facts:
    """What the rules look at, for one target × scope."""

    current_year: int
    deadline_year: int
    indicator: bool = True  # an open indicator measures the target
    latest_year: int | None = None
    latest_value: float | None = None
    latest_met: bool | None = None
    deadline_value: float | None = None  # the value for the deadline year (see the module docstring)
    deadline_met: bool | None = None
    deadline_basis: str | None = None  # e.g. "ours", "World Bank, Jul 2026"
    has_pace: bool = False  # a base and a latest value at least 2 years apart, before the deadline
    ratio: float | None = None  # observed ÷ required rate (Open SDG)
    projected_year: int | None = None  # year reached at the observed pace (None: never)

    @property
    def deadline_passed(self) -> bool:
        return (self.deadline_year < self.current_year or self.deadline_value is not None
                or (self.latest_year is not None and self.latest_year >= self.deadline_year))

    @property
    def stale(self) -> bool:
        return self.latest_year is not None and self.latest_year < self.current_year - MAX_AGE

    @property
    def has_deadline_value(self) -> bool:
        return self.deadline_value is not None


@dataclass(frozen=True)
class Rule:
    rule_id: str
    status: str
    when: str  # the condition in words (the About page prints it)
    holds: Callable[[Facts], bool]
    text: str  # the badge: a template over the fields of `fields()`


def _ratio_at_least(f: Facts, floor: float) -> bool:
    return f.ratio is not None and f.ratio >= floor


RULES: tuple[Rule, ...] = (
    Rule("no_indicator", "no open indicator", "No open indicator measures the target.",
         lambda f: not f.indicator, "no open indicator"),
    Rule("no_data", "insufficient data", "The scope has no value at all for the indicator.",
         lambda f: f.latest_year is None, "insufficient data (no value)"),
    Rule("deadline_met", "met",
         "The deadline has passed and the value for the deadline year meets the target.",
         lambda f: f.deadline_passed and f.has_deadline_value and bool(f.deadline_met),
         "met: {deadline_value} in {deadline_year} ({deadline_basis})"),
    Rule("deadline_missed", "not met",
         "The deadline has passed and the value for the deadline year misses the target.",
         lambda f: f.deadline_passed and f.has_deadline_value and not f.deadline_met,
         "not met: {deadline_value} in {deadline_year} ({deadline_basis})"),
    Rule("stale", "insufficient data",
         f"Otherwise, the latest value is more than {MAX_AGE} years old (latest year < current year − {MAX_AGE}).",
         lambda f: f.stale, "insufficient data (latest: {latest_year})"),
    Rule("met_before_deadline", "met",
         "The deadline has passed, there is no value for the deadline year, and the latest value (another "
         "year, usually earlier) meets the target.",
         lambda f: f.deadline_passed and bool(f.latest_met),
         "met: {latest_value} in {latest_year} (no value for {deadline_year})"),
    Rule("deadline_unknown", "insufficient data",
         "The deadline has passed, there is no value for the deadline year, and the latest value (another "
         "year) misses the target: whether it was met is unknown.",
         lambda f: f.deadline_passed,
         "insufficient data (no value for {deadline_year}; latest: {latest_value} in {latest_year})"),
    Rule("met", "met", "The deadline is ahead and the latest value meets the target.",
         lambda f: bool(f.latest_met), "met: {latest_value} in {latest_year}"),
    Rule("no_pace", "insufficient data",
         "The deadline is ahead and there is no pace: fewer than 2 years between the base (2015, or the first "
         "year with data after it) and the latest value.",
         lambda f: not f.has_pace, "insufficient data (too few years; latest: {latest_year})"),
    Rule("on_track", "on track",
         "The deadline is ahead and, at the pace observed since the base, the target is reached by the "
         "deadline (projected year ≤ deadline year).",
         lambda f: f.projected_year is not None and f.projected_year <= f.deadline_year,
         "on track: {latest_value} in {latest_year}, reached by {projected_year}"),
    Rule("acceleration_needed", "acceleration needed",
         "Not on track, and the observed pace is at least 0.60 of the pace required (Open SDG ratio ≥ 0.60).",
         lambda f: _ratio_at_least(f, ON_TRACK_RULE_RATIO),
         "acceleration needed: {latest_value} in {latest_year}, {projection}"),
    Rule("limited_progress", "limited progress",
         "Not on track, and the observed pace is under 0.60 of the pace required but towards the target "
         "(0 ≤ ratio < 0.60).",
         lambda f: _ratio_at_least(f, 0.0),
         "limited progress: {latest_value} in {latest_year}, {projection}"),
    Rule("deteriorating", "deteriorating",
         "Otherwise: moving away from the target (ratio < 0), or it was reached at the base and has slipped since.",
         lambda f: True, "deteriorating: {latest_value} in {latest_year}"),
)
RULE_IDS = tuple(rule.rule_id for rule in RULES)


def badge_decimals(unit: str | None) -> int:
    """The decimals a badge writes a value with in this unit (every language's badge: dashboard/localized.py)."""
    unit = unit or ""
    if unit == "% of monthly GNI per capita":
        return 2
    if unit == "ratio" or unit.startswith("index"):  # parity and 0–1 indices: one decimal would hide the change
        return 3
    return 1


def fmt_value(value: float | None, unit: str | None) -> str:
    """A value with its unit: '73.6 %', '1.39 % of GNI p.c.', '0.920'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    unit = unit or ""
    number = f"{value:,.{badge_decimals(unit)}f}"
    if unit == "% of monthly GNI per capita":
        return f"{number} % of GNI p.c."
    if unit.startswith("%"):
        return f"{number} %"
    return number


def decide(facts: Facts) -> Rule:
    """The first rule whose condition holds (the last one always does)."""
    for rule in RULES:
        if rule.holds(facts):
            return rule
    raise AssertionError("the last rule holds always")  # pragma: no cover


def text(rule: Rule, facts: Facts, unit: str | None = None) -> str:
    """The rule's badge text for these facts."""
    projection = ("not reached at the observed pace" if facts.projected_year is None
                  else f"reached in {facts.projected_year}")
    return rule.text.format(
        deadline_value=fmt_value(facts.deadline_value, unit), deadline_year=facts.deadline_year,
        deadline_basis=facts.deadline_basis or "", latest_value=fmt_value(facts.latest_value, unit),
        latest_year=facts.latest_year, projected_year=facts.projected_year, projection=projection)


def rules_table() -> list[dict[str, str]]:
    """The rules in order, for the About page: rule, status, condition and the badge it gives."""
    placeholders = {"deadline_value": "value", "deadline_year": "deadline year", "deadline_basis": "source",
                    "latest_value": "latest value", "latest_year": "latest year", "projected_year": "projected year",
                    "projection": "reached in ‹projected year› or not reached at the observed pace"}
    def readable(template: str) -> str:
        return template.format(**{key: ("{}" if key == "projection" else "‹{}›").format(word)
                                  for key, word in placeholders.items()})
    return [{"rule": rule.rule_id, "status": rule.status, "when": rule.when, "badge": readable(rule.text)}
            for rule in RULES]


# Which scopes a target is about (rows of target_progress), by the target's `scope`.
SCOPES = (
    ("A world target", "the world, every group (the Targets page charts each group against it) and every economy."),
    ("A group's target (least developed countries, developing countries)",
     "that group and its member economies only, never the world."),
    ("A target for each economy", "every economy only: its headline is the count of economies per status, not "
                                  "an aggregate."),
)


def named_scope_types(scope: str) -> tuple[str, ...]:
    """The scope types a target's rows may have."""
    if scope == "world":
        return ("world", "group", "country")
    if scope == "each_country":
        return ("country",)
    return ("group", "country")

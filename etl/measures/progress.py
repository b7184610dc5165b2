"""Progress towards a numeric target: observed against required compound annual growth.

This follows the Open SDG / Statistics Canada progress measure, with a correction for bounded shares.

The status `assess` returns is the pace's own reading (stored as `target_progress.pace_status` where a ratio
exists); the verdict users see is given by the rules table in etl/measures/status_rules.py, which takes the
ratio and the projected year from here as inputs (on track only when projected_year <= deadline_year).

Rules:

- Observations with a missing value are ignored. The *base* is the value at ``base_year`` or, when that is
  missing, the first year with data after it. The *latest* is the last year with data.
- **met**: the latest value satisfies the target: ``>=`` value (or ``>=`` ``met_threshold`` when given, e.g. 95
  for a 100 % target that ITU scores as met at 95), ``<=`` value, ``between``: ``|x - value| <= band``. Then
  ``projected_year`` is the latest year and ``distance`` is 0. This is checked first: a target being met is an
  observation, not a trend, so one data point is enough.
- **insufficient data**: no base, fewer than 2 years between base and latest, or a deadline at or before the
  base year. Rates, ratio and projection are None.
- The comparison is made on the *shortfall* s, the distance still to go, which must shrink:
  ``>=`` with ``bound`` (shares): s = bound - x, target s* = bound - (met_threshold or value); when that is 0
  (a 100 % target with no threshold) s* = 0.5 % of the bound (bound - 99.5 for percentages), because a
  compound rate never reaches zero. ``<=``: s = x, s* = value. ``between``: s = |x - value|, s* = band.
  Observed rate r_obs = (s_t / s_0)^(1 / (t - t0)) - 1, required r_req = (s* / s_0)^(1 / (T - t0)) - 1 (both
  negative when closing the gap); ratio = r_obs / r_req.
- ``>=`` without ``bound`` compares growth of x itself: r_obs = (x_t / x_0)^(1 / (t - t0)) - 1 against
  r_req = (x* / x_0)^(1 / (T - t0)) - 1 with x* = met_threshold or value. A compound rate is undefined from
  a zero (or negative) value, so when x_0 or x_t is not positive the *linear* pace is used instead:
  r_obs = (x_t - x_0) / (t - t0), r_req = (x* - x_0) / (T - t0), in the indicator's units per year.
- Status from the ratio: >= 0.95 ``on track``; 0.60 <= ratio < 0.95 ``acceleration needed``;
  0 <= ratio < 0.60 ``limited progress``; < 0 ``deteriorating``.
- Already at the target at the base but no longer (s_0 <= s*): nothing was required, so there is no ratio;
  the status is ``deteriorating`` (or ``on track`` in the one case where the shortfall is still within the
  0.5 % surrogate of a 100 % target without a threshold).
- **deadline passed**: the latest year is at or after the deadline and the target is not met (data for the
  deadline year itself that miss the target count as missed). Rates and projection are still reported.
- ``projected_year``: the year the target is reached at the observed pace from the latest value,
  latest_year + ceil(ln(s* / s_t) / ln(1 + r_obs)) (on x for the unbounded case, linear steps for the linear
  pace); None when the pace does not close the gap ("never at the current pace").
- ``projection``: the path drawn as a dashed line, from the latest value at the observed pace to the deadline
  or the first year the target is reached, whichever is first: shortfall kinds move s_(t+n) = s_t·(1+r)^n,
  growth x_(t+n) = x_t·(1+r)^n, linear x_t + r·n. ``pace_kind`` names which applies.
- ``distance``: how far the latest value is from the target in its own units (percentage points for shares):
  ``>=``: (met_threshold or value) - x_t; ``<=``: x_t - value; ``between``: |x_t - value| - band; clipped at 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

COMPARATORS = (">=", "<=", "between")
STATUSES = ("met", "on track", "acceleration needed", "limited progress", "deteriorating", "deadline passed",
            "insufficient data")
ON_TRACK, ACCELERATE, LIMITED = 0.95, 0.60, 0.0
# A 100 % target without a met threshold is judged against 99.5 %: 0.5 % of the bound.
SURROGATE_FRACTION = 0.005
MIN_SPAN = 2  # years between base and latest
# Projections like ln(0.25)/ln(0.5**0.2) are 10 in exact arithmetic but 10.000000000000002 in floats.
CEIL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Target:
    """A numeric target: ``x >= value``, ``x <= value`` or ``|x - value| <= band``, by ``deadline_year``.

    ``met_threshold`` (``>=`` only) is the value scored as met, e.g. 95 for a 100 % target.
    ``bound`` (used by ``>=`` only) is the ceiling of a bounded quantity, 100 for percentage shares.
    """

    comparator: str
    value: float
    deadline_year: int
    met_threshold: float | None = None
    band: float | None = None
    bound: float | None = None

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ValueError(f"comparator must be one of {COMPARATORS}, not {self.comparator!r}")
        if self.met_threshold is not None:
            if self.comparator != ">=":
                raise ValueError("met_threshold only applies to '>=' targets")
            if self.met_threshold > self.value:
                raise ValueError("met_threshold is a leniency: it cannot exceed the target value")
        if self.comparator == "between" and (self.band is None or not self.band > 0):
            raise ValueError("a 'between' target needs a positive band")
        if self.comparator == "<=" and not self.value > 0:
            # The shortfall is x itself; a compound rate cannot reach zero or go below it.
            raise ValueError("a '<=' target must be positive")
        if self.comparator == ">=" and self.bound is not None and self.value > self.bound:
            raise ValueError("the target value exceeds the bound")

    @property
    def goal(self) -> float:
        """The value that counts as met: the threshold when given, else the target value."""
        return self.value if self.met_threshold is None else self.met_threshold


@dataclass(frozen=True)
class Progress:
    """Progress of one series towards one target.

    Rates are compound annual rates, except for an unbounded ``>=`` target from a non-positive value, where
    they are linear paces in the indicator's units per year (see the module docstring).
    """

    base_year: int | None
    base_value: float | None
    latest_year: int | None
    latest_value: float | None
    required_rate: float | None
    observed_rate: float | None
    ratio: float | None
    status: str
    projected_year: int | None
    distance: float | None


@dataclass(frozen=True)
class _Pace:
    observed: float | None
    required: float | None
    ratio: float | None
    years_to_go: float | None  # from the latest year; None when the pace never gets there
    reached: bool  # latest shortfall already within the target shortfall (only the surrogate case, if not met)


def categorise(ratio: float) -> str:
    """Status for a ratio of observed to required rate: on track, acceleration needed, limited progress or
    deteriorating."""
    if math.isnan(ratio):
        raise ValueError("ratio is NaN")
    if ratio >= ON_TRACK:
        return "on track"
    if ratio >= ACCELERATE:
        return "acceleration needed"
    if ratio >= LIMITED:
        return "limited progress"
    return "deteriorating"


def is_met(value: float, target: Target) -> bool:
    """Whether one value satisfies the target."""
    if target.comparator == ">=":
        return value >= target.goal
    if target.comparator == "<=":
        return value <= target.value
    return abs(value - target.value) <= target.band


def distance(value: float, target: Target) -> float:
    """How far a value is from the target, in the target's units, 0 when met."""
    if target.comparator == ">=":
        gap = target.goal - value
    elif target.comparator == "<=":
        gap = value - target.value
    else:
        gap = abs(value - target.value) - target.band
    return max(0.0, float(gap))


def _observations(years: Sequence[int], values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Years (int) and values (float) with data, sorted by year."""
    year = pd.to_numeric(pd.Series(list(years), dtype=object), errors="raise").to_numpy(dtype=float, na_value=np.nan)
    value = pd.to_numeric(pd.Series(list(values), dtype=object), errors="raise").to_numpy(dtype=float,
                                                                                         na_value=np.nan)
    if year.shape != value.shape:
        raise ValueError(f"{len(year)} years but {len(value)} values")
    keep = np.isfinite(year) & np.isfinite(value)
    year, value = year[keep], value[keep]
    if np.any(year != np.round(year)):
        raise ValueError("years must be whole numbers")
    order = np.argsort(year, kind="stable")
    year, value = year[order].astype(int), value[order]
    if np.any(np.diff(year) == 0):
        raise ValueError(f"more than one value for a year: {sorted(set(year[:-1][np.diff(year) == 0]))}")
    return year, value


def _years_to_go(n: float) -> int:
    return max(0, math.ceil(n - CEIL_TOLERANCE))


def _shortfall(x: float, target: Target) -> float:
    if target.comparator == ">=":
        return target.bound - x
    if target.comparator == "<=":
        return x
    return abs(x - target.value)


def _target_shortfall(target: Target) -> float:
    if target.comparator == ">=":
        gap = target.bound - target.goal
        # bound - goal == 0 (100 % with no threshold): a compound rate never reaches a zero shortfall.
        return gap if gap > 0 else SURROGATE_FRACTION * target.bound
    if target.comparator == "<=":
        return target.value
    return target.band


def _shortfall_pace(x0: float, xt: float, span: float, horizon: float, target: Target) -> _Pace:
    s0, st, goal = _shortfall(x0, target), _shortfall(xt, target), _target_shortfall(target)
    observed = (st / s0) ** (1 / span) - 1 if s0 > 0 and st > 0 else None
    # s0 == 0 means the gap was already closed at the base: no rate can be taken from it.
    required = (goal / s0) ** (1 / horizon) - 1 if s0 > 0 else None
    # Only a gap open at the base (s0 > s*) gives a negative required rate the ratio can be measured against.
    ratio = observed / required if s0 > goal and observed is not None else None
    if st <= goal:
        years = 0.0
    elif observed is not None and observed < 0:
        years = math.log(goal / st) / math.log1p(observed)
    else:
        years = None
    return _Pace(observed, required, ratio, years, st <= goal)


def _growth_pace(x0: float, xt: float, span: float, horizon: float, target: Target) -> _Pace:
    goal = target.goal
    if x0 > 0 and xt > 0:
        observed = (xt / x0) ** (1 / span) - 1
        required = (goal / x0) ** (1 / horizon) - 1 if goal > 0 else None
        years = math.log(goal / xt) / math.log1p(observed) if observed > 0 else None
    else:
        # A compound rate from (or to) zero is undefined: fall back to the linear pace, units per year.
        observed = (xt - x0) / span
        required = (goal - x0) / horizon
        years = (goal - xt) / observed if observed > 0 else None
    # Only a target above the base gives a positive required rate the ratio can be measured against.
    ratio = observed / required if required is not None and required > 0 else None
    return _Pace(observed, required, ratio, years, False)


def assess(years: Sequence[int], values: Sequence[float], target: Target, base_year: int = 2015) -> Progress:
    """Progress of one series (years and values, any order, missing values ignored) towards ``target``."""
    year, value = _observations(years, values)
    if len(year) == 0:
        return Progress(None, None, None, None, None, None, None, "insufficient data", None, None)
    latest_year, latest_value = int(year[-1]), float(value[-1])
    after = np.flatnonzero(year >= base_year)
    base = (int(year[after[0]]), float(value[after[0]])) if len(after) else (None, None)
    report = {"base_year": base[0], "base_value": base[1], "latest_year": latest_year, "latest_value": latest_value,
              "distance": distance(latest_value, target)}

    enough = base[0] is not None and latest_year - base[0] >= MIN_SPAN and target.deadline_year > base[0]
    pace = None
    if enough:
        span, horizon = latest_year - base[0], target.deadline_year - base[0]
        if target.comparator == ">=" and target.bound is None:
            pace = _growth_pace(base[1], latest_value, span, horizon, target)
        else:
            pace = _shortfall_pace(base[1], latest_value, span, horizon, target)
        report |= {"required_rate": pace.required, "observed_rate": pace.observed, "ratio": pace.ratio}
    else:
        report |= {"required_rate": None, "observed_rate": None, "ratio": None}

    if is_met(latest_value, target):
        return Progress(**report, status="met", projected_year=latest_year)
    if pace is None:
        return Progress(**report, status="insufficient data", projected_year=None)

    projected = None if pace.years_to_go is None else latest_year + _years_to_go(pace.years_to_go)
    if latest_year >= target.deadline_year:
        status = "deadline passed"
    elif pace.ratio is not None:
        status = categorise(pace.ratio)
    else:
        # No ratio: the target was reached at the base and has slipped since (or, with the 0.5 % surrogate,
        # the shortfall is still within it).
        status = "on track" if pace.reached else "deteriorating"
    return Progress(**report, status=status, projected_year=projected)


PROGRESS_COLUMNS = [f.name for f in fields(Progress)]


def assess_frame(frame: pd.DataFrame, target: Target, base_year: int = 2015) -> pd.DataFrame:
    """One row per ``scope_id`` of ``frame`` (columns scope_id, year, value) with the fields of ``Progress``."""
    missing = {"scope_id", "year", "value"} - set(frame.columns)
    if missing:
        raise ValueError(f"frame lacks columns {sorted(missing)}")
    rows = [{"scope_id": scope, **asdict(assess(group["year"], group["value"], target, base_year))}
            for scope, group in frame.groupby("scope_id", sort=True)]
    result = pd.DataFrame(rows, columns=["scope_id", *PROGRESS_COLUMNS])
    for column in ("base_year", "latest_year", "projected_year"):
        result[column] = result[column].astype("Int64")
    for column in ("base_value", "latest_value", "required_rate", "observed_rate", "ratio", "distance"):
        result[column] = result[column].astype(float)
    return result


# --- the projected path (stored in target_progress.projection_years / projection_values) -------------------

PACE_KINDS = ("shortfall", "growth", "linear")


def _missing(value: float | None) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def pace_kind(target: Target, base_value: float | None = None, latest_value: float | None = None) -> str:
    """How the observed rate applies: 'shortfall' (bounded shares, '<=' and 'between'), 'growth' of the value
    itself, or 'linear' (an unbounded '>=' target from a value <= 0, where a compound rate is undefined; see
    `_growth_pace`). Without values, the kind the target itself calls for."""
    if target.comparator == ">=" and target.bound is None:
        if any(not _missing(value) and value <= 0 for value in (base_value, latest_value)):
            return "linear"
        return "growth"
    return "shortfall"


def _value_from_shortfall(shortfall: float, latest: float, target: Target) -> float:
    if target.comparator == ">=":
        return target.bound - shortfall
    if target.comparator == "<=":
        return shortfall
    return target.value - shortfall if latest < target.value else target.value + shortfall


def projection(latest_year: int | None, latest_value: float | None, observed_rate: float | None, target: Target,
               kind: str) -> list[tuple[int, float]]:
    """(year, value) from the latest value at the observed pace, to the deadline or the first year the target is
    reached; the first pair is the latest observation. Empty when there is no rate or the deadline is reached.
    (Whether a met or missed target is projected at all is the caller's: etl/measures/targets.py.)"""
    if _missing(latest_year) or _missing(latest_value) or _missing(observed_rate):
        return []
    latest_year, latest, rate = int(latest_year), float(latest_value), float(observed_rate)
    if latest_year >= target.deadline_year:
        return []
    path = [(latest_year, latest)]
    for n in range(1, target.deadline_year - latest_year + 1):
        if kind == "shortfall":
            shortfall = _shortfall(latest, target) * (1 + rate) ** n
            value = _value_from_shortfall(shortfall, latest, target)
            reached = shortfall <= _target_shortfall(target) * (1 + CEIL_TOLERANCE)
        else:
            value = latest * (1 + rate) ** n if kind == "growth" else latest + rate * n
            reached = value >= target.goal * (1 - CEIL_TOLERANCE)
        path.append((latest_year + n, value))
        if reached:
            break
    return path

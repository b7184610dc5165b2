"""Progress towards a target (observed against required compound growth), on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from etl.measures.progress import Progress, Target, assess, assess_frame, categorise, pace_kind, projection

UNIVERSAL = Target(">=", 100.0, 2030, met_threshold=95.0, bound=100.0)  # ITU: 100 % scored as met at 95


def test_categorise_at_each_boundary() -> None:
    assert categorise(0.95) == "on track"
    assert categorise(0.9499999999) == "acceleration needed"
    assert categorise(0.60) == "acceleration needed"
    assert categorise(0.5999999999) == "limited progress"
    assert categorise(0.0) == "limited progress"
    assert categorise(-0.0) == "limited progress"
    assert categorise(-1e-12) == "deteriorating"
    assert categorise(3.0) == "on track"
    with pytest.raises(ValueError):
        categorise(math.nan)


@pytest.mark.parametrize(("latest", "ratio", "status"), [
    (47.5, 0.95, "on track"),
    (47.4, 0.948, "acceleration needed"),
    (30.0, 0.60, "acceleration needed"),
    (29.9, 0.598, "limited progress"),
    (0.0, 0.0, "limited progress"),
])
def test_status_boundaries_from_series(latest: float, ratio: float, status: str) -> None:
    # Unbounded '>=' from a zero base uses the linear pace: required (100 - 0) / 10 = 10 a year,
    # observed latest / 5; 47.5 / 5 = 9.5 and 9.5 / 10 == 0.95 exactly in floats, 30 / 5 / 10 == 0.6.
    p = assess([2015, 2020], [0.0, latest], Target(">=", 100.0, 2025))
    assert p.required_rate == 10.0
    assert p.observed_rate == pytest.approx(latest / 5)
    assert p.ratio == pytest.approx(ratio, abs=1e-15)
    assert p.status == status
    if ratio == 0.95:
        assert p.ratio == 0.95
        # (100 - 47.5) / 9.5 = 5.53 years → 6 → 2026
        assert p.projected_year == 2026
    if ratio == 0.0:
        assert p.projected_year is None


def test_projection_hand_computed() -> None:
    # Share 60 → 80 over 2015-2020, target 100 met at 95 by 2030: shortfall 40 → 20, target shortfall 5.
    # r_obs = 0.5^(1/5) - 1; r_req = (5/40)^(1/15) - 1 = 2^(-3/15) - 1 = 0.5^(1/5) - 1, so ratio = 1.
    # From 20 to 5: ln(0.25) / ln(0.5^0.2) = 2 ln 0.5 / (0.2 ln 0.5) = 10 years → 2030.
    p = assess([2015, 2017, 2020], [60.0, 65.0, 80.0], UNIVERSAL)
    assert p.observed_rate == pytest.approx(0.5 ** 0.2 - 1, abs=1e-15)
    assert p.required_rate == pytest.approx(0.5 ** 0.2 - 1, abs=1e-15)
    assert p.ratio == pytest.approx(1.0, abs=1e-12)
    assert p.status == "on track"
    assert p.projected_year == 2030
    assert p.distance == 15.0
    # Halving every 3 years (40 → 20 over 2015-2018): 20 → 5 is two halvings, 6 years → 2024
    # (in floats the quotient is 6.000000000000002, which must not round up to 7).
    assert assess([2015, 2018], [60.0, 80.0], UNIVERSAL).projected_year == 2024


def test_bounded_correction() -> None:
    # Share 80 → 90 over 2015-2020 towards 100 (met at 95) by 2030: shortfall 20 → 10, target shortfall 5.
    # r_obs = 0.5^(1/5) - 1 = -0.129449; r_req = (5/20)^(1/15) - 1 = 2^(-2/15) - 1 = -0.088278
    # ratio = 0.129449 / 0.088278 = 1.4664; from 10 to 5: ln 0.5 / (0.2 ln 0.5) = 5 years → 2025.
    p = assess([2015, 2020], [80.0, 90.0], UNIVERSAL)
    assert p.observed_rate == pytest.approx(-0.129449, abs=1e-6)
    assert p.required_rate == pytest.approx(-0.088278, abs=1e-6)
    assert p.ratio == pytest.approx((2 ** -0.2 - 1) / (2 ** (-2 / 15) - 1), rel=1e-12)
    assert p.ratio == pytest.approx(1.4664, abs=1e-4)
    assert p.status == "on track"
    assert p.projected_year == 2025
    assert p.distance == 5.0
    # Without the bound the same series is judged on growth of x: (90/80)^(1/5) - 1 against (95/80)^(1/15) - 1.
    naive = assess([2015, 2020], [80.0, 90.0], Target(">=", 100.0, 2030, met_threshold=95.0))
    assert naive.ratio == pytest.approx(((9 / 8) ** 0.2 - 1) / ((95 / 80) ** (1 / 15) - 1), rel=1e-12)
    assert naive.ratio != pytest.approx(p.ratio, rel=1e-3)
    # Shares held as fractions (bound 1) give the same rates; distance is in the target's units.
    fraction = assess([2015, 2020], [0.80, 0.90], Target(">=", 1.0, 2030, met_threshold=0.95, bound=1.0))
    assert fraction.ratio == pytest.approx(p.ratio, rel=1e-9)
    assert fraction.projected_year == 2025
    assert fraction.distance == pytest.approx(0.05, abs=1e-12)


def test_hundred_percent_target_without_threshold_uses_a_surrogate() -> None:
    # s* = 100 - 99.5 = 0.5. Share 50 → 75 over 2015-2020: shortfall 50 → 25.
    # r_obs = 0.5^(1/5) - 1 = -0.129449; r_req = (0.5/50)^(1/15) - 1 = 0.01^(1/15) - 1 = -0.264358
    # ratio = 0.4897 → limited progress; from 25 to 0.5: ln(0.02) / (0.2 ln 0.5) = 28.2 → 29 years → 2049.
    p = assess([2015, 2020], [50.0, 75.0], Target(">=", 100.0, 2030, bound=100.0))
    assert p.required_rate == pytest.approx(0.01 ** (1 / 15) - 1, abs=1e-15)
    assert p.ratio == pytest.approx(0.4897, abs=1e-4)
    assert p.status == "limited progress"
    assert p.projected_year == 2049
    assert p.distance == 25.0


def test_unbounded_growth() -> None:
    # 10 → 20 over 2015-2020 towards 160 by 2030: r_obs = 2^(1/5) - 1 = 0.148698,
    # r_req = 16^(1/15) - 1 = 2^(4/15) - 1 = 0.203025, ratio = 0.7324 → acceleration needed.
    # From 20 to 160 at 2^(1/5) a year: ln 8 / ln 2^(1/5) = 3 / 0.2 = 15 years → 2035.
    p = assess([2015, 2020], [10.0, 20.0], Target(">=", 160.0, 2030))
    assert p.observed_rate == pytest.approx(2 ** 0.2 - 1, abs=1e-15)
    assert p.required_rate == pytest.approx(2 ** (4 / 15) - 1, abs=1e-15)
    assert p.ratio == pytest.approx(0.7324, abs=1e-4)
    assert p.status == "acceleration needed"
    assert p.projected_year == 2035
    assert p.distance == 140.0


def test_between_parity() -> None:
    # Parity 0.90 → 0.94 over 2015-2020 towards 1 ± 0.02 by 2030: gap 0.10 → 0.06, target gap 0.02.
    # r_obs = 0.6^(1/5) - 1 = -0.097120; r_req = 0.2^(1/15) - 1 = -0.101737; ratio = 0.9546 → on track.
    # From 0.06 to 0.02: ln(1/3) / (0.2 ln 0.6) = 10.75 → 11 years → 2031. Distance 0.06 - 0.02 = 0.04.
    target = Target("between", 1.0, 2030, band=0.02)
    p = assess([2015, 2020], [0.90, 0.94], target)
    assert p.observed_rate == pytest.approx(0.6 ** 0.2 - 1, rel=1e-12)
    assert p.required_rate == pytest.approx(0.2 ** (1 / 15) - 1, rel=1e-12)
    assert p.ratio == pytest.approx(0.9546, abs=1e-4)
    assert p.status == "on track"
    assert p.projected_year == 2031
    assert p.distance == pytest.approx(0.04, abs=1e-12)
    # the same gap from above is judged the same; inside the band is met
    above = assess([2015, 2020], [1.10, 1.06], target)
    assert above.ratio == pytest.approx(p.ratio, rel=1e-9)
    assert assess([2015, 2020], [0.90, 1.015], target).status == "met"


def test_met_via_threshold() -> None:
    p = assess([2015, 2020], [80.0, 96.0], UNIVERSAL)
    assert p.status == "met"
    assert p.projected_year == 2020
    assert p.distance == 0.0
    # 94.9 is not met, and is 0.1 short of the threshold
    short = assess([2015, 2020], [80.0, 94.9], UNIVERSAL)
    assert short.status != "met"
    assert short.distance == pytest.approx(0.1, abs=1e-12)


def test_met_for_at_most() -> None:
    # e.g. a price as % of income, target ≤ 2 by 2025: 5.0 → 1.8
    p = assess([2015, 2020], [5.0, 1.8], Target("<=", 2.0, 2025))
    assert p.status == "met"
    assert p.projected_year == 2020
    assert p.distance == 0.0
    assert p.ratio is not None and p.ratio > 1  # rates are still reported when computable
    assert assess([2015, 2020], [5.0, 2.0], Target("<=", 2.0, 2025)).status == "met"  # exactly at the target


def test_at_most_hand_computed() -> None:
    # 8 → 4 over 2015-2020 towards ≤ 2 by 2025: r_obs = 0.5^(1/5) - 1, r_req = (2/8)^(1/10) - 1 = 0.5^(1/5) - 1,
    # ratio 1; from 4 to 2: ln 0.5 / (0.2 ln 0.5) = 5 years → 2025. Distance 4 - 2 = 2.
    p = assess([2015, 2020], [8.0, 4.0], Target("<=", 2.0, 2025))
    assert p.ratio == pytest.approx(1.0, abs=1e-12)
    assert p.status == "on track"
    assert p.projected_year == 2025
    assert p.distance == 2.0


def test_deteriorating_is_never_reached() -> None:
    p = assess([2015, 2018, 2021], [60.0, 55.0, 50.0], UNIVERSAL)
    assert p.observed_rate is not None and p.observed_rate > 0  # shortfall growing 40 → 50
    assert p.ratio is not None and p.ratio < 0
    assert p.status == "deteriorating"
    assert p.projected_year is None
    assert p.distance == 45.0


def test_slipping_after_meeting_the_target_at_base() -> None:
    # ≤ 2 was met in 2015 (1.5) but not in 2020 (2.5): nothing was required, so no ratio, and it is deteriorating.
    p = assess([2015, 2020], [1.5, 2.5], Target("<=", 2.0, 2030))
    assert p.ratio is None
    assert p.status == "deteriorating"
    assert p.projected_year is None
    # a share at 100 in 2015 (zero shortfall) that fell to 90
    full = assess([2015, 2020], [100.0, 90.0], UNIVERSAL)
    assert full.observed_rate is None and full.ratio is None
    assert full.status == "deteriorating"


def test_insufficient_data() -> None:
    assert assess([2015, 2016], [50.0, 60.0], UNIVERSAL).status == "insufficient data"  # one year apart
    only_before = assess([2010, 2014], [50.0, 60.0], UNIVERSAL)  # no base at or after 2015
    assert only_before.status == "insufficient data" and only_before.base_year is None
    late_deadline = assess([2015, 2020], [50.0, 60.0], Target(">=", 100.0, 2015, bound=100.0))
    assert late_deadline.status == "insufficient data"
    empty = assess([2015, 2020], [math.nan, math.nan], UNIVERSAL)
    assert empty == Progress(None, None, None, None, None, None, None, "insufficient data", None, None)
    p = assess([2015, 2016], [50.0, 60.0], UNIVERSAL)
    assert (p.required_rate, p.observed_rate, p.ratio, p.projected_year) == (None, None, None, None)
    assert p.distance == 35.0
    # but a single observation that meets the target is met
    assert assess([2016], [97.0], UNIVERSAL).status == "met"


def test_base_falls_back_to_first_year_after_and_ignores_missing_values() -> None:
    # No 2015 value (2013 is before the base, 2015 is missing): the base is 2016.
    p = assess([2021, 2013, 2015, 2016], [80.0, 10.0, math.nan, 60.0], UNIVERSAL)
    assert (p.base_year, p.base_value, p.latest_year, p.latest_value) == (2016, 60.0, 2021, 80.0)
    # shortfall 40 → 20 over 5 years, target 5 by 2030 (14 years)
    assert p.observed_rate == pytest.approx(0.5 ** 0.2 - 1, abs=1e-15)
    assert p.required_rate == pytest.approx((5 / 40) ** (1 / 14) - 1, abs=1e-15)


def test_deadline_passed() -> None:
    p = assess([2015, 2022], [60.0, 80.0], Target(">=", 100.0, 2020, met_threshold=95.0, bound=100.0))
    assert p.status == "deadline passed"
    assert p.observed_rate is not None and p.required_rate is not None and p.ratio is not None
    assert p.projected_year is not None and p.projected_year > 2022
    # data for the deadline year itself that miss the target count as missed; meeting it late is still met
    assert assess([2015, 2020], [60.0, 80.0], Target("<=", 50.0, 2020)).status == "deadline passed"
    assert assess([2015, 2022], [60.0, 96.0], Target(">=", 100.0, 2020, 95.0, bound=100.0)).status == "met"


def test_invalid_targets_and_series() -> None:
    with pytest.raises(ValueError):
        Target("==", 1.0, 2030)
    with pytest.raises(ValueError):
        Target("between", 1.0, 2030)
    with pytest.raises(ValueError):
        Target(">=", 100.0, 2030, met_threshold=101.0)
    with pytest.raises(ValueError):
        Target(">=", 120.0, 2030, bound=100.0)
    with pytest.raises(ValueError):
        Target("<=", 0.0, 2030)
    with pytest.raises(ValueError, match="more than one value"):
        assess([2015, 2015, 2020], [1.0, 2.0, 3.0], UNIVERSAL)


def test_assess_frame_one_row_per_scope() -> None:
    frame = pd.DataFrame({
        "scope_id": ["KEN", "KEN", "NOR", "NOR", "PER"],
        "year": [2015, 2020, 2015, 2020, 2016],
        "value": [80.0, 90.0, 90.0, 98.0, 40.0],
    })
    out = assess_frame(frame, UNIVERSAL)
    assert out["scope_id"].tolist() == ["KEN", "NOR", "PER"]
    assert out["status"].tolist() == ["on track", "met", "insufficient data"]
    assert out.loc[0, "projected_year"] == 2025
    assert out.loc[0, "ratio"] == pytest.approx(assess([2015, 2020], [80.0, 90.0], UNIVERSAL).ratio)
    assert pd.isna(out.loc[2, "projected_year"]) and pd.isna(out.loc[2, "ratio"])
    assert str(out["projected_year"].dtype) == "Int64"


SHARE_100 = {"comparator": ">=", "value": 100.0, "met_threshold": 95.0, "bound": 100.0, "band": None,
             "deadline_year": 2030}


def path(spec: dict, latest_year, latest_value, rate, base_value=None) -> pd.DataFrame:
    """progress.projection of a target given as a `target` row, with the pace kind the ETL stores beside it."""
    target = Target(comparator=spec["comparator"], value=spec["value"], deadline_year=spec["deadline_year"],
                    met_threshold=spec.get("met_threshold"), band=spec.get("band"), bound=spec.get("bound"))
    kind = pace_kind(target, base_value, latest_value)
    return pd.DataFrame(projection(latest_year, latest_value, rate, target, kind), columns=["year", "value"])


# --- the projected path (target_progress.projection_*), on hand-computed cases ---------------------


def test_bounded_share_projects_the_shortfall_to_the_deadline() -> None:
    # 60 % in 2024, the shortfall to 100 (40) shrinking 10 % a year: 36, 32.4, 29.16, … → values 64, 67.6, …
    ahead = path(SHARE_100, 2024, 60.0, -0.10)
    assert ahead["year"].tolist() == list(range(2024, 2031))
    expected = [60, 64, 67.6, 70.84, 73.756, 76.3804, 78.74236]
    assert ahead["value"].tolist() == pytest.approx(expected)


def test_bounded_share_stops_when_the_met_threshold_is_reached() -> None:
    # 90 % in 2024, shortfall 10 halving each year: 5 in 2025, i.e. 95 % = ITU's "met": no point after it.
    ahead = path(SHARE_100, 2024, 90.0, -0.5)
    assert ahead["year"].tolist() == [2024, 2025]
    assert ahead["value"].tolist() == pytest.approx([90, 95])


def test_a_widening_shortfall_projects_a_fall() -> None:
    ahead = path(SHARE_100, 2028, 80.0, 0.25)
    assert ahead["value"].tolist() == pytest.approx([80, 75, 68.75])  # shortfall 20 → 25 → 31.25


def test_unbounded_growth_compounds_the_value_itself() -> None:
    target = {"comparator": ">=", "value": 10.0, "met_threshold": None, "bound": None, "band": None,
              "deadline_year": 2030}
    ahead = path(target, 2025, 4.0, 0.5, base_value=1.0)
    assert ahead["year"].tolist() == [2025, 2026, 2027, 2028]  # 4, 6, 9, 13.5 ≥ 10: stop
    assert ahead["value"].tolist() == pytest.approx([4, 6, 9, 13.5])


def test_unbounded_growth_from_zero_uses_the_linear_pace() -> None:
    target = {"comparator": ">=", "value": 5.0, "met_threshold": None, "bound": None, "band": None,
              "deadline_year": 2030}
    ahead = path(target, 2025, 2.0, 1.0, base_value=0.0)
    assert ahead["value"].tolist() == pytest.approx([2, 3, 4, 5])


def test_a_ceiling_shrinks_the_value_and_parity_closes_on_the_band() -> None:
    price = {"comparator": "<=", "value": 2.0, "met_threshold": None, "bound": None, "band": None,
             "deadline_year": 2030}
    ahead = path(price, 2022, 4.0, -0.25)
    assert ahead["value"].tolist() == pytest.approx([4, 3, 2.25, 1.6875])  # ≤ 2 in 2025: stop
    parity = {"comparator": "between", "value": 1.0, "band": 0.02, "met_threshold": None, "bound": None,
              "deadline_year": 2030}
    ahead = path(parity, 2025, 0.9, -0.5)
    assert ahead["value"].tolist() == pytest.approx([0.9, 0.95, 0.975, 0.9875])  # within 0.98–1.02: stop
    above = path(parity, 2025, 1.1, -0.5)
    assert above["value"].tolist() == pytest.approx([1.1, 1.05, 1.025, 1.0125])


def test_nothing_is_projected_when_met_past_the_deadline_or_without_a_rate() -> None:
    assert path(SHARE_100, 2030, 60.0, -0.1).empty
    assert path(SHARE_100, 2024, 60.0, float("nan")).empty
    assert path(SHARE_100, None, None, None).empty


def test_projection_agrees_with_the_etl_projected_year() -> None:
    """The dashed line ends in the year etl/measures/progress.py projects (or at the deadline, when later)."""
    years = [2015, 2018, 2021, 2024]
    for values, spec in [([40, 50, 60, 70], SHARE_100), ([10, 14, 20, 27], {**SHARE_100, "met_threshold": None,
                                                                             "value": 35.0, "deadline_year": 2035}),
                         ([8, 6, 5, 4], {"comparator": "<=", "value": 2.0, "deadline_year": 2032})]:
        target = Target(comparator=spec["comparator"], value=spec["value"],
                        deadline_year=spec["deadline_year"], met_threshold=spec.get("met_threshold"),
                        bound=spec.get("bound"))
        assessed = assess(years, values, target)
        ahead = pd.DataFrame(projection(assessed.latest_year, assessed.latest_value, assessed.observed_rate, target,
                                        pace_kind(target, assessed.base_value, assessed.latest_value)),
                             columns=["year", "value"])
        assert ahead["year"].iloc[-1] == min(assessed.projected_year, spec["deadline_year"])

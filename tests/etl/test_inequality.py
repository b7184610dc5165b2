"""Gini and Theil indices across countries, on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from etl.measures.inequality import gini, inequality_by_year, theil


def brute_force_gini(x: np.ndarray, w: np.ndarray) -> float:
    """The O(n²) definition, to check the sorted computation against."""
    mean = np.dot(w, x) / w.sum()
    return float((np.outer(w, w) * np.abs(x[:, None] - x[None, :])).sum() / (2 * mean * w.sum() ** 2))


def test_gini_of_equal_shares_is_zero() -> None:
    assert gini([40.0, 40.0, 40.0], [1.0, 5.0, 2.0]) == 0.0


def test_gini_of_two_countries_zero_and_hundred() -> None:
    # ΣΣ|xi - xj| = 100 + 100 = 200; μ = 50, W = 2: 200 / (2 · 50 · 2²) = 0.5
    assert gini([0.0, 100.0], [1.0, 1.0]) == pytest.approx(0.5, abs=1e-15)
    assert gini([100.0, 0.0]) == pytest.approx(0.5, abs=1e-15)  # order and default equal weights


def test_gini_weights_matter() -> None:
    # x = 10, 20, 40 with w = 1, 2, 1: W = 4, Σwx = 90, μ = 22.5
    # pairs i<j: 1·2·10 + 1·1·30 + 2·1·20 = 20 + 30 + 40 = 90, both orders 180; 180 / (2 · 22.5 · 16) = 0.25
    assert gini([10.0, 20.0, 40.0], [1.0, 2.0, 1.0]) == pytest.approx(0.25, abs=1e-15)
    # unweighted: pairs 10 + 30 + 20 = 60, both orders 120; μ = 70/3, W = 3: 120 / (2 · 70/3 · 9) = 2/7
    assert gini([10.0, 20.0, 40.0], [1.0, 1.0, 1.0]) == pytest.approx(2 / 7, abs=1e-15)
    # a weight of 2 is the same as listing the country twice
    assert gini([10.0, 20.0, 20.0, 40.0]) == pytest.approx(0.25, abs=1e-15)


def test_gini_with_zero_values() -> None:
    # x = 0, 0, 30: pairs 0 + 30 + 30 = 60, both orders 120; μ = 10, W = 3: 120 / (2 · 10 · 9) = 2/3
    assert gini([0.0, 0.0, 30.0], [1.0, 1.0, 1.0]) == pytest.approx(2 / 3, abs=1e-15)


def test_gini_is_invariant_to_scaling_and_matches_the_definition() -> None:
    rng = np.random.default_rng(7)
    x, w = rng.uniform(0, 100, 200), rng.uniform(0.1, 50, 200)
    x[::17] = x[3]  # ties
    assert gini(x, w) == pytest.approx(brute_force_gini(x, w), rel=1e-12)
    assert gini(x / 100, w) == pytest.approx(gini(x, w), rel=1e-12)
    assert gini(x, w * 1000) == pytest.approx(gini(x, w), rel=1e-12)


def test_gini_drops_missing_pairs_and_rejects_bad_input() -> None:
    assert gini([0.0, 100.0, np.nan], [1.0, 1.0, 3.0]) == pytest.approx(0.5, abs=1e-15)
    assert gini([0.0, 100.0, 50.0], [1.0, 1.0, np.nan]) == pytest.approx(0.5, abs=1e-15)
    assert math.isnan(gini([np.nan], [1.0]))
    with pytest.raises(ValueError, match="negative"):
        gini([10.0, 20.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="mean is zero"):
        gini([0.0, 0.0], [1.0, 2.0])


def test_theil_of_equal_values_is_zero() -> None:
    assert theil([25.0, 25.0, 25.0], [1.0, 3.0, 9.0], ["a", "b", "a"]) == (0.0, 0.0, 0.0)


def test_theil_with_zero_values() -> None:
    # x = 0, 0, 30, μ = 10: 0·ln 0 + 0·ln 0 + (1/3)·3·ln 3 = ln 3 (the maximum for 3 countries)
    total, between, within = theil([0.0, 0.0, 30.0], [1.0, 1.0, 1.0])
    assert total == pytest.approx(math.log(3), abs=1e-15)
    assert between == 0.0
    assert within == pytest.approx(total, abs=1e-15)
    # two countries 0 and 100: (1/2)·2·ln 2 = ln 2
    assert theil([0.0, 100.0], [1.0, 1.0])[0] == pytest.approx(math.log(2), abs=1e-15)


def test_theil_decomposition_by_hand() -> None:
    # A = {10, 30}, B = {20, 40}, equal weights: W = 4, μ = 25, μA = 20, μB = 30, WA/W = WB/W = 1/2
    total, between, within = theil([10.0, 30.0, 20.0, 40.0], [1.0, 1.0, 1.0, 1.0], ["A", "A", "B", "B"])
    ln = math.log
    # total = (1/4)(0.4 ln 0.4 + 1.2 ln 1.2 + 0.8 ln 0.8 + 1.6 ln 1.6)
    assert total == pytest.approx((0.4 * ln(0.4) + 1.2 * ln(1.2) + 0.8 * ln(0.8) + 1.6 * ln(1.6)) / 4, abs=1e-15)
    # between = (1/2)(20/25) ln(20/25) + (1/2)(30/25) ln(30/25) = 0.4 ln 0.8 + 0.6 ln 1.2
    assert between == pytest.approx(0.4 * ln(0.8) + 0.6 * ln(1.2), abs=1e-15)
    # TA = (1/2)(0.5 ln 0.5) + (1/2)(1.5 ln 1.5); TB = (1/2)(2/3 ln 2/3) + (1/2)(4/3 ln 4/3)
    # within = (1/2)(20/25) TA + (1/2)(30/25) TB = 0.4 TA + 0.6 TB
    theil_a = 0.25 * ln(0.5) + 0.75 * ln(1.5)
    theil_b = ln(2 / 3) / 3 + 2 * ln(4 / 3) / 3
    assert within == pytest.approx(0.4 * theil_a + 0.6 * theil_b, abs=1e-15)
    assert abs(total - (between + within)) < 1e-12


def test_theil_decomposition_sums_with_weights_zeros_and_missing_groups() -> None:
    rng = np.random.default_rng(11)
    x, w = rng.uniform(0, 100, 300), rng.uniform(0.1, 80, 300)
    x[:10] = 0.0
    groups = np.array(rng.choice(["Africa", "Americas", "Asia", "Europe", None], 300), dtype=object)
    groups[5:8] = "Zero"  # a group whose mean is 0
    total, between, within = theil(x, w, groups)
    assert between > 0 and within > 0
    assert abs(total - (between + within)) < 1e-12
    assert theil(x, w)[0] == pytest.approx(total, rel=1e-12)  # grouping does not change the total


def test_inequality_by_year() -> None:
    frame = pd.DataFrame({
        "year": [2020, 2020, 2021, 2021, 2021, 2022, 2023],
        "value": [0.0, 100.0, 10.0, 20.0, 40.0, np.nan, 0.0],
        "weight": [1.0, 1.0, 1.0, 2.0, 1.0, 5.0, 3.0],
        "group": ["a", "b", "a", "a", "b", "a", "a"],
    })
    out = inequality_by_year(frame).set_index("year")
    assert list(out.columns) == ["n_countries", "gini", "theil", "theil_between", "theil_within"]
    assert out["n_countries"].tolist() == [2, 3, 0, 1]
    assert out.loc[2020, "gini"] == pytest.approx(0.5)
    assert out.loc[2020, "theil"] == pytest.approx(math.log(2))
    assert out.loc[2020, "theil_between"] == pytest.approx(math.log(2))  # one country per group
    assert out.loc[2021, "gini"] == pytest.approx(0.25)
    assert out.loc[2021, "theil"] == pytest.approx(out.loc[2021, "theil_between"] + out.loc[2021, "theil_within"])
    assert out.loc[[2022, 2023], ["gini", "theil"]].isna().all().all()  # no data; all-zero year

"""Inequality of a share across countries, per year: population-weighted Gini and Theil T indices.

- Gini: G = Σi Σj wi wj |xi - xj| / (2 μ W²), μ the weighted mean, W = Σ w. Computed in O(n log n) from the
  values in sorted order: Σi Σj wi wj |xi - xj| = 2 Σi wi (xi · Σ_{j<i} wj - Σ_{j<i} wj xj).
- Theil T: T = Σi (wi / W)(xi / μ) ln(xi / μ), with 0 · ln 0 = 0. Between groups:
  Σg (Wg / W)(μg / μ) ln(μg / μ); within: Σg (Wg / W)(μg / μ) Tg; total = between + within exactly.

Both are defined for non-negative values and weights with a positive weighted mean. Pairs with a missing
value or weight are dropped; an empty input gives NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

INEQUALITY_COLUMNS = ["year", "n_countries", "gini", "theil", "theil_between", "theil_within"]


def _clean(values: ArrayLike, weights: ArrayLike | None, *extra: ArrayLike) -> tuple[np.ndarray, ...]:
    """Values and weights as floats (equal weights when None) with NaN pairs dropped; extras filtered alike."""
    x = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    others = [np.asarray(e, dtype=object).ravel() for e in extra]
    if any(len(a) != len(x) for a in (w, *others)):
        raise ValueError("values, weights and groups must have the same length")
    keep = ~(np.isnan(x) | np.isnan(w))
    x, w, others = x[keep], w[keep], [o[keep] for o in others]
    if np.any(w < 0):
        raise ValueError("weights must not be negative")
    if np.any(x < 0):
        raise ValueError("values must not be negative")
    if len(x) and not np.dot(w, x) > 0:
        raise ValueError("the weighted mean is zero: inequality is undefined")
    return (x, w, *others)


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Population-weighted Gini coefficient of ``values`` (0 = equal, towards 1 = concentrated)."""
    x, w = _clean(values, weights)
    if len(x) == 0:
        return float("nan")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    # Weight and weighted sum of everything strictly before position i in sorted order; ties add 0 either way.
    weight_before = np.cumsum(w) - w
    mass_before = np.cumsum(w * x) - w * x
    half_pairs = np.dot(w, x * weight_before - mass_before)
    # 2·half_pairs / (2 μ W²) with μ W = Σ w x.
    return float(half_pairs / (w.sum() * np.dot(w, x)))


def _xlogx_ratio(x: np.ndarray, mean: np.ndarray | float) -> np.ndarray:
    """(x / mean) · ln(x / mean), taking 0 · ln 0 = 0 (also where the mean itself is 0)."""
    ratio = np.divide(x, mean, out=np.zeros_like(x, dtype=float), where=np.asarray(mean) > 0)
    return np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)


def theil(values: ArrayLike, weights: ArrayLike | None = None,
          groups: ArrayLike | None = None) -> tuple[float, float, float]:
    """Theil T index with its decomposition by ``groups``: (total, between, within).

    Without groups everything is within one group. Missing group labels form one group of their own, so the
    decomposition still adds up.
    """
    if groups is None:
        x, w = _clean(values, weights)
        codes = np.zeros(len(x), dtype=int)
    else:
        x, w, labels = _clean(values, weights, groups)
        codes, _ = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=False)
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    total_weight = w.sum()
    mean = np.dot(w, x) / total_weight
    total = float(np.dot(w / total_weight, _xlogx_ratio(x, mean)))

    group_weight = np.bincount(codes, weights=w)
    group_mass = np.bincount(codes, weights=w * x)
    group_mean = np.divide(group_mass, group_weight, out=np.zeros_like(group_mass), where=group_weight > 0)
    # Tg = Σ_{i∈g} (wi / Wg)(xi / μg) ln(xi / μg); a group of zero weight contributes nothing.
    group_theil = np.divide(np.bincount(codes, weights=w * _xlogx_ratio(x, group_mean[codes])), group_weight,
                            out=np.zeros_like(group_weight), where=group_weight > 0)
    share = group_weight / total_weight
    between = float(np.dot(share, _xlogx_ratio(group_mean, mean)))
    within = float(np.dot(share * group_mean / mean, group_theil))
    return total, between, within


def inequality_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Per year of ``frame`` (columns year, value, weight, group): n_countries, gini, theil, theil_between,
    theil_within. A year whose weighted mean is zero gets NaN measures rather than stopping the others."""
    missing = {"year", "value", "weight", "group"} - set(frame.columns)
    if missing:
        raise ValueError(f"frame lacks columns {sorted(missing)}")
    rows = []
    for year, part in frame.groupby("year", sort=True):
        x = part["value"].to_numpy(dtype=float, na_value=np.nan)
        w = part["weight"].to_numpy(dtype=float, na_value=np.nan)
        groups = part["group"].to_numpy(dtype=object)
        usable = ~(np.isnan(x) | np.isnan(w))
        row = {"year": year, "n_countries": int(usable.sum()), "gini": np.nan, "theil": np.nan,
               "theil_between": np.nan, "theil_within": np.nan}
        # A year of all-zero values has no inequality to measure; negative inputs are data errors and still raise.
        all_zero = np.all(x[usable] >= 0) and np.all(w[usable] >= 0) and np.dot(x[usable], w[usable]) == 0
        if not all_zero:
            total, between, within = theil(x, w, groups)
            row |= {"gini": gini(x, w), "theil": total, "theil_between": between, "theil_within": within}
        rows.append(row)
    return pd.DataFrame(rows, columns=INEQUALITY_COLUMNS).astype({"n_countries": int})

"""Estimates over replications: the mean with a 95% Student-t interval, and percentiles.

SciPy is not a dependency, so the t quantiles come from a table: the two-sided 95% critical values
t(0.975, df) of the NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2 ("Critical
values of the Student's t distribution"), to four decimals. Degrees of freedom between two rows are
interpolated linearly in 1/df, the usual way to read such a table (the error is below 0.001 here);
beyond 120 the curve runs to the normal quantile 1.96 at 1/df = 0. tests/simulation/test_simulate.py
checks every row against a numerical integration of the t density.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

# df -> t(0.975, df): NIST/SEMATECH e-Handbook 1.3.6.7.2; math.inf -> the normal quantile z(0.975)
T_975: dict[float, float] = {
    1: 12.7062, 2: 4.3027, 3: 3.1824, 4: 2.7764, 5: 2.5706, 6: 2.4469, 7: 2.3646, 8: 2.3060,
    9: 2.2622, 10: 2.2281, 11: 2.2010, 12: 2.1788, 13: 2.1604, 14: 2.1448, 15: 2.1314, 16: 2.1199,
    17: 2.1098, 18: 2.1009, 19: 2.0930, 20: 2.0860, 21: 2.0796, 22: 2.0739, 23: 2.0687, 24: 2.0639,
    25: 2.0595, 26: 2.0555, 27: 2.0518, 28: 2.0484, 29: 2.0452, 30: 2.0423, 40: 2.0211, 50: 2.0086,
    60: 2.0003, 80: 1.9901, 100: 1.9840, 120: 1.9799, math.inf: 1.9600,
}


def t_critical_95(df: int) -> float:
    """The two-sided 95% critical value of Student's t with ``df`` degrees of freedom.

    Examples
    --------
    >>> t_critical_95(9), round(t_critical_95(10**9), 4)
    (2.2622, 1.96)
    >>> round(t_critical_95(35), 3)   # between the rows 30 and 40, linear in 1/df
    2.03
    """
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, not {df}")
    if df in T_975:
        return T_975[df]
    rows = sorted(T_975)
    upper = next(r for r in rows if r > df)
    lower = max(r for r in rows if r < df)
    # interpolate in 1/df: the quantile is nearly linear in it (1/inf = 0)
    x, x0, x1 = 1 / df, 1 / lower, (0.0 if upper == math.inf else 1 / upper)
    y0, y1 = T_975[lower], T_975[upper]
    return y1 + (y0 - y1) * (x - x1) / (x0 - x1)


@dataclass(frozen=True)
class Estimate:
    """A mean over ``n`` replications with its 95% confidence interval ``[low, high]`` (Student t).

    With one replication there is no spread to measure: ``low == high == mean``.
    """

    mean: float
    low: float
    high: float
    n: int

    def to_record(self) -> dict[str, float | int]:
        """JSON-ready: ``{"mean", "low", "high", "n"}``."""
        return {"mean": self.mean, "low": self.low, "high": self.high, "n": self.n}

    @classmethod
    def from_record(cls, record: dict) -> Estimate:
        return cls(float(record["mean"]), float(record["low"]), float(record["high"]), int(record["n"]))


def estimate(values: Iterable[float]) -> Estimate:
    """Mean and 95% Student-t interval of independent replications' values.

    Examples
    --------
    >>> e = estimate([10.0, 12.0, 14.0])
    >>> e.mean, round(e.low, 3), round(e.high, 3), e.n   # 12 -/+ 4.3027 * 2 / sqrt(3)
    (12.0, 7.032, 16.968, 3)
    >>> estimate([5.0])
    Estimate(mean=5.0, low=5.0, high=5.0, n=1)
    """
    data = [float(v) for v in values]
    if not data:
        raise ValueError("an estimate needs at least one value")
    mean = statistics.fmean(data)
    if len(data) == 1:
        return Estimate(mean, mean, mean, 1)
    half = t_critical_95(len(data) - 1) * statistics.stdev(data) / math.sqrt(len(data))
    return Estimate(mean, mean - half, mean + half, len(data))


def percentile(values: Sequence[float] | np.ndarray, q: float) -> float:
    """The ``q``-th percentile (0..100), linear between order statistics (numpy's default,
    Excel's PERCENTILE.INC); 0.0 for no values.

    Examples
    --------
    >>> percentile([0, 10, 20, 30, 40], 95)
    38.0
    >>> percentile([], 95)
    0.0
    """
    if len(values) == 0:
        return 0.0
    return float(np.percentile(np.asarray(values, dtype=float), q))


def coefficient_of_variation(values: Sequence[float]) -> float:
    """Standard deviation over mean (population sd); 0.0 when there are fewer than two values or the
    mean is 0. Of headways it measures bunching: 0 for buses evenly spaced, 1 for random arrivals.

    Examples
    --------
    >>> coefficient_of_variation([600, 600, 600])
    0.0
    >>> round(coefficient_of_variation([300, 900]), 3)
    0.5
    """
    if len(values) < 2:
        return 0.0
    mean = statistics.fmean(values)
    return statistics.pstdev(values) / mean if mean else 0.0

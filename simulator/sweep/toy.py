"""Small, fast stand-in models with the runner's shape: ``f(params, seed) -> outcomes``.

They let the sweep machinery, the analyses and the benchmarks be tested without the
agent-based model, and they are importable on dask workers (``function:`` targets).

- :func:`toy_tipping`: a noisy bistable mean-field system (a fold bifurcation in the
  push from recruitment), with a known qualitative tipping point and true hysteresis;
  keys ``recruit.cohort_size``, ``recruit.end_year`` and ``toy.sleep``.
- :func:`toy_linear`: learning rises linearly with the cohort size plus noise: no
  threshold anywhere (the negative control of the tipping estimator).
- :func:`ishigami`: the Ishigami-Homma function (Ishigami & Homma 1990), SALib's
  reference for Sobol indices; keys ``x1``, ``x2``, ``x3`` in [-pi, pi].
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["toy_tipping", "toy_linear", "ishigami", "ISHIGAMI_S1", "ISHIGAMI_ST"]

#: Analytic first-order Sobol indices of Ishigami with a=7, b=0.1 (Saltelli et al. 2008).
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
#: Analytic total-order indices.
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def _sleep(params: Mapping[str, Any]) -> None:
    pause = float(params.get("toy.sleep", 0.0))
    if pause > 0:
        time.sleep(pause)


def toy_tipping(params: Mapping[str, Any], seed: int, steps: int = 180) -> dict[str, float]:
    """A bistable engaged share ``x`` pushed by recruitment; learning follows ``x``.

    ``x[t+1] = x + r * (S(x) - x) + push * active(t) * (1 - x) + noise`` with
    ``S(x) = 1 / (1 + exp(-k (x - 1/2)))``: without push there are two stable states
    (low and high engagement); a large enough push removes the low one (a fold), and
    once high, the system stays high after recruitment stops (hysteresis).

    Args:
        params: ``recruit.cohort_size`` (fellows a year, default 0), ``recruit.end_year``
            (default 100), ``toy.noise`` (default 0.03), ``toy.sleep`` (seconds to wait).
        seed: the run's seed.
        steps: months to simulate.

    Returns:
        ``final_learning``, ``learning_gain``, ``peak_learning``, ``final_engaged_share``.
    """
    _sleep(params)
    rng = np.random.default_rng(seed)
    cohort = float(params.get("recruit.cohort_size", 0.0))
    end_month = 12.0 * float(params.get("recruit.end_year", 100.0))
    noise = float(params.get("toy.noise", 0.03))
    rate, steep = 0.08, 10.0
    push_per_fellow = 0.0005
    x = 0.02
    shocks = rng.normal(0.0, noise, size=steps)
    learning = np.empty(steps)
    level = 0.40
    for t in range(steps):
        push = push_per_fellow * cohort if t < end_month else 0.0
        drift = rate * (1.0 / (1.0 + math.exp(-steep * (x - 0.5))) - x) + push * (1.0 - x)
        x = min(1.0, max(0.0, x + drift + shocks[t]))
        # Learning closes a twelfth of its gap to the engaged share each month.
        level += (0.40 + 0.35 * x - level) / 12.0
        learning[t] = level
    final = float(learning[-12:].mean())
    return {
        "final_learning": final,
        "learning_gain": final - 0.40,
        "peak_learning": float(learning.max()),
        "final_engaged_share": x,
    }


def toy_linear(params: Mapping[str, Any], seed: int, steps: int = 180) -> dict[str, float]:
    """Learning linear in the cohort size plus Gaussian noise: no threshold to find.

    Args:
        params: ``recruit.cohort_size`` (default 0), ``toy.slope`` (default 0.004 per
            fellow), ``toy.noise`` (default 0.03), ``toy.sleep``.
        seed: the run's seed.
        steps: unused (same signature as the other toys).

    Returns:
        ``final_learning``, ``learning_gain``, ``peak_learning``.
    """
    _sleep(params)
    rng = np.random.default_rng(seed)
    cohort = float(params.get("recruit.cohort_size", 0.0))
    slope = float(params.get("toy.slope", 0.004))
    final = 0.40 + slope * cohort + rng.normal(0.0, float(params.get("toy.noise", 0.03)))
    return {
        "final_learning": final,
        "learning_gain": final - 0.40,
        "peak_learning": max(final, 0.40),
    }


def ishigami(
    params: Mapping[str, Any], seed: int, a: float = 7.0, b: float = 0.1
) -> dict[str, float]:
    """The Ishigami-Homma function ``sin x1 + a sin^2 x2 + b x3^4 sin x1`` (deterministic).

    Args:
        params: ``x1``, ``x2``, ``x3``.
        seed: unused; present for the runner's signature.
        a: the ``a`` constant (7 in the reference values).
        b: the ``b`` constant (0.1 in the reference values).

    Returns:
        ``{"y": value}``.
    """
    x1, x2, x3 = (float(params[k]) for k in ("x1", "x2", "x3"))
    return {"y": math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)}

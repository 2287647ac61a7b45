"""Named summary statistics of one run, computed from its tables (never from the model).

Each statistic is a pure function of a run's outputs, the monthly indicator table
(``timeseries``: one row a month, ``month`` and every indicator of
:data:`simulator.indicators.INDICATORS`) and the learning of every school
(``schools``: ``month``, ``school``, ``cluster``, ``district``, ``learning``), both as
returned by :func:`simulator.runner.run_scenario`. A target in ``calibration/targets.yaml``
names a statistic and its arguments; :func:`compute` evaluates it. Statistics depend only
on the public run tables, so they keep working when the model's mechanisms change.

Months are 0-based rows of the monthly table; month ``m`` is the state after ``m``
monthly steps (row 0 is the state before the first step).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

__all__ = ["RunTables", "STATISTICS", "statistic", "compute", "check_arguments", "describe"]


class RunTables(Protocol):
    """What a statistic reads: the two tables of a :class:`simulator.runner.RunResult`."""

    timeseries: pd.DataFrame
    schools: pd.DataFrame


Statistic = Callable[..., float]

#: Every statistic a target may name, by name.
STATISTICS: dict[str, Statistic] = {}


def statistic(fn: Statistic) -> Statistic:
    """Register a statistic under its function name."""
    STATISTICS[fn.__name__] = fn
    return fn


def _series(run: RunTables, indicator: str) -> np.ndarray:
    ts = run.timeseries
    if indicator not in ts:
        raise KeyError(f"indicator {indicator!r} is not a column of the run's monthly table")
    return ts[indicator].to_numpy(dtype=float)


def _window_mean(values: np.ndarray, month: int, window: int) -> float:
    if not 0 <= month < values.size:
        raise ValueError(f"month {month} is outside the run (months 0..{values.size - 1})")
    lo = max(0, month - window + 1)
    return float(values[lo : month + 1].mean())


@statistic
def final(run: RunTables, indicator: str = "learning_mean", window: int = 12) -> float:
    """Mean of an indicator over the last ``window`` months of the run."""
    values = _series(run, indicator)
    return _window_mean(values, values.size - 1, window)


@statistic
def value_at(
    run: RunTables, month: int, indicator: str = "learning_mean", window: int = 1
) -> float:
    """Mean of an indicator over the ``window`` months ending at ``month``."""
    return _window_mean(_series(run, indicator), int(month), window)


@statistic
def gain(
    run: RunTables, indicator: str = "learning_mean", month: int | None = None, window: int = 12
) -> float:
    """Indicator at ``month`` (default: the end, mean of ``window`` months) minus month 0."""
    values = _series(run, indicator)
    at = values.size - 1 if month is None else int(month)
    return _window_mean(values, at, window) - float(values[0])


@statistic
def kept_share(run: RunTables, indicator: str = "learning_mean", window: int = 12) -> float:
    """Share of the peak gain still there at the end: ``(final - start) / (peak - start)``.

    0 when there was no gain to keep (peak within 1e-9 of the start); can be negative
    when the indicator ends below its start.
    """
    values = _series(run, indicator)
    start = float(values[0])
    peak = float(values.max()) - start
    if peak <= 1e-9:
        return 0.0
    return (_window_mean(values, values.size - 1, window) - start) / peak


@statistic
def months_to_share_of_gain(
    run: RunTables,
    share: float = 0.9,
    indicator: str = "learning_mean",
    horizon: int | None = None,
    window: int = 3,
) -> float:
    """First month the indicator has made ``share`` of its gain up to ``horizon``.

    The gain is the ``window``-month mean at ``horizon`` (default: the end) minus month 0;
    the series is smoothed with a trailing ``window``-month mean. NaN when there is no
    positive gain (nothing to reach).
    """
    values = _series(run, indicator)
    at = values.size - 1 if horizon is None else int(horizon)
    total = _window_mean(values, at, window) - float(values[0])
    if total <= 1e-9:
        return float("nan")
    smooth = pd.Series(values[: at + 1]).rolling(window, min_periods=1).mean().to_numpy()
    hit = np.flatnonzero(smooth - values[0] >= share * total)
    return float(hit[0]) if hit.size else float("nan")


def _cluster_means(run: RunTables, treated_clusters: int) -> pd.DataFrame:
    schools = run.schools
    treated = schools["cluster"].to_numpy() < int(treated_clusters)
    if not treated.any() or treated.all():
        raise ValueError(
            f"treated_clusters={treated_clusters} leaves no treated or no comparison clusters "
            f"(the run has {int(schools['cluster'].max()) + 1} clusters)"
        )
    frame = schools.assign(treated=treated)
    return frame.groupby(["month", "treated"])["learning"].mean().unstack("treated")


@statistic
def cluster_ratio(run: RunTables, month: int, treated_clusters: int, window: int = 1) -> float:
    """Mean school learning of the first ``treated_clusters`` clusters over the others.

    The collectives of a scenario with ``convene.collectives.clusters: N`` meet in the
    first N clusters, so this is the treated/comparison ratio of an evaluation such as
    Telangana's (seed 003), at ``month`` (mean over ``window`` months).
    """
    means = _cluster_means(run, treated_clusters)
    ratio = (means[True] / means[False]).to_numpy(dtype=float)
    return _window_mean(ratio, int(month), window)


@statistic
def cluster_gap_maturity(
    run: RunTables, treated_clusters: int, share: float = 0.9, window: int = 3
) -> float:
    """Months until the treated-minus-comparison learning gap reaches ``share`` of its peak.

    The gap (mean school learning of the first ``treated_clusters`` clusters minus the
    others) is smoothed with a trailing ``window``-month mean; its peak is taken over the
    whole run. This is the time collectives take to mature (seed 003: about three years).
    NaN when the gap never turns positive.
    """
    means = _cluster_means(run, treated_clusters)
    gap = (means[True] - means[False]).to_numpy(dtype=float)
    smooth = pd.Series(gap).rolling(window, min_periods=1).mean().to_numpy()
    peak = float(smooth.max())
    if peak <= 1e-9:
        return float("nan")
    hit = np.flatnonzero(smooth >= share * peak)
    return float(hit[0])


def check_arguments(name: str, args: dict[str, Any]) -> str | None:
    """Why ``args`` do not fit statistic ``name`` (None when they do)."""
    fn = STATISTICS.get(name)
    if fn is None:
        return f"one of {sorted(STATISTICS)}"
    params = dict(inspect.signature(fn).parameters)
    params.pop("run", None)
    unknown = sorted(set(args) - set(params))
    if unknown:
        return f"arguments of {name} among {sorted(params)} (unknown: {unknown})"
    missing = sorted(
        k for k, p in params.items() if p.default is inspect.Parameter.empty and k not in args
    )
    if missing:
        return f"the required arguments of {name}: {missing}"
    return None


def describe(name: str) -> str:
    """The first line of a statistic's docstring."""
    doc = inspect.getdoc(STATISTICS[name]) or ""
    return doc.splitlines()[0] if doc else name


def compute(name: str, run: RunTables, args: dict[str, Any] | None = None) -> float:
    """Evaluate statistic ``name`` on a run; NaN stays NaN (the distance penalises it)."""
    value = float(STATISTICS[name](run, **(args or {})))
    return value if math.isfinite(value) else float("nan")

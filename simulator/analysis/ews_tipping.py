"""Early-warning signals before tipping, on runs near the estimated critical mass.

The tipping study's main sweep keeps every run's monthly series of the early-warning
indicator (``DIR/sweep/_timeseries``); the study picks a few runs near the critical mass
and at the lowest lever value and hands their series to :func:`analyse_ews`. For every run at the lever value nearest the critical mass whose
series rises (by at least ``min_rise``), the segment *before* the transition (up to the
first month the series has made half of its rise) goes through the recipe of
:mod:`simulator.analysis.ews_recipe` (Gaussian detrending, rolling lag-1 autocorrelation and
variance, Kendall tau, AR(1) surrogates; Dakos et al. 2012). Control runs at the lowest
lever value (no transition) go through the same recipe on segments of the same length,
so a rise that is only the recruitment forcing shows up in the controls too.

This is the *time-series* form of early warning; the model is pushed by recruitment
rather than by a slowly drifting parameter, so a missing signal is a finding, not a bug.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["analyse_ews", "transition_month"]


def transition_month(series: np.ndarray, min_rise: float) -> int | None:
    """First month the series has made half of its rise (start -> maximum), or None if it rises less than ``min_rise``."""
    start = float(np.mean(series[: min(6, series.size)]))
    top = float(np.max(series))
    if top - start < min_rise:
        return None
    return int(np.argmax(series >= start + 0.5 * (top - start)))


def analyse_ews(
    timeseries: pd.DataFrame,
    lever: str,
    near: float,
    control: float,
    series: str = "engaged_share",
    min_rise: float = 0.1,
    min_length: int = 24,
    window: float = 0.5,
    bandwidth: float = 0.1,
    n_surrogates: int = 200,
    seed: int = 0,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Kendall trends of rolling AR(1) and variance before tipping, with controls.

    Args:
        timeseries: monthly rows of the picked runs (``run_id``, ``month``, the lever, ``series``).
        lever: the lever column.
        near: the lever value near the critical mass (runs analysed up to their transition).
        control: the lever value of the control runs (analysed on the same lengths).
        series: the monthly indicator analysed.
        min_rise: smallest rise of ``series`` that counts as a transition.
        min_length: shortest pre-transition segment analysed (months).
        window: rolling window (fraction of the segment).
        bandwidth: detrending bandwidth (fraction of the segment).
        n_surrogates: AR(1) surrogates per segment for the p-values.
        seed: surrogate generator seed.
        alpha: significance level for "rising".

    Returns:
        A JSON-ready dict: per-run taus and p-values, medians, the share of runs with both
        indicators rising significantly, indicator curves for the figure, and a summary.
    """
    from simulator.analysis.ews_recipe import ews_indicators, ews_test

    if series not in timeseries:
        raise KeyError(
            f"series {series!r} is not in the time series; columns: {list(timeseries.columns)}"
        )
    rng = np.random.default_rng(seed)
    tipping_rows, control_rows, curves = [], [], []
    lengths = []
    for run_id, grp in timeseries[np.isclose(timeseries[lever], near)].groupby("run_id"):
        values = grp.sort_values("month")[series].to_numpy(dtype=float)
        month = transition_month(values, min_rise)
        if month is None or month < min_length:
            tipping_rows.append(
                {"run_id": int(run_id), "transition_month": month, "analysed": False}
            )
            continue
        segment = values[:month]
        result = ews_test(segment, window, bandwidth, n_surrogates=n_surrogates, rng=rng)
        lengths.append(month)
        tipping_rows.append(
            {
                "run_id": int(run_id),
                "transition_month": month,
                "analysed": True,
                "tau_ar1": result.tau_ar1,
                "p_ar1": result.p_ar1,
                "tau_var": result.tau_var,
                "p_var": result.p_var,
                "rising": bool(result.rising(alpha)),
            }
        )
        frame = ews_indicators(segment, window, bandwidth)
        curves.append(
            {
                "run_id": int(run_id),
                "month": list(range(month)),
                "variance": frame["variance"].tolist(),
                "ar1": frame["ar1"].tolist(),
            }
        )
    length = int(np.median(lengths)) if lengths else 0
    if length >= min_length:
        for run_id, grp in timeseries[np.isclose(timeseries[lever], control)].groupby("run_id"):
            values = grp.sort_values("month")[series].to_numpy(dtype=float)[:length]
            if values.size < min_length or np.ptp(values) == 0:
                continue
            result = ews_test(values, window, bandwidth, n_surrogates=n_surrogates, rng=rng)
            control_rows.append(
                {
                    "run_id": int(run_id),
                    "tau_ar1": result.tau_ar1,
                    "p_ar1": result.p_ar1,
                    "tau_var": result.tau_var,
                    "p_var": result.p_var,
                    "rising": bool(result.rising(alpha)),
                }
            )

    def median(rows: list[dict[str, Any]], key: str) -> float:
        vals = [r[key] for r in rows if r.get(key) is not None and np.isfinite(r[key])]
        return float(np.median(vals)) if vals else float("nan")

    analysed = [r for r in tipping_rows if r.get("analysed")]
    rising = sum(r["rising"] for r in analysed)

    def count(rows: list[dict[str, Any]], tau: str, p: str) -> int:
        return sum(1 for r in rows if r[tau] > 0 and r[p] < alpha)

    from simulator.labels import label, phrase

    what = label(series).lower()
    near_text, control_text = phrase(lever, near), phrase(lever, control)
    if analysed:
        text = (
            f"Early warnings ({what}) before tipping at {near_text} "
            f"({len(analysed)} runs with a transition; AR(1) surrogates, p < {alpha:g}): "
            f"lag-1 autocorrelation rose significantly in {count(analysed, 'tau_ar1', 'p_ar1')}, "
            f"variance in {count(analysed, 'tau_var', 'p_var')}, both in {rising}; median Kendall tau "
            f"{median(analysed, 'tau_ar1'):.2f} (AR1), {median(analysed, 'tau_var'):.2f} (variance). "
            f"Controls at {control_text} ({len(control_rows)} runs, same length): "
            f"AR1 rose in {count(control_rows, 'tau_ar1', 'p_ar1')}, variance in "
            f"{count(control_rows, 'tau_var', 'p_var')}; median tau {median(control_rows, 'tau_ar1'):.2f} (AR1), "
            f"{median(control_rows, 'tau_var'):.2f} (variance). Detrending bandwidth "
            f"{bandwidth:g} of the segment in Dakos et al.'s ksmooth convention; window {window:g}."
        )
    else:
        text = (
            f"Early warnings: no run at {near_text} had a transition ({what} rising by at least {min_rise:g}) "
            f"after at least {min_length} months, so there is no pre-transition segment to analyse."
        )
    return {
        "series": curves,
        "indicator": series,
        "lever": lever,
        "near": float(near),
        "control": float(control),
        "runs": tipping_rows,
        "controls": control_rows,
        "tau_ar1": median(analysed, "tau_ar1"),
        "tau_variance": median(analysed, "tau_var"),
        "control_tau_ar1": median(control_rows, "tau_ar1"),
        "control_tau_variance": median(control_rows, "tau_var"),
        "share_rising": (rising / len(analysed)) if analysed else float("nan"),
        "window": window,
        "bandwidth": bandwidth,
        "n_surrogates": n_surrogates,
        "title": f"Early warnings ({what}) before tipping, {near_text}",
        "summary": text,
    }

"""Hysteresis: do gains persist after the strategy stops, above the critical mass only?

Two sweep tables over the same lever values and seeds: the *sustained* runs (the
scenario's own schedule) and the *stopped* runs (the same, with the strategy stopped at
a given year through a scenario override such as ``recruit.end_year``). Analysis reads
the tables only.

For every run of the stopped sweep, **retention** is the share of its peak gain still
there at the end: ``(final - initial) / (peak - initial)`` from the summary outcomes
``final_learning``, ``initial_learning`` (or ``final_learning - learning_gain``) and
``peak_learning``; runs whose peak gain is below ``min_gain`` have nothing to retain and
are left out. The brief's pattern 2 ("above critical mass, gains persist after
recruitment stops; below it they decay") is then a comparison of retention at lever
values above the critical mass's interval with retention at values below it, with a
stratified-bootstrap interval for the difference; and of P(transformed) between the
sustained and stopped runs (the stopped curve's own critical mass is estimated too).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .tipping import Regime, wilson_interval

__all__ = ["HysteresisResult", "retention", "analyse_hysteresis"]


def retention(table: pd.DataFrame, min_gain: float = 0.02) -> np.ndarray:
    """Per run: share of the peak learning gain kept at the end.

    NaN where the peak gain is below ``min_gain`` (nothing to retain).
    """
    final = table["final_learning"].to_numpy(dtype=float)
    if "initial_learning" in table:
        initial = table["initial_learning"].to_numpy(dtype=float)
    elif "learning_gain" in table:
        initial = final - table["learning_gain"].to_numpy(dtype=float)
    else:
        raise KeyError("retention needs initial_learning or learning_gain beside final_learning")
    peak = table["peak_learning"].to_numpy(dtype=float)
    gain = peak - initial
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (final - initial) / gain
    out[~(gain >= min_gain)] = np.nan
    return out


@dataclass
class HysteresisResult:
    """Persistence of gains after the strategy stops, above and below the critical mass."""

    lever: str
    stop_key: str
    stop_value: float
    regime_text: str
    critical_mass: float
    ci_low: float
    ci_high: float
    levels: list[dict[str, Any]]
    retention_above: float
    retention_below: float
    difference: float
    difference_ci: tuple[float, float]
    p_stopped_above: float
    p_stopped_below: float
    stopped_critical_mass: float
    stopped_ci: tuple[float, float]
    verdict: str
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    def summary(self) -> str:
        """Plain-language lines for the terminal and the report."""
        from simulator.labels import label

        lines = [
            f"Strategy stopped: {label(self.stop_key).lower()} at {self.stop_value:g}: "
            f"gains retained {self.retention_above:.0%} above the critical mass "
            f"({label(self.lever).lower()} > {self.ci_high:.4g}) and "
            f"{self.retention_below:.0%} below it "
            f"(< {self.ci_low:.4g}); difference {self.difference:+.2f} "
            f"(95% CI {self.difference_ci[0]:+.2f} to {self.difference_ci[1]:+.2f}).",
            f"P(transformed) of stopped runs: {self.p_stopped_above:.2f} above, "
            f"{self.p_stopped_below:.2f} below.",
            f"Verdict: {self.verdict}.",
        ]
        lines += [f"  - {r}" for r in self.reasons]
        return "\n".join(lines)


def _nanmean(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else float("nan")


def analyse_hysteresis(
    sustained: pd.DataFrame,
    stopped: pd.DataFrame,
    lever: str,
    stop_key: str,
    critical_mass: float,
    ci: tuple[float, float],
    regime: Regime | None = None,
    min_gain: float = 0.02,
    persist_level: float = 0.8,
    n_boot: int = 1000,
    seed: int = 0,
) -> HysteresisResult:
    """Compare persistence of gains above and below the critical mass.

    Args:
        sustained: the main sweep (the scenario's schedule).
        stopped: the same lever values with the strategy stopped (``stop_key`` fixed).
        lever: the lever column.
        stop_key: the scenario key that stopped the strategy (a column of ``stopped``).
        critical_mass: the sustained critical mass and its interval ``ci``.
        ci: the interval of the critical mass.
        regime: what counts as transformed (default ``learning_gain >= 0.10``).
        min_gain: smallest peak gain for which retention is defined.
        persist_level: retention above the critical mass needed to call gains persistent.
        n_boot: bootstrap resamples for the difference.
        seed: bootstrap seed.
    """
    from .tipping import estimate_tipping

    regime = regime or Regime()
    stop_value = float(stopped[stop_key].iloc[0]) if stop_key in stopped else float("nan")
    keep = retention(stopped, min_gain)
    frame = pd.DataFrame(
        {
            "value": stopped[lever].to_numpy(dtype=float),
            "retention": keep,
            "y": regime.classify(stopped, lever),
            "outcome": stopped[regime.outcome].to_numpy(dtype=float),
        }
    )
    main = pd.DataFrame(
        {
            "value": sustained[lever].to_numpy(dtype=float),
            "y": regime.classify(sustained, lever),
            "outcome": sustained[regime.outcome].to_numpy(dtype=float),
        }
    )
    levels = []
    for value, grp in frame.groupby("value", sort=True):
        ref = main[main["value"] == value]
        k, n = grp["y"].sum(), len(grp)
        lo, hi = wilson_interval(k, n)
        ks, ns = ref["y"].sum(), len(ref)
        slo, shi = wilson_interval(ks, ns) if ns else (np.nan, np.nan)
        r = grp["retention"].to_numpy()
        levels.append(
            {
                "value": float(value),
                "n_stopped": int(n),
                "p_stopped": float(k / n),
                "p_stopped_low": float(lo),
                "p_stopped_high": float(hi),
                "mean_stopped": float(grp["outcome"].mean()),
                "n_sustained": int(ns),
                "p_sustained": float(ks / ns) if ns else float("nan"),
                "p_sustained_low": float(slo),
                "p_sustained_high": float(shi),
                "mean_sustained": float(ref["outcome"].mean()) if ns else float("nan"),
                "retention": _nanmean(r),
                "retention_n": int(np.isfinite(r).sum()),
            }
        )

    above = frame["value"] > ci[1]
    below = frame["value"] < ci[0]
    reasons: list[str] = []
    r_above = _nanmean(frame.loc[above, "retention"].to_numpy())
    r_below = _nanmean(frame.loc[below, "retention"].to_numpy())
    p_above = float(frame.loc[above, "y"].mean()) if above.any() else float("nan")
    p_below = float(frame.loc[below, "y"].mean()) if below.any() else float("nan")

    rng = np.random.default_rng(seed)
    diffs = np.full(n_boot, np.nan)
    groups = {v: g["retention"].to_numpy() for v, g in frame.groupby("value")}
    up = [g for v, g in groups.items() if v > ci[1]]
    down = [g for v, g in groups.items() if v < ci[0]]
    if up and down and math.isfinite(r_above) and math.isfinite(r_below):
        for b in range(n_boot):
            a = np.concatenate([g[rng.integers(0, g.size, g.size)] for g in up])
            d = np.concatenate([g[rng.integers(0, g.size, g.size)] for g in down])
            diffs[b] = _nanmean(a) - _nanmean(d)
    finite = diffs[np.isfinite(diffs)]
    diff_ci = (
        (float(np.percentile(finite, 2.5)), float(np.percentile(finite, 97.5)))
        if finite.size
        else (float("nan"), float("nan"))
    )

    try:
        stop_fit = estimate_tipping(
            stopped, lever, regime, n_boot=n_boot, seed=seed, bimodality_levels=0
        )
        stopped_cm, stopped_ci = stop_fit.critical_mass, (stop_fit.ci_low, stop_fit.ci_high)
        if not stop_fit.crosses:
            stopped_cm = float("nan")
    except ValueError:
        stopped_cm, stopped_ci = float("nan"), (float("nan"), float("nan"))

    if not up:
        reasons.append(f"no lever value above the critical mass interval (> {ci[1]:.4g})")
    if not down:
        reasons.append(f"no lever value below the critical mass interval (< {ci[0]:.4g})")
    if up and not math.isfinite(r_above):
        reasons.append(f"no stopped run above the critical mass gained at least {min_gain:g}")
    if reasons:
        verdict = "undetermined"
    elif r_above >= persist_level and diff_ci[0] > 0:
        verdict = "gains persist above the critical mass and decay below it"
    elif diff_ci[0] > 0:
        verdict = "gains persist more above the critical mass, but partly decay"
        reasons.append(
            f"retention above is {r_above:.0%}, under the {persist_level:.0%} persistence level"
        )
    else:
        verdict = "no hysteresis signal"
        reasons.append("retention above the critical mass is not clearly higher than below it")
    return HysteresisResult(
        lever=lever,
        stop_key=stop_key,
        stop_value=stop_value,
        regime_text=regime.describe(),
        critical_mass=float(critical_mass),
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        levels=levels,
        retention_above=r_above,
        retention_below=r_below,
        difference=(r_above - r_below)
        if math.isfinite(r_above) and math.isfinite(r_below)
        else float("nan"),
        difference_ci=diff_ci,
        p_stopped_above=p_above,
        p_stopped_below=p_below,
        stopped_critical_mass=float(stopped_cm),
        stopped_ci=(float(stopped_ci[0]), float(stopped_ci[1])),
        verdict=verdict,
        reasons=reasons,
    )

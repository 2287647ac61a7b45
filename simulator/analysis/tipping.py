"""Critical mass from a one-lever sweep: where does P(transformed) cross 1/2, how sure, how sharp?

Reads a sweep table (one row a run: the lever column beside the outcome columns) and
never runs a model. The steps, each documented in ``docs/analysis.md``:

1. **Transformed regime.** A run is *transformed* when its outcome passes a cut:
   ``outcome >= threshold`` (absolute; default ``learning_gain >= 0.10``), or
   ``outcome >= baseline + delta`` (relative; the baseline is the mean outcome at the
   lowest lever value, or a number). :class:`Regime` holds the definition.
2. **Critical mass.** A logistic regression of the 0/1 regime on the lever, with
   Firth's bias reduction (:mod:`simulator.analysis.logistic`); the critical mass is
   the lever value where the fitted probability is 1/2, ``-b0/b1``.
3. **Interval.** The profile penalised-likelihood interval of ``-b0/b1``
   (:func:`~simulator.analysis.logistic.profile_midpoint_interval`, as R's ``logistf``;
   Heinze & Schemper 2002): every midpoint whose profile likelihood is within
   ``chi2_1(0.95)/2`` of the maximum. On synthetic sweeps it covers the true critical
   mass at least 95% of the time, also near the edge of the range, where the percentile
   bootstrap of earlier versions fell to 0.89 (``experiments/tipping_coverage.py``;
   ``docs/analysis.md``). A stratified bootstrap (runs resampled with replacement
   *within* each lever value; seeds are the independent units, the design stays fixed)
   still gives the intervals of the width and the rate, the band around the fitted
   curve, and its own percentile interval of the midpoint (``boot_ci``, for
   comparison). When the data *separate* completely (every run up to lever value ``a``
   untransformed, every run from the next value ``b`` transformed), the data only say
   that the transition lies between ``a`` and ``b``: the interval is then the
   **bracket** ``[a, b]``, reported with that reason (``interval_kind = "bracket"``),
   never a zero-width interval. A bootstrap too small to give a percentile interval
   (fewer than 5 resamples in each tail) is refused.
4. **Steepness.** The logistic slope, the 10-90% width ``2 ln 9 / |b1|`` (lever units)
   and the steepest rate ``b1/4`` (probability per lever unit), with bootstrap intervals.
5. **Is there a threshold at all?** A logistic fitted to 0/1 data always has a
   midpoint, and any noisy *line* crossing the cut gives a sigmoid-looking P curve, so
   the verdict looks at the continuous outcome too. A threshold is supported only if
   (a) P crosses 1/2 inside the explored range (the fitted midpoint lies in the range
   and the observed shares at the lowest and highest lever values lie on opposite sides
   of 1/2); (b) a four-parameter S-curve of the outcome beats a straight line by
   ``delta BIC >= 10`` ("very strong", Kass & Raftery 1995); (c) the S-curve's inflection
   lies inside the range; and (d) its 10-90% rise spans at most ``max_width_fraction``
   (default 1/2) of the range. Otherwise the verdict is ``no threshold`` and the
   reasons say which test failed; with fewer than five lever values it is
   ``inconclusive``.
6. **Near the edge.** A critical mass whose interval comes within one lever spacing of
   the lowest or highest explored value (or that has fewer than two explored values
   beyond its interval) leans on the logistic's shape where the plateau is not
   observed; it always carries a warning naming the edge and how to widen the range
   (``near_edge``), whatever the verdict.
7. **Bimodality** of the outcome across seeds at the lever values nearest the critical
   mass (:mod:`simulator.analysis.bimodality`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

from .bimodality import assess_bimodality, bimodality_coefficient, dip_test
from .logistic import fit_logistic, fit_logistic_batch, logistic, profile_midpoint_interval

__all__ = [
    "MIN_TAIL_RESAMPLES",
    "min_resamples",
    "separation_bracket",
    "Regime",
    "TippingResult",
    "CurveComparison",
    "estimate_tipping",
    "compare_sigmoid_line",
    "level_summary",
    "wilson_interval",
    "DEFAULT_OUTCOME",
    "DEFAULT_THRESHOLD",
]

#: Default outcome that defines the transformed regime (agreed with the lead).
DEFAULT_OUTCOME = "learning_gain"
#: Default absolute cut: a run is transformed when ``learning_gain >= 0.10``.
DEFAULT_THRESHOLD = 0.10
#: A percentile interval needs at least this many bootstrap resamples in each tail.
MIN_TAIL_RESAMPLES = 5


def min_resamples(confidence: float) -> int:
    """Fewest bootstrap resamples that leave :data:`MIN_TAIL_RESAMPLES` in each tail."""
    return math.ceil(MIN_TAIL_RESAMPLES / ((1.0 - confidence) / 2.0) - 1e-9)


def check_bootstrap(n_boot: int, confidence: float) -> None:
    """Refuse a bootstrap too small to give a ``confidence`` percentile interval.

    Raises:
        ValueError: ``confidence`` is not in (0, 1), or ``n_boot`` leaves fewer than
            :data:`MIN_TAIL_RESAMPLES` resamples in a tail.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1; found {confidence!r}")
    need = min_resamples(confidence)
    if int(n_boot) < need:
        raise ValueError(
            f"n_boot={n_boot} is too small for a {confidence:.0%} percentile interval: "
            f"it needs at least {need} resamples ({MIN_TAIL_RESAMPLES} in each tail)"
        )


@dataclass(frozen=True)
class Regime:
    """When is a run *transformed*? Exactly one of ``threshold`` and ``delta`` is set.

    Attributes:
        outcome: the outcome column.
        threshold: absolute cut: transformed when ``outcome >= threshold``.
        delta: relative cut: transformed when ``outcome >= baseline + delta``.
        baseline: ``"lowest"`` (mean outcome at the lowest lever value) or a number.
        direction: ``"above"`` (default) or ``"below"`` (transformed when the outcome
            is at or under the cut, for outcomes where lower is better).
    """

    outcome: str = DEFAULT_OUTCOME
    threshold: float | None = DEFAULT_THRESHOLD
    delta: float | None = None
    baseline: Literal["lowest"] | float = "lowest"
    direction: Literal["above", "below"] = "above"

    def __post_init__(self) -> None:
        if (self.threshold is None) == (self.delta is None):
            raise ValueError(
                "a regime needs exactly one of threshold (absolute) or delta (relative)"
            )
        if self.direction not in ("above", "below"):
            raise ValueError(f"direction must be 'above' or 'below'; found {self.direction!r}")

    @classmethod
    def relative(
        cls,
        delta: float,
        outcome: str = DEFAULT_OUTCOME,
        baseline: Literal["lowest"] | float = "lowest",
    ) -> Regime:
        """Transformed when the outcome is at least ``delta`` above the baseline."""
        return cls(outcome=outcome, threshold=None, delta=delta, baseline=baseline)

    def cut(self, table: pd.DataFrame, lever: str) -> float:
        """The outcome value that separates the regimes in this table."""
        if self.threshold is not None:
            return float(self.threshold)
        assert self.delta is not None
        if self.baseline == "lowest":
            lowest = table[lever].min()
            base = float(table.loc[table[lever] == lowest, self.outcome].mean())
        else:
            base = float(self.baseline)
        sign = 1.0 if self.direction == "above" else -1.0
        return base + sign * float(self.delta)

    def classify(self, table: pd.DataFrame, lever: str) -> np.ndarray:
        """0/1 per row: 1 when the run is transformed."""
        if self.outcome not in table:
            raise KeyError(
                f"outcome {self.outcome!r} is not a column of the table; "
                f"columns: {list(table.columns)}"
            )
        cut = self.cut(table, lever)
        values = table[self.outcome].to_numpy(dtype=float)
        hit = values >= cut if self.direction == "above" else values <= cut
        return hit.astype(float)

    def describe(self, cut: float | None = None) -> str:
        """A one-line human description, e.g. ``Learning gain >= 0.1``."""
        from simulator.labels import label

        op = ">=" if self.direction == "above" else "<="
        name = label(self.outcome)
        if self.threshold is not None:
            return f"{name} {op} {self.threshold:g}"
        base = (
            "the mean at the lowest lever value"
            if self.baseline == "lowest"
            else f"{self.baseline:g}"
        )
        sign = "+" if self.direction == "above" else "-"
        text = f"{name} {op} baseline {sign} {self.delta:g} (baseline: {base})"
        return text if cut is None else f"{text} = {cut:.4g}"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


def wilson_interval(
    k: ArrayLike, n: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial proportions ``k/n``."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        # Rounding can put a bound a hair past p at p = 0 or 1; the interval always holds p.
        low = np.minimum(np.clip(centre - half, 0.0, 1.0), p)
        high = np.maximum(np.clip(centre + half, 0.0, 1.0), p)
    return low, high


def level_summary(table: pd.DataFrame, lever: str, regime: Regime) -> pd.DataFrame:
    """Per lever value: runs, transformed share with Wilson 95% interval, outcome stats."""
    y = regime.classify(table, lever)
    frame = pd.DataFrame(
        {
            "value": table[lever].to_numpy(),
            "y": y,
            "outcome": table[regime.outcome].to_numpy(dtype=float),
        }
    )
    grouped = frame.groupby("value", sort=True)
    out = pd.DataFrame(
        {
            "n": grouped["y"].size(),
            "transformed": grouped["y"].sum(),
            "mean": grouped["outcome"].mean(),
            "sd": grouped["outcome"].std(ddof=1),
            "q10": grouped["outcome"].quantile(0.1),
            "q90": grouped["outcome"].quantile(0.9),
        }
    )
    out["p"] = out["transformed"] / out["n"]
    lo, hi = wilson_interval(out["transformed"], out["n"])
    out["p_low"], out["p_high"] = lo, hi
    out["bimodality_coefficient"] = [bimodality_coefficient(g["outcome"]) for _, g in grouped]
    dips = [dip_test(g["outcome"]) for _, g in grouped]
    out["dip_pvalue"] = [np.nan if d is None else d[1] for d in dips]
    return out.reset_index()


def separation_bracket(x: ArrayLike, y: ArrayLike) -> tuple[float, float, int] | None:
    """The bracket of a completely separated 0/1 response, or None.

    Complete separation: every run up to lever value ``a`` has ``y = 0`` and every run
    from the next lever value ``b`` on has ``y = 1`` (or the mirror image, 1s below and
    0s above). The data then locate a transition between ``a`` and ``b`` and nothing
    finer; no run lies between them.

    Returns:
        ``(a, b, direction)`` with ``direction`` +1 (rising) or -1 (falling), or None when
        the response overlaps across lever values or is all 0 or all 1.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if not (y == 1).any() or not (y == 0).any():
        return None
    zero_max, zero_min = x[y == 0].max(), x[y == 0].min()
    one_max, one_min = x[y == 1].max(), x[y == 1].min()
    if zero_max < one_min:
        return float(zero_max), float(one_min), 1
    if one_max < zero_min:
        return float(one_max), float(zero_min), -1
    return None


@dataclass(frozen=True)
class CurveComparison:
    """A four-parameter S-curve against a straight line for the continuous outcome."""

    n: int
    line_intercept: float
    line_slope: float
    line_rss: float
    lower: float
    upper: float
    midpoint: float
    scale: float
    sigmoid_rss: float
    delta_bic: float

    @property
    def width_10_90(self) -> float:
        """Lever distance of the S-curve's 10-90% rise: ``2 ln 9 * scale``."""
        return 2.0 * math.log(9.0) * self.scale

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with the width included."""
        return {**asdict(self), "width_10_90": self.width_10_90}


def _sigmoid(x: np.ndarray, lower: float, upper: float, mid: float, log_scale: float) -> np.ndarray:
    return lower + (upper - lower) * 0.5 * (1.0 + np.tanh((x - mid) / (2.0 * math.exp(log_scale))))


def compare_sigmoid_line(x: ArrayLike, y: ArrayLike, plateau_pad: float = 1.0) -> CurveComparison:
    """Fit ``y = lower + (upper-lower) / (1 + exp(-(x-mid)/scale))`` and ``y = a + b x``.

    Both are fitted by least squares. Because the within-level sum of squares is the same
    for any curve of ``x``, the fits use level means weighted by counts; the RSS and BIC
    use every run. ``delta_bic = BIC(line) - BIC(S-curve)``; positive favours the S-curve.
    The plateaus may lie up to ``plateau_pad`` outcome ranges beyond the lowest and
    highest run (the verdict uses 1; ``experiments/verdict_plateaus.py`` compares 0).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = x.size
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=y) / counts
    within = float(((y - means[inverse]) ** 2).sum())
    weights = np.sqrt(counts)

    slope, intercept = np.polyfit(values, means, 1, w=weights)
    line_rss = within + float((counts * (means - (intercept + slope * values)) ** 2).sum())

    span = float(values.max() - values.min()) or 1.0
    lo0, hi0 = float(means[0]), float(means[-1])
    ylo, yhi = float(y.min()), float(y.max())
    pad = plateau_pad * ((yhi - ylo) or 1.0)
    best: tuple[float, np.ndarray] | None = None

    def residuals(theta: np.ndarray) -> np.ndarray:
        return weights * (means - _sigmoid(values, *theta))

    lower_bounds = [ylo - pad, ylo - pad, values.min() - span, math.log(span / 1000.0)]
    upper_bounds = [yhi + pad, yhi + pad, values.max() + span, math.log(span * 100.0)]
    for mid in np.quantile(values, [0.1, 0.3, 0.5, 0.7, 0.9]):
        for frac in (0.005, 0.03, 0.15, 0.6, 3.0):
            start = np.array([lo0, hi0, mid, math.log(span * frac)])
            start = np.clip(start, np.array(lower_bounds) + 1e-9, np.array(upper_bounds) - 1e-9)
            try:
                fit = optimize.least_squares(residuals, start, bounds=(lower_bounds, upper_bounds))
            except ValueError:  # pragma: no cover - degenerate start
                continue
            cost = float((fit.fun**2).sum())
            if best is None or cost < best[0]:
                best = (cost, fit.x)
    assert best is not None
    cost, theta = best
    sigmoid_rss = within + cost
    lower, upper, mid, log_scale = (float(v) for v in theta)
    if upper < lower:  # same curve, written with a positive scale and lower < upper order kept
        pass
    tiny = 1e-300

    def bic(rss: float, k: int) -> float:
        return n * math.log(max(rss / n, tiny)) + k * math.log(n)

    delta = bic(line_rss, 2) - bic(sigmoid_rss, 4)
    return CurveComparison(
        n=n,
        line_intercept=float(intercept),
        line_slope=float(slope),
        line_rss=line_rss,
        lower=lower,
        upper=upper,
        midpoint=mid,
        scale=math.exp(log_scale),
        sigmoid_rss=sigmoid_rss,
        delta_bic=float(delta),
    )


@dataclass
class TippingResult:
    """Everything :func:`estimate_tipping` found, JSON-ready through :meth:`to_dict`."""

    lever: str
    regime: dict[str, Any]
    regime_text: str
    cut: float
    n_runs: int
    n_levels: int
    lever_min: float
    lever_max: float
    intercept: float
    slope: float
    converged: bool
    critical_mass: float
    ci_low: float
    ci_high: float
    confidence: float
    width_10_90: float
    width_ci: tuple[float, float]
    max_rate: float
    max_rate_ci: tuple[float, float]
    n_boot: int
    boot_valid_fraction: float
    boot_in_range_fraction: float
    crosses: bool
    curve: dict[str, Any]
    verdict: Literal["threshold", "no threshold", "inconclusive"]
    reasons: list[str]
    levels: list[dict[str, Any]]
    band: dict[str, list[float]]
    bimodality: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interval_kind: Literal["profile", "bracket", "none"] = "profile"
    interval_reason: str = ""
    boot_ci: tuple[float, float] = (float("nan"), float("nan"))
    near_edge: str | None = None
    lever_label: str = ""

    @property
    def has_threshold(self) -> bool:
        """True when the verdict is ``threshold``."""
        return self.verdict == "threshold"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready; NaN kept as float)."""
        return asdict(self)

    def interval_text(self) -> str:
        """The interval in words: ``95% CI 12.1 to 15.3`` or ``between 5 and 10 (bracket)``."""
        pct = int(round(self.confidence * 100))
        if self.interval_kind == "bracket":
            return f"between {self.ci_low:.4g} and {self.ci_high:.4g}: a bracket, not a CI"
        if self.interval_kind == "none":
            return "no interval"
        lo = f"{self.ci_low:.4g}" if math.isfinite(self.ci_low) else "below the explored range"
        hi = f"{self.ci_high:.4g}" if math.isfinite(self.ci_high) else "beyond the explored range"
        return f"{pct}% CI {lo} to {hi}"

    def summary(self) -> str:
        """A few plain-language lines for the terminal and the report."""
        name = self.lever_label or self.lever
        lines = [f"Transformed regime: {self.regime_text}"]
        if self.verdict == "threshold":
            lines.append(
                f"Critical mass: {name} = {self.critical_mass:.4g} "
                f"({self.interval_text()}); "
                f"10-90% width {self.width_10_90:.3g} "
                f"(CI {self.width_ci[0]:.3g} to {self.width_ci[1]:.3g})"
            )
        else:
            lines.append(f"Verdict: {self.verdict}.")
            lines += [f"  - {r}" for r in self.reasons]
            if math.isfinite(self.critical_mass):
                lines.append(
                    f"(The logistic midpoint would be {self.critical_mass:.4g}, "
                    f"{self.interval_text()}; not a supported threshold.)"
                )
        if self.interval_reason:
            lines.append(f"Interval: {self.interval_reason}")
        lines += [f"Note: {n}" for n in self.notes]
        bim = [b for b in self.bimodality if b.get("bimodal")]
        if self.bimodality:
            vals = ", ".join(f"{b['value']:g}" for b in bim) if bim else "none"
            lines.append(f"Bimodal outcome across seeds near the transition at: {vals}")
        return "\n".join(lines)


def _percentile_ci(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return float("nan"), float("nan")
    tail = (1.0 - confidence) / 2.0 * 100.0
    lo, hi = np.percentile(draws, [tail, 100.0 - tail])
    return float(lo), float(hi)


def _stratified_bootstrap(
    groups: list[np.ndarray], y: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Resampled responses, shape ``(n_boot, n)``; each lever value keeps its run count."""
    out = np.empty((n_boot, y.size))
    for idx in groups:
        picks = rng.integers(0, idx.size, size=(n_boot, idx.size))
        out[:, idx] = y[idx][picks]
    return out


def estimate_tipping(
    table: pd.DataFrame,
    lever: str,
    regime: Regime | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_delta_bic: float = 10.0,
    max_width_fraction: float = 0.5,
    firth: bool = True,
    bimodality_levels: int = 3,
) -> TippingResult:
    """Estimate the critical mass of ``lever`` and judge whether a threshold exists.

    Args:
        table: sweep results, one row a run, with the lever and the regime's outcome.
        lever: the lever column (a dotted scenario key such as ``recruit.cohort_size``).
        regime: what counts as transformed (default ``learning_gain >= 0.10``).
        n_boot: bootstrap resamples.
        confidence: interval level.
        seed: seed of the bootstrap generator (results are reproducible).
        min_delta_bic: BIC advantage the S-curve needs over a straight line.
        max_width_fraction: widest 10-90% rise, as a fraction of the lever range, still
            called a threshold.
        firth: Firth-penalised logistic (default) or plain maximum likelihood.
        bimodality_levels: lever values nearest the critical mass tested for bimodality.

    Returns:
        A :class:`TippingResult`.

    Raises:
        KeyError: the lever or outcome column is missing.
        ValueError: fewer than three lever values, or a bootstrap too small for an
            interval at ``confidence`` (see :func:`min_resamples`).
    """
    check_bootstrap(n_boot, confidence)
    regime = regime or Regime()
    if lever not in table:
        raise KeyError(
            f"lever {lever!r} is not a column of the table; columns: {list(table.columns)}"
        )
    data = table[[lever, regime.outcome]].dropna()
    data = data.sort_values(lever, kind="stable").reset_index(drop=True)
    x = data[lever].to_numpy(dtype=float)
    values = np.unique(x)
    if values.size < 3:
        raise ValueError(
            f"a tipping estimate needs at least 3 values of {lever}; found {values.size}"
        )
    y = regime.classify(data, lever)
    cut = regime.cut(data, lever)
    xmin, xmax = float(values.min()), float(values.max())
    span = xmax - xmin

    fit = fit_logistic(x, y, firth=firth)
    x50 = fit.midpoint

    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(x == v) for v in values]
    boot_y = _stratified_bootstrap(groups, y, n_boot, rng)
    b0, b1, conv = fit_logistic_batch(x, boot_y, firth=firth)
    valid = conv & (np.abs(b1) > 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        mids = np.where(valid, -b0 / b1, np.nan)
        widths = np.where(valid, 2.0 * math.log(9.0) / np.abs(b1), np.nan)
    boot_ci = _percentile_ci(mids, confidence)
    ci, interval_kind, interval_reason = _honest_interval(x, y, values, confidence, firth)
    width_ci = _percentile_ci(widths, confidence)
    rate_ci = _percentile_ci(np.where(valid, b1 / 4.0, np.nan), confidence)
    in_range = np.isfinite(mids) & (mids >= xmin) & (mids <= xmax)

    grid = np.linspace(xmin, xmax, 200)
    curves = (
        logistic(grid[None, :], b0[valid, None], b1[valid, None])
        if valid.any()
        else np.empty((0, grid.size))
    )
    tail = (1.0 - confidence) / 2.0 * 100.0
    band_lo, band_hi = (
        np.percentile(curves, [tail, 100 - tail], axis=0)
        if len(curves)
        else (grid * np.nan, grid * np.nan)
    )
    band = {
        "x": grid.tolist(),
        "p": fit.predict(grid).tolist(),
        "low": np.asarray(band_lo).tolist(),
        "high": np.asarray(band_hi).tolist(),
    }

    levels = level_summary(data, lever, regime)
    p_first, p_last = float(levels["p"].iloc[0]), float(levels["p"].iloc[-1])
    inside = math.isfinite(x50) and xmin <= x50 <= xmax
    opposite = (p_first - 0.5) * (p_last - 0.5) < 0
    crosses = bool(inside and opposite)

    curve = compare_sigmoid_line(x, data[regime.outcome].to_numpy(dtype=float))
    reasons: list[str] = []
    if not crosses:
        far = not math.isfinite(x50) or abs(x50 - (xmin + xmax) / 2) > 10 * max(span, 1e-12)
        mid_text = "far outside the range" if far else f"{x50:.4g}"
        reasons.append(
            f"P(transformed) does not cross 1/2 inside the range {xmin:g} to {xmax:g} "
            f"(observed {p_first:.2f} at the lowest value, {p_last:.2f} at the highest; "
            f"fitted midpoint {mid_text})"
        )
    if values.size >= 5:
        if curve.delta_bic < min_delta_bic:
            reasons.append(
                f"an S-curve fits {_lever_label(regime.outcome).lower()} no better than a straight line "
                f"(delta BIC {curve.delta_bic:.1f} < {min_delta_bic:g})"
            )
        if not xmin <= curve.midpoint <= xmax:
            reasons.append(
                f"the S-curve's inflection ({curve.midpoint:.4g}) lies outside the range "
                f"{xmin:g}..{xmax:g}"
            )
        if curve.width_10_90 > max_width_fraction * span:
            reasons.append(
                f"the S-curve rises gradually: its 10-90% width {curve.width_10_90:.3g} exceeds "
                f"{max_width_fraction:g} of the range ({max_width_fraction * span:.3g})"
            )
        verdict: Literal["threshold", "no threshold", "inconclusive"] = (
            "no threshold" if reasons else "threshold"
        )
    else:
        reasons.append(
            f"{values.size} lever values are too few to tell an S-curve from a line (need 5)"
        )
        verdict = "inconclusive" if crosses else "no threshold"

    notes: list[str] = []
    spacing = float(np.median(np.diff(values)))
    if verdict == "threshold" and fit.width_10_90 < 1.5 * spacing:
        notes.append(
            f"the transition ({fit.width_10_90:.3g} wide) is about as sharp as the lever grid "
            f"(spacing {spacing:.3g}) can show: its width is an upper-resolution estimate; "
            f"add lever values near {x50:.4g} to measure it"
        )
    near_edge, edge_note = _edge_warning(x50, ci, values, float(in_range.mean()), crosses)
    if edge_note:
        notes.append(edge_note)

    # Bimodality where the outcome should be most bistable: the values nearest the midpoint.
    anchor = x50 if inside else float(values[np.argmin(np.abs(levels["p"].to_numpy() - 0.5))])
    nearest = values[np.argsort(np.abs(values - anchor), kind="stable")[:bimodality_levels]]
    bimodality = []
    for v in sorted(nearest):
        sample = data.loc[data[lever] == v, regime.outcome].to_numpy(dtype=float)
        bimodality.append({"value": float(v), **assess_bimodality(sample).to_dict()})

    return TippingResult(
        lever=lever,
        regime=regime.to_dict(),
        regime_text=regime.describe(cut if regime.delta is not None else None),
        cut=cut,
        n_runs=int(x.size),
        n_levels=int(values.size),
        lever_min=xmin,
        lever_max=xmax,
        intercept=fit.intercept,
        slope=fit.slope,
        converged=fit.converged,
        critical_mass=float(x50),
        ci_low=ci[0],
        ci_high=ci[1],
        confidence=confidence,
        width_10_90=fit.width_10_90,
        width_ci=width_ci,
        max_rate=fit.max_rate,
        max_rate_ci=rate_ci,
        n_boot=n_boot,
        boot_valid_fraction=float(valid.mean()),
        boot_in_range_fraction=float(in_range.mean()),
        crosses=crosses,
        curve=curve.to_dict(),
        verdict=verdict,
        reasons=reasons,
        levels=levels.to_dict("records"),
        band=band,
        bimodality=bimodality,
        notes=notes,
        interval_kind=interval_kind,
        interval_reason=interval_reason,
        boot_ci=boot_ci,
        near_edge=near_edge,
        lever_label=_lever_label(lever),
    )


def _lever_label(lever: str) -> str:
    from simulator.labels import label

    return label(lever)


def _honest_interval(
    x: np.ndarray,
    y: np.ndarray,
    values: np.ndarray,
    confidence: float,
    firth: bool,
) -> tuple[tuple[float, float], Literal["profile", "bracket", "none"], str]:
    """The interval to report: the profile-likelihood interval, or the data's bracket.

    Under complete separation the data bracket the transition between two lever values
    and nothing finer: the bracket is reported. Otherwise the profile (penalised)
    likelihood interval; a side that runs past the searched span (the range widened by
    its own span) is open, reported as NaN with the reason.
    """
    bracket = separation_bracket(x, y)
    if bracket is not None:
        a, b, _ = bracket
        reason = (
            f"the data separate completely: every run at or below {a:g} is on one side of "
            f"the cut and every run at or above {b:g} on the other, so the transition lies "
            f"between {a:g} and {b:g} and the data cannot place it more precisely (a "
            f"bootstrap would repeat one value and give a zero-width interval); add lever "
            f"values between {a:g} and {b:g} to narrow it"
        )
        return (a, b), "bracket", reason
    if not ((y == 0).any() and (y == 1).any()):
        return (float("nan"), float("nan")), "none", "every run is on one side of the cut: no interval"
    prof = profile_midpoint_interval(x, y, confidence, firth=firth)
    reason = ""
    if prof.open_low or prof.open_high:
        side = "below" if prof.open_low else "above"
        reason = (
            f"the profile-likelihood interval stays open {side} (it runs past the explored "
            "range by more than the range itself): the data do not bound the critical mass "
            f"on that side; widen the range {'downward' if prof.open_low else 'upward'}"
        )
    return (prof.low, prof.high), "profile", reason


def _edge_warning(
    x50: float,
    ci: tuple[float, float],
    values: np.ndarray,
    in_range: float,
    crosses: bool,
) -> tuple[str | None, str]:
    """``("low" | "high" | None, note)``: is the critical mass near an edge of the range?"""
    if not math.isfinite(x50):
        return None, ""
    xmin, xmax = float(values.min()), float(values.max())
    if not crosses and not (xmin - (xmax - xmin) / 2 <= x50 <= xmax + (xmax - xmin) / 2):
        return None, ""  # far outside: the verdict's reasons already say it does not cross
    lo, hi = ci
    if not (math.isfinite(lo) or math.isfinite(hi)):
        lo = hi = x50
    else:  # an open side reaches past the range, so it is near that edge
        lo = lo if math.isfinite(lo) else -math.inf
        hi = hi if math.isfinite(hi) else math.inf
    spacing = float(np.median(np.diff(values)))
    below = int((values < lo).sum())
    above = int((values > hi).sum())
    near_low = lo <= xmin + spacing or below < 2
    near_high = hi >= xmax - spacing or above < 2
    if not (near_low or near_high) and in_range >= 0.95:
        return None, ""
    if not (near_low or near_high):  # bootstrap midpoints spill outside the range
        side = "high" if abs(xmax - x50) < abs(x50 - xmin) else "low"
    elif near_low and near_high:
        side = "high" if abs(xmax - hi) < abs(lo - xmin) else "low"
    else:
        side = "high" if near_high else "low"
    span = xmax - xmin
    if side == "high":
        where = f"upper edge of the explored range (highest value {xmax:g}; {above} value(s) above the interval)"
        advice = f"widen the range upward, e.g. to {xmax + max(span * 0.25, 2 * spacing):.4g}"
    else:
        where = f"lower edge of the explored range (lowest value {xmin:g}; {below} value(s) below the interval)"
        advice = f"widen the range downward, e.g. to {max(0.0, xmin - max(span * 0.25, 2 * spacing)):.4g}"
    plateau = "upper" if side == "high" else "lower"
    status = "" if crosses else " (and P(transformed) does not cross 1/2 inside the range)"
    note = (
        f"the critical mass lies near the {where}{status}: the {plateau} plateau of the "
        f"S-curve is barely observed, so the estimate and its interval lean on the "
        f"logistic's shape ({in_range:.0%} of bootstrap midpoints fall inside the range); "
        f"{advice}"
    )
    return side, note

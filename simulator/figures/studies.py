"""Figures of the studies: S-curve, hysteresis, phase, sensitivity, EWS, compare, sweeps.

Each function takes the JSON-ready result of an analysis (and, where useful, the sweep
table) and returns a :class:`matplotlib.figure.Figure`; :func:`save` writes a PNG and
:func:`to_base64_png` embeds one in the HTML report. Every axis, legend entry and colour
bar is labelled from :mod:`simulator.labels` (human label and unit, never a raw key).
Figures are built without pyplot's global state, so they work on any backend.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator import labels

__all__ = [
    "s_curve_figure",
    "hysteresis_figure",
    "phase_figure",
    "sensitivity_figure",
    "ews_figure",
    "transformed_figure",
    "sweep_figure",
    "figure_texts",
    "save",
    "to_base64_png",
]

_BAND = "#9ecae1"
_LINE = "#08519c"
_CM = "#d62728"
_STOP = "#e6550d"
#: Morris screening needs about ten trajectories or more for a stable ranking
#: (Campolongo, Cariboni & Saltelli 2007).
MIN_MORRIS_TRAJECTORIES = 10


def save(fig: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write a figure as PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def to_base64_png(fig: Figure, dpi: int = 110) -> str:
    """The figure as a base64 PNG string (for ``<img src="data:image/png;base64,...">``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figure_texts(fig: Figure) -> list[str]:
    """Every axis label, title, legend entry and colour-bar label of a figure (for tests)."""
    out: list[str] = []
    if fig._suptitle is not None:  # noqa: SLF001 - matplotlib has no public getter
        out.append(fig._suptitle.get_text())
    for ax in fig.axes:
        out += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
            if legend.get_title() is not None:
                out.append(legend.get_title().get_text())
    return [t for t in out if t]


def _new(figsize: tuple[float, float], rows: int = 1, cols: int = 1, **kw: Any) -> tuple[Figure, Any]:
    fig = Figure(figsize=figsize)
    axes = fig.subplots(rows, cols, **kw)
    return fig, axes


def _interval_label(result: dict[str, Any]) -> str:
    pct = int(round(100 * result.get("confidence", 0.95)))
    if result.get("interval_kind") == "bracket":
        return "bracket: transition between these values"
    return f"critical mass ({pct}% interval)"


def _critical_band(ax: Any, result: dict[str, Any], legend: bool = False) -> None:
    cm, lo, hi = result["critical_mass"], result["ci_low"], result["ci_high"]
    if result.get("verdict") != "threshold" or not math.isfinite(cm):
        return
    if math.isfinite(lo) and math.isfinite(hi):
        hatch = "//" if result.get("interval_kind") == "bracket" else None
        ax.axvspan(
            lo,
            hi,
            color=_CM,
            alpha=0.12,
            lw=0,
            hatch=hatch,
            label=_interval_label(result) if legend else None,
        )
    ax.axvline(cm, color=_CM, lw=1.2, ls="--")


def s_curve_figure(result: dict[str, Any], table: pd.DataFrame | None = None) -> Figure:
    """Two panels: runs' outcomes with the cut, and P(transformed) with the fitted S-curve.

    Args:
        result: :meth:`TippingResult.to_dict`.
        table: the sweep table (for one dot per run); optional.
    """
    lever = result["lever"]
    outcome = result["regime"]["outcome"]
    levels = pd.DataFrame(result["levels"])
    fig, (top, bottom) = _new((7.5, 7.2), 2, 1, sharex=True)
    span = result["lever_max"] - result["lever_min"] or 1.0
    if table is not None and lever in table and outcome in table:
        rng = np.random.default_rng(0)
        jitter = rng.uniform(-0.008, 0.008, len(table)) * span
        top.scatter(
            table[lever].to_numpy(float) + jitter,
            table[outcome],
            s=9,
            alpha=0.45,
            color="0.3",
            lw=0,
            label="one run",
        )
    top.plot(levels["value"], levels["mean"], color=_LINE, lw=1.5, label="mean over runs")
    top.axhline(result["cut"], color="0.5", lw=1, ls=":", label=f"cut: transformed at {result['cut']:.3g}")
    _critical_band(top, result, legend=True)
    top.set_ylabel(labels.axis_label(outcome, wrap=40))
    top.legend(loc="upper left", fontsize=8, frameon=False)
    top.set_title(f"Tipping in {labels.label(lever).lower()}: {result['verdict']}", fontsize=11)

    band = result["band"]
    pct = int(round(100 * result.get("confidence", 0.95)))
    bottom.fill_between(
        band["x"],
        band["low"],
        band["high"],
        color=_BAND,
        alpha=0.6,
        lw=0,
        label=f"{pct}% bootstrap band of the fit",
    )
    bottom.plot(band["x"], band["p"], color=_LINE, lw=2, label="logistic fit (Firth)")
    err = np.clip(
        np.vstack([levels["p"] - levels["p_low"], levels["p_high"] - levels["p"]]), 0, None
    )
    bottom.errorbar(
        levels["value"],
        levels["p"],
        yerr=err,
        fmt="o",
        color="black",
        ms=4,
        capsize=2,
        label="share of runs transformed (Wilson 95%)",
    )
    _critical_band(bottom, result)
    bottom.axhline(0.5, color="0.6", lw=0.8, ls=":")
    bottom.set_ylim(-0.03, 1.03)
    bottom.set_xlabel(labels.axis_label(lever))
    bottom.set_ylabel("P(transformed)")
    text = result["regime_text"]
    if result.get("verdict") == "threshold":
        cm, lo, hi = result["critical_mass"], result["ci_low"], result["ci_high"]
        word = "between" if result.get("interval_kind") == "bracket" else f"{pct}% interval"
        text += f"\ncritical mass {cm:.3g} ({word} {lo:.3g} to {hi:.3g})"
    if result.get("near_edge"):
        text += f"\nnear the {'upper' if result['near_edge'] == 'high' else 'lower'} edge: widen the range"
    bottom.text(0.99, 0.04, text, transform=bottom.transAxes, ha="right", va="bottom", fontsize=8)
    bottom.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def hysteresis_figure(result: dict[str, Any]) -> Figure:
    """P(transformed) sustained vs stopped (with Wilson intervals), and retention of gains."""
    levels = pd.DataFrame(result["levels"])
    lever = result["lever"]
    fig, (left, right) = _new((10.5, 4.2), 1, 2)
    for ax in (left, right):
        lo, hi = result["ci_low"], result["ci_high"]
        if math.isfinite(result["critical_mass"]):
            if math.isfinite(lo) and math.isfinite(hi) and hi > lo:
                ax.axvspan(lo, hi, color=_CM, alpha=0.12, lw=0)
            ax.axvline(result["critical_mass"], color=_CM, lw=1.2, ls="--")
    for prefix, style, colour, text in (
        ("p_sustained", "o-", _LINE, "programme as planned"),
        (
            "p_stopped",
            "s--",
            _STOP,
            f"stopped: {labels.label(result['stop_key']).lower()} at {result['stop_value']:g}",
        ),
    ):
        p = levels[prefix].to_numpy(float)
        err = np.clip(
            np.vstack(
                [p - levels[f"{prefix}_low"].to_numpy(float), levels[f"{prefix}_high"].to_numpy(float) - p]
            ),
            0,
            None,
        )
        left.errorbar(
            levels["value"], p, yerr=err, fmt=style, color=colour, capsize=2, ms=4, label=text
        )
    left.set_ylim(-0.03, 1.03)
    left.set_xlabel(labels.axis_label(lever))
    left.set_ylabel("P(transformed) (Wilson 95%)")
    left.legend(fontsize=8, frameon=False)
    right.plot(levels["value"], levels["retention"], "o-", color="#31a354", label="mean over stopped runs")
    right.axhline(1.0, color="0.6", lw=0.8, ls=":")
    right.set_ylim(
        min(-0.05, np.nanmin(levels["retention"].to_numpy(float), initial=0) - 0.05), 1.1
    )
    right.set_xlabel(labels.axis_label(lever))
    right.set_ylabel("Share of peak gain kept at the end (stopped runs)")
    right.legend(fontsize=8, frameon=False)
    d, (dlo, dhi) = result.get("difference", float("nan")), result.get("difference_ci", (np.nan, np.nan))
    note = f"retention above minus below the critical mass: {d:+.2f}" if math.isfinite(d) else ""
    if note and math.isfinite(dlo):
        note += f" (95% CI {dlo:+.2f} to {dhi:+.2f})"
    fig.suptitle(f"Hysteresis: {result['verdict']}" + (f"\n{note}" if note else ""), fontsize=10)
    fig.tight_layout()
    return fig


def _index_position(values: np.ndarray, x: float) -> float:
    """Where a lever value falls on the evenly spaced cell axis of ``values``."""
    if values.size == 1:
        return 0.0
    return float(np.interp(x, values, np.arange(values.size), left=np.nan, right=np.nan))


def _clipped_position(values: np.ndarray, x: float) -> float:
    if not math.isfinite(x):
        return float("nan")
    if x < values.min():
        return -0.5
    if x > values.max():
        return values.size - 0.5
    return _index_position(values, x)


def phase_figure(result: dict[str, Any]) -> Figure:
    """Heatmaps of the mean outcome and P(transformed), one cell per run grid point.

    Cells are drawn only where runs exist (values never run are blank, not interpolated),
    each row and column at a value that was run. The critical mass of the first lever at
    each value of the second is drawn with its interval, or its bracket (hatched) where
    the data separate completely.
    """
    xs, ys = np.asarray(result["x_values"], float), np.asarray(result["y_values"], float)
    fig, axes = _new((11.5, 4.6), 1, 2)
    line = pd.DataFrame(result["critical_line"])
    outcome = result.get("outcome", "final_learning")
    for ax, key, cbar_label, cmap in (
        (axes[0], "mean", labels.axis_label(outcome, wrap=30), "viridis"),
        (axes[1], "p", "P(transformed), share of runs", "RdBu_r"),
    ):
        data = np.ma.masked_invalid(np.asarray(result[key], dtype=float))
        kwargs = {"vmin": 0.0, "vmax": 1.0} if key == "p" else {}
        mesh = ax.pcolormesh(
            np.arange(xs.size + 1) - 0.5,
            np.arange(ys.size + 1) - 0.5,
            data,
            cmap=cmap,
            shading="flat",
            **kwargs,
        )
        bar = fig.colorbar(mesh, ax=ax, shrink=0.9)
        bar.set_label(cbar_label, fontsize=8)
        ax.set_xticks(np.arange(xs.size), [labels.format_value(float(v)) for v in xs], fontsize=7)
        ax.set_yticks(np.arange(ys.size), [labels.format_value(float(v)) for v in ys], fontsize=7)
        if len(line):
            _draw_critical_line(ax, line, xs, ys)
        ax.set_xlabel(labels.axis_label(result["x"]))
        ax.set_ylabel(labels.axis_label(result["y"], wrap=32))
        ax.set_title(
            f"Mean of {labels.label(outcome).lower()}" if key == "mean" else "P(transformed)",
            fontsize=10,
        )
    fig.suptitle(result["regime_text"], fontsize=9)
    fig.tight_layout()
    return fig


def _draw_critical_line(ax: Any, line: pd.DataFrame, xs: np.ndarray, ys: np.ndarray) -> None:
    drawn_ci = drawn_bracket = False
    points_x, points_y = [], []
    for _, row in line.iterrows():
        if not math.isfinite(row.get("critical_mass", float("nan"))):
            continue
        yi = float(np.flatnonzero(np.isclose(ys, row["y"]))[0]) if np.isclose(ys, row["y"]).any() else None
        if yi is None:
            continue
        cm = _index_position(xs, float(row["critical_mass"]))
        # an interval reaching past the grid is drawn to the grid's edge
        lo = _clipped_position(xs, float(row.get("ci_low", float("nan"))))
        hi = _clipped_position(xs, float(row.get("ci_high", float("nan"))))
        bracket = row.get("interval_kind") == "bracket"
        if math.isfinite(lo) and math.isfinite(hi):
            lo, hi = min(lo, hi), max(lo, hi)
            label = None
            if bracket and not drawn_bracket:
                label, drawn_bracket = "bracket (data separate)", True
            elif not bracket and not drawn_ci:
                label, drawn_ci = "95% interval", True
            ax.plot(
                [lo, hi],
                [yi, yi],
                color="black",
                lw=5 if bracket else 1.6,
                alpha=0.45 if bracket else 1.0,
                solid_capstyle="butt",
                label=label,
            )
        if math.isfinite(cm):
            points_x.append(cm)
            points_y.append(yi)
    if points_x:
        ax.plot(points_x, points_y, "o-", color="white", mec="black", lw=1.2, label="critical mass")
        ax.legend(fontsize=7, loc="lower right", framealpha=0.85)


def sensitivity_figure(result: dict[str, Any]) -> Figure:
    """Bar charts: Morris ``mu*`` (with ``sigma``) or Sobol ``S1``/``ST``, per outcome.

    Error bars are confidence half-widths clipped at zero (an index cannot be negative).
    With fewer than :data:`MIN_MORRIS_TRAJECTORIES` Morris trajectories the figure says
    the ranking is unstable.
    """
    outcomes = list(result["indices"])
    fig, axes = _new((4.6 * len(outcomes), 0.9 + 0.45 * _n_params(result)), 1, len(outcomes), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        frame = pd.DataFrame(result["indices"][outcome])
        pos = np.arange(len(frame))
        if result["method"] == "morris":
            mu = frame["mu_star"].to_numpy(float)
            conf = frame["mu_star_conf"].to_numpy(float)
            ax.barh(
                pos,
                mu,
                xerr=np.vstack([np.minimum(conf, mu), conf]),
                color=_LINE,
                alpha=0.8,
                label="mu* (mean absolute effect)",
            )
            ax.plot(frame["sigma"], pos, "o", color=_STOP, label="sigma (interactions)")
            ax.set_xlabel(f"Elementary effect over the full range\n({labels.unit(outcome) or 'outcome units'})")
        else:
            for shift, name, colour, text in ((-0.2, "S1", _LINE, "first order S1"), (0.2, "ST", _STOP, "total ST")):
                v = frame[name].to_numpy(float)
                c = frame[f"{name}_conf"].to_numpy(float)
                ax.barh(
                    pos + shift,
                    v,
                    0.4,
                    xerr=np.vstack([np.clip(np.minimum(c, v), 0, None), c]),
                    color=colour,
                    label=text,
                )
            ax.set_xlabel("Sobol index (share of variance)")
        ax.set_yticks(pos, [labels.label(p) for p in frame["parameter"]], fontsize=8)
        ax.set_title(labels.label(outcome), fontsize=10)
        ax.set_xlim(left=0)
        ax.legend(fontsize=7, frameon=False, loc="lower right")
    samples = int(result.get("samples") or 0)
    if result["method"] == "morris" and samples < MIN_MORRIS_TRAJECTORIES:
        fig.suptitle(
            f"Only {samples} Morris trajectories: the ranking is unstable "
            f"(use at least {MIN_MORRIS_TRAJECTORIES})",
            fontsize=9,
            color=_CM,
        )
    fig.tight_layout()
    return fig


def _n_params(result: dict[str, Any]) -> int:
    first = next(iter(result["indices"].values()), [])
    return max(3, len(first))


def ews_figure(result: dict[str, Any]) -> Figure:
    """Rolling variance and lag-1 autocorrelation of the indicator before tipping, per run."""
    series = result.get("series", [])
    indicator = labels.label(result.get("indicator", "engaged_share")).lower()
    fig, axes = _new((10.5, 3.9), 1, 2)
    for i, item in enumerate(series):
        t = np.asarray(item["month"])
        name = f"run {item['run_id']}"
        axes[0].plot(t, item["variance"], lw=1, alpha=0.85, label=name, color=f"C{i % 10}")
        axes[1].plot(t, item["ar1"], lw=1, alpha=0.85, label=name, color=f"C{i % 10}")
    axes[0].set_ylabel(f"Rolling variance of {indicator}\n(detrended)")
    axes[1].set_ylabel("Rolling lag-1 autocorrelation")
    axes[0].set_title(
        f"variance (median Kendall tau {result.get('tau_variance', float('nan')):.2f})",
        fontsize=9,
    )
    axes[1].set_title(
        f"lag-1 autocorrelation (median Kendall tau {result.get('tau_ar1', float('nan')):.2f})",
        fontsize=9,
    )
    for ax in axes:
        ax.set_xlabel("Month of the run, before the transition (months)")
        if series:
            ax.legend(fontsize=7, frameon=False, ncol=2)
    lever = result.get("lever")
    title = "Early-warning indicators before tipping"
    if lever:
        title += f" ({labels.phrase(lever, result.get('near', float('nan')))})"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def transformed_figure(rows: Sequence[dict[str, Any]], title: str = "") -> Figure:
    """P(transformed) per scenario with Wilson 95% intervals and "k of n" beside each bar.

    Args:
        rows: one per scenario: ``scenario``, ``k``, ``n``, ``p``, ``p_low``, ``p_high``.
        title: the figure title (the regime in words).
    """
    frame = pd.DataFrame(list(rows))
    fig, ax = _new((7.5, 0.8 + 0.55 * max(2, len(frame))))
    pos = np.arange(len(frame))[::-1]
    p = frame["p"].to_numpy(float)
    err = np.clip(np.vstack([p - frame["p_low"], frame["p_high"] - p]), 0, None)
    ax.barh(pos, p, xerr=err, color=_LINE, alpha=0.8, capsize=3, label="share of runs transformed (Wilson 95%)")
    for y, (k, n) in zip(pos, zip(frame["k"], frame["n"], strict=True), strict=True):
        ax.text(1.02, y, f"{int(k)} of {int(n)} runs", va="center", fontsize=8, transform=ax.get_yaxis_transform())
    ax.set_yticks(pos, [str(s) for s in frame["scenario"]], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(transformed) (share of runs)")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.set_title(title or "Runs that tipped into the transformed regime", fontsize=9)
    fig.tight_layout()
    return fig


def sweep_figure(
    table: pd.DataFrame, parameters: Sequence[str], outcomes: Sequence[str], max_panels: int = 12
) -> Figure | None:
    """Every outcome against every numeric parameter: one dot a run, binned means on top.

    Returns None when no parameter is numeric (a sweep over choices only).
    """
    numeric = [p for p in parameters if p in table and pd.api.types.is_numeric_dtype(table[p])]
    shown = [o for o in outcomes if o in table][:4]
    if not numeric or not shown:
        return None
    numeric = numeric[: max(1, max_panels // len(shown))]
    fig, axes = _new((3.6 * len(numeric), 3.0 * len(shown)), len(shown), len(numeric), squeeze=False)
    for i, outcome in enumerate(shown):
        for j, param in enumerate(numeric):
            ax = axes[i][j]
            x = table[param].to_numpy(float)
            y = table[outcome].to_numpy(float)
            ax.scatter(x, y, s=7, alpha=0.35, color="0.3", lw=0, label="one run")
            values = np.unique(x)
            if values.size <= 25:
                centres = values
                means = [np.nanmean(y[x == v]) for v in values]
            else:
                edges = np.quantile(x, np.linspace(0, 1, 11))
                idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 9)
                centres = [np.mean(x[idx == b]) for b in range(10) if (idx == b).any()]
                means = [np.nanmean(y[idx == b]) for b in range(10) if (idx == b).any()]
            ax.plot(centres, means, color=_LINE, lw=1.8, label="mean")
            if i == len(shown) - 1:
                ax.set_xlabel(labels.axis_label(param, wrap=34), fontsize=8)
            if j == 0:
                ax.set_ylabel(labels.axis_label(outcome, wrap=30), fontsize=8)
            if i == 0 and j == 0:
                ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig

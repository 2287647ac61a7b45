"""Figures of the analyses (matplotlib, headless): S-curve, hysteresis, phase, sensitivity.

Each function takes the JSON-ready result of an analysis (and, where useful, the sweep
table) and returns a :class:`matplotlib.figure.Figure`; :func:`save` writes a PNG and
:func:`to_base64_png` embeds one in the HTML report.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = [
    "s_curve_figure",
    "hysteresis_figure",
    "phase_figure",
    "sensitivity_figure",
    "ews_figure",
    "save",
    "to_base64_png",
]

_BAND = "#9ecae1"
_LINE = "#08519c"
_CM = "#d62728"


def save(fig: Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write a figure as PNG and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return path


def to_base64_png(fig: Figure, dpi: int = 110) -> str:
    """The figure as a base64 PNG string (for ``<img src="data:image/png;base64,...">``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _critical_band(ax: Any, result: dict[str, Any]) -> None:
    cm, lo, hi = result["critical_mass"], result["ci_low"], result["ci_high"]
    if result.get("verdict") == "threshold" and math.isfinite(cm):
        ax.axvspan(lo, hi, color=_CM, alpha=0.12, lw=0)
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
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 7), sharex=True)
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
        )
    top.plot(levels["value"], levels["mean"], color=_LINE, lw=1.5, label="mean")
    top.axhline(result["cut"], color="0.5", lw=1, ls=":", label=f"cut {result['cut']:.3g}")
    _critical_band(top, result)
    top.set_ylabel(outcome)
    top.legend(loc="upper left", fontsize=8, frameon=False)
    top.set_title(f"Tipping in {lever}: {result['verdict']}")

    band = result["band"]
    bottom.fill_between(
        band["x"],
        band["low"],
        band["high"],
        color=_BAND,
        alpha=0.6,
        lw=0,
        label="95% bootstrap band",
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
        label="observed share (Wilson 95%)",
    )
    _critical_band(bottom, result)
    bottom.axhline(0.5, color="0.6", lw=0.8, ls=":")
    bottom.set_ylim(-0.03, 1.03)
    bottom.set_xlabel(lever)
    bottom.set_ylabel("P(transformed)")
    label = result["regime_text"]
    if result.get("verdict") == "threshold":
        cm, lo, hi = result["critical_mass"], result["ci_low"], result["ci_high"]
        label += f"\ncritical mass {cm:.3g} [{lo:.3g}, {hi:.3g}]"
    bottom.text(0.99, 0.04, label, transform=bottom.transAxes, ha="right", va="bottom", fontsize=8)
    bottom.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def hysteresis_figure(result: dict[str, Any]) -> Figure:
    """P(transformed) sustained vs stopped, and retention of gains, against the lever."""
    levels = pd.DataFrame(result["levels"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for ax in (left, right):
        if math.isfinite(result["critical_mass"]):
            ax.axvspan(result["ci_low"], result["ci_high"], color=_CM, alpha=0.12, lw=0)
            ax.axvline(result["critical_mass"], color=_CM, lw=1.2, ls="--")
    left.plot(levels["value"], levels["p_sustained"], "o-", color=_LINE, label="scenario schedule")
    left.plot(
        levels["value"],
        levels["p_stopped"],
        "s--",
        color="#e6550d",
        label=f"stopped: {result['stop_key']} = {result['stop_value']:g}",
    )
    left.set_ylim(-0.03, 1.03)
    left.set_xlabel(result["lever"])
    left.set_ylabel("P(transformed)")
    left.legend(fontsize=8, frameon=False)
    right.plot(levels["value"], levels["retention"], "o-", color="#31a354")
    right.axhline(1.0, color="0.6", lw=0.8, ls=":")
    right.set_ylim(
        min(-0.05, np.nanmin(levels["retention"].to_numpy(float), initial=0) - 0.05), 1.1
    )
    right.set_xlabel(result["lever"])
    right.set_ylabel("share of peak gain retained (stopped runs)")
    fig.suptitle(f"Hysteresis: {result['verdict']}", fontsize=10)
    fig.tight_layout()
    return fig


def phase_figure(result: dict[str, Any]) -> Figure:
    """Heatmaps of the mean outcome and P(transformed) with the critical-mass line."""
    xs, ys = np.asarray(result["x_values"]), np.asarray(result["y_values"])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    line = pd.DataFrame(result["critical_line"])
    for ax, key, title, cmap in (
        (axes[0], "mean", "mean outcome", "viridis"),
        (axes[1], "p", "P(transformed)", "RdBu_r"),
    ):
        data = np.asarray(result[key], dtype=float)
        kwargs = {"vmin": 0.0, "vmax": 1.0} if key == "p" else {}
        mesh = ax.pcolormesh(_edges(xs), _edges(ys), data, cmap=cmap, shading="flat", **kwargs)
        fig.colorbar(mesh, ax=ax, shrink=0.9)
        ok = line[np.isfinite(line["critical_mass"])] if len(line) else line
        if len(ok):
            ax.errorbar(
                ok["critical_mass"],
                ok["y"],
                xerr=[ok["critical_mass"] - ok["ci_low"], ok["ci_high"] - ok["critical_mass"]],
                fmt="o-",
                color="white",
                mec="black",
                ecolor="black",
                lw=1.5,
                capsize=3,
                label="critical mass (95% CI)",
            )
            ax.legend(fontsize=8, loc="upper right")
        ax.set_xlabel(result["x"])
        ax.set_ylabel(result["y"])
        ax.set_title(title)
    fig.suptitle(result["regime_text"], fontsize=9)
    fig.tight_layout()
    return fig


def _edges(values: np.ndarray) -> np.ndarray:
    if values.size == 1:
        return np.array([values[0] - 0.5, values[0] + 0.5])
    mids = (values[1:] + values[:-1]) / 2
    return np.concatenate(
        [[values[0] - (mids[0] - values[0])], mids, [values[-1] + (values[-1] - mids[-1])]]
    )


def sensitivity_figure(result: dict[str, Any]) -> Figure:
    """Bar charts: Morris ``mu_star`` (with ``sigma``) or Sobol ``S1``/``ST``, per outcome."""
    outcomes = list(result["indices"])
    fig, axes = plt.subplots(1, len(outcomes), figsize=(4.2 * len(outcomes), 3.8), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        frame = pd.DataFrame(result["indices"][outcome])
        pos = np.arange(len(frame))
        if result["method"] == "morris":
            ax.barh(
                pos,
                frame["mu_star"],
                xerr=frame["mu_star_conf"],
                color=_LINE,
                alpha=0.8,
                label="mu*",
            )
            ax.plot(frame["sigma"], pos, "o", color="#e6550d", label="sigma")
            ax.set_xlabel("elementary effect per full range")
        else:
            ax.barh(pos - 0.2, frame["S1"], 0.4, xerr=frame["S1_conf"], color=_LINE, label="S1")
            ax.barh(pos + 0.2, frame["ST"], 0.4, xerr=frame["ST_conf"], color="#e6550d", label="ST")
            ax.set_xlabel("Sobol index")
        ax.set_yticks(pos, frame["parameter"], fontsize=8)
        ax.set_title(outcome, fontsize=10)
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def ews_figure(result: dict[str, Any]) -> Figure:
    """Early-warning indicators (rolling variance and lag-1 autocorrelation) before tipping."""
    series = result.get("series", [])
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for item in series:
        t = np.asarray(item["month"])
        axes[0].plot(t, item["variance"], lw=1, alpha=0.8)
        axes[1].plot(t, item["ar1"], lw=1, alpha=0.8)
    axes[0].set_title(
        f"rolling variance (median Kendall tau {result.get('tau_variance', float('nan')):.2f})",
        fontsize=9,
    )
    axes[1].set_title(
        f"lag-1 autocorrelation (median Kendall tau {result.get('tau_ar1', float('nan')):.2f})",
        fontsize=9,
    )
    for ax in axes:
        ax.set_xlabel("month")
    fig.suptitle(result.get("title", "Early-warning indicators"), fontsize=10)
    fig.tight_layout()
    return fig

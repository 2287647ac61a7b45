"""Figures for single runs and side-by-side comparisons.

Figures are built as ``matplotlib.figure.Figure`` objects, not through pyplot's state
machine, so writing PNGs works on any backend and never changes the backend of a
notebook that imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from simulator import labels

__all__ = ["plot_run", "plot_comparison", "PANELS"]

#: Panels of a run figure: title and the indicators drawn in it (legend from the label
#: registry). The leverage groups are those of "The Missing Piece" report (2024), after
#: Meadows; the critical-mass index follows "Growing Collective Leadership" (2023).
PANELS: list[tuple[str, list[str]]] = [
    ("Learning: share of students at grade level", ["learning_mean"]),
    ("Engaged in collective leadership", ["engaged_share", "engaged_teacher", "engaged_official"]),
    (
        "Leverage groups (The Missing Piece, 2024)",
        ["leverage_purpose", "leverage_power", "leverage_learning", "leverage_delivery"],
    ),
    ("Trust and the critical-mass index", ["trust_mean", "critical_mass_index"]),
]


def plot_run(ts: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Four panels over years: learning, engagement, leverage groups, trust and critical mass."""
    fig = Figure(figsize=(11, 7))
    axes = fig.subplots(2, 2, sharex=True)
    years = ts["month"] / 12.0
    for ax, (panel, series) in zip(axes.ravel(), PANELS, strict=True):
        for column in series:
            ax.plot(years, ts[column], label=labels.label(column), lw=2)
        ax.set_title(panel, fontsize=11)
        ax.set_ylim(0, 1)
        ax.set_ylabel("share or mean, 0-1")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    for ax in axes[1]:
        ax.set_xlabel("Year of the run (years)")
    fig.suptitle(title or "clsim run", fontsize=13)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def plot_comparison(runs: Mapping[str, pd.DataFrame], path: Path, title: str = "") -> Path:
    """Scenarios side by side: median over seeds as a line, 10-90% band as a ribbon.

    Args:
        runs: scenario name -> long table with columns ``seed``, ``month`` and indicators.
        path: PNG to write.
        title: figure title.
    """
    fig = Figure(figsize=(12, 7.5))
    axes = fig.subplots(2, 2, sharex=True)
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    panels = [
        ("Learning: share of students at grade level", "learning_mean"),
        ("Teachers engaged: share of active teachers", "engaged_teacher"),
        ("Purpose, power and learning leverage (mean, 0-1)", "leverage_high"),
        ("Trust (mean, 0-1)", "trust_mean"),
    ]
    for ax, (panel, column) in zip(axes.ravel(), panels, strict=True):
        for k, (name, table) in enumerate(runs.items()):
            t = table.copy()
            if column == "leverage_high":
                t[column] = t[["leverage_purpose", "leverage_power", "leverage_learning"]].mean(axis=1)
            g = t.groupby("month")[column]
            years = g.median().index / 12.0
            c = colours[k % len(colours)]
            ax.fill_between(years, g.quantile(0.1), g.quantile(0.9), color=c, alpha=0.2, lw=0)
            ax.plot(years, g.median(), color=c, lw=2.2, label=name)
        ax.set_title(panel, fontsize=11)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=9, loc="upper left")
    for ax in axes[1]:
        ax.set_xlabel("Year of the run (years)")
    n_seeds = next(iter(runs.values()))["seed"].nunique() if runs else 0
    fig.suptitle(title or f"Scenarios compared (median and 10-90% band over {n_seeds} seeds)", fontsize=13)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    return path

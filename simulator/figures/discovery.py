"""Figures of scenario discovery: the PRIM peeling trajectory, a box over the runs, the tree.

Inputs are the JSON-ready :class:`~simulator.analysis.discovery.DiscoveryResult` (and the
sweep table for the runs); every axis and legend is labelled from :mod:`simulator.labels`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from simulator import labels

__all__ = ["peeling_figure", "box_figure", "tree_figure"]


def peeling_figure(result: dict[str, Any]) -> Figure:
    """Coverage against density along the first box's peeling trajectory."""
    traj = pd.DataFrame(result["trajectory"])
    fig = Figure(figsize=(6.8, 4.6))
    ax = fig.subplots()
    if len(traj):
        points = ax.scatter(
            traj["coverage"],
            traj["density"],
            c=traj["restricted"],
            cmap="viridis",
            s=22,
            zorder=3,
            label="boxes along the peeling trajectory",
        )
        ax.plot(traj["coverage"], traj["density"], color="0.7", lw=0.8, zorder=2)
        bar = fig.colorbar(points, ax=ax)
        bar.set_label("Restricted dimensions (number of levers)", fontsize=8)
    boxes = result.get("boxes", [])
    if boxes:
        first = boxes[0]
        ax.scatter(
            [first["coverage"]],
            [first["density"]],
            s=140,
            facecolors="none",
            edgecolors="#d62728",
            lw=2,
            zorder=4,
            label="box reported",
        )
    ax.axhline(result["min_density"], color="0.5", ls=":", lw=1, label=f"density target {result['min_density']:.0%}")
    ax.axhline(result["base_density"], color="0.75", ls="--", lw=1, label="share tipping in the whole design")
    ax.set_xlabel("Coverage (share of all runs that tipped inside the box)")
    ax.set_ylabel("Density (share of runs in the box that tipped)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7, loc="lower left", frameon=False)
    ax.set_title("PRIM peeling trajectory", fontsize=10)
    fig.tight_layout()
    return fig


def _axis_values(table: pd.DataFrame, key: str) -> tuple[np.ndarray, list[str] | None]:
    col = table[key]
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.to_numpy(float), None
    cats = sorted(col.astype(str).unique())
    codes = col.astype(str).map({c: i for i, c in enumerate(cats)}).to_numpy(float)
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, codes.size)
    return codes + jitter, cats


def box_figure(result: dict[str, Any], table: pd.DataFrame, cases: np.ndarray, index: int = 0) -> Figure | None:
    """The runs on the box's two most important restricted levers, with the box drawn.

    Returns None when there is no box.
    """
    boxes = result.get("boxes", [])
    if len(boxes) <= index:
        return None
    box = boxes[index]
    keys = [r["key"] for r in box["restrictions"]][:2]
    others = [k for k in result["inputs"] if k not in keys]
    while len(keys) < 2 and others:
        keys.append(others.pop(0))
    if len(keys) < 2:
        keys = keys * 2
    fig = Figure(figsize=(6.8, 5.0))
    ax = fig.subplots()
    xv, xcats = _axis_values(table, keys[0])
    yv, ycats = _axis_values(table, keys[1])
    tipped = np.asarray(cases, dtype=bool)
    ax.scatter(xv[~tipped], yv[~tipped], s=10, color="0.65", alpha=0.6, lw=0, label="did not tip")
    ax.scatter(xv[tipped], yv[tipped], s=12, color="#d62728", alpha=0.75, lw=0, label="tipped")
    bounds = []
    for key, values, cats in ((keys[0], xv, xcats), (keys[1], yv, ycats)):
        restriction = next((r for r in box["restrictions"] if r["key"] == key), None)
        if restriction is None:
            bounds.append((np.nanmin(values) - 0.5, np.nanmax(values) + 0.5))
        elif restriction.get("categories") is not None and cats is not None:
            idx = [cats.index(c) for c in restriction["categories"] if c in cats]
            bounds.append((min(idx) - 0.4, max(idx) + 0.4))
        else:
            lo = restriction.get("low")
            hi = restriction.get("high")
            lo = np.nanmin(values) if lo is None or not math.isfinite(lo) else lo
            hi = np.nanmax(values) if hi is None or not math.isfinite(hi) else hi
            bounds.append((lo, hi))
    (x0, x1), (y0, y1) = bounds
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            fill=False,
            ec="black",
            lw=1.8,
            ls="--",
            label=f"PRIM box {box['index']}: {box['density']:.0%} tip",
        )
    )
    for cats, setter in ((xcats, ax.set_xticks), (ycats, ax.set_yticks)):
        if cats is not None:
            setter(range(len(cats)), [labels.phrase(keys[0] if setter == ax.set_xticks else keys[1], c) for c in cats], fontsize=7)
    ax.set_xlabel(labels.axis_label(keys[0], wrap=45))
    ax.set_ylabel(labels.axis_label(keys[1], wrap=40))
    ax.legend(fontsize=7, loc="upper left", framealpha=0.85)
    ax.set_title("Runs and the box (other levers anywhere in their ranges)", fontsize=9)
    fig.tight_layout()
    return fig


def tree_figure(tree: Any, features: list[str], max_depth: int = 3) -> Figure:
    """The classification tree (scikit-learn's ``plot_tree``) with labelled features."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from sklearn.tree import plot_tree

    from simulator.analysis.discovery import _feature_label

    fig = Figure(figsize=(12, 5.5))
    FigureCanvasAgg(fig)  # plot_tree measures text, which needs a renderer
    ax = fig.subplots()
    plot_tree(
        tree,
        ax=ax,
        feature_names=[_feature_label(f, labels.label) for f in features],
        class_names=["did not tip", "tipped"],
        filled=True,
        impurity=False,
        proportion=True,
        rounded=True,
        fontsize=7,
        max_depth=max_depth,
    )
    ax.set_title("Classification tree (CART): share of runs in each class per node", fontsize=9)
    return fig

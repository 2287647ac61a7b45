"""Phase diagrams: two levers, the mean outcome and P(transformed) on their grid.

Reads a two-lever grid sweep. For every value of the second lever (``y``), the first
lever's (``x``) critical mass is estimated with :func:`estimate_tipping`; where
P(transformed) crosses 1/2 inside the range, the estimate and its interval trace the
critical-mass line drawn over the heatmaps.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .tipping import Regime, estimate_tipping

__all__ = ["PhaseDiagram", "phase_diagram"]


@dataclass
class PhaseDiagram:
    """Heatmap data (rows: ``y`` values, columns: ``x`` values) and the critical line."""

    x: str
    y: str
    x_values: list[float]
    y_values: list[float]
    mean: list[list[float]]
    p: list[list[float]]
    n: list[list[int]]
    regime_text: str
    critical_line: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    def summary(self) -> str:
        """One line per ``y`` value with the critical mass of ``x``."""
        lines = [f"Transformed regime: {self.regime_text}"]
        for row in self.critical_line:
            if math.isfinite(row["critical_mass"]):
                lines.append(
                    f"{self.y} = {row['y']:g}: critical {self.x} = {row['critical_mass']:.4g} "
                    f"(95% CI {row['ci_low']:.4g} to {row['ci_high']:.4g}; {row['verdict']})"
                )
            else:
                lines.append(f"{self.y} = {row['y']:g}: no crossing of 1/2 in range")
        return "\n".join(lines)


def phase_diagram(
    table: pd.DataFrame,
    x: str,
    y: str,
    regime: Regime | None = None,
    n_boot: int = 300,
    seed: int = 0,
) -> PhaseDiagram:
    """Pivot a two-lever sweep into heatmaps and trace the critical mass of ``x`` along ``y``."""
    regime = regime or Regime()
    for key in (x, y, regime.outcome):
        if key not in table:
            raise KeyError(f"{key!r} is not a column of the table; columns: {list(table.columns)}")
    frame = pd.DataFrame(
        {
            "x": table[x].to_numpy(dtype=float),
            "y": table[y].to_numpy(dtype=float),
            "outcome": table[regime.outcome].to_numpy(dtype=float),
        }
    )
    # A relative regime's baseline is taken over the whole table (lowest x), not per row.
    frame["t"] = regime.classify(table, x)
    xs = np.sort(frame["x"].unique())
    ys = np.sort(frame["y"].unique())
    mean = frame.pivot_table(index="y", columns="x", values="outcome", aggfunc="mean").reindex(
        index=ys, columns=xs
    )
    prob = frame.pivot_table(index="y", columns="x", values="t", aggfunc="mean").reindex(
        index=ys, columns=xs
    )
    count = frame.pivot_table(index="y", columns="x", values="t", aggfunc="size").reindex(
        index=ys, columns=xs
    )
    cut = regime.cut(table, x)
    fixed = Regime(outcome=regime.outcome, threshold=cut, direction=regime.direction)
    line = []
    for value in ys:
        sub = table[np.isclose(table[y].to_numpy(dtype=float), value)]
        row: dict[str, Any] = {
            "y": float(value),
            "critical_mass": float("nan"),
            "ci_low": float("nan"),
            "ci_high": float("nan"),
            "verdict": "too few x values",
        }
        if sub[x].nunique() >= 3:
            est = estimate_tipping(sub, x, fixed, n_boot=n_boot, seed=seed, bimodality_levels=0)
            if est.crosses:
                row.update(critical_mass=est.critical_mass, ci_low=est.ci_low, ci_high=est.ci_high)
            row["verdict"] = est.verdict
        line.append(row)
    return PhaseDiagram(
        x=x,
        y=y,
        x_values=xs.tolist(),
        y_values=ys.tolist(),
        mean=mean.to_numpy().tolist(),
        p=prob.to_numpy().tolist(),
        n=count.fillna(0).astype(int).to_numpy().tolist(),
        regime_text=regime.describe(cut if regime.delta is not None else None),
        critical_line=line,
    )

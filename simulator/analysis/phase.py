"""Phase diagrams: two levers, the mean outcome and P(transformed) on their grid.

Reads a two-lever grid sweep. For every value of the second lever (``y``), the first
lever's (``x``) critical mass is estimated with :func:`estimate_tipping`; where
P(transformed) crosses 1/2 inside the range, the estimate and its interval (or, where
the runs separate completely, the bracket between two lever values) trace the
critical-mass line drawn over the heatmaps.

Any grid is accepted: rows with fewer than three values of ``x``, rows where no run or
every run is transformed, incomplete grids (cells never run are NaN, not filled in) and
rows whose estimate fails are reported row by row with the reason, never as a crash.
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
    outcome: str = "final_learning"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    def summary(self) -> str:
        """One line per ``y`` value with the critical mass of ``x``."""
        from simulator.labels import label, phrase

        lines = [f"Transformed regime: {self.regime_text}"]
        x_name = label(self.x).lower()
        for row in self.critical_line:
            where = phrase(self.y, row["y"])
            if math.isfinite(row["critical_mass"]):
                if row.get("interval_kind") == "bracket":
                    interval = f"between {row['ci_low']:.4g} and {row['ci_high']:.4g}: a bracket"
                elif math.isfinite(row["ci_low"]):
                    interval = f"95% CI {row['ci_low']:.4g} to {row['ci_high']:.4g}"
                else:
                    interval = "no interval"
                edge = f"; near the {'upper' if row.get('near_edge') == 'high' else 'lower'} edge" if row.get("near_edge") else ""
                lines.append(
                    f"{where}: critical {x_name} = {row['critical_mass']:.4g} "
                    f"({interval}; {row['verdict']}{edge})"
                )
            else:
                lines.append(f"{where}: {row.get('reason') or 'no crossing of 1/2 in range'}")
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
            "interval_kind": "none",
            "interval_reason": "",
            "near_edge": None,
            "verdict": "too few x values",
            "reason": f"only {sub[x].nunique()} value(s) of the first lever were run here (need 3)",
        }
        valid = sub[[x, regime.outcome]].dropna()
        if valid[x].nunique() >= 3:
            try:
                est = estimate_tipping(
                    valid, x, fixed, n_boot=n_boot, seed=seed, bimodality_levels=0
                )
            except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
                row.update(verdict="not estimated", reason=f"the estimate failed: {exc}")
            else:
                row["verdict"] = est.verdict
                row["reason"] = "" if est.crosses else (est.reasons[0] if est.reasons else "")
                if est.crosses:
                    row.update(
                        critical_mass=est.critical_mass,
                        ci_low=est.ci_low,
                        ci_high=est.ci_high,
                        interval_kind=est.interval_kind,
                        interval_reason=est.interval_reason,
                        near_edge=est.near_edge,
                    )
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
        outcome=regime.outcome,
    )

"""Global sensitivity of outcomes to model parameters: Morris screening and Sobol indices.

The design comes from the sweep spec (``design: morris`` or ``design: saltelli``, built
with SALib on the unit cube and scaled to each parameter's range; see
:mod:`simulator.sweep.spec`), the model runs as an ordinary sweep, and this module reads
the finished table. Each design point is run ``replicates`` times; the analysed output
is the mean over replicates (so indices describe the *expected* outcome; the rest of the
seed-to-seed noise shows up as spurious interaction in Sobol' total indices, so use
enough replicates). Besides numeric outcome columns, the pseudo-outcome
``transformed`` is the share of a point's replicates in the transformed regime
(a critical-mass-related outcome).

- **Morris** (Morris 1991; Campolongo et al. 2007): ``mu_star`` (mean absolute
  elementary effect; importance), ``sigma`` (non-linearity or interactions), in outcome
  units per full parameter range.
- **Sobol'** (Sobol' 2001; Saltelli et al. 2010 estimators, as in SALib): first-order
  ``S1`` and total ``ST`` indices with bootstrap confidence half-widths.

SALib's reference check, the Ishigami function, is in ``tests/test_sensitivity.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulator.sweep.spec import SweepSpec

from .tipping import Regime

__all__ = ["point_outcomes", "SensitivityResult", "analyse_sensitivity", "TRANSFORMED"]

#: Pseudo-outcome: share of a point's replicates in the transformed regime.
TRANSFORMED = "transformed"


def point_outcomes(
    table: pd.DataFrame, n_points: int, outcome: str, regime: Regime | None = None
) -> np.ndarray:
    """Mean of ``outcome`` over replicates for every point id ``0..n_points-1``.

    Raises:
        ValueError: the table does not hold every point (an unfinished sweep) or an
            outcome is missing (NaN) at some point.
    """
    if outcome == TRANSFORMED:
        regime = regime or Regime()
        if regime.delta is not None:  # a relative cut needs a lever; here there is none
            raise ValueError("the 'transformed' outcome needs an absolute threshold regime")
        column = regime.classify(table, "point_id")
    else:
        if outcome not in table:
            raise KeyError(f"outcome {outcome!r} is not a column; columns: {list(table.columns)}")
        column = table[outcome].to_numpy(dtype=float)
    means = pd.Series(column).groupby(table["point_id"].to_numpy()).mean()
    missing = sorted(set(range(n_points)) - set(means.index))
    if missing:
        raise ValueError(
            f"the sweep is unfinished: {len(missing)} of {n_points} design points have no run "
            f"(first missing point {missing[0]}); resume it before analysing"
        )
    y = means.reindex(range(n_points)).to_numpy(dtype=float)
    if not np.all(np.isfinite(y)):
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(
            f"outcome {outcome!r} is NaN at design point {bad}; choose another outcome"
        )
    return y


@dataclass
class SensitivityResult:
    """Indices per outcome: a list of records (one per parameter) for each outcome."""

    method: str
    parameters: list[str]
    samples: int
    replicates: int
    indices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    def frame(self, outcome: str) -> pd.DataFrame:
        """The indices of one outcome as a table indexed by parameter."""
        return pd.DataFrame(self.indices[outcome]).set_index("parameter")

    def summary(self) -> str:
        """The most influential parameter for each outcome."""
        from simulator.labels import label

        lines = []
        for outcome, records in self.indices.items():
            key = "mu_star" if self.method == "morris" else "ST"
            name = "mu*" if key == "mu_star" else key
            ranked = sorted(records, key=lambda r: -np.nan_to_num(r[key], nan=-np.inf))
            top = ", ".join(f"{label(r['parameter']).lower()} ({name} {r[key]:.3g})" for r in ranked[:3])
            lines.append(f"{label(outcome)}: {top}")
        if self.method == "morris" and self.samples < 10:
            lines.append(
                f"Warning: only {self.samples} Morris trajectories; the ranking is unstable "
                "(use at least 10)."
            )
        return "\n".join(lines)


def analyse_sensitivity(
    spec: SweepSpec,
    table: pd.DataFrame,
    outcomes: list[str],
    regime: Regime | None = None,
    num_resamples: int = 1000,
    seed: int = 0,
) -> SensitivityResult:
    """Morris or Sobol indices of each outcome, from a finished ``morris``/``saltelli`` sweep.

    Args:
        spec: the sweep spec the table was produced from (its design is regenerated).
        table: the results table.
        outcomes: outcome columns, and/or ``transformed``.
        regime: the regime for ``transformed`` (absolute threshold).
        num_resamples: bootstrap resamples for the confidence intervals.
        seed: seed for SALib's bootstrap.
    """
    if spec.design not in ("morris", "saltelli"):
        raise ValueError(
            f"sensitivity needs a 'morris' or 'saltelli' sweep; design is {spec.design!r}"
        )
    problem = spec.salib_problem()
    n_points = spec.n_points
    result = SensitivityResult(
        method="morris" if spec.design == "morris" else "sobol",
        parameters=list(spec.parameter_names),
        samples=int(spec.samples or 0),
        replicates=spec.replicates,
    )
    for outcome in outcomes:
        y = point_outcomes(table, n_points, outcome, regime)
        records = []
        if spec.design == "morris":
            from SALib.analyze import morris

            x = spec.unit_design()
            res = morris.analyze(
                problem, x, y, num_resamples=num_resamples, num_levels=spec.morris_levels, seed=seed
            )
            for i, name in enumerate(problem["names"]):
                records.append(
                    {
                        "parameter": name,
                        "mu": float(res["mu"][i]),
                        "mu_star": float(res["mu_star"][i]),
                        "mu_star_conf": float(res["mu_star_conf"][i]),
                        "sigma": float(res["sigma"][i]),
                    }
                )
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(
                problem,
                y,
                calc_second_order=spec.second_order,
                num_resamples=num_resamples,
                seed=seed,
            )
            for i, name in enumerate(problem["names"]):
                records.append(
                    {
                        "parameter": name,
                        "S1": float(res["S1"][i]),
                        "S1_conf": float(res["S1_conf"][i]),
                        "ST": float(res["ST"][i]),
                        "ST_conf": float(res["ST_conf"][i]),
                    }
                )
        result.indices[outcome] = records
    return result

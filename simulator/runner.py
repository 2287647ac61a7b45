"""Run a scenario: parameters in, named outcomes and tables out.

The runner is thin (after EMA Workbench's experiment runner): it builds the model from
a scenario and a seed, steps it, and returns the monthly indicator table, the learning
of every school, a summary of named scalar outcomes and the provenance of the run.
:func:`simulator.report.run_output.write_run` saves them (Parquet, CSV, JSON, PNG). Analysis reads these tables,
never models.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from ._compat import MESA_VERSION
from .model import EducationModel
from .scenario import Scenario, load_scenario

__all__ = ["RunResult", "run_scenario", "run_point", "summarize", "FORMAT_VERSION", "SUMMARY_OUTCOMES"]

FORMAT_VERSION = 1

SUMMARY_OUTCOMES: dict[str, str] = {
    "final_learning": "Mean classroom learning over the last 12 months.",
    "initial_learning": "Mean classroom learning at month 0.",
    "learning_gain": "final_learning minus initial_learning.",
    "peak_learning": "Highest monthly mean classroom learning.",
    "final_engaged_share": "Engaged share of active people, mean of the last 12 months.",
    "final_engaged_teacher_share": "Engaged share of teachers, mean of the last 12 months.",
    "final_trust": "Mean trust, last 12 months.",
    "final_purpose": "Mean purpose, last 12 months.",
    "final_agency": "Mean agency, last 12 months.",
    "final_critical_mass_index": "Critical-mass index, last 12 months.",
    "final_support": "Mean institutional support of districts, last 12 months.",
    "final_collectives_share": "Share of clusters whose collective meets, last 12 months.",
    "final_educators_engaged": "Engaged share of local teachers and principals, last 12 months.",
    "final_learning_school_sd": "Spread (sd) of school mean learning, last 12 months.",
    "peak_leaders_active": "Most fellows and alumni in the system at once.",
    "peak_leaders_per_school": "Most fellows and alumni per school at once.",
    "months_to_trust_rise": "First month mean trust is 0.05 above its start (NaN if never).",
    "months_to_learning_rise": "First month mean learning is 0.05 above its start (NaN if never).",
    "teacher_trust_rise_month": (
        "First month local teachers' mean trust has made a quarter of its rise (start to the "
        "last 12 months; NaN if it rises less than 0.02)."
    ),
    "teacher_learning_rise_month": (
        "First month local teachers' classroom learning has made a quarter of its rise (NaN if it "
        "rises less than 0.02)."
    ),
    "trust_lead_months": "teacher_learning_rise_month minus teacher_trust_rise_month (positive: trust first).",
    "learning_year_3": "Mean classroom learning at month 36.",
    "learning_year_5": "Mean classroom learning at month 60.",
    "learning_year_7": "Mean classroom learning at month 84.",
    "engaged_year_5": "Engaged share of active people at month 60.",
    "critical_mass_index_year_5": "Critical-mass index at month 60.",
    "programme_ratio_year_3": (
        "Learning in the programme's clusters (those with fellows or a programme collective) over "
        "learning in the other clusters, at month 36 (NaN when either group is empty)."
    ),
}

#: Months at which ``learning_year_<k>`` outcomes are read.
SNAPSHOT_MONTHS = {"learning_year_3": 36, "learning_year_5": 60, "learning_year_7": 84}

#: Least rise (of trust or learning) for a rise month to be defined.
MIN_RISE = 0.02


@dataclass
class RunResult:
    """One run: monthly indicators, school learning, summary outcomes and provenance."""

    timeseries: pd.DataFrame
    schools: pd.DataFrame
    summary: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)


def _first_rise(series: pd.Series, delta: float) -> float:
    hit = np.flatnonzero(series.to_numpy() >= series.iloc[0] + delta)
    return float(hit[0]) if hit.size else float("nan")


def rise_month(series: pd.Series, window: int = 12, fraction: float = 0.25, min_rise: float = MIN_RISE) -> float:
    """First month a series has made ``fraction`` of its rise from its start to its last ``window`` months.

    Scale-free, so a trust series and a learning series can be compared; NaN when the
    series rises less than ``min_rise``.
    """
    values = series.to_numpy(dtype=float)
    start, end = values[0], float(np.mean(values[-window:]))
    if end - start < min_rise:
        return float("nan")
    hit = np.flatnonzero(values >= start + fraction * (end - start))
    return float(hit[0]) if hit.size else float("nan")


def summarize(timeseries: pd.DataFrame, window: int = 12) -> dict[str, float]:
    """Named scalar outcomes of a run from its monthly table (see :data:`SUMMARY_OUTCOMES`)."""
    tail = timeseries.tail(window)
    first = timeseries.iloc[0]
    out = {
        "final_learning": float(tail["learning_mean"].mean()),
        "initial_learning": float(first["learning_mean"]),
        "peak_learning": float(timeseries["learning_mean"].max()),
        "final_engaged_share": float(tail["engaged_share"].mean()),
        "final_engaged_teacher_share": float(tail["engaged_teacher"].mean()),
        "final_trust": float(tail["trust_mean"].mean()),
        "final_purpose": float(tail["purpose_mean"].mean()),
        "final_agency": float(tail["agency_mean"].mean()),
        "final_critical_mass_index": float(tail["critical_mass_index"].mean()),
        "final_support": float(tail["support_mean"].mean()),
        "final_collectives_share": float(tail["collectives_share"].mean()),
        "final_educators_engaged": float(tail["educators_engaged"].mean()),
        "final_learning_school_sd": float(tail["learning_school_sd"].mean()),
        "peak_leaders_active": float(timeseries["leaders_active"].max()),
        "peak_leaders_per_school": float(timeseries["leaders_per_school"].max()),
        "months_to_trust_rise": _first_rise(timeseries["trust_mean"], 0.05),
        "months_to_learning_rise": _first_rise(timeseries["learning_mean"], 0.05),
        "teacher_trust_rise_month": rise_month(timeseries["trust_teacher"], window),
        "teacher_learning_rise_month": rise_month(timeseries["learning_teachers"], window),
    }
    out["trust_lead_months"] = out["teacher_learning_rise_month"] - out["teacher_trust_rise_month"]
    by_month = timeseries.set_index("month")
    for key, month in SNAPSHOT_MONTHS.items():
        out[key] = float(by_month["learning_mean"].get(month, np.nan))
    out["engaged_year_5"] = float(by_month["engaged_share"].get(60, np.nan))
    out["critical_mass_index_year_5"] = float(by_month["critical_mass_index"].get(60, np.nan))
    out["programme_ratio_year_3"] = float("nan")
    out["learning_gain"] = out["final_learning"] - out["initial_learning"]
    return out


def provenance(scenario: Scenario, seed: int, steps: int, source: str | None = None) -> dict[str, Any]:
    """Everything needed to say where a result came from."""
    return {
        "clsim_version": __version__,
        "mesa_version": MESA_VERSION,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "format_version": FORMAT_VERSION,
        "scenario_name": scenario.meta.name,
        "scenario_hash": scenario.content_hash(),
        "scenario_source": source,
        "seed": int(seed),
        "steps": int(steps),
    }


def run_scenario(
    scenario: Scenario | str | Path,
    seed: int = 0,
    steps: int | None = None,
    *,
    agents: bool = False,
    progress: Callable[[int, int], None] | None = None,
    model_cls: type[EducationModel] = EducationModel,
) -> RunResult:
    """Run a scenario for ``steps`` months (default ``meta.steps``) with one seed.

    Args:
        scenario: a scenario or a path to a scenario file.
        seed: the run's seed.
        steps: months to run; defaults to the scenario's ``meta.steps``.
        agents: also create Mesa agent objects (results are identical either way).
        progress: called as ``progress(done, total)`` after every month.
        model_cls: the model class (a subclass of :class:`EducationModel` that adds a
            process or a role runs through the same runner).
    """
    source = None
    if not isinstance(scenario, Scenario):
        source = str(scenario)
        scenario = load_scenario(scenario)
    steps = scenario.meta.steps if steps is None else int(steps)
    model = model_cls(scenario, seed=seed, agents=agents)
    for done in range(1, steps + 1):
        model.step()
        if progress is not None:
            progress(done, steps)
    ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    ts.insert(1, "year", ts["month"] / 12.0)
    lay = model.layout
    school_ids = np.arange(lay.n_schools)
    learning = np.stack(model.school_learning)
    schools = pd.DataFrame(
        {
            "month": np.repeat(np.arange(learning.shape[0]), lay.n_schools),
            "school": np.tile(school_ids, learning.shape[0]),
            "cluster": np.tile(school_ids // lay.schools_per_cluster, learning.shape[0]),
            "district": np.tile(school_ids // (lay.schools_per_cluster * lay.clusters_per_district), learning.shape[0]),
            "learning": learning.ravel(),
        }
    )
    summary = summarize(ts)
    summary["programme_ratio_year_3"] = programme_ratio(model, learning, month=36)
    return RunResult(ts, schools, summary, provenance(scenario, seed, steps, source))


def programme_ratio(model: EducationModel, school_learning: np.ndarray, month: int) -> float:
    """Learning in the programme's clusters over the other clusters' at ``month`` (NaN if undefined).

    The programme's clusters receive fellows or a programme collective at some time in the
    run (Telangana, seed 003: schools where teachers take part against comparison schools).
    """
    from .strategies.convene import collective_clusters

    if month >= school_learning.shape[0]:
        return float("nan")
    lay = model.layout
    covered = model._fellow_clusters.copy()
    if model.config.convene.collectives.mode != "none":
        covered |= collective_clusters(model.config.convene, model._fellow_clusters)
    school_cluster = np.arange(lay.n_schools) // lay.schools_per_cluster
    inside = covered[school_cluster]
    row = school_learning[month].astype(np.float64)
    if not inside.any() or inside.all():
        return float("nan")
    return float(np.nanmean(row[inside]) / np.nanmean(row[~inside]))


def run_point(
    scenario: Scenario | str | Path,
    overrides: dict[str, Any] | None = None,
    seed: int = 0,
    steps: int | None = None,
) -> dict[str, float]:
    """Summary outcomes of one run with dotted-key overrides (for sweeps; picklable inputs)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if overrides:
        scenario = scenario.with_overrides(overrides)
    return run_scenario(scenario, seed=seed, steps=steps).summary

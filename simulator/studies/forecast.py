"""Where is this run heading? An ensemble of model futures from its current state.

The dashboard's critical-mass meter reads P(transformed) for the run on screen: the
share of *futures* of the model, continued from the run's state at this month with fresh
random draws, that end in the transformed regime (:class:`~simulator.analysis.tipping.Regime`,
by default ``learning_gain >= 0.10``). It is the model's own answer to "if we carry on
from here, does this system tip?", conditioned on everything the run has become (who is
engaged, where, with what trust and purpose), not only on its settings; nothing in it is
typed in.

A future is a copy of the model (:func:`fork_model`) whose random generators are
replaced by new ones derived from ``(seed, month, future index)``, so a forecast is
reproducible, and the run being forecast is never touched. Each future runs to the
scenario's length; its summary outcomes come from :func:`simulator.runner.summarize`
over the run's recorded months up to the fork followed by the future's months, so
"transformed" means exactly what it means in a sweep.

Only the ``final_*`` outcomes (means over the last :data:`FINAL_WINDOW` months) and
``learning_gain`` (the same against month 0, which the history holds) can
define the regime of a forecast: indicators are computed in that window only.

Cost: ``futures x (steps - month)`` model steps, about 2 s for ten futures from year 5
of the 2,000-agent workshop scenario; the dashboard runs forecasts in a background
process (:mod:`simulator.dashboard.forecasts`).

This is the "ensemble the server runs in the background" of issue 15, applied to the
run's state rather than to its settings. The seeds-only question ("at these settings,
how often does the system tip?") is the tipping study's S-curve, which the dashboard
caches per scenario (:mod:`simulator.dashboard.meter_cache`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulator.analysis.tipping import Regime

__all__ = [
    "ForecastResult",
    "HeldOutReading",
    "auc",
    "held_out_readings",
    "fork_model",
    "forecast_transformed",
    "future_outcome",
    "run_outcome",
    "FORECAST_STREAM",
    "DEFAULT_FUTURES",
]

#: Extra entropy word that separates forecast futures from every other stream.
FORECAST_STREAM = 0xF0_7E_CA_57
#: Futures per forecast unless told otherwise.
DEFAULT_FUTURES = 10
#: Months of the final window the ``final_*`` summary outcomes average (runner.summarize).
FINAL_WINDOW = 12


@dataclass(frozen=True)
class ForecastResult:
    """A forecast of one run from one month.

    Attributes:
        month: the month forecast from.
        futures: futures simulated.
        transformed: futures that ended transformed.
        outcomes: each future's regime outcome (e.g. its ``final_learning``).
        cut: the regime's cut on the outcome.
        regime_text: human description of the regime.
        finished: the run had already reached its end (the outcome is known, no futures).
    """

    month: int
    futures: int
    transformed: int
    outcomes: list[float] = field(default_factory=list)
    cut: float = float("nan")
    regime_text: str = ""
    finished: bool = False

    @property
    def p(self) -> float:
        """Share of futures that ended transformed."""
        return self.transformed / self.futures if self.futures else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with ``p`` included."""
        return {**asdict(self), "p": self.p}


def _future_seed(seed: int, month: int, index: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([int(seed) % 2**63, int(month), int(index), FORECAST_STREAM])


def fork_model(model: Any, seed_sequence: np.random.SeedSequence) -> Any:
    """A deep copy of ``model`` with every random generator on it replaced.

    Every ``numpy.random.Generator`` of the model (the simulation stream on its engine's
    runs and Mesa's ``model.rng``) gets a new generator spawned from ``seed_sequence`` and
    Mesa's own ``model.random`` (a ``random.Random`` of the model) is reseeded, so the copy
    continues with its own chance draws. The data collector is not copied (a future
    records its own months).

    Args:
        model: a model between steps.
        seed_sequence: where the copy's randomness comes from.

    Returns:
        The copy.
    """
    collector = getattr(model, "datacollector", None)
    try:
        if collector is not None:
            model.datacollector = None
        fork = copy.deepcopy(model)
    finally:
        if collector is not None:
            model.datacollector = collector
    # The simulation stream lives on the engine's runs (``model.rng_sim`` reads it there);
    # Mesa's own generator is an attribute of the model.
    holders = [(fork, k) for k, v in vars(fork).items() if isinstance(v, np.random.Generator)]
    for run in getattr(getattr(fork, "engine", None), "runs", ()):
        holders.append((run, "rng"))
    streams = seed_sequence.spawn(len(holders) + 1)
    for (holder, name), stream in zip(holders, streams, strict=False):
        setattr(holder, name, np.random.default_rng(stream))
    salt = int(streams[-1].generate_state(1, np.uint64)[0])
    mesa_random = getattr(fork, "random", None)
    if mesa_random is not None:
        mesa_random.seed(salt)
    if hasattr(fork, "collect"):
        fork.collect = False
    return fork


def run_outcome(rows: Sequence[Mapping[str, Any]], regime: Regime) -> float:
    """The regime's outcome of a whole run from its monthly indicator rows."""
    from simulator.runner import summarize

    summary = summarize(pd.DataFrame(list(rows)))
    if regime.outcome not in summary:
        raise KeyError(
            f"forecasts know the run summary outcomes {sorted(summary)}; "
            f"the regime asks for {regime.outcome!r}"
        )
    return float(summary[regime.outcome])


def _is_transformed(value: float, cut: float, regime: Regime) -> bool:
    return value >= cut if regime.direction == "above" else value <= cut


def future_outcome(
    model: Any,
    history: Sequence[Mapping[str, Any]],
    steps: int,
    index: int,
    regime: Regime | None = None,
    seed: int | None = None,
) -> float:
    """The regime's outcome of one future of ``model`` (future ``index`` of a forecast).

    The future's randomness comes from ``(seed, month, index)`` (``seed`` defaults to the
    model's), so the same future can be simulated anywhere, alone or in a batch.
    """
    regime = regime or Regime()
    if not (regime.outcome.startswith("final_") or regime.outcome == "learning_gain"):
        raise ValueError(
            "a forecast reads outcomes of the final year (final_*, or learning_gain: the final "
            f"year against month 0); found {regime.outcome!r}"
        )
    month = int(getattr(model, "month", len(history) - 1))
    base = int(getattr(model, "seed", 0) if seed is None else seed)
    # indicators are needed only in the final window; earlier future months stay blank
    tail_from = steps - FINAL_WINDOW + 1
    blank = dict.fromkeys(history[-1], float("nan"))
    fork = fork_model(model, _future_seed(base, month, index))
    rows = list(history)
    for m in range(month + 1, steps + 1):
        fork.step()
        rows.append(fork.indicators() if m >= tail_from else blank)
    return run_outcome(rows, regime)


def forecast_transformed(
    model: Any,
    history: Sequence[Mapping[str, Any]],
    steps: int,
    regime: Regime | None = None,
    futures: int = DEFAULT_FUTURES,
    seed: int | None = None,
) -> ForecastResult:
    """Simulate ``futures`` continuations of ``model`` to month ``steps``; count the transformed.

    Args:
        model: the run, at month ``len(history) - 1`` (it is copied, never stepped).
        history: the run's indicator rows (``model.indicators()``), month 0 to now.
        steps: the run's length in months.
        regime: what counts as transformed; an absolute cut (default ``Regime()``).
        futures: how many futures.
        seed: base of the futures' seeds (default: the model's ``seed``).

    Returns:
        A :class:`ForecastResult`. A run already at its end is its own outcome.

    Raises:
        ValueError: a relative regime (its cut needs a sweep's baseline), or a history
            that does not end at the model's month.
    """
    regime = regime or Regime()
    if regime.threshold is None:
        raise ValueError("a forecast needs a regime with an absolute threshold")
    cut = float(regime.threshold)
    month = int(getattr(model, "month", len(history) - 1))
    if len(history) != month + 1:
        raise ValueError(f"history has {len(history)} months; the model is at month {month}")
    text = regime.describe()
    if month >= steps:
        value = run_outcome(history, regime)
        hit = int(_is_transformed(value, cut, regime))
        return ForecastResult(month, 1, hit, [value], cut, text, finished=True)
    base = int(getattr(model, "seed", 0) if seed is None else seed)
    outcomes = [future_outcome(model, history, steps, index, regime, base) for index in range(futures)]
    hits = sum(int(_is_transformed(value, cut, regime)) for value in outcomes)
    return ForecastResult(month, futures, hits, outcomes, cut, text)


def auc(scores: Sequence[float], labels: Sequence[float]) -> float:
    """Area under the ROC curve: P(score of a transformed run > score of another), ties 1/2.

    The Mann-Whitney U statistic over the two groups (scipy), divided by their sizes.

    Raises:
        ValueError: one of the two groups is empty.
    """
    from scipy.stats import mannwhitneyu

    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=float) > 0.5
    if y.all() or not y.any():
        raise ValueError("an AUC needs runs that ended transformed and runs that did not")
    u = mannwhitneyu(s[y], s[~y], alternative="two-sided").statistic
    return float(u) / float(y.sum() * (~y).sum())


@dataclass(frozen=True)
class HeldOutReading:
    """One run's readings at a month and how it ended."""

    value: float
    seed: int
    month: int
    meter: float
    engaged_share: float
    outcome: float
    transformed: bool


def held_out_readings(
    scenario: Any,
    values: Sequence[float],
    seeds: Sequence[int],
    month: int = 60,
    lever: str = "recruit.cohort_size",
    futures: int = DEFAULT_FUTURES,
    regime: Regime | None = None,
) -> pd.DataFrame:
    """Run every (value, seed), read the meter and the engaged share at ``month``, run on.

    The meter's reading is exactly what the dashboard shows at that month (a
    :func:`forecast_transformed` of the run, the run's own seed as base); the run then
    goes on to its end, which says whether it was transformed.

    Returns:
        One row per run: :class:`HeldOutReading`'s fields.
    """
    from simulator.model import EducationModel

    regime = regime or Regime()
    steps = int(scenario.meta.steps)
    rows = []
    for value in values:
        configured = scenario.with_overrides({lever: value}, source="held-out readings")
        for seed in seeds:
            model = EducationModel(configured, seed=int(seed), agents=False, collect=False)
            history = [model.indicators()]
            meter = engaged = float("nan")
            for m in range(1, steps + 1):
                model.step()
                history.append(model.indicators())
                if m == month:
                    meter = forecast_transformed(model, history, steps, regime, futures).p
                    engaged = float(history[-1]["engaged_share"])
            outcome = run_outcome(history, regime)
            hit = _is_transformed(outcome, float(regime.threshold), regime)
            rows.append(HeldOutReading(float(value), int(seed), month, meter, engaged, outcome, hit))
    return pd.DataFrame([asdict(r) for r in rows])

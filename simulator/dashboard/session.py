"""One browser tab's run: its controls, its model, its history and its earlier runs.

A :class:`DashboardSession` is plain Python (no UI), so it is tested and benchmarked
without a browser. The Solara page creates one per tab (per kernel), which is what
keeps two facilitators' tabs from driving the same model.

Changing any control rebuilds the model at month 0 from the scenario plus overrides
(:meth:`Scenario.with_overrides`, which validates again); the run that was on screen,
if it had moved at all, is kept as a faint "earlier run" for comparison. Every failure
is turned into a message for the page; the traceback goes to the server's log only.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import EducationModel
from ..scenario import Scenario, ScenarioError
from .controls import (
    ScenarioCatalogue,
    controls_from_scenario,
    overrides_for,
    validate_controls,
)

__all__ = ["DashboardSession", "RunHistory", "SERIES", "MAX_EARLIER_RUNS"]

logger = logging.getLogger(__name__)

#: Indicators kept month by month for the charts.
SERIES: tuple[str, ...] = (
    "learning_mean",
    "engaged_share",
    "trust_mean",
    "leverage_purpose",
    "leverage_power",
    "leverage_learning",
    "leverage_delivery",
    "critical_mass_index",
    "fellows_active",
    "alumni_active",
)
#: How many earlier runs stay on the charts.
MAX_EARLIER_RUNS = 5


@dataclass
class RunHistory:
    """Indicator series of one run, one value a month (month 0 is the initial state).

    Attributes:
        label: short description shown in legends and tooltips.
        months: months of the values.
        values: indicator name -> values, aligned with ``months``.
    """

    label: str
    months: list[int] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in SERIES})

    def append(self, month: int, indicators: dict[str, Any]) -> None:
        """Record one month."""
        self.months.append(int(month))
        for key in SERIES:
            self.values[key].append(float(indicators.get(key, np.nan)))

    def years(self) -> np.ndarray:
        """Months as years (the charts' x axis)."""
        return np.asarray(self.months, dtype=np.float64) / 12.0

    def series(self, key: str) -> np.ndarray:
        """One indicator as an array."""
        return np.asarray(self.values[key], dtype=np.float64)

    def latest(self, key: str) -> float:
        """The last value of an indicator (NaN before the first month)."""
        values = self.values[key]
        return values[-1] if values else float("nan")


class DashboardSession:
    """The state behind one dashboard tab.

    Args:
        catalogue: scenario files the picker offers.
        scenario: name of the scenario to start with (default: the catalogue's default).
        seed: the first run's seed.

    Attributes:
        catalogue: the scenario catalogue.
        scenario: the scenario as loaded, before the controls' overrides.
        configured: the scenario the running model was built from (overrides applied).
        base: the controls the unmodified scenario implies.
        controls: the controls in force.
        model: the running model.
        history: this run's indicator series.
        earlier: earlier runs, oldest first (at most :data:`MAX_EARLIER_RUNS`).
        message: the last problem to show in the page, or None.
        failed: the current run raised while stepping (playing stops).
        generation: increases whenever a new model is built (views rebuild on change).
        lock: held while the model is built or stepped (the play loop and button
            handlers may run on different threads).
    """

    def __init__(
        self,
        catalogue: ScenarioCatalogue | None = None,
        scenario: str | None = None,
        seed: int = 1,
    ):
        self.catalogue = catalogue or ScenarioCatalogue()
        self.lock = threading.RLock()
        self.message: str | None = None
        self.failed = False
        self.generation = 0
        self.earlier: list[RunHistory] = []
        name = scenario or self.catalogue.default
        try:
            self.scenario = self.catalogue.load(name)
        except ScenarioError as exc:
            # a broken default file must not take the page down: fall back to defaults
            logger.warning("dashboard: %s", exc)
            self.message = f"Could not load scenario {name!r}: {exc.render()}"
            self.scenario = Scenario()
        self.base = controls_from_scenario(self.scenario, name, seed)
        self.controls = self.base
        self.model: EducationModel
        self.configured: Scenario
        self.history: RunHistory
        self._build(self.scenario)

    # -- building -------------------------------------------------------------------

    @property
    def steps(self) -> int:
        """Months in a full run of the current scenario."""
        return int(self.configured.meta.steps)

    @property
    def month(self) -> int:
        """Months simulated in the current run."""
        return int(self.model.month)

    @property
    def finished(self) -> bool:
        """Whether the run has reached the scenario's length."""
        return self.month >= self.steps

    @property
    def n_agents(self) -> int:
        """Agent slots of the current model."""
        return int(self.model.state.n_agents)

    def _label(self) -> str:
        c = self.controls
        return (
            f"{c.scenario}: {c.cohort_size}/yr x {c.recruit_years} yr, {c.placement}, "
            f"collectives {c.convening}, seed {c.seed}"
        )

    def _build(self, scenario: Scenario, keep: bool = True) -> None:
        model = EducationModel(
            scenario=scenario, seed=self.controls.seed, agents=False, collect=False
        )
        if keep and getattr(self, "history", None) is not None and len(self.history.months) > 1:
            self.earlier.append(self.history)
            del self.earlier[:-MAX_EARLIER_RUNS]
        self.model = model
        self.configured = scenario
        self.history = RunHistory(self._label())
        self.history.append(model.month, model.indicators())
        self.failed = False
        self.generation += 1

    def set_controls(self, **changes: Any) -> bool:
        """Validate new control values and, if they hold, start a new run with them.

        Args:
            **changes: control name -> value as received from the page.

        Returns:
            True when a new run was built; False when a value was refused (see
            :attr:`message`).
        """
        with self.lock:
            controls, problems = validate_controls(self.controls, changes, self.catalogue.names())
            if problems:
                self.message = "; ".join(problems)
                return False
            scenario = self.scenario
            base = self.base
            if controls.scenario != self.controls.scenario:
                try:
                    scenario = self.catalogue.load(controls.scenario)
                except ScenarioError as exc:
                    self.message = exc.render()
                    return False
                base = controls_from_scenario(scenario, controls.scenario, controls.seed)
                # a new scenario brings its own lever values; only the seed carries over
                controls = base
            try:
                overrides = overrides_for(controls, base, scenario)
                configured = scenario.with_overrides(overrides, source="dashboard controls")
                previous = self.controls
                self.controls = controls
                try:
                    self._build(configured)
                except Exception:
                    self.controls = previous
                    raise
            except ScenarioError as exc:
                self.message = exc.render()
                return False
            except Exception as exc:  # noqa: BLE001 - the page must show it, not crash
                logger.exception("dashboard: could not build the model")
                self.message = f"Could not build the model: {type(exc).__name__}: {exc}"
                return False
            self.scenario, self.base = scenario, base
            self.message = None
            return True

    def reset(self) -> None:
        """Start the current settings again from month 0.

        The same seed replays the same run, so the run being replaced is not kept as an
        earlier run (change the seed to see another run of the same settings).
        """
        with self.lock:
            try:
                overrides = overrides_for(self.controls, self.base, self.scenario)
                configured = self.scenario.with_overrides(overrides, source="dashboard controls")
                self._build(configured, keep=False)
                self.message = None
            except Exception as exc:  # noqa: BLE001
                logger.exception("dashboard: could not reset")
                self.message = f"Could not reset: {type(exc).__name__}: {exc}"

    def clear_earlier(self) -> None:
        """Forget the earlier runs kept on the charts."""
        with self.lock:
            self.earlier.clear()
            self.generation += 1

    # -- running --------------------------------------------------------------------

    def step(self, months: int = 1) -> int:
        """Advance up to ``months`` months (never past the scenario's length).

        Returns:
            The months actually simulated.
        """
        done = 0
        with self.lock:
            try:
                while done < months and not self.finished and not self.failed:
                    self.model.step()
                    done += 1
                    self.history.append(self.model.month, self.model.indicators())
            except Exception as exc:  # noqa: BLE001
                logger.exception("dashboard: step failed")
                self.failed = True
                self.message = f"The model stopped: {type(exc).__name__}: {exc}"
        return done

    def indicators(self) -> dict[str, Any]:
        """The current month's indicators."""
        return self.model.indicators()

"""One browser tab's run: its controls, its model, its history and the runs it keeps.

A :class:`DashboardSession` is plain Python (no UI), so it is tested and benchmarked
without a browser. The Solara page creates one per tab (per kernel), which is what
keeps two facilitators' tabs from driving the same model.

Changing any control rebuilds the model at month 0 from the scenario plus overrides
(:meth:`Scenario.with_overrides`, which validates again); the run that was on screen,
if it had moved at all, is *kept* for comparison. Kept runs (at most
:data:`MAX_KEPT_RUNS`) each have a label, their own hue, and may be pinned. *Reset*
starts over at month 0: unpinned kept runs are cleared, pinned ones stay, and the
current run stays too if it was pinned. Every failure is turned into a message for the
page; the traceback goes to the server's log only.

The session also holds what the critical-mass meter shows: the precomputed S-curve for
the settings (:mod:`.meter_cache`), the room's experiment when it ran at these settings
(:mod:`simulator.studies.room`), and the latest forecast of the current run
(:mod:`simulator.studies.forecast`).
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import EducationModel
from ..scenario import Scenario, ScenarioError
from ..studies.forecast import ForecastResult
from .controls import (
    Controls,
    ScenarioCatalogue,
    control_specs,
    controls_from_scenario,
    overrides_for,
    run_label,
    validate_controls,
)
from .meter_cache import CacheStatus, MeterCache, SettingsCurve, load_cache, variant_key

__all__ = ["DashboardSession", "RunHistory", "SERIES", "MAX_KEPT_RUNS", "PALETTE"]

logger = logging.getLogger(__name__)

#: Indicators kept month by month for the charts and the CSV export.
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
#: How many runs are kept on the charts besides the current one.
MAX_KEPT_RUNS = 8
#: One hue per run (Okabe & Ito's colour-blind-safe palette, yellow replaced by darker
#: hues; distinct on a projector). The current run takes the first hue no kept run has.
PALETTE: tuple[str, ...] = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#6a3d9a",
    "#e69f00",
    "#56b4e9",
    "#8c564b",
    "#222222",
)


@dataclass
class RunHistory:
    """Indicator series of one run, one value a month (month 0 is the initial state).

    Attributes:
        label: description shown in legends and exports (e.g. ``25/yr, teacher-led, seed 1``).
        run_id: number of the run in its session.
        colour: the run's hue.
        controls: the controls it ran with.
        pinned: kept through *Reset*.
        months: months of the values.
        values: indicator name -> values, aligned with ``months``.
        rows: every indicator of every month (for forecasts and exports).
        forecasts: month -> the meter's P(transformed) forecast from that month.
    """

    label: str
    run_id: int = 0
    colour: str = PALETTE[0]
    controls: Controls | None = None
    pinned: bool = False
    months: list[int] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in SERIES})
    rows: list[dict[str, Any]] = field(default_factory=list, repr=False)
    forecasts: dict[int, float] = field(default_factory=dict)

    def append(self, month: int, indicators: dict[str, Any]) -> None:
        """Record one month."""
        self.months.append(int(month))
        self.rows.append(dict(indicators))
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
        specs: bounds of the numeric controls for this scenario.
        model: the running model.
        history: this run's indicator series.
        kept: kept runs, oldest first (at most :data:`MAX_KEPT_RUNS`).
        message: the last problem to show in the page, or None.
        notice: a passing remark (a run that could not be kept, ...), or None.
        failed: the current run raised while stepping (playing stops).
        generation: increases whenever a new model is built (views rebuild on change).
        runs_version: increases whenever the kept runs change.
        forecast: the latest forecast of the current run, or None.
        forecast_pending: a forecast of the current run has been asked for.
        room: the room's experiment (a ``RoomUpdate``), or None.
        room_key: the settings the room's experiment ran at.
        lock: held while the model is built or stepped.
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
        self.notice: str | None = None
        self.failed = False
        self.generation = 0
        self.runs_version = 0
        self.kept: list[RunHistory] = []
        self._next_id = 1
        self.forecast: ForecastResult | None = None
        self.forecast_pending = False
        self.room: Any = None
        self.room_key: tuple[str, str] | None = None
        self._caches: dict[str, tuple[MeterCache | None, CacheStatus]] = {}
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
        self.specs = control_specs(self.scenario)
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

    @property
    def earlier(self) -> list[RunHistory]:
        """The kept runs (the name the views used before runs could be pinned)."""
        return self.kept

    def overrides(self) -> dict[str, Any]:
        """The scenario overrides of the controls in force."""
        return overrides_for(self.controls, self.base, self.scenario)

    def _free_colour(self) -> str:
        used = {run.colour for run in self.kept}
        return next((c for c in PALETTE if c not in used), PALETTE[len(self.kept) % len(PALETTE)])

    def _keep(self, run: RunHistory) -> bool:
        """Add a run to the kept ones, dropping the oldest unpinned when full."""
        if len(self.kept) >= MAX_KEPT_RUNS:
            unpinned = [r for r in self.kept if not r.pinned]
            if not unpinned:
                self.notice = (
                    f"{MAX_KEPT_RUNS} runs are pinned: unpin one to keep more. "
                    f"Not kept: {run.label}"
                )
                return False
            self.kept.remove(unpinned[0])
        self.kept.append(run)
        self.runs_version += 1
        return True

    def _build(self, scenario: Scenario, keep: bool = True) -> None:
        model = EducationModel(
            scenario=scenario, seed=self.controls.seed, agents=False, collect=False
        )
        if keep and getattr(self, "history", None) is not None and len(self.history.months) > 1:
            self._keep(self.history)
        self.model = model
        self.configured = scenario
        self.history = RunHistory(
            run_label(self.controls, self.base),
            run_id=self._next_id,
            colour=self._free_colour(),
            controls=self.controls,
        )
        self._next_id += 1
        self.history.append(model.month, model.indicators())
        self.failed = False
        self.forecast = None
        self.forecast_pending = False
        self.generation += 1

    def set_controls(self, **changes: Any) -> bool:
        """Validate new control values and, if they hold, start a new run with them.

        Args:
            **changes: control name -> value as received from the page.

        Returns:
            True when a new run was built; False when a value was refused (see
            :attr:`message`) or nothing changed.
        """
        with self.lock:
            controls, problems = validate_controls(
                self.controls, changes, self.catalogue.names(), self.specs
            )
            if problems:
                self.message = "; ".join(problems)
                return False
            if controls == self.controls:
                self.message = None
                return False
            scenario, base, specs = self.scenario, self.base, self.specs
            if controls.scenario != self.controls.scenario:
                try:
                    scenario = self.catalogue.load(controls.scenario)
                except ScenarioError as exc:
                    self.message = exc.render()
                    return False
                base = controls_from_scenario(scenario, controls.scenario, controls.seed)
                specs = control_specs(scenario)
                # a new scenario brings its own lever values; only the seed carries over
                controls = base
            try:
                overrides = overrides_for(controls, base, scenario)
                configured = scenario.with_overrides(overrides, source="dashboard controls")
                previous = (self.controls, self.base)
                self.controls, self.base = controls, base
                try:
                    self._build(configured)
                except Exception:
                    self.controls, self.base = previous
                    raise
            except ScenarioError as exc:
                self.message = exc.render()
                return False
            except Exception as exc:  # noqa: BLE001 - the page must show it, not crash
                logger.exception("dashboard: could not build the model")
                self.message = f"Could not build the model: {type(exc).__name__}: {exc}"
                return False
            self.scenario, self.specs = scenario, specs
            self.message = None
            return True

    def reset(self) -> None:
        """Start over at month 0 with the current settings.

        Unpinned kept runs are cleared; pinned runs stay; the current run stays too
        when it is pinned (the same seed replays the same run, so an unpinned current
        run is simply replaced).
        """
        with self.lock:
            try:
                overrides = overrides_for(self.controls, self.base, self.scenario)
                configured = self.scenario.with_overrides(overrides, source="dashboard controls")
                current = self.history
                self.kept = [run for run in self.kept if run.pinned]
                if current.pinned and len(current.months) > 1:
                    self._keep(current)
                self.runs_version += 1
                self._build(configured, keep=False)
                self.message = None
            except Exception as exc:  # noqa: BLE001
                logger.exception("dashboard: could not reset")
                self.message = f"Could not reset: {type(exc).__name__}: {exc}"

    def find_run(self, run_id: int) -> RunHistory | None:
        """The kept or current run with this id."""
        if self.history.run_id == run_id:
            return self.history
        return next((run for run in self.kept if run.run_id == run_id), None)

    def pin(self, run_id: int, pinned: bool = True) -> bool:
        """Pin (or unpin) a kept run or the current one, so that *Reset* keeps it."""
        with self.lock:
            run = self.find_run(run_id)
            if run is None:
                return False
            run.pinned = bool(pinned)
            self.runs_version += 1
            return True

    def remove(self, run_id: int) -> bool:
        """Drop a kept run from the charts."""
        with self.lock:
            run = next((r for r in self.kept if r.run_id == run_id), None)
            if run is None:
                return False
            self.kept.remove(run)
            self.runs_version += 1
            return True

    def clear_earlier(self) -> None:
        """Forget the kept runs that are not pinned."""
        with self.lock:
            self.kept = [run for run in self.kept if run.pinned]
            self.runs_version += 1

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

    # -- the meter ------------------------------------------------------------------

    def _cache(self) -> tuple[MeterCache | None, CacheStatus]:
        name = self.controls.scenario
        if name not in self._caches:
            path = self.catalogue.path_of(name)
            if path is None:
                self._caches[name] = (
                    None,
                    CacheStatus(False, f"no precomputed S-curve for {name} (not a scenario file)"),
                )
            else:
                try:
                    self._caches[name] = load_cache(path, self.scenario)
                except Exception as exc:  # noqa: BLE001 - the meter says so; the page lives
                    logger.exception("dashboard: meter cache")
                    self._caches[name] = (None, CacheStatus(False, f"S-curve cache: {exc}"))
        return self._caches[name]

    def settings_key(self) -> tuple[str, str]:
        """The settings other than the cohort size (what an S-curve is valid for)."""
        return self.controls.scenario, variant_key(self.overrides())

    def settings_curve(self) -> tuple[SettingsCurve | None, str]:
        """The S-curve for the settings on screen and where it came from, or why none.

        The room's experiment at these settings wins over the precomputed study (it is
        the newer one and what the room just watched).
        """
        room = self.room
        if room is not None and self.room_key == self.settings_key() and room.fit is not None:
            curve = SettingsCurve.from_tipping(room.fit, self.overrides(), room.seeds, "room experiment")
            return curve, "the room's experiment"
        cache, status = self._cache()
        if cache is None:
            return None, status.message
        curve = cache.curve_for(self.overrides())
        if curve is None:
            return None, (
                "no S-curve for these settings yet (precomputed: the scenario's own settings "
                "and the other placement); run the room's experiment"
            )
        return curve, "precomputed"

    def forecast_token(self) -> tuple[int, int]:
        """Identifies the run and month a forecast is for."""
        return self.generation, self.month

    def apply_forecast(self, token: tuple[int, int], result: ForecastResult) -> bool:
        """Record a forecast if it is for the current run; False when it came too late."""
        with self.lock:
            if token[0] != self.generation:
                return False
            self.history.forecasts[int(result.month)] = float(result.p)
            if self.forecast is None or result.month >= self.forecast.month:
                self.forecast = result
            if token[1] >= self.month:
                self.forecast_pending = False
            return True

    # -- exports --------------------------------------------------------------------

    def runs_table(self) -> Any:
        """Kept runs and the current one as one long table (a row per run and month)."""
        import pandas as pd

        frames = []
        for run in [*self.kept, self.history]:
            frame = pd.DataFrame({key: run.values[key] for key in SERIES})
            frame.insert(0, "year", np.asarray(run.months) / 12.0)
            frame.insert(0, "month", run.months)
            frame["p_transformed_forecast"] = [run.forecasts.get(m, np.nan) for m in run.months]
            controls = run.controls.as_dict() if run.controls is not None else {}
            for position, (key, value) in enumerate(
                [
                    ("run", run.run_id),
                    ("label", run.label),
                    ("current", run is self.history),
                    ("pinned", run.pinned),
                    ("colour", run.colour),
                    *controls.items(),
                ]
            ):
                frame.insert(position, key, value)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def runs_csv(self) -> str:
        """:meth:`runs_table` as CSV text."""
        buffer = io.StringIO()
        self.runs_table().to_csv(buffer, index=False, float_format="%.6g")
        return buffer.getvalue()


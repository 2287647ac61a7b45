"""The workshop dashboard: a Solara page around :class:`simulator.model.EducationModel`.

Serve it with ``clsim dashboard`` (or ``solara run simulator.dashboard.app``). Every
browser tab gets its own :class:`~simulator.dashboard.session.DashboardSession`, views
and :class:`~simulator.dashboard.scheduler.TabWorker` (``solara.use_memo`` in
:func:`Page`, which runs once per tab's kernel), so two people in the room never drive
the same model.

Layout (one screen, no scrolling, at 1366x768 and up): a bar of run controls on top;
the network (left) and the critical-mass meter (right) below it; along the bottom the
learning-and-engagement chart, with tabs for the leverage points and the room's
experiment, and the legend of kept runs beside it. The levers sit in a column on the
left, or, in presenter mode, in a drawer opened from the bar, so that the views get the
whole screen in type large enough for the back of a room.

Clicks and slider moves do not run the model in the page's message thread: they go to
the tab's worker, which coalesces control changes (the last value wins), limits its
queue and runs heavy work in the server's shared compute slot, where the projected tab
goes first (see :mod:`.scheduler`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from typing import Any

import solara
from solara.alias import rv

from .controls import CONVENING_LABELS, PLACEMENT_LABELS, SEED_MAX, ControlSpec
from .forecasts import ForecastRequest, get_service, pack_model
from .scheduler import GATE, TabWorker
from .session import MAX_KEPT_RUNS, DashboardSession
from .views import DashboardViews
from .widgets import DownloadButton

__all__ = [
    "Page",
    "Layout",
    "Dashboard",
    "ControlPanel",
    "RunBar",
    "Readouts",
    "RunsLegend",
    "Lever",
    "SPEEDS",
    "TabState",
    "is_local_request",
]

logger = logging.getLogger(__name__)

#: Play speeds: label -> seconds between months.
SPEEDS: dict[str, float] = {"Slow": 0.6, "Normal": 0.25, "Fast": 0.05}
#: Seeds per lever value of the room's experiment, and its time budget in seconds.
ROOM_SEEDS = int(os.environ.get("CLSIM_ROOM_SEEDS", "4"))
ROOM_BUDGET = float(os.environ.get("CLSIM_ROOM_BUDGET", "45"))
#: Cohort values the room's experiment sweeps (evenly spaced over the slider's range).
ROOM_VALUES = 13

CSS = """
html, body { margin: 0; overflow: hidden; }
.clsim-root { height: 100vh; box-sizing: border-box; display: flex; flex-direction: column;
  padding: 6px 10px 8px 10px; font-size: 15px; background: #eef1f4; overflow: hidden; }
.clsim-root * { box-sizing: border-box; }
.clsim-topbar { display: flex; flex-wrap: nowrap; align-items: center; gap: 8px;
  flex: 0 0 auto; min-height: 44px; white-space: nowrap; }
.clsim-topbar .v-btn { text-transform: none; letter-spacing: normal; padding: 0 12px !important; }
.clsim-topbar .v-input--switch { margin: 0; padding: 0; flex: 0 0 auto; }
.clsim-topbar .v-input--selection-controls__input { margin-right: 4px; }
.clsim-title { font-size: 1.25em; font-weight: 600; margin: 0 8px 0 0; overflow: hidden;
  text-overflow: ellipsis; flex: 1 1 auto; min-width: 0; }
.clsim-spacer { flex: 1 1 auto; min-width: 0; }
.clsim-month { font-variant-numeric: tabular-nums; display: inline-block; min-width: 11.2em;
  text-align: center; flex: 0 0 auto; }
.clsim-complete { font-weight: 600; color: #2a7d46; }
.clsim-body { flex: 1 1 auto; min-height: 0; display: flex; gap: 10px; margin-top: 6px; }
.clsim-controls-col { flex: 0 0 300px; min-height: 0; overflow-y: auto; background: white;
  border-radius: 6px; padding: 6px 12px; }
.clsim-grid { flex: 1 1 auto; min-width: 0; min-height: 0; display: grid; gap: 8px;
  grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
  grid-template-rows: minmax(0, 56fr) minmax(0, 44fr); }
.clsim-cell { min-width: 0; min-height: 0; overflow: hidden; display: flex;
  flex-direction: column; background: white; border-radius: 6px; padding: 4px 8px; }
.clsim-cell-charts { grid-column: 1 / span 2; flex-direction: row; gap: 10px; }
.clsim-chartpane { flex: 1 1 auto; min-width: 0; min-height: 0; display: flex;
  flex-direction: column; }
.clsim-fig { flex: 1 1 0; min-height: 0; min-width: 0; overflow: hidden; }
.clsim-hidden { display: none !important; }
.clsim-tabs { display: flex; gap: 4px; flex: 0 0 auto; align-items: center; }
.clsim-tabs .v-btn { text-transform: none; letter-spacing: normal; }
.clsim-legendpane { flex: 0 0 30%; min-width: 0; min-height: 0; overflow-y: auto;
  border-left: 1px solid #e3e6ea; padding-left: 8px; }
.clsim-legend-title { font-weight: 600; color: #333; }
.clsim-run { display: flex; align-items: center; gap: 6px; margin: 2px 0; line-height: 1.2; }
.clsim-run-swatch { flex: 0 0 auto; width: 1.6em; height: 0.35em; border-radius: 2px; }
.clsim-run-label { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.clsim-run .v-btn { min-width: 0 !important; }
.clsim-readouts-box, .clsim-month-box { flex: 0 0 auto; min-height: 0; }
.clsim-readouts { display: flex; gap: 8px; }
.clsim-readout { flex: 1 1 0; min-width: 0; padding: 1px 8px; border-radius: 6px;
  background: #f5f7fa; display: flex; align-items: baseline; gap: 0.35em; }
.clsim-readout .clsim-value { font-size: 1.3em; font-weight: 600; flex: 0 0 auto;
  font-variant-numeric: tabular-nums; }
.clsim-readout .clsim-label { color: #555; font-size: 0.8em; min-width: 0;
  overflow-wrap: anywhere; line-height: 1.1; }
.clsim-note { color: #666; font-size: 0.85em; }
.clsim-help { color: #666; font-size: 0.8em; margin: 0 0 4px 0; }
.clsim-lever { margin-top: 6px; }
.clsim-lever-row { display: flex; align-items: center; justify-content: space-between;
  gap: 8px; }
.clsim-slider-label { color: #333; }
.clsim-number { flex: 0 0 5.6em; max-width: 5.6em; margin: 0 !important; padding: 0 !important; }
.clsim-number input { text-align: right; font-variant-numeric: tabular-nums; }
.clsim-section { font-weight: 600; margin-top: 10px; color: #333; }
.clsim-chart-title { font-weight: 500; color: #222; margin: 2px 0 2px 2px; }
.clsim-legend { color: #444; }
.clsim-tooltip { background: rgba(255, 255, 255, 0.95); border: 1px solid #ccc;
  border-radius: 4px; padding: 4px 8px; font-size: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.15);
  z-index: 5; }
.clsim-choices .v-btn { text-transform: none; letter-spacing: normal; }
.clsim-drawer .v-navigation-drawer__content { padding: 8px 16px; }
.clsim-presenter { font-size: 21px; }
.clsim-presenter .clsim-topbar .v-btn { height: 44px !important; font-size: 19px !important; }
.clsim-presenter .clsim-topbar .v-label { font-size: 19px !important; }
.clsim-presenter .clsim-tabs .v-btn { font-size: 18px !important; height: 36px !important; }
.clsim-presenter .clsim-run .v-btn { height: 34px !important; width: 34px !important; }
.clsim-drawer.clsim-big .v-label, .clsim-drawer.clsim-big .v-btn,
.clsim-drawer.clsim-big .v-select__selection, .clsim-drawer.clsim-big input,
.clsim-drawer.clsim-big .clsim-slider-label, .clsim-drawer.clsim-big .clsim-section {
  font-size: 19px !important; }
.clsim-drawer.clsim-big .v-btn { height: 40px !important; }
.clsim-drawer.clsim-big .clsim-help { font-size: 15px; }
"""


def _new_session() -> DashboardSession:
    return DashboardSession()


def is_local_request() -> bool:
    """Whether this tab was opened on the server's own machine (the one on the projector).

    Judged by the ``Host`` header of the page request: participants who connect through
    ``--host`` reach the server by its network address, the facilitator's own browser by
    ``localhost``. Outside a server (tests) the tab counts as local.
    """
    try:
        from solara.lab import headers

        value = headers.value or {}
    except Exception:  # noqa: BLE001 - no request context
        return True
    host = (value.get("host") or value.get("Host") or [""])[0].lower()
    if not host:
        return True
    name = host.rsplit(":", 1)[0].strip("[]")
    return name in {"localhost", "127.0.0.1", "::1"}


class TabState:
    """The reactive state of one tab, created once per tab.

    Plain :func:`solara.reactive` objects (not ``use_reactive`` in the root), so that only
    the components that read a value re-render when it changes: a step re-renders the
    bar and the readouts, never the whole page.
    """

    def __init__(self) -> None:
        self.tick = solara.reactive(0)  # every month shown
        self.built = solara.reactive(0)  # every new model, control change or change of the runs
        self.finished = solara.reactive(False)  # the run reached its end
        self.panel = solara.reactive(0)  # the levers' ranges or values were reset (new scenario)
        self.playing = solara.reactive(False)
        self.speed = solara.reactive("Normal")
        self.presenter = solara.reactive(False)
        self.drawer = solara.reactive(False)
        self.tab = solara.reactive("learning")
        self.room_running = solara.reactive(False)


class _Actions:
    """What the page's buttons and sliders do; created once per tab.

    Args:
        session: the tab's session.
        views: its views.
        state: its reactive state.
        inline: run every job at once in the caller's thread (tests); otherwise jobs go
            to the tab's worker thread.
    """

    def __init__(
        self,
        session: DashboardSession,
        views: DashboardViews,
        state: TabState,
        inline: bool = False,
    ):
        self.session = session
        self.views = views
        self.state = state
        self.inline = inline
        self.local = is_local_request()
        self.kernel = _kernel_context()
        self.worker = TabWorker(GATE, name=f"clsim-tab-{id(self):x}")
        self.tab_id = f"{id(self):x}"
        self.scenario_names = session.catalogue.names()
        self.room_cancel: threading.Event | None = None
        self.forecasts = get_service()
        self.levers: dict[str, Lever] = {
            name: Lever(
                name,
                spec,
                getattr(session.controls, name),
                self.change,
                testid="cohort-input" if name == "cohort_size" else None,
            )
            for name, spec in session.specs.items()
        }
        self.csv_button = DownloadButton(
            session.runs_csv,
            "clsim-runs.csv",
            "text/csv",
            label="CSV",
            hint="Download the kept runs and the current one as CSV",
        )
        self._built_key: tuple = ()
        self.render_context: Any = None

    # -- plumbing ------------------------------------------------------------------

    def ui_lock(self) -> Any:
        """The tab's kernel lock (held while the server handles a browser message).

        A job takes it only to update widgets and re-render (never while it steps or
        builds a model), so that its updates never interleave with the browser's own
        updates of the same widgets and the tab's messages are not held up meanwhile.
        """
        from contextlib import nullcontext

        return self.kernel.lock if self.kernel is not None else nullcontext()

    def _submit(self, kind: str, fn: Callable[[], Any], key: str | None = None, compute: bool = True) -> bool:
        if self.inline:
            fn()
            return True
        return self.worker.submit(kind, fn, key=key, compute=compute)

    def refresh(self) -> None:
        """Bring the views up to date and re-render what depends on the month.

        The control panel and the legend of runs re-render only when a model was built
        or the runs changed (a step re-renders only the bar and the readouts).
        """
        with self.ui_lock():
            self._refresh()

    def _refresh(self) -> None:
        self.views.sync()
        key = (
            self.session.generation,
            self.session.runs_version,
            self.session.message,
            self.session.notice,
        )
        with self.batch():  # one render pass for every reactive set here
            if key != self._built_key:
                self._built_key = key
                self.state.built.set(self.state.built.value + 1)
            if self.session.finished != self.state.finished.value:
                self.state.finished.set(self.session.finished)
            self.state.tick.set(self.state.tick.value + 1)

    def batch(self) -> Any:
        """Group state changes into one render pass (Reacton's render context)."""
        from contextlib import nullcontext

        return self.render_context if self.render_context is not None else nullcontext()

    def set_priority(self) -> None:
        """The projected tab: presenter mode on the server's own machine."""
        self.worker.priority = bool(self.state.presenter.value and self.local)

    # -- controls ------------------------------------------------------------------

    def change(self, name: str, value: Any) -> None:
        """A control moved: build the model for it (the last value wins).

        Nothing is re-rendered here: the slider and its box already show the value in
        the browser (see :class:`Lever`).
        """
        self._submit("control", lambda: self._apply(name, value), key=f"control:{name}")

    def _force(self, names: list[str]) -> None:
        """Show the values in force on these levers (a refused value, a new scenario)."""
        controls, specs = self.session.controls, self.session.specs
        for name in names:
            lever = self.levers.get(name)
            if lever is not None:
                lever.set_spec(specs[name])
                lever.show(getattr(controls, name))

    def _apply(self, name: str, value: Any) -> None:
        self.worker.set_ticker(None)
        scenario = self.session.controls.scenario
        self.session.set_controls(**{name: value})
        self.forecasts.cancel(self.tab_id)
        with self.ui_lock():
            self.state.playing.set(False)
            if self.session.message:  # refused: the slider snaps back to the value in force
                self._force([name])
            elif self.session.controls.scenario != scenario:  # a new scenario's own values
                self._force(list(self.session.specs))
                self.state.panel.set(self.state.panel.value + 1)
            self._refresh()
        self._maybe_forecast()

    # -- running -------------------------------------------------------------------

    def step(self, months: int) -> None:
        """Step the run (refused when two steps are already waiting)."""
        self._submit("step", lambda: self._step(months))

    def _step(self, months: int) -> None:
        self.session.step(months)
        self.refresh()
        self._maybe_forecast()

    def reset(self) -> None:
        """Start over at month 0 (pinned runs stay)."""
        self.state.playing.set(False)
        self.worker.set_ticker(None)
        self._submit("reset", self._reset, key="reset")

    def _reset(self) -> None:
        self.session.reset()
        self.forecasts.cancel(self.tab_id)
        with self.ui_lock():
            self.state.playing.set(False)
            self._refresh()
        self._maybe_forecast()

    def play(self, on: bool) -> None:
        """Start or stop playing (the worker steps while its queue is empty)."""
        self.state.playing.set(bool(on))
        if self.inline:
            return
        if on:
            self.worker.set_ticker(self._tick, SPEEDS.get(self.state.speed.value, 0.25))
        else:
            self.worker.set_ticker(None)

    def set_speed(self, speed: str) -> None:
        """Change the play speed (takes effect at the next month)."""
        self.state.speed.set(speed)
        if self.state.playing.value:
            self.play(True)

    def _tick(self) -> bool:
        session = self.session
        if not self.state.playing.value or session.finished or session.failed:
            with self.ui_lock():
                self.state.playing.set(False)
            return False
        self._step(1)
        if session.finished:
            with self.ui_lock():
                self.state.playing.set(False)
            return False
        return True

    # -- runs ----------------------------------------------------------------------

    def pin(self, run_id: int, pinned: bool) -> None:
        """Pin or unpin a run."""
        self._submit("view", lambda: (self.session.pin(run_id, pinned), self.refresh()), compute=False)

    def remove(self, run_id: int) -> None:
        """Remove a kept run."""
        self._submit("view", lambda: (self.session.remove(run_id), self.refresh()), compute=False)

    # -- the meter's forecasts -----------------------------------------------------

    def _maybe_forecast(self) -> None:
        """Ask for a forecast at every year mark, and whenever a paused run moved on."""
        session = self.session
        if session.finished or session.failed:
            session.forecast_pending = False
            return
        month = session.month
        last = session.forecast.month if session.forecast is not None else None
        playing = self.state.playing.value
        if month == 0:
            curve, _ = session.settings_curve()
            wanted = curve is None and not playing
        elif month % 12 == 0:
            wanted = last != month
        else:
            wanted = not playing and (last is None or month - last >= 6)
        if not wanted:
            return
        with session.lock:
            packed = pack_model(session.model)
            history = list(session.history.rows)
            token = session.forecast_token()
            session.forecast_pending = True
        self.forecasts.request(
            ForecastRequest(
                tab=self.tab_id,
                model=packed,
                history=history,
                steps=session.steps,
                priority=self.worker.priority,
                token=token,
                callback=self._forecast_done,
            )
        )
        with self.ui_lock():
            self.views.sync_meter()

    def _forecast_done(self, req: ForecastRequest, result: Any, error: str | None) -> None:
        def apply() -> None:
            if result is not None:
                self.session.apply_forecast(req.token, result)
            else:
                self.session.forecast_pending = False
                self.session.notice = f"The meter's forecast failed: {error}"
            with self.ui_lock():
                self.views.sync_meter()

        self._submit("forecast", apply, key="forecast", compute=False)

    # -- the room's experiment ---------------------------------------------------------

    def room_values(self) -> list[int]:
        """Cohort values of the room's experiment: the slider's range in equal steps."""
        import numpy as np

        top = int(self.session.specs["cohort_size"].maximum)
        return list(dict.fromkeys(int(round(v)) for v in np.linspace(0, top, ROOM_VALUES)))

    def toggle_room(self) -> None:
        """Start the room's experiment at the settings on screen, or stop it."""
        if self.state.room_running.value:
            if self.room_cancel is not None:
                self.room_cancel.set()
            return
        from ..studies.room import room_experiment
        from ..sweep.executors import ProcessExecutor

        session = self.session
        with session.lock:
            scenario = session.configured.with_overrides({"recruit.cohort_size": 0})
            key = session.settings_key()
        values = self.room_values()
        digest = hashlib.sha256(f"{scenario.content_hash()}{values}{ROOM_SEEDS}".encode()).hexdigest()[:16]
        out = _room_dir() / digest
        cancel = threading.Event()
        self.room_cancel = cancel
        self.state.room_running.set(True)
        self.state.tab.set("room")
        session.room, session.room_key = None, key
        self.views.sync_room()
        workers = int(os.environ.get("CLSIM_ROOM_WORKERS", "1"))

        def on_update(update: Any) -> None:
            def show() -> None:
                session.room = update
                with self.ui_lock():
                    self.views.sync_room()

            self._submit("room", show, key="room", compute=False)

        def run() -> None:
            executor = ProcessExecutor(workers) if workers > 0 else None
            try:
                room_experiment(
                    out,
                    scenario,
                    values,
                    seeds=ROOM_SEEDS,
                    budget=ROOM_BUDGET,
                    executor=executor,
                    on_update=on_update,
                    cancel=cancel,
                )
            except Exception as exc:  # noqa: BLE001 - shown on the page
                logger.exception("dashboard: the room's experiment failed")
                session.notice = f"The room's experiment stopped: {type(exc).__name__}: {exc}"
            finally:
                if executor is not None:
                    executor.close()
                def done() -> None:
                    with self.ui_lock():
                        self.state.room_running.set(False)

                self._submit("room", done, key="room-done", compute=False)
                self._submit("room", self.refresh, key="room-refresh", compute=False)

        if self.inline:
            run()
        else:
            threading.Thread(target=run, name="clsim-room", daemon=True).start()


def _kernel_context() -> Any:
    """The current tab's kernel context, or None outside a server (tests)."""
    try:
        from solara.server import kernel_context

        if kernel_context.has_current_context():
            return kernel_context.get_current_context()
    except Exception:  # noqa: BLE001 - no server
        pass
    return None


_ROOM_DIR: tempfile.TemporaryDirectory | None = None


def _room_dir() -> Any:
    """This server process's folder for the room's experiments (deleted at exit)."""
    from pathlib import Path

    global _ROOM_DIR
    if _ROOM_DIR is None:
        _ROOM_DIR = tempfile.TemporaryDirectory(prefix="clsim-room-")
    return Path(_ROOM_DIR.name)


class Lever:
    """One numeric control as plain widgets: a label, a number box, a slider, a help line.

    Made once per tab and displayed as is, outside Reacton's reconciliation: Reacton
    re-applies every property of every element on each render pass, which pushed the
    slider's value back to the browser while arrow keys were still being pressed (the
    thumb jumped back, issue 15). The server sets the value only through :meth:`show`
    (a refused value snaps back, a new scenario brings its own). In the browser the box
    mirrors the slider and the slider the box (``ipywidgets.jslink``), so the value is
    always shown without a round trip. The slider reports on release and on each arrow
    key, the box on Enter or when it loses focus; both go through the page's coalescing
    path, so the model is built once for the last value.

    Args:
        name: control name.
        spec: its bounds and step.
        value: the value to show first.
        on_value: called as ``on_value(name, new_value)`` for every change in the browser.
        testid: ``data-testid`` of the number box.
    """

    def __init__(
        self,
        name: str,
        spec: ControlSpec,
        value: Any,
        on_value: Callable[[str, Any], None],
        testid: str | None = None,
    ):
        import ipyvuetify as v
        import ipywidgets

        self.name = name
        self.box = v.TextField(
            v_model=str(value),
            type="number",
            dense=True,
            hide_details=True,
            outlined=True,
            class_=f"clsim-number clsim-number-{name}",
            attributes={
                "data-testid": testid or f"{name.replace('_', '-')}-input",
                "aria-label": spec.label,
            },
        )
        self.slider = v.Slider(
            v_model=value,
            hide_details=True,
            class_=f"clsim-control clsim-control-{name}",
            attributes={"aria-label": spec.label},
        )
        self.label = v.Html(tag="div", class_="clsim-slider-label", children=[spec.label])
        self.help = v.Html(tag="div", class_="clsim-help", children=[spec.help])
        row = v.Html(tag="div", class_="clsim-lever-row", children=[self.label, self.box])
        self.root = v.Html(
            tag="div", class_=f"clsim-lever clsim-lever-{name}", children=[row, self.slider, self.help]
        )
        self.set_spec(spec)
        self.link = ipywidgets.jslink((self.slider, "v_model"), (self.box, "v_model"))
        self.slider.on_event("change", lambda _w, _e, data: on_value(name, data))
        self.box.on_event("change", lambda _w, _e, data: on_value(name, data))

    def set_spec(self, spec: ControlSpec) -> None:
        """The bounds and step of the control (they follow the scenario)."""
        self.slider.min, self.slider.max, self.slider.step = spec.minimum, spec.maximum, spec.step
        attributes = dict(self.box.attributes or {})
        attributes.update({"min": spec.minimum, "max": spec.maximum, "step": spec.step})
        self.box.attributes = attributes

    def show(self, value: Any) -> None:
        """Make the browser show this value (sent even if the server's copy has it)."""
        self.slider.v_model = value
        self.box.v_model = str(value)
        self.slider.send_state("v_model")
        self.box.send_state("v_model")

    @property
    def value(self) -> Any:
        """What the browser last reported (or the server last showed)."""
        return self.slider.v_model


@solara.component
def ControlPanel(act: _Actions):
    """Scenario, seed and the strategy levers (the levers are :class:`Lever` widgets)."""
    state = act.state
    _ = state.panel.value  # re-rendered only for a new scenario
    controls = act.session.controls
    on_change = act.change

    def lever(name: str) -> None:
        solara.display(act.levers[name].root)

    with solara.Column(gap="2px", classes=["clsim-controls"]):
        solara.Select(
            label="Scenario",
            values=act.scenario_names,
            value=controls.scenario,
            on_value=lambda v: on_change("scenario", v),
            classes=["clsim-control-scenario"],
        )
        solara.InputInt(
            label=f"Seed (0 to {SEED_MAX})",
            value=controls.seed,
            on_value=lambda v: on_change("seed", v),
            classes=["clsim-control-seed"],
        )
        solara.HTML(tag="div", unsafe_innerHTML="1. Recruit", classes=["clsim-section"])
        lever("cohort_size")
        lever("recruit_years")
        with solara.Row(classes=["clsim-control-placement", "clsim-choices"]):
            solara.ToggleButtonsSingle(
                value=controls.placement,
                on_value=lambda v: on_change("placement", v),
                children=[
                    solara.Button(label, value=key) for key, label in PLACEMENT_LABELS.items()
                ],
            )
        solara.HTML(tag="div", unsafe_innerHTML="2. Develop", classes=["clsim-section"])
        lever("coaching")
        solara.HTML(tag="div", unsafe_innerHTML="3. Connect", classes=["clsim-section"])
        lever("alumni_network")
        solara.HTML(
            tag="div", unsafe_innerHTML="4. Convene: teacher collectives", classes=["clsim-section"]
        )
        with solara.Row(classes=["clsim-control-convening", "clsim-choices"]):
            solara.ToggleButtonsSingle(
                value=controls.convening,
                on_value=lambda v: on_change("convening", v),
                children=[
                    solara.Button(label, value=key) for key, label in CONVENING_LABELS.items()
                ],
            )
        lever("meetings_per_year")
        solara.HTML(tag="div", unsafe_innerHTML="Comparator", classes=["clsim-section"])
        lever("technical")


@solara.component
def RunBar(act: _Actions):
    """Play, step, reset, speed and presenter mode, with the month always in one place.

    Re-rendered when a run is built or ends, when play starts or stops and when presenter
    mode changes; the month itself is a widget updated by the views every month.
    """
    state = act.state
    session = act.session
    _ = state.built.value
    _ = state.finished.value
    playing = state.playing.value
    presenter = state.presenter.value
    with solara.Div(classes=["clsim-topbar"]):
        if presenter:
            solara.Button(
                "Controls",
                icon_name="mdi-tune",
                on_click=lambda: state.drawer.set(not state.drawer.value),
                classes=["clsim-drawer-button"],
                attributes={"data-testid": "controls-drawer"},
            )
        else:
            solara.HTML(
                tag="div",
                unsafe_innerHTML="Collective leadership in education",
                classes=["clsim-title"],
            )
        solara.Button(
            "Pause" if playing else "Play",
            icon_name="mdi-pause" if playing else "mdi-play",
            on_click=lambda: act.play(not state.playing.value),
            color="primary",
            disabled=session.finished and not playing,
            classes=["clsim-pause" if playing else "clsim-play"],
            attributes={"data-testid": "play-button"},
        )
        solara.Button(
            "Step",
            icon_name="mdi-step-forward",
            on_click=lambda: act.step(1),
            disabled=playing or session.finished,
            classes=["clsim-step"],
            attributes={"data-testid": "step-button"},
        )
        solara.Button(
            "+1 year",
            icon_name="mdi-fast-forward",
            on_click=lambda: act.step(12),
            disabled=playing or session.finished,
            classes=["clsim-step-year"],
        )
        solara.Button(
            "Reset",
            icon_name="mdi-restart",
            on_click=act.reset,
            classes=["clsim-reset"],
            attributes={"data-testid": "reset-button"},
        )
        solara.ToggleButtonsSingle(
            value=state.speed.value,
            on_value=act.set_speed,
            values=list(SPEEDS),
            dense=True,
            classes=["clsim-speed"],
        )
        with solara.Div(classes=["clsim-month-box"]):
            solara.display(act.views.text.month)
        if presenter:
            solara.HTML(tag="span", unsafe_innerHTML="", classes=["clsim-spacer"])
        solara.Button(
            "Presenter",
            icon_name="mdi-projector-screen" if presenter else "mdi-projector-screen-outline",
            on_click=lambda: _set_presenter(act, not state.presenter.value),
            outlined=not presenter,
            color="primary" if presenter else None,
            classes=["clsim-presenter-switch"],
            attributes={
                "data-testid": "presenter-toggle",
                "aria-pressed": "true" if presenter else "false",
                "title": "Presenter mode: large type, levers in a drawer",
            },
        )


def _set_presenter(act: _Actions, on: bool) -> None:
    act.state.presenter.set(on)
    act.state.drawer.set(False)
    act.set_priority()
    act.views.set_presenter(on)


@solara.component
def Readouts(act: _Actions):
    """Headline numbers of the current month (a widget the views update)."""
    with solara.Div(classes=["clsim-readouts-box"]):
        solara.display(act.views.text.readouts)


@solara.component
def RunsLegend(act: _Actions):
    """Every run on the chart: its hue, its label, pin and remove; and the CSV download."""
    _ = act.state.built.value
    session = act.session
    runs = [*session.kept, session.history]
    with solara.Div(classes=["clsim-legendpane"], attributes={"data-testid": "runs-legend"}):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"Runs ({len(session.kept)} kept of {MAX_KEPT_RUNS})",
                classes=["clsim-legend-title"],
            )
            with solara.Div(attributes={"data-testid": "runs-csv"}):
                solara.display(act.csv_button)
        for run in reversed(runs):
            current = run is session.history
            with solara.Div(
                classes=["clsim-run"] + (["clsim-run-current"] if current else []),
                attributes={"data-run": str(run.run_id)},
            ):
                solara.HTML(
                    tag="span",
                    unsafe_innerHTML="",
                    classes=["clsim-run-swatch"],
                    style=f"background: {run.colour}; height: {'0.5em' if current else '0.3em'}",
                )
                solara.HTML(
                    tag="span",
                    unsafe_innerHTML=("<b>now:</b> " if current else "") + run.label,
                    classes=["clsim-run-label"],
                )
                solara.Button(
                    icon_name="mdi-pin" if run.pinned else "mdi-pin-outline",
                    icon=True,
                    small=True,
                    on_click=lambda r=run: act.pin(r.run_id, not r.pinned),
                    classes=["clsim-pin"] + (["clsim-pinned"] if run.pinned else []),
                    attributes={"title": "Unpin" if run.pinned else "Pin: keep through Reset"},
                )
                if not current:
                    solara.Button(
                        icon_name="mdi-close",
                        icon=True,
                        small=True,
                        on_click=lambda r=run: act.remove(r.run_id),
                        classes=["clsim-remove"],
                        attributes={"title": "Remove this run"},
                    )


@solara.component
def Message(act: _Actions):
    """The last problem, if any."""
    _ = act.state.built.value
    text = act.session.message or act.session.notice
    if text:
        solara.Error(text, classes=["clsim-message"], dense=True)


@solara.component
def FigureSlot(widget: Any, classes: list[str], testid: str = ""):
    """Show a figure widget that the views update in place.

    A component of its own whose arguments never change, so re-rendering the page never
    re-mounts the figure in the browser (which would redraw it from scratch).
    """
    with solara.Div(classes=["clsim-fig", *classes], attributes={"data-testid": testid} if testid else {}):
        solara.display(widget)


@solara.component
def ChartTabs(act: _Actions):
    """Which chart the bottom pane shows, and the room's experiment button."""
    state = act.state
    current = state.tab.value
    running = state.room_running.value
    with solara.Div(classes=["clsim-tabs"]):
        for key, label in (
            ("learning", "Learning & engagement"),
            ("leverage", "Leverage points"),
            ("room", "Room's experiment"),
        ):
            solara.Button(
                label,
                on_click=lambda k=key: state.tab.set(k),
                text=current != key,
                outlined=current == key,
                small=True,
                classes=[f"clsim-tab-{key}"],
            )
        solara.HTML(tag="span", unsafe_innerHTML="", classes=["clsim-spacer"])
        solara.Button(
            "Stop the experiment" if running else "Run the room's experiment",
            icon_name="mdi-stop" if running else "mdi-chart-bell-curve-cumulative",
            on_click=act.toggle_room,
            small=True,
            color="primary" if not running else None,
            outlined=running,
            classes=["clsim-room-button"],
            attributes={
                "data-testid": "room-experiment",
                "title": "Sweep the cohort size over seeds at these settings and fit the S-curve",
            },
        )


@solara.component
def ChartPane(act: _Actions, views: DashboardViews):
    """The bottom pane: tabs and the three charts (only the chosen one visible)."""
    tab = act.state.tab.value
    with solara.Div(classes=["clsim-chartpane"]):
        ChartTabs(act)
        for key, widget, testid in (
            ("learning", views.timeseries.widget, "learning-chart"),
            ("leverage", views.leverage.widget, "leverage-chart"),
            ("room", views.room.widget, "room-experiment-chart"),
        ):
            FigureSlot(
                widget,
                [f"clsim-{key}"] + ([] if tab == key else ["clsim-hidden"]),
                testid,
            )


@solara.component
def Dashboard(session: DashboardSession, views: DashboardViews, inline: bool = False):
    """The whole dashboard for one session (used by :func:`Page` and by tests).

    Args:
        session: the tab's session.
        views: its views.
        inline: run every action at once in the caller's thread (tests without a
            server); otherwise actions go to the tab's worker thread.
    """
    state = solara.use_memo(TabState, [])
    act = solara.use_memo(lambda: _Actions(session, views, state, inline=inline), [])
    if act.render_context is None:
        import reacton.core

        act.render_context = reacton.core.get_render_context(required=False)
    solara.use_effect(lambda: act.worker.close, [])
    presenter = state.presenter.value
    root = ["clsim-root"] + (["clsim-presenter"] if presenter else [])
    solara.Style(CSS)
    with solara.Div(classes=root):
        RunBar(act)
        Message(act)
        with solara.Div(classes=["clsim-body"]):
            if not presenter:
                with solara.Div(classes=["clsim-controls-col"]):
                    ControlPanel(act)
            with solara.Div(classes=["clsim-grid"]):
                with solara.Div(classes=["clsim-cell", "clsim-cell-network"]):
                    FigureSlot(views.network.widget, ["clsim-network"], "network-view")
                    if views.network.note:
                        solara.HTML(tag="div", unsafe_innerHTML=views.network.note, classes=["clsim-note"])
                with solara.Div(classes=["clsim-cell", "clsim-cell-meter"]):
                    FigureSlot(views.meter.widget, ["clsim-critical-mass"], "critical-mass-meter")
                    Readouts(act)
                with solara.Div(classes=["clsim-cell", "clsim-cell-charts"]):
                    ChartPane(act, views)
                    RunsLegend(act)
        if presenter:
            with rv.NavigationDrawer(
                v_model=state.drawer.value,
                on_v_model=state.drawer.set,
                temporary=True,
                fixed=True,
                width=460,
                class_="clsim-drawer clsim-big",
                attributes={"data-testid": "controls-panel"},
            ):
                if state.drawer.value:  # built when opened: a smaller page to reconcile
                    solara.Button(
                        "Close",
                        icon_name="mdi-close",
                        text=True,
                        on_click=lambda: state.drawer.set(False),
                        classes=["clsim-drawer-close"],
                    )
                    ControlPanel(act)


@solara.component
def Layout(children: list = []):  # noqa: B006 - Solara's layout signature
    """The page without Solara's app bar and its scrolling content panel."""
    return solara.Div(children=children)


@solara.component
def Page():
    """The page Solara serves; one session and one set of views per browser tab."""
    session = solara.use_memo(_new_session, [])
    views = solara.use_memo(lambda: DashboardViews(session), [])
    solara.Title("clsim workshop dashboard")
    Dashboard(session, views)

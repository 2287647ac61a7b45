"""The workshop dashboard: a Solara page around :class:`simulator.model.EducationModel`.

Serve it with ``clsim dashboard`` (or ``solara run simulator.dashboard.app``). Every
browser tab gets its own :class:`~simulator.dashboard.session.DashboardSession` and
views (``solara.use_memo`` in :func:`Page`, which runs once per tab's kernel), so two
people in the room never drive the same model.

Layout: controls on the left (scenario, seed, the levers of the four strategies and a
technical programme); on the right the run controls, the network, the critical-mass
meter and headline numbers, then learning and engagement over time and the four
groups of leverage points. Earlier runs stay faint on the charts. Presenter mode makes
everything large enough to read from the back of a room.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import solara
import solara.lab
from solara.alias import rv

from .controls import (
    CONTROL_SPECS,
    CONVENING_LABELS,
    PLACEMENT_LABELS,
    SEED_MAX,
    Controls,
    ControlSpec,
)
from .session import DashboardSession
from .views import DashboardViews

__all__ = ["Page", "Dashboard", "ControlPanel", "RunBar", "Readouts", "LeverSlider", "SPEEDS"]

logger = logging.getLogger(__name__)

#: Play speeds: label -> seconds between months.
SPEEDS: dict[str, float] = {"Slow": 0.6, "Normal": 0.25, "Fast": 0.05}

CSS = """
.clsim-root { font-size: 15px; }
.clsim-root .clsim-title { font-size: 1.35em; font-weight: 600; margin: 0; }
.clsim-root .clsim-month { font-size: 1.1em; font-variant-numeric: tabular-nums; }
.clsim-root .clsim-readout { padding: 6px 10px; border-radius: 6px; background: #f5f7fa;
  margin: 4px 0; }
.clsim-root .clsim-readout .clsim-value { font-size: 1.6em; font-weight: 600;
  font-variant-numeric: tabular-nums; }
.clsim-root .clsim-readout .clsim-label { color: #555; }
.clsim-root .clsim-note { color: #666; font-size: 0.85em; }
.clsim-root .clsim-help { color: #666; font-size: 0.8em; margin: -6px 0 6px 0; }
.clsim-root .clsim-slider-label { color: #333; margin-top: 6px; }
.clsim-root .clsim-section { font-weight: 600; margin-top: 10px; color: #333; }
.clsim-root .clsim-chart-title { font-weight: 500; color: #222; margin: 2px 0 4px 2px; }
.clsim-root .clsim-legend { color: #444; }
.clsim-root .clsim-tooltip { background: rgba(255, 255, 255, 0.95); border: 1px solid #ccc;
  border-radius: 4px; padding: 4px 8px; font-size: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.15);
  z-index: 5; }
.clsim-root .clsim-figure { background: white; border-radius: 6px; padding: 6px; }
.clsim-presenter { font-size: 22px; }
.clsim-presenter .v-label, .clsim-presenter .v-btn, .clsim-presenter .v-select__selection,
.clsim-presenter input { font-size: 22px !important; }
.clsim-presenter .v-btn { height: 48px !important; }
.clsim-presenter .clsim-readout .clsim-value { font-size: 2.4em; }
.clsim-presenter .clsim-help { display: none; }
.clsim-presenter .clsim-slider-label, .clsim-presenter .clsim-section { font-size: 20px; }
"""


def _new_session() -> DashboardSession:
    return DashboardSession()


@solara.component
def LeverSlider(name: str, value: float, on_value: Callable[[str, Any], None]):
    """A slider that reports its value on release, so dragging builds one model, not fifty.

    Args:
        name: control name (a key of :data:`CONTROL_SPECS`).
        value: current value.
        on_value: called as ``on_value(name, new_value)`` when the thumb is released.
    """
    spec: ControlSpec = CONTROL_SPECS[name]
    # the label sits above the track, so a long label never squeezes the slider
    solara.HTML(tag="div", unsafe_innerHTML=spec.label, classes=["clsim-slider-label"])
    slider = rv.Slider(
        v_model=value,
        min=spec.minimum,
        max=spec.maximum,
        step=spec.step,
        thumb_label="always" if spec.integer else True,
        hide_details=True,
        class_=f"clsim-control clsim-control-{name} mt-5",
    )

    def on_change(_widget: Any, _event: str, data: Any) -> None:
        on_value(name, data)

    rv.use_event(slider, "change", on_change)
    solara.HTML(tag="div", unsafe_innerHTML=spec.help, classes=["clsim-help"])


@solara.component
def ControlPanel(
    controls: Controls, scenario_names: list[str], on_change: Callable[[str, Any], None]
):
    """Scenario, seed and the strategy levers.

    A component re-renders only when an argument changes; ``controls`` is a frozen
    dataclass, so stepping the model never re-renders the panel.

    Args:
        controls: the controls in force (shown).
        scenario_names: what the scenario picker offers.
        on_change: called as ``on_change(name, value)`` for every user change.
    """
    c = controls
    with solara.Column(gap="4px", classes=["clsim-controls"]):
        solara.Select(
            label="Scenario",
            values=scenario_names,
            value=c.scenario,
            on_value=lambda v: on_change("scenario", v),
            classes=["clsim-control-scenario"],
        )
        solara.InputInt(
            label=f"Seed (0 to {SEED_MAX})",
            value=c.seed,
            on_value=lambda v: on_change("seed", v),
            classes=["clsim-control-seed"],
        )
        solara.HTML(tag="div", unsafe_innerHTML="1. Recruit", classes=["clsim-section"])
        LeverSlider("cohort_size", c.cohort_size, on_change)
        LeverSlider("recruit_years", c.recruit_years, on_change)
        with solara.Row(classes=["clsim-control-placement"]):
            solara.ToggleButtonsSingle(
                value=c.placement,
                on_value=lambda v: on_change("placement", v),
                children=[
                    solara.Button(label, value=key) for key, label in PLACEMENT_LABELS.items()
                ],
            )
        solara.HTML(tag="div", unsafe_innerHTML="2. Develop", classes=["clsim-section"])
        LeverSlider("coaching", c.coaching, on_change)
        solara.HTML(tag="div", unsafe_innerHTML="3. Connect", classes=["clsim-section"])
        LeverSlider("alumni_network", c.alumni_network, on_change)
        solara.HTML(
            tag="div", unsafe_innerHTML="4. Convene: teacher collectives", classes=["clsim-section"]
        )
        with solara.Row(classes=["clsim-control-convening"]):
            solara.ToggleButtonsSingle(
                value=c.convening,
                on_value=lambda v: on_change("convening", v),
                children=[
                    solara.Button(label, value=key) for key, label in CONVENING_LABELS.items()
                ],
            )
        LeverSlider("meetings_per_year", c.meetings_per_year, on_change)
        solara.HTML(tag="div", unsafe_innerHTML="Comparator", classes=["clsim-section"])
        LeverSlider("technical", c.technical, on_change)


@solara.component
def RunBar(
    session: DashboardSession,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    presenter: solara.Reactive[bool],
    on_step: Callable[[int], None],
    on_reset: Callable[[], None],
    on_clear: Callable[[], None],
    revision: int = 0,
):
    """Play, pause, step, reset, speed and presenter mode, with the month shown."""
    month, steps = session.month, session.steps
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        if playing.value:
            solara.Button(
                "Pause",
                icon_name="mdi-pause",
                on_click=lambda: playing.set(False),
                color="primary",
                classes=["clsim-pause"],
            )
        else:
            solara.Button(
                "Play",
                icon_name="mdi-play",
                on_click=lambda: playing.set(True),
                color="primary",
                disabled=session.finished,
                classes=["clsim-play"],
            )
        solara.Button(
            "Step",
            icon_name="mdi-step-forward",
            on_click=lambda: on_step(1),
            disabled=playing.value or session.finished,
            classes=["clsim-step"],
        )
        solara.Button(
            "+1 year",
            icon_name="mdi-fast-forward",
            on_click=lambda: on_step(12),
            disabled=playing.value or session.finished,
            classes=["clsim-step-year"],
        )
        solara.Button("Reset", icon_name="mdi-restart", on_click=on_reset, classes=["clsim-reset"])
        solara.Button(
            "Clear earlier runs",
            on_click=on_clear,
            text=True,
            classes=["clsim-clear"],
            disabled=not session.earlier,
        )
        solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), dense=True)
        solara.Switch(label="Presenter mode", value=presenter, classes=["clsim-presenter-switch"])
        solara.HTML(
            tag="span",
            unsafe_innerHTML=(
                f"Year {month // 12}, month {month % 12} &nbsp;·&nbsp; "
                f'<span class="clsim-month-count">{month}</span>/{steps} months'
                + (" &nbsp;·&nbsp; <b>run complete</b>" if session.finished else "")
            ),
            classes=["clsim-month"],
        )


@solara.component
def FigureSlot(widget: Any, classes: list[str]):
    """Show a figure widget that the views update in place.

    A component of its own whose arguments never change, so re-rendering the page
    (every step) never re-mounts the figure in the browser, which would redraw it from
    scratch; the views send only what changed.
    """
    with solara.Div(classes=classes):
        solara.display(widget)


def _readout(label: str, value: str, key: str) -> None:
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="clsim-value">{value}</div><div class="clsim-label">{label}</div>'
        ),
        classes=["clsim-readout", f"clsim-readout-{key}"],
    )


@solara.component
def Readouts(session: DashboardSession, revision: int = 0):
    """Headline numbers of the current month."""
    h = session.history
    _readout("students at grade level", f"{h.latest('learning_mean'):.0%}", "learning")
    _readout("people engaged", f"{h.latest('engaged_share'):.0%}", "engaged")
    _readout(
        "fellows / alumni in the system",
        f"{int(h.latest('fellows_active'))} / {int(h.latest('alumni_active'))}",
        "fellows",
    )


class _Actions:
    """What the page's buttons and sliders do; created once per tab."""

    def __init__(
        self,
        session: DashboardSession,
        views: DashboardViews,
        tick: solara.Reactive[int],
        playing: solara.Reactive[bool],
    ):
        self.session = session
        self.views = views
        self.tick = tick
        self.playing = playing
        self.scenario_names = session.catalogue.names()
        # bound once, so every render passes the very same callables
        self.change = self._change
        self.step = self._step
        self.reset = self._reset
        self.clear = self._clear

    def refresh(self) -> None:
        self.views.sync()
        self.tick.set(self.tick.value + 1)

    def _change(self, name: str, value: Any) -> None:
        self.session.set_controls(**{name: value})
        self.refresh()

    def _step(self, months: int) -> None:
        self.session.step(months)
        self.refresh()

    def _reset(self) -> None:
        self.playing.set(False)
        self.session.reset()
        self.refresh()

    def _clear(self) -> None:
        self.session.clear_earlier()
        self.refresh()


@solara.component
def Dashboard(session: DashboardSession, views: DashboardViews):
    """The whole dashboard for one session (used by :func:`Page` and by tests).

    Args:
        session: the tab's session.
        views: its views.
    """
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("Normal")
    presenter = solara.use_reactive(False)
    shown_presenter = solara.use_reactive(False)
    # one set of handlers for the tab's life: children whose arguments do not change are
    # not re-rendered, and a fresh closure every render would count as a change
    act = solara.use_memo(lambda: _Actions(session, views, tick, playing), [])

    def play_loop() -> None:
        # runs in a thread while playing; the session's lock orders it with button handlers
        while playing.value:
            started = time.perf_counter()
            if session.finished or session.failed:
                playing.set(False)
                break
            act.step(1)
            pause = SPEEDS.get(speed.value, 0.25) - (time.perf_counter() - started)
            time.sleep(max(0.01, pause))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    if presenter.value != shown_presenter.value:
        views.set_presenter(presenter.value)
        shown_presenter.set(presenter.value)

    root = ["clsim-root"] + (["clsim-presenter"] if presenter.value else [])
    solara.Style(CSS)
    with solara.Column(classes=root, gap="6px", style={"padding": "8px 14px"}):
        with solara.Row(style={"align-items": "baseline", "justify-content": "space-between"}):
            solara.HTML(
                tag="h1",
                unsafe_innerHTML="Collective leadership in an education system",
                classes=["clsim-title"],
            )
            solara.HTML(
                tag="span",
                unsafe_innerHTML=f"{session.n_agents:,} agent slots · seed {session.controls.seed}",
                classes=["clsim-note"],
            )
        RunBar(session, playing, speed, presenter, act.step, act.reset, act.clear, tick.value)
        if session.message:
            solara.Error(session.message, classes=["clsim-message"])
        with solara.Columns([3, 9], gutters_dense=True):
            with solara.Card(margin=0, classes=["clsim-panel"]):
                ControlPanel(session.controls, act.scenario_names, act.change)
            with solara.Column(gap="6px"):
                with solara.Columns([8, 4], gutters_dense=True):
                    with solara.Column(gap="0px"):
                        FigureSlot(views.network.widget, ["clsim-figure", "clsim-network"])
                        if views.network.note:
                            solara.HTML(
                                tag="div",
                                unsafe_innerHTML=views.network.note,
                                classes=["clsim-note"],
                            )
                    with solara.Column(gap="4px", classes=["clsim-side"]):
                        FigureSlot(
                            views.critical_mass.widget, ["clsim-figure", "clsim-critical-mass"]
                        )
                        Readouts(session, tick.value)
                with solara.Columns([6, 6], gutters_dense=True):
                    FigureSlot(views.timeseries.widget, ["clsim-figure", "clsim-timeseries"])
                    FigureSlot(views.leverage.widget, ["clsim-figure", "clsim-leverage"])


@solara.component
def Page():
    """The page Solara serves; one session and one set of views per browser tab."""
    session = solara.use_memo(_new_session, [])
    views = solara.use_memo(lambda: DashboardViews(session), [])
    solara.Title("clsim workshop dashboard")
    Dashboard(session, views)

"""The dashboard's pictures: the network, the runs over time, leverage, the meter, the room.

Each view owns one canvas widget (:mod:`.widgets`). A view is *rebuilt* when a new
model is built (positions, which agents and ties are drawn, the kept runs) and
*updated* after every step, when only what changed goes to the browser: node colours
and sizes and tie states as small binary buffers, the current run's lines, the meter's
reading. That keeps a step with every view redrawn under 100 ms at 2,000 agents
(``benchmarks/bench_dashboard.py``).

Above :data:`MAX_NODES` agent slots the network is thinned: every principal, official,
fellow and alumnus is kept and teachers and parents are sampled (with a fixed
generator, so the same people are drawn throughout a run); at most :data:`MAX_EDGES`
ties are drawn, chosen in a fixed random order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import EducationModel
from ..roles import ROLE_NAMES, Role
from .positions import GroupLayout, group_positions
from .session import DashboardSession, RunHistory
from .widgets import CurveChart, HtmlText, LineChart, Meter, NetworkCanvas

__all__ = [
    "NetworkView",
    "TimeSeriesView",
    "LeverageView",
    "MeterView",
    "RoomView",
    "short_labels",
    "DashboardViews",
    "select_nodes",
    "node_colours",
    "MAX_NODES",
    "MAX_EDGES",
    "COLOURS",
]

#: Agent slots drawn at most; above this the network picture is thinned.
MAX_NODES = 3000
#: Ties drawn at most.
MAX_EDGES = 8000

COLOURS = {
    "learning": "#1f5fa8",
    "engaged": "#e4671b",
    "trust": "#2a9d5c",
    "purpose": "#7b3fa0",
    "power": "#d1495b",
    "learning_group": "#1f77b4",
    "delivery": "#8c8c8c",
}
# Unengaged agents: pale grey (no purpose) to slate blue (full purpose);
# engaged agents: light orange to deep orange, also by purpose.
_IDLE = (np.array([223, 228, 234]), np.array([96, 122, 158]))
_ENGAGED = (np.array([247, 178, 103]), np.array([182, 59, 0]))
LEVERAGE = (
    ("leverage_purpose", "Purpose", COLOURS["purpose"]),
    ("leverage_power", "Power", COLOURS["power"]),
    ("leverage_learning", "Learning", COLOURS["learning_group"]),
    ("leverage_delivery", "Delivery", COLOURS["delivery"]),
)
# symbol codes understood by static/network.js
_CIRCLE, _TRIANGLE, _DIAMOND, _SQUARE = 0, 1, 2, 3
SYMBOLS = {
    Role.TEACHER: _CIRCLE,
    Role.PARENT: _CIRCLE,
    Role.PRINCIPAL: _TRIANGLE,
    Role.FELLOW: _DIAMOND,
    Role.ALUMNUS: _DIAMOND,
    Role.OFFICIAL: _SQUARE,
}
LEGEND = [
    ["engaged", "#e4671b", "circle"],
    ["not engaged", "#8fa3bf", "circle"],
    ["fellow / alumnus", "#777", "diamond"],
    ["principal", "#777", "triangle"],
    ["official", "#777", "square"],
]


def _font_size(presenter: bool) -> int:
    return 22 if presenter else 14


def select_nodes(role: NDArray[np.int8], max_nodes: int, seed: int = 0) -> NDArray[np.int64]:
    """Agents to draw: all when few, else every non-teacher/parent and a sample of the rest.

    Args:
        role: role of every agent slot.
        max_nodes: most agents to draw.
        seed: generator seed of the sample (fixed, so a run draws the same people).

    Returns:
        Sorted indices of the agents to draw.
    """
    n = role.size
    if n <= max_nodes:
        return np.arange(n)
    common = np.isin(role, [int(Role.TEACHER), int(Role.PARENT)])
    keep = np.flatnonzero(~common)
    room = max(0, max_nodes - keep.size)
    pool = np.flatnonzero(common)
    rng = np.random.default_rng(seed)
    sample = rng.choice(pool, size=min(room, pool.size), replace=False)
    return np.sort(np.concatenate([keep, sample]))


def node_colours(engaged: NDArray[np.bool_], purpose: NDArray[np.float64]) -> NDArray[np.uint8]:
    """RGB (n, 3) of each agent: orange shades if engaged, grey-blue otherwise, by purpose."""
    t = np.clip(purpose, 0.0, 1.0)[:, None]
    idle = _IDLE[0] + (_IDLE[1] - _IDLE[0]) * t
    hot = _ENGAGED[0] + (_ENGAGED[1] - _ENGAGED[0]) * t
    return np.where(engaged[:, None], hot, idle).round().astype(np.uint8)


@dataclass
class _Drawn:
    """What the network view draws for the current model (fixed for a run)."""

    nodes: NDArray[np.int64]
    pair_i: NDArray[np.int64]
    pair_j: NDArray[np.int64]
    entry_pair: NDArray[np.int64]
    entry_index: NDArray[np.int64]


class NetworkView:
    """The system as a network: schools as groups, agents coloured by engagement.

    Args:
        max_nodes: thinning threshold (agents drawn at most).
        max_edges: ties drawn at most.
        presenter: large type.
    """

    def __init__(
        self, max_nodes: int = MAX_NODES, max_edges: int = MAX_EDGES, presenter: bool = False
    ):
        self.max_nodes = max_nodes
        self.max_edges = max_edges
        self.presenter = presenter
        self.widget = NetworkCanvas(
            title="The system: who is engaged",
            filename="network.png",
            legend=LEGEND,
            role_names=[ROLE_NAMES[r] for r in sorted(ROLE_NAMES)],
        )
        self._drawn: _Drawn | None = None
        self._group: GroupLayout | None = None
        self._layout_key: tuple | None = None
        self.note = ""
        self.set_presenter(presenter)

    # positions depend only on the system's structure, so runs of one scenario reuse them
    def _positions(self, model: EducationModel) -> GroupLayout:
        lay = model.layout
        key = (
            lay.n_agents,
            lay.schools_per_cluster,
            lay.clusters_per_district,
            lay.n_districts,
            lay.school.tobytes(),
            lay.cluster.tobytes(),
        )
        if key != self._layout_key or self._group is None:
            self._group = group_positions(
                lay.school,
                lay.cluster,
                lay.district,
                schools_per_cluster=lay.schools_per_cluster,
                clusters_per_district=lay.clusters_per_district,
                n_districts=lay.n_districts,
            )
            self._layout_key = key
        return self._group

    def rebuild(self, model: EducationModel) -> None:
        """Draw a new model: positions, drawn agents and ties, static styling."""
        group = self._positions(model)
        role = model.layout.role
        nodes = select_nodes(role, self.max_nodes)
        net = model.network
        slot = np.full(net.n, -1, dtype=np.int64)
        slot[nodes] = np.arange(nodes.size)
        # one drawn tie per unordered pair, whatever the number of layers it is in
        upper = np.flatnonzero(
            (net.row < net.indices) & (slot[net.row] >= 0) & (slot[net.indices] >= 0)
        )
        rows = net.row[upper].astype(np.int64)
        cols = net.indices[upper].astype(np.int64)
        keys, entry_pair = np.unique(rows * net.n + cols, return_inverse=True)
        # a fixed random priority decides which ties are candidates when there are many
        order = np.random.default_rng(0).permutation(keys.size)
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        keys, entry_pair = keys[order], rank[entry_pair]
        candidates = min(keys.size, 2 * self.max_edges)
        keep_entry = entry_pair < candidates
        keys = keys[:candidates]
        self._drawn = _Drawn(
            nodes=nodes,
            pair_i=keys // net.n,
            pair_j=keys % net.n,
            entry_pair=entry_pair[keep_entry],
            entry_index=upper[keep_entry],
        )
        xy = group.xy[nodes]
        margin = 1.0
        bounds = [
            float(xy[:, 0].min() - margin),
            float(xy[:, 0].max() + margin),
            float(xy[:, 1].min() - margin),
            float(xy[:, 1].max() + margin),
        ]
        if group.cluster_centre.size:
            r = group.cluster_radius + 0.5
            bounds = [
                min(bounds[0], float(group.cluster_centre[:, 0].min() - r)),
                max(bounds[1], float(group.cluster_centre[:, 0].max() + r)),
                min(bounds[2], float(group.cluster_centre[:, 1].min() - r)),
                max(bounds[3], float(group.cluster_centre[:, 1].max() + r)),
            ]
        groups = []
        if group.cluster_centre.shape[0] <= 500:
            groups = [[float(x), float(y), group.cluster_radius] for x, y in group.cluster_centre]
        labels = []
        if group.district_centre.shape[0] <= 40:
            labels = [
                [
                    float(x),
                    float(y + group.district_radius + 0.3 * group.cluster_radius),
                    f"District {d + 1}",
                ]
                for d, (x, y) in enumerate(group.district_centre)
            ]
            bounds[3] = max(bounds[3], max(label[1] for label in labels) + 1.0)
        symbols = np.array([SYMBOLS[Role(int(r))] for r in range(len(Role))], dtype=np.uint8)
        n_drawn, n_all = nodes.size, int(net.n)
        self.note = (
            f"Showing {n_drawn:,} of {n_all:,} agent slots: every principal, official, "
            "fellow and alumnus, and a sample of teachers and parents."
            if n_drawn < n_all
            else ""
        )
        edges = np.column_stack([slot[self._drawn.pair_i], slot[self._drawn.pair_j]])
        with self.widget.hold_sync():
            self.widget.bounds = bounds
            self.widget.groups = groups
            self.widget.labels = labels
            self.widget.symbols = symbols[role[nodes]].tobytes()
            self.widget.roles = role[nodes].astype(np.uint8).tobytes()
            self.widget.schools = model.layout.school[nodes].astype("<i4").tobytes()
            self.widget.edges = edges.astype("<u4").tobytes()
            self.widget.xy = xy.astype("<f4").tobytes()
            self._send_style(model)

    def _send_style(self, model: EducationModel) -> None:
        drawn = self._drawn
        state = model.state
        nodes = drawn.nodes
        active = state.active
        engaged = state.engaged & active
        colours = node_colours(engaged[nodes], state.purpose[nodes])
        radius = np.where(active[nodes], 0.35 + 0.45 * state.reach[nodes], 0.0)

        # ties that count this month: gated weight > 0 in any layer, both ends present
        weights = model.W.data if model.W is not None else None
        if weights is not None and weights.size == model.network.indices.size:
            live_entry = weights[drawn.entry_index] > 0
        else:
            live_entry = np.ones(drawn.entry_index.size, dtype=bool)
        n_pairs = drawn.pair_i.size
        live = np.bincount(drawn.entry_pair, weights=live_entry, minlength=n_pairs) > 0
        live &= active[drawn.pair_i] & active[drawn.pair_j]
        live &= np.cumsum(live) <= self.max_edges
        tie_state = live.astype(np.uint8)
        tie_state[live & engaged[drawn.pair_i] & engaged[drawn.pair_j]] = 2

        self.widget.colors = colours.tobytes()
        self.widget.sizes = radius.astype("<f4").tobytes()
        self.widget.edge_state = tie_state.tobytes()

    def update(self, model: EducationModel) -> None:
        """Send this month's colours, sizes and ties (one message)."""
        if self._drawn is None:
            self.rebuild(model)
            return
        with self.widget.hold_sync():
            self._send_style(model)

    def set_presenter(self, presenter: bool) -> None:
        """Switch large type on or off."""
        self.presenter = presenter
        self.widget.font_size = _font_size(presenter)


def _line(key: str, years: np.ndarray, values: np.ndarray, colour: str | None = None) -> dict:
    # rounded, so a month's update stays a few kilobytes of JSON
    line = {
        "key": key,
        "x": np.round(years, 3).tolist(),
        "y": [None if not np.isfinite(v) else round(float(v), 4) for v in values],
    }
    if colour is not None:
        line["colour"] = colour
    return line


def short_labels(labels: Sequence[str]) -> list[str]:
    """The parts of each label that not every label shares (the cohort if all are shared).

    >>> short_labels(["25/yr, teacher-led, seed 1", "10/yr, teacher-led, seed 1"])
    ['25/yr', '10/yr']
    """
    parts = [label.split(", ") for label in labels]
    if len(parts) <= 1:
        return [p[0] if p else "" for p in parts]
    common = set(parts[0]).intersection(*map(set, parts[1:]))
    out = []
    for p in parts:
        own = [x for x in p if x not in common]
        out.append(", ".join(own) if own else p[0])
    return out


class _LinesView:
    """Shared machinery of the line charts: one entry per run, hue per run."""

    title = ""
    filename = "chart.png"
    y_label = ""
    #: (indicator, name, dash, colour or None) of the current run's lines.
    series: Sequence[tuple[str, str, str, str | None]] = ()
    #: Indicators drawn for kept runs.
    kept_keys: Sequence[str] = ()

    def __init__(self, presenter: bool = False):
        self.presenter = presenter
        self.widget = LineChart(
            title=self.title,
            y_label=self.y_label,
            filename=self.filename,
            series=[
                {"key": k, "name": n, "dash": d, **({"colour": c} if c else {})}
                for k, n, d, c in self.series
            ],
        )
        self._shown_months = -1
        self._shown_runs = (-1, -1)
        self._labels: dict[int, str] = {}
        self.set_presenter(presenter)

    def _band(self, session: DashboardSession) -> list:
        return []

    def _run(self, run: RunHistory, keys: Sequence[str], current: bool) -> dict:
        years = run.years()
        colours = {k: c for k, _, _, c in self.series}
        return {
            "id": run.run_id,
            "label": run.label,
            "short": self._labels.get(run.run_id, ""),
            "colour": run.colour,
            "pinned": run.pinned,
            "current": current,
            "lines": [_line(k, years, run.series(k), colours.get(k)) for k in keys],
        }

    def _relabel(self, session: DashboardSession) -> None:
        runs = [*session.kept, session.history]
        self._labels = dict(
            zip((r.run_id for r in runs), short_labels([r.label for r in runs]), strict=True)
        )

    def rebuild(self, session: DashboardSession) -> None:
        """Send the kept runs and start the current run's lines."""
        self._relabel(session)
        kept = [self._run(run, self.kept_keys, False) for run in session.kept] if self.kept_keys else []
        with self.widget.hold_sync():
            self.widget.x_max = session.steps / 12.0
            self.widget.band = self._band(session)
            self.widget.kept = kept
            self._shown_months = -1
            self._send_current(session)
        self._shown_runs = (session.generation, session.runs_version)

    def _send_current(self, session: DashboardSession) -> None:
        keys = [k for k, *_ in self.series]
        self.widget.current = [self._run(session.history, keys, True)]
        self._shown_months = len(session.history.months)

    def update(self, session: DashboardSession) -> None:
        """Extend the current run's lines to this month (and redraw the runs if they changed)."""
        if self._shown_runs != (session.generation, session.runs_version):
            self.rebuild(session)
        elif len(session.history.months) != self._shown_months:
            self._send_current(session)

    def set_presenter(self, presenter: bool) -> None:
        """Large type and thick lines on a projector."""
        self.presenter = presenter
        with self.widget.hold_sync():
            self.widget.font_size = _font_size(presenter)
            self.widget.line_width = 5.0 if presenter else 3.0
            self.widget.kept_width = 3.5 if presenter else 2.0


class TimeSeriesView(_LinesView):
    """Learning, engagement and trust over time for every run; the recruitment window shaded."""

    title = "Learning and engagement"
    filename = "learning-and-engagement.png"
    y_label = "share"
    series = (
        ("learning_mean", "students at grade level", "solid", None),
        ("engaged_share", "people engaged", "dashed", None),
        ("trust_mean", "trust", "dotted", None),
    )
    kept_keys = ("learning_mean", "engaged_share")

    def _band(self, session: DashboardSession) -> list:
        rec = session.configured.recruit
        if rec.cohort_size <= 0 or rec.end_year <= rec.start_year:
            return []
        return [float(rec.start_year), float(min(rec.end_year, session.steps / 12.0)), "recruiting"]



class LeverageView(_LinesView):
    """The four groups of leverage points (seed 000, after Meadows) of the current run."""

    title = "Leverage points"
    filename = "leverage-points.png"
    y_label = "index"
    series = tuple((key, name, "solid", colour) for key, name, colour in LEVERAGE)
    kept_keys = ()

    def _relabel(self, session: DashboardSession) -> None:
        self._labels = {}


#: Labelled bands of the meter: [from, to, colour, label].
METER_BANDS = [
    [0.0, 0.2, "#e8edf3", "unlikely"],
    [0.2, 0.8, "#fde9d9", "at the edge"],
    [0.8, 1.0, "#fbd3b5", "likely"],
]


def _pct(p: float) -> str:
    return f"{round(100 * p)}%"


class MeterView:
    """P(transformed) of the run, and its position against the critical mass."""

    def __init__(self, presenter: bool = False):
        self.presenter = presenter
        self.widget = Meter(
            title="Will it tip?  P(transformed)",
            bands=METER_BANDS,
            threshold=0.5,
            filename="critical-mass-meter.png",
        )
        self.set_presenter(presenter)

    def rebuild(self, session: DashboardSession) -> None:
        """Show the new run's first month."""
        self.update(session)

    def _reading(self, session: DashboardSession, curve) -> tuple[float, str, int]:
        from ..studies.forecast import run_outcome

        if session.finished:
            from ..analysis.tipping import Regime

            regime = Regime()
            value = run_outcome(session.history.rows, regime)
            regime_cut = float(regime.threshold)
            hit = value >= regime_cut
            verb = "ended transformed" if hit else "ended not transformed"
            return (1.0 if hit else 0.0), (
                f"This run {verb}: final-year learning {value:.2f} "
                f"({'at or above' if hit else 'below'} {regime_cut:g})"
            ), session.month
        fc = session.forecast
        if fc is not None and not fc.finished:
            year = fc.month / 12.0
            return fc.p, (
                f"{fc.transformed} of {fc.futures} model futures from year {year:.1f} end transformed"
            ), fc.month
        if curve is not None and session.month == 0:
            return (
                curve.p_at(session.controls.cohort_size),
                "at these settings, before the run starts",
                0,
            )
        if session.forecast_pending:
            return -1.0, "simulating this run's futures...", -1
        return -1.0, "no estimate yet: step the run", -1

    def update(self, session: DashboardSession) -> None:
        """This month's reading, the settings' S-curve and the critical-mass strip."""
        curve, source = session.settings_curve()
        p, caption, reading_month = self._reading(session, curve)
        cohort = session.controls.cohort_size
        top = session.specs["cohort_size"].maximum
        strip: dict = {}
        status = ""
        if curve is not None:
            settings_p = curve.p_at(cohort)
            settings = (
                f"At these settings {_pct(settings_p)} of model runs end transformed "
                f"({curve.n_runs} runs, {source})"
            )
            finite = math.isfinite(curve.critical_mass)
            interval = math.isfinite(curve.ci_low) and math.isfinite(curve.ci_high)
            if finite and curve.has_threshold:
                cm_text = f"critical mass ≈ {curve.critical_mass:.0f}/yr"
                if interval:
                    cm_text += f" (95% CI {curve.ci_low:.0f}-{curve.ci_high:.0f})"
            elif finite:
                cm_text = f"no clear threshold (midpoint ≈ {curve.critical_mass:.0f}/yr)"
            else:
                cm_text = "no critical mass in this range"
            strip = {
                "max": float(top),
                "value": float(cohort),
                "value_text": f"this run: {cohort}/yr, {curve.position(cohort)}",
                "cm": float(curve.critical_mass) if finite else None,
                "lo": float(curve.ci_low) if interval else None,
                "hi": float(curve.ci_high) if interval else None,
                "cm_text": cm_text,
            }
        else:
            settings_p = -1.0
            settings = "At these settings: not estimated"
            status = source
        with self.widget.hold_sync():
            self.widget.p = float(p)
            self.widget.reading_month = int(reading_month)
            self.widget.caption = caption
            self.widget.pending = bool(session.forecast_pending and not session.finished)
            self.widget.settings_p = float(settings_p)
            self.widget.settings_text = settings
            self.widget.strip = strip
            self.widget.status = status

    def set_presenter(self, presenter: bool) -> None:
        """Large type on a projector."""
        self.presenter = presenter
        self.widget.font_size = _font_size(presenter)


class RoomView:
    """The room's experiment: one dot per run, the fitted S-curve, the critical mass."""

    def __init__(self, presenter: bool = False):
        self.presenter = presenter
        self.widget = CurveChart(
            title="The room's experiment",
            x_label="fellows recruited a year",
            y_label="final-year learning",
            filename="room-experiment.png",
            status="Press 'Run the room's experiment' to sweep the cohort size",
        )
        self._shown: tuple = ()
        self.set_presenter(presenter)

    def update(self, session: DashboardSession) -> None:
        """Show the experiment's runs and fit so far."""
        room = session.room
        top = float(session.specs["cohort_size"].maximum)
        if room is None:
            with self.widget.hold_sync():
                self.widget.x_max = top
                self.widget.points = []
                self.widget.curve = {}
                self.widget.critical = {}
            return
        key = (id(room), room.done, room.finished, id(room.fit))
        if key == self._shown:
            return
        self._shown = key
        runs = room.runs
        lever = room.lever
        outcome = runs.columns[4] if len(runs.columns) > 4 else "final_learning"
        points = [
            [float(x), round(float(y), 4), int(t)]
            for x, y, t in zip(runs[lever], runs[outcome], runs["transformed"], strict=True)
        ]
        curve: dict = {}
        critical: dict = {}
        fit = room.fit
        if fit is not None:
            c = fit["curve"]
            xs = np.linspace(0.0, max(top, max(room.values)), 121)
            ys = c["lower"] + (c["upper"] - c["lower"]) / (1.0 + np.exp(-(xs - c["midpoint"]) / c["scale"]))
            curve = {"x": np.round(xs, 3).tolist(), "y": np.round(ys, 4).tolist()}
            cm, lo, hi = fit["critical_mass"], fit["ci_low"], fit["ci_high"]
            if math.isfinite(cm):
                text = (
                    f"critical mass ≈ {cm:.0f}/yr"
                    + (f" (95% CI {lo:.0f}-{hi:.0f})" if math.isfinite(lo) and math.isfinite(hi) else "")
                    + ("" if fit["verdict"] == "threshold" else f" · {fit['verdict']}")
                )
                critical = {
                    "cm": float(cm),
                    "lo": float(lo) if math.isfinite(lo) else None,
                    "hi": float(hi) if math.isfinite(hi) else None,
                    "text": text,
                }
        status = f"{room.done} of {room.planned} runs · {room.elapsed:.0f} s"
        if room.finished:
            status += {"budget": " · stopped at the time budget", "cancelled": " · stopped"}.get(
                room.stopped, " · done"
            )
        with self.widget.hold_sync():
            self.widget.x_max = max(top, float(max(room.values)))
            self.widget.points = points
            self.widget.curve = curve
            self.widget.critical = critical
            self.widget.cut = float(room.cut) if math.isfinite(room.cut) else None
            self.widget.status = status

    def set_presenter(self, presenter: bool) -> None:
        """Large type on a projector."""
        self.presenter = presenter
        with self.widget.hold_sync():
            self.widget.font_size = _font_size(presenter)
            self.widget.line_width = 5.0 if presenter else 3.0


class TextViews:
    """The month readout and the headline numbers, as widgets updated every month."""

    def __init__(self) -> None:
        self.month = HtmlText(class_name="clsim-month")
        self.readouts = HtmlText(class_name="clsim-readouts")

    def update(self, session: DashboardSession) -> None:
        """Show this month."""
        month, steps = session.month, session.steps
        when = "Run complete" if session.finished else f"Year {month // 12}, month {month % 12}"
        # one fixed-width label: "run complete" replaces the date, so nothing moves or wraps
        self.month.class_name = "clsim-month" + (" clsim-complete" if session.finished else "")
        self.month.html = (
            f'{when} &middot; <span class="clsim-month-count">{month}</span>/{steps}'
        )
        h = session.history
        cells = (
            ("learning", f"{h.latest('learning_mean'):.0%}", "at grade level"),
            ("engaged", f"{h.latest('engaged_share'):.0%}", "people engaged"),
            (
                "fellows",
                f"{int(h.latest('fellows_active'))} / {int(h.latest('alumni_active'))}",
                "fellows / alumni",
            ),
        )
        self.readouts.html = "".join(
            f'<div class="clsim-readout clsim-readout-{key}"><div class="clsim-value">{value}'
            f'</div><div class="clsim-label">{label}</div></div>'
            for key, value, label in cells
        )


class DashboardViews:
    """All views of one tab, kept in step with its session.

    Args:
        session: the tab's session.
        presenter: large type.
        max_nodes: network thinning threshold.
    """

    def __init__(
        self, session: DashboardSession, presenter: bool = False, max_nodes: int = MAX_NODES
    ):
        self.session = session
        self.network = NetworkView(max_nodes=max_nodes, presenter=presenter)
        self.timeseries = TimeSeriesView(presenter=presenter)
        self.leverage = LeverageView(presenter=presenter)
        self.meter = MeterView(presenter=presenter)
        self.room = RoomView(presenter=presenter)
        self.text = TextViews()
        self._generation = -1
        self.sync()

    @property
    def critical_mass(self) -> MeterView:
        """The meter (its name before it showed P(transformed))."""
        return self.meter

    def sync(self) -> None:
        """Bring every view up to the session: rebuild after a new model, else update."""
        session = self.session
        with session.lock:
            if session.generation != self._generation:
                self.network.rebuild(session.model)
                self.timeseries.rebuild(session)
                self.leverage.rebuild(session)
                self.meter.rebuild(session)
                self.room.update(session)
                self._generation = session.generation
            else:
                self.network.update(session.model)
                self.timeseries.update(session)
                self.leverage.update(session)
                self.meter.update(session)
            self.text.update(session)

    def sync_meter(self) -> None:
        """Redraw the meter only (a forecast arrived)."""
        with self.session.lock:
            self.meter.update(self.session)

    def sync_room(self) -> None:
        """Redraw the room's experiment (and the meter, whose S-curve it may provide)."""
        with self.session.lock:
            self.room.update(self.session)
            self.meter.update(self.session)

    def set_presenter(self, presenter: bool) -> None:
        """Large type on every view."""
        for view in (self.network, self.timeseries, self.leverage, self.meter, self.room):
            view.set_presenter(presenter)

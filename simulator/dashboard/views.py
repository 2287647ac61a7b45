"""The dashboard's pictures: the network, time series, leverage groups and critical mass.

Each view owns one canvas widget (:mod:`.widgets`). A view is *rebuilt* when a new
model is built (positions, which agents and ties are drawn, earlier runs as faint
lines) and *updated* after every step, when only what changed goes to the browser:
node colours and sizes and tie states as small binary buffers, the current run's lines,
the meter's value. That keeps a step with every view redrawn well under the 150 ms
budget at 2,000 agents (``benchmarks/bench_dashboard.py``).

Above :data:`MAX_NODES` agent slots the network is thinned: every principal, official,
fellow and alumnus is kept and teachers and parents are sampled (with a fixed
generator, so the same people are drawn throughout a run); at most :data:`MAX_EDGES`
ties are drawn, chosen in a fixed random order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import EducationModel
from ..roles import ROLE_NAMES, Role
from .positions import GroupLayout, group_positions
from .session import DashboardSession, RunHistory
from .widgets import Gauge, LineChart, NetworkCanvas

__all__ = [
    "NetworkView",
    "TimeSeriesView",
    "LeverageView",
    "CriticalMassView",
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
    return 22 if presenter else 13


def _scaled(height: int, presenter: bool) -> int:
    return int(height * (1.3 if presenter else 1.0))


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
        with self.widget.hold_sync():
            self.widget.font_size = _font_size(presenter)
            self.widget.height = _scaled(460, presenter)


def _line(name: str, colour: str, years: np.ndarray, values: np.ndarray) -> dict:
    # rounded, so a month's update stays a few kilobytes of JSON
    return {
        "name": name,
        "colour": colour,
        "x": np.round(years, 3).tolist(),
        "y": [None if not np.isfinite(v) else round(float(v), 4) for v in values],
    }


class _LinesView:
    """Shared machinery of the line charts: current run bold, earlier runs faint."""

    title = ""
    height = 280
    lines: Sequence[tuple[str, str, str]] = ()
    y_label = ""

    def __init__(self, presenter: bool = False):
        self.presenter = presenter
        self.widget = LineChart(title=self.title, y_label=self.y_label)
        self._shown_months = -1
        self.set_presenter(presenter)

    def _band(self, session: DashboardSession) -> list:
        return []

    def rebuild(self, session: DashboardSession) -> None:
        """Draw the earlier runs faintly and start the current run's lines."""
        earlier = [
            _line(name, colour, run.years(), run.series(key))
            for run in session.earlier
            for key, name, colour in self.lines
        ]
        with self.widget.hold_sync():
            self.widget.x_max = session.steps / 12.0
            self.widget.band = self._band(session)
            self.widget.earlier = earlier
            self._shown_months = -1
            self._send_current(session.history)

    def _send_current(self, history: RunHistory) -> None:
        years = history.years()
        self.widget.current = [
            _line(name, colour, years, history.series(key)) for key, name, colour in self.lines
        ]
        self._shown_months = len(history.months)

    def update(self, session: DashboardSession) -> None:
        """Extend the current run's lines to this month."""
        if len(session.history.months) != self._shown_months:
            self._send_current(session.history)

    def set_presenter(self, presenter: bool) -> None:
        """Switch large type on or off."""
        self.presenter = presenter
        with self.widget.hold_sync():
            self.widget.font_size = _font_size(presenter)
            self.widget.height = _scaled(self.height, presenter)
            self.widget.line_width = 4.0 if presenter else 2.5


class TimeSeriesView(_LinesView):
    """Learning, engagement and trust over time, with the recruitment window shaded."""

    title = "Learning and engagement"
    y_label = "share"
    lines = (
        ("learning_mean", "Students at grade level", COLOURS["learning"]),
        ("engaged_share", "People engaged", COLOURS["engaged"]),
        ("trust_mean", "Trust", COLOURS["trust"]),
    )

    def _band(self, session: DashboardSession) -> list:
        rec = session.configured.recruit
        if rec.cohort_size <= 0 or rec.end_year <= rec.start_year:
            return []
        return [float(rec.start_year), float(min(rec.end_year, session.steps / 12.0)), "recruiting"]


class LeverageView(_LinesView):
    """The four groups of leverage points (seed 000, after Meadows) over time."""

    title = "Leverage points"
    y_label = "index"
    lines = LEVERAGE


class CriticalMassView:
    """A meter of the critical-mass index (seed 002's six dimensions)."""

    def __init__(self, presenter: bool = False):
        self.presenter = presenter
        self.widget = Gauge(
            title="Critical mass",
            caption="leaders' scale x their reach, strength, purpose, roots and ties",
            bands=[[0.0, 0.25, "#eef1f5"], [0.25, 0.5, "#fde9d9"], [0.5, 1.0, "#fbd3b5"]],
        )
        self.set_presenter(presenter)

    def rebuild(self, session: DashboardSession) -> None:
        """Show the new run's first month."""
        self.update(session)

    def update(self, session: DashboardSession) -> None:
        """Show this month's index and its change over the last year."""
        series = session.history.values["critical_mass_index"]
        value = float(series[-1]) if series else 0.0
        reference = float(series[-13]) if len(series) > 12 else float(series[0]) if series else 0.0
        with self.widget.hold_sync():
            self.widget.value = value if np.isfinite(value) else 0.0
            self.widget.reference = reference if np.isfinite(reference) else 0.0

    def set_presenter(self, presenter: bool) -> None:
        """Switch large type on or off."""
        self.presenter = presenter
        with self.widget.hold_sync():
            self.widget.font_size = _font_size(presenter)
            self.widget.height = _scaled(190, presenter)


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
        self.critical_mass = CriticalMassView(presenter=presenter)
        self._generation = -1
        self.sync()

    def sync(self) -> None:
        """Bring every view up to the session: rebuild after a new model, else update."""
        session = self.session
        with session.lock:
            if session.generation != self._generation:
                self.network.rebuild(session.model)
                self.timeseries.rebuild(session)
                self.leverage.rebuild(session)
                self.critical_mass.rebuild(session)
                self._generation = session.generation
            else:
                self.network.update(session.model)
                self.timeseries.update(session)
                self.leverage.update(session)
                self.critical_mass.update(session)

    def set_presenter(self, presenter: bool) -> None:
        """Large type on every view."""
        for view in (self.network, self.timeseries, self.leverage, self.critical_mass):
            view.set_presenter(presenter)

"""The same model written as idiomatic Mesa: the reference the vectorised core is tested against.

Written the way an experienced Mesa user writes an agent-based model, without numpy in
the dynamics:

* every agent holds its attributes as plain Python numbers on the object;
* every agent holds its neighbours as a list of ``(agent, weight)`` pairs, built when
  the tie weights change (strategy schedules and graduations, a few times a run), plus a
  list of its collective ties;
* each month the processes run through ``AgentSet.do`` in the documented order
  (``docs/ODD.md``, section 3), each reading the start-of-process values (synchronous
  updates: an agent's new values are staged, then committed), and the per-cluster and
  per-district processes loop over Python lists.

It shares with the core only what is not dynamics: the build (layout, network, initial
attributes), the strategies' levers and the random draws (one uniform per slot and
month for careers and turnover, one for engagement, one per cluster, drawn in bulk from
the run's generator in slot order, and newcomers' attributes drawn by
``simulator.population.draw_people``), so for the same scenario and seed the two give
the same state up to floating-point rounding. ``tests/test_reference.py`` checks that,
and ``benchmarks/bench_core.py`` measures how much faster the vectorised core is than
this honest baseline.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np

from ._compat import mesa_model_kwargs
from .layout import build_layout
from .network import build_network
from .population import draw_people, initial_state
from .processes.ties import layer_exclusions, layer_gates
from .roles import AlumniTrack, OfficialLevel, Role
from .scenario import Scenario, load_scenario
from .state import CollectiveOrigin, State
from .strategies import levers_for

__all__ = ["ReferenceModel", "ReferenceAgent"]

_ATTRS = (
    "purpose", "trust", "agency", "capacity", "rootedness", "reach", "threshold", "practice",
    "learning", "purpose0", "trust0", "agency0", "potential",
)


def _clip(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def _smoothstep(trust: float, needed: float) -> float:
    x = _clip((trust - (needed - 0.1)) / 0.2)
    return x * x * (3.0 - 2.0 * x)


class ReferenceAgent(mesa.Agent):
    """A person: attributes are Python numbers, neighbours a list of agents."""

    def __init__(self, model: ReferenceModel, index: int, values: dict[str, Any]):
        super().__init__(model)
        self.index = index
        for key, value in values.items():
            setattr(self, key, value)
        self.ties: list[tuple[ReferenceAgent, float]] = []
        self.collective_ties: list[ReferenceAgent] = []
        self.staged: dict[str, Any] = {}

    # -- derived quantities ----------------------------------------------------------
    @property
    def omega(self) -> float:
        """Speaker weight (0 when absent)."""
        return (self.reach * (0.5 + 0.5 * self.rootedness)) if self.active else 0.0

    @property
    def lead(self) -> float:
        """Leadership strength."""
        return 0.5 + 0.5 * self.capacity

    @property
    def gain(self) -> float:
        """Learning above the classroom's own baseline (0 without a classroom)."""
        return self.learning - self.potential * self.model.config.population.baseline_learning if self.has_classroom else 0.0

    @property
    def left_school(self) -> bool:
        """Enabler and policy alumni have left their school."""
        return self.role == Role.ALUMNUS and self.track != AlumniTrack.DIRECT

    @property
    def support(self) -> float:
        """Institutional support of the agent's district (the state's for state officials)."""
        m = self.model
        if not m.config.mechanisms.institutional_support:
            return 0.0
        return m.support[self.district] if self.district >= 0 else m.state_support

    # -- processes (one method each, run through AgentSet.do) ------------------------
    def aggregate(self) -> None:
        """Neighbour aggregates from the start-of-month state."""
        m = self.model
        deg = sp = cnt = pw = pg = ex = 0.0
        quality = m.cluster_quality
        for j, w in self.ties:
            om = j.omega
            if om == 0.0:
                continue
            deg += w * om
            sp += w * om * j.purpose
            s = om * j.lead if j.engaged else 0.0
            cnt += w * s
            if j.has_classroom and j.active:
                pw += w * om
                pg += w * om * j.gain
            if s and self.cluster >= 0 and j.cluster >= 0 and j.cluster != self.cluster:
                ex += w * s * quality[j.cluster]
        if self.member:
            for j in self.collective_ties:
                if not j.member:
                    continue
                om = j.omega
                if om == 0.0:
                    continue
                deg += om
                sp += om * j.purpose
                if j.engaged:
                    cnt += om * j.lead
                if j.has_classroom and j.active:
                    pw += om
                    pg += om * j.gain
        self.agg_degree = deg
        self.agg_purpose = sp / deg if deg > 0 else self.purpose
        self.agg_count = cnt
        self.agg_share = cnt / deg if deg > 0 else 0.0
        self.agg_peer_gain = pg / pw if pw > 0 else 0.0
        self.agg_peer_weight = pw
        self.agg_example = ex

    def _evidence(self, peers_only: bool) -> float:
        dyn = self.model.config.dynamics
        if not self.has_classroom:
            return 0.0
        reflect = 1.0 + dyn.data_reflection_bonus * (self.c_with_data * self.c_ownership * self.c_leadership)
        if peers_only:
            gap = max(0.0, self.agg_peer_gain - self.gain) if self.agg_peer_weight > 0 else 0.0
            return gap * reflect
        peer = self.agg_peer_gain if self.agg_peer_weight > 0 else 0.0
        return max(0.0, max(self.gain, peer)) * reflect

    def beliefs(self) -> None:
        """Purpose, trust, agency (staged)."""
        if not self.active:
            return
        dyn, mech = self.model.config.dynamics, self.model.config.mechanisms
        e = 1.0 if self.engaged else 0.0
        p, t, g = self.purpose, self.trust, self.agency
        share = self.agg_share
        owned = self.member * self.c_intensity * self.c_ownership * self.c_leadership
        imposed = self.member * self.c_intensity * (1.0 - self.c_ownership)
        sustain = max(share, min(1.0, owned), self.support)
        dp = dyn.influence_rate * t * (1.0 - p) * (self.agg_purpose - p)
        dp += dyn.engaged_purpose_gain * e * share * (1.0 - p)
        dp += dyn.collective_purpose_gain * owned * g * (1.0 - p)
        if mech.peer_learning:
            dp += dyn.evidence_purpose_gain * t * self._evidence(False) * max(0.0, dyn.persuasion_ceiling - p)
        dp -= dyn.purpose_erosion * (1.0 - sustain) * (p - self.purpose0)
        dt = dyn.trust_gain * share * (1.0 - t) + dyn.collective_trust_gain * owned * (1.0 - t)
        dt -= dyn.trust_decay * (t - self.trust0)
        dg = dyn.agency_gain * e * (1.0 - g) + dyn.collective_agency_gain * owned * (1.0 - g)
        dg -= dyn.imposed_agency_cost * imposed * g
        dg -= dyn.agency_decay * (g - self.agency0)
        self.staged = {"purpose": _clip(p + dp), "trust": _clip(t + dt), "agency": _clip(g + dg)}

    def develop(self) -> None:
        """Coaching (develop strategy)."""
        m = self.model
        lv, dyn = m.levers, m.config.dynamics
        k = 0.0
        if self.role == Role.FELLOW:
            k = lv.fellow_coaching
        elif self.role == Role.ALUMNUS:
            k = lv.alumni_leadership
        elif self.school >= 0 and self.school in m.host_schools:
            k = {Role.TEACHER: lv.teacher_coaching, Role.PRINCIPAL: lv.principal_development,
                 Role.PARENT: lv.parent_development}.get(self.role, 0.0)
        if not self.active:
            k = 0.0
        self.coached = k > 0
        if not self.coached:
            return
        r = dyn.coaching_gain * k
        self.purpose = _clip(self.purpose + r * max(0.0, dyn.persuasion_ceiling - self.purpose))
        self.capacity = _clip(self.capacity + r * (1.0 - self.capacity))
        if self.has_classroom:
            reach = m.baseline_practice + (1.0 - m.baseline_practice) * (0.5 + 0.5 * self.capacity)
            self.practice = _clip(self.practice + r * max(0.0, reach - self.practice))

    def engage(self) -> None:
        """The threshold rule (staged)."""
        m = self.model
        dyn, mech = m.config.dynamics, m.config.mechanisms
        if not self.active:
            self.staged = {"engaged": False}
            return
        readiness = (self.purpose + self.agency + self.trust) / 3.0
        theta = self.threshold * (1.0 - dyn.threshold_sensitivity * readiness)
        theta *= 1.0 - dyn.support_threshold_relief * self.support
        owned = self.member * self.c_intensity * self.c_ownership * self.c_leadership
        theta *= 1.0 - dyn.collective_threshold_relief * min(1.0, owned)
        share, count = (self.agg_share, self.agg_count) if mech.contagion else (0.0, 0.0)
        need = dyn.min_support if mech.reinforcement else 0.0
        self_supported = self.role == Role.FELLOW or (mech.commitment and self.purpose >= dyn.commitment_level)
        join = (share >= theta and count >= need) or self_supported
        keep = (share >= theta - dyn.hysteresis and count >= need) or self_supported
        u = m.u_engage[self.index]
        if self.engaged:
            burnout = min(dyn.burnout, dyn.disengage_probability)
            drop = (u < burnout) if keep else (u < dyn.disengage_probability)
            self.staged = {"engaged": not drop}
        else:
            self.staged = {"engaged": join and u < dyn.engage_probability}

    def change_practice(self) -> None:
        """Practice change (staged)."""
        m = self.model
        if not (self.has_classroom and self.active):
            return
        dyn, mech, lv = m.config.dynamics, m.config.mechanisms, m.levers
        p = self.practice
        gate = _smoothstep(self.trust, dyn.practice_trust_needed) if mech.trust_gate else 1.0
        reach = m.baseline_practice + (1.0 - m.baseline_practice) * (0.5 + 0.5 * self.capacity)
        room = max(0.0, reach - p)
        own = dyn.practice_gain * (1.0 if self.engaged else 0.0)
        together = 0.0
        if mech.collective_learning and self.member:
            together = (dyn.collective_practice_gain * self.c_intensity * self.c_ownership * self.c_leadership
                        * (0.5 + 0.5 * self.c_maturity))
        change = gate * room * (own + together)
        if mech.peer_learning:
            change += min(room, dyn.peer_learning_rate * self.trust * gate * self._evidence(True))
        change += lv.technical_push * (1.0 - p)
        self.staged = {"practice": _clip(p + change)}

    def learn(self) -> None:
        """Learning follows practice within the classroom's potential."""
        m = self.model
        if not (self.has_classroom and self.active):
            return
        pop, dyn = m.config.population, m.config.dynamics
        span = pop.learning_ceiling - pop.baseline_learning
        shift = (self.practice - pop.baseline_practice) / max(1e-9, 1.0 - pop.baseline_practice)
        target = _clip(self.potential * (pop.baseline_learning + span * (shift + m.levers.technical_resources)))
        self.learning = _clip(self.learning + (target - self.learning) / dyn.learning_lag_months)

    def inertia(self) -> None:
        """Unengaged practice drifts back."""
        m = self.model
        if not (m.config.mechanisms.inertia and self.has_classroom):
            return
        pull = m.config.dynamics.inertia * (0.0 if self.engaged else 1.0) * (1.0 - self.support) * (1.0 if self.active else 0.0)
        self.practice = self.practice - pull * (self.practice - m.baseline_practice)

    def commit(self) -> None:
        """Apply the staged values of a synchronous process."""
        for key, value in self.staged.items():
            setattr(self, key, value)
        self.staged = {}


class ReferenceModel(mesa.Model):
    """The education model stepped agent by agent (see module docstring).

    Args:
        scenario: a :class:`Scenario`, a path, or None for defaults.
        seed: the run's seed.
    """

    def __init__(self, scenario: Scenario | str | None = None, *, seed: int = 0, **_: Any):
        super().__init__(**mesa_model_kwargs(seed))
        if scenario is None:
            scenario = Scenario()
        elif not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        self.config = scenario
        self.month = 0
        rng = np.random.default_rng(seed)
        self.rng_sim = rng
        self.layout = build_layout(scenario, rng)
        self.network = build_network(scenario, self.layout, rng)
        start = initial_state(scenario, self.layout, rng)
        self.baseline_practice = scenario.population.baseline_practice
        lay = self.layout
        self.n_slots = lay.n_agents
        self.n_clusters = lay.n_clusters
        self.cluster_district = [int(d) for d in lay.cluster_district]
        self.fellow_clusters = np.zeros(lay.n_clusters, dtype=bool)
        self.fellow_clusters[np.unique(lay.fellow_school // lay.schools_per_cluster)] = True
        self.has_state_level = lay.state_officials.size > 0
        self.slot_values = [self._values(start, i) for i in range(self.n_slots)]
        self.agent_at: list[ReferenceAgent | None] = [None] * self.n_slots
        for i in range(self.n_slots):
            if start.active[i]:
                self._spawn(i)
        # clusters and districts
        self.collective_on = [False] * self.n_clusters
        self.collective_origin = [CollectiveOrigin.NONE] * self.n_clusters
        self.maturity = [0.0] * self.n_clusters
        self.ownership = [0.0] * self.n_clusters
        self.support = [0.0] * lay.n_districts
        self.state_support = 0.0
        self.cluster_quality = [0.0] * self.n_clusters
        self._collective_adjacency = [
            [int(j) for j in self.network.collective.indices[self.network.collective.indptr[i]:self.network.collective.indptr[i + 1]]]
            for i in range(self.n_slots)
        ]
        self.levers = levers_for(scenario, 0, self.fellow_clusters)
        self._weights_key = None
        self._ties_dirty = True
        self.u_engage = np.zeros(self.n_slots)
        self._view_collectives(example=None)
        self._refresh_ties(force=True)

    # -- build helpers ---------------------------------------------------------------
    @staticmethod
    def _values(state: State, i: int) -> dict[str, Any]:
        values: dict[str, Any] = {a: float(getattr(state, a)[i]) for a in _ATTRS}
        for a in ("role", "track", "school", "cluster", "district", "level", "tenure", "recruit_month"):
            values[a] = int(getattr(state, a)[i])
        for a in ("active", "engaged", "has_classroom", "coached"):
            values[a] = bool(getattr(state, a)[i])
        return values

    def _spawn(self, i: int) -> ReferenceAgent:
        agent = ReferenceAgent(self, i, self.slot_values[i])
        agent.member = False
        agent.c_intensity = agent.c_ownership = agent.c_leadership = agent.c_maturity = 0.0
        agent.c_with_data = False
        self.agent_at[i] = agent
        self._ties_dirty = True
        return agent

    def _people(self) -> list[ReferenceAgent]:
        return [a for a in self.agent_at if a is not None]

    def _refresh_ties(self, force: bool = False) -> None:
        """Rebuild every agent's neighbour list when the tie weights change or people arrive."""
        key = self.levers.key()
        rebuilt = force or key != self._weights_key
        if rebuilt:
            gates = layer_gates(self.levers, self.config.network, self.config.mechanisms)
            self._W = self.network.weights(gates, layer_exclusions(self.state_view()))
            self._weights_key = key
        if not (rebuilt or self._ties_dirty):
            return
        W = self._W
        for a in self._people():
            i = a.index
            lo, hi = W.indptr[i], W.indptr[i + 1]
            a.ties = [
                (self.agent_at[int(j)], float(w))
                for j, w in zip(W.indices[lo:hi], W.data[lo:hi], strict=True)
                if self.agent_at[int(j)] is not None and w != 0.0
            ]
            a.collective_ties = [self.agent_at[j] for j in self._collective_adjacency[i] if self.agent_at[j] is not None]
        self._ties_dirty = False

    def state_view(self) -> State:
        """The reference's state as core arrays (for comparison and for tie memberships)."""
        n = self.n_slots
        cols: dict[str, Any] = {}
        for a in _ATTRS:
            cols[a] = np.array([float(getattr(self.agent_at[i], a)) if self.agent_at[i] is not None
                                else self.slot_values[i][a] for i in range(n)])
        for a, dt in (("role", np.int8), ("track", np.int8), ("school", np.int32), ("cluster", np.int32),
                      ("district", np.int32), ("level", np.int8), ("tenure", np.int32), ("recruit_month", np.int32)):
            cols[a] = np.array([getattr(self.agent_at[i], a) if self.agent_at[i] is not None else self.slot_values[i][a]
                                for i in range(n)], dtype=dt)
        for a in ("active", "engaged", "has_classroom", "coached"):
            cols[a] = np.array([getattr(self.agent_at[i], a) if self.agent_at[i] is not None else self.slot_values[i][a]
                                for i in range(n)], dtype=bool)
        return State(
            **cols,
            collective_on=np.array(self.collective_on, dtype=bool),
            collective_origin=np.array(self.collective_origin, dtype=np.int8),
            maturity=np.array(self.maturity, dtype=float),
            ownership=np.array(self.ownership, dtype=float),
            support=np.array(self.support, dtype=float),
            state_support=np.array([self.state_support]),
        )

    # -- cluster and district processes ---------------------------------------------
    def _cluster_shares(self) -> list[float]:
        total = [0] * self.n_clusters
        engaged = [0] * self.n_clusters
        for a in self._people():
            if a.cluster < 0 or not a.active:
                continue
            holder = a.has_classroom and not a.left_school
            if holder or a.role == Role.PRINCIPAL:
                total[a.cluster] += 1
                engaged[a.cluster] += int(a.engaged)
        return [e / t if t else 0.0 for e, t in zip(engaged, total, strict=True)]

    def _exposure(self, example: list[float] | None) -> list[float]:
        if example is None:
            return [0.0] * self.n_clusters
        return [1.0 - math.exp(-x) for x in example]

    def _view_collectives(self, example: list[float] | None) -> None:
        dyn, mech, lv = self.config.dynamics, self.config.mechanisms, self.levers
        shares = self._cluster_shares()
        exposure = self._exposure(example)
        core = dyn.collective_core if mech.reinforcement else 0.0
        lead = []
        for c in range(self.n_clusters):
            raw = shares[c] / max(dyn.collective_quorum, 1e-9) + (exposure[c] if mech.collectives_spread else 0.0)
            value = _clip((raw - core) / max(1.0 - core, 1e-9))
            if self.collective_on[c] and self.collective_origin[c] == CollectiveOrigin.PROGRAMME:
                value = max(value, lv.collective_facilitation)
            lead.append(value)
        self.cluster_lead = lead
        for a in self._people():
            c = a.cluster
            member = a.active and a.has_classroom and c >= 0 and not a.left_school and self.collective_on[c]
            a.member = member
            if not member:
                a.c_intensity = a.c_ownership = a.c_leadership = a.c_maturity = 0.0
                a.c_with_data = False
                continue
            programme = self.collective_origin[c] == CollectiveOrigin.PROGRAMME
            a.c_intensity = lv.collective_intensity if programme else 1.0
            a.c_ownership = 1.0 if not mech.ownership else self.ownership[c]
            a.c_leadership = lead[c]
            a.c_maturity = self.maturity[c]
            a.c_with_data = bool(lv.collective_with_data) if programme else True
        own = [1.0 if not mech.ownership else o for o in self.ownership]
        self.cluster_quality = [
            (1.0 if on else 0.0) * m * o for on, m, o in zip(self.collective_on, self.maturity, own, strict=True)
        ]

    def _update_collectives(self, u_cluster: np.ndarray) -> None:
        dyn, mech, lv = self.config.dynamics, self.config.mechanisms, self.levers
        shares = self._cluster_shares()
        example = [0.0] * self.n_clusters
        for a in self._people():
            if a.cluster >= 0:
                example[a.cluster] += getattr(a, "agg_example", 0.0)
        exposure = self._exposure(example)
        covered = lv.collective_clusters if lv.collective_clusters.size else np.zeros(self.n_clusters, dtype=bool)
        half = 0.5 * dyn.collective_quorum
        was_on = list(self.collective_on)
        for c in range(self.n_clusters):
            d = self.cluster_district[c]
            sup = self.support[d] if mech.institutional_support else 0.0
            on, origin = self.collective_on[c], self.collective_origin[c]
            u = float(u_cluster[c])
            new = False
            if on and origin == CollectiveOrigin.PROGRAMME and not covered[c]:
                if shares[c] >= half:
                    origin = CollectiveOrigin.SELF
                else:
                    on, origin = False, CollectiveOrigin.NONE
            elif on and not covered[c]:
                weak = origin == CollectiveOrigin.SELF and shares[c] < half
                if (weak or origin == CollectiveOrigin.MANDATED) and u < dyn.collective_fade_rate * (1.0 - sup):
                    on, origin = False, CollectiveOrigin.NONE
            elif not on and not covered[c]:
                p_form = (dyn.collective_formation_rate * exposure[c] * min(1.0, shares[c] / max(dyn.collective_quorum, 1e-9))
                          if mech.collectives_spread else 0.0)
                if u < p_form:
                    on, origin, new = True, CollectiveOrigin.SELF, True
                elif u < p_form + dyn.mandate_rate * sup:
                    on, origin, new = True, CollectiveOrigin.MANDATED, True
            started = False
            if covered[c]:
                started = origin != CollectiveOrigin.PROGRAMME
                on, origin = True, CollectiveOrigin.PROGRAMME
            own = self.ownership[c]
            if new or (started and not was_on[c]):
                own = shares[c]
            if on:
                target = shares[c] if origin == CollectiveOrigin.MANDATED else 1.0
                if lv.collective_mode == "imposed" and origin == CollectiveOrigin.PROGRAMME:
                    target = 0.0
                own = own + dyn.ownership_rate * (target - own)
            self.collective_on[c], self.collective_origin[c] = on, origin
            self.ownership[c] = _clip(own)
        self._view_collectives(example)
        rate = 2.0 / dyn.collective_maturity_months
        members_of: list[list[ReferenceAgent]] = [[] for _ in range(self.n_clusters)]
        for a in self._people():
            if a.member:
                members_of[a.cluster].append(a)
        for c in range(self.n_clusters):
            m = self.maturity[c]
            if self.collective_on[c]:
                own = 1.0 if not mech.ownership else self.ownership[c]
                members = members_of[c]
                lead = sum(a.c_leadership for a in members) / len(members) if members else 0.0
                f = own * lead
                self.maturity[c] = _clip(m + rate * (f * (1.0 - m) - (1.0 - f) * m))
            else:
                self.maturity[c] = _clip(m * (1.0 - 1.0 / 12.0))
        for a in self._people():
            if a.member:
                a.c_maturity = self.maturity[a.cluster]
        own = [1.0 if not mech.ownership else o for o in self.ownership]
        self.cluster_quality = [
            (1.0 if on else 0.0) * m * o for on, m, o in zip(self.collective_on, self.maturity, own, strict=True)
        ]

    def _update_support(self) -> None:
        dyn, mech = self.config.dynamics, self.config.mechanisms
        if not mech.institutional_support:
            return
        n_d = len(self.support)
        block = [[0, 0] for _ in range(n_d)]
        district = [[0, 0] for _ in range(n_d)]
        state = [0, 0]
        for a in self._people():
            if not a.active:
                continue
            if a.level == OfficialLevel.BLOCK and a.district >= 0:
                block[a.district][0] += 1
                block[a.district][1] += int(a.engaged)
            elif a.district >= 0 and (a.level == OfficialLevel.DISTRICT or (a.role == Role.ALUMNUS and a.track == AlumniTrack.POLICY)):
                district[a.district][0] += 1
                district[a.district][1] += int(a.engaged)
            elif a.level == OfficialLevel.STATE:
                state[0] += 1
                state[1] += int(a.engaged)
        for d in range(n_d):
            num = den = 0.0
            for total, engaged in (block[d], district[d]):
                if total:
                    num += engaged / total
                    den += 1.0
            if self.has_state_level:
                num += self.state_support
                den += 1.0
            target = num / den if den else 0.0
            self.support[d] = _clip(self.support[d] + dyn.support_rate * (target - self.support[d]))
        if self.has_state_level:
            share = state[1] / state[0] if state[0] else 0.0
            self.state_support = _clip(self.state_support + dyn.support_rate * (share - self.state_support))

    # -- careers and turnover --------------------------------------------------------
    def _careers(self, u_career: np.ndarray) -> tuple[bool, bool]:
        rec, pop = self.config.recruit, self.config.population
        month = self.month
        changed = graduated = False
        for i in range(self.n_slots):
            if self.slot_values[i]["recruit_month"] == month and self.agent_at[i] is None:
                agent = self._spawn(i)
                agent.active = True
                changed = True
        leave = 1.0 - rec.retention ** (1.0 / 12.0)
        reach = {AlumniTrack.DIRECT: pop.reach_alumni_direct, AlumniTrack.ENABLER: pop.reach_alumni_enabler,
                 AlumniTrack.POLICY: pop.reach_alumni_policy}
        for a in self._people():
            if not (a.active and a.role in (Role.FELLOW, Role.ALUMNUS)):
                continue
            a.tenure += 1
            if a.role == Role.FELLOW and a.tenure > rec.fellowship_months:
                a.role = Role.ALUMNUS
                a.reach = reach[AlumniTrack(a.track)]
                if a.track != AlumniTrack.DIRECT:
                    a.has_classroom = False
                graduated = True
            if u_career[a.index] < leave:
                a.active = False
                a.engaged = False
                changed = True
        return changed, graduated

    def _turnover(self, u_career: np.ndarray) -> None:
        dyn, pop, rec = self.config.dynamics, self.config.population, self.config.recruit
        annual = {Role.TEACHER: dyn.teacher_turnover, Role.PRINCIPAL: dyn.principal_turnover,
                  Role.OFFICIAL: dyn.official_turnover, Role.PARENT: dyn.parent_turnover}
        leavers = [
            a for a in self._people()
            if a.active and a.role in annual and u_career[a.index] < 1.0 - (1.0 - annual[a.role]) ** (1.0 / 12.0)
        ]
        if not leavers:
            return
        roles = np.array([a.role for a in leavers], dtype=np.int8)
        people = draw_people(roles, np.zeros(len(leavers), dtype=bool), pop, rec.selection_purpose,
                             rec.selection_capacity, self.rng_sim)
        for k, person in enumerate(leavers):
            # the slot (classroom, headship, office) stays; a new person holds it
            for name in ("purpose", "trust", "agency", "capacity", "threshold"):
                setattr(person, name, float(people[name][k]))
            person.purpose0, person.trust0, person.agency0 = person.purpose, person.trust, person.agency
            person.engaged = False
            person.coached = False
            if person.role == Role.TEACHER:
                person.practice = pop.baseline_practice

    # -- one month --------------------------------------------------------------------
    def step(self) -> None:
        """One month, agent by agent, in the documented order."""
        n = self.n_slots
        u_career = self.rng_sim.random(n)
        self.u_engage = self.rng_sim.random(n)
        u_cluster = self.rng_sim.random(self.n_clusters)
        _, graduated = self._careers(u_career)
        if self.config.mechanisms.turnover:
            self._turnover(u_career)
        self.levers = levers_for(self.config, self.month, self.fellow_clusters)
        self._update_collectives(u_cluster)
        self.host_schools = {
            a.school for a in self._people()
            if a.active and a.school >= 0 and (a.role == Role.FELLOW or (a.role == Role.ALUMNUS and a.track == AlumniTrack.DIRECT))
        }
        self._refresh_ties(force=graduated)
        people = self.agents
        people.do("aggregate")
        people.do("beliefs")
        people.do("commit")
        people.do("develop")
        people.do("engage")
        people.do("commit")
        people.do("change_practice")
        people.do("commit")
        people.do("learn")
        people.do("inertia")
        self._update_support()
        self.month += 1

"""A plain per-agent reference implementation of the monthly processes.

Written the way an experienced Mesa user would write the model without numpy tricks:
every agent loops over its ties and applies the rules to its own scalar attributes. It
shares the network, the strategies (levers) and the random draws with the vectorised
core (one uniform draw per agent and month for careers and one for engagement, from
the same generator), so for the same scenario and seed the two must give the same
state up to floating-point rounding. ``tests/test_reference.py`` checks that, and
``benchmarks/bench_core.py`` measures how much faster the vectorised core is.

Order and synchrony match the core: aggregates are read from the start-of-month state;
each process then updates every agent before the next process runs.
"""

from __future__ import annotations

import numpy as np

from .model import EducationModel
from .processes.ties import collective_status
from .roles import AlumniTrack, Role
from .strategies import levers_for

__all__ = ["ReferenceModel"]


def _clip(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


class ReferenceModel(EducationModel):
    """Same model, stepped by per-agent Python loops over Mesa agents and their ties."""

    def __init__(self, *args, **kwargs):
        kwargs["agents"] = True
        super().__init__(*args, **kwargs)

    def _agents_in_order(self):
        return [self.agent_of[i] for i in sorted(self.agent_of)]

    def step(self) -> None:  # noqa: C901 - a reference is deliberately plain
        """One month, agent by agent."""
        sc, st, month = self.config, self.state, self.month
        dyn, pop, rec = sc.dynamics, sc.population, sc.recruit
        n = st.n_agents
        u_career = self.rng_sim.random(n)
        u_engage = self.rng_sim.random(n)

        # careers (slots not yet recruited have no agent: look them up by month)
        graduated = False
        changed = []
        for i in range(n):
            if st.recruit_month[i] == month:
                st.active[i] = True
                changed.append(i)
        leave_p = 1.0 - rec.retention ** (1.0 / 12.0)
        reach_of = {
            AlumniTrack.DIRECT: pop.reach_alumni_direct,
            AlumniTrack.ENABLER: pop.reach_alumni_enabler,
            AlumniTrack.POLICY: pop.reach_alumni_policy,
        }
        for i in range(n):
            if not (st.active[i] and st.role[i] in (Role.FELLOW, Role.ALUMNUS)):
                continue
            st.tenure[i] += 1
            if st.role[i] == Role.FELLOW and st.tenure[i] > rec.fellowship_months:
                st.role[i] = Role.ALUMNUS
                st.reach[i] = reach_of[AlumniTrack(int(st.track[i]))]
                if st.track[i] != AlumniTrack.DIRECT:
                    st.has_classroom[i] = False
                graduated = True
                changed.append(i)
            if u_career[i] < leave_p:
                st.active[i] = False
                st.engaged[i] = False
                changed.append(i)
        if changed:
            self._sync_agents(np.asarray(changed))

        self.levers = levers_for(sc, month, self._fellow_clusters)
        self.collectives = collective_status(st, self.levers, self.layout.cluster_district)
        self._refresh_weights(force=graduated)
        W = self.W
        col = self.collectives
        agents = self._agents_in_order()

        # neighbour aggregates, tie by tie
        agg = {}
        for a in agents:
            i = a.index
            deg = sp_ = st_ = sa = cnt = pw = pl = 0.0
            for k in range(W.indptr[i], W.indptr[i + 1]):
                j = W.indices[k]
                w = W.data[k]
                if not st.active[j]:
                    continue
                omega = st.reach[j] * (0.5 + 0.5 * st.rootedness[j])
                deg += w * omega
                sp_ += w * omega * st.purpose[j]
                st_ += w * omega * st.trust[j]
                sa += w * omega * st.agency[j]
                if st.engaged[j]:
                    cnt += w * omega * (0.5 + 0.5 * st.capacity[j])
                if st.has_classroom[j]:
                    pw += w * omega
                    pl += w * omega * st.learning[j]
            agg[i] = (
                deg,
                sp_ / deg if deg > 0 else a.purpose,
                cnt,
                cnt / deg if deg > 0 else 0.0,
                pl / pw if pw > 0 else a.learning,
                pw,
            )

        # beliefs
        for a in agents:
            i = a.index
            _, mean_p, _, share, peer_l, peer_w = agg[i]
            led = (col.intensity[i] if col.teacher_led[i] else 0.0)
            imposed = col.intensity[i] if col.imposed[i] else 0.0
            e = 1.0 if a.engaged else 0.0
            p, t, g = a.purpose, a.trust, a.agency
            dp = dyn.influence_rate * t * (mean_p - p) + dyn.engaged_purpose_gain * e * (1 - p)
            dp += dyn.collective_purpose_gain * led * g * share * (1 - p)
            if st.has_classroom[i] and peer_w > 0:
                reflect = 1.0 + (dyn.data_reflection_bonus if (col.with_data[i] and col.teacher_led[i]) else 0.0)
                dp += dyn.evidence_purpose_gain * t * reflect * max(0.0, peer_l - a.learning) * (1 - p)
            dt = (
                dyn.trust_gain * share * (1 - t)
                + dyn.collective_trust_gain * led * (1 - t)
                - dyn.trust_decay * (t - st.trust0[i])
            )
            dg = (
                dyn.agency_gain * e * (1 - g)
                + dyn.collective_agency_gain * led * (1 - g)
                - dyn.imposed_agency_cost * imposed * g
                - dyn.agency_decay * (g - st.agency0[i])
            )
            a.purpose, a.trust, a.agency = _clip(p + dp), _clip(t + dt), _clip(g + dg)

        # development
        lv = self.levers
        hosts = set()
        for a in agents:
            i = a.index
            if (a.role == Role.FELLOW or (a.role == Role.ALUMNUS and st.track[i] == AlumniTrack.DIRECT)) and st.school[i] >= 0:
                hosts.add(int(st.school[i]))
        for a in agents:
            i = a.index
            c = 0.0
            if a.role == Role.FELLOW:
                c = lv.fellow_coaching
            elif a.role == Role.ALUMNUS:
                c = lv.alumni_leadership
            elif int(st.school[i]) in hosts:
                c = {Role.TEACHER: lv.teacher_coaching, Role.PRINCIPAL: lv.principal_development, Role.PARENT: lv.parent_development}.get(a.role, 0.0)
            st.coached[i] = c > 0
            if c > 0:
                r = dyn.coaching_gain * c
                a.purpose = _clip(a.purpose + r * max(0.0, dyn.coaching_purpose_ceiling - a.purpose))
                a.capacity = _clip(a.capacity + r * (1 - a.capacity))
                if st.has_classroom[i]:
                    a.practice = _clip(a.practice + r * (1 - a.practice))

        # engagement
        new_engaged = {}
        for a in agents:
            i = a.index
            _, _, cnt, share, _, _ = agg[i]
            readiness = (a.purpose + a.agency + a.trust) / 3
            theta = a.threshold * (1 - dyn.threshold_sensitivity * readiness) * (
                1 - dyn.rules_threshold_relief * st.rules[max(0, a.district)]
            )
            if a.purpose >= dyn.commitment_level:
                new_engaged[i] = True
            elif a.engaged:
                keep = share >= theta - dyn.hysteresis and cnt >= dyn.min_support
                new_engaged[i] = keep or not (u_engage[i] < dyn.disengage_probability)
            else:
                ok = share >= theta and cnt >= dyn.min_support
                new_engaged[i] = ok and u_engage[i] < dyn.engage_probability
        for a in agents:
            a.engaged = new_engaged[a.index]

        # practice, learning, inertia
        span = pop.learning_ceiling - pop.baseline_learning
        for a in agents:
            i = a.index
            if not st.has_classroom[i]:
                continue
            _, _, _, _, peer_l, peer_w = agg[i]
            p = a.practice
            e = 1.0 if a.engaged else 0.0
            reflect = 1.0 + (dyn.data_reflection_bonus if (col.with_data[i] and col.teacher_led[i]) else 0.0)
            visible = max(0.0, peer_l - a.learning) if peer_w > 0 else 0.0
            p_new = (
                p
                + dyn.practice_gain * e * (0.5 + a.capacity) * (1 - p)
                + dyn.peer_learning_rate * a.trust * reflect * visible
                + (dyn.collective_practice_gain * col.intensity[i] * a.agency * a.trust * (1 - p) if col.member[i] else 0.0)
                + lv.technical_push * (1 - p)
            )
            a.practice = _clip(p_new)
            target = pop.baseline_learning + span * (a.practice - pop.baseline_practice) / (1 - pop.baseline_practice)
            target = _clip(target + lv.technical_resources * span)
            a.learning = _clip(a.learning + (target - a.learning) / dyn.learning_lag_months)
        for a in agents:
            i = a.index
            pull = dyn.inertia * (0.0 if a.engaged else 1.0) * (1 - st.rules[max(0, a.district)])
            if st.has_classroom[i]:
                a.practice = a.practice - pull * (a.practice - pop.baseline_practice)
            a.purpose = a.purpose - pull * (a.purpose - st.purpose0[i])

        # officials and rules
        tally: dict[int, list[int]] = {}
        for a in agents:
            i = a.index
            if a.role == Role.OFFICIAL or (a.role == Role.ALUMNUS and st.track[i] == AlumniTrack.POLICY):
                tally.setdefault(a.district, [0, 0])
                tally[a.district][0] += 1
                tally[a.district][1] += int(a.engaged)
        for d in range(st.rules.size):
            total, engaged = tally.get(d, [0, 0])
            share = engaged / total if total else 0.0
            r = st.rules[d]
            st.rules[d] = _clip(r + dyn.rules_rate * (1 - r) if share >= dyn.rules_quorum else r - dyn.rules_decay * r)

        self.aggregates = None
        self.month += 1
        if self.collect:
            self._current = self.indicators()
            self.datacollector.collect(self)
            self.school_learning.append(self.learning_by_school().astype(np.float32))



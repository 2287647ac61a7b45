"""The compiled kernels equal the NumPy forms to the last bit.

``simulator/processes/kernels.py`` promises the same arithmetic in the same order as each
process's NumPy form: :func:`neighbour_aggregates_numpy` (scipy's CSR products),
:func:`update_beliefs_numpy`, :func:`update_practice_numpy`,
:func:`apply_development_numpy`, :func:`update_collectives_numpy`,
:func:`collective_view_numpy`, :func:`update_engagement_numpy`,
:func:`official_engagement_numpy`, and NumPy's pairwise sum for the ensemble's means.
Compared as bytes, so even a signed zero that differs fails.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.levers import Levers
from simulator.model import EducationModel
from simulator.processes.aggregate import (
    Aggregates,
    neighbour_aggregates,
    neighbour_aggregates_numpy,
)
from simulator.processes.collectives import (
    Collectives,
    collective_view,
    collective_view_numpy,
    update_collectives,
    update_collectives_numpy,
)
from simulator.processes.development import apply_development, apply_development_numpy
from simulator.processes.engagement import update_engagement, update_engagement_numpy
from simulator.processes.influence import update_beliefs, update_beliefs_numpy
from simulator.processes.kernels import (
    BELIEF_RATES,
    COACHING_LEVERS,
    COACHING_RATES,
    ENGAGEMENT_RATES,
    PRACTICE_RATES,
    masked_means,
    segment_means,
    segment_nanstd,
)
from simulator.processes.practice import update_practice, update_practice_numpy
from simulator.processes.support import official_engagement, official_engagement_numpy
from simulator.scenario import load_scenario
from simulator.scenario.schema import Dynamics, Mechanisms
from tests.test_processes import make_state

from .conftest import ROOT


def _same_bits(a: Aggregates, b: Aggregates) -> list[str]:
    return [f.name for f in dataclasses.fields(Aggregates)
            if getattr(a, f.name).tobytes() != getattr(b, f.name).tobytes()]


def _random_matrix(rng: np.random.Generator, n: int, density: float, signed: bool = False) -> sp.csr_matrix:
    M = sp.random(n, n, density=density, format="csr", random_state=rng)
    if signed:  # entries of any sign and size, not only tie weights
        M.data = rng.normal(0.0, 3.0, M.nnz)
    return M


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), density=st.floats(0.0, 0.6),
       n_clusters=st.integers(1, 4), signed=st.booleans(), with_collective=st.booleans(),
       with_cross=st.booleans(), n_blocks=st.integers(0, 4))
def test_kernels_equal_numpy_bit_for_bit(seed, n, density, n_clusters, signed, with_collective, with_cross,
                                         n_blocks) -> None:
    """Random ties; with ``n_blocks`` > 0 the ties stay inside blocks and the kernel goes block by block."""
    rng = np.random.default_rng(seed)
    state = make_state(
        n, n_clusters=n_clusters,
        active=rng.random(n) < 0.8, engaged=rng.random(n) < 0.4, has_classroom=rng.random(n) < 0.7,
        cluster=rng.integers(-1, n_clusters, n), purpose=rng.random(n), capacity=rng.random(n),
        rootedness=rng.random(n), reach=rng.random(n), potential=rng.uniform(0.5, 1.5, n),
        # learning below the baseline too: negative gains, and zeros of either sign
        learning=rng.choice([0.0, 0.2, 0.4, 0.7], n) * rng.random(n) ** rng.integers(0, 2, n),
    )
    W = _random_matrix(rng, n, density, signed)
    kwargs = {}
    if with_collective:
        kwargs["collective_ties"] = (_random_matrix(rng, n, density) > 0).astype(float).tocsr()
        kwargs["collective_member"] = rng.random(n) < 0.5
    if with_cross:
        quality = rng.random(n_clusters) * (rng.random(n_clusters) < 0.7)
        kwargs["cluster_quality"] = quality
        kwargs["cross_cluster"] = _random_matrix(rng, n, density, signed)
    blocks = None
    if n_blocks:
        blocks = np.unique(np.concatenate([[0, n], rng.integers(0, n + 1, n_blocks)])).astype(np.int64)
        W = _within_blocks(W, blocks)
        for key in ("collective_ties", "cross_cluster"):
            if key in kwargs:
                kwargs[key] = _within_blocks(kwargs[key], blocks)
    fast = neighbour_aggregates(W, state, 0.4, **kwargs, blocks=blocks)
    slow = neighbour_aggregates_numpy(W, state, 0.4, **kwargs)
    assert _same_bits(fast, slow) == []


def _within_blocks(M: sp.csr_matrix, bounds: np.ndarray) -> sp.csr_matrix:
    """``M`` without the entries whose row and column lie in different blocks (an ensemble's runs)."""
    coo = M.tocoo()
    block = np.searchsorted(bounds, np.arange(M.shape[0]), side="right")
    keep = block[coo.row] == block[coo.col]
    return sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=M.shape)


def test_kernels_accept_other_sparse_formats_and_integer_weights() -> None:
    state = make_state(3, engaged=[True, False, True], purpose=[0.2, 0.9, 0.4])
    dense = np.array([[0, 2, 0], [1, 0, 3], [0, 1, 0]])
    for W in (sp.csr_matrix(dense), sp.coo_matrix(dense), sp.csc_array(dense.astype(float))):
        assert _same_bits(neighbour_aggregates(W, state, 0.4), neighbour_aggregates_numpy(sp.csr_matrix(dense), state, 0.4)) == []


def test_kernels_equal_numpy_along_a_run() -> None:
    """Every month of a workshop run, with collectives forming and spreading."""
    model = EducationModel(load_scenario(ROOT / "scenarios" / "workshop.yaml"), seed=5, agents=False, collect=False)
    engine = model.engine
    seen_collectives = seen_quality = False
    for _ in range(72):
        model.step()
        args = dict(W=engine.W, state=engine.state, baseline_learning=engine.config.population.baseline_learning,
                    collective_ties=engine.network.collective, collective_member=engine.collectives.member,
                    cluster_quality=engine.collectives.cluster_quality, cross_cluster=engine.W_cross)
        assert _same_bits(neighbour_aggregates(**args), neighbour_aggregates_numpy(**args)) == [], engine.month
        seen_collectives |= bool(engine.collectives.member.any())
        seen_quality |= bool(engine.collectives.cluster_quality.any())
    assert seen_collectives and seen_quality  # both optional products were exercised


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), per_agent=st.booleans(),
       peer_learning=st.booleans(), institutional_support=st.booleans(), given_support=st.booleans())
def test_beliefs_kernel_equals_numpy_bit_for_bit(seed, n, per_agent, peer_learning, institutional_support,
                                                  given_support) -> None:
    """Scalar rates and per-agent rates (an ensemble's), every knock-out the process reads."""
    def state(rng: np.random.Generator):
        return make_state(
            n, n_districts=2,
            active=rng.random(n) < 0.8, engaged=rng.random(n) < 0.4, has_classroom=rng.random(n) < 0.7,
            district=rng.integers(-1, 2, n), purpose=rng.random(n), trust=rng.random(n), agency=rng.random(n),
            potential=rng.uniform(0.5, 1.5, n), learning=rng.choice([0.0, 0.3, 0.6], n) * rng.random(n),
            support=rng.random(2), state_support=rng.random(1),
        )

    a, b = state(np.random.default_rng(seed)), state(np.random.default_rng(seed))  # two equal states
    rng = np.random.default_rng(seed + 1)
    agg = Aggregates(degree=rng.random(n), mean_purpose=rng.random(n), engaged_count=rng.random(n),
                     engaged_share=rng.random(n) * (rng.random(n) < 0.8), peer_gain=rng.normal(0, 0.2, n),
                     peer_weight=rng.random(n) * (rng.random(n) < 0.6), example=rng.random(n))
    member = rng.random(n) < 0.6
    col = Collectives(member, rng.choice([1.0, 2.0, 4.0], n), rng.random(n), rng.random(n), rng.random(n) * 1.5,
                      rng.random(n) < 0.5, rng.random(n) < 0.3, np.ones(1, bool), np.ones(1))
    defaults = Dynamics()
    values = defaults.model_dump()
    if per_agent:  # as an ensemble hands them: one value an agent
        for name in BELIEF_RATES:
            values[name] = getattr(defaults, name) * rng.uniform(0.5, 1.5, n)
    dyn = SimpleNamespace(**values)
    mech = Mechanisms(peer_learning=peer_learning, institutional_support=institutional_support)
    support = rng.random(n) if given_support else None
    update_beliefs(a, agg, col, dyn, mech, 0.4, support)
    update_beliefs_numpy(b, agg, col, dyn, mech, 0.4, support)
    for name in ("purpose", "trust", "agency"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), per_agent=st.booleans(), push=st.sampled_from(
       ["none", "scalar", "per_agent"]), trust_gate=st.booleans(), collective_learning=st.booleans(),
       peer_learning=st.booleans())
def test_practice_kernel_equals_numpy_bit_for_bit(seed, n, per_agent, push, trust_gate, collective_learning,
                                                   peer_learning) -> None:
    def state(rng: np.random.Generator):
        return make_state(
            n, active=rng.random(n) < 0.8, engaged=rng.random(n) < 0.4, has_classroom=rng.random(n) < 0.7,
            practice=rng.random(n), capacity=rng.random(n), trust=rng.random(n),
            potential=rng.uniform(0.5, 1.5, n), learning=rng.choice([0.0, 0.3, 0.6], n) * rng.random(n),
        )

    a, b = state(np.random.default_rng(seed)), state(np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    agg = Aggregates(degree=rng.random(n), mean_purpose=rng.random(n), engaged_count=rng.random(n),
                     engaged_share=rng.random(n), peer_gain=rng.normal(0, 0.2, n),
                     peer_weight=rng.random(n) * (rng.random(n) < 0.6), example=rng.random(n))
    col = Collectives(rng.random(n) < 0.6, rng.choice([1.0, 2.0, 4.0], n), rng.random(n), rng.random(n),
                      rng.random(n) * 1.5, rng.random(n) < 0.5, rng.random(n) < 0.3, np.ones(1, bool), np.ones(1))
    values = Dynamics().model_dump()
    if per_agent:
        for name in PRACTICE_RATES:
            values[name] = values[name] * rng.uniform(0.5, 1.5, n)
    technical_push = {"none": 0.0, "scalar": 0.03, "per_agent": rng.uniform(0, 0.05, n)}[push]
    levers = Levers(technical_push=technical_push)
    mech = Mechanisms(trust_gate=trust_gate, collective_learning=collective_learning, peer_learning=peer_learning)
    update_practice(a, agg, col, levers, SimpleNamespace(**values), mech, 0.3, 0.4)
    update_practice_numpy(b, agg, col, levers, SimpleNamespace(**values), mech, 0.3, 0.4)
    assert a.practice.tobytes() == b.practice.tobytes()


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), per_agent=st.booleans(),
       coaching=st.sampled_from(["none", "fellows", "schools", "per_agent"]))
def test_development_kernel_equals_numpy_bit_for_bit(seed, n, per_agent, coaching) -> None:
    n_schools = 3

    def state(rng: np.random.Generator):
        return make_state(
            n, role=rng.integers(0, 6, n), track=rng.integers(-1, 3, n), school=rng.integers(-1, n_schools, n),
            active=rng.random(n) < 0.8, has_classroom=rng.random(n) < 0.7,
            purpose=rng.random(n), capacity=rng.random(n), practice=rng.random(n),
        )

    a, b = state(np.random.default_rng(seed)), state(np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    values = Dynamics().model_dump()
    if per_agent:
        for name in COACHING_RATES:
            values[name] = values[name] * rng.uniform(0.5, 1.5, n)
    levers = {
        "none": Levers(),
        "fellows": Levers(fellow_coaching=1.0, alumni_leadership=0.5),
        "schools": Levers(fellow_coaching=1.0, teacher_coaching=0.5, principal_development=0.7, parent_development=0.2),
        "per_agent": Levers(**{name: rng.uniform(0, 1, n) * (rng.random(n) < 0.7) for name in COACHING_LEVERS}),
    }[coaching]
    apply_development(a, levers, SimpleNamespace(**values), n_schools, 0.3)
    apply_development_numpy(b, levers, SimpleNamespace(**values), n_schools, 0.3)
    for name in ("purpose", "capacity", "practice", "coached"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), n_clusters=st.integers(1, 4),
       per_agent=st.booleans(), mode=st.sampled_from(["none", "teacher_led", "imposed"]),
       spread=st.booleans(), ownership=st.booleans(), reinforcement=st.booleans(), support=st.booleans(),
       strong=st.booleans())
def test_collectives_kernels_equal_numpy_bit_for_bit(seed, n, n_clusters, per_agent, mode, spread, ownership,
                                                     reinforcement, support, strong) -> None:
    """``strong``: formation, fading and mandates likely every month, so each transition is taken."""
    def state(rng: np.random.Generator):
        return make_state(
            n, n_clusters=n_clusters, n_districts=2,
            role=rng.integers(0, 6, n), track=rng.integers(-1, 3, n), cluster=rng.integers(-1, n_clusters, n),
            active=rng.random(n) < 0.8, engaged=rng.random(n) < 0.5, has_classroom=rng.random(n) < 0.7,
            collective_on=rng.random(n_clusters) < 0.5, collective_origin=rng.integers(0, 4, n_clusters),
            maturity=rng.random(n_clusters), ownership=rng.random(n_clusters), support=rng.random(2),
        )

    a, b = state(np.random.default_rng(seed)), state(np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    agg = Aggregates(degree=rng.random(n), mean_purpose=rng.random(n), engaged_count=rng.random(n),
                     engaged_share=rng.random(n), peer_gain=rng.random(n), peer_weight=rng.random(n),
                     example=rng.random(n) * (rng.random(n) < 0.5))
    covered = rng.random(n_clusters) < 0.5
    if per_agent:
        per = {"collective_intensity": rng.choice([1.0, 2.0, 4.0], n), "collective_with_data": rng.random(n) < 0.5}
    else:
        per = {"collective_intensity": 2.0, "collective_with_data": True}
    levers = Levers(collective_mode=mode, collective_clusters=covered if mode != "none" else np.zeros(0, bool),
                    collective_facilitation=float(rng.random()), **per)
    mech = Mechanisms(collectives_spread=spread, ownership=ownership, reinforcement=reinforcement,
                      institutional_support=support)
    district = rng.integers(0, 2, n_clusters)
    u = rng.random(n_clusters)
    if strong:
        dyn = Dynamics(collective_formation_rate=float(rng.uniform(0.5, 1.0)), collective_fade_rate=float(rng.random()),
                       mandate_rate=float(rng.random()), ownership_rate=float(rng.random()),
                       collective_quorum=float(rng.uniform(0.05, 1.0)))
    else:
        dyn = Dynamics()
    fast = update_collectives(a, agg, levers, dyn, mech, district, u)
    slow = update_collectives_numpy(b, agg, levers, dyn, mech, district, u)
    for name in ("collective_on", "collective_origin", "maturity", "ownership"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name
    for f in dataclasses.fields(Collectives):
        assert np.asarray(getattr(fast, f.name)).tobytes() == np.asarray(getattr(slow, f.name)).tobytes(), f.name
    view_fast = collective_view(a, levers, mech, 0.25, agg, 0.3)
    view_slow = collective_view_numpy(a, levers, mech, 0.25, agg, 0.3)
    for f in dataclasses.fields(Collectives):
        assert np.asarray(getattr(view_fast, f.name)).tobytes() == np.asarray(getattr(view_slow, f.name)).tobytes()


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.one_of(st.integers(0, 300), st.integers(300, 20000)),
                                                      min_size=1, max_size=6), negative_zeros=st.booleans())
def test_segment_means_equal_numpy_sums_bit_for_bit(seed, sizes, negative_zeros) -> None:
    """NumPy's pairwise summation, replicated: every length class (<8, <=128, split in halves).

    With ``negative_zeros`` the first segment holds only -0.0, whose NumPy sum is +0.0.
    """
    rng = np.random.default_rng(seed)
    total = sum(sizes)
    packed = rng.normal(size=total) * 10.0 ** rng.uniform(-6, 6, total)
    packed[rng.random(total) < 0.05] = -0.0
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    if negative_zeros:
        packed[: sizes[0]] = -0.0
    out = np.empty(len(sizes))
    segment_means(packed, bounds, out)
    want = [packed[a:b].sum() / (b - a) if b > a else 0.0 for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    assert out.tobytes() == np.array(want).tobytes()


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.one_of(st.integers(0, 40), st.integers(40, 3000)),
                                                      min_size=1, max_size=5),
       n_values=st.integers(1, 4), n_masks=st.integers(1, 3))
def test_masked_means_equal_numpy_bit_for_bit(seed, sizes, n_values, n_masks) -> None:
    """Each run's ``values[mask].sum() / n`` (``simulator.indicators._mean``) for every pair, 0 when empty."""
    rng = np.random.default_rng(seed)
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    total = int(bounds[-1])
    values = tuple(rng.normal(size=total) * 10.0 ** rng.uniform(-6, 6, total) for _ in range(n_values))
    masks = tuple(rng.random(total) < rng.uniform(0, 1) for _ in range(n_masks))
    pairs = [(m, v) for m in range(n_masks) for v in range(n_values) if rng.random() < 0.7] or [(0, 0)]
    pair_mask = np.array([m for m, _ in pairs], dtype=np.int64)
    pair_value = np.array([v for _, v in pairs], dtype=np.int64)
    largest = max(1, max(sizes))
    out = np.empty((len(sizes), len(pairs)))
    counts = np.empty((len(sizes), n_masks), dtype=np.int64)
    masked_means(values, masks, pair_mask, pair_value, bounds, np.empty(largest, dtype=np.int64),
                 np.empty(largest), out, counts)
    for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        for p, (m, v) in enumerate(pairs):
            mine = masks[m][a:b]
            n = int(mine.sum())
            want = float(values[v][a:b][mine].sum() / n) if n else 0.0
            assert np.float64(out[k, p]).tobytes() == np.float64(want).tobytes(), (k, p)
        assert counts[k].tolist() == [int(masks[m][a:b].sum()) for m in range(n_masks)]


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.one_of(st.integers(0, 40), st.integers(40, 3000)),
                                                      min_size=1, max_size=5),
       nan_share=st.sampled_from([0.0, 0.1, 0.5, 1.0]))
def test_segment_nanstd_equals_numpy_bit_for_bit(seed, sizes, nan_share) -> None:
    """Each segment's ``np.nanstd`` (schools without classrooms are NaN), 0 with no finite value."""
    rng = np.random.default_rng(seed)
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    total = int(bounds[-1])
    values = rng.uniform(0.2, 0.9, total) * 10.0 ** rng.uniform(-3, 3, total)
    values[rng.random(total) < nan_share] = np.nan
    out = np.empty(len(sizes))
    segment_nanstd(values, bounds, np.empty(max(1, max(sizes))), out)
    for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        mine = values[a:b]
        want = float(np.nanstd(mine)) if np.isfinite(mine).any() else 0.0
        assert np.float64(out[k]).tobytes() == np.float64(want).tobytes(), k


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), n_districts=st.integers(1, 3))
def test_official_engagement_kernel_equals_numpy(seed, n, n_districts) -> None:
    rng = np.random.default_rng(seed)
    state = make_state(
        n, n_districts=n_districts, role=rng.integers(0, 6, n), track=rng.integers(-1, 3, n),
        level=rng.integers(0, 4, n), district=rng.integers(-1, n_districts, n),
        active=rng.random(n) < 0.8, engaged=rng.random(n) < 0.5,
    )
    fast, slow = official_engagement(state), official_engagement_numpy(state)
    assert fast.keys() == slow.keys()
    for key in fast:
        assert np.asarray(fast[key]).tobytes() == np.asarray(slow[key]).tobytes(), key


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), per_agent=st.booleans(), contagion=st.booleans(),
       reinforcement=st.booleans(), commitment=st.booleans(), institutional_support=st.booleans(),
       given_support=st.booleans())
def test_engagement_kernel_equals_numpy(seed, n, per_agent, contagion, reinforcement, commitment,
                                        institutional_support, given_support) -> None:
    def state(rng: np.random.Generator):
        return make_state(
            n, n_districts=2, role=rng.integers(0, 6, n), district=rng.integers(-1, 2, n),
            active=rng.random(n) < 0.8, engaged=rng.random(n) < 0.5, purpose=rng.random(n),
            trust=rng.random(n), agency=rng.random(n), threshold=rng.uniform(0.02, 1.0, n),
            support=rng.random(2), state_support=rng.random(1),
        )

    a, b = state(np.random.default_rng(seed)), state(np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    agg = Aggregates(degree=rng.random(n), mean_purpose=rng.random(n), engaged_count=rng.random(n) * 3,
                     engaged_share=rng.random(n), peer_gain=rng.random(n), peer_weight=rng.random(n),
                     example=rng.random(n))
    col = Collectives(rng.random(n) < 0.6, rng.choice([1.0, 2.0, 4.0], n), rng.random(n), rng.random(n),
                      rng.random(n) * 1.5, rng.random(n) < 0.5, rng.random(n) < 0.3, np.ones(1, bool), np.ones(1))
    values = Dynamics().model_dump()
    if per_agent:
        for name in ENGAGEMENT_RATES:
            values[name] = values[name] * rng.uniform(0.5, 1.5, n)
    mech = Mechanisms(contagion=contagion, reinforcement=reinforcement, commitment=commitment,
                      institutional_support=institutional_support)
    support = rng.random(n) if given_support else None
    uniform = rng.random(n)
    update_engagement(a, agg, col, SimpleNamespace(**values), mech, uniform, support)
    update_engagement_numpy(b, agg, col, SimpleNamespace(**values), mech, uniform, support)
    assert a.engaged.tobytes() == b.engaged.tobytes()

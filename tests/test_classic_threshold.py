"""Threshold contagion (Granovetter 1978; Watts 2002) and its equivalence with the kernel."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from simulator.classic import graphs
from simulator.classic.threshold import (
    ThresholdContagion,
    granovetter_riot_size,
    neighbour_support,
)
from simulator.processes.engagement import threshold_rule

# --------------------------------------------------------------------------- Granovetter


def test_granovetter_uniform_thresholds_give_a_full_riot():
    assert granovetter_riot_size(np.arange(100)) == 100


def test_granovetter_moving_one_person_stops_the_riot():
    thresholds = np.arange(100)
    thresholds[1] = 2
    assert granovetter_riot_size(thresholds) == 1


def test_granovetter_riot_grows_one_person_a_step():
    model = ThresholdContagion(
        network="complete",
        n=10,
        threshold=np.arange(10),
        threshold_kind="absolute",
        n_seeds=0,
        seed=0,
    ).run()
    # person k joins at step k + 1: the riot is a chain; a last step changes nothing
    assert model.history == pytest.approx([0.0] + [k / 10 for k in range(1, 11)] + [1.0])


# --------------------------------------------------------------------- hand-checkable


def test_path_graph_by_hand():
    # 0 - 1 - 2 - 3, phi = 0.5, seed 0: node 1 sees 1/2, then node 2 sees 1/2, node 3 sees 1/1
    g = nx.path_graph(4)
    model = ThresholdContagion(graph=g, threshold=0.5, seeds=[0], seed=1).run()
    assert model.history == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0])
    assert model.steps == 4  # the last step changes nothing and stops the run
    blocked = ThresholdContagion(graph=g, threshold=0.51, seeds=[0], seed=1).run()
    assert blocked.active.tolist() == [True, False, False, False]


def test_rule_is_greater_or_equal_on_a_star():
    # the hub of a star with 4 leaves, 2 leaves active: share exactly 0.5
    g = nx.star_graph(4)
    at = ThresholdContagion(graph=g, threshold=0.5, seeds=[1, 2], seed=0)
    at.step()
    assert at.active[0]
    above = ThresholdContagion(graph=g, threshold=0.5 + 1e-9, seeds=[1, 2], seed=0)
    above.step()
    assert not above.active[0]
    absolute = ThresholdContagion(
        graph=g, threshold=2, threshold_kind="absolute", seeds=[1, 2], seed=0
    )
    absolute.step()
    assert absolute.active[0] and not absolute.active[3]


def test_isolated_nodes_never_activate():
    g = nx.empty_graph(3)
    g.add_edge(0, 1)
    model = ThresholdContagion(graph=g, threshold=0.1, seeds=[0], seed=0).run()
    assert model.active.tolist() == [True, True, False]


# ---------------------------------------------------------------- kernel equivalence


def _networkx_support(g: nx.Graph, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    count = np.array([sum(active[j] for j in g.neighbors(i)) for i in g.nodes], dtype=float)
    degree = np.array([g.degree(i) for i in g.nodes], dtype=float)
    share = np.divide(count, degree, out=np.zeros_like(count), where=degree > 0)
    return share, count


@pytest.mark.parametrize("seed", range(5))
def test_classic_step_equals_the_engagement_kernel(seed):
    """One synchronous step of the classic model is exactly the main model's kernel."""
    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(60, 0.08, seed=rng)
    phi = rng.uniform(0.05, 0.5, size=60)
    model = ThresholdContagion(graph=g, threshold=phi, n_seeds=6, collect=False, seed=seed)
    for _ in range(4):
        before = model.active.copy()
        share, count = _networkx_support(g, before)
        expected = threshold_rule(
            before,
            share,
            count,
            phi,
            min_support=0.0,
            committed=model.seeds,
            engage_probability=1.0,
            disengage_probability=0.0,
        )
        model.step()
        assert np.array_equal(model.active, expected), f"seed={seed}"


def _reference_cascade(g: nx.Graph, phi: float, seeds: list[int]) -> set[int]:
    """Plain per-agent Watts cascade: repeat sweeps until nobody changes."""
    active = set(seeds)
    changed = True
    while changed:
        changed = False
        for i in g.nodes:
            if i in active or g.degree(i) == 0:
                continue
            if sum(j in active for j in g.neighbors(i)) / g.degree(i) >= phi:
                active.add(i)
                changed = True
    return active


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_cascade_matches_a_per_agent_reference(seed):
    rng = np.random.default_rng(100 + seed)
    g = nx.gnp_random_graph(200, 2.5 / 199, seed=rng)
    seeds = [int(rng.integers(200))]
    model = ThresholdContagion(graph=g, threshold=0.2, seeds=seeds, collect=False, seed=seed).run()
    assert set(np.flatnonzero(model.active).tolist()) == _reference_cascade(g, 0.2, seeds), (
        f"seed={seed}"
    )


@pytest.mark.parametrize("seed", range(6))
def test_random_order_and_synchronous_reach_the_same_state(seed):
    """Activation is monotone, so the update order changes the path but not the end."""
    common = dict(network="erdos_renyi", n=300, mean_degree=3.0, threshold=0.25, n_seeds=3)
    sync = ThresholdContagion(update="synchronous", seed=seed, **common).run()
    rand = ThresholdContagion(update="random_order", seed=seed, **common).run()
    assert np.array_equal(sync.seeds, rand.seeds), f"seed={seed}"
    assert np.array_equal(sync.active, rand.active), f"seed={seed}"
    assert rand.steps <= sync.steps, f"seed={seed}"


def test_same_seed_same_run_and_datacollector():
    a = ThresholdContagion(n=2_000, mean_degree=3.0, seed=42).run()
    b = ThresholdContagion(n=2_000, mean_degree=3.0, seed=42).run()
    assert (a.adjacency != b.adjacency).nnz == 0
    assert np.array_equal(a.active, b.active)
    frame = a.datacollector.get_model_vars_dataframe()
    assert frame["active_share"].tolist() == pytest.approx(a.history)


def test_neighbour_support_counts():
    adj = graphs.adjacency(4, graphs.ring_lattice_edges(4, 2))
    degree = np.asarray(adj.sum(axis=1)).ravel()
    share, count = neighbour_support(adj, np.array([True, False, False, False]), degree)
    assert count.tolist() == [0, 1, 0, 1]
    assert share.tolist() == [0, 0.5, 0, 0.5]


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="threshold_kind"):
        ThresholdContagion(n=10, threshold_kind="relative", seed=0)
    with pytest.raises(ValueError, match="update"):
        ThresholdContagion(n=10, update="sometimes", seed=0)
    with pytest.raises(ValueError, match="network"):
        ThresholdContagion(n=10, network="torus", seed=0)

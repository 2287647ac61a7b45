"""The classic models on a user's own network: labels, direction, weights, per-node values."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from simulator.classic import spawn_seeds
from simulator.classic.complex_contagion import ComplexContagion
from simulator.classic.convention import ConventionGame
from simulator.classic.naming_game import OPINION_A, NamingGame
from simulator.classic.network_input import as_influence_network
from simulator.classic.threshold import ThresholdContagion


def _labelled_path() -> nx.Graph:
    # ana - ben - cy - dee, labels in a non-sorted insertion order
    g = nx.Graph()
    g.add_nodes_from(["cy", "ana", "dee", "ben"])
    g.add_edges_from([("ana", "ben"), ("ben", "cy"), ("cy", "dee")])
    return g


# -------------------------------------------------------------------- labels


def test_string_labels_are_mapped_and_mapped_back():
    g = _labelled_path()
    m = ThresholdContagion(graph=g, threshold=0.5, seeds=["ana"], seed=0).run()
    assert m.labels == ["cy", "ana", "dee", "ben"]
    assert set(m.active_nodes()) == {"ana", "ben", "cy", "dee"}
    assert m.adoption_steps() == {"ana": 0, "ben": 1, "cy": 2, "dee": 3}
    out = m.to_networkx()
    assert set(out.nodes) == set(g.nodes) and set(out.edges) == set(g.edges)
    assert out.nodes["dee"]["adoption_step"] == 3 and out.nodes["dee"]["active"] is True


def test_integer_labels_that_are_not_positions():
    g = nx.relabel_nodes(nx.path_graph(4), {0: 10, 1: 20, 2: 30, 3: 40})
    m = ThresholdContagion(graph=g, threshold=0.5, seeds=[10], seed=0).run()
    assert m.active_nodes() == [10, 20, 30, 40]
    with pytest.raises(ValueError, match="not nodes of the graph"):
        ThresholdContagion(graph=g, seeds=[0], seed=0)


def test_unknown_and_malformed_seeds_are_refused():
    g = _labelled_path()
    with pytest.raises(ValueError, match=r"'zed' not nodes"):
        ThresholdContagion(graph=g, seeds=["ana", "zed"], seed=0)
    with pytest.raises(ValueError, match="list of node labels"):
        ThresholdContagion(graph=g, seeds="ana", seed=0)
    mat = nx.to_scipy_sparse_array(nx.path_graph(5))
    with pytest.raises(ValueError, match="not node indices"):
        ThresholdContagion(graph=mat, seeds=[-1], seed=0)
    with pytest.raises(ValueError, match="not node indices"):
        ThresholdContagion(graph=mat, seeds=[5], seed=0)


def test_any_sparse_matrix_format():
    g = nx.cycle_graph(6)
    results = []
    for fmt in ("csr", "csc", "coo", "lil"):
        mat = sp.csr_matrix(nx.to_scipy_sparse_array(g)).asformat(fmt)
        m = ThresholdContagion(graph=mat, threshold=0.5, seeds=[0], seed=0).run()
        results.append(m.active.tolist())
    assert all(r == [True] * 6 for r in results)


# ----------------------------------------------------------------- direction


def test_influence_flows_along_edges():
    # a -> b -> c: a influences b, b influences c; nobody influences a
    g = nx.DiGraph([("a", "b"), ("b", "c")])
    forward = ThresholdContagion(graph=g, threshold=1.0, seeds=["a"], seed=0).run()
    assert forward.active_nodes() == ["a", "b", "c"]
    backward = ThresholdContagion(graph=g, threshold=1.0, seeds=["c"], seed=0).run()
    assert backward.active_nodes() == ["c"]


def test_a_node_listens_only_to_its_in_neighbours():
    # d is influenced by a and b (in-ties) and influences c (out-tie): its share counts a, b
    g = nx.DiGraph([("a", "d"), ("b", "d"), ("d", "c")])
    half = ThresholdContagion(graph=g, threshold=0.5, seeds=["a"], seed=0)
    half.step()
    assert half.states()["d"]  # 1 of its 2 in-neighbours
    none = ThresholdContagion(graph=g, threshold=0.5, seeds=["c"], seed=0).run()
    assert none.active_nodes() == ["c"]


def test_an_asymmetric_matrix_needs_directed():
    mat = sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=float))
    with pytest.raises(ValueError, match="not symmetric; pass directed=True"):
        ThresholdContagion(graph=mat, seeds=[0], seed=0)
    m = ThresholdContagion(graph=mat, directed=True, threshold=1.0, seeds=[0], seed=0).run()
    assert m.active.tolist() == [True, True, True]  # A[u, v] is u -> v, as networkx writes
    same = ThresholdContagion(graph=nx.DiGraph([(0, 1), (1, 2)]), threshold=1.0, seeds=[0], seed=0)
    assert (same.run().active == m.active).all()


def test_directed_flag_must_match_a_networkx_graph():
    with pytest.raises(ValueError, match="to_undirected"):
        as_influence_network(nx.DiGraph([(0, 1)]), directed=False)
    with pytest.raises(ValueError, match="to_directed"):
        as_influence_network(nx.Graph([(0, 1)]), directed=True)


# -------------------------------------------------------------------- weights


def test_weights_are_used_only_when_asked():
    # hub h listens to x (weight 3) and y (weight 1); x is active
    g = nx.Graph()
    g.add_edge("h", "x", weight=3.0)
    g.add_edge("h", "y", weight=1.0)
    weighted = ThresholdContagion(graph=g, weight="weight", threshold=0.7, seeds=["x"], seed=0)
    weighted.step()
    assert weighted.states()["h"]  # 3 / 4 = 0.75 >= 0.7
    plain = ThresholdContagion(graph=g, threshold=0.7, seeds=["x"], seed=0)
    plain.step()
    assert not plain.states()["h"]  # 1 / 2 = 0.5 < 0.7
    absolute = ThresholdContagion(
        graph=g, weight=True, threshold=3, threshold_kind="absolute", seeds=["x"], seed=0
    )
    absolute.step()
    assert absolute.states()["h"]  # weighted count 3 >= 3


def test_matrix_weights_and_bad_weights():
    mat = sp.csr_matrix(np.array([[0, 3, 1], [3, 0, 0], [1, 0, 0]], dtype=float))
    m = ThresholdContagion(graph=mat, weight=True, threshold=0.7, seeds=[1], seed=0)
    m.step()
    assert m.active[0]
    g = nx.Graph()
    g.add_edge(0, 1, weight=-1.0)
    with pytest.raises(ValueError, match="finite and positive"):
        ThresholdContagion(graph=g, weight="weight", seed=0)
    g = nx.Graph([(0, 1), (1, 2)])
    g.edges[0, 1]["w"] = 2.0
    with pytest.raises(ValueError, match="have no 'w' attribute"):
        ThresholdContagion(graph=g, weight="w", seed=0)
    with pytest.raises(ValueError, match="for a matrix pass weight=True"):
        ThresholdContagion(graph=mat, weight="weight", seed=0)


# ----------------------------------------------------------------- self-loops


def test_self_loops_are_refused_with_the_nodes_named():
    g = _labelled_path()
    g.add_edge("ben", "ben")
    with pytest.raises(ValueError, match=r"self-loops at nodes 'ben'.*selfloop_edges"):
        ThresholdContagion(graph=g, seed=0)
    mat = sp.identity(3, format="csr")
    with pytest.raises(ValueError, match="non-zero diagonal"):
        ThresholdContagion(graph=mat, seed=0)


# -------------------------------------------------------------- per-node values


def test_per_node_thresholds_as_mapping_attribute_or_sequence():
    g = _labelled_path()
    by_label = {"ana": 0.0, "ben": 0.5, "cy": 0.9, "dee": 0.5}
    m1 = ThresholdContagion(graph=g, threshold=by_label, seeds=["ana"], seed=0).run()
    nx.set_node_attributes(g, by_label, "phi")
    m2 = ThresholdContagion(graph=g, threshold="phi", seeds=["ana"], seed=0).run()
    m3 = ThresholdContagion(
        graph=g, threshold=[by_label[x] for x in g.nodes], seeds=["ana"], seed=0
    ).run()
    assert m1.active_nodes() == m2.active_nodes() == m3.active_nodes() == ["ana", "ben"]
    with pytest.raises(ValueError, match="no value for nodes 'dee'"):
        ThresholdContagion(graph=g, threshold={"ana": 0.1, "ben": 0.1, "cy": 0.1}, seed=0)
    with pytest.raises(ValueError, match=r"must be in \[0.0, 1.0\]; got 'cy': 1.5"):
        ThresholdContagion(graph=g, threshold={**by_label, "cy": 1.5}, seed=0)
    with pytest.raises(ValueError, match="one value per node"):
        ThresholdContagion(graph=g, threshold=[0.1, 0.2], seed=0)
    with pytest.raises(ValueError, match="no attribute 'missing'"):
        ThresholdContagion(graph=g, threshold="missing", seed=0)


def test_absolute_thresholds_per_node_and_never():
    g = nx.star_graph(3)  # hub 0, leaves 1..3
    m = ThresholdContagion(
        graph=g,
        threshold={0: 2, 1: 1, 2: np.inf, 3: 1},
        threshold_kind="absolute",
        seeds=[1, 3],
        seed=0,
    ).run()
    assert m.active.tolist() == [True, True, False, True]  # leaf 2 never adopts


# ---------------------------------------------------- probabilistic adoption, noise


def test_adoption_probability_zero_blocks_and_one_is_deterministic():
    g = nx.path_graph(30)
    blocked = ThresholdContagion(
        graph=g, threshold=0.5, seeds=[0], adoption_probability=0.0, seed=0
    ).run()
    assert blocked.active_count == 1 and not blocked.running
    det = ThresholdContagion(graph=g, threshold=0.5, seeds=[0], seed=3).run()
    assert det.active_count == 30 and det.history[-1] == 1.0


@pytest.mark.parametrize("seed", range(3))
def test_probabilistic_adoption_delays_but_reaches_the_same_end(seed):
    g = nx.path_graph(40)
    slow = ThresholdContagion(
        graph=g, threshold=0.5, seeds=[0], adoption_probability=0.5, seed=seed
    ).run()
    assert slow.active.all(), f"seed={seed}"
    # each link of the chain takes a geometric(1/2) number of steps: mean 2 per node
    assert 40 < slow.step_count < 160, f"seed={seed}: {slow.step_count} steps"


def test_adoption_probability_per_node_by_label():
    g = _labelled_path()
    m = ThresholdContagion(
        graph=g,
        threshold=0.5,
        seeds=["ana"],
        adoption_probability={"ana": 1, "ben": 1, "cy": 0, "dee": 1},
        seed=0,
    ).run()
    assert m.active_nodes() == ["ana", "ben"]


def test_adoption_noise_reaches_below_threshold_nodes():
    # a = 2 on a ring cannot leave two adjacent seeds... unless noise lets single exposures adopt
    g = nx.cycle_graph(50)
    quiet = ThresholdContagion(
        graph=g, threshold=2, threshold_kind="absolute", seeds=[0, 1], seed=0
    ).run()
    assert quiet.active_count == 2
    noisy = ThresholdContagion(
        graph=g, threshold=2, threshold_kind="absolute", seeds=[0, 1], adoption_noise=0.2, seed=0
    ).run(max_steps=5_000)
    assert noisy.active.all() and not noisy.running


def test_same_seed_same_run_on_a_user_graph():
    g = nx.relabel_nodes(nx.gnp_random_graph(300, 0.02, seed=4), str)
    kw = dict(graph=g, threshold=0.2, n_seeds=3, adoption_probability=0.7, adoption_noise=0.01)
    a = ThresholdContagion(seed=11, **kw).run()
    b = ThresholdContagion(seed=11, **kw).run()
    assert a.active_nodes() == b.active_nodes() and a.history == b.history


# ------------------------------------------------------------ complex contagion


def test_complex_contagion_on_a_user_graph_with_labels():
    # a ring lattice of degree 4 under string labels; three consecutive seeds
    g = nx.relabel_nodes(nx.circulant_graph(30, [1, 2]), lambda i: f"v{i}")
    seeds = ["v0", "v1", "v2"]
    spread = ComplexContagion(graph=g, threshold=2, seeds=seeds, seed=0).run()
    assert spread.active.all()
    assert spread.adoption_steps()["v3"] == 1 and spread.adoption_steps()["v29"] == 1
    # one stubborn node (threshold 4) joins only once both fronts surround it
    by_label = {x: (4 if x == "v15" else 2) for x in g.nodes}
    late = ComplexContagion(graph=g, threshold=by_label, seeds=seeds, seed=0).run()
    assert late.active.all()
    assert late.adoption_steps()["v15"] > spread.adoption_steps()["v15"]
    stuck = ComplexContagion(graph=g, threshold=3, seeds=seeds, seed=0).run()
    assert sorted(stuck.active_nodes()) == sorted(seeds)


def test_complex_contagion_rewires_a_user_graph_keeping_degrees_and_labels():
    g = nx.relabel_nodes(nx.watts_strogatz_graph(200, 6, 0.0, seed=1), lambda i: f"n{i}")
    m = ComplexContagion(graph=g, threshold=2, rewiring=0.2, seed=5)
    assert m.labels == list(g.nodes)
    assert np.array_equal(m.degree, np.array([d for _, d in g.degree()], dtype=float))
    assert (m.adjacency != as_influence_network(g).adjacency).nnz > 0
    with pytest.raises(ValueError, match="undirected, unweighted"):
        ComplexContagion(graph=nx.DiGraph(g), threshold=2, rewiring=0.1, seed=0)


def test_complex_contagion_neighbourhood_seeding_on_a_user_graph():
    g = nx.relabel_nodes(nx.cycle_graph(20), lambda i: f"v{i}")
    m = ComplexContagion(graph=g, threshold=2, seed=2)
    assert m.seeds.sum() == 3  # a focal node and its two neighbours


# ----------------------------------------------------------------- naming game


def test_naming_game_with_chosen_committed_agents_on_a_labelled_graph():
    g = nx.relabel_nodes(nx.complete_graph(40), lambda i: f"p{i}")
    chosen = [f"p{i}" for i in range(8)]
    game = NamingGame(graph=g, committed=chosen, seed=1)
    assert [game.labels[i] for i in np.flatnonzero(game.committed)] == chosen
    game.run(max_steps=2_000)
    assert game.consensus_time is not None
    assert set(game.opinions().values()) == {"A"}
    with pytest.raises(ValueError, match="'x' not nodes"):
        NamingGame(graph=g, committed=["p1", "x"], seed=0)


def test_naming_game_speaks_along_out_ties():
    # a -> b only: a speaks to b; b has no one to talk to and is refused
    with pytest.raises(ValueError, match=r"\['b'\] have none \(no out-ties\)"):
        NamingGame(graph=nx.DiGraph([("a", "b")]), committed=["a"], seed=0)
    cycle = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    game = NamingGame(graph=cycle, committed=["a"], seed=0).run(max_steps=1_000)
    assert game.consensus_time is not None


def test_naming_game_draws_listeners_by_weight():
    # the speaker s has two listeners, weight 9 and 1; only listeners change
    g = nx.Graph()
    g.add_edge("s", "heavy", weight=9.0)
    g.add_edge("s", "light", weight=1.0)
    game = NamingGame(graph=g, weight="weight", committed=["s"], collect=False, seed=0)
    speakers = np.zeros(20_000, dtype=np.int64)  # index of "s"
    listeners = game._listeners(speakers, game.rng.random(20_000))
    heavy = listeners.count(game.labels.index("heavy")) / len(listeners)
    assert abs(heavy - 0.9) < 0.01
    plain = NamingGame(graph=g, committed=["s"], collect=False, seed=0)
    heavy_plain = plain._listeners(speakers, plain.rng.random(20_000)).count(1) / 20_000
    assert abs(heavy_plain - 0.5) < 0.02


def test_naming_game_complete_graph_is_unchanged_by_the_graph_path():
    # the complete graph given explicitly draws listeners among the n - 1 others, like None
    times = []
    for s in spawn_seeds(3, 30):
        game = NamingGame(graph=nx.complete_graph(60), committed=12, collect=False, seed=s)
        times.append(game.run(max_steps=500).consensus_time)
    assert all(t is not None for t in times)


# ---------------------------------------------------------------- convention game


def test_convention_game_on_a_network_with_chosen_committed_agents():
    g = nx.relabel_nodes(nx.random_regular_graph(6, 60, seed=2), lambda i: f"a{i}")
    committed = [f"a{i}" for i in range(20)]
    game = ConventionGame(graph=g, committed=committed, memory=6, seed=0)
    assert game.n_committed == 20
    for _ in range(100):
        game.step()
        assert np.array_equal(game.memory_b, game._buffer.sum(axis=1))
    assert game.b_share_uncommitted > 0.9  # a third committed overturns memory-6 agents


def test_convention_game_pairs_only_along_ties():
    g = nx.path_graph(6)
    game = ConventionGame(graph=g, committed=0, seed=1)
    for _ in range(50):
        left, right = game._pairs()
        assert all(g.has_edge(int(a), int(b)) for a, b in zip(left, right, strict=True))
        both = np.concatenate([left, right])
        assert np.unique(both).size == both.size  # nobody plays twice a round


def test_convention_game_refuses_directed_networks():
    with pytest.raises(ValueError, match="undirected"):
        ConventionGame(graph=nx.DiGraph([(0, 1), (1, 0)]), seed=0)


def test_naming_game_committed_count_on_a_graph_is_random_but_reproducible():
    g = nx.cycle_graph(30)
    a = NamingGame(graph=g, committed=5, seed=9)
    b = NamingGame(graph=g, committed=5, seed=9)
    assert np.array_equal(a.committed, b.committed) and a.committed.sum() == 5
    assert (a.opinion[a.committed] == OPINION_A).all()

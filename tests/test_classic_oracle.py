"""An external oracle: NDlib's ThresholdModel gives the same final adopters as ours.

NDlib (Rossetti et al. 2018, "NDlib: a python library to model and analyze diffusion
processes over complex networks") is a maintained, independent implementation of the
fractional-threshold rule (``share of infected neighbours >= threshold``, synchronous
updates, influence from predecessors on directed graphs). On every graph, seed set and
threshold setting below, the final adopter sets must be identical. The ``oracle`` extra
(``pip install -e ".[oracle]"``, which ``scripts/setup.sh`` installs) provides NDlib; the
test is skipped without it.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from simulator.classic.threshold import ThresholdContagion

ep = pytest.importorskip("ndlib.models.epidemics")
mc = pytest.importorskip("ndlib.models.ModelConfig")


def _ndlib_final(graph: nx.Graph, thresholds: dict, seeds: list) -> set:
    model = ep.ThresholdModel(graph, seed=0)
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", seeds)
    for node, value in thresholds.items():
        config.add_node_configuration("threshold", node, value)
    model.set_initial_status(config)
    model.iteration(node_status=False)  # iteration 0 only reports the seeds
    while model.iteration(node_status=False)["status_delta"][1] > 0:
        pass
    return {node for node, status in model.status.items() if status == 1}


def _graphs() -> dict[str, nx.Graph]:
    return {
        "erdos_renyi": nx.gnp_random_graph(300, 3.0 / 299, seed=1),
        "watts_strogatz": nx.watts_strogatz_graph(300, 6, 0.1, seed=2),
        "barabasi_albert": nx.barabasi_albert_graph(300, 2, seed=3),
        "karate_strings": nx.relabel_nodes(nx.karate_club_graph(), lambda i: f"member {i}"),
        "grid_tuples": nx.grid_2d_graph(15, 15, periodic=True),  # degree 4: k phi integer at 1/4
        "directed": nx.gnp_random_graph(300, 4.0 / 299, seed=4, directed=True),
    }


SETTINGS = ("uniform 0.18", "uniform 0.25", "per node")


def _thresholds(graph: nx.Graph, setting: str, rng: np.random.Generator) -> dict:
    if setting == "per node":
        return {node: float(rng.choice([0.1, 0.2, 0.25, 1 / 3, 0.5])) for node in graph.nodes}
    value = float(setting.split()[1])
    return dict.fromkeys(graph.nodes, value)


def test_ndlib_and_clsim_agree_on_every_graph_seed_and_threshold():
    cases = agreed = 0
    failures = []
    nontrivial = 0
    for name, graph in _graphs().items():
        nodes = list(graph.nodes)
        for s in range(3):
            rng = np.random.default_rng(1000 * s + len(name))
            for setting in SETTINGS:
                thresholds = _thresholds(graph, setting, rng)
                picks = rng.choice(len(nodes), size=1 + s * 4, replace=False)
                seeds = [nodes[i] for i in picks]
                theirs = _ndlib_final(graph, thresholds, seeds)
                ours = ThresholdContagion(
                    graph=graph, threshold=thresholds, seeds=seeds, collect=False, seed=0
                ).run()
                cases += 1
                nontrivial += len(theirs) > len(seeds)
                if set(ours.active_nodes()) == theirs:
                    agreed += 1
                else:
                    failures.append((name, s, setting, len(theirs), ours.active_count))
    print(f"NDlib oracle: {agreed} of {cases} final adopter sets identical ({nontrivial} spread)")
    assert not failures, failures
    assert nontrivial >= cases // 3, "too few cascades to test anything"


def test_the_strict_rule_would_disagree_with_the_oracle():
    """A check that can fail: on the degree-4 torus at phi = 1/4, '>' never spreads."""
    graph = nx.grid_2d_graph(10, 10, periodic=True)
    thresholds = dict.fromkeys(graph.nodes, 0.25)
    seeds = [(0, 0)]
    theirs = _ndlib_final(graph, thresholds, seeds)
    assert len(theirs) == 100  # one active neighbour of four is 1/4 >= 1/4
    strict = dict.fromkeys(graph.nodes, np.nextafter(0.25, 1.0))
    ours_strict = ThresholdContagion(graph=graph, threshold=strict, seeds=seeds, seed=0).run()
    assert ours_strict.active_count == 1

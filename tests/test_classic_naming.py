"""The binary-agreement naming game with committed agents (Xie et al. 2011)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from simulator.classic import spawn_seeds
from simulator.classic.naming_game import (
    OPINION_A,
    OPINION_AB,
    OPINION_B,
    NamingGame,
    consensus_times,
    mean_field_consensus_time,
    mean_field_critical_fraction,
    mean_field_rates,
)


def test_two_agents_by_hand():
    """One committed agent (A) and one holding B, on the complete graph of two.

    Each interaction the committed agent speaks with probability 1/2: B -> AB takes 2
    interactions on average. From AB, consensus follows when the committed agent speaks
    (1/2) or when the AB agent speaks and voices A (1/4): 4/3 interactions on average.
    Consensus time = (2 + 4/3) / 2 = 5/3 time units.
    """
    times = []
    for s in spawn_seeds(11, 3_000):
        game = NamingGame(n=2, committed=1, collect=False, seed=s).run(max_steps=10_000)
        assert game.opinion.tolist() == [OPINION_A, OPINION_A]
        times.append(game.consensus_time)
    mean = float(np.mean(times))
    se = float(np.std(times)) / np.sqrt(len(times))
    assert abs(mean - 5 / 3) < 4 * se, f"mean {mean:.3f} +- {se:.3f}, master_seed=11"


def test_rules_on_a_path_of_three():
    # path 0 - 1 - 2 with agent 0 committed: agents never talk past their neighbours and
    # the committed agent never changes; consensus must come through agent 1
    g = nx.path_graph(3)
    for s in range(20):
        game = NamingGame(graph=g, committed=1, collect=False, seed=s)
        committed = int(np.flatnonzero(game.committed)[0])
        for _ in range(200):
            game.step()
            assert game.opinion[committed] == OPINION_A
            if not game.running:
                break
        assert game.consensus_time is not None, f"seed={s}"
        assert set(game.opinion.tolist()) == {OPINION_A}


def test_without_committed_agents_nobody_moves():
    game = NamingGame(n=50, committed=0, seed=0)
    for _ in range(5):
        game.step()
    assert (game.opinion == OPINION_B).all() and game.consensus_time is None


def test_shares_add_up_and_are_recorded():
    game = NamingGame(n=200, committed_share=0.1, seed=4)
    for _ in range(3):
        game.step()
    a, b, ab = game.shares()
    assert a + b + ab == pytest.approx(1.0)
    assert a >= 0.1 and ab > 0
    frame = game.datacollector.get_model_vars_dataframe()
    assert len(frame) == 4  # the initial state and three time units
    assert set(np.unique(game.opinion)) <= {OPINION_A, OPINION_B, OPINION_AB}


def test_mean_field_critical_fraction():
    assert mean_field_critical_fraction() == pytest.approx(0.0979, abs=2e-4)


def test_mean_field_rates_by_hand():
    # everyone uncommitted holds B: only the committed can create AB holders
    da, db = mean_field_rates(0.1, 0.0, 0.9)
    assert (da, db) == pytest.approx((0.0, -0.09))
    assert mean_field_consensus_time(0.08, horizon=2_000) == np.inf
    assert 30 < mean_field_consensus_time(0.12) < 55


def test_below_the_critical_share_no_consensus_within_500():
    """p = 0.08, N = 1,000: the mixed state holds for 500 time units."""
    times, seeds = consensus_times(n=1_000, committed_share=0.08, runs=4, master_seed=2011)
    assert np.isnan(times).all(), f"consensus times {times}, seeds {seeds}"


def test_above_the_critical_share_consensus_is_fast():
    """p = 0.12, N = 1,000: consensus in roughly 30-55 time units."""
    times, seeds = consensus_times(n=1_000, committed_share=0.12, runs=12, master_seed=2012)
    assert np.isfinite(times).all(), f"no consensus in some runs: {times}, seeds {seeds}"
    assert 30 <= np.median(times) <= 55, f"median {np.median(times):.1f}, master_seed=2012"
    assert times.max() < 80, f"slowest {times.max():.1f}, master_seed=2012"


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="committed"):
        NamingGame(n=10, committed=11, seed=0)
    g = nx.empty_graph(3)
    g.add_edge(0, 1)
    with pytest.raises(ValueError, match="neighbour"):
        NamingGame(graph=g, committed=1, seed=0)

"""The convention game with a committed minority (Centola et al. 2018)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.classic.convention import (
    ConventionGame,
    adoption_map,
    convention_outcomes,
    tipping_fraction,
)


def test_mean_field_tipping_fraction_for_memory_12():
    assert tipping_fraction(12) == pytest.approx(0.24, abs=0.01)


def test_tipping_fraction_grows_with_memory():
    values = [tipping_fraction(m) for m in (4, 8, 12, 16)]
    assert values == sorted(values)
    assert values[0] == pytest.approx(1 / 9, abs=1e-3)  # M = 4 has a closed form


def test_adoption_map_by_hand():
    # M = 2: P(BB) + P(AB or BA) / 2 = q^2 + q (1 - q) = q
    assert float(adoption_map(0.3, 2)) == pytest.approx(0.3)
    # M = 3 (odd, no ties): P(at least 2 of 3)
    assert float(adoption_map(0.5, 3)) == pytest.approx(0.5)
    assert float(adoption_map(0.2, 3)) == pytest.approx(3 * 0.04 * 0.8 + 0.008)


def test_two_agents_by_hand():
    # one committed (always B) and one uncommitted with memory 3 starting A, A, A: it hears
    # B every round, so its memory holds 1, 2, 3 B's and it proposes A, A, then B (2 > 1.5)
    game = ConventionGame(n=2, committed=1, memory=3, seed=0)
    said = []
    for _ in range(4):
        game.step()
        said.append(int(game.proposals[~game.committed][0]))
    assert said == [0, 0, 1, 1]
    assert game.memory_b[~game.committed].tolist() == [3]
    assert game.coordination == 1.0


def test_ties_are_broken_at_random():
    # memory 2 with one B: a tie; over many agents about half propose B
    game = ConventionGame(n=2_000, committed=0, memory=2, seed=1)
    game.memory_b[:] = 1
    said = game.choose(game.rng.random(game.n))
    assert 0.45 < said.mean() < 0.55


def test_memory_counts_stay_consistent():
    game = ConventionGame(n=25, committed=6, memory=12, seed=3)
    for _ in range(60):
        game.step()
        assert np.array_equal(game.memory_b, game._buffer.sum(axis=1))
        assert game.proposals[game.committed].all()


def test_groups_of_25_tip_between_20_and_28_percent():
    """Groups of about 24 (here 25, 100 rounds): 20% committed fail, 28% flip."""
    fail, _, _ = convention_outcomes(n=25, committed=5, rounds=100, runs=100, master_seed=2018)
    flip, _, _ = convention_outcomes(n=25, committed=7, rounds=100, runs=100, master_seed=2019)
    assert fail.mean() < 0.5, f"20%: {fail.mean():.2f} flipped, master_seed=2018"
    assert flip.mean() > 0.5, f"28%: {flip.mean():.2f} flipped, master_seed=2019"


def test_without_committed_agents_nothing_changes():
    flipped, final, _ = convention_outcomes(n=25, committed=0, rounds=50, runs=5, master_seed=1)
    assert not flipped.any() and final.max() == 0.0


def test_datacollector_records_each_round():
    game = ConventionGame(n=24, committed_share=0.25, seed=5)
    assert game.n_committed == 6
    for _ in range(10):
        game.step()
    frame = game.datacollector.get_model_vars_dataframe()
    assert len(frame) == 10 and frame["b_share"].between(0, 1).all()

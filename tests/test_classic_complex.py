"""Complex contagion on lattices (Centola & Macy 2007) and noisy contagion (Eckles et al.)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.classic import graphs, spawn_seeds
from simulator.classic.complex_contagion import ComplexContagion


def _batch(runs: int, master_seed: int, **params) -> list[ComplexContagion]:
    return [
        ComplexContagion(collect=False, seed=s, **params).run(max_steps=5_000)
        for s in spawn_seeds(master_seed, runs)
    ]


# ------------------------------------------------------------------- hand-checkable


@pytest.mark.parametrize("seed", range(3))
def test_ring_of_ten_by_hand(seed):
    # ring n = 10, k = 4: the seed block (focal +- 2) covers 5 nodes; with a = 2 step 1
    # adds focal +- 3 (each sees two block nodes); step 2 adds the last three: focal + 5
    # sees focal +- 3, and focal +- 4 see focal +- 2 and +- 3. Then nothing changes.
    model = ComplexContagion(n=10, k=4, threshold=2, seed=seed).run()
    assert model.history == pytest.approx([0.5, 0.7, 1.0, 1.0]), f"seed={seed}"
    # a = 3 cannot leave the block: the nodes next to it see only two adopters
    stuck = ComplexContagion(n=10, k=4, threshold=3, seed=seed).run()
    assert stuck.history == pytest.approx([0.5, 0.5]), f"seed={seed}"


def test_seeding_is_a_node_and_its_neighbours():
    model = ComplexContagion(n=50, k=4, threshold=2, seed=3)
    seeds = np.flatnonzero(model.seeds)
    assert seeds.size == 5
    focal = [i for i in seeds if {(i + d) % 50 for d in (-2, -1, 1, 2)} <= set(seeds)]
    assert len(focal) == 1


def test_grid_lattice_by_hand():
    # 5 x 5 Moore torus, 3 x 3 seed block: the node facing the middle of a side sees 3
    # adopters (a corner-facing node sees 1), so a = 3 spreads and a = 4 stays at 9
    spread = ComplexContagion(lattice="grid", n=25, threshold=3, seed=0).run()
    assert spread.active.all()
    stuck = ComplexContagion(lattice="grid", n=25, threshold=4, seed=0).run()
    assert stuck.active.sum() == 9


@pytest.mark.parametrize("seed", range(3))
def test_rewiring_preserves_every_degree(seed):
    rng = np.random.default_rng(seed)
    n = 1_000
    ring = graphs.ring_lattice_edges(n, 4)
    rewired = graphs.rewire_degree_preserving(ring, n, 0.1, rng)
    before = np.bincount(np.concatenate(ring), minlength=n)
    after = np.bincount(np.concatenate(rewired), minlength=n)
    assert np.array_equal(before, after), f"seed={seed}"
    keys = rewired[0] * n + rewired[1]
    assert np.unique(keys).size == keys.size and np.all(rewired[0] < rewired[1])
    moved = np.setdiff1d(keys, ring[0] * n + ring[1]).size
    assert 0.08 * keys.size <= moved <= 0.1 * keys.size, f"seed={seed}: {moved} ties moved"


# ------------------------------------------------------------------ Centola & Macy


RING = dict(n=1_000, k=4)


def test_complex_contagion_spreads_fully_without_rewiring():
    models = _batch(5, 2007, threshold=2, rewiring=0.0, **RING)
    assert all(m.active.all() for m in models), "master_seed=2007"


def test_complex_contagion_dies_with_one_percent_rewiring():
    models = _batch(40, 2008, threshold=2, rewiring=0.01, **RING)
    mean = float(np.mean([m.active_share for m in models]))
    assert mean < 0.2, f"mean adoption {mean:.3f}, master_seed=2008"


@pytest.mark.parametrize("rewiring", [0.0, 0.01])
def test_simple_contagion_always_spreads(rewiring):
    models = _batch(20, 2009, threshold=1, rewiring=rewiring, **RING)
    assert all(m.active.all() for m in models), f"rewiring={rewiring}, master_seed=2009"


def test_simple_contagion_is_faster_with_long_ties():
    lattice = _batch(5, 2010, threshold=1, rewiring=0.0, **RING)
    rewired = _batch(20, 2011, threshold=1, rewiring=0.01, **RING)
    t0 = np.mean([m.time_to_share(1.0) for m in lattice])
    t1 = np.mean([m.time_to_share(1.0) for m in rewired])
    # the lattice front moves 2 nodes a step each way: (1000 - 5) / 4 steps
    assert t0 == pytest.approx(np.ceil(995 / 4))
    assert t1 < 0.6 * t0, f"{t1:.1f} vs {t0:.1f} steps, master_seeds 2010/2011"


@pytest.mark.slow
def test_noise_reverses_the_effect_of_long_ties():
    """Eckles et al. (2024): with below-threshold noise of order 1/sqrt(N), rewiring helps."""
    noise = 0.03
    lattice = _batch(10, 2012, threshold=2, rewiring=0.0, adoption_noise=noise, **RING)
    rewired = _batch(10, 2013, threshold=2, rewiring=0.1, adoption_noise=noise, **RING)
    t0 = np.mean([m.time_to_share(0.9) for m in lattice])
    t1 = np.mean([m.time_to_share(0.9) for m in rewired])
    assert t1 < 0.5 * t0, f"{t1:.1f} vs {t0:.1f} steps to 90%, master_seeds 2012/2013"
    quiet = _batch(10, 2014, threshold=2, rewiring=0.1, **RING)
    assert max(m.active_share for m in quiet) < 0.5  # without noise it still dies


def test_noise_zero_is_the_noiseless_model():
    a = ComplexContagion(threshold=2, rewiring=0.05, seed=9, **RING).run()
    b = ComplexContagion(threshold=2, rewiring=0.05, adoption_noise=0.0, seed=9, **RING).run()
    assert np.array_equal(a.active, b.active)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="lattice"):
        ComplexContagion(lattice="cube", seed=0)
    with pytest.raises(ValueError, match="square"):
        ComplexContagion(lattice="grid", n=1_000, seed=0)
    with pytest.raises(ValueError, match="even"):
        ComplexContagion(n=100, k=3, seed=0)
    with pytest.raises(ValueError, match="adoption_noise"):
        ComplexContagion(adoption_noise=2.0, seed=0)

"""A tie matrix's values read as codes into a table are the stored values, bit for bit.

``simulator.sparse_codes`` lets the aggregates' row loop read each tie's value as a small
code; the products are only the same if ``table[codes]`` is ``W.data`` to the last bit,
signed zeros and NaNs included. The network's own codes (built with ``W`` by one compiled
pass, ``simulator.tie_codes``) must agree with the gated values the docstring of
:meth:`SocialNetwork.weights` defines, for one run and for an ensemble whose runs have their
own gates, and the unsigned positions it attaches must be the matrix's own.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import Engine, build_run
from simulator.sparse_codes import code_dtype, codes_of, unsigned_structure

from .conftest import tiny

VALUES = st.sampled_from([0.0, -0.0, 1.0, 0.25, 0.1 + 0.2, np.nan, -3.5, 1e-300])


def _bits(a: np.ndarray) -> bytes:
    return np.asarray(a, dtype=np.float64).tobytes()


@settings(max_examples=100, deadline=None)
@given(values=st.lists(VALUES | st.floats(allow_nan=True, width=64), min_size=0, max_size=60),
       seed=st.integers(0, 2**32 - 1))
def test_codes_of_any_matrix_give_back_its_values(values, seed) -> None:
    rng = np.random.default_rng(seed)
    n = 12
    pos = rng.choice(n * n, size=min(len(values), n * n), replace=False)
    data = np.array(values[: pos.size], dtype=np.float64)
    M = sp.csr_matrix((data, (pos // n, pos % n)), shape=(n, n))
    codes, table = codes_of(M)
    assert _bits(table[codes]) == _bits(M.data)
    assert codes_of(M)[0] is codes  # kept on the matrix while it holds the same values


def test_code_dtype_is_the_smallest_that_indexes_the_table() -> None:
    assert [code_dtype(k) for k in (1, 256, 257, 65536, 65537)] == [np.uint8, np.uint8, np.uint16, np.uint16, np.uint32]


def _gated_values(net, gates: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """The values ``SocialNetwork.weights`` defines: the entry's gate, 0 where its layer is excluded at an end."""
    data = gates[net.layer] if gates.ndim == 1 else gates[net.entry_run, net.layer]
    bit = np.left_shift(np.uint16(1), net.layer.astype(np.uint16))
    off = ((excluded[net.row] | excluded[net.indices]) & bit) != 0
    return np.where(off, 0.0, data)


def _exclusions(net, rng: np.random.Generator) -> np.ndarray:
    n_layers = int(net.layer.max()) + 1
    return (rng.integers(0, 1 << n_layers, net.n) * (rng.random(net.n) < 0.3)).astype(np.uint16)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_network_codes_are_its_gated_values_one_run(seed) -> None:
    net = Engine([build_run(tiny(), 0)]).network
    rng = np.random.default_rng(seed)
    gates = rng.random(int(net.layer.max()) + 1)
    excluded = _exclusions(net, rng)
    W = net.weights(gates, excluded)
    assert _bits(W.data) == _bits(_gated_values(net, gates, excluded))
    codes, table = codes_of(W)
    assert table.size == gates.size + 1  # the network's own codes, not a search over the values
    assert _bits(table[codes]) == _bits(W.data)
    cross = net.cross_cluster(W)
    c_codes, c_table = codes_of(cross)
    assert c_table is table and _bits(c_table[c_codes]) == _bits(cross.data)
    _assert_unsigned_copies(W)
    _assert_unsigned_copies(cross)


def _assert_unsigned_copies(M: sp.csr_matrix) -> None:
    """The unsigned row pointers and columns the kernels index with are the matrix's own."""
    indptr, indices = unsigned_structure(M)
    assert indptr.dtype == np.uint64 and indices.dtype == np.uint32
    assert np.array_equal(indptr, M.indptr) and np.array_equal(indices, M.indices)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_network_codes_are_its_gated_values_in_an_ensemble(seed) -> None:
    sc = tiny()
    net = Engine([build_run(sc, k) for k in range(3)]).network
    rng = np.random.default_rng(seed)
    gates = rng.random((3, int(net.layer.max()) + 1))
    excluded = _exclusions(net, rng)
    W = net.weights(gates, excluded)
    assert _bits(W.data) == _bits(_gated_values(net, gates, excluded))
    codes, table = codes_of(W)
    assert table.size == gates.size + 3
    assert _bits(table[codes]) == _bits(W.data)
    _assert_unsigned_copies(W)
    _assert_unsigned_copies(net.cross_cluster(W))

"""A tie matrix's values as small codes into a table of the few values it holds.

A gated weight matrix ``W`` holds one value a layer and run (the layer's gate) or 0 (a
layer excluded at either end; ``simulator.network``), so its 155,000 values at 10,000
agents are 7 distinct numbers. The aggregates' row loop (``simulator.processes.kernels``)
reads each stored entry's column and value once a month; read as a one- or two-byte code
into that table, a tie costs 5 bytes of memory traffic instead of 12, and the value read
is the same float, so every sum is the same to the last bit.

The network attaches the codes when it builds ``W`` (it knows each entry's layer, so no
search is needed); any other matrix (the collective ties, a test's matrix) gets them from
``np.unique`` once and keeps them while it holds the same value array. They are kept on
the matrix object, as the kernels' unsigned copies of its row pointers and columns are
(:func:`unsigned_structure`). So a matrix's values must not be changed in place once it
has been used in a product (no code of the package does; the tie matrices are rebuilt when
their weights change).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["code_dtype", "attach_codes", "codes_of", "attach_unsigned", "unsigned_structure"]

_ATTR = "_clsim_codes"
_UNSIGNED = "_clsim_unsigned"


def code_dtype(table_size: int) -> type[np.unsignedinteger]:
    """The smallest unsigned type that indexes a table of ``table_size`` values."""
    if table_size <= 1 << 8:
        return np.uint8
    if table_size <= 1 << 16:
        return np.uint16
    return np.uint32


def attach_codes(M: sp.csr_matrix, codes: NDArray[np.unsignedinteger], table: NDArray[np.float64]) -> None:
    """Record that ``M.data == table[codes]`` (the caller guarantees it)."""
    try:
        setattr(M, _ATTR, (M.data, M.nnz, codes, table))
    except AttributeError:  # a matrix type without instance attributes: codes_of finds them
        pass


def codes_of(M: sp.csr_matrix) -> tuple[NDArray[np.unsignedinteger], NDArray[np.float64]]:
    """``(codes, table)`` with ``table[codes]`` equal, value for value, to ``M.data``."""
    cached = getattr(M, _ATTR, None)
    if cached is not None and cached[0] is M.data and cached[1] == M.nnz:
        return cached[2], cached[3]
    data = np.asarray(M.data, dtype=np.float64)
    table, inverse = np.unique(data, return_inverse=True)
    codes = inverse.astype(code_dtype(table.size))
    # np.unique keeps one of +0.0 and -0.0; a product must add the value actually stored
    if not np.array_equal(table[codes].view(np.uint64), data.view(np.uint64)):
        codes, table = np.arange(data.size, dtype=np.uint32), data
    attach_codes(M, codes, table)
    return codes, table


def attach_unsigned(M: sp.csr_matrix, indptr: NDArray[np.uint64], indices: NDArray[np.uint32]) -> None:
    """Record unsigned copies of ``M``'s row pointers and columns (the caller guarantees them)."""
    try:
        setattr(M, _UNSIGNED, (M.indptr, M.indices, M.nnz, (indptr, indices)))
    except AttributeError:  # a matrix type without instance attributes: unsigned_structure copies
        pass


def unsigned_structure(M: sp.csr_matrix) -> tuple[NDArray[np.uint64], NDArray[np.uint32]]:
    """``M``'s row pointers as ``uint64`` and columns as ``uint32``, copied once.

    numba indexes with unsigned positions without checking for negative ones, which made
    the aggregates' row loop about a fifth slower and the weights' code pass twice as slow.
    The copies are kept on the matrix with the arrays they copy and reused while it holds
    those same arrays; the network attaches its own, made once, to every ``W`` it builds.
    """
    cached = getattr(M, _UNSIGNED, None)
    if cached is not None and cached[0] is M.indptr and cached[1] is M.indices and cached[2] == M.nnz:
        return cached[3]
    indptr, indices = M.indptr.astype(np.uint64), M.indices.astype(np.uint32)
    attach_unsigned(M, indptr, indices)
    return indptr, indices

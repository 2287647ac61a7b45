"""The gated tie matrix's codes and values in one compiled pass over its entries.

:meth:`simulator.network.SocialNetwork.weights` gives every stored entry its layer's
gate, or 0 where the layer is excluded at either end, as a code into a table of the gates
(:mod:`simulator.sparse_codes`). Written as NumPy passes (two gathers of the agents'
exclusion bits, a mask, a masked store, ``table[codes]``) this cost about 0.6 ms at
10,000 agents, about five sparse mat-vecs, each time the gates or a membership change
(about one month in ten): three quarters of a mat-vec a month on average. One loop over
the rows reads the row's bits once and writes each entry's code and value; the codes are
the same integers, so the values are the same floats. Imported with the first weights,
not with the CLI (numba's import is not free).
"""

from __future__ import annotations

from numba import njit

__all__ = ["gated_codes"]


@njit(cache=True, nogil=True)
def gated_codes(indptr, indices, layer, excluded, entry_run, run_stride, excluded_code, table, codes, data):
    """Each entry's code and value, in place.

    Entry ``p`` of row ``r`` to column ``j`` in layer ``l``: code ``l``, or
    ``excluded_code`` (the table's 0) when bit ``l`` is set in ``excluded[r]`` or
    ``excluded[j]``; plus ``entry_run[p] * run_stride`` when ``run_stride`` is not 0 (an
    ensemble whose runs' gates differ: each run has its own row of the table; otherwise
    ``entry_run`` is not read). ``data[p] = table[codes[p]]``.
    """
    for r in range(indptr.size - 1):
        ex_r = excluded[r]
        for p in range(indptr[r], indptr[r + 1]):
            lay = layer[p]
            code = excluded_code if ((ex_r | excluded[indices[p]]) >> lay) & 1 else lay
            if run_stride:
                code += entry_run[p] * run_stride
            codes[p] = code
            data[p] = table[code]

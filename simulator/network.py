"""The social network: typed tie layers held as one sparse matrix with per-layer gates.

Ties come in layers (seed 000: relationships, networks and spaces to collaborate):

========== ===========================================================================
layer      ties
========== ===========================================================================
school     staff of a school (principal, teachers, fellows placed there): a clique
cluster    teachers (and fellows) to teachers in other schools of the cluster;
           principals to principals of the cluster and of the two neighbouring
           clusters of the district (clusters of a district form a ring)
parent     parents to their school's principal and teachers, and to another parent
oversight  the administration's hierarchy: each block (cluster) official to the
           principals of its cluster, to the district officials of its district and to
           a few other block officials of the district; district officials to one
           another (within their district) and to one state official; state officials
           to one another
alumni     fellows/alumni to other fellows/alumni of their district (the alumni network)
bridging   alumni to principals of their and a neighbouring cluster, and to a block
           official of their cluster (connect strategy)
community  fellows/alumni to parents of their school (connect strategy)
enabler    transformational-enabler alumni to principals and parents of their cluster
policy     policy alumni to the officials of their district, one state official and
           some principals of their district
collective teachers to teachers of their cluster when the cluster's collective meets
convening  invited participants of a district's cross-stakeholder convenings
========== ===========================================================================

All possible ties are drawn once, at build, with the run's generator (directly as
index arrays, so a 1,000,000-agent system never goes through networkx). Which ties
count in a given month depends on strategy gates (a weight per layer) and on who takes
part (a 0/1 membership per layer and agent, kept as each agent's bit field of the layers
it is out of), so the effective weight matrix is

    W = sum_l gate_l * diag(m_l) A_l diag(m_l)

over every layer but the collective one, stored in CSR order once; re-weighting it is
one pass over its entries and happens only when a gate changes (schedule edges) or
when fellows graduate. The collective layer changes with the month (clusters form and
drop collectives), so it is kept apart as its own adjacency ``A_c`` and applied as
``m * (A_c @ (m * X))`` with this month's membership ``m``: no re-weighting at all.
Who is present (arrivals, departures) is handled by the speaker weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import networkx as nx
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .layout import Layout
from .roles import ROLE_NAMES, AlumniTrack
from .scenario import Scenario
from .sparse_codes import attach_codes, attach_unsigned, code_dtype, codes_of

__all__ = ["Layer", "SocialNetwork", "build_network"]


class Layer(IntEnum):
    """Tie layers (index into gates and membership rows)."""

    SCHOOL = 0
    CLUSTER = 1
    PARENT = 2
    OVERSIGHT = 3
    ALUMNI = 4
    BRIDGING = 5
    COMMUNITY = 6
    ENABLER = 7
    POLICY = 8
    COLLECTIVE = 9
    CONVENING = 10


N_LAYERS = len(Layer)


class _EdgeList:
    """Accumulates undirected edges (i, j, layer) as index arrays, one batch per ``add``.

    Each ``add`` is one batch: its self-loops are dropped and every tie is stored once,
    as (min, max); a tie repeated *within* a batch counts once, a tie drawn by two
    batches counts twice (both are kept). Deduplication is deferred to
    :func:`_csr_entries`, which does it for all batches in one sort.
    """

    def __init__(self) -> None:
        self.rows: list[NDArray[np.int64]] = []
        self.cols: list[NDArray[np.int64]] = []
        self.layers: list[int] = []

    def add(self, i: NDArray[np.int64], j: NDArray[np.int64], layer: Layer) -> None:
        i = np.asarray(i, dtype=np.int64).ravel()
        j = np.asarray(j, dtype=np.int64).ravel()
        keep = i != j
        if not keep.all():
            i, j = i[keep], j[keep]
        self.rows.append(np.minimum(i, j))
        self.cols.append(np.maximum(i, j))
        self.layers.append(int(layer))

    def batches(self, layers: set[int] | None = None) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int8]]:
        """(lo, hi, batch index, layer of each batch) of the batches in ``layers`` (all by default)."""
        chosen = [k for k, lay in enumerate(self.layers) if layers is None or lay in layers]
        if not chosen:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, np.zeros(0, dtype=np.int8)
        lo = np.concatenate([self.rows[k] for k in chosen])
        hi = np.concatenate([self.cols[k] for k in chosen])
        batch = np.repeat(np.arange(len(chosen), dtype=np.int64), [self.rows[k].size for k in chosen])
        return lo, hi, batch, np.array([self.layers[k] for k in chosen], dtype=np.int8)


def _within(starts: NDArray[np.int64], size: int, k: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """K random members of each group [start, start + size) for each start (n x k)."""
    return starts[:, None] + rng.integers(0, size, size=(starts.size, k))


def _clique_pairs(starts: NDArray[np.int64], size: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    a, b = np.triu_indices(size, k=1)
    return (starts[:, None] + a[None, :]).ravel(), (starts[:, None] + b[None, :]).ravel()


def _same_group_picks(
    members: NDArray[np.int64], group: NDArray[np.int64], k: int, rng: np.random.Generator
) -> NDArray[np.int64]:
    """K random members of the same group for each member (``group`` sorted; n x k)."""
    starts = np.searchsorted(group, group, side="left")
    ends = np.searchsorted(group, group, side="right")
    pick = starts[:, None] + (rng.random((members.size, k)) * (ends - starts)[:, None]).astype(np.int64)
    return members[pick]


def _neighbour_cluster(clusters: NDArray[np.int64], lay: Layout, rng: np.random.Generator) -> NDArray[np.int64]:
    """One of the two neighbouring clusters of each cluster (a ring within its district)."""
    per = lay.clusters_per_district
    district, pos = clusters // per, clusters % per
    step = np.where(rng.random(clusters.size) < 0.5, -1, 1)
    return district * per + (pos + step) % per


def _random_teacher(schools: NDArray[np.int64], lay: Layout, rng: np.random.Generator) -> NDArray[np.int64]:
    return lay.teacher_start[schools] + rng.integers(0, lay.teachers_per_school, size=schools.shape)


def _random_school_in_cluster(clusters: NDArray[np.int64], lay: Layout, rng: np.random.Generator, k: int) -> NDArray[np.int64]:
    return clusters[:, None] * lay.schools_per_cluster + rng.integers(
        0, lay.schools_per_cluster, size=(clusters.size, k)
    )


def _draw_edges(scenario: Scenario, lay: Layout, rng: np.random.Generator) -> _EdgeList:
    net = scenario.network
    edges = _EdgeList()
    schools = np.arange(lay.n_schools, dtype=np.int64)
    T = lay.teachers_per_school

    # school: clique of principal + teachers; fellows to every staff member and to
    # each other fellow placed in the same school.
    a, b = _clique_pairs(lay.principal, 1 + T)
    edges_school_i, edges_school_j = [a], [b]
    fs = lay.fellow_school
    if fs.size:
        staff = lay.principal[fs][:, None] + np.arange(1 + T)[None, :]
        edges_school_i.append(np.repeat(lay.fellows, 1 + T))
        edges_school_j.append(staff.ravel())
        # every pair of fellows placed in the same school
        order = np.argsort(fs, kind="stable")
        sorted_f, sorted_s = lay.fellows[order], fs[order]
        pos = np.arange(sorted_s.size)
        first = np.flatnonzero(np.r_[True, sorted_s[1:] != sorted_s[:-1]])
        start = np.repeat(first, np.diff(np.r_[first, sorted_s.size]))
        before = pos - start  # fellows of the same school placed before this one
        total = int(before.sum())
        if total:
            later = np.repeat(pos, before)
            offset = np.arange(total) - np.repeat(np.cumsum(before) - before, before)
            edges_school_i.append(sorted_f[later])
            edges_school_j.append(sorted_f[np.repeat(start, before) + offset])
    edges.add(np.concatenate(edges_school_i), np.concatenate(edges_school_j), Layer.SCHOOL)

    # cluster: teachers and fellows to teachers elsewhere in the cluster; principals too.
    teacher_idx = (lay.teacher_start[:, None] + np.arange(T)[None, :]).ravel()
    teacher_school = np.repeat(schools, T)
    k = net.cluster_ties_per_teacher
    if k:
        src = np.concatenate([teacher_idx, lay.fellows])
        src_cluster = np.concatenate([teacher_school, fs]) // lay.schools_per_cluster
        tgt_school = _random_school_in_cluster(src_cluster, lay, rng, k)
        edges.add(np.repeat(src, k), _random_teacher(tgt_school.ravel(), lay, rng), Layer.CLUSTER)
    k = net.principal_ties
    if k and lay.schools_per_cluster > 1:
        tgt_school = _random_school_in_cluster(schools // lay.schools_per_cluster, lay, rng, k)
        edges.add(np.repeat(lay.principal, k), lay.principal[tgt_school.ravel()], Layer.CLUSTER)
    k = net.principal_cross_cluster_ties
    if k and lay.clusters_per_district > 1:
        home = np.repeat(schools // lay.schools_per_cluster, k)
        tgt_cluster = _neighbour_cluster(home, lay, rng)
        tgt_school = _random_school_in_cluster(tgt_cluster, lay, rng, 1).ravel()
        edges.add(np.repeat(lay.principal, k), lay.principal[tgt_school], Layer.CLUSTER)

    # parent: to the principal, to parent_ties teachers, to one other parent.
    P = lay.parents_per_school
    if P:
        parent_idx = (lay.parent_start[:, None] + np.arange(P)[None, :]).ravel()
        parent_school = np.repeat(schools, P)
        edges.add(parent_idx, lay.principal[parent_school], Layer.PARENT)
        k = net.parent_ties
        if k:
            edges.add(
                np.repeat(parent_idx, k),
                _random_teacher(np.repeat(parent_school, k), lay, rng),
                Layer.PARENT,
            )
        if P > 1:
            edges.add(parent_idx, lay.parent_start[parent_school] + rng.integers(0, P, parent_idx.size), Layer.PARENT)

    # oversight: the administration's hierarchy (block -> district -> state).
    S = lay.schools_per_cluster
    cof, cof_cluster = lay.cluster_officials, lay.cluster_official_cluster
    dof, dof_district = lay.district_officials, lay.district_official_district
    sof = lay.state_officials
    if cof.size:
        prin = lay.principal[(cof_cluster[:, None] * S + np.arange(S)[None, :])]
        edges.add(np.repeat(cof, S), prin.ravel(), Layer.OVERSIGHT)
        cof_district = cof_cluster // lay.clusters_per_district
        k = net.official_peer_ties
        if k:
            order = np.argsort(cof_district, kind="stable")
            peers = _same_group_picks(cof[order], cof_district[order], k, rng)
            edges.add(np.repeat(cof[order], k), peers.ravel(), Layer.OVERSIGHT)
        if dof.size:
            i, j = np.nonzero(dof_district[:, None] == cof_district[None, :])
            edges.add(dof[i], cof[j], Layer.OVERSIGHT)
    if dof.size:
        # a clique of each district's officials (contiguous, officials_per_district each)
        per = dof.size // lay.n_districts
        if per > 1:
            a, b = _clique_pairs(dof[::per], per)
            edges.add(a, b, Layer.OVERSIGHT)
        if sof.size:
            edges.add(dof, sof[rng.integers(0, sof.size, dof.size)], Layer.OVERSIGHT)
    if sof.size > 1:
        a, b = _clique_pairs(sof[:1], sof.size)
        edges.add(a, b, Layer.OVERSIGHT)

    if lay.fellows.size:
        f, f_cluster = lay.fellows, fs // S
        f_district = f_cluster // lay.clusters_per_district
        # alumni network: random other fellow slots of the same district.
        k = net.alumni_ties_per_fellow
        if k:
            order = np.argsort(f_district, kind="stable")
            picks = _same_group_picks(f[order], f_district[order], k, rng)
            edges.add(np.repeat(f[order], k), picks.ravel(), Layer.ALUMNI)
        # bridging: principals of the cluster, plus the cluster's officials.
        k = net.bridging_ties_per_alumnus
        if k:
            # half of an alumnus's bridges reach a neighbouring cluster: alumni carry
            # practice between clusters (seed 003: collectives spread by example)
            home = np.repeat(f_cluster, k)
            away = rng.random(home.size) < 0.5
            tgt_cluster = np.where(away, _neighbour_cluster(home, lay, rng), home)
            tgt_school = _random_school_in_cluster(tgt_cluster, lay, rng, 1).ravel()
            edges.add(np.repeat(f, k), lay.principal[tgt_school], Layer.BRIDGING)
            if lay.cluster_officials.size:
                per = lay.cluster_officials.size // lay.n_clusters
                edges.add(f, lay.cluster_officials[f_cluster * per + rng.integers(0, per, f.size)], Layer.BRIDGING)
        # community: parents of the fellow's school.
        if P:
            k = min(3, P)
            edges.add(np.repeat(f, k), (lay.parent_start[fs][:, None] + rng.integers(0, P, (f.size, k))).ravel(), Layer.COMMUNITY)
        # enabler alumni: principals and parents of three schools in the cluster.
        en = lay.fellow_track == AlumniTrack.ENABLER
        if en.any():
            tgt_school = _random_school_in_cluster(f_cluster[en], lay, rng, 3)
            edges.add(np.repeat(f[en], 3), lay.principal[tgt_school.ravel()], Layer.ENABLER)
            if P:
                edges.add(
                    np.repeat(f[en], 3),
                    lay.parent_start[tgt_school.ravel()] + rng.integers(0, P, tgt_school.size),
                    Layer.ENABLER,
                )
        # policy alumni: the officials of their district and three principals.
        po = lay.fellow_track == AlumniTrack.POLICY
        if po.any():
            officials = np.concatenate([lay.cluster_officials, lay.district_officials])
            off_district = np.concatenate(
                [lay.cluster_official_cluster // lay.clusters_per_district, lay.district_official_district]
            )
            if officials.size:
                i, j = np.nonzero(f_district[po][:, None] == off_district[None, :])
                edges.add(f[po][i], officials[j], Layer.POLICY)
            if lay.state_officials.size:
                sof = lay.state_officials
                edges.add(f[po], sof[rng.integers(0, sof.size, int(po.sum()))], Layer.POLICY)
            first_school = f_district[po] * lay.clusters_per_district * S
            tgt = first_school[:, None] + rng.integers(0, lay.clusters_per_district * S, (po.sum(), 3))
            edges.add(np.repeat(f[po], 3), lay.principal[tgt.ravel()], Layer.POLICY)

    # collective: teachers (and fellows) to teachers of their cluster.
    k = net.collective_ties_per_teacher
    if k:
        src = np.concatenate([teacher_idx, lay.fellows])
        src_cluster = np.concatenate([teacher_school, fs]) // S
        tgt_school = _random_school_in_cluster(src_cluster, lay, rng, k)
        edges.add(np.repeat(src, k), _random_teacher(tgt_school.ravel(), lay, rng), Layer.COLLECTIVE)

    # convening: invited participants of each district, a clique per district.
    conv = scenario.convene.convenings
    if conv.per_year > 0:
        wanted = np.isin(lay.role, [_ROLE_CODES[r] for r in conv.roles if r != "alumnus"])
        if "alumnus" in conv.roles:
            wanted[lay.fellows] = True
        # each district's pool in slot order; one draw per district, in district order
        # (the loop is over districts, not people: 40 iterations at a million agents)
        cand = np.flatnonzero(wanted & (lay.district >= 0))
        cand = cand[np.argsort(lay.district[cand], kind="stable")]
        bounds = np.searchsorted(lay.district[cand], np.arange(lay.n_districts + 1))
        for d in range(lay.n_districts):
            pool = cand[bounds[d] : bounds[d + 1]]
            if pool.size < 2:
                continue
            chosen = rng.choice(pool, size=min(conv.participants, pool.size), replace=False)
            a, b = np.triu_indices(chosen.size, k=1)
            edges.add(chosen[a], chosen[b], Layer.CONVENING)
    return edges


_ROLE_CODES = {name: code for code, name in ROLE_NAMES.items()}


@dataclass
class SocialNetwork:
    """All possible ties, in CSR order, with their layers; produces the gated matrix ``W``.

    Attributes:
        n: number of agent slots.
        indptr, indices: CSR structure of the symmetric tie matrix (both directions) of
            every layer but the collective one.
        layer: layer of each stored entry (int8), aligned with ``indices``.
        row: row of each stored entry, aligned with ``indices`` (used to find the cross-cluster entries).
        collective: 0/1 adjacency of the collective layer (symmetric CSR), applied with
            this month's membership (see module docstring).
    """

    n: int
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    layer: NDArray[np.int8]
    row: NDArray[np.int32]
    role: NDArray[np.int8] = field(repr=False)
    school: NDArray[np.int32] = field(repr=False)
    cluster: NDArray[np.int32] = field(repr=False)
    district: NDArray[np.int32] = field(repr=False)
    collective: sp.csr_matrix = field(repr=False, default=None)
    entry_run: NDArray[np.int32] | None = field(repr=False, default=None)
    _cross: tuple[NDArray[np.integer], ...] | None = field(repr=False, default=None)
    _unsigned: tuple[NDArray[np.uint64], NDArray[np.uint32]] | None = field(repr=False, compare=False, default=None)

    @property
    def n_ties(self) -> int:
        """Number of undirected ties over all layers."""
        return int((self.indices.size + self.collective.nnz) // 2)

    def weights(self, gates: NDArray[np.float64], excluded: NDArray[np.uint16]) -> sp.csr_matrix:
        """The gated weight matrix ``W`` for layer gates and each agent's excluded layers.

        ``gates`` is one weight a layer (L,), or, for an ensemble of runs laid side by side
        (``simulator.ensemble``), one row a run (runs, L) read through ``entry_run``.
        ``excluded`` is :func:`simulator.processes.ties.layer_exclusions`: an entry keeps its
        layer's gate unless its layer is excluded at either end, where it is 0 (the
        ``gate * m[layer, row] * m[layer, col]`` of the module docstring, with 0/1 ``m``).

        The matrix carries its values as codes into a table of the gates and 0
        (:mod:`simulator.sparse_codes`): code ``layer`` for a run's gate of ``layer``, code
        ``L`` for 0, offset by ``run * (L + 1)`` in an ensemble with gates by run.
        """
        n_layers = gates.shape[-1]
        zero = np.zeros(1) if gates.ndim == 1 else np.zeros((gates.shape[0], 1))
        table = np.ascontiguousarray(np.hstack([gates, zero]), dtype=np.float64).ravel()
        dtype = code_dtype(table.size)
        from .tie_codes import gated_codes  # compiled: imported with the first weights

        codes = np.empty(self.layer.size, dtype=dtype)
        data = np.empty(self.layer.size)
        by_run = gates.ndim == 2
        entry_run = self.entry_run if by_run else np.zeros(0, dtype=np.int32)
        indptr_u, indices_u = self._unsigned_structure()
        gated_codes(indptr_u, indices_u, self.layer.view(np.uint8), np.asarray(excluded, dtype=np.uint16), entry_run,
                    n_layers + 1 if by_run else 0, n_layers, table, codes, data)
        W = sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))
        attach_codes(W, codes, table)
        attach_unsigned(W, indptr_u, indices_u)
        return W

    def _unsigned_structure(self) -> tuple[NDArray[np.uint64], NDArray[np.uint32]]:
        """Unsigned copies of the row pointers and columns, made once (the kernels index with them)."""
        if self._unsigned is None:
            self._unsigned = (self.indptr.astype(np.uint64), self.indices.astype(np.uint32))
        return self._unsigned

    def cross_cluster(self, W: sp.csr_matrix) -> sp.csr_matrix:
        """``W`` restricted to ties between agents of two different clusters (both in one).

        Only those entries are stored (the others would be zeros that add nothing to a
        product), so the product over them costs a fraction of one over ``W``; which
        entries they are is fixed at build and found once.
        """
        if self._cross is None:
            a, b = self.cluster[self.row], self.cluster[self.indices]
            keep = (a >= 0) & (b >= 0) & (a != b)
            indptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.row[keep], minlength=self.n), out=indptr[1:])
            pos = np.flatnonzero(keep)
            indices = self.indices[pos]
            self._cross = (pos, indptr.astype(self.indptr.dtype), indices, indptr.astype(np.uint64), indices.astype(np.uint32))
        pos, indptr, indices, indptr_u, indices_u = self._cross
        cross = sp.csr_matrix((W.data[pos], indices, indptr), shape=(self.n, self.n))
        codes, table = codes_of(W)
        attach_codes(cross, codes[pos], table)
        attach_unsigned(cross, indptr_u, indices_u)
        return cross

    def to_networkx(self, active: NDArray[np.bool_] | None = None) -> nx.Graph:
        """A networkx graph for analysis and drawing.

        Nodes carry ``role``, ``school``, ``cluster``, ``district``; edges carry ``layers``
        (the layers the tie belongs to). Pass ``active`` to keep only present agents.
        """
        g = nx.Graph()
        nodes = np.arange(self.n) if active is None else np.flatnonzero(active)
        for i in nodes:
            g.add_node(
                int(i),
                role=ROLE_NAMES[int(self.role[i])],
                school=int(self.school[i]),
                cluster=int(self.cluster[i]),
                district=int(self.district[i]),
            )
        coo = sp.triu(self.collective, k=1).tocoo()
        rows = np.concatenate([self.row, coo.row])
        cols = np.concatenate([self.indices, coo.col])
        lyrs = np.concatenate([self.layer, np.full(coo.nnz, int(Layer.COLLECTIVE), dtype=np.int8)])
        upper = rows < cols
        keep_nodes = set(int(i) for i in nodes)
        for i, j, lay in zip(rows[upper], cols[upper], lyrs[upper], strict=True):
            i, j = int(i), int(j)
            if i not in keep_nodes or j not in keep_nodes:
                continue
            name = Layer(int(lay)).name.lower()
            if g.has_edge(i, j):
                g[i][j]["layers"].append(name)
            else:
                g.add_edge(i, j, layers=[name])
        return g


def _csr_entries(
    lo: NDArray[np.int64], hi: NDArray[np.int64], batch: NDArray[np.int64], n: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Deduplicate ties within each batch and lay out both directions in CSR order.

    Entries of a row are sorted by column and, for one column, by batch (batches are
    added in layer order), which is the order the weights are summed in by every sparse
    product. Ties are encoded as one int64 key ``row | col | batch`` (bit fields), so
    deduplication and ordering are plain 1-D sorts; the entries of row ``r`` are its ties
    to lower columns (from the ``(hi, lo)`` keys) followed by its ties to higher ones
    (from the ``(lo, hi)`` keys), so the two directions are merged without a third sort.

    Returns:
        indptr, row, column and batch of every stored entry.
    """
    n_batches = int(batch.max()) + 1 if batch.size else 1
    b_bits = max(1, (n_batches - 1).bit_length())
    n_bits = max(1, (n - 1).bit_length())
    if 2 * n_bits + b_bits > 62:  # keys would overflow: sort the pairs instead
        return _csr_entries_lexsort(lo, hi, batch, n)
    c_shift, r_shift = b_bits, b_bits + n_bits
    b_mask, n_mask = (1 << b_bits) - 1, (1 << n_bits) - 1
    up = np.sort((lo << r_shift) | (hi << c_shift) | batch, kind="stable")  # timsort: batches come in runs
    if up.size:  # one entry per tie and batch
        up = up[np.r_[True, up[1:] != up[:-1]]]
    up_row = up >> r_shift
    up_rest = up & ((1 << r_shift) - 1)  # col and batch
    down = np.sort(((up_rest >> c_shift) << r_shift) | (up_row << c_shift) | (up & b_mask), kind="stable")
    down_row = down >> r_shift
    n_down = np.bincount(down_row, minlength=n)
    n_up = np.bincount(up_row, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_down + n_up, out=indptr[1:])
    rest = np.empty(int(indptr[-1]), dtype=np.int64)  # col and batch of each entry
    # a row's entries: its lower ties (down), then its higher ties (up)
    up_before = np.cumsum(n_up) - n_up
    rest[np.arange(down.size) + up_before[down_row]] = down & ((1 << r_shift) - 1)
    rest[np.arange(up.size) + np.cumsum(n_down)[up_row]] = up_rest
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    return indptr, row, (rest >> c_shift) & n_mask, rest & b_mask


def _csr_entries_lexsort(
    lo: NDArray[np.int64], hi: NDArray[np.int64], batch: NDArray[np.int64], n: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """:func:`_csr_entries` for systems too large for one int64 key (same result, slower)."""
    trip = np.unique(np.stack([lo, hi, batch], axis=1), axis=0)
    rows = np.concatenate([trip[:, 0], trip[:, 1]])
    cols = np.concatenate([trip[:, 1], trip[:, 0]])
    bats = np.concatenate([trip[:, 2], trip[:, 2]])
    order = np.lexsort((bats, cols, rows))
    rows, cols, bats = rows[order], cols[order], bats[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, rows, cols, bats


def build_network(scenario: Scenario, lay: Layout, rng: np.random.Generator) -> SocialNetwork:
    """Draw every possible tie for the scenario with the run's generator."""
    edges = _draw_edges(scenario, lay, rng)
    n = lay.n_agents
    idx_dtype = np.int32 if n < 2**31 - 1 else np.int64
    others = {int(layer) for layer in Layer if layer != Layer.COLLECTIVE}
    lo, hi, batch, batch_layer = edges.batches(others)
    indptr, i, j, b = _csr_entries(lo, hi, batch, n)
    lo, hi, batch, _ = edges.batches({int(Layer.COLLECTIVE)})
    c_indptr, _, c_j, _ = _csr_entries(lo, hi, batch, n)
    collective = sp.csr_matrix(
        (np.ones(c_j.size), c_j.astype(idx_dtype), c_indptr.astype(idx_dtype)), shape=(n, n)
    )
    return SocialNetwork(
        n=n,
        indptr=indptr.astype(idx_dtype),
        indices=j.astype(idx_dtype),
        layer=batch_layer[b] if batch_layer.size else np.zeros(0, dtype=np.int8),
        row=i.astype(idx_dtype),
        role=lay.role,
        school=lay.school,
        cluster=lay.cluster,
        district=lay.district,
        collective=collective,
    )

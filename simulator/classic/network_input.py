"""A user's own network for the classic models: labels, direction, weights, per-node values.

Every classic model can run on a network the user supplies, as a networkx graph with any
hashable node labels or as a scipy sparse matrix. :func:`as_influence_network` turns it
into an :class:`InfluenceNetwork`: integer indices for the vectorised cores, and the
labels to map results back.

Conventions (the same for every classic model):

* **Direction: influence flows along edges**, as in NDlib: an edge ``u -> v`` means ``u``
  influences ``v``, so a node's support comes from its *in*-neighbours (NDlib's
  ``ThresholdModel`` reads ``predecessors`` on directed graphs). A sparse matrix is read the
  way networkx writes one (``nx.to_scipy_sparse_array``): entry ``A[u, v]`` is the edge
  ``u -> v``. A symmetric matrix or an undirected graph is the usual two-way tie.
  An asymmetric matrix is refused unless ``directed=True`` is passed, so a transposed
  matrix is never read silently.
* **Weights** are used only when asked for: ``weight="weight"`` (any edge attribute name)
  for a networkx graph, ``weight=True`` for a matrix's entries. Then a node's support is
  the weighted count of its active in-neighbours and its share is that count over its
  total in-weight. Without ``weight`` every tie counts 1 (the papers' setting). Weights
  must be finite and positive; parallel edges of a multigraph add up.
* **Self-loops are refused** (with the nodes named): a node's own state counting toward its
  own support is in none of the papers. Remove them with
  ``G.remove_edges_from(nx.selfloop_edges(G))``.
* **Per-node values** (thresholds, adoption probabilities) may be one number for everyone,
  a sequence in the order of ``graph.nodes`` (index order for a matrix), a mapping from
  label to value covering every node, or the name of a node attribute.
* **Nodes named by label**: seeds, committed agents and results use the graph's labels; for a
  matrix the labels are the row indices ``0..n-1`` and negative indices are refused.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["GraphLike", "InfluenceNetwork", "PerNode", "as_influence_network"]

GraphLike = nx.Graph | sp.spmatrix | sp.sparray
"""A networkx graph (any labels, directed or not) or a scipy sparse adjacency matrix."""

PerNode = float | Sequence[float] | NDArray[np.float64] | Mapping[Hashable, float] | str
"""One value for everyone, one per node in node order, a label -> value mapping, or an attribute name."""

_SHOWN = 5  # labels shown in an error message


def _show(labels: Iterable[Any]) -> str:
    items = list(labels)
    text = ", ".join(repr(x) for x in items[:_SHOWN])
    return text + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


@dataclass(frozen=True)
class InfluenceNetwork:
    """A network ready for the classic models.

    Attributes:
        adjacency: CSR matrix in networkx orientation, ``adjacency[u, v]`` = weight of the
            tie ``u -> v`` (symmetric when undirected).
        influence: its transpose in CSR: row ``i`` lists who influences ``i`` (the
            in-neighbours whose states make up ``i``'s support).
        labels: the label of each index.
        directed: whether ties have a direction.
        weighted: whether the weights are the user's (else every tie is 1).
        graph: the networkx graph the user passed, if any (kept to map results back).
    """

    adjacency: sp.csr_matrix
    influence: sp.csr_matrix
    labels: list[Hashable]
    directed: bool
    weighted: bool
    graph: nx.Graph | None = None

    @cached_property
    def index(self) -> dict[Hashable, int]:
        """Index of each label (built on first use)."""
        return {label: i for i, label in enumerate(self.labels)}

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.labels)

    @property
    def in_strength(self) -> NDArray[np.float64]:
        """Total weight of each node's in-ties (its in-degree when unweighted)."""
        return np.asarray(self.influence.sum(axis=1)).ravel()

    def indices(self, nodes: Iterable[Hashable], what: str = "nodes") -> NDArray[np.int64]:
        """Indices of nodes given by label, in the order given, without repeats.

        Raises:
            ValueError: a label that is not a node (all such labels named), or a bare
                string where a list of labels was expected.
        """
        if isinstance(nodes, str | bytes):
            raise ValueError(f"{what} must be a list of node labels, got the string {nodes!r}")
        wanted = list(nodes)
        if self.graph is None:
            bad = [x for x in wanted if not _is_index(x, self.n)]
            if bad:
                raise ValueError(
                    f"{what}: {_show(bad)} not node indices of a matrix with {self.n} rows "
                    f"(expected integers 0..{self.n - 1})"
                )
            out = [int(x) for x in wanted]
        else:
            missing = [x for x in wanted if x not in self.index]
            if missing:
                raise ValueError(f"{what}: {_show(missing)} not nodes of the graph")
            out = [self.index[x] for x in wanted]
        return np.asarray(list(dict.fromkeys(out)), dtype=np.int64)

    def per_node(
        self,
        value: PerNode,
        what: str,
        *,
        low: float = -np.inf,
        high: float = np.inf,
        allow_inf: bool = False,
    ) -> NDArray[np.float64]:
        """One float per node from a scalar, a sequence, a mapping or an attribute name.

        Args:
            value: the user's value (see :data:`PerNode`).
            what: its name, for error messages.
            low: smallest allowed value.
            high: largest allowed value.
            allow_inf: whether ``+inf`` is allowed (e.g. an absolute threshold nobody reaches).

        Raises:
            ValueError: wrong length, missing or unknown labels, a missing attribute, or a
                value out of ``[low, high]`` (the offending nodes named).
        """
        n = self.n
        if isinstance(value, str):
            if self.graph is None:
                raise ValueError(f"{what}={value!r} names a node attribute, but a matrix has none")
            attrs = nx.get_node_attributes(self.graph, value)
            missing = [x for x in self.labels if x not in attrs]
            if missing:
                raise ValueError(f"{what}: nodes {_show(missing)} have no attribute {value!r}")
            raw = [attrs[x] for x in self.labels]
        elif isinstance(value, Mapping):
            missing = [x for x in self.labels if x not in value]
            extra = [x for x in value if x not in self.index]
            if missing or extra:
                parts = ([f"no value for nodes {_show(missing)}"] if missing else []) + (
                    [f"{_show(extra)} not nodes of the graph"] if extra else []
                )
                raise ValueError(f"{what}: " + "; ".join(parts))
            raw = [value[x] for x in self.labels]
        else:
            raw = value
        try:
            arr = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be numbers, got {type(value).__name__}") from None
        if arr.ndim == 0:
            arr = np.full(n, float(arr))
        if arr.shape != (n,):
            raise ValueError(f"{what} needs one value per node ({n}), got shape {arr.shape}")
        finite = np.isfinite(arr) | (allow_inf & (arr == np.inf))
        bad = ~finite | (arr < low) | (arr > high)
        if bad.any():
            where = [self.labels[i] for i in np.flatnonzero(bad)]
            shown = ", ".join(f"{self.labels[i]!r}: {arr[i]}" for i in np.flatnonzero(bad)[:_SHOWN])
            raise ValueError(
                f"{what} must be in [{low}, {high}]"
                + (" (or inf)" if allow_inf else "")
                + f"; got {shown}"
                + (f" and {len(where) - _SHOWN} more" if len(where) > _SHOWN else "")
            )
        return arr

    def to_networkx(self, node_attributes: Mapping[str, NDArray[Any]] | None = None) -> nx.Graph:
        """The network with per-node results as node attributes, under the user's labels.

        A copy of the user's graph when one was given, otherwise a (Di)Graph built from the
        matrix (with ``weight`` attributes when weighted).
        """
        if self.graph is not None:
            g = self.graph.copy()
        else:
            g = nx.DiGraph() if self.directed else nx.Graph()
            g.add_nodes_from(range(self.n))
            mat = self.adjacency if self.directed else sp.triu(self.adjacency, k=1)
            coo = sp.coo_matrix(mat)
            if self.weighted:
                g.add_weighted_edges_from(
                    zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
                )
            else:
                g.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
        for name, values in (node_attributes or {}).items():
            nx.set_node_attributes(
                g, {label: values[i].item() for i, label in enumerate(self.labels)}, name
            )
        return g


def _is_index(x: Any, n: int) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool) and 0 <= int(x) < n


def _check_weights(data: NDArray[np.float64], what: str) -> None:
    if data.size and (not np.all(np.isfinite(data)) or data.min() <= 0):
        raise ValueError(f"{what}: edge weights must be finite and positive")


def as_influence_network(
    graph: GraphLike,
    *,
    weight: str | bool | None = None,
    directed: bool | None = None,
) -> InfluenceNetwork:
    """Prepare a user's network (see the module docstring for the conventions).

    Args:
        graph: a networkx graph (any node labels) or a square scipy sparse matrix.
        weight: ``None``/``False``: every tie counts 1; an attribute name (networkx) or
            ``True`` (``"weight"`` for networkx, the entries for a matrix): weighted ties.
        directed: for a matrix, ``True`` reads ``A[u, v]`` as ``u -> v``; ``None`` or
            ``False`` require a symmetric matrix. For a networkx graph it must be ``None``
            or agree with ``graph.is_directed()``.

    Returns:
        The :class:`InfluenceNetwork`.

    Raises:
        ValueError: self-loops, an asymmetric matrix without ``directed=True``, bad weights,
            a missing weight attribute, or a non-square matrix.
        TypeError: anything that is neither a networkx graph nor a sparse matrix.

    Example:
        >>> import networkx as nx
        >>> net = as_influence_network(nx.DiGraph([("ana", "ben"), ("ben", "cy")]))
        >>> net.labels, net.in_strength.tolist()  # ana influences ben, ben influences cy
        (['ana', 'ben', 'cy'], [0.0, 1.0, 1.0])
    """
    if isinstance(graph, nx.Graph):
        return _from_networkx(graph, weight, directed)
    if sp.issparse(graph):
        return _from_matrix(graph, weight, directed)
    raise TypeError(
        f"graph must be a networkx graph or a scipy sparse matrix, got {type(graph).__name__}"
    )


def _from_networkx(
    graph: nx.Graph, weight: str | bool | None, directed: bool | None
) -> InfluenceNetwork:
    is_directed = graph.is_directed()
    if directed is not None and bool(directed) != is_directed:
        kind = "directed" if is_directed else "undirected"
        fix = "graph.to_undirected()" if is_directed else "graph.to_directed()"
        raise ValueError(f"directed={directed} but the graph is {kind}; pass {fix} instead")
    loops = list(nx.nodes_with_selfloops(graph))
    if loops:
        raise ValueError(
            f"the graph has self-loops at nodes {_show(loops)}; a node's own state does not "
            "count toward its support in these models. Remove them with "
            "G.remove_edges_from(nx.selfloop_edges(G))"
        )
    attr = "weight" if weight is True else (weight or None)
    if attr is not None:
        lacking = [(u, v) for u, v, d in graph.edges(data=True) if attr not in d]
        if lacking:
            raise ValueError(f"weight={attr!r}: edges {_show(lacking)} have no {attr!r} attribute")
    labels = list(graph.nodes)
    mat = nx.to_scipy_sparse_array(graph, nodelist=labels, weight=attr, format="csr", dtype=float)
    adjacency = sp.csr_matrix(mat)
    adjacency.eliminate_zeros()
    if attr is None:
        adjacency.data[:] = 1.0
    _check_weights(adjacency.data, f"weight={attr!r}")
    return InfluenceNetwork(
        adjacency=adjacency,
        influence=sp.csr_matrix(adjacency.T),
        labels=labels,
        directed=is_directed,
        weighted=attr is not None,
        graph=graph,
    )


def _from_matrix(mat: Any, weight: str | bool | None, directed: bool | None) -> InfluenceNetwork:
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1]:
        raise ValueError(f"an adjacency matrix must be square, got shape {mat.shape}")
    adjacency = sp.csr_matrix(mat, dtype=np.float64)
    adjacency.sum_duplicates()
    adjacency.eliminate_zeros()
    diagonal = np.flatnonzero(adjacency.diagonal())
    if diagonal.size:
        raise ValueError(
            f"the matrix has self-loops (non-zero diagonal) at rows {_show(diagonal.tolist())}; "
            "a node's own state does not count toward its support in these models. "
            "Clear them with A.setdiag(0); A.eliminate_zeros()"
        )
    if isinstance(weight, str):
        raise ValueError(
            f"weight={weight!r} names an edge attribute; for a matrix pass weight=True"
        )
    if weight:
        _check_weights(adjacency.data, "matrix entries")
    else:
        adjacency.data[:] = 1.0
    asymmetric = (adjacency != adjacency.T).nnz > 0
    if asymmetric and not directed:
        raise ValueError(
            "the matrix is not symmetric; pass directed=True to read A[u, v] as a tie u -> v "
            "(u influences v, as networkx writes directed graphs), or symmetrise it"
        )
    return InfluenceNetwork(
        adjacency=adjacency,
        influence=sp.csr_matrix(adjacency.T),
        labels=list(range(adjacency.shape[0])),
        directed=bool(directed),
        weighted=bool(weight),
        graph=None,
    )

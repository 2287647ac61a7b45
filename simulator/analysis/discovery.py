"""Scenario discovery: where in lever space does the system tip? PRIM boxes and a CART view.

Reads a sweep table (one row a run, the varied inputs beside the outcomes) and a 0/1
*case of interest* per run (transformed or not, :class:`~simulator.analysis.tipping.Regime`)
and never runs a model. Two well-kept algorithms give two views:

* **PRIM**, the Patient Rule Induction Method (Friedman & Fisher 1999), as used for
  scenario discovery by Bryant & Lempert (2010) and the EMA Workbench (Kwakkel 2017),
  here through the ``prim`` package (the EMA Workbench's implementation as a standalone
  library). PRIM peels thin slices off a box around all runs, each time the slice whose
  removal raises the box's *density* (share of runs inside that tipped) most, and records
  the *peeling trajectory*: coverage (share of all tipped runs inside the box) against
  density, with the number of restricted dimensions. A box is chosen on that trajectory:
  the highest-coverage box whose density is at least ``min_density`` (default 0.8), else
  the densest. Each box lists only its restricted dimensions, with the quasi-p value of
  each restriction (a binomial test of whether dropping it would lower the density;
  restrictions with quasi-p above 0.05 are dropped and the box measured again), and
  reads in plain words: "at least 14 fellows a year, at most 4 clusters receiving
  fellows, teacher-led collectives: 92% of 180 runs tip (coverage 71%)". After a box is
  chosen, PRIM looks for the next one among the runs left outside (``max_boxes``).
* **CART**, a classification tree (Breiman et al. 1984; scikit-learn's
  ``DecisionTreeClassifier``, shallow and with large leaves), whose leaves that mostly tip
  are boxes too: a second, greedier view to check PRIM against.

Choices and booleans enter PRIM as categories and CART as one-hot columns.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .tipping import Regime

__all__ = [
    "Restriction",
    "DiscoveredBox",
    "TreeLeaf",
    "DiscoveryResult",
    "discover",
    "prim_boxes",
    "cart_leaves",
]


@dataclass(frozen=True)
class Restriction:
    """One restricted dimension of a box.

    Attributes:
        key: the input column (dotted scenario key).
        low, high: numeric bounds (None where the box does not restrict that side).
        categories: for a choice, the values inside the box.
        qp: PRIM's quasi-p value of the restriction (small: the restriction matters).
        text: the restriction in words.
    """

    key: str
    low: float | None = None
    high: float | None = None
    categories: tuple[str, ...] | None = None
    qp: float = float("nan")
    text: str = ""


@dataclass
class DiscoveredBox:
    """A box of lever space and how many of its runs tip."""

    index: int
    coverage: float
    density: float
    mass: float
    n_runs: int
    n_cases: int
    restrictions: list[Restriction]
    trajectory_index: int
    text: str

    @property
    def restricted(self) -> list[str]:
        """The restricted dimensions' keys."""
        return [r.key for r in self.restrictions]

    def contains(self, table: pd.DataFrame) -> np.ndarray:
        """Which rows of ``table`` lie inside the box."""
        inside = np.ones(len(table), dtype=bool)
        for r in self.restrictions:
            col = table[r.key]
            if r.categories is not None:
                inside &= col.astype(str).isin(r.categories).to_numpy()
            else:
                v = col.to_numpy(dtype=float)
                if r.low is not None:
                    inside &= v >= r.low - 1e-12
                if r.high is not None:
                    inside &= v <= r.high + 1e-12
        return inside


@dataclass(frozen=True)
class TreeLeaf:
    """A leaf of the classification tree: its rule, size and share tipped."""

    rule: list[str]
    text: str
    n_runs: int
    n_cases: int
    density: float
    coverage: float
    predicts_tipping: bool


@dataclass
class DiscoveryResult:
    """Everything :func:`discover` found, JSON-ready through :meth:`to_dict`."""

    inputs: list[str]
    regime_text: str
    n_runs: int
    n_cases: int
    base_density: float
    min_density: float
    trajectory: list[dict[str, float]]
    boxes: list[DiscoveredBox]
    tree_leaves: list[TreeLeaf]
    tree_accuracy: float
    tree_depth: int
    tree_text: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        out = asdict(self)
        return out

    def summary(self) -> str:
        """Plain-language lines for the terminal and the report."""
        lines = [
            f"Transformed regime: {self.regime_text}",
            f"{self.n_cases} of {self.n_runs} runs tipped ({self.base_density:.0%} of the design).",
        ]
        if not self.boxes:
            lines.append("PRIM found no box denser than the design as a whole.")
        for box in self.boxes:
            lines.append(f"PRIM box {box.index}: {box.text}")
        good = [leaf for leaf in self.tree_leaves if leaf.predicts_tipping]
        if good:
            lines.append(
                f"Classification tree (depth {self.tree_depth}, "
                f"{self.tree_accuracy:.0%} of runs classified right), leaves that mostly tip:"
            )
            lines += [f"  - {leaf.text}" for leaf in good]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def _prepare(table: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    """The input columns with choices as strings (PRIM categories) and numbers as numbers."""
    x = pd.DataFrame(index=range(len(table)))
    for key in inputs:
        col = table[key].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            x[key] = col.astype(str).astype(object)
        elif pd.api.types.is_integer_dtype(col):
            x[key] = col.astype(np.int64)
        else:
            x[key] = col.astype(np.float64)
    return x


def _restriction(key: str, lo: Any, hi: Any, full: pd.Series, qp: float) -> Restriction | None:
    from simulator.labels import describe_bound, phrase

    if isinstance(lo, set | frozenset | list | tuple) or full.dtype == object:
        cats = tuple(sorted(str(c) for c in (lo if isinstance(lo, set | frozenset | list | tuple) else [lo])))
        everything = tuple(sorted(str(c) for c in full.unique()))
        if cats == everything:
            return None
        words = " or ".join(phrase(key, c) for c in cats)
        return Restriction(key=key, categories=cats, qp=qp, text=words)
    lo_f, hi_f = float(lo), float(hi)
    low = lo_f if lo_f > float(full.min()) + 1e-12 else None
    high = hi_f if hi_f < float(full.max()) - 1e-12 else None
    if low is None and high is None:
        return None
    return Restriction(key=key, low=low, high=high, qp=qp, text=describe_bound(key, low, high))


def _box_text(restrictions: list[Restriction], density: float, n_runs: int, coverage: float) -> str:
    where = ", ".join(r.text for r in restrictions) or "anywhere in the design"
    return (
        f"{where}: {density:.0%} of {n_runs} runs tip "
        f"(the box holds {coverage:.0%} of all runs that tipped)"
    )


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    min_density: float = 0.8,
    max_boxes: int = 3,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_qp: float = 0.05,
) -> tuple[list[DiscoveredBox], list[dict[str, float]]]:
    """PRIM boxes (``prim`` package) and the first box's peeling trajectory.

    Returns:
        The chosen boxes, and the first box's trajectory as records of ``coverage``,
        ``density``, ``mass`` and ``restricted`` (number of restricted dimensions).
    """
    import logging

    import prim

    logging.getLogger("prim").setLevel(logging.WARNING)
    finder = prim.Prim(
        x.copy(),
        y.astype(int),
        peel_alpha=peel_alpha,
        paste_alpha=paste_alpha,
        mass_min=mass_min,
    )
    n_total_cases = int(y.sum())
    base = n_total_cases / max(1, y.size)
    boxes: list[DiscoveredBox] = []
    first_trajectory: list[dict[str, float]] = []
    for k in range(max_boxes):
        try:
            box = finder.find_box()
        except prim.PrimError:  # pragma: no cover - no case of interest left
            break
        if box is None:
            break
        traj = box.peeling_trajectory.reset_index(drop=True)
        records = [
            {
                "coverage": float(r["coverage"]),
                "density": float(r["density"]),
                "mass": float(r["mass"]),
                "restricted": int(r["res dim"]),
            }
            for _, r in traj.iterrows()
        ]
        if k == 0:
            first_trajectory = records
        choice = _choose(traj, min_density, n_total_cases)
        box.select(choice)
        stats = traj.iloc[choice]
        if float(stats["density"]) <= base + 1e-9 or int(stats["res dim"]) == 0:
            break
        restrictions = []
        for key, (lo, hi, qp) in _box_limits(box, choice).items():
            r = _restriction(key, lo, hi, x[key], qp)
            if r is not None:
                restrictions.append(r)
        restrictions.sort(key=lambda r: (math.isnan(r.qp), r.qp))
        # A restriction PRIM cannot defend (quasi-p above max_qp) is a sliver peeled by
        # chance: drop it, as one would with the EMA Workbench's drop_restriction, and
        # measure the box again on the runs PRIM had not yet assigned to a box.
        kept = [r for r in restrictions if not (r.qp > max_qp)]
        remaining = np.zeros(y.size, dtype=bool)
        remaining[finder.yi_remaining] = True
        if len(kept) != len(restrictions) and kept:
            restrictions = kept
            probe = DiscoveredBox(0, 0, 0, 0, 0, 0, restrictions, choice, "")
            members = probe.contains(x) & remaining
            n_runs = int(members.sum())
            density = float(y[members].mean()) if n_runs else 0.0
            coverage = float(y[members].sum() / max(1, n_total_cases))
            mass = n_runs / y.size
        else:
            n_runs = int(round(float(stats["mass"]) * y.size))
            density = float(stats["density"])
            coverage = float(stats["coverage"])  # of all runs that tipped, not the remaining
            mass = float(stats["mass"])
        boxes.append(
            DiscoveredBox(
                index=k + 1,
                coverage=coverage,
                density=density,
                mass=mass,
                n_runs=n_runs,
                n_cases=int(round(density * n_runs)),
                restrictions=restrictions,
                trajectory_index=choice,
                text=_box_text(restrictions, density, n_runs, coverage),
            )
        )
        if density < min_density:
            break  # the next box would only be weaker
    return boxes, first_trajectory


def _choose(traj: pd.DataFrame, min_density: float, n_cases: int) -> int:
    """The trajectory point to report.

    The highest coverage among boxes at least ``min_density`` dense; among boxes within
    one tipped run of that coverage, the densest (peeling empty slices raises density at
    no cost in coverage, and the sharper box is the one to read). Without a box that
    dense, the densest box.
    """
    dense = traj[(traj["density"] >= min_density) & (traj["res dim"] > 0)]
    if not len(dense):
        return int(traj["density"].idxmax())
    best = float(dense["coverage"].max())
    near = dense[dense["coverage"] >= best - 1.0 / max(1, n_cases) + 1e-12]
    return int(near["density"].idxmax())


def _box_limits(box: Any, i: int) -> dict[str, tuple[Any, Any, float]]:
    """Restricted dimensions of trajectory point ``i``: ``key -> (low, high, quasi-p)``.

    ``PrimBox.limits`` builds a float DataFrame and fails on categorical limits under
    pandas 3, so the limits are read from the box's limit records (row 0 the lower, row
    1 the upper limits; a category set in both rows), and the quasi-p values from the
    package's own binomial test (Bryant & Lempert 2010).
    """
    from prim.scenario_discovery_util import determine_restricted_dims

    lims = box._box_lims[i]  # noqa: SLF001 - see the docstring
    restricted = list(determine_restricted_dims(lims, box.prim._box_init))  # noqa: SLF001
    try:
        qps = box._calculate_quasi_p(i)  # noqa: SLF001
    except Exception:  # noqa: BLE001 - a missing p value must not lose the box
        qps = {}
    return {
        str(key): (lims[key][0], lims[key][1], float(qps.get(key, float("nan"))))
        for key in restricted
    }


def _rule_text(conditions: list[tuple[str, str, float | str]]) -> tuple[list[str], str]:
    from simulator.labels import phrase

    bounds: dict[str, list[float | None]] = {}
    cats: dict[str, tuple[set[str], set[str]]] = {}
    for key, op, value in conditions:
        if op in ("is", "is not"):
            keep, drop = cats.setdefault(key, (set(), set()))
            (keep if op == "is" else drop).add(str(value))
            continue
        lo_hi = bounds.setdefault(key, [None, None])
        if op == ">":
            lo_hi[0] = value if lo_hi[0] is None else max(lo_hi[0], value)  # type: ignore[type-var]
        else:
            lo_hi[1] = value if lo_hi[1] is None else min(lo_hi[1], value)  # type: ignore[type-var]
    raw, words = [], []
    for key, (lo, hi) in bounds.items():
        raw.append(f"{key} in ({lo}, {hi}]")
        words.append(_interval_words(key, lo, hi))
    for key, (keep, drop) in cats.items():
        raw.append(f"{key} is {sorted(keep)} not {sorted(drop)}")
        if keep:
            words.append(" or ".join(phrase(key, v) for v in sorted(keep)))
        else:
            words.append("not " + " or ".join(phrase(key, v) for v in sorted(drop)))
    return raw, ", ".join(w for w in words if w) or "anywhere in the design"


def _interval_words(key: str, lo: float | None, hi: float | None) -> str:
    from simulator.labels import format_value, get

    entry = get(key)
    name = entry.text.lower()
    unit = f" ({entry.unit})" if entry.unit and entry.unit != "0-1" else ""
    if entry.value_phrase.startswith("{v}"):
        if lo is not None and hi is not None:
            return f"over {entry.value_phrase.format(v=format_value(lo))} and up to {format_value(hi)}"
        if lo is not None:
            return f"more than {entry.value_phrase.format(v=format_value(lo))}"
        return f"at most {entry.value_phrase.format(v=format_value(hi))}"
    if lo is not None and hi is not None:
        return f"{name} above {format_value(lo)} and at most {format_value(hi)}{unit}"
    if lo is not None:
        return f"{name} above {format_value(lo)}{unit}"
    return f"{name} at most {format_value(hi)}{unit}"


def cart_leaves(
    x: pd.DataFrame, y: np.ndarray, max_depth: int = 3, min_leaf_fraction: float = 0.03, seed: int = 0
) -> tuple[list[TreeLeaf], float, Any, list[str]]:
    """A shallow classification tree (scikit-learn) and its leaves as rules.

    Returns:
        ``(leaves, training accuracy, fitted tree, feature names)``.
    """
    from sklearn.tree import DecisionTreeClassifier

    design = pd.get_dummies(x, prefix_sep="=", dtype=float)
    features = list(design.columns)
    tree = DecisionTreeClassifier(
        max_depth=max_depth,
        min_samples_leaf=max(5, int(math.ceil(min_leaf_fraction * len(y)))),
        random_state=seed,
    )
    tree.fit(design.to_numpy(dtype=float), y.astype(int))
    t = tree.tree_
    total_cases = max(1, int(y.sum()))
    leaves: list[TreeLeaf] = []
    leaf_of = tree.apply(design.to_numpy(dtype=float))

    def walk(node: int, conditions: list[tuple[str, str, float | str]]) -> None:
        if t.children_left[node] == -1:
            members = leaf_of == node
            n = int(members.sum())
            k = int(y[members].sum())
            raw, text = _rule_text(conditions)
            density = k / n if n else float("nan")
            leaves.append(
                TreeLeaf(
                    rule=raw,
                    text=f"{text}: {density:.0%} of {n} runs tip",
                    n_runs=n,
                    n_cases=k,
                    density=density,
                    coverage=k / total_cases,
                    predicts_tipping=bool(density > 0.5),
                )
            )
            return
        name = features[t.feature[node]]
        threshold = float(t.threshold[node])
        if "=" in name and name.split("=", 1)[0] in x.columns and x[name.split("=", 1)[0]].dtype == object:
            key, value = name.split("=", 1)
            walk(t.children_left[node], [*conditions, (key, "is not", value)])
            walk(t.children_right[node], [*conditions, (key, "is", value)])
        else:
            walk(t.children_left[node], [*conditions, (name, "<=", threshold)])
            walk(t.children_right[node], [*conditions, (name, ">", threshold)])

    walk(0, [])
    accuracy = float((tree.predict(design.to_numpy(dtype=float)) == y).mean())
    leaves.sort(key=lambda leaf: (-leaf.density, -leaf.n_runs))
    return leaves, accuracy, tree, features


def discover(
    table: pd.DataFrame,
    inputs: list[str],
    regime: Regime | None = None,
    cases: np.ndarray | None = None,
    min_density: float = 0.8,
    max_boxes: int = 3,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    tree_depth: int = 3,
    seed: int = 0,
) -> DiscoveryResult:
    """Find the regions of lever space where runs tip.

    Args:
        table: the sweep table.
        inputs: the varied input columns to search over (two or more is typical).
        regime: what counts as tipping (default ``learning_gain >= 0.10``); ignored when
            ``cases`` is given.
        cases: the 0/1 case of interest per row, instead of a regime.
        min_density: PRIM chooses the highest-coverage box at least this dense.
        max_boxes: boxes PRIM looks for, one after another.
        peel_alpha: share of runs peeled off at each PRIM step.
        mass_min: smallest box, as a share of all runs.
        tree_depth: depth of the classification tree.
        seed: seed of the tree's tie-breaking (results are reproducible).

    Raises:
        KeyError: an input or the regime's outcome is not a column.
        ValueError: no input, fewer than 20 runs, or no run (or every run) tips.
    """
    if not inputs:
        raise ValueError("give at least one input column to search over")
    missing = [k for k in inputs if k not in table]
    if missing:
        raise KeyError(f"inputs {missing} are not columns of the table; columns: {list(table.columns)}")
    regime = regime or Regime()
    if cases is None:
        if regime.outcome not in table:
            raise KeyError(f"outcome {regime.outcome!r} is not a column of the table")
        keep = table[regime.outcome].notna().to_numpy()
        table = table[keep].reset_index(drop=True)
        y = regime.classify(table, inputs[0]).astype(int)
        regime_text = regime.describe(regime.cut(table, inputs[0]) if regime.delta is not None else None)
    else:
        y = np.asarray(cases, dtype=int)
        regime_text = "the given cases of interest"
        table = table.reset_index(drop=True)
    if len(table) < 20:
        raise ValueError(f"scenario discovery needs at least 20 runs; found {len(table)}")
    n_cases = int(y.sum())
    if n_cases == 0 or n_cases == y.size:
        raise ValueError(
            f"{n_cases} of {y.size} runs tip: there is nothing to tell apart "
            "(change the regime or widen the design)"
        )
    x = _prepare(table, list(inputs))
    constant = [k for k in inputs if x[k].nunique() < 2]
    notes = []
    if constant:
        notes.append(f"inputs that never vary in this table were left out: {constant}")
        x = x.drop(columns=constant)
    boxes, trajectory = prim_boxes(
        x, y, min_density=min_density, max_boxes=max_boxes, peel_alpha=peel_alpha, mass_min=mass_min
    )
    if boxes and boxes[0].density < min_density:
        notes.append(
            f"no box reaches a density of {min_density:.0%}; the densest box is shown "
            "(tipping depends on inputs outside the design, or on chance)"
        )
    leaves, accuracy, tree, features = cart_leaves(x, y, max_depth=tree_depth, seed=seed)
    from sklearn.tree import export_text

    from simulator.labels import label

    tree_text = export_text(tree, feature_names=[_feature_label(f, label) for f in features])
    return DiscoveryResult(
        inputs=list(x.columns),
        regime_text=regime_text,
        n_runs=int(y.size),
        n_cases=n_cases,
        base_density=n_cases / y.size,
        min_density=min_density,
        trajectory=trajectory,
        boxes=boxes,
        tree_leaves=leaves,
        tree_accuracy=accuracy,
        tree_depth=tree_depth,
        tree_text=tree_text,
        notes=notes,
    )


def _feature_label(feature: str, label: Any) -> str:
    """A tree feature in words: ``Teacher collectives = teacher_led`` or a label."""
    key, sep, value = feature.partition("=")
    from simulator.labels import phrase

    return phrase(key, value) if sep else label(feature)

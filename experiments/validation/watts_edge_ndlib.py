"""An independent finite-N reference for the upper edge of Watts' cascade window (NDlib).

Near the upper edge (z = 5.8, 6.0 for phi = 0.18) the N -> infinity generating-function
solution says global cascades are impossible (the window ends at z = 5.7647), yet
simulations on N = 10,000 nodes, Watts' own included, still show rare global cascades
(Whitney, "Exploring Watts' cascade boundary": the experimental upper boundary is
displaced upward). The published figure was not available to us as numbers, so this
script measures the finite-N frequency with an implementation that shares no code with
clsim: NDlib's ``ThresholdModel`` on networkx ``fast_gnp_random_graph`` graphs, one random
seed node, synchronous updates until nothing changes.

    python experiments/validation/watts_edge_ndlib.py [--runs 1000] [--out PATH]

Needs the ``oracle`` extra (``pip install -e ".[oracle]"``). It takes about 10 minutes
on one core; its output, ``simulator/validation/data/watts2002_edge_ndlib.csv``, is
package data read by :mod:`simulator.validation.watts2002`.
"""

from __future__ import annotations

import argparse
import csv
import platform
import time
from importlib.metadata import version
from pathlib import Path

import networkx as nx
import numpy as np

N = 10_000
PHI = 0.18
ZS = (5.8, 6.0)
GLOBAL_SHARE = 0.10
MASTER_SEED = 20_020_905
DEFAULT_OUT = (
    Path(__file__).resolve().parents[2]
    / "simulator"
    / "validation"
    / "data"
    / "watts2002_edge_ndlib.csv"
)


def one_run(z: float, seed: np.random.SeedSequence) -> float:
    """Final active share of one NDlib ThresholdModel run on a fresh G(N, z/(N-1))."""
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    graph_seed, model_seed, node_seed = (int(s) for s in seed.generate_state(3))
    graph = nx.fast_gnp_random_graph(N, z / (N - 1), seed=graph_seed)
    model = ep.ThresholdModel(graph, seed=model_seed)
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", [node_seed % N])
    for node in graph.nodes():
        config.add_node_configuration("threshold", node, PHI)
    model.set_initial_status(config)
    model.iteration(node_status=False)  # iteration 0 only reports the seeds
    while model.iteration(node_status=False)["status_delta"][1] > 0:
        pass
    return sum(model.status.values()) / N


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rows = []
    for i, z in enumerate(ZS):
        start = time.perf_counter()
        seeds = np.random.SeedSequence(MASTER_SEED + i).spawn(args.runs)
        sizes = np.array([one_run(z, s) for s in seeds])
        hits = int((sizes >= GLOBAL_SHARE).sum())
        rows.append(
            {
                "z": z,
                "n": N,
                "phi": PHI,
                "runs": args.runs,
                "global_cascades": hits,
                "mean_global_size": round(float(sizes[sizes >= GLOBAL_SHARE].mean()), 4)
                if hits
                else "",
                "master_seed": MASTER_SEED + i,
                "implementation": f"ndlib {version('ndlib')} ThresholdModel, networkx "
                f"{version('networkx')} fast_gnp_random_graph, python {platform.python_version()}",
            }
        )
        print(f"z = {z}: {hits} of {args.runs} global ({time.perf_counter() - start:.0f} s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()

"""The calibration study: ABC-SMC (pyabc) against the seeds' targets, resumable, seeded.

``calibration_study(OUT, TARGETS)`` builds the priors (the schema's plausible ranges),
the model (every target's statistic for a parameter set) and the distance (largest
target score; at most 1 when every target is met), runs pyabc's ABC-SMC with
:class:`~simulator.calibration.sampler.SeededSampler`, and writes::

    OUT/calibration.json     identity of the calibration (checked on resume) and sessions
    OUT/abc.db               pyabc's SQLite history: the run store
    OUT/posterior.parquet    last generation: weight, distance, one column a parameter
    OUT/generations.csv      per generation: epsilon, evaluations, acceptance rate, ESS
    OUT/ppc.parquet          posterior predictive statistics of fresh runs
    OUT/analysis.json        kind "calibration": options, priors, posterior summary,
                             checks against every target, provenance
    OUT/figures/*.png        marginals, diagnostics, posterior predictive checks

Running the same command again resumes from ``abc.db``: finished generations are read,
never rerun, and because every evaluation's seeds derive from the master seed, the
generation number and the evaluation's number, the resumed calibration continues as the
uninterrupted one would have. A directory holding a different calibration (other
targets, priors, population size or seed) is refused unless ``overwrite``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import math
import platform
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator import jsonio
from simulator.analysis.posterior import effective_sample_size, resample, summarise_posterior
from simulator.calibration.priors import PriorSet, build_priors
from simulator.calibration.sampler import SeededSampler, make_backend
from simulator.calibration.simulate import CalibrationModel, TargetDistance, observed
from simulator.calibration.targets import CalibrationStoreError, TargetsFile, load_targets
from simulator.calibration.transition import BoundedNormalTransition
from simulator.scenario.errors import Problem
from simulator.sweep.store import package_version

from .common import DEFAULT_MASTER_SEED, write_analysis

__all__ = [
    "calibration_study",
    "read_posterior",
    "posterior_path",
    "DB_FILE",
    "MANIFEST_FILE",
    "POSTERIOR_FILE",
    "PPC_STREAM",
]

DB_FILE = "abc.db"
MANIFEST_FILE = "calibration.json"
POSTERIOR_FILE = "posterior.parquet"
#: Entropy word of the posterior predictive runs (separate from the ABC evaluations).
PPC_STREAM = 0x99C0
FORMAT_VERSION = 1


def posterior_path(path: str | Path) -> Path:
    """A posterior file, or the posterior of a calibration directory."""
    path = Path(path)
    return path / POSTERIOR_FILE if path.is_dir() else path


def read_posterior(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The posterior table and its parameter names (columns other than particle/weight/distance).

    Raises:
        FileNotFoundError: no posterior there.
        ValueError: the table has no weights or no parameters.
    """
    file = posterior_path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no posterior at {file} (give a posterior.parquet or a calibration directory)")
    table = pd.read_parquet(file)
    if "weight" not in table:
        raise ValueError(f"{file}: a posterior needs a 'weight' column")
    names = [c for c in table.columns if c not in ("particle", "weight", "distance")]
    if not names:
        raise ValueError(f"{file}: no parameter columns")
    return table, names


class _FlooredEpsilon:
    """Factory of pyabc's median epsilon that never goes below the target tolerance."""

    @staticmethod
    def make(floor: float) -> Any:
        from pyabc.epsilon import QuantileEpsilon

        class FlooredQuantileEpsilon(QuantileEpsilon):
            """Weighted median of the last distances, but at least ``floor``.

            A tolerance below 1 would ask for more than the targets' stated uncertainty
            and narrow the posterior artificially, so the schedule stops at ``floor``.
            """

            def __call__(self, t: int) -> float:
                return max(float(super().__call__(t)), floor)

        return FlooredQuantileEpsilon(alpha=0.5)


def _scenario_hashes(model: CalibrationModel) -> dict[str, str]:
    return {name: sc.content_hash() for name, sc in model.scenarios.items()}


def _identity(targets: TargetsFile, priors: PriorSet, model: CalibrationModel, population: int, master_seed: int) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "targets_hash": targets.content_hash(),
        "scenario_hashes": _scenario_hashes(model),
        "priors": priors.to_list(),
        "population": int(population),
        "master_seed": int(master_seed),
    }


def _digest(data: Any) -> str:
    return hashlib.sha256(jsonio.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _check_or_start(out: Path, identity: dict[str, Any], overwrite: bool) -> dict[str, Any]:
    manifest_path = out / MANIFEST_FILE
    if overwrite and out.exists():
        for name in (DB_FILE, MANIFEST_FILE, POSTERIOR_FILE, "generations.csv", "ppc.parquet", "analysis.json"):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / "figures", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if _digest(manifest.get("identity")) != _digest(identity):
            old = manifest.get("identity", {})
            differs = sorted(k for k in identity if _digest(old.get(k)) != _digest(identity[k]))
            raise CalibrationStoreError(
                str(out),
                [
                    Problem(
                        "calibration.json",
                        "the same targets, scenarios, priors, population and master seed as "
                        "the calibration already in this directory (or --overwrite, or another --out)",
                        f"different {', '.join(differs)}",
                    )
                ],
            )
        return manifest
    if (out / DB_FILE).exists():
        raise CalibrationStoreError(
            str(out),
            [Problem(DB_FILE, "a history database written by clsim calibrate (with calibration.json)", "a database without its manifest")],
        )
    return {"identity": identity, "sessions": []}


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    import os

    tmp = out / f".{MANIFEST_FILE}.tmp"
    tmp.write_text(jsonio.dumps(manifest, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, out / MANIFEST_FILE)


def _generations(history: Any, kernel: BoundedNormalTransition | None = None) -> pd.DataFrame:
    """Per generation: epsilon, evaluations, acceptance rate, ESS and local parameters.

    With ``kernel``, also how many parameters each generation's proposals perturbed
    locally: the kernel refitted to the generation before, exactly as the run fitted it
    (the others were redrawn from their priors).
    """
    pops = history.get_all_populations()
    rows = []
    local_next: float = float("nan")
    for _, row in pops.iterrows():
        t = int(row["t"])
        rec: dict[str, Any] = {
            "t": t,
            "epsilon": float(row["epsilon"]),
            "evaluations": int(row["samples"]) if pd.notna(row["samples"]) else 0,
            "particles": int(row["particles"]) if pd.notna(row["particles"]) else 0,
        }
        if t >= 0:
            x, w = history.get_distribution(m=0, t=t)
            rec["ess"] = effective_sample_size(np.asarray(w))
            rec["acceptance_rate"] = rec["particles"] / rec["evaluations"] if rec["evaluations"] else float("nan")
            rec["local_parameters"] = 0.0 if t == 0 else local_next  # generation 0 samples the prior
            if kernel is not None:
                kernel.fit(x, np.asarray(w))
                local_next = float(len(kernel.local))
        else:
            rec["ess"], rec["acceptance_rate"] = float("nan"), float("nan")
            rec["local_parameters"] = float("nan")
        rows.append(rec)
    return pd.DataFrame(rows)


def _kernel(priors: PriorSet) -> BoundedNormalTransition:
    """The perturbation kernel (:mod:`simulator.calibration.transition`).

    Local in the parameters the population has narrowed, a fresh prior draw in the others.
    """
    return BoundedNormalTransition({p.name: (p.low, p.high) for p in priors.priors})


def _posterior_table(history: Any, t: int, names: list[str]) -> pd.DataFrame:
    population = history.get_population(t=t)
    rows = []
    for i, particle in enumerate(population.particles):
        rows.append(
            {
                "particle": i,
                "weight": float(particle.weight),
                "distance": float(particle.distance),
                **{n: float(particle.parameter[n]) for n in names},
            }
        )
    table = pd.DataFrame(rows)
    table["weight"] = table["weight"] / table["weight"].sum()
    return table


def _ppc(
    out: Path,
    model: CalibrationModel,
    posterior: pd.DataFrame,
    names: list[str],
    draws: int,
    master_seed: int,
    backend: Any,
) -> pd.DataFrame:
    """Fresh runs at ``draws`` posterior draws (cached by posterior, draws and seed)."""
    key = _digest(
        {"posterior": posterior[["weight", *names]].round(15).to_numpy().tolist(), "draws": draws, "seed": master_seed}
    )
    path, key_path = out / "ppc.parquet", out / "ppc.json"
    if path.is_file() and key_path.is_file() and json.loads(key_path.read_text())["key"] == key:
        return pd.read_parquet(path)
    seq = np.random.SeedSequence([int(master_seed), PPC_STREAM])
    idx = resample(posterior["weight"].to_numpy(), draws, int(seq.generate_state(1)[0]))
    seeds = [int(s.generate_state(1)[0]) for s in seq.spawn(draws)]
    futures = []
    for i, (j, seed) in enumerate(zip(idx, seeds, strict=True)):
        params = {n: float(posterior[n].iloc[int(j)]) for n in names}
        futures.append((i, int(j), seed, params, backend.submit(model.statistics, params, seed)))
    rows = []
    for i, j, seed, params, fut in futures:
        stats = fut.result()
        rows.append({"draw": i, "particle": j, "seed": seed, **params, **stats})
    table = pd.DataFrame(rows)
    table.to_parquet(path, index=False)
    key_path.write_text(jsonio.dumps({"key": key}), encoding="utf-8")
    return table


def _checks(targets: TargetsFile, ppc: pd.DataFrame) -> dict[str, dict[str, Any]]:
    out = {}
    for name, target in targets.targets.items():
        values = ppc[name].to_numpy(dtype=float)
        met = np.array([target.met(float(v)) for v in values])
        finite = values[np.isfinite(values)]
        q = np.quantile(finite, [0.05, 0.5, 0.95]) if finite.size else [float("nan")] * 3
        rec = {
            "kind": target.kind,
            "text": target.describe(),
            "scenario": target.scenario,
            "statistic": target.statistic.name,
            "args": dict(target.statistic.args),
            "value": target.value,
            "range": list(target.range) if target.range else None,
            "uncertainty": target.uncertainty,
            "constraint": target.constraint.model_dump() if target.constraint else None,
            "source": target.source.model_dump(),
            "predictive_median": float(q[1]),
            "predictive_low": float(q[0]),
            "predictive_high": float(q[2]),
            "share_met": float(met.mean()) if met.size else float("nan"),
            "share_nan": float(np.mean(~np.isfinite(values))) if values.size else float("nan"),
        }
        if target.kind == "quantitative":
            rec["reproduced"] = bool(math.isfinite(q[1]) and target.met(float(q[1])))
            rec["rule"] = "posterior predictive median within the stated uncertainty"
        else:
            rec["reproduced"] = bool(rec["share_met"] >= 0.9)
            rec["rule"] = "constraint satisfied in at least 90% of posterior predictive draws"
        out[name] = rec
    return out


#: Below this share of the population, the last generation's importance weights are
#: called degenerate: the posterior rests on a handful of parameter sets.
DEGENERATE_ESS_SHARE = 0.1


def weight_health(generations: pd.DataFrame, population: int) -> dict[str, Any]:
    """The effective sample size of the last generation against the population.

    ABC-SMC's importance weights (prior over the perturbation kernel's density) grow
    uneven with the number of parameters perturbed locally: in 81 dimensions a kernel's
    density at its own draw varies over orders of magnitude, so one particle can carry
    nearly all the weight. The kernel redraws the parameters the targets have not
    narrowed from their priors to keep that number small, but many informed parameters
    can still do it. A posterior with an effective sample size of a few particles has
    intervals that say more about the weights than about the targets; the calibration
    reports it rather than hide it.
    """
    g = generations[generations["t"] >= 0]
    ess = float(g["ess"].iloc[-1]) if len(g) else float("nan")
    return {
        "ess_final": ess,
        "population": int(population),
        "ess_share": ess / population if population else float("nan"),
        "degenerate": bool(math.isfinite(ess) and ess < DEGENERATE_ESS_SHARE * population),
        "threshold_share": DEGENERATE_ESS_SHARE,
    }


def _summary_text(
    summary: pd.DataFrame,
    checks: dict[str, dict[str, Any]],
    generations: pd.DataFrame,
    converged: bool,
    weights: dict[str, Any] | None = None,
) -> str:
    g = generations[generations["t"] >= 0]
    lines = [
        f"ABC-SMC: {len(g)} generations, final epsilon {g['epsilon'].iloc[-1]:.3g} "
        f"({'every target met' if converged else 'tolerance 1 not reached: not every target met yet'}), "
        f"{int(generations['evaluations'].sum())} model evaluations.",
    ]
    if "local_parameters" in g and len(g) > 1 and math.isfinite(float(g["local_parameters"].iloc[-1])):
        lines.append(
            f"Last generation's proposals: {int(g['local_parameters'].iloc[-1])} parameters perturbed locally, "
            "the others redrawn from their priors (not yet narrowed by the targets)."
        )
    if weights is not None and weights["degenerate"]:
        lines.append(
            f"WARNING: degenerate weights: the last generation's effective sample size is "
            f"{weights['ess_final']:.1f} of {weights['population']} particles, so the posterior rests on a "
            "few parameter sets and its intervals understate what is not known "
            "(docs/calibration.md, section 8)."
        )
    lines += [
        "Posterior (median [90% credible interval]; contraction of the prior interval):",
    ]
    for _, row in summary.iterrows():
        lines.append(
            f"  {row['parameter']}: {row['median']:.4g} [{row['low']:.4g}, {row['high']:.4g}]"
            + (f"; contraction {row['contraction']:.0%}" if "contraction" in row and math.isfinite(row["contraction"]) else "")
        )
    lines.append("Posterior predictive checks:")
    for name, c in checks.items():
        lines.append(
            f"  {'ok  ' if c['reproduced'] else 'FAIL'} {name}: target {c['text']}; predictive "
            f"median {c['predictive_median']:.3g} [{c['predictive_low']:.3g}, {c['predictive_high']:.3g}]; "
            f"met in {c['share_met']:.0%} of draws"
        )
    return "\n".join(lines)


def _progress_bar(enabled: bool) -> tuple[Any, Callable[[int, int, int, int], None] | None]:
    if not enabled:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("accepted, {task.fields[evals]} evaluations"),
        TimeElapsedColumn(),
        transient=False,
    )
    tasks: dict[int, Any] = {}

    def update(t: int, accepted: int, n: int, evaluations: int) -> None:
        if t not in tasks:
            label = "prior sample (calibration)" if t < 0 else f"generation {t}"
            tasks[t] = bar.add_task(label, total=n, evals=0)
        bar.update(tasks[t], completed=accepted, evals=evaluations)

    return bar, update


def calibration_study(
    out: str | Path,
    targets: str | Path | TargetsFile,
    *,
    keys: Iterable[str] | None = None,
    prior_file: str | Path | None = None,
    population: int = 100,
    generations: int = 8,
    min_epsilon: float = 1.0,
    max_evaluations: int | None = None,
    master_seed: int = DEFAULT_MASTER_SEED,
    ppc_draws: int = 50,
    executor: str = "serial",
    workers: int | None = None,
    cluster: str | None = None,
    start_method: str = "spawn",
    progress: bool = True,
    overwrite: bool = False,
    truth: Mapping[str, float] | None = None,
    figures: bool = True,
    early_rejection: bool = True,
) -> dict[str, Any]:
    """Run (or resume) an ABC-SMC calibration into ``out``.

    Args:
        out: the study directory.
        targets: a targets file (or a loaded :class:`TargetsFile`, e.g. synthetic targets).
        keys: calibrate only these dotted keys (default: every declared plausible range).
        prior_file: a prior file overriding or adding ranges.
        population: particles per generation.
        generations: at most this many generations in total (a resumed run counts the
            generations already in the database).
        min_epsilon: stop once the tolerance is at most this (1: every target met).
        max_evaluations: stop once this many model evaluations have been made in total.
        master_seed: every evaluation's seeds derive from it.
        ppc_draws: posterior draws rerun with fresh seeds for the predictive checks.
        executor: ``serial``, ``local`` (worker processes) or ``dask`` (with ``cluster``).
        workers: local worker processes (default: CPU count).
        cluster: dask scheduler address ``tcp://HOST:PORT``.
        start_method: local processes' start method.
        progress: show a progress bar per generation.
        overwrite: discard a calibration already in ``out``.
        truth: the known parameter set of synthetic targets (marked in the figures and
            compared with the posterior intervals).
        figures: draw the figures.
        early_rejection: stop an evaluation at the first scenario whose targets miss the
            tolerance (same posterior, fewer runs; off only to show that it is the same).

    Returns:
        The analysis dict also written to ``OUT/analysis.json``.
    """
    import pyabc
    from pyabc import ABCSMC

    out = Path(out)
    targets_obj = targets if isinstance(targets, TargetsFile) else load_targets(targets)
    priors = build_priors(targets_obj, keys=keys, prior_file=prior_file)
    model = CalibrationModel(targets_obj, priors)
    identity = _identity(targets_obj, priors, model, population, master_seed)
    manifest = _check_or_start(out, identity, overwrite)
    names = priors.names

    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    backend = make_backend(executor, workers=workers, cluster=cluster, start_method=start_method)
    bar, update = _progress_bar(progress)
    sampler = SeededSampler(master_seed, backend, progress=update, early_rejection=early_rejection)
    db = f"sqlite:///{(out / DB_FILE).resolve()}"
    session = {
        "started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "executor": backend.name,
        "workers": backend.workers,
        "generations_run": [],
    }
    try:
        abc = ABCSMC(
            model,
            priors.to_pyabc(),
            TargetDistance(targets_obj),
            population_size=int(population),
            transitions=_kernel(priors),
            sampler=sampler,
            eps=_FlooredEpsilon.make(float(min_epsilon)),
        )
        resumed = (out / DB_FILE).is_file()
        if resumed:
            history = abc.load(db, 1)
        else:
            history = abc.new(db, observed(targets_obj))
        done = history.max_t + 1
        session["resumed_at_generation"] = int(done)
        last_eps = float(history.get_all_populations().query("t == @done - 1")["epsilon"].iloc[0]) if done > 0 else math.inf
        remaining = int(generations) - done
        total = int(history.total_nr_simulations) if done > 0 else 0
        budget_left = max_evaluations is None or total < max_evaluations
        if remaining > 0 and last_eps > min_epsilon and budget_left:
            manifest.setdefault("sessions", []).append(session)
            _write_manifest(out, manifest)
            if bar is not None:
                bar.start()
            try:
                history = abc.run(
                    minimum_epsilon=float(min_epsilon),
                    max_nr_populations=remaining,
                    max_total_nr_simulations=max_evaluations if max_evaluations is not None else np.inf,
                )
            finally:
                if bar is not None:
                    bar.stop()
                session["generations_run"] = [e["t"] for e in sampler.log]
                session["evaluations"] = sum(e["evaluations"] for e in sampler.log)
                session["finished"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
                _write_manifest(out, manifest)

        max_t = history.max_t
        if max_t < 0:
            raise CalibrationStoreError(str(out), [Problem("abc.db", "at least one finished generation", "none")])
        gens = _generations(history, _kernel(priors))
        gens.to_csv(out / "generations.csv", index=False)
        posterior = _posterior_table(history, max_t, names)
        posterior.to_parquet(out / POSTERIOR_FILE, index=False)
        ppc = _ppc(out, model, posterior, names, int(ppc_draws), master_seed, backend) if ppc_draws > 0 else pd.DataFrame()
    finally:
        backend.close()

    bounds = {p.name: (p.low, p.high) for p in priors.priors}
    summary = summarise_posterior(posterior, names, bounds)
    checks = _checks(targets_obj, ppc) if len(ppc) else {}
    final_eps = float(gens[gens["t"] >= 0]["epsilon"].iloc[-1])
    converged = final_eps <= min_epsilon
    weights = weight_health(gens, int(population))
    recovery = None
    if truth is not None:
        recovery = {
            n: {
                "truth": float(truth[n]),
                "low": float(summary.set_index("parameter").loc[n, "low"]),
                "high": float(summary.set_index("parameter").loc[n, "high"]),
                "inside": bool(summary.set_index("parameter").loc[n, "low"] <= truth[n] <= summary.set_index("parameter").loc[n, "high"]),
            }
            for n in names
            if n in truth
        }
    data: dict[str, Any] = {
        "kind": "calibration",
        "options": {
            "targets": str(targets_obj.source),
            "population": int(population),
            "generations": int(generations),
            "min_epsilon": float(min_epsilon),
            "max_evaluations": max_evaluations,
            "master_seed": int(master_seed),
            "ppc_draws": int(ppc_draws),
            "executor": executor,
        },
        "priors": priors.to_list(),
        "posterior": summary.to_dict("records"),
        "generations": gens.to_dict("records"),
        "converged": bool(converged),
        "weights": weights,
        "checks": checks,
        "all_reproduced": bool(checks) and all(c["reproduced"] for c in checks.values()),
        "recovery": recovery,
        "summary": _summary_text(summary, checks, gens, converged, weights) if checks else "",
        "provenance": {
            "package_version": package_version(),
            "pyabc_version": pyabc.__version__,
            "numpy_version": np.__version__,
            "python_version": platform.python_version(),
            "targets_file": str(targets_obj.source),
            "targets_hash": identity["targets_hash"],
            "scenario_hashes": identity["scenario_hashes"],
            "master_seed": int(master_seed),
            "database": DB_FILE,
            "sessions": manifest.get("sessions", []),
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        },
    }
    if figures:
        from simulator.figures import calibration as cfig
        from simulator.figures.studies import save

        fig_dir = out / "figures"
        save(cfig.marginals_figure(posterior, priors.to_list(), dict(truth) if truth else None), fig_dir / "marginals.png")
        save(cfig.diagnostics_figure(gens), fig_dir / "diagnostics.png")
        if checks:
            save(cfig.ppc_figure(ppc, checks), fig_dir / "ppc.png")
    write_analysis(out, data)
    return data

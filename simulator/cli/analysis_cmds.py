"""``clsim sweep | tipping | phase | sensitivity | report``: sweeps and their analyses.

Each command is a thin shell over :mod:`simulator.sweep` and :mod:`simulator.report`;
bad input (a sweep, scenario or option) prints one clear message and exits with code 2.
Heavy imports happen inside the commands so that ``clsim --help`` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register"]


class ExecutorKind(StrEnum):
    """Where runs execute."""

    local = "local"
    serial = "serial"
    dask = "dask"


class Method(StrEnum):
    """Sensitivity method."""

    morris = "morris"
    sobol = "sobol"


ExecutorOpt = Annotated[
    ExecutorKind,
    typer.Option(
        "--executor", "-e", help="serial, local (worker processes) or dask (needs --cluster)."
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", "-w", help="Local worker processes (default: CPU count).")
]
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster", help="dask.distributed scheduler, tcp://HOST:PORT (implies --executor dask)."
    ),
]
StartOpt = Annotated[
    str, typer.Option("--start-method", help="Local processes: spawn, forkserver or fork.")
]
ChunkOpt = Annotated[
    int, typer.Option("--chunk-size", min=1, help="Runs per task sent to a worker.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
SeedOpt = Annotated[
    int, typer.Option("--master-seed", min=0, help="Every run's seed derives from it.")
]
OutcomeOpt = Annotated[
    str, typer.Option("--outcome", help="Outcome that defines the transformed regime.")
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option("--threshold", help="Transformed when outcome >= THRESHOLD (default 0.10, with the default outcome learning_gain)."),
]
DeltaOpt = Annotated[
    float | None,
    typer.Option(
        "--delta",
        help="Instead: transformed when outcome >= baseline (lowest lever value) + DELTA.",
    ),
]
StepsOpt = Annotated[
    int | None, typer.Option("--steps", min=1, help="Months per run (default: scenario).")
]
FunctionOpt = Annotated[
    str | None,
    typer.Option(
        "--function", hidden=True, help="module:callable stand-in for the model (tests, demos)."
    ),
]


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True)


def _guarded(fn: Callable[[], None]) -> None:
    """Run a command body; turn input errors into one message and exit code 2."""
    from simulator.cli import print_error
    from simulator.scenario import ScenarioError
    from simulator.sweep.errors import SweepError

    try:
        fn()
    except (SweepError, ScenarioError) as exc:
        print_error(exc.render())
        raise typer.Exit(2) from None
    except (ValueError, KeyError, FileNotFoundError) as exc:
        if os.environ.get("CLSIM_DEBUG"):
            raise
        if type(exc).__name__ in ("SizeError", "LimitSettingError"):
            print_error(str(exc))
            raise typer.Exit(2) from None
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print_error(str(message), "CLSIM_DEBUG=1 for a traceback")
        raise typer.Exit(2) from None
    finally:
        while _OPEN_EXECUTORS:  # a local pool is kept from sweep to sweep within a command
            _OPEN_EXECUTORS.pop().close()


#: Executors built by this command, closed when it ends (see :func:`_guarded`).
_OPEN_EXECUTORS: list[Any] = []


def _executor(
    kind: ExecutorKind, workers: int | None, cluster: str | None, start_method: str, chunk: int
) -> Any:
    from simulator.sweep.executors import make_executor

    if kind == ExecutorKind.dask and cluster is None:
        raise ValueError("--executor dask needs --cluster tcp://HOST:PORT")
    executor = make_executor(
        kind.value, workers=workers, cluster=cluster, start_method=start_method, chunk_size=chunk
    )
    _OPEN_EXECUTORS.append(executor)
    return executor


def _regime(outcome: str, threshold: float | None, delta: float | None) -> Any:
    from simulator.analysis.tipping import DEFAULT_THRESHOLD, Regime

    if threshold is not None and delta is not None:
        raise ValueError("give --threshold or --delta, not both")
    if delta is not None:
        return Regime.relative(delta, outcome=outcome)
    return Regime(outcome=outcome, threshold=DEFAULT_THRESHOLD if threshold is None else threshold)


def _default_out(kind: str, scenario: Path | None, extra: str) -> Path:
    stem = scenario.stem if scenario is not None else "function"
    return Path("results") / f"{kind}-{stem}-{extra}".replace("/", "_")


def register(app: typer.Typer) -> None:
    """Add the sweep and analysis commands to the ``clsim`` app."""

    @app.command("sweep")
    def sweep_cmd(
        spec: Annotated[Path, typer.Argument(help="Sweep YAML (flat or under a 'sweep:' key).")],
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Results directory.")] = None,
        executor: ExecutorOpt = ExecutorKind.local,
        workers: WorkersOpt = None,
        cluster: ClusterOpt = None,
        start_method: StartOpt = "spawn",
        chunk_size: ChunkOpt = 1,
        flush_every: Annotated[
            int, typer.Option(min=1, help="Write a part file every N runs...")
        ] = 100,
        flush_seconds: Annotated[
            float, typer.Option(min=0.0, help="...or every S seconds.")
        ] = 30.0,
        overwrite: Annotated[bool, typer.Option(help="Discard results already in --out.")] = False,
        max_runs: Annotated[
            int | None, typer.Option(min=1, help="Stop after N runs (resume later).")
        ] = None,
        quiet: QuietOpt = False,
    ) -> None:
        """Run (or resume) a parameter sweep into a Parquet results directory."""

        def body() -> None:
            from simulator.cli.options import check_sweep_fits
            from simulator.sweep import load_sweep, run_sweep

            sweep = load_sweep(spec)
            largest = check_sweep_fits(sweep, {"executor": executor, "workers": workers, "cluster": cluster})
            _console().print(
                f"{sweep.n_runs:,} runs ({sweep.n_points:,} points x {sweep.replicates:,} replicates)"
                + (f"; largest run: {largest.describe()}" if largest is not None else ""),
                markup=False, highlight=False,
            )
            target = out or Path("results") / spec.stem
            ex = _executor(executor, workers, cluster, start_method, chunk_size)
            run = run_sweep(
                sweep,
                target,
                executor=ex,
                progress=not quiet,
                flush_every=flush_every,
                flush_seconds=flush_seconds,
                overwrite=overwrite,
                max_runs=max_runs,
            )
            _console().print(
                f"{run.n_executed} runs done ({run.n_skipped} already there, "
                f"{run.n_runs} in the sweep) "
                f"in {run.seconds:.1f} s; results: {run.path}"
            )

        _guarded(body)

    @app.command("tipping")
    def tipping_cmd(
        scenario: Annotated[Path | None, typer.Argument(help="Base scenario file.")] = None,
        lever: Annotated[
            str, typer.Option(help="Dotted scenario key to vary.")
        ] = "recruit.cohort_size",
        values: Annotated[
            str | None,
            typer.Option(
                help="Lever values: '0,5,10' or 'start:stop:num' "
                "(default: 17 from 0 to the scenario's value)."
            ),
        ] = None,
        seeds: Annotated[int, typer.Option(min=2, help="Seeds (replicates) per lever value.")] = 16,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Study directory.")] = None,
        outcome: OutcomeOpt = "learning_gain",
        threshold: ThresholdOpt = None,
        delta: DeltaOpt = None,
        master_seed: SeedOpt = 20240601,
        steps: StepsOpt = None,
        boot: Annotated[
            int, typer.Option(min=200, help="Bootstrap resamples (at least 200: 5 in each 2.5% tail).")
        ] = 1000,
        hysteresis: Annotated[
            bool, typer.Option(help="Also run with the strategy stopped early.")
        ] = True,
        stop_key: Annotated[
            list[str] | None,
            typer.Option(help="Key(s) set to --stop-year in the stopped runs (repeatable)."),
        ] = None,
        stop_year: Annotated[
            float | None,
            typer.Option(help="Stop year (default: halfway through the recruitment window)."),
        ] = None,
        hysteresis_seeds: Annotated[
            int | None, typer.Option(min=2, help="Seeds of the stopped runs.")
        ] = None,
        ews: Annotated[
            bool, typer.Option(help="Early-warning indicators on runs near the critical mass.")
        ] = True,
        ews_seeds: Annotated[
            int, typer.Option(min=2, help="Runs for the early-warning analysis.")
        ] = 6,
        ews_series: Annotated[
            str, typer.Option(help="Monthly indicator for early warnings.")
        ] = "engaged_share",
        max_width_fraction: Annotated[
            float,
            typer.Option(help="Widest 10-90% rise, as a share of the range, still a threshold."),
        ] = 0.5,
        report: Annotated[bool, typer.Option(help="Write OUT/report.html.")] = True,
        executor: ExecutorOpt = ExecutorKind.local,
        workers: WorkersOpt = None,
        cluster: ClusterOpt = None,
        start_method: StartOpt = "spawn",
        chunk_size: ChunkOpt = 1,
        quiet: QuietOpt = False,
        function: FunctionOpt = None,
        posterior: Annotated[
            Path | None,
            typer.Option(help="Calibration posterior (posterior.parquet or its directory): critical mass over draws."),
        ] = None,
        draws: Annotated[int, typer.Option(min=2, help="With --posterior: posterior draws.")] = 20,
        draw_seeds: Annotated[
            int, typer.Option(min=2, help="With --posterior: seeds per lever value and draw.")
        ] = 8,
    ) -> None:
        """Estimate the critical mass of one lever: S-curve, CI, bimodality, hysteresis, EWS."""

        def body() -> None:
            if posterior is not None:
                from simulator.cli.calibrate_cmd import run_posterior_tipping

                run_posterior_tipping(
                    scenario, posterior, lever, values, draws, draw_seeds, out,
                    _regime(outcome, threshold, delta), master_seed, steps, report,
                    _executor(executor, workers, cluster, start_method, chunk_size), quiet,
                )  # fmt: skip
                return
            from simulator.report.html import build_report
            from simulator.studies import parse_values, tipping_study

            if scenario is None and function is None:
                raise ValueError("give a SCENARIO file")
            regime = _regime(outcome, threshold, delta)
            vals = None
            if values is not None:
                kind = "float"
                if scenario is not None:
                    from simulator.studies.common import lever_current as _lever_current
                    from simulator.studies.common import load_study_scenario as _load

                    if isinstance(_lever_current(_load(scenario), lever), int):
                        kind = "int"
                vals = parse_values(values, kind)
            target = out or _default_out("tipping", scenario, lever)
            ex = _executor(executor, workers, cluster, start_method, chunk_size)
            data = tipping_study(
                target,
                scenario,
                lever=lever,
                values=vals,
                seeds=seeds,
                regime=regime,
                master_seed=master_seed,
                steps=steps,
                n_boot=boot,
                hysteresis=hysteresis,
                stop_keys=tuple(stop_key or ["recruit.end_year"]),
                stop_year=stop_year,
                hysteresis_seeds=hysteresis_seeds,
                ews=ews,
                ews_seeds=ews_seeds,
                ews_series=ews_series,
                executor=ex,
                progress=not quiet,
                function=function,
                max_width_fraction=max_width_fraction,
            )
            console = _console()
            console.print(data["summary"], highlight=False)
            if data.get("hysteresis_summary"):
                console.print(data["hysteresis_summary"], highlight=False)
            if data.get("ews"):
                console.print(data["ews"].get("summary", ""), highlight=False)
            if report:
                console.print(f"report: {build_report(target)}")
            console.print(f"results: {target}")

        _guarded(body)

    @app.command("phase")
    def phase_cmd(
        scenario: Annotated[Path | None, typer.Argument(help="Base scenario file.")] = None,
        x: Annotated[
            str, typer.Option("--x", help="First lever (columns).")
        ] = "recruit.cohort_size",
        x_values: Annotated[
            str, typer.Option("--x-values", help="'0,10,20' or 'start:stop:num'.")
        ] = "0:40:9",
        y: Annotated[
            str, typer.Option("--y", help="Second lever (rows).")
        ] = "recruit.placement_clusters",
        y_values: Annotated[
            str, typer.Option("--y-values", help="'1,3,5' or 'start:stop:num'.")
        ] = "1,3,5",
        seeds: Annotated[int, typer.Option(min=2, help="Seeds per grid cell.")] = 8,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Study directory.")] = None,
        outcome: OutcomeOpt = "learning_gain",
        threshold: ThresholdOpt = None,
        delta: DeltaOpt = None,
        master_seed: SeedOpt = 20240601,
        steps: StepsOpt = None,
        report: Annotated[bool, typer.Option(help="Write OUT/report.html.")] = True,
        executor: ExecutorOpt = ExecutorKind.local,
        workers: WorkersOpt = None,
        cluster: ClusterOpt = None,
        start_method: StartOpt = "spawn",
        chunk_size: ChunkOpt = 1,
        quiet: QuietOpt = False,
        function: FunctionOpt = None,
    ) -> None:
        """Two levers on a grid: heatmaps of the outcome and P(tipping) with the critical line."""

        def body() -> None:
            from simulator.report.html import build_report
            from simulator.studies.common import lever_current as _lever_current
            from simulator.studies.common import load_study_scenario as _load
            from simulator.studies.common import parse_values
            from simulator.studies.phase import phase_study

            if scenario is None and function is None:
                raise ValueError("give a SCENARIO file")
            kinds = {}
            sc = _load(scenario) if scenario is not None else None
            for key in (x, y):
                kinds[key] = (
                    "int"
                    if sc is not None and isinstance(_lever_current(sc, key), int)
                    else "float"
                )
            target = out or _default_out("phase", scenario, f"{x}-{y}")
            data = phase_study(
                target,
                x,
                parse_values(x_values, kinds[x]),
                y,
                parse_values(y_values, kinds[y]),
                scenario=scenario,
                seeds=seeds,
                regime=_regime(outcome, threshold, delta),
                master_seed=master_seed,
                steps=steps,
                executor=_executor(executor, workers, cluster, start_method, chunk_size),
                progress=not quiet,
                function=function,
            )
            console = _console()
            console.print(data["summary"], highlight=False)
            if report:
                console.print(f"report: {build_report(target)}")
            console.print(f"results: {target}")

        _guarded(body)

    @app.command("sensitivity")
    def sensitivity_cmd(
        scenario: Annotated[Path | None, typer.Argument(help="Base scenario file.")] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="KEY=LOW:HIGH, repeatable (dotted scenario keys)."),
        ] = None,
        method: Annotated[
            Method, typer.Option(help="morris (screening) or sobol (indices).")
        ] = Method.morris,
        samples: Annotated[
            int | None,
            typer.Option(
                min=1,
                help="Morris trajectories (default 10) or Sobol base N, a power of 2 (default 64).",
            ),
        ] = None,
        seeds: Annotated[int, typer.Option(min=1, help="Replicates per design point.")] = 2,
        outcome: Annotated[
            list[str] | None,
            typer.Option(
                "--outcome", help="Outcome(s) to analyse, repeatable; 'transformed' = P(regime)."
            ),
        ] = None,
        threshold: ThresholdOpt = None,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Study directory.")] = None,
        master_seed: SeedOpt = 20240601,
        steps: StepsOpt = None,
        report: Annotated[bool, typer.Option(help="Write OUT/report.html.")] = True,
        executor: ExecutorOpt = ExecutorKind.local,
        workers: WorkersOpt = None,
        cluster: ClusterOpt = None,
        start_method: StartOpt = "spawn",
        chunk_size: ChunkOpt = 1,
        quiet: QuietOpt = False,
        function: FunctionOpt = None,
    ) -> None:
        """Morris screening or Sobol indices of outcomes to model parameters."""

        def body() -> None:
            from simulator.analysis.tipping import DEFAULT_OUTCOME, DEFAULT_THRESHOLD, Regime
            from simulator.report.html import build_report
            from simulator.studies import sensitivity_study

            if scenario is None and function is None:
                raise ValueError("give a SCENARIO file")
            if not param:
                raise ValueError("give at least one --param KEY=LOW:HIGH")
            bounds: dict[str, tuple[float, float]] = {}
            for item in param:
                key, sep, rng = item.partition("=")
                lo, sep2, hi = rng.partition(":")
                if not sep or not sep2:
                    raise ValueError(f"--param expects KEY=LOW:HIGH; found {item!r}")
                bounds[key.strip()] = (float(lo), float(hi))
            n = samples or (10 if method == Method.morris else 64)
            outcomes = outcome or ["final_learning", "final_critical_mass_index", "transformed"]
            regime = Regime(
                outcome=DEFAULT_OUTCOME, threshold=DEFAULT_THRESHOLD if threshold is None else threshold
            )
            target = out or _default_out("sensitivity", scenario, method.value)
            data = sensitivity_study(
                target,
                bounds,
                scenario=scenario,
                method=method.value,
                samples=n,
                seeds=seeds,
                outcomes=outcomes,
                regime=regime,
                master_seed=master_seed,
                steps=steps,
                executor=_executor(executor, workers, cluster, start_method, chunk_size),
                progress=not quiet,
                function=function,
            )
            console = _console()
            console.print(data["summary"], highlight=False)
            if report:
                console.print(f"report: {build_report(target)}")
            console.print(f"results: {target}")

        _guarded(body)

    @app.command("report")
    def report_cmd(
        results_dir: Annotated[Path, typer.Argument(help="A study or sweep results directory.")],
        out: Annotated[
            Path | None,
            typer.Option("--out", "-o", help="HTML file (default RESULTS_DIR/report.html)."),
        ] = None,
    ) -> None:
        """Write one self-contained HTML report of a results directory."""

        def body() -> None:
            from simulator.report.html import build_report

            _console().print(f"report: {build_report(results_dir, out)}")

        _guarded(body)

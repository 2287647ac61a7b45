"""``clsim calibrate``: ABC-SMC calibration to the seeds' targets (thin shell over a study).

Bad input (a targets or prior file, an unknown key, a directory holding another
calibration) prints one clear message and exits with code 2. Heavy imports happen inside
the command so that ``clsim --help`` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``calibrate`` to the ``clsim`` app."""

    @app.command("calibrate")
    def calibrate_cmd(
        targets: Annotated[
            Path, typer.Argument(help="Targets file (see calibration/targets.yaml).")
        ] = Path("calibration/targets.yaml"),
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Study directory (resumed if it exists).")] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="Calibrate only this dotted key (repeatable; default: every plausible range)."),
        ] = None,
        priors: Annotated[Path | None, typer.Option("--priors", help="Prior file overriding or adding ranges.")] = None,
        population: Annotated[int, typer.Option(min=2, help="Particles per generation.")] = 100,
        generations: Annotated[int, typer.Option(min=1, help="Generations in total (a resumed run counts those done).")] = 8,
        min_epsilon: Annotated[
            float, typer.Option(min=0.0, help="Stop at this tolerance (1: every target met within its uncertainty).")
        ] = 1.0,
        max_evaluations: Annotated[int | None, typer.Option(min=1, help="Stop after this many model evaluations.")] = None,
        master_seed: Annotated[int, typer.Option(min=0, help="Every evaluation's seeds derive from it.")] = 20240601,
        ppc_draws: Annotated[int, typer.Option(min=0, help="Posterior draws rerun for the predictive checks.")] = 50,
        executor: Annotated[str, typer.Option("--executor", "-e", help="serial, local (worker processes) or dask.")] = "serial",
        workers: Annotated[int | None, typer.Option("--workers", "-w", help="Local worker processes.")] = None,
        cluster: Annotated[str | None, typer.Option("--cluster", help="dask scheduler tcp://HOST:PORT (implies dask).")] = None,
        start_method: Annotated[str, typer.Option("--start-method", help="Local processes: spawn, forkserver or fork.")] = "spawn",
        overwrite: Annotated[bool, typer.Option(help="Discard a calibration already in --out.")] = False,
        report: Annotated[bool, typer.Option(help="Write OUT/report.html.")] = True,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    ) -> None:
        """Calibrate the model to the seeds' targets by ABC-SMC (pyabc); resumable."""
        from rich.console import Console
        from rich.markup import escape

        from simulator.calibration.targets import TargetsError
        from simulator.scenario import ScenarioError
        from simulator.sweep.errors import SweepError

        err = Console(stderr=True, soft_wrap=True)
        try:
            from simulator.report.calibration_html import build_calibration_report
            from simulator.studies.calibration import calibration_study

            if executor not in ("serial", "local", "dask"):
                raise ValueError(f"--executor must be serial, local or dask; found {executor!r}")
            target = out or Path("results") / f"calibration-{targets.stem}"
            data = calibration_study(
                target,
                targets,
                keys=param or None,
                prior_file=priors,
                population=population,
                generations=generations,
                min_epsilon=min_epsilon,
                max_evaluations=max_evaluations,
                master_seed=master_seed,
                ppc_draws=ppc_draws,
                executor=executor,
                workers=workers,
                cluster=cluster,
                start_method=start_method,
                progress=not quiet,
                overwrite=overwrite,
            )
            console = Console(soft_wrap=True)
            console.print(data["summary"] or "(no predictive checks: --ppc-draws 0)", highlight=False)
            if report:
                console.print(f"report: {build_calibration_report(target)}")
            console.print(f"posterior: {target / 'posterior.parquet'}")
        except (TargetsError, SweepError, ScenarioError) as exc:
            err.print(f"[bold red]error:[/] {escape(exc.render())}", highlight=False)
            raise typer.Exit(2) from None
        except (ValueError, KeyError, FileNotFoundError) as exc:
            if os.environ.get("CLSIM_DEBUG"):
                raise
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            err.print(f"[bold red]error:[/] {escape(str(message))} [dim](CLSIM_DEBUG=1 for a traceback)[/]", highlight=False)
            raise typer.Exit(2) from None


def run_posterior_tipping(
    scenario: Path | None,
    posterior: Path,
    lever: str,
    values: str | None,
    draws: int,
    seeds: int,
    out: Path | None,
    regime: object,
    master_seed: int,
    steps: int | None,
    report: bool,
    executor: object,
    quiet: bool,
) -> None:
    """``clsim tipping SCENARIO --posterior FILE``: the critical mass over posterior draws."""
    from rich.console import Console

    from simulator.report.calibration_html import build_calibration_report
    from simulator.studies.common import lever_current, load_study_scenario, parse_values
    from simulator.studies.posterior import posterior_tipping_study

    if scenario is None:
        raise ValueError("give a SCENARIO file")
    vals = None
    if values is not None:
        kind = "int" if isinstance(lever_current(load_study_scenario(scenario), lever), int) else "float"
        vals = parse_values(values, kind)
    target = out or Path("results") / f"tipping-posterior-{scenario.stem}-{lever}"
    data = posterior_tipping_study(
        target, scenario, posterior, lever=lever, values=vals, draws=draws, seeds=seeds,
        regime=regime, master_seed=master_seed, steps=steps, executor=executor, progress=not quiet,
    )  # fmt: skip
    console = Console(soft_wrap=True)
    console.print(data["summary"], highlight=False)
    if report:
        console.print(f"report: {build_calibration_report(target)}")
    console.print(f"results: {target}")


def run_posterior_compare(
    scenarios: list[Path],
    posterior: Path,
    draws: int,
    seeds: int,
    steps: int | None,
    out: Path,
    master_seed: int,
) -> None:
    """``clsim compare A B --posterior FILE``: the paired difference over posterior draws."""
    from rich.console import Console
    from rich.markup import escape

    from simulator.report.calibration_html import build_calibration_report
    from simulator.studies.posterior import posterior_compare_study

    err = Console(stderr=True, soft_wrap=True)
    try:
        data = posterior_compare_study(
            out, scenarios, posterior, draws=draws, seeds=max(2, seeds), master_seed=master_seed,
            steps=steps, progress=True,
        )  # fmt: skip
    except (ValueError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        err.print(f"[bold red]error:[/] {escape(str(message))}", highlight=False)
        raise typer.Exit(2) from None
    console = Console(soft_wrap=True)
    console.print(data["summary"], highlight=False)
    console.print(f"report: {build_calibration_report(out)}")
    console.print(f"results: {out}")

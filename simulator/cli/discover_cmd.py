"""``clsim discover``: scenario discovery (PRIM boxes and a CART view) over a sweep.

Either ``clsim discover SWEEP_DIR`` (an existing sweep, usually a Latin hypercube), or
``clsim discover SCENARIO -p KEY=LOW:HIGH ... [-c KEY=a,b] --samples 200`` to run the
Latin-hypercube sweep first. A thin shell over :func:`simulator.studies.discover.discover_study`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .analysis_cmds import (
    ChunkOpt,
    ClusterOpt,
    ExecutorKind,
    ExecutorOpt,
    FunctionOpt,
    QuietOpt,
    SeedOpt,
    StartOpt,
    StepsOpt,
    WorkersOpt,
    _console,
    _executor,
    _guarded,
    _regime,
)

__all__ = ["register"]


def _parse_ranges(items: list[str] | None) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for item in items or []:
        key, sep, rng = item.partition("=")
        lo, sep2, hi = rng.partition(":")
        if not sep or not sep2:
            raise ValueError(f"--param expects KEY=LOW:HIGH; found {item!r}")
        out[key.strip()] = (float(lo), float(hi))
    return out


def _parse_choices(items: list[str] | None) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for item in items or []:
        key, sep, values = item.partition("=")
        if not sep or not values:
            raise ValueError(f"--choice expects KEY=A,B,...; found {item!r}")
        parsed: list[object] = []
        for v in values.split(","):
            v = v.strip()
            parsed.append({"true": True, "false": False}.get(v.lower(), v))
        out[key.strip()] = parsed
    return out


def register(app: typer.Typer) -> None:
    """Add the ``discover`` command to the ``clsim`` app."""

    @app.command("discover")
    def discover_cmd(
        source: Annotated[
            Path | None,
            typer.Argument(help="A sweep results directory, or a base scenario file with --param."),
        ] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="KEY=LOW:HIGH to sample (repeatable; with a scenario)."),
        ] = None,
        choice: Annotated[
            list[str] | None,
            typer.Option("--choice", "-c", help="KEY=A,B,... choice lever to sample (repeatable)."),
        ] = None,
        samples: Annotated[int, typer.Option(min=20, help="Latin-hypercube points.")] = 200,
        seeds: Annotated[int, typer.Option(min=1, help="Replicates per point.")] = 1,
        inputs: Annotated[
            list[str] | None,
            typer.Option("--input", help="Columns to search over (default: the varied levers)."),
        ] = None,
        outcome: Annotated[str, typer.Option(help="Outcome that defines tipping.")] = "learning_gain",
        threshold: Annotated[
            float | None, typer.Option(help="Tipped when outcome >= THRESHOLD (default 0.10, with the default outcome learning_gain).")
        ] = None,
        min_density: Annotated[
            float, typer.Option(min=0.0, max=1.0, help="PRIM reports the widest box this dense.")
        ] = 0.8,
        max_boxes: Annotated[int, typer.Option(min=1, max=10, help="Boxes to look for.")] = 3,
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
        """Find the regions of lever space where the system tips (PRIM boxes, CART)."""

        def body() -> None:
            from simulator.report.html import build_report
            from simulator.studies.discover import discover_study

            regime = _regime(outcome, threshold, None)
            ranges, picks = _parse_ranges(param), _parse_choices(choice)
            if source is not None and source.is_dir():
                if ranges or picks:
                    raise ValueError("give either a sweep directory or --param ranges, not both")
                target = out or Path(f"{source.as_posix().rstrip('/')}-discover")
                data = discover_study(
                    target,
                    sweep_dir=source,
                    inputs=inputs,
                    regime=regime,
                    min_density=min_density,
                    max_boxes=max_boxes,
                    master_seed=master_seed,
                )
            else:
                if source is None and function is None:
                    raise ValueError("give a SWEEP_DIR, or a SCENARIO file with --param KEY=LOW:HIGH")
                if not ranges and not picks:
                    raise ValueError("give at least one --param KEY=LOW:HIGH (or --choice) to sample")
                stem = source.stem if source is not None else "function"
                target = out or Path("results") / f"discover-{stem}"
                data = discover_study(
                    target,
                    scenario=source,
                    parameters=ranges,
                    choices=picks,
                    samples=samples,
                    seeds=seeds,
                    inputs=inputs,
                    regime=regime,
                    min_density=min_density,
                    max_boxes=max_boxes,
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

"""``clsim run``, ``clsim validate`` and ``clsim compare``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..scenario import load_scenario

__all__ = ["register"]

console = Console()


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} months"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    steps: Annotated[int | None, typer.Option(help="Months to simulate (default: the scenario's).")] = None,
    out: Annotated[Path | None, typer.Option(help="Results folder (default results/<scenario name>).")] = None,
) -> None:
    """Run one scenario and write its time series, summary and figure."""
    from ..report.run_output import write_run
    from ..runner import run_scenario

    sc = load_scenario(scenario)
    out = out or Path("results") / sc.meta.name
    total = sc.meta.steps if steps is None else steps
    with _progress() as bar:
        task = bar.add_task(sc.meta.name, total=total)
        result = run_scenario(sc, seed=seed, steps=steps, progress=lambda d, t: bar.update(task, completed=d))
    result.provenance["scenario_source"] = str(scenario)
    paths = write_run(result, out, sc)
    s = result.summary
    console.print(
        f"[bold]{sc.meta.name}[/] seed {seed}: learning {s['initial_learning']:.2f} -> "
        f"{s['final_learning']:.2f}, engaged teachers {s['final_engaged_teacher_share']:.0%}, "
        f"trust {s['final_trust']:.2f}"
    )
    console.print(f"results in [bold]{out}[/]: " + ", ".join(p.name for p in paths.values()))


def validate(files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")]) -> None:
    """Check scenario files against the schema; exit 2 on the first bad one."""
    for f in files:
        sc = load_scenario(f)
        console.print(f"[green]ok[/] {f} ({sc.meta.name}, hash {sc.content_hash()[:12]})")


def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files.")],
    seeds: Annotated[int, typer.Option(help="Seeds per scenario.")] = 5,
    steps: Annotated[int | None, typer.Option(help="Months (default: each scenario's).")] = None,
    out: Annotated[Path, typer.Option(help="Results folder.")] = Path("results/compare"),
    master_seed: Annotated[int, typer.Option(help="Master seed the run seeds derive from.")] = 0,
    posterior: Annotated[Path | None, typer.Option(help="Calibration posterior: the difference over posterior draws.")] = None,
    draws: Annotated[int, typer.Option(min=2, help="With --posterior: posterior draws.")] = 20,
) -> None:
    """Run scenarios over several seeds; write one side-by-side figure and table."""
    if posterior is not None:
        from .calibrate_cmd import run_posterior_compare

        run_posterior_compare(scenarios, posterior, draws, seeds, steps, out, master_seed)
        return
    from ..studies.compare import compare_scenarios

    loaded = {str(p): load_scenario(p) for p in scenarios}
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("runs", total=len(loaded) * seeds)
        table, paths = compare_scenarios(
            loaded, seeds=seeds, steps=steps, out=out, master_seed=master_seed,
            progress=lambda: bar.advance(task),
        )
    show = Table(title=f"Final outcomes (median [10%, 90%] over {seeds} seeds)")
    show.add_column("scenario")
    for col in ("final_learning", "final_engaged_teacher_share", "final_trust"):
        show.add_column(col)
    for name, group in table.groupby("scenario", sort=False):
        cells = []
        for col in ("final_learning", "final_engaged_teacher_share", "final_trust"):
            q = group[col].quantile([0.5, 0.1, 0.9]).to_numpy()
            cells.append(f"{q[0]:.2f} [{q[1]:.2f}, {q[2]:.2f}]")
        show.add_row(str(name), *cells)
    console.print(show)
    console.print(f"results in [bold]{out}[/]: " + ", ".join(p.name for p in paths.values()))


def register(app: typer.Typer) -> None:
    """Add the run, validate and compare commands."""
    app.command("run")(run)
    app.command("validate")(validate)
    app.command("compare")(compare)



"""``clsim run``, ``clsim validate`` and ``clsim compare``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..scenario import load_scenario
from ..scenario.size import check_fits

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
    sc = load_scenario(scenario)
    check_fits(sc, steps, str(scenario))  # refuse before anything is built
    from ..report.run_output import write_run  # heavy imports only for a good file
    from ..runner import run_scenario

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


def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Also print every strategy's effective schedule (after extends: and "
            "programme:) and where each year came from.",
        ),
    ] = False,
) -> None:
    """Check scenario files against the schema and print each run's size; exit 2 on a bad one."""
    for f in files:
        sc = load_scenario(f)
        size = check_fits(sc, None, str(f))  # a file this machine cannot run is refused
        console.print(
            f"ok {f} ({sc.meta.name}, hash {sc.content_hash()[:12]}): {size.describe()}",
            markup=False, emoji=False, highlight=False,
        )
        if explain:
            from ..strategies.schedules import effective_schedules

            console.print(
                f"  effective schedules ({sc.meta.steps} months = {sc.meta.steps / 12:g} years):",
                markup=False, emoji=False, highlight=False,
            )
            for line in effective_schedules(sc, f):
                use = "" if line.active else " (zero intensity: does nothing)"
                console.print(
                    f"  {line.name} ({line.path}): {line.window(sc.meta.steps)}{use}\n"
                    f"      start {line.start_year:g}: {line.start_from}\n"
                    f"      end {line.end_year:g}: {line.end_from}",
                    markup=False, emoji=False, highlight=False,
                )


def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario files.")],
    seeds: Annotated[int, typer.Option(help="Seeds per scenario.")] = 5,
    steps: Annotated[int | None, typer.Option(help="Months (default: each scenario's).")] = None,
    out: Annotated[Path, typer.Option(help="Results folder.")] = Path("results/compare"),
    master_seed: Annotated[int, typer.Option(help="Master seed the run seeds derive from.")] = 0,
    posterior: Annotated[Path | None, typer.Option(help="Calibration posterior: the difference over posterior draws.")] = None,
    draws: Annotated[int, typer.Option(min=2, help="With --posterior: posterior draws.")] = 20,
    threshold: Annotated[
        float, typer.Option(help="A run is transformed when its learning gain >= THRESHOLD.")
    ] = 0.10,
) -> None:
    """Run scenarios over the same seeds; print P(transformed) and outcomes; write figures."""
    from .. import labels
    from ..analysis.tipping import Regime
    if posterior is not None:
        from .calibrate_cmd import run_posterior_compare

        run_posterior_compare(scenarios, posterior, draws, seeds, steps, out, master_seed)
        return
    from ..studies.compare import compare_scenarios

    loaded = {str(p): load_scenario(p) for p in scenarios}
    for name, sc in loaded.items():
        check_fits(sc, steps, name)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("runs", total=len(loaded) * seeds)
        table, paths = compare_scenarios(
            loaded, seeds=seeds, steps=steps, out=out, master_seed=master_seed,
            regime=Regime(threshold=threshold), progress=lambda: bar.advance(task),
        )
    from ..studies.common import read_analysis

    analysis = read_analysis(out)
    tipped = Table(title=f"Runs transformed ({analysis['regime_text']}), Wilson 95% intervals")
    for col in ("scenario", "runs tipped", "P(transformed)", "in the programme areas"):
        tipped.add_column(col)
    programme = {r["scenario"]: r for r in analysis["transformed_programme"]}
    for r in analysis["transformed"]:
        g = programme.get(r["scenario"])
        tipped.add_row(
            r["scenario"],
            f"{r['k']} of {r['n']}",
            f"{r['p']:.2f} [{r['p_low']:.2f}, {r['p_high']:.2f}]",
            f"{g['k']} of {g['n']} [{g['p_low']:.2f}, {g['p_high']:.2f}]" if g else "no programme area",
        )
    console.print(tipped)
    columns = ("final_learning", "final_learning@programme", "final_engaged_teacher_share", "final_trust")
    show = Table(title=f"Final outcomes (median [10%, 90%] over {seeds} seeds)")
    show.add_column("scenario")
    for col in columns:
        show.add_column(labels.label(col))
    for name, group in table.groupby("scenario", sort=False):
        cells = []
        for col in columns:
            q = group[col].quantile([0.5, 0.1, 0.9]).to_numpy()
            cells.append(f"{q[0]:.2f} [{q[1]:.2f}, {q[2]:.2f}]" if np.isfinite(q[0]) else "n/a")
        show.add_row(str(name), *cells)
    console.print(show)
    console.print(f"results in [bold]{out}[/]: " + ", ".join(p.name for p in paths.values()))


def register(app: typer.Typer) -> None:
    """Add the run, validate and compare commands."""
    app.command("run")(run)
    app.command("validate")(validate)
    app.command("compare")(compare)



"""``clsim validate-classics``: rerun the classic tipping-point results and compare.

Runs the validations of :mod:`simulator.validation` (Granovetter 1978, Watts 2002,
Centola & Macy 2007, Centola et al. 2018, Xie et al. 2011, early warnings before a fold),
writes their tables and figures into ``--out``, the summary page where ``--summary``
says (``docs/validation_summary.md`` is the full run with seed 0), and prints the
summary table. Exits 1 when a tested check disagrees with the published figure.

The validations are part of the installed package: the command works from any folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register", "validate_classics"]

console = Console()


def validate_classics(
    out: Annotated[Path, typer.Option(help="Folder for tables and figures.")] = Path(
        "results/validation"
    ),
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="Fewer runs: a smoke test in under a minute; checks without power at that "
            "size are reported as not tested.",
        ),
    ] = False,
    summary: Annotated[
        Path | None,
        typer.Option(
            help="Also write the summary page here (OUT/summary.md is always written); "
            "docs/validation_summary.md is the full run with seed 0."
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(help="Run only this validation (repeatable), e.g. --only watts2002."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Master seed of every validation.")] = 0,
    jobs: Annotated[
        int, typer.Option(min=1, help="Validations run at once (results do not depend on it).")
    ] = 1,
) -> None:
    """Rerun the classic tipping-point results and compare them with the papers."""
    # imported here: the validations bring matplotlib and pandas, which every other
    # command (and ``clsim --help``) would otherwise wait for
    from ..validation.suite import SCRIPTS, run_all

    if only:
        unknown = sorted(set(only) - set(SCRIPTS))
        if unknown:
            console.print(
                f"[bold red]error:[/] unknown validation {', '.join(unknown)}; "
                f"choose from {', '.join(SCRIPTS)}"
            )
            raise typer.Exit(2)

    def progress(name: str, result: object) -> None:
        if result is None:
            console.print(f"running [bold]{name}[/] ...")
        else:
            console.print(f"  {name} done in {result.seconds:.1f} s")  # type: ignore[attr-defined]

    results, table = run_all(
        out=out,
        quick=quick,
        summary_path=summary,
        only=only,
        master_seed=seed,
        progress=progress,
        jobs=jobs,
    )
    shown = Table(title="Classic results: published vs ours" + (" (quick)" if quick else ""))
    for col in ("paper", "quantity", "published", "ours", "agrees"):
        shown.add_column(col, overflow="fold")
    colours = {"yes": "[green]yes[/]", "no": "[bold red]no[/]"}
    for row in table.itertuples(index=False):
        shown.add_row(
            row.paper.split(",")[0],
            row.quantity,
            row.published,
            row.ours,
            colours.get(row.verdict, f"[yellow]{row.verdict}[/]"),
        )
    console.print(shown)
    written = [str(out / "summary.md")] + ([str(summary)] if summary else [])
    console.print(f"tables and figures in [bold]{out}[/]; summary: {', '.join(written)}")
    if not bool(table.loc[table.tested, "agrees"].all()):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``validate-classics`` to the ``clsim`` app."""
    app.command("validate-classics")(validate_classics)

"""``clsim validate-classics``: rerun the classic tipping-point results and compare.

Runs the scripts of ``experiments/validation/`` (Granovetter 1978, Watts 2002, Centola &
Macy 2007, Centola et al. 2018, Xie et al. 2011, early warnings before a fold), writes
their tables and figures, writes ``docs/validation_summary.md`` (full runs) and prints
the summary table. Exits 1 when a check disagrees with the published figure.

The scripts live in the source tree, not in the installed package, so the command
needs a checkout of the repository.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register", "validate_classics"]

console = Console()
REPO = Path(__file__).resolve().parents[2]


def _runner() -> ModuleType:
    """Import ``experiments.validation.run_all`` from the repository checkout."""
    if not (REPO / "experiments" / "validation" / "run_all.py").is_file():
        console.print(
            "[bold red]error:[/] experiments/validation/ not found next to the installed "
            f"package ({REPO}); run validate-classics from a checkout of the repository."
        )
        raise typer.Exit(2)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module("experiments.validation.run_all")


def validate_classics(
    out: Annotated[Path, typer.Option(help="Folder for tables and figures.")] = Path(
        "results/validation"
    ),
    quick: Annotated[
        bool, typer.Option("--quick", help="Fewer runs: a smoke test in well under a minute.")
    ] = False,
    summary: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the summary Markdown (default: docs/validation_summary.md "
            "for full runs, only OUT/summary.md for quick ones)."
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(help="Run only this validation (repeatable), e.g. --only watts2002."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Master seed of every validation.")] = 0,
) -> None:
    """Rerun the classic tipping-point results and compare them with the papers."""
    runner = _runner()
    if only:
        unknown = sorted(set(only) - set(runner.SCRIPTS))
        if unknown:
            console.print(
                f"[bold red]error:[/] unknown validation {', '.join(unknown)}; "
                f"choose from {', '.join(runner.SCRIPTS)}"
            )
            raise typer.Exit(2)
    summary_path = summary if summary is not None else (None if quick else runner.DEFAULT_SUMMARY)

    def progress(name: str, result: object) -> None:
        if result is None:
            console.print(f"running [bold]{name}[/] ...")
        else:
            console.print(f"  done in {result.seconds:.1f} s")  # type: ignore[attr-defined]

    results, table = runner.run_all(
        out=out,
        quick=quick,
        summary_path=summary_path,
        only=only,
        master_seed=seed,
        progress=progress,
    )
    shown = Table(title="Classic results: published vs ours" + (" (quick)" if quick else ""))
    for col in ("paper", "quantity", "published", "ours", "agrees"):
        shown.add_column(col, overflow="fold")
    for row in table.itertuples(index=False):
        shown.add_row(
            row.paper.split(",")[0],
            row.quantity,
            row.published,
            row.ours,
            "[green]yes[/]" if row.agrees else "[bold red]no[/]",
        )
    console.print(shown)
    written = [str(out / "summary.md")] + ([str(summary_path)] if summary_path else [])
    console.print(f"tables and figures in [bold]{out}[/]; summary: {', '.join(written)}")
    if not bool(table["agrees"].all()):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``validate-classics`` to the ``clsim`` app."""
    app.command("validate-classics")(validate_classics)

"""``clsim docs``: regenerate, or check, the documentation generated from the code.

Writes ``docs/scenario_reference.md`` and the generated tables of ``docs/ODD.md`` (see
:mod:`simulator.docs_gen`); with ``--check`` it only reports stale files and exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["register", "docs"]


def docs(
    check: Annotated[
        bool, typer.Option("--check", help="Only report stale generated files; exit 1 if any.")
    ] = False,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Project root holding docs/ (default: this checkout).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Regenerate docs/scenario_reference.md and the generated tables of docs/ODD.md."""
    from ..docs_gen import check_docs, write_docs

    console = Console()
    if check:
        stale = check_docs(root)
        if stale:
            Console(stderr=True).print(
                f"[bold red]out of date:[/] {', '.join(stale)}\n"
                "regenerate with: clsim docs (or python -m simulator.docs_gen)",
                highlight=False,
            )
            raise typer.Exit(1)
        console.print("generated docs are up to date")
        return
    written = write_docs(root)
    for path in written:
        console.print(f"wrote {path}", highlight=False)
    if not written:
        console.print("generated docs are up to date")


def register(app: typer.Typer) -> None:
    """Add the ``docs`` command to the ``clsim`` app."""
    app.command("docs")(docs)

"""Checks, results and their files: the plumbing every validation shares.

Each validation module builds a :class:`Validation` of :class:`Check` rows (our number
beside the published one, the test that compares them and its power, and whether they
agree) plus a figure, and :func:`write_validation` writes ``<name>.csv``, ``<name>.md``,
``<name>.png``, ``<name>_data.csv`` and ``<name>.json`` (provenance) into a folder.

Figures are built with :class:`matplotlib.figure.Figure` directly, never through pyplot,
so importing this package does not change the user's matplotlib backend.
"""

from __future__ import annotations

import argparse
import math
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulator import jsonio

__all__ = [
    "DEFAULT_OUT",
    "FORMAT_VERSION",
    "Check",
    "Validation",
    "fmt",
    "main_for",
    "markdown_table",
    "write_validation",
]

#: Version of the files written; bump when their columns change.
FORMAT_VERSION = 2
DEFAULT_OUT = Path("results") / "validation"


@dataclass
class Check:
    """One published figure beside ours.

    Attributes:
        quantity: what is compared.
        published: the paper's value (or the reference used, named).
        ours: our value, with its interval where it has one.
        agrees: whether the test passes.
        criterion: the test, its level and its power.
        exact: the value does not depend on the number of runs (analytic, or a
            deterministic run), so quick and full runs give the same ``ours``.
        tested: False when a quick run has too few runs for the test to mean anything:
            the numbers are reported and ``agrees`` is not counted.
    """

    quantity: str
    published: str
    ours: str
    agrees: bool
    criterion: str = ""
    exact: bool = False
    tested: bool = True

    @property
    def verdict(self) -> str:
        """``yes``, ``no``, or ``not tested (quick)``."""
        if not self.tested:
            return "not tested (quick)"
        return "yes" if self.agrees else "no"


@dataclass
class Validation:
    """The outcome of one validation."""

    name: str
    paper: str
    figure_reproduced: str
    setup: str
    checks: list[Check] = field(default_factory=list)
    figure: Figure | None = None
    data: pd.DataFrame | None = None
    seeds: dict[str, Any] = field(default_factory=dict)
    quick: bool = False
    seconds: float = 0.0

    @property
    def all_agree(self) -> bool:
        """Every tested check agrees."""
        return all(c.agrees for c in self.checks if c.tested)

    def check(self, quantity_start: str) -> Check:
        """The check whose quantity starts with ``quantity_start``."""
        found = [c for c in self.checks if c.quantity.startswith(quantity_start)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} checks of {self.name} start with {quantity_start!r}")
        return found[0]

    def table(self) -> pd.DataFrame:
        """The checks as a table (one row per check)."""
        return pd.DataFrame(
            [{"paper": self.paper, **asdict(c), "verdict": c.verdict} for c in self.checks]
        )

    def light(self) -> Validation:
        """A copy without the figure and data (cheap to send between processes)."""
        return Validation(
            name=self.name,
            paper=self.paper,
            figure_reproduced=self.figure_reproduced,
            setup=self.setup,
            checks=list(self.checks),
            seeds=dict(self.seeds),
            quick=self.quick,
            seconds=self.seconds,
        )


def fmt(value: float | None, digits: int = 2) -> str:
    """A number for a table (``nan`` shown as an em dash)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency)."""
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for _, row in frame.iterrows():
        cells = [str(v).replace("|", "\\|").replace("\n", " ") for v in row.tolist()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _provenance(result: Validation) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
            return "unknown"

    return {
        "format_version": FORMAT_VERSION,
        "validation": result.name,
        "paper": result.paper,
        "figure_reproduced": result.figure_reproduced,
        "clsim_version": ver("clsim"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": ver("scipy"),
        "networkx": ver("networkx"),
        "mesa": ver("mesa"),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": result.quick,
        "seconds": round(result.seconds, 2),
        "seeds": result.seeds,
        "all_agree": result.all_agree,
    }


def write_validation(result: Validation, out: Path) -> dict[str, Path]:
    """Write the table (CSV and Markdown), the figure (PNG), the data and the provenance."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "csv": out / f"{result.name}.csv",
        "md": out / f"{result.name}.md",
        "json": out / f"{result.name}.json",
    }
    table = result.table()
    table.to_csv(paths["csv"], index=False)
    if result.data is not None:
        paths["data"] = out / f"{result.name}_data.csv"
        result.data.to_csv(paths["data"], index=False)
    shown = table[["quantity", "published", "ours", "criterion", "verdict"]].assign(
        verdict=lambda t: t["verdict"].replace({"no": "**no**"})
    )
    text = [
        f"# {result.paper}",
        "",
        f"Figure reproduced: {result.figure_reproduced}.",
        "",
        f"Setup: {result.setup}",
        "",
        markdown_table(shown),
        "",
        f"![{result.name}]({result.name}.png)",
        "",
        f"Run {'quick' if result.quick else 'full'}, {result.seconds:.1f} s; seeds: "
        f"`{jsonio.dumps(result.seeds)}`.",
        "",
    ]
    paths["md"].write_text("\n".join(text), encoding="utf-8")
    if result.figure is not None:
        paths["png"] = out / f"{result.name}.png"
        result.figure.savefig(paths["png"], dpi=120, bbox_inches="tight")
    paths["json"].write_text(jsonio.dumps(_provenance(result), indent=2), encoding="utf-8")
    return paths


def main_for(run: Callable[..., Validation], description: str) -> None:
    """Command-line entry of one validation: ``--out``, ``--quick``, ``--seed``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--seed", type=int, default=0, help="master seed")
    args = parser.parse_args()
    start = time.perf_counter()
    result = run(quick=args.quick, master_seed=args.seed)
    result.seconds = time.perf_counter() - start
    paths = write_validation(result, args.out)
    print(markdown_table(result.table()[["quantity", "published", "ours", "verdict"]]))
    print(f"\nwritten: {', '.join(str(p) for p in paths.values())}")
    raise SystemExit(0 if result.all_agree else 1)

"""Shared plumbing of the validation scripts: checks, tables, figures, provenance.

Each script builds a :class:`Validation` of :class:`Check` rows (our number beside the
published one, and whether they agree within the stated criterion) plus a figure, and
:func:`write_validation` writes ``<name>.csv``, ``<name>.md``, ``<name>.png`` and
``<name>.json`` (provenance) into the output folder.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

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

FORMAT_VERSION = 1
REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path("results") / "validation"


@dataclass
class Check:
    """One published figure beside ours."""

    quantity: str
    published: str
    ours: str
    agrees: bool
    criterion: str = ""


@dataclass
class Validation:
    """The outcome of one validation script."""

    name: str
    paper: str
    figure_reproduced: str
    setup: str
    checks: list[Check] = field(default_factory=list)
    figure: plt.Figure | None = None
    data: pd.DataFrame | None = None
    seeds: dict[str, Any] = field(default_factory=dict)
    quick: bool = False
    seconds: float = 0.0

    @property
    def all_agree(self) -> bool:
        """Every check agrees."""
        return all(c.agrees for c in self.checks)

    def table(self) -> pd.DataFrame:
        """The checks as a table (one row per check)."""
        return pd.DataFrame(
            [{"paper": self.paper, **{k: v for k, v in asdict(c).items()}} for c in self.checks]
        )


def fmt(value: float, digits: int = 2) -> str:
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
    try:
        import simulator

        version = simulator.__version__
    except Exception:  # pragma: no cover - a broken install still gets its results
        version = "unknown"
    return {
        "format_version": FORMAT_VERSION,
        "validation": result.name,
        "paper": result.paper,
        "figure_reproduced": result.figure_reproduced,
        "clsim_version": version,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": result.quick,
        "seconds": round(result.seconds, 2),
        "seeds": result.seeds,
        "all_agree": result.all_agree,
    }


def write_validation(result: Validation, out: Path) -> dict[str, Path]:
    """Write the table (CSV and Markdown), the figure (PNG) and the provenance (JSON)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "csv": out / f"{result.name}.csv",
        "md": out / f"{result.name}.md",
        "png": out / f"{result.name}.png",
        "json": out / f"{result.name}.json",
    }
    table = result.table()
    table.to_csv(paths["csv"], index=False)
    if result.data is not None:
        data_path = out / f"{result.name}_data.csv"
        result.data.to_csv(data_path, index=False)
        paths["data"] = data_path
    shown = table.drop(columns=["paper"]).assign(
        agrees=lambda t: t["agrees"].map({True: "yes", False: "**no**"})
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
        f"`{json.dumps(result.seeds)}`.",
        "",
    ]
    paths["md"].write_text("\n".join(text), encoding="utf-8")
    if result.figure is not None:
        result.figure.savefig(paths["png"], dpi=120, bbox_inches="tight")
        plt.close(result.figure)
    paths["json"].write_text(json.dumps(_provenance(result), indent=2), encoding="utf-8")
    return paths


def main_for(run: Callable[..., Validation], description: str) -> None:
    """Command-line entry of a validation script: ``--out``, ``--quick``, ``--seed``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--seed", type=int, default=0, help="master seed")
    args = parser.parse_args()
    start = time.perf_counter()
    result = run(quick=args.quick, master_seed=args.seed)
    result.seconds = time.perf_counter() - start
    paths = write_validation(result, args.out)
    print(markdown_table(result.table().drop(columns=["paper"])))
    print(f"\nwritten: {', '.join(str(p) for p in paths.values())}")

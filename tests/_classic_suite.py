"""One quick run of the whole validation suite, shared by the tests that need it."""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path

import pandas as pd

from simulator.validation.suite import run_all

ROOT = Path(__file__).resolve().parents[1]
SUMMARY_DOC = ROOT / "docs" / "validation_summary.md"


@functools.lru_cache(maxsize=2)
def suite_run(quick: bool) -> tuple[Path, pd.DataFrame, str]:
    """Run every validation (two at a time) once per session; return (out, table, summary)."""
    out = Path(tempfile.mkdtemp(prefix=f"clsim-validation-{'quick' if quick else 'full'}-"))
    _, table = run_all(out=out, quick=quick, jobs=2)
    return out, table, (out / "summary.md").read_text(encoding="utf-8")


def doc_rows(text: str) -> list[dict[str, str]]:
    """The check rows of a summary page (the table before "## Run times")."""
    body = text.partition("## Run times")[0]
    lines = [line for line in body.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split(" | ")]
    rows = []
    for line in lines[2:]:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows

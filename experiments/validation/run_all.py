"""Run every classic validation and write the summary (a thin script over the package).

    python experiments/validation/run_all.py [--out DIR] [--quick] [--jobs N] [--only NAME]

Same as ``clsim validate-classics`` except that a full run also rewrites this checkout's
``docs/validation_summary.md`` by default (the CLI writes it only when given
``--summary``). The suite itself is :mod:`simulator.validation.suite`.
"""

from pathlib import Path

from simulator.validation.suite import main

DEFAULT_SUMMARY = Path(__file__).resolve().parents[2] / "docs" / "validation_summary.md"

if __name__ == "__main__":
    raise SystemExit(main(default_summary=DEFAULT_SUMMARY))

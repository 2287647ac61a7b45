"""Measure the numbers the docs quote, and write them into the docs.

Every figure that ``docs/analysis.md``, ``docs/what_if_guide.md`` and
``docs/notebooks.md`` quote (critical masses, coverage, boxes, comparisons, timings) sits
between markers written by this script::

    <!-- BEGIN MEASURED name -->
    ...text rendered from docs/measured/name.json...
    <!-- END MEASURED name -->

A measurement runs its command, stores the raw numbers with their provenance and the
measurement's format version in ``docs/measured/NAME.json``, and renders them into the
block. ``tests/test_docs_measured.py`` fails when a block differs from the rendering of
its stored numbers (hand-edited, or the renderer changed) or when the stored format is
older than the measurement's current format. Regenerate with::

    python experiments/measure_docs.py --list
    python experiments/measure_docs.py tipping_coverage discover_lhs   # run and write
    python experiments/measure_docs.py --render                         # re-render only

After the model's dynamics change, rerun every measurement (``--all``): the numbers
depend on them.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
STORE = DOCS / "measured"
BEGIN = "<!-- BEGIN MEASURED {name} -->"
END = "<!-- END MEASURED {name} -->"


@dataclass(frozen=True)
class Measurement:
    """One measured block: where it goes, how it is measured and how it reads."""

    name: str
    doc: str
    format: int
    command: str
    measure: Callable[[], dict[str, Any]]
    render: Callable[[dict[str, Any]], str]


def _clsim(*args: str, cwd: Path = ROOT) -> float:
    """Run ``clsim ARGS`` (this interpreter's); return the wall-clock seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simulator", *args], cwd=cwd, check=True)
    return time.perf_counter() - start


def _provenance() -> dict[str, Any]:
    from simulator.provenance import provenance

    record = provenance()
    return {k: record[k] for k in ("clsim_version", "git", "python", "platform", "created")}


def _fmt_time(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _stamp(data: dict[str, Any]) -> str:
    prov = data.get("provenance", {})
    git = prov.get("git") or {}
    code = str(git.get("commit") or "?")[:10] + (" with uncommitted changes" if git.get("dirty") else "")
    return (
        f"*Measured {str(prov.get('created', '?'))[:10]} with clsim {prov.get('clsim_version', '?')} "
        f"(code {code}, Python {prov.get('python', '?')}) by `{data['command']}`.*"
    )


# -- tipping estimator coverage ------------------------------------------------------------

COVERAGE_CMD = "python experiments/tipping_coverage.py --reps 200 --n-boot 200 --cases mid2 edge2 edge5 step"


def measure_coverage() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "coverage.json"
        subprocess.run(
            [sys.executable, str(ROOT / "experiments" / "tipping_coverage.py"), *COVERAGE_CMD.split()[2:], "--json", str(out)],
            cwd=ROOT,
            check=True,
        )
        rows = json.loads(out.read_text())
    return {"rows": rows}


def render_coverage(data: dict[str, Any]) -> str:
    names = {
        "mid2": "threshold mid-range (x0 = 20, steepness 2)",
        "mid5": "threshold mid-range (x0 = 20, steepness 5)",
        "edge2": "near the top edge (x0 = 38 of 0-40, steepness 2)",
        "edge5": "near the top edge (x0 = 38 of 0-40, steepness 5)",
        "step": "step function (x0 = 21.3)",
        "step_edge": "step near the edge (x0 = 38.7)",
    }
    lines = [
        "| synthetic case | repetitions | interval covers the truth | threshold reported | near-edge warning | interval kinds |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in data["rows"]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["interval_kinds"].items()))
        lines.append(
            f"| {names.get(r['case'], r['case'])} | {r['reps']} | {r['coverage']:.3f} | "
            f"{r['threshold_share']:.2f} | {r['near_edge_warning_share']:.2f} | {kinds} |"
        )
    return "\n".join(lines) + "\n\n" + _stamp(data)


# -- scenario discovery on a Latin hypercube ---------------------------------------------------

DISCOVER_CMD = (
    "clsim discover scenarios/comprehensive.yaml -p recruit.cohort_size=0:40 "
    "-p recruit.placement_clusters=1:10 -p develop.teacher_coaching=0:1 "
    "-c convene.collectives.mode=teacher_led,imposed,none --samples 400 --seeds 1 "
    "--out results/docs/discover-comprehensive"
)


def _sweep_seconds(sweep_dir: Path) -> float:
    """Wall time of a sweep's runs: first session start to the last part written.

    Read from the results directory, so a resumed sweep reports the time its runs took,
    not the time of the (instant) resume.
    """
    import datetime as dt

    manifest = json.loads((sweep_dir / "_sweep.json").read_text())
    start = dt.datetime.fromisoformat(manifest["sessions"][0]["started"]).timestamp()
    last = max(p.stat().st_mtime for p in sweep_dir.glob("part-*.parquet"))
    return last - start


def measure_discover() -> dict[str, Any]:
    args = DISCOVER_CMD.split()[1:] + ["--quiet", "--no-report"]
    _clsim(*args)
    out = ROOT / "results/docs/discover-comprehensive"
    seconds = _sweep_seconds(out / "sweep")
    analysis = json.loads((out / "analysis.json").read_text())
    disc = analysis["discovery"]
    return {
        "seconds": seconds,
        "n_runs": disc["n_runs"],
        "n_cases": disc["n_cases"],
        "boxes": [
            {k: b[k] for k in ("index", "text", "density", "coverage", "n_runs")}
            | {"restrictions": [{k: r[k] for k in ("key", "low", "high", "categories", "qp", "text")} for r in b["restrictions"]]}
            for b in disc["boxes"]
        ],
        "leaves": [leaf["text"] for leaf in disc["tree_leaves"] if leaf["predicts_tipping"]],
        "tree_accuracy": disc["tree_accuracy"],
        "notes": disc["notes"],
    }


def render_discover(data: dict[str, Any]) -> str:
    lines = [
        f"{data['n_cases']} of {data['n_runs']} runs tipped. PRIM's boxes (restrictions with their quasi-p values):",
        "",
    ]
    for b in data["boxes"]:
        qps = "; ".join(f"{r['text']} (quasi-p {r['qp']:.2g})" for r in b["restrictions"])
        lines.append(f"- **Box {b['index']}**: {b['text']}. Restrictions: {qps}.")
    if not data["boxes"]:
        lines.append("- PRIM found no box denser than the design.")
    lines += ["", f"The classification tree ({data['tree_accuracy']:.0%} of runs classified right) gives these leaves that mostly tip:", ""]
    lines += [f"- {leaf}" for leaf in data["leaves"]] or ["- none"]
    for note in data["notes"]:
        lines += ["", f"Note: {note}"]
    lines += ["", f"The {data['n_runs']} runs took {_fmt_time(data['seconds'])} on the 2-vCPU machine shared with other work (two local workers).", "", _stamp(data)]
    return "\n".join(lines)


# -- the what-if worked example -----------------------------------------------------------------

BASELINE_6 = """extends: {root}/scenarios/baseline.yaml
meta: {{name: no programme}}
system: {{districts: 6, clusters_per_district: 5, officials_per_district: 2}}
"""
WHATIF_CMD = (
    "clsim compare my_scenarios/baseline_6districts.yaml scenarios/what_if_three_districts.yaml "
    "scenarios/what_if_stop_year6.yaml --seeds 10 --out results/whatif"
)


def measure_whatif() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline_6districts.yaml"
        base.write_text(BASELINE_6.format(root=ROOT))
        out = Path(tmp) / "whatif"
        seconds = _clsim(
            "compare",
            str(base),
            "scenarios/what_if_three_districts.yaml",
            "scenarios/what_if_stop_year6.yaml",
            "--seeds",
            "10",
            "--out",
            str(out),
        )
        analysis = json.loads((out / "analysis.json").read_text())
    return {
        "seconds": seconds,
        "n_seeds": analysis["n_seeds"],
        "transformed": analysis["transformed"],
        "programme": analysis["transformed_programme"],
        "outcomes": analysis["outcomes"],
    }


def render_whatif(data: dict[str, Any]) -> str:
    def q(cell: dict[str, float]) -> str:
        if cell["median"] is None or not math.isfinite(cell["median"]):  # strict JSON: NaN is null
            return "n/a"
        return f"{cell['median']:.2f} [{cell['q10']:.2f}, {cell['q90']:.2f}]"

    programme = {r["scenario"]: r for r in data["programme"]}
    lines = [
        "| scenario | learning, year 15, state | learning, year 15, programme areas | teachers engaged, year 15 | runs transformed, state | runs transformed, programme areas |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row, t in zip(data["outcomes"], data["transformed"], strict=True):
        g = programme.get(row["scenario"])
        lines.append(
            f"| {row['scenario']} | {q(row['final_learning'])} | "
            f"{q(row['final_learning@programme']) if 'final_learning@programme' in row else 'n/a'} | "
            f"{q(row['final_engaged_teacher_share'])} | {t['k']} of {t['n']} | "
            f"{(str(g['k']) + ' of ' + str(g['n'])) if g else 'no programme area'} |"
        )
    return (
        "\n".join(lines)
        + f"\n\nMedian [10%, 90%] over {data['n_seeds']} seeds; a run is transformed when its learning gain (the last 12 months "
        f"over the start) is at least 0.10, the model's regime. The {3 * data['n_seeds']} runs took {_fmt_time(data['seconds'])} on the shared 2-vCPU machine.\n\n"
        + _stamp(data)
    )


MEASUREMENTS: dict[str, Measurement] = {
    m.name: m
    for m in (
        Measurement("tipping_coverage", "analysis.md", 1, COVERAGE_CMD, measure_coverage, render_coverage),
        Measurement("discover_lhs", "analysis.md", 1, DISCOVER_CMD, measure_discover, render_discover),
        Measurement("whatif_compare", "what_if_guide.md", 1, WHATIF_CMD, measure_whatif, render_whatif),
    )
}


def blocks(text: str) -> dict[str, str]:
    """The measured blocks of a document: name -> text between its markers."""
    import re

    out = {}
    for m in re.finditer(r"<!-- BEGIN MEASURED (\S+) -->\n(.*?)<!-- END MEASURED \1 -->", text, flags=re.S):
        out[m.group(1)] = m.group(2)
    return out


def stored(name: str) -> dict[str, Any] | None:
    """The stored measurement, or None."""
    path = STORE / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def rendered(name: str, data: dict[str, Any]) -> str:
    """The block text a stored measurement renders to."""
    return MEASUREMENTS[name].render(data).rstrip("\n") + "\n"


def write_block(name: str, data: dict[str, Any]) -> Path:
    """Replace the block ``name`` in its document with the rendering of ``data``."""
    m = MEASUREMENTS[name]
    doc = DOCS / m.doc
    text = doc.read_text(encoding="utf-8")
    begin, end = BEGIN.format(name=name), END.format(name=name)
    if begin not in text or end not in text:
        raise ValueError(f"{doc} has no markers {begin} ... {end}")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc.write_text(f"{head}{begin}\n{rendered(name, data)}{end}{tail}", encoding="utf-8")
    return doc


def run(name: str) -> None:
    """Measure ``name``, store its numbers and write its block."""
    m = MEASUREMENTS[name]
    data = m.measure()
    data.update(format=m.format, command=m.command, provenance=_provenance())
    STORE.mkdir(parents=True, exist_ok=True)
    (STORE / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {write_block(name, data)} ({name})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="measurements to run (see --list)")
    parser.add_argument("--all", action="store_true", help="run every measurement")
    parser.add_argument("--render", action="store_true", help="only re-render blocks from stored numbers")
    parser.add_argument("--list", action="store_true", help="list the measurements and their commands")
    args = parser.parse_args(argv)
    if args.list:
        for m in MEASUREMENTS.values():
            print(f"{m.name:18s} docs/{m.doc:18s} format {m.format}: {m.command}")
        return 0
    if args.render:
        for name in MEASUREMENTS:
            data = stored(name)
            if data is not None:
                print(f"rendered {write_block(name, data)} ({name})")
        return 0
    names = list(MEASUREMENTS) if args.all else args.names
    unknown = [n for n in names if n not in MEASUREMENTS]
    if unknown or not names:
        parser.error(f"give measurement names from {list(MEASUREMENTS)} (unknown: {unknown})")
    for name in names:
        run(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

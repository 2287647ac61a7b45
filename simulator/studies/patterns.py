"""The pattern study: the runs each of the eight patterns needs, run as resumable sweeps.

Every design is a set of dotted-key overrides of one base scenario (by default
``scenarios/comprehensive.yaml``), so the study asks: around this programme, do the
brief's eight patterns emerge? Stage A needs nothing but the base; stage B places runs
relative to the critical mass that stage A's cohort sweep finds:

========== ======= ==============================================================
design     stage   runs
========== ======= ==============================================================
tipping    A       the base at every cohort of :data:`COHORTS` (pattern 1)
technical  A       a 3-year technical programme, no fellows, nothing else (3)
modes      A       collectives in every cluster for 5 years, no fellows, run
                   10 years: none / imposed / teacher-led, paired by seed (6)
telangana  A       teacher-led collectives in 8 of 16 clusters of 20 schools, no
                   fellows, baseline learning 0.30, 48 months (8)
stop       B       the whole programme stopped at year 6, at twice and half the
                   critical mass (2)
recruit    B       recruitment alone at the high cohort (4)
spread     B       the same fellows spread over every cluster at the high cohort, with
                   collectives in as many clusters as the clustered programme (5)
trust      B       the base at the high cohort with a 3-month learning lag (7)
========== ======= ==============================================================

The *high cohort* is the lowest swept cohort from which every larger one transforms at
least 80% of runs (:func:`simulator.analysis.patterns.high_point`); pattern 4 and 7 also
use the tipping design's runs at it.

A *parameter set* (a dict of overrides, e.g. one row of a robustness design) is applied
under every design; a design's own keys win (e.g. pattern 7's learning lag). Runs of many
parameter sets go into one sweep per design, each run named ``meta.name = set<k>`` so the
checks can group them. Each design is one results store (``OUT/<stage>/<design>/``), so an
interrupted study resumes without redoing finished runs, on any executor.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.analysis import patterns as checks
from simulator.analysis.patterns import PatternResult
from simulator.sweep.execute import run_sweep
from simulator.sweep.executors import Executor
from simulator.sweep.spec import sweep_from_dict

__all__ = [
    "LEVER",
    "COHORTS",
    "STRATEGIES_OFF",
    "STOP_AT_YEAR_6",
    "COUNTERS",
    "PatternStudy",
    "stage_a_designs",
    "stage_b_designs",
    "run_designs",
    "evaluate_set",
    "run_pattern_study",
    "HysteresisCheck",
    "run_hysteresis_check",
]

LEVER = "recruit.cohort_size"
#: Cohorts (fellows a year) of the tipping design.
COHORTS: tuple[int, ...] = (0, 2, 4, 6, 8, 11, 16, 22, 32, 45, 64)

#: Overrides that switch off develop, connect, convene and the technical programme.
STRATEGIES_OFF: dict[str, Any] = {
    "develop.fellow_coaching": 0.0,
    "develop.teacher_coaching": 0.0,
    "develop.principal_development": 0.0,
    "develop.parent_development": 0.0,
    "develop.alumni_leadership": 0.0,
    "connect.alumni_gatherings_per_year": 0,
    "connect.bridging": 0.0,
    "connect.community": 0.0,
    "convene.collectives.mode": "none",
    "convene.convenings.per_year": 0,
    "technical.practice_push": 0.0,
    "technical.resources": 0.0,
}

#: Overrides that stop every strategy of the programme at year 6.
STOP_AT_YEAR_6: dict[str, Any] = {
    "recruit.end_year": 6.0,
    "develop.end_year": 6.0,
    "connect.end_year": 6.0,
    "convene.collectives.end_year": 6.0,
    "convene.convenings.end_year": 6.0,
}

#: Pattern number -> the knock-out whose counter-scenario must make its check fail.
COUNTERS: dict[int, str] = {
    1: "mechanisms.reinforcement",
    2: "mechanisms.reinforcement",
    3: "mechanisms.inertia",
    4: "mechanisms.collective_learning",
    5: "mechanisms.reinforcement",
    6: "mechanisms.ownership",
    7: "mechanisms.trust_gate",
    8: "mechanisms.collective_learning",
}

_SHORTEST_LAG = 3.0  # months: the low end of dynamics.learning_lag_months' plausible range
_n_placement = 3  # recruit.placement_clusters of the shipped programmes


def stage_a_designs() -> dict[str, list[dict[str, Any]]]:
    """The stage-A designs: name -> list of points (dotted overrides), same keys within a design."""
    return {
        "tipping": [{LEVER: c} for c in COHORTS],
        "technical": [
            {
                **STRATEGIES_OFF,
                LEVER: 0,
                "technical.practice_push": 0.05,
                "technical.resources": 0.15,
                "technical.start_year": 0.0,
                "technical.end_year": 3.0,
            }
        ],
        "modes": [
            {
                **STRATEGIES_OFF,
                LEVER: 0,
                "convene.collectives.mode": mode,
                "convene.collectives.clusters": "all",
                "convene.collectives.start_year": 0.0,
                "convene.collectives.end_year": 5.0,
                "convene.collectives.meetings_per_year": 12,
                "convene.collectives.with_data": True,
                "convene.collectives.facilitation": 1.0,
                "meta.steps": 120,
            }
            for mode in ("none", "imposed", "teacher_led")
        ],
        "telangana": [
            {
                **STRATEGIES_OFF,
                LEVER: 0,
                "system.districts": 2,
                "system.clusters_per_district": 8,
                "system.schools_per_cluster": 20,
                "system.teachers_per_school": 8,
                "system.parents_per_school": 4,
                "convene.collectives.mode": "teacher_led",
                "convene.collectives.clusters": 8,
                "convene.collectives.start_year": 0.0,
                "convene.collectives.end_year": 10.0,
                "convene.collectives.meetings_per_year": 12,
                "convene.collectives.with_data": True,
                "convene.collectives.facilitation": 1.0,
                "population.baseline_learning": 0.30,
                "meta.steps": 48,
            }
        ],
    }


def stage_b_designs(critical_mass: float, high: float) -> dict[str, list[dict[str, Any]]]:
    """The stage-B designs for one parameter set, placed by its critical mass and high cohort.

    Empty designs where the critical mass or the high cohort is unknown (NaN).
    """
    out: dict[str, list[dict[str, Any]]] = {"stop": [], "recruit": [], "spread": [], "trust": []}
    if math.isfinite(critical_mass) and critical_mass > 0:
        above = max(1, int(math.ceil(2.0 * critical_mass)))
        below = max(1, int(math.floor(0.5 * critical_mass)))
        out["stop"] = [{LEVER: above, **STOP_AT_YEAR_6}, {LEVER: below, **STOP_AT_YEAR_6}]
    if math.isfinite(high):
        c = int(high)
        out["recruit"] = [{**STRATEGIES_OFF, LEVER: c}]
        # the same fellows over every cluster; collectives in as many clusters as the
        # clustered programme has (the placement clusters), so only depth differs
        out["spread"] = [{LEVER: c, "recruit.placement": "spread", "convene.collectives.clusters": _n_placement}]
        out["trust"] = [{LEVER: c, "dynamics.learning_lag_months": _SHORTEST_LAG}]
    return out


def _seed_offset(name: str) -> int:
    return sum((i + 1) * ord(ch) for i, ch in enumerate(name)) % 100_003


def run_designs(
    out: Path,
    scenario: Path,
    designs: Mapping[str, Sequence[Mapping[str, Any]]],
    parameter_sets: Sequence[Mapping[str, Any]],
    replicates: int,
    master_seed: int,
    executor: Executor | None = None,
    progress: bool = True,
    set_ids: Sequence[int] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run every design under every parameter set; one resumable results store per design.

    Args:
        out: the stage's folder; design ``d`` goes to ``out/d``.
        scenario: the base scenario file.
        designs: name -> points (for stage B, a design's points may differ by set: pass
            one design dict per set through ``parameter_sets`` and ``set_ids`` instead).
        parameter_sets: overrides applied under every point.
        replicates: seeds per point.
        master_seed: the study's master seed (each design derives its own).
        executor: where runs execute (default: serial).
        progress: show progress bars.
        set_ids: the id of each parameter set (default 0, 1, ...).

    Returns:
        design name -> run table with a ``set`` column.
    """
    from simulator.sweep.executors import SerialExecutor

    executor = executor if executor is not None else SerialExecutor()
    ids = list(set_ids) if set_ids is not None else list(range(len(parameter_sets)))
    tables: dict[str, pd.DataFrame] = {}
    for name, points in designs.items():
        rows = [
            {**dict(pset), **dict(point), "meta.name": f"set{k}"}
            for k, pset in zip(ids, parameter_sets, strict=True)
            for point in points
        ]
        if not rows:
            continue
        tables[name] = _run_points(out / name, scenario, name, rows, replicates, master_seed, executor, progress)
    return tables


def _run_points(
    out: Path,
    scenario: Path,
    name: str,
    rows: list[dict[str, Any]],
    replicates: int,
    master_seed: int,
    executor: Executor,
    progress: bool,
) -> pd.DataFrame:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    missing = [k for k in keys if any(k not in row for row in rows)]
    if missing:
        from simulator.studies.common import lever_current, load_study_scenario

        base = load_study_scenario(scenario)
        for row in rows:
            for k in missing:
                row.setdefault(k, lever_current(base, k))
    spec = sweep_from_dict(
        {
            "name": f"patterns-{name}",
            "scenario": str(Path(scenario).resolve()),
            "design": "points",
            "points": rows,
            "replicates": replicates,
            "master_seed": (master_seed + _seed_offset(name)) % (2**63),
            "common_random_numbers": name == "modes",
        },
        source=f"<pattern design {name}>",
    )
    run = run_sweep(spec, out, executor=executor, progress=progress)
    table = run.table()
    table["set"] = table["meta.name"].str.removeprefix("set").astype(int)
    return table


def evaluate_set(a: Mapping[str, pd.DataFrame], b: Mapping[str, pd.DataFrame]) -> dict[int, PatternResult]:
    """All eight checks for one parameter set's tables (stage A and B, already filtered)."""
    empty = pd.DataFrame()
    tip = a.get("tipping", empty)
    results: dict[int, PatternResult] = {}
    results[1], tipping = checks.check_tipping(tip, LEVER) if len(tip) else (
        checks.PatternResult(1, checks.PATTERNS[1], None, math.nan, "critical mass", reason="no runs"), None
    )
    stop = b.get("stop", empty)
    if len(stop):
        cohorts = sorted(stop[LEVER].unique())
        above = stop[stop[LEVER] == max(cohorts)]
        below = stop[stop[LEVER] == min(cohorts)] if len(cohorts) > 1 else empty
    else:
        above = below = empty
    results[2] = checks.check_hysteresis(above, below)
    results[3] = checks.check_technical_fades(a["technical"]) if "technical" in a else checks.PatternResult(
        3, checks.PATTERNS[3], None, math.nan, "", reason="no runs")
    high = checks.high_point(tip, LEVER) if len(tip) else math.nan
    at_high = tip[tip[LEVER] == high] if math.isfinite(high) else empty
    results[4] = checks.check_comprehensive(at_high, b.get("recruit", empty))
    results[5] = checks.check_depth(at_high, b.get("spread", empty))
    modes = a.get("modes", empty)
    if len(modes):
        by = {m: modes[modes["convene.collectives.mode"] == m] for m in ("none", "imposed", "teacher_led")}
        results[6] = checks.check_imposed(by["none"], by["imposed"], by["teacher_led"])
    else:
        results[6] = checks.PatternResult(6, checks.PATTERNS[6], None, math.nan, "", reason="no runs")
    trust = b.get("trust", empty)
    results[7] = checks.check_trust_first(trust) if len(trust) else checks.PatternResult(
        7, checks.PATTERNS[7], None, math.nan, "", reason="no cohort where the programme transforms")
    tel = a.get("telangana", empty)
    results[8] = checks.check_telangana(tel) if len(tel) else checks.PatternResult(
        8, checks.PATTERNS[8], None, math.nan, "", reason="no runs")
    results[1].details["high_cohort"] = high
    return results


@dataclass
class PatternStudy:
    """The results of :func:`run_pattern_study` for one or more parameter sets."""

    stage_a: dict[str, pd.DataFrame]
    stage_b: dict[str, pd.DataFrame]
    results: dict[int, dict[int, PatternResult]] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One row per (set, pattern): holds, effect and the reason a check was not made."""
        rows = []
        for set_id, res in self.results.items():
            for number, r in res.items():
                rows.append({"set": set_id, "pattern": number, "name": r.name, "holds": r.holds,
                             "effect": r.effect, "measure": r.measure, "reason": r.reason})
        return pd.DataFrame(rows)


def _split(tables: Mapping[str, pd.DataFrame], set_id: int) -> dict[str, pd.DataFrame]:
    return {k: v[v["set"] == set_id] for k, v in tables.items()}


def run_pattern_study(
    out: str | Path,
    scenario: str | Path,
    parameter_sets: Sequence[Mapping[str, Any]] = ({},),
    replicates: int = 6,
    master_seed: int = 2026,
    executor: Executor | None = None,
    progress: bool = True,
) -> PatternStudy:
    """Run stage A for every set, place each set's stage-B runs, run them, and check all patterns.

    Args:
        out: results folder (``out/A/<design>``, ``out/B/<design>``); rerunning resumes.
        scenario: the base scenario file.
        parameter_sets: overrides, one dict a set (default: the base alone).
        replicates: seeds per point.
        master_seed: the study's master seed.
        executor: where runs execute.
        progress: show progress bars.
    """
    out = Path(out)
    scenario = Path(scenario)
    sets = [dict(s) for s in parameter_sets]
    a = run_designs(out / "A", scenario, stage_a_designs(), sets, replicates, master_seed, executor, progress)
    placed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for k in range(len(sets)):
        tip = _split(a, k)["tipping"]
        r1, _ = checks.check_tipping(tip, LEVER)
        cm = r1.effect if r1.details.get("verdict") == "threshold" else math.nan
        high = checks.high_point(tip, LEVER)
        for name, points in stage_b_designs(cm, high).items():
            for point in points:
                placed.setdefault(name, []).append((k, point))
    b: dict[str, pd.DataFrame] = {}
    for name, items in placed.items():
        rows = [{**sets[k], **point, "meta.name": f"set{k}"} for k, point in items]
        b[name] = _run_points(out / "B" / name, scenario, name, rows, replicates, master_seed, executor
                              if executor is not None else _serial(), progress)
    study = PatternStudy(a, b)
    for k in range(len(sets)):
        study.results[k] = evaluate_set(_split(a, k), _split(b, k))
    return study


def _serial() -> Executor:
    from simulator.sweep.executors import SerialExecutor

    return SerialExecutor()


def counter_designs(number: int, critical_mass: float, high: float) -> dict[str, list[dict[str, Any]]]:
    """The designs pattern ``number``'s counter-scenario needs, placed by the base's critical mass.

    The knock-out itself is applied as a parameter set by :func:`run_counters`.
    """
    a = stage_a_designs()
    b = stage_b_designs(critical_mass, high)
    if number == 1:
        return {"tipping": a["tipping"]}
    if number == 2:
        return {"stop": b["stop"]}
    if number == 3:
        return {"technical": a["technical"]}
    if number in (4, 5):
        at_high = [{LEVER: int(high)}] if math.isfinite(high) else []
        other = "recruit" if number == 4 else "spread"
        return {"tipping": [{LEVER: 0}, *at_high], other: b[other]}
    if number == 6:
        return {"modes": a["modes"]}
    if number == 7:
        return {"trust": b["trust"]}
    if number == 8:
        return {"telangana": a["telangana"]}
    raise ValueError(f"no pattern {number}")


def _evaluate_one(number: int, tables: Mapping[str, pd.DataFrame]) -> PatternResult:
    empty = pd.DataFrame()
    a = {k: v for k, v in tables.items() if k in ("tipping", "technical", "modes", "telangana")}
    b = {k: v for k, v in tables.items() if k not in a}
    if number in (4, 5):
        tip = tables.get("tipping", empty)
        high = tip[LEVER].max() if len(tip) else math.nan
        at_high = tip[tip[LEVER] == high] if len(tip) else empty
        other = tables.get("recruit" if number == 4 else "spread", empty)
        res = (checks.check_comprehensive if number == 4 else checks.check_depth)(at_high, other)
        zero = tip[tip[LEVER] == 0] if len(tip) else empty
        res.details["transformed_without_fellows"] = float(checks.transformed(zero).mean()) if len(zero) else math.nan
        return res
    return evaluate_set(a, b)[number]


def run_counters(
    out: str | Path,
    scenario: str | Path,
    critical_mass: float,
    high: float,
    replicates: int = 6,
    master_seed: int = 2026,
    executor: Executor | None = None,
    progress: bool = True,
    numbers: Sequence[int] = tuple(range(1, 9)),
) -> dict[int, PatternResult]:
    """Each pattern's check under its counter-scenario (:data:`COUNTERS`): the knock-out of one mechanism.

    A counter *fails* the pattern when the returned result does not hold. Stage-B runs are
    placed at the base's critical mass and high cohort, so only the mechanism differs.
    """
    out = Path(out)
    results: dict[int, PatternResult] = {}
    for number in numbers:
        knockout = {COUNTERS[number]: False}
        designs = counter_designs(number, critical_mass, high)
        tables = run_designs(out / f"counter{number}", Path(scenario), designs, [knockout], replicates,
                             master_seed + 7919 * number, executor, progress)
        results[number] = _evaluate_one(number, tables)
        results[number].details["knockout"] = COUNTERS[number]
    return results


@dataclass
class HysteresisCheck:
    """Pattern 2 at one master seed and its counter-scenario (:func:`run_hysteresis_check`)."""

    tipping: PatternResult
    defaults: PatternResult | None = None
    counter: PatternResult | None = None

    @property
    def critical_mass(self) -> float:
        """The cohort sweep's critical mass (NaN without a threshold, when nothing was placed)."""
        return self.tipping.effect if self.tipping.details.get("verdict") == "threshold" else math.nan


def run_hysteresis_check(
    out: str | Path,
    scenario: str | Path,
    replicates: int = 8,
    master_seed: int = 2026,
    executor: Executor | None = None,
    progress: bool = False,
) -> HysteresisCheck:
    """Pattern 2 and its counter, with the runs the pattern study makes for them.

    These are the runs (the same seeds) of :func:`run_pattern_study` and
    :func:`run_counters` at this master seed and size. The cohort sweep gives the critical mass; the stop design runs at twice and half of
    it, at the defaults and with :data:`COUNTERS` ``[2]`` knocked out. Without a threshold
    there is nothing to place, and only ``tipping`` is filled in.
    """
    out, scenario = Path(out), Path(scenario)
    tip = run_designs(out / "A", scenario, {"tipping": stage_a_designs()["tipping"]}, [{}], replicates, master_seed,
                      executor, progress)["tipping"]
    check = HysteresisCheck(checks.check_tipping(tip, LEVER)[0])
    cm = check.critical_mass
    if not math.isfinite(cm):
        return check
    b = run_designs(out / "B", scenario, {"stop": stage_b_designs(cm, math.nan)["stop"]}, [{}], replicates,
                    master_seed, executor, progress)
    check.defaults = evaluate_set({}, b)[2]
    check.counter = run_counters(out / "counters", scenario, cm, math.nan, replicates, master_seed, executor,
                                 progress, numbers=(2,))[2]
    return check

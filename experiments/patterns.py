"""The eight patterns of the brief, each with the scenario that shows it and a
counter-scenario where it must not appear (issue 3).

Nothing in the model names a pattern: every check below runs ordinary scenario files
(with dotted-key overrides) and measures ordinary outputs. For each pattern it prints
the measured effect with a 95% bootstrap interval over seeds, whether the pattern holds,
and whether the counter-scenario behaves as the pattern says it should not. Figures go
to ``results/patterns/``.

Run: ``python experiments/patterns.py [--seeds 10] [--out results/patterns]``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simulator.runner import run_scenario  # noqa: E402
from simulator.scenario import Scenario, load_scenario  # noqa: E402
from simulator.studies.compare import derive_seeds  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TRANSFORMED = 0.55  # final learning at or above this is the transformed regime


def scenario(name: str, **overrides) -> Scenario:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    return sc.with_overrides(overrides) if overrides else sc


@dataclass
class Check:
    pattern: str
    measure: str
    effect: float
    low: float
    high: float
    holds: bool
    counter: str
    counter_effect: float
    counter_low: float
    counter_high: float
    counter_absent: bool

    @property
    def passed(self) -> bool:
        return self.holds and self.counter_absent


def bootstrap(values: np.ndarray, stat: Callable[[np.ndarray], float] = np.mean, n: int = 2000, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    values = np.asarray(values, dtype=float)
    draws = [stat(values[rng.integers(0, len(values), len(values))]) for _ in range(n)]
    return float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))


def diff_boot(a: np.ndarray, b: np.ndarray, n: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    a, b = np.asarray(a, float), np.asarray(b, float)
    draws = [a[rng.integers(0, a.size, a.size)].mean() - b[rng.integers(0, b.size, b.size)].mean() for _ in range(n)]
    return float(a.mean() - b.mean()), float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))


def paired_boot(a: np.ndarray, b: np.ndarray, n: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of per-seed differences ``a - b`` (same seeds, same networks) with a 95% interval."""
    d = np.asarray(a, float) - np.asarray(b, float)
    lo, hi = bootstrap(d, n=n, seed=seed)
    return float(d.mean()), lo, hi


def runs(sc: Scenario, seeds: list[int]) -> list:
    return [run_scenario(sc, seed=s) for s in seeds]


def finals(results: list, key: str = "final_learning") -> np.ndarray:
    return np.array([r.summary[key] for r in results])


def p1_tipping(seeds: list[int], out: Path) -> Check:
    """S-curve and bimodality, judged by the tipping estimator of ``simulator.analysis``."""
    from simulator.analysis.tipping import estimate_tipping

    lever = "recruit.cohort_size"
    rows = []
    for cs in [0, 4, 8, 12, 16, 20, 25, 30, 40, 60]:
        for seed, r in zip(seeds, runs(scenario("comprehensive", **{lever: cs}), seeds), strict=True):
            rows.append({lever: cs, "seed": seed, **r.summary})
    table = pd.DataFrame(rows)
    res = estimate_tipping(table, lever, n_boot=500)
    # Bimodality needs more runs than a sweep point has: 40 extra seeds at the estimate.
    from simulator.analysis.bimodality import assess_bimodality

    near = int(round(res.critical_mass)) if np.isfinite(res.critical_mass) else 15
    extra = derive_seeds(seeds[0] + 1, 40)
    near_values = finals(runs(scenario("comprehensive", **{lever: near}), extra))
    bim = assess_bimodality(near_values)
    bimodal = [near] if bim.bimodal else []
    push = "technical.practice_push"
    trows = []
    for value in [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15]:
        sc = scenario("technical_only", **{push: value, "technical.end_year": 15.0})
        for seed, r in zip(seeds[:4], runs(sc, seeds[:4]), strict=True):
            trows.append({push: value, "seed": seed, **r.summary})
    ttable = pd.DataFrame(trows)
    tres = estimate_tipping(ttable, push, n_boot=200)
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    ax[0].scatter(table[lever], table.final_learning, alpha=0.5)
    ax[0].scatter(np.full(near_values.size, near), near_values, alpha=0.3, color="C3", s=10)
    if res.has_threshold:
        ax[0].axvspan(res.ci_low, res.ci_high, color="k", alpha=0.15)
        ax[0].axvline(res.critical_mass, color="k", ls="--")
    ax[0].set(xlabel="fellows a year (comprehensive)", ylabel="final learning",
              title=f"{res.verdict}: critical mass {res.critical_mass:.1f}")
    ax[1].scatter(ttable[push], ttable.final_learning, alpha=0.5, color="C1")
    ax[1].set(xlabel="technical practice push (15 years)", ylabel="final learning",
              title=f"counter: {tres.verdict}")
    fig.tight_layout()
    fig.savefig(out / "p1_tipping.png", dpi=110)
    plt.close(fig)
    return Check(
        "1 tipping: S-curve, bimodal near the tipping point",
        f"critical mass (fellows/yr) [95% CI]; verdict {res.verdict}; at {near}/yr over 40 seeds "
        f"bimodal={bim.bimodal} (dip p={bim.dip_pvalue}, mixture dBIC={bim.mixture_delta_bic:.1f})",
        res.critical_mass, res.ci_low, res.ci_high, bool(res.has_threshold and bimodal),
        f"technical dose-response: verdict {tres.verdict}", tres.critical_mass, tres.ci_low, tres.ci_high,
        bool(not tres.has_threshold),
    )


def p2_hysteresis(seeds: list[int], out: Path) -> Check:
    def persistence(cs: int) -> np.ndarray:
        vals = []
        for r in runs(scenario("comprehensive", **{"recruit.cohort_size": cs, "recruit.end_year": 6.0}), seeds):
            ts = r.timeseries
            gain_stop = ts.loc[ts.month == 84, "learning_mean"].iloc[0] - ts.learning_mean.iloc[0]
            gain_end = r.summary["final_learning"] - ts.learning_mean.iloc[0]
            vals.append(gain_end - gain_stop)
        return np.array(vals)

    above, below = persistence(40), persistence(6)
    lo, hi = bootstrap(above)
    clo, chi = bootstrap(below)
    return Check(
        "2 hysteresis: gains persist after recruitment stops above critical mass",
        "learning change from year 7 to year 15 after stopping at year 6 (40 fellows/yr)",
        float(above.mean()), lo, hi, bool(lo > -0.02),
        "below critical mass (6 fellows/yr): gains decay", float(below.mean()), clo, chi, bool(chi < 0),
    )


def p3_technical_fades(seeds: list[int], out: Path) -> Check:
    def fade(sc: Scenario) -> np.ndarray:
        vals = []
        for r in runs(sc, seeds):
            ts = r.timeseries
            peak = ts.learning_mean.max() - ts.learning_mean.iloc[0]
            kept = r.summary["final_learning"] - ts.learning_mean.iloc[0]
            vals.append(kept / peak if peak > 0 else 0.0)
        return np.array(vals)

    tech, comp = fade(scenario("technical_only")), fade(scenario("comprehensive"))
    lo, hi = bootstrap(tech)
    clo, chi = bootstrap(comp)
    return Check(
        "3 technical push fades", "share of the peak gain kept at year 15 (technical only)",
        float(tech.mean()), lo, hi, bool(hi < 0.3),
        "comprehensive: the gain is kept", float(comp.mean()), clo, chi, bool(clo > 0.8),
    )


def p4_comprehensive(seeds: list[int], out: Path) -> Check:
    cs = 20
    comp = finals(runs(scenario("comprehensive", **{"recruit.cohort_size": cs}), seeds)) >= TRANSFORMED
    rec = finals(runs(scenario("recruit", **{"recruit.cohort_size": cs}), seeds)) >= TRANSFORMED
    tech = finals(runs(scenario("recruit", **{"recruit.cohort_size": cs, "technical.practice_push": 0.05, "technical.resources": 0.15}), seeds)) >= TRANSFORMED
    eff, lo, hi = diff_boot(comp, rec)
    ceff, clo, chi = diff_boot(tech, rec)
    return Check(
        "4 comprehensive beats partial", f"P(transformed) comprehensive minus recruit-only at {cs} fellows/yr",
        eff, lo, hi, bool(lo > 0),
        "recruit + technical programme vs recruit-only: no lower critical mass", ceff, clo, chi, bool(chi <= 0.2),
    )


def p5_depth(seeds: list[int], out: Path) -> Check:
    base = {"recruit.cohort_size": 15}
    clustered = finals(runs(scenario("comprehensive", **base, **{"recruit.placement": "clustered"}), seeds))
    spread = finals(runs(scenario("comprehensive", **base, **{"recruit.placement": "spread"}), seeds))
    eff, lo, hi = diff_boot(clustered, spread)
    simple = {"dynamics.min_support": 0.0, "population.threshold_mean": 0.05, "population.threshold_sd": 0.0}
    c2 = finals(runs(scenario("comprehensive", **base, **simple, **{"recruit.placement": "clustered"}), seeds))
    s2 = finals(runs(scenario("comprehensive", **base, **simple, **{"recruit.placement": "spread"}), seeds))
    ceff, clo, chi = diff_boot(c2, s2)
    return Check(
        "5 depth of scale: clustered tips where spread does not", "final learning clustered minus spread (15 fellows/yr)",
        eff, lo, hi, bool(lo > 0.02),
        "simple contagion (low thresholds, no reinforcement): spread does as well", ceff, clo, chi, bool(chi < 0.05),
    )


def p6_imposed(seeds: list[int], out: Path) -> Check:
    base = {"recruit.cohort_size": 40}
    none = finals(runs(scenario("convene", **base, **{"convene.collectives.mode": "none"}), seeds))
    imposed = finals(runs(scenario("convene", **base, **{"convene.collectives.mode": "imposed"}), seeds))
    led = finals(runs(scenario("convene", **base, **{"convene.collectives.mode": "teacher_led"}), seeds))
    eff, lo, hi = paired_boot(imposed, none)
    ceff, clo, chi = paired_boot(led, none)
    _, _, vs_led_hi = paired_boot(imposed, led)
    return Check(
        "6 imposed convening gives no lasting gain",
        "final learning (year 15), imposed minus no collectives, paired by seed (recruit + convene, "
        f"40 fellows/yr); holds if the mean gain <= 0.02 and imposed is below teacher-led "
        f"(upper 95% bound of imposed - teacher-led: {vs_led_hi:.3f})",
        eff, lo, hi, bool(eff <= 0.02 and vs_led_hi < 0),
        "teacher-led collectives: a lasting gain", ceff, clo, chi, bool(clo > 0.03),
    )


def p7_trust_first(seeds: list[int], out: Path) -> Check:
    comp = [r.summary for r in runs(scenario("comprehensive"), seeds)]
    lags = np.array([s["months_to_learning_rise"] - s["months_to_trust_rise"] for s in comp])
    lags = lags[np.isfinite(lags)]
    lo, hi = bootstrap(lags) if lags.size else (float("nan"), float("nan"))
    tech = [r.summary for r in runs(scenario("technical_only"), seeds)]
    # trust first = trust rises, and before learning does (or learning never does)
    first = np.array([
        np.isfinite(s["months_to_trust_rise"])
        and not (s["months_to_learning_rise"] <= s["months_to_trust_rise"])
        for s in tech
    ], dtype=float)
    clo, chi = bootstrap(first)
    return Check(
        "7 trust first", "months by which the learning rise (+0.05) lags the trust rise (+0.05), comprehensive",
        float(lags.mean()) if lags.size else float("nan"), lo, hi, bool(lags.size == len(comp) and lo > 0),
        "technical only: share of runs where trust rises first (learning rises, trust does not)",
        float(first.mean()), clo, chi, bool(chi < 0.5),
    )


def p8_collectives(seeds: list[int], out: Path) -> Check:
    def ratio(mode: str) -> np.ndarray:
        vals = []
        sc = scenario("telangana_collectives", **{"convene.collectives.mode": mode})
        for r in runs(sc, seeds[:3]):
            s = r.schools[r.schools.month == 36]
            n = sc.convene.collectives.clusters
            vals.append(s[s.cluster < n].learning.mean() / s[s.cluster >= n].learning.mean())
        return np.array(vals)

    led, imposed = ratio("teacher_led"), ratio("imposed")
    lo, hi = bootstrap(led)
    clo, chi = bootstrap(imposed)
    return Check(
        "8 collectives' magnitude (Telangana ~1.6x)", "grade-level share, collective / comparison clusters, month 36",
        float(led.mean()), lo, hi, bool(1.3 <= lo and hi <= 1.9),
        "imposed collectives: no such gain", float(imposed.mean()), clo, chi, bool(chi < 1.25),
    )


def markdown_table(checks: list[Check], n_seeds: int, master_seed: int) -> str:
    """The pattern table as Markdown (for docs/calibration.md)."""
    lines = [
        f"Generated by `python experiments/patterns.py --seeds {n_seeds} --master-seed {master_seed} --write-docs`.",
        "",
        "| pattern | measure | effect [95% CI] | holds | counter-scenario | counter effect [95% CI] | counter shows no pattern |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in checks:
        lines.append(
            f"| {c.pattern} | {c.measure} | {c.effect:.3g} [{c.low:.3g}, {c.high:.3g}] | {'yes' if c.holds else 'NO'} "
            f"| {c.counter} | {c.counter_effect:.3g} [{c.counter_low:.3g}, {c.counter_high:.3g}] | {'yes' if c.counter_absent else 'NO'} |"
        )
    return "\n".join(lines)


def write_docs_table(checks: list[Check], n_seeds: int, master_seed: int) -> None:
    """Replace the block between the pattern-table markers in docs/calibration.md."""
    path = ROOT / "docs" / "calibration.md"
    text = path.read_text()
    begin, end = "<!-- BEGIN PATTERN TABLE -->", "<!-- END PATTERN TABLE -->"
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    path.write_text(f"{head}{begin}\n{markdown_table(checks, n_seeds, master_seed)}\n{end}{tail}")


PATTERNS = [p1_tipping, p2_hysteresis, p3_technical_fades, p4_comprehensive, p5_depth, p6_imposed, p7_trust_first, p8_collectives]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--master-seed", type=int, default=2026)
    parser.add_argument("--only", type=int, nargs="*", help="pattern numbers to run")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "patterns")
    parser.add_argument("--write-docs", action="store_true", help="write the table into docs/calibration.md")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    seeds = derive_seeds(args.master_seed, args.seeds)
    checks = []
    for k, fn in enumerate(PATTERNS, start=1):
        if args.only and k not in args.only:
            continue
        c = fn(seeds, args.out)
        checks.append(c)
        print(f"{c.pattern:58s} effect {c.effect:8.3f} [{c.low:7.3f}, {c.high:7.3f}] holds={'yes' if c.holds else 'NO '} | "
              f"counter {c.counter_effect:8.3f} [{c.counter_low:7.3f}, {c.counter_high:7.3f}] absent={'yes' if c.counter_absent else 'NO'}",
              flush=True)
    table = pd.DataFrame([asdict(c) | {"passed": c.passed} for c in checks])
    table.to_csv(args.out / "patterns.csv", index=False)
    (args.out / "patterns.json").write_text(json.dumps({"seeds": seeds, "checks": table.to_dict("records")}, indent=2, default=float))
    if args.write_docs:
        write_docs_table(checks, args.seeds, args.master_seed)
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Write a finished calibration to the seeds' targets, and its critical mass, into the docs.

``clsim calibrate`` and ``clsim tipping --posterior`` each leave an ``analysis.json``; this
script renders the two into the measured block of ``docs/calibration.md`` (section 9), so
the figures the docs quote are the figures the runs wrote: the generations (tolerance,
evaluations, acceptance, effective sample size), every target's posterior predictive
check, the parameters the targets constrain most, and the critical mass over the
posterior beside the fixed-parameter estimate with its parameter/noise split.

Run::

    python experiments/calibration_docs.py results/calibration results/tipping-posterior \
        --calibrate-command "clsim calibrate ..." --tipping-command "clsim tipping ..."
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from simulator.docs_gen import Markers, replace_between

ROOT = Path(__file__).resolve().parents[1]
MARKERS = Markers("<!-- BEGIN CALIBRATION SEEDS -->", "<!-- END CALIBRATION SEEDS -->")
#: How many parameters to list by contraction of their prior interval.
TOP_CONTRACTED = 8


def _num(x: Any, digits: int = 3) -> str:
    if x is None:
        return "-"
    x = float(x)
    if math.isinf(x):
        return "above the range" if x > 0 else "below the range"
    if math.isnan(x):
        return "-"
    return f"{x:.{digits}g}"


def _target_text(check: dict[str, Any]) -> str:
    if check["kind"] == "quantitative":
        centre = check["value"] if check["value"] is not None else check["range"]
        if isinstance(centre, list):
            centre = f"[{_num(centre[0])}, {_num(centre[1])}]"
        else:
            centre = _num(centre)
        return f"{centre} ± {_num(check['uncertainty'])}"
    c = check["constraint"]
    parts = []
    if c.get("above") is not None:
        parts.append(f">= {_num(c['above'])}")
    if c.get("below") is not None:
        parts.append(f"<= {_num(c['below'])}")
    return " and ".join(parts)


def render_calibration(cal: dict[str, Any], command: str) -> list[str]:
    gens = [g for g in cal["generations"] if g["t"] >= 0]
    evals = sum(int(g["evaluations"]) for g in cal["generations"])
    lines = [
        f"**Calibration** (`{command}`): {len(gens)} generations, {evals:,} model evaluations, "
        f"final tolerance {_num(gens[-1]['epsilon'])} "
        f"({'converged: every target met within its uncertainty by every accepted particle' if cal['converged'] else 'tolerance 1 not reached'}).",
        "",
        "| generation | tolerance | evaluations | acceptance | effective sample size | parameters perturbed locally |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for g in gens:
        local = g.get("local_parameters")
        lines.append(
            f"| {int(g['t'])} | {_num(g['epsilon'])} | {int(g['evaluations'])} | "
            f"{float(g['acceptance_rate']):.0%} | {_num(g['ess'])} | "
            f"{'' if local is None or local != local else int(local)} |"
        )
    weights = cal.get("weights")
    if weights:
        lines += [
            "",
            f"Effective sample size of the last generation: **{weights['ess_final']:.1f} of "
            f"{weights['population']} particles**"
            + (
                " (degenerate weights: the posterior rests on a few parameter sets, so its intervals "
                "and contractions below understate what is not known)."
                if weights["degenerate"]
                else "."
            ),
        ]
    draws = cal["options"]["ppc_draws"]
    lines += [
        "",
        f"Posterior predictive checks ({draws} draws resampled by weight, rerun with fresh seeds; "
        "a quantitative target is reproduced when the predictive median lies within its "
        "stated uncertainty, a constraint when at least 90% of draws satisfy it):",
        "",
        "| target | kind | target | predictive median [5%, 95%] | draws within | reproduced |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, c in cal["checks"].items():
        lines.append(
            f"| `{name}` | {c['kind']} | {_target_text(c)} | {_num(c['predictive_median'])} "
            f"[{_num(c['predictive_low'])}, {_num(c['predictive_high'])}] | {c['share_met']:.0%} | "
            f"{'yes' if c['reproduced'] else '**no**'} |"
        )
    post = [p for p in cal["posterior"] if p.get("contraction") is not None and math.isfinite(p["contraction"])]
    post.sort(key=lambda p: -p["contraction"])
    mean_contraction = sum(p["contraction"] for p in post) / len(post) if post else float("nan")
    lines += [
        "",
        f"Of {len(cal['posterior'])} calibrated parameters, the mean contraction of the prior's "
        f"90% interval is {mean_contraction:.0%}; the {TOP_CONTRACTED} the targets constrain most:",
        "",
        "| parameter | prior | posterior median [90% credible interval] | contraction |",
        "| --- | --- | --- | --- |",
    ]
    priors = {p["name"]: p for p in cal["priors"]}
    for p in post[:TOP_CONTRACTED]:
        pr = priors.get(p["parameter"], {})
        lines.append(
            f"| `{p['parameter']}` | {_num(pr.get('low'))}-{_num(pr.get('high'))} | "
            f"{_num(p['median'])} [{_num(p['low'])}, {_num(p['high'])}] | {p['contraction']:.0%} |"
        )
    return lines


def render_tipping(tip: dict[str, Any], command: str) -> list[str]:
    cm, fixed, split = tip["critical_mass"], tip["fixed"], tip["variance_split"]
    opts = tip["options"]
    lines = [
        "",
        f"**Critical mass over this posterior** (`{command}`; {cm['draws']} draws and the fixed "
        f"point, {len(opts['values'])} values of `{opts['lever']}` from {_num(min(opts['values']))} to "
        f"{_num(max(opts['values']))}, {opts['seeds']} seeds each):",
        "",
        "| estimate | critical mass (fellows a year) | interval |",
        "| --- | --- | --- |",
        f"| over the posterior | {_num(cm['median'])} | 90% credible interval {_num(cm['low'])} to {_num(cm['high'])} |",
        f"| fixed (hand-set) parameters | {_num(fixed['critical_mass'])} | 90% CI {_num(fixed['ci_low'])} to "
        f"{_num(fixed['ci_high'])} ({fixed['verdict']}) |",
        "",
        (f"The {cm['draws']} draws are {cm['distinct_particles']} distinct posterior particles. "
         if "distinct_particles" in cm else "")
        + f"{cm['share_threshold']:.0%} of draws show a supported threshold, {cm['share_censored_above']:.0%} never "
        f"tip in the range, {cm['share_censored_below']:.0%} tip already at its lowest value. Of the width "
        f"(over the {split['n']} draws with a crossing), **{split['parameter_share']:.0%} comes from the "
        f"parameters and {split['noise_share']:.0%} from run-to-run noise**.",
    ]
    measure = tip["sensitivity_measure"]
    label = "PRCC" if measure == "max_abs_prcc" else "Spearman's rho"
    sens = [s for s in tip["sensitivity"] if s.get("spearman") is not None and math.isfinite(s["spearman"])]
    sens.sort(key=lambda s: -abs(s["prcc"] if measure == "max_abs_prcc" else s["spearman"]))
    dims = [d for d in tip["dimensions"] if d.get(measure) is not None and math.isfinite(d[measure])]
    if sens:
        top = ", ".join(
            f"`{s['parameter']}` ({s['dimension']}, rho = {s['spearman']:.2f}, p = {_num(s.get('spearman_p'), 2)})"
            for s in sens[:4]
        )
        order = " > ".join(f"{d['dimension']} ({d[measure]:.2f})" for d in dims)
        distinct = cm.get("distinct_particles", cm["draws"])
        caveat = (
            f" With only {distinct} distinct particles among the {cm['draws']} draws these correlations "
            f"compare {distinct} parameter sets (repeated), so their p-values mean nothing; read them as "
            "which parameters differ between those sets, not as sensitivities."
            if distinct < 10
            else ""
        )
        lines += [
            "",
            f"Largest rank correlations with the draws' critical masses ({label}): {top}. "
            f"By seed 002's dimensions (largest |{label}| in each): {order}.{caveat}",
        ]
    return lines


def render(cal: dict[str, Any], tip: dict[str, Any] | None, cal_cmd: str, tip_cmd: str) -> str:
    lines = render_calibration(cal, cal_cmd)
    if tip is not None:
        lines += render_tipping(tip, tip_cmd)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("calibration", type=Path)
    parser.add_argument("tipping", type=Path, nargs="?")
    parser.add_argument("--calibrate-command", default="clsim calibrate calibration/targets.yaml")
    parser.add_argument("--tipping-command", default="clsim tipping scenarios/comprehensive.yaml --posterior DIR")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "calibration.md")
    args = parser.parse_args()
    cal = json.loads((args.calibration / "analysis.json").read_text(encoding="utf-8"))
    tip = json.loads((args.tipping / "analysis.json").read_text(encoding="utf-8")) if args.tipping else None
    text = render(cal, tip, args.calibrate_command, args.tipping_command)
    args.docs.write_text(
        replace_between(args.docs.read_text(encoding="utf-8"), MARKERS, text, source=str(args.docs), note=None),
        encoding="utf-8",
    )
    print(text)


if __name__ == "__main__":
    main()

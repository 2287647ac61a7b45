"""The eight patterns of the brief as checks on run tables (pure functions; runs nothing).

Each check takes the summary rows of the runs its pattern needs (one row a run, the
columns of :data:`simulator.runner.SUMMARY_OUTCOMES` plus the varied keys) and returns a
:class:`PatternResult`: whether the pattern holds under a rule fixed here, the measured
effect and the numbers behind it. The same checks judge the default scenario
(``experiments/patterns.py``), every counter-scenario (a knock-out of one mechanism) and
every parameter set of a robustness analysis (``clsim robustness``). The rules are
written once, here, and the docs quote them; nothing in the model refers to them.

The transformed regime is :data:`TRANSFORMED`: a run is transformed when its learning
gain (mean classroom learning over the last 12 months minus its start) is at least
``TRANSFORMED.threshold``, ten points more children at grade level.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .tipping import Regime, estimate_tipping

__all__ = [
    "PatternResult",
    "TRANSFORMED",
    "PATTERNS",
    "RULES",
    "TELANGANA_BAND",
    "transformed",
    "check_tipping",
    "check_hysteresis",
    "check_technical_fades",
    "check_comprehensive",
    "check_depth",
    "check_imposed",
    "check_trust_first",
    "check_telangana",
    "high_point",
]

#: The transformed regime of every pattern check: the project's default regime.
TRANSFORMED = Regime()

#: Pattern number -> short name.
PATTERNS: dict[int, str] = {
    1: "tipping",
    2: "hysteresis",
    3: "technical fades",
    4: "comprehensive beats partial",
    5: "depth of scale",
    6: "imposed convening fails",
    7: "trust first",
    8: "Telangana magnitude",
}

#: The pass rule of each pattern, in words (quoted by the docs).
#: Pattern 8's pass band for Telangana's ratio (seed 003: 61% more, "of the order of 1.6").
TELANGANA_BAND = (1.3, 1.9)

RULES: dict[int, str] = {
    1: "the tipping estimator's verdict on the cohort sweep is 'threshold' (logistic S-curve of "
    "P(transformed) beats a line by BIC >= 10, 10-90% width <= half the range, midpoint inside it) "
    "and no run without fellows is transformed",
    2: "with the whole programme stopped at year 6, runs at twice the critical mass keep at least 80% "
    "of their year-7 gain at year 15 (median), and runs at half the critical mass keep at most 50% "
    "(or gained less than 0.02)",
    3: "a 3-year technical programme's peak gain is at least 0.05 and its gain at year 15 at most "
    "25% of the peak (median over runs)",
    4: "at the lowest swept cohort where the comprehensive programme transforms at least 80% of runs, "
    "recruitment alone transforms at most a third",
    5: "at that cohort, the same fellows spread over every cluster transform at most a third of runs",
    6: "collectives in every cluster for 5 years, without fellows: at year 10 imposed ones gain at most "
    "0.02 over none (mean of paired differences) while teacher-led ones gain at least 0.05",
    7: "at the shortest plausible learning lag (3 months), in transformed runs at that cohort, local "
    "teachers' trust makes a quarter of its rise before their classrooms' learning does "
    "(median lead > 0 months)",
    8: "teacher-led collectives in half the clusters, no fellows, baseline learning 0.30: learning in "
    f"collective clusters over comparison clusters at month 36 is between {TELANGANA_BAND[0]} and "
    f"{TELANGANA_BAND[1]} (mean over runs)",
}


@dataclass
class PatternResult:
    """The verdict of one pattern check.

    Attributes:
        number, name: the pattern.
        holds: the pass rule holds (None when the check could not be made, e.g. no
            critical mass to place runs at; such a check does not hold).
        effect: the headline number (see ``measure``).
        measure: what ``effect`` is.
        details: the numbers behind the verdict.
        reason: why the check could not be made, if so.
    """

    number: int
    name: str
    holds: bool | None
    effect: float
    measure: str
    details: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    @property
    def passed(self) -> bool:
        """True only when the check was made and the rule holds."""
        return bool(self.holds)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


def transformed(table: pd.DataFrame) -> np.ndarray:
    """Boolean array: which runs are transformed (:data:`TRANSFORMED`)."""
    return (table[TRANSFORMED.outcome].to_numpy(dtype=float) >= float(TRANSFORMED.threshold))


def _not_made(number: int, measure: str, reason: str) -> PatternResult:
    return PatternResult(number, PATTERNS[number], None, math.nan, measure, reason=reason)


def check_tipping(table: pd.DataFrame, lever: str = "recruit.cohort_size", n_boot: int = 300) -> tuple[PatternResult, Any]:
    """Pattern 1 on the cohort sweep; also returns the :class:`~.tipping.TippingResult`."""
    measure = "critical mass (fellows a year)"
    if table[lever].nunique() < 3:
        return _not_made(1, measure, "fewer than 3 lever values"), None
    res = estimate_tipping(table, lever, regime=TRANSFORMED, n_boot=n_boot, bimodality_levels=0)
    zero = table[table[lever] == 0]
    baseline_tips = bool(transformed(zero).any()) if len(zero) else False
    holds = res.has_threshold and not baseline_tips
    details = {
        "verdict": res.verdict,
        "ci": [res.ci_low, res.ci_high],
        "width_10_90": res.width_10_90,
        "baseline_transformed": baseline_tips,
        "reasons": res.reasons,
        "p_by_level": {float(lv["value"]): float(lv["p"]) for lv in res.levels},
    }
    return PatternResult(1, PATTERNS[1], holds, res.critical_mass, measure, details), res


def high_point(table: pd.DataFrame, lever: str = "recruit.cohort_size", level: float = 0.8) -> float:
    """Lowest swept lever value from which every larger value transforms at least ``level`` of runs.

    NaN when no such value exists (the sweep never reaches the transformed regime).
    """
    g = table.assign(_t=transformed(table)).groupby(lever)["_t"].mean().sort_index()
    ok = g.to_numpy() >= level
    if not ok.any() or not ok[-1]:
        return math.nan
    # the last run of failures ends the search: every value after it is >= level
    bad = np.flatnonzero(~ok)
    first = bad[-1] + 1 if bad.size else 0
    return float(g.index[first])


def _retention(rows: pd.DataFrame, min_gain: float = 0.02) -> tuple[float, float]:
    gain7 = rows["learning_year_7"].to_numpy(float) - rows["initial_learning"].to_numpy(float)
    gain15 = rows["learning_gain"].to_numpy(float)
    kept = np.where(gain7 >= min_gain, gain15 / np.where(gain7 >= min_gain, gain7, 1.0), np.nan)
    median_gain7 = float(np.nanmedian(gain7)) if gain7.size else math.nan
    return (float(np.nanmedian(kept)) if np.isfinite(kept).any() else math.nan), median_gain7


def check_hysteresis(above: pd.DataFrame, below: pd.DataFrame) -> PatternResult:
    """Pattern 2: gains persist above the critical mass and decay below it."""
    measure = "share of the year-7 gain kept at year 15, above the critical mass"
    if not len(above) or not len(below):
        return _not_made(2, measure, "no critical mass to place runs above and below")
    keep_hi, gain_hi = _retention(above)
    keep_lo, gain_lo = _retention(below)
    below_decays = (not math.isfinite(gain_lo)) or gain_lo < 0.02 or (math.isfinite(keep_lo) and keep_lo <= 0.5)
    holds = math.isfinite(keep_hi) and keep_hi >= 0.8 and below_decays
    return PatternResult(
        2, PATTERNS[2], holds, keep_hi, measure,
        {"kept_above": keep_hi, "gain7_above": gain_hi, "kept_below": keep_lo, "gain7_below": gain_lo},
    )


def check_technical_fades(table: pd.DataFrame) -> PatternResult:
    """Pattern 3: a technical programme's gain is transient."""
    peak = table["peak_learning"].to_numpy(float) - table["initial_learning"].to_numpy(float)
    final = table["learning_gain"].to_numpy(float)
    peak_m = float(np.median(peak))
    kept = float(np.median(final / np.where(peak > 1e-9, peak, np.nan)))
    holds = peak_m >= 0.05 and kept <= 0.25
    return PatternResult(3, PATTERNS[3], holds, kept, "share of the peak gain kept at year 15",
                         {"peak_gain": peak_m, "final_gain": float(np.median(final))})


def _p(table: pd.DataFrame) -> float:
    return float(transformed(table).mean()) if len(table) else math.nan


def check_comprehensive(comprehensive: pd.DataFrame, recruit_only: pd.DataFrame) -> PatternResult:
    """Pattern 4: at a cohort where the comprehensive programme transforms, recruitment alone does not."""
    measure = "P(transformed) comprehensive minus recruitment alone"
    if not len(comprehensive) or not len(recruit_only):
        return _not_made(4, measure, "no cohort where the comprehensive programme transforms")
    pc, pr = _p(comprehensive), _p(recruit_only)
    return PatternResult(4, PATTERNS[4], pc >= 0.8 and pr <= 1 / 3 + 1e-9, pc - pr, measure,
                         {"p_comprehensive": pc, "p_recruit_only": pr})


def check_depth(clustered: pd.DataFrame, spread: pd.DataFrame) -> PatternResult:
    """Pattern 5: the same fellows clustered transform where spread over every cluster they do not."""
    measure = "P(transformed) clustered minus spread"
    if not len(clustered) or not len(spread):
        return _not_made(5, measure, "no cohort where the clustered programme transforms")
    pc, ps = _p(clustered), _p(spread)
    return PatternResult(5, PATTERNS[5], pc >= 0.8 and ps <= 1 / 3 + 1e-9, pc - ps, measure,
                         {"p_clustered": pc, "p_spread": ps})


def _paired(a: pd.DataFrame, b: pd.DataFrame, outcome: str = "learning_gain") -> np.ndarray:
    x = a.set_index("replicate")[outcome]
    y = b.set_index("replicate")[outcome]
    common = x.index.intersection(y.index)
    return (x.loc[common] - y.loc[common]).to_numpy(float)


def check_imposed(none: pd.DataFrame, imposed: pd.DataFrame, teacher_led: pd.DataFrame) -> PatternResult:
    """Pattern 6: imposed collectives give no lasting gain; teacher-led ones do (paired by seed)."""
    d_imp = _paired(imposed, none)
    d_led = _paired(teacher_led, none)
    if not d_imp.size or not d_led.size:
        return _not_made(6, "imposed minus none", "no paired runs")
    imp, led = float(d_imp.mean()), float(d_led.mean())
    return PatternResult(6, PATTERNS[6], imp <= 0.02 and led >= 0.05, imp,
                         "learning gain at year 10, imposed minus none",
                         {"imposed_minus_none": imp, "teacher_led_minus_none": led, "pairs": int(d_imp.size)})


def check_trust_first(table: pd.DataFrame) -> PatternResult:
    """Pattern 7: among transformed runs, trust rises before learning (local teachers)."""
    measure = "months by which teachers' trust leads their classrooms' learning (median)"
    rows = table[transformed(table)]
    lead = rows["trust_lead_months"].to_numpy(float)
    lead = lead[np.isfinite(lead)]
    if not lead.size:
        return _not_made(7, measure, "no transformed run with a rise of both trust and learning")
    med = float(np.median(lead))
    return PatternResult(7, PATTERNS[7], med > 0, med, measure,
                         {"leads": lead.tolist(), "runs": int(len(table)), "transformed": int(len(rows))})


def check_telangana(table: pd.DataFrame, low: float = TELANGANA_BAND[0], high: float = TELANGANA_BAND[1]) -> PatternResult:
    """Pattern 8: the collectives' learning ratio after three years is of the order of 1.6."""
    ratio = table["programme_ratio_year_3"].to_numpy(float)
    ratio = ratio[np.isfinite(ratio)]
    if not ratio.size:
        return _not_made(8, "learning ratio at month 36", "no ratio")
    m = float(ratio.mean())
    return PatternResult(8, PATTERNS[8], low <= m <= high, m,
                         "learning in collective clusters over comparison clusters, month 36",
                         {"ratios": ratio.tolist()})

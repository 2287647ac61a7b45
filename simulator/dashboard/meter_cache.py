"""Precomputed S-curves behind the critical-mass meter, cached next to each scenario.

The meter shows, beside the run's own forecast (:mod:`simulator.studies.forecast`), how
often the model tips *at these settings*: P(transformed) against the cohort size, with
the critical mass and its interval, from a small tipping study
(:func:`simulator.studies.tipping_study`: a sweep of the cohort over seeds and
:func:`~simulator.analysis.tipping.estimate_tipping`). A study takes minutes, so it is
computed once by a command and cached as ``scenarios/.meter/<name>.json``::

    clsim dashboard --precompute workshop          # or: python -m simulator.dashboard.meter_cache workshop

A cache holds one :class:`SettingsCurve` per *variant*: the scenario as it is, and the
scenario with the placement switched (the other choice a workshop compares). A variant
is keyed by the dashboard's scenario overrides other than the cohort, so the meter finds
the curve for the settings on screen, or says that it has none.

**Staleness.** A cache is valid only for the scenario content and the model it was
computed with. Its key has four parts: :data:`FORMAT_VERSION` (this file's layout), the
scenario's content hash, the package version and a *model fingerprint*: the indicators
of a short run of a shrunken copy of the scenario (:func:`model_fingerprint`), so any
change of the model's dynamics (the code, not only its version number) is detected. A
stale cache is refused with the reason and the command that recomputes it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from simulator import jsonio

from ..scenario import Scenario, load_scenario

__all__ = [
    "FORMAT_VERSION",
    "CACHE_DIR",
    "LEVER",
    "SettingsCurve",
    "MeterCache",
    "CacheStatus",
    "cache_path",
    "cache_key",
    "default_values",
    "default_variants",
    "model_fingerprint",
    "variant_key",
    "load_cache",
    "precompute",
    "main",
]

#: Version of the cache file layout; bump when its fields change meaning.
FORMAT_VERSION = 1
#: Folder (beside the scenario files) that holds the caches.
CACHE_DIR = ".meter"
#: The lever the cached S-curves vary.
LEVER = "recruit.cohort_size"


@dataclass
class SettingsCurve:
    """P(transformed) against the cohort size at one set of the other settings.

    Attributes:
        overrides: scenario overrides of this variant, other than the cohort.
        lever: the varied scenario key.
        intercept: logistic intercept of P(transformed | lever).
        slope: logistic slope.
        critical_mass: lever value where P = 1/2.
        ci_low: lower end of its bootstrap interval.
        ci_high: upper end.
        confidence: interval level.
        verdict: ``threshold``, ``no threshold`` or ``inconclusive``.
        reasons: why the verdict is not ``threshold``.
        regime_text: what "transformed" means.
        n_runs: runs behind the curve.
        seeds: replicates per lever value.
        values: lever values with runs.
        shares: observed transformed share at each value.
        band: fitted curve and its interval, ``{"x", "p", "low", "high"}``.
        source: ``precomputed`` or ``room experiment``.
    """

    overrides: dict[str, Any]
    lever: str
    intercept: float
    slope: float
    critical_mass: float
    ci_low: float
    ci_high: float
    confidence: float
    verdict: str
    reasons: list[str]
    regime_text: str
    n_runs: int
    seeds: int
    values: list[float]
    shares: list[float]
    band: dict[str, list[float]] = field(default_factory=dict)
    source: str = "precomputed"

    @classmethod
    def from_tipping(
        cls,
        result: dict[str, Any],
        overrides: dict[str, Any],
        seeds: int,
        source: str = "precomputed",
    ) -> SettingsCurve:
        """Build from :meth:`TippingResult.to_dict`."""
        levels = result["levels"]
        return cls(
            overrides=dict(overrides),
            lever=result["lever"],
            intercept=float(result["intercept"]),
            slope=float(result["slope"]),
            critical_mass=float(result["critical_mass"]),
            ci_low=float(result["ci_low"]),
            ci_high=float(result["ci_high"]),
            confidence=float(result["confidence"]),
            verdict=str(result["verdict"]),
            reasons=list(result["reasons"]),
            regime_text=str(result["regime_text"]),
            n_runs=int(result["n_runs"]),
            seeds=int(seeds),
            values=[float(level["value"]) for level in levels],
            shares=[float(level["p"]) for level in levels],
            band={k: [float(v) for v in vals] for k, vals in result["band"].items()},
            source=source,
        )

    def p_at(self, value: float) -> float:
        """Fitted P(transformed) at a lever value (the logistic)."""
        from scipy.special import expit

        return float(expit(self.intercept + self.slope * float(value)))

    @property
    def has_threshold(self) -> bool:
        """Whether the study supports a threshold."""
        return self.verdict == "threshold"

    def position(self, value: float) -> str:
        """Where a lever value sits against the critical mass, in words."""
        if not math.isfinite(self.critical_mass):
            return "no critical mass estimated"
        low, high = self.ci_low, self.ci_high
        if math.isfinite(low) and value < low:
            return "below the critical mass"
        if math.isfinite(high) and value > high:
            return "above the critical mass"
        return "at the critical mass (inside its interval)"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


def variant_key(overrides: dict[str, Any], lever: str = LEVER) -> str:
    """Canonical key of a set of overrides, the lever itself left out."""
    rest = {k: v for k, v in overrides.items() if k != lever}
    return jsonio.dumps(rest, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class CacheStatus:
    """Whether a scenario's cache can be used, and if not, why."""

    ok: bool
    message: str
    path: Path | None = None


@dataclass
class MeterCache:
    """The curves of one scenario, by variant key."""

    scenario_name: str
    key: dict[str, Any]
    curves: dict[str, SettingsCurve]
    created: str = ""

    def curve_for(self, overrides: dict[str, Any]) -> SettingsCurve | None:
        """The curve whose variant matches these overrides (the cohort ignored), or None."""
        return self.curves.get(variant_key(overrides))


def cache_path(scenario_file: str | Path) -> Path:
    """``<folder of the scenario>/.meter/<stem>.json``."""
    path = Path(scenario_file)
    return path.parent / CACHE_DIR / f"{path.stem}.json"


def _probe_scenario(scenario: Scenario) -> Scenario:
    """A few hundred agents of the same scenario: same mechanisms, quick to run."""
    return scenario.with_overrides(
        {
            "system.districts": 1,
            "system.clusters_per_district": 2,
            "system.schools_per_cluster": 4,
            "recruit.placement_clusters": 1,
            "recruit.placement_districts": 0,
            "recruit.cohort_size": max(4, min(12, int(scenario.recruit.cohort_size) or 8)),
            "meta.steps": 36,
        },
        source="meter cache probe",
    )


@lru_cache(maxsize=64)
def _fingerprint(content: str) -> str:
    from ..model import EducationModel
    from ..scenario import scenario_from_dict

    scenario = _probe_scenario(scenario_from_dict(json.loads(content), "meter cache probe"))
    model = EducationModel(scenario, seed=12345, agents=False, collect=False)
    readings = []
    for _ in range(scenario.meta.steps):
        model.step()
        ind = model.indicators()
        readings.append(
            [
                round(float(v), 9)
                for k, v in sorted(ind.items())
                if isinstance(v, int | float) and math.isfinite(float(v))
            ]
        )
    return hashlib.sha256(jsonio.dumps(readings).encode()).hexdigest()[:16]


def model_fingerprint(scenario: Scenario) -> str:
    """A short hash of what the model *does* with this scenario.

    The indicators of a 36-month run of a shrunken copy of the scenario (two clusters,
    a fixed seed), rounded to 9 decimals. Any change of the dynamics changes it; a
    comment does not. It takes about a tenth of a second and is memoised.
    """
    return _fingerprint(jsonio.dumps(scenario.to_dict(), sort_keys=True))


def cache_key(scenario: Scenario) -> dict[str, Any]:
    """The key a cache of this scenario must carry to be used."""
    from ..sweep.store import package_version

    return {
        "format_version": FORMAT_VERSION,
        "scenario_hash": scenario.content_hash(),
        "package_version": package_version(),
        "model_fingerprint": model_fingerprint(scenario),
    }


def _recompute_hint(name: str) -> str:
    return f"clsim dashboard --precompute {name}"


def load_cache(scenario_file: str | Path, scenario: Scenario | None = None) -> tuple[MeterCache | None, CacheStatus]:
    """Read and check the cache of a scenario file.

    Args:
        scenario_file: the scenario file (its cache is :func:`cache_path`).
        scenario: the scenario as loaded (default: load the file).

    Returns:
        ``(cache, status)``; ``cache`` is None unless ``status.ok``.
    """
    scenario_file = Path(scenario_file)
    name = scenario_file.stem
    path = cache_path(scenario_file)
    if not path.is_file():
        return None, CacheStatus(
            False, f"no precomputed S-curve for {name} (run `{_recompute_hint(name)}`)", path
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stored = data["key"]
        curves = {k: SettingsCurve(**v) for k, v in data["curves"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, CacheStatus(False, f"unreadable S-curve cache {path}: {exc}", path)
    scenario = scenario or load_scenario(scenario_file)
    wanted = cache_key(scenario)
    if stored.get("format_version") != FORMAT_VERSION:
        why = f"cache format {stored.get('format_version')!r}, this version reads {FORMAT_VERSION}"
    elif stored.get("scenario_hash") != wanted["scenario_hash"]:
        why = "the scenario file changed since it was computed"
    elif stored.get("model_fingerprint") != wanted["model_fingerprint"]:
        why = "the model's dynamics changed since it was computed"
    else:
        why = ""
    if why:
        return None, CacheStatus(
            False, f"S-curve for {name} is out of date ({why}); run `{_recompute_hint(name)}`", path
        )
    cache = MeterCache(name, stored, curves, str(data.get("created", "")))
    return cache, CacheStatus(True, f"precomputed {cache.created}", path)


def default_values(scenario: Scenario, num: int = 13) -> list[int]:
    """Cohort values from 0 to the top of the scenario's slider, evenly spaced."""
    from .controls import cohort_maximum

    top = cohort_maximum(scenario)
    return list(dict.fromkeys(int(round(v)) for v in np.linspace(0, top, num)))


def default_variants(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario as it is, and with the placement switched."""
    other = "spread" if scenario.recruit.placement == "clustered" else "clustered"
    return [{}, {"recruit.placement": other}]


def _write_scenario(scenario: Scenario, path: Path) -> Path:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(scenario.to_dict(), sort_keys=False), encoding="utf-8")
    return path


def precompute(
    scenario_file: str | Path,
    values: list[int] | None = None,
    seeds: int = 12,
    variants: list[dict[str, Any]] | None = None,
    executor: Any = None,
    progress: bool = True,
    n_boot: int = 500,
    out: str | Path | None = None,
) -> Path:
    """Run the tipping study of every variant of a scenario and write its cache.

    Args:
        scenario_file: the scenario file.
        values: cohort values (default :func:`default_values`).
        seeds: replicates per value.
        variants: override sets other than the cohort (default :func:`default_variants`).
        executor: where runs execute (default serial).
        progress: show progress bars.
        n_boot: bootstrap resamples of each estimate.
        out: cache file to write (default :func:`cache_path`).

    Returns:
        The cache file written.
    """
    import datetime as _dt

    from ..studies.tipping import tipping_study

    scenario_file = Path(scenario_file)
    scenario = load_scenario(scenario_file)
    values = list(values) if values is not None else default_values(scenario)
    variants = variants if variants is not None else default_variants(scenario)
    curves: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="clsim-meter-") as tmp:
        for index, overrides in enumerate(variants):
            configured = (
                scenario.with_overrides(overrides, source=str(scenario_file)) if overrides else scenario
            )
            path = _write_scenario(configured, Path(tmp) / f"variant{index}" / "scenario.yaml")
            data = tipping_study(
                Path(tmp) / f"variant{index}" / "study",
                scenario=path,
                lever=LEVER,
                values=values,
                seeds=seeds,
                n_boot=n_boot,
                hysteresis=False,
                ews=False,
                executor=executor,
                progress=progress,
            )
            curve = SettingsCurve.from_tipping(data["tipping"], overrides, seeds)
            curves[variant_key(overrides)] = curve.to_dict()
    target = Path(out) if out is not None else cache_path(scenario_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "key": cache_key(scenario),
        "scenario": scenario_file.name,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "design": {"lever": LEVER, "values": values, "seeds": seeds, "n_boot": n_boot},
        "curves": curves,
    }
    tmp_file = target.with_name(f".{target.name}.tmp")
    tmp_file.write_text(jsonio.dumps(payload, indent=1), encoding="utf-8")
    os.replace(tmp_file, target)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m simulator.dashboard.meter_cache [NAME|FILE ...] [--seeds N] [--workers N]``."""
    import argparse

    from ..scenario import ScenarioError
    from .controls import ScenarioCatalogue

    parser = argparse.ArgumentParser(description="Precompute the dashboard meter's S-curves.")
    parser.add_argument("scenarios", nargs="*", help="scenario names or files (default: workshop)")
    parser.add_argument("--seeds", type=int, default=12, help="replicates per cohort value")
    parser.add_argument("--workers", type=int, default=1, help="local worker processes")
    parser.add_argument("--scenario-dir", default=None, help="folder of the scenario files")
    args = parser.parse_args(argv)
    catalogue = ScenarioCatalogue(directory=args.scenario_dir)
    names = args.scenarios or ["workshop"]
    executor = None
    if args.workers > 1:
        from ..sweep.executors import make_executor

        executor = make_executor("local", workers=args.workers)
    try:
        for name in names:
            path = Path(name)
            if not path.is_file():
                found = catalogue.path_of(name)
                if found is None:
                    print(f"error: no scenario {name!r} (known: {catalogue.names()})", file=sys.stderr)
                    return 2
                path = found
            try:
                written = precompute(path, seeds=args.seeds, executor=executor)
            except ScenarioError as exc:
                print(f"error: {exc.render()}", file=sys.stderr)
                return 2
            print(f"{path.stem}: wrote {written}")
    finally:
        if executor is not None:
            executor.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

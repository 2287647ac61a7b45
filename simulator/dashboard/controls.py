"""The dashboard's controls: what each slider means, its bounds, and its scenario keys.

A facilitator moves a handful of levers; the model takes a scenario. This module is the
one place that maps one onto the other, as dotted override keys for
:meth:`simulator.scenario.Scenario.with_overrides`:

============================  ============================================================
control                       scenario keys
============================  ============================================================
``cohort_size``               ``recruit.cohort_size``
``recruit_years``             ``recruit.end_year`` (= ``recruit.start_year`` + years)
``placement``                 ``recruit.placement`` (``clustered`` or ``spread``)
``coaching``                  ``develop.fellow_coaching``, ``develop.teacher_coaching``
``alumni_network``            ``connect.bridging``, ``connect.community``,
                              ``connect.alumni_gatherings_per_year`` (12 x strength)
``convening``                 ``convene.collectives.mode`` (none, teacher_led, imposed)
``meetings_per_year``         ``convene.collectives.meetings_per_year``
``technical``                 ``technical.practice_push`` (x 0.05),
                              ``technical.resources`` (x 0.25)
============================  ============================================================

Only the controls a user changed away from the scenario's own values become overrides,
so a scenario's finer settings (say, ``develop.principal_development``) survive until
the matching slider is touched.

Every value arriving from the browser is validated here on the server
(:func:`validate_controls`) before it reaches the scenario loader, which validates
again; problems come back as plain messages, never exceptions.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from ..scenario import Problem, Scenario, ScenarioError, load_scenario

__all__ = [
    "ControlSpec",
    "Controls",
    "CONTROL_SPECS",
    "CONVENING_LABELS",
    "PLACEMENT_LABELS",
    "ScenarioCatalogue",
    "cohort_maximum",
    "control_specs",
    "controls_from_scenario",
    "run_label",
    "overrides_for",
    "validate_controls",
    "SEED_MAX",
    "TECHNICAL_PUSH_PER_UNIT",
    "TECHNICAL_RESOURCES_PER_UNIT",
]

#: Monthly practice push of a technical programme at full slider intensity.
TECHNICAL_PUSH_PER_UNIT = 0.05
#: Extra learning from resources of a technical programme at full slider intensity.
TECHNICAL_RESOURCES_PER_UNIT = 0.25
#: Largest seed a user may type (numpy accepts any non-negative int; keep it readable).
SEED_MAX = 2**32 - 1

ConveningMode = Literal["none", "teacher_led", "imposed"]
Placement = Literal["clustered", "spread"]

CONVENING_LABELS: dict[str, str] = {
    "none": "None",
    "teacher_led": "Teacher-led",
    "imposed": "Imposed",
}
PLACEMENT_LABELS: dict[str, str] = {"clustered": "Clustered", "spread": "Spread"}


@dataclass(frozen=True)
class ControlSpec:
    """Bounds and label of one numeric control.

    Attributes:
        label: text beside the slider.
        minimum: smallest value accepted.
        maximum: largest value accepted.
        step: slider step.
        integer: whether the value must be a whole number.
        help: one line shown as a tooltip and in the facilitator's guide.
    """

    label: str
    minimum: float
    maximum: float
    step: float
    integer: bool
    help: str


CONTROL_SPECS: dict[str, ControlSpec] = {
    # the range is the scenario's own (see cohort_maximum); 400 is only the widest default
    "cohort_size": ControlSpec(
        "Fellows recruited a year", 0, 400, 1, True, "Cohort size: fellows who join each year."
    ),
    "recruit_years": ControlSpec(
        "Years of recruitment", 0, 15, 1, True, "How many years cohorts keep arriving."
    ),
    "coaching": ControlSpec(
        "Coaching", 0.0, 1.0, 0.05, False, "Coaching of fellows and of local teachers beside them."
    ),
    "alumni_network": ControlSpec(
        "Alumni network",
        0.0,
        1.0,
        0.05,
        False,
        "Gatherings, bridging ties to principals and officials, community ties.",
    ),
    "meetings_per_year": ControlSpec(
        "Collective meetings a year", 0, 24, 1, True, "How often cluster collectives meet."
    ),
    "technical": ControlSpec(
        "Technical programme",
        0.0,
        1.0,
        0.05,
        False,
        "Practice push and materials for three years, nothing else.",
    ),
}


@dataclass(frozen=True)
class Controls:
    """Everything a facilitator sets: a scenario, the levers on top of it, and a seed.

    Attributes:
        scenario: name of a scenario in the catalogue (the file's stem).
        cohort_size: fellows recruited a year.
        recruit_years: years over which cohorts arrive.
        placement: ``clustered`` or ``spread``.
        coaching: coaching intensity of fellows and teachers, in [0, 1].
        alumni_network: strength of the connect strategy, in [0, 1].
        convening: teacher collectives ``none``, ``teacher_led`` or ``imposed``.
        meetings_per_year: collective meetings a year.
        technical: technical programme intensity, in [0, 1].
        seed: the run's seed.
    """

    scenario: str
    cohort_size: int
    recruit_years: int
    placement: Placement
    coaching: float
    alumni_network: float
    convening: ConveningMode
    meetings_per_year: int
    technical: float
    seed: int = 1

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the controls."""
        return asdict(self)


def _clip(value: float, spec: ControlSpec) -> float:
    return min(spec.maximum, max(spec.minimum, value))


def cohort_maximum(scenario: Scenario) -> int:
    """The top of the cohort slider for a scenario: a range that fits the system.

    Half of the system's teacher posts, recruited over the scenario's recruitment years
    (at least one, at most the run's length), rounded up to a multiple of 10, and never
    below twice the scenario's own cohort. For ``workshop.yaml`` (120 schools of 8
    teachers, 8 years) that is 60 a year: one slider step is one fellow, so every value
    can be set, and the whole range is in play (a fixed 0-400 slider left 5 fellows at
    3.6 px of track, issue 15).
    """
    system = scenario.system
    posts = (
        system.districts
        * system.clusters_per_district
        * system.schools_per_cluster
        * system.teachers_per_school
    )
    rec = scenario.recruit
    years = min(max(1.0, rec.end_year - rec.start_year), max(1.0, scenario.meta.steps / 12.0))
    top = max(posts / 2.0 / years, 2.0 * rec.cohort_size, 10.0)
    return int(math.ceil(top / 10.0) * 10)


def control_specs(scenario: Scenario) -> dict[str, ControlSpec]:
    """The numeric controls for one scenario (the cohort range fitted to it)."""
    specs = dict(CONTROL_SPECS)
    specs["cohort_size"] = replace(CONTROL_SPECS["cohort_size"], maximum=cohort_maximum(scenario))
    return specs


def controls_from_scenario(scenario: Scenario, name: str, seed: int = 1) -> Controls:
    """Read the controls a scenario implies (its own values, clipped to slider bounds)."""
    rec = scenario.recruit
    specs = control_specs(scenario)
    years = max(0.0, rec.end_year - rec.start_year)
    # an open-ended schedule (end_year 100) still shows as the slider's maximum
    recruit_years = int(round(_clip(years, CONTROL_SPECS["recruit_years"])))
    collectives = scenario.convene.collectives
    technical = max(
        scenario.technical.practice_push / TECHNICAL_PUSH_PER_UNIT,
        scenario.technical.resources / TECHNICAL_RESOURCES_PER_UNIT,
    )
    return Controls(
        scenario=name,
        cohort_size=int(_clip(rec.cohort_size, specs["cohort_size"])),
        recruit_years=recruit_years,
        placement=rec.placement,
        coaching=round(
            _clip(
                max(scenario.develop.fellow_coaching, scenario.develop.teacher_coaching),
                CONTROL_SPECS["coaching"],
            ),
            2,
        ),
        alumni_network=round(
            _clip(
                max(
                    scenario.connect.bridging,
                    scenario.connect.community,
                    scenario.connect.alumni_gatherings_per_year / 12.0,
                ),
                CONTROL_SPECS["alumni_network"],
            ),
            2,
        ),
        convening=collectives.mode,
        meetings_per_year=int(
            _clip(collectives.meetings_per_year, CONTROL_SPECS["meetings_per_year"])
        ),
        technical=round(_clip(technical, CONTROL_SPECS["technical"]), 2),
        seed=seed,
    )


def overrides_for(controls: Controls, base: Controls, scenario: Scenario) -> dict[str, Any]:
    """Dotted scenario overrides for the controls that differ from ``base``.

    Args:
        controls: the values the user set.
        base: the controls the unmodified scenario implies.
        scenario: the unmodified scenario (for ``recruit.start_year``).

    Returns:
        A dict for :meth:`Scenario.with_overrides`; empty when nothing changed.
    """
    out: dict[str, Any] = {}
    if controls.cohort_size != base.cohort_size:
        out["recruit.cohort_size"] = int(controls.cohort_size)
    if controls.recruit_years != base.recruit_years:
        out["recruit.end_year"] = float(scenario.recruit.start_year + controls.recruit_years)
    if controls.placement != base.placement:
        out["recruit.placement"] = controls.placement
    if controls.coaching != base.coaching:
        out["develop.fellow_coaching"] = float(controls.coaching)
        out["develop.teacher_coaching"] = float(controls.coaching)
    if controls.alumni_network != base.alumni_network:
        strength = float(controls.alumni_network)
        out["connect.bridging"] = strength
        out["connect.community"] = strength
        out["connect.alumni_gatherings_per_year"] = int(round(12 * strength))
    if controls.convening != base.convening:
        out["convene.collectives.mode"] = controls.convening
    if controls.meetings_per_year != base.meetings_per_year:
        out["convene.collectives.meetings_per_year"] = int(controls.meetings_per_year)
    if controls.technical != base.technical:
        intensity = float(controls.technical)
        out["technical.practice_push"] = round(TECHNICAL_PUSH_PER_UNIT * intensity, 6)
        out["technical.resources"] = round(TECHNICAL_RESOURCES_PER_UNIT * intensity, 6)
    return out


def run_label(controls: Controls, base: Controls | None = None) -> str:
    """A short label of a run for legends, e.g. ``25/yr, teacher-led, seed 1``.

    The cohort, the collectives and the seed always appear; every other control appears
    only where it differs from ``base`` (the scenario's own values), so labels stay short
    and say what was changed.
    """
    c = controls
    parts = [f"{c.cohort_size}/yr"]
    if base is not None and c.recruit_years != base.recruit_years:
        parts.append(f"for {c.recruit_years} yr")
    if base is not None and c.placement != base.placement:
        parts.append(PLACEMENT_LABELS[c.placement].lower())
    parts.append(
        "no collectives" if c.convening == "none" else CONVENING_LABELS[c.convening].lower()
    )
    if base is not None:
        short = {
            "coaching": "coaching",
            "alumni_network": "alumni",
            "meetings_per_year": "meetings",
            "technical": "technical",
        }
        for key, word in short.items():
            value = getattr(c, key)
            if value != getattr(base, key):
                parts.append(f"{word} {value:g}")
        if c.scenario != base.scenario:
            parts.insert(0, c.scenario)
    parts.append(f"seed {c.seed}")
    return ", ".join(parts)


def _number(name: str, value: Any, spec: ControlSpec) -> tuple[float | int | None, str | None]:
    """Coerce and bound-check one numeric control; return (value, problem)."""
    label = spec.label
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None, f"{label}: expected a number; got {value!r}"
    try:
        number = float(value)
    except ValueError:
        return None, f"{label}: expected a number; got {value!r}"
    if not math.isfinite(number):
        return None, f"{label}: expected a finite number; got {value!r}"
    if spec.integer:
        if number != int(number):
            return None, f"{label}: expected a whole number; got {value!r}"
        number = int(number)
    if not spec.minimum <= number <= spec.maximum:
        return None, (
            f"{label}: expected a value in [{spec.minimum:g}, {spec.maximum:g}]; got {value!r}"
        )
    return number, None


def validate_controls(
    current: Controls,
    changes: dict[str, Any],
    scenario_names: list[str],
    specs: dict[str, ControlSpec] | None = None,
) -> tuple[Controls, list[str]]:
    """Apply ``changes`` to ``current`` after checking every value.

    Nothing from the browser is trusted: unknown names, wrong types, out-of-range
    numbers, unknown choices and scenario names outside the catalogue are refused.

    Args:
        current: the controls in force.
        changes: control name -> new value, as received from the page.
        scenario_names: the names the scenario picker offers.
        specs: the numeric controls' bounds (default :data:`CONTROL_SPECS`; the session
            passes :func:`control_specs` of its scenario).

    Returns:
        The new controls (unchanged where a value was refused) and the problems found,
        one readable line each.
    """
    specs = specs or CONTROL_SPECS
    known = {f.name for f in fields(Controls)}
    problems: list[str] = []
    accepted: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in known:
            problems.append(f"unknown control {name!r}")
        elif name in specs:
            number, problem = _number(name, value, specs[name])
            if problem:
                problems.append(problem)
            else:
                accepted[name] = number
        elif name == "placement":
            if value in PLACEMENT_LABELS:
                accepted[name] = value
            else:
                problems.append(
                    f"Placement: expected one of {list(PLACEMENT_LABELS)}; got {value!r}"
                )
        elif name == "convening":
            if value in CONVENING_LABELS:
                accepted[name] = value
            else:
                problems.append(
                    f"Teacher collectives: expected one of {list(CONVENING_LABELS)}; got {value!r}"
                )
        elif name == "scenario":
            if isinstance(value, str) and value in scenario_names:
                accepted[name] = value
            else:
                problems.append(f"Scenario: expected one of {scenario_names}; got {value!r}")
        elif name == "seed":
            seed = _as_int(value)
            if seed is None:
                problems.append(f"Seed: expected a whole number; got {value!r}")
            elif not 0 <= seed <= SEED_MAX:
                problems.append(f"Seed: expected a value in [0, {SEED_MAX}]; got {value!r}")
            else:
                accepted[name] = seed
    return replace(current, **accepted), problems


class ScenarioCatalogue:
    """The scenario files the picker may offer: ``scenarios/*.yaml`` and the CLI's file.

    The browser only ever sends a *name* from :meth:`names`; paths stay on the server.

    Args:
        directory: folder of scenario files; default ``$CLSIM_SCENARIO_DIR``, else
            ``./scenarios``, else the ``scenarios/`` folder beside the package.
        extra: one more file (``clsim dashboard --scenario FILE``); default
            ``$CLSIM_DASHBOARD_SCENARIO``. It is listed first and is the default choice.
        preloaded: scenarios already in memory, by name (benchmarks and tests); listed
            first, and the first is the default choice.
    """

    DEFAULT_NAME = "(built-in defaults)"

    def __init__(
        self,
        directory: str | Path | None = None,
        extra: str | Path | None = None,
        preloaded: dict[str, Scenario] | None = None,
    ):
        self.directory = Path(directory) if directory else _default_directory()
        extra = extra if extra is not None else os.environ.get("CLSIM_DASHBOARD_SCENARIO") or None
        self._paths: dict[str, Path] = {}
        self._preloaded: dict[str, Scenario] = dict(preloaded or {})
        self.default: str
        for name in self._preloaded:
            self._paths[name] = Path()
        if extra is not None:
            extra_path = Path(extra).resolve()
            self._paths[extra_path.stem] = extra_path
        if self.directory.is_dir():
            for path in sorted(self.directory.glob("*.yaml")):
                self._paths.setdefault(path.stem, path.resolve())
        if self._preloaded:
            self.default = next(iter(self._preloaded))
        elif extra is not None:
            self.default = Path(extra).stem
        elif "workshop" in self._paths:
            self.default = "workshop"
        elif self._paths:
            self.default = next(iter(self._paths))
        else:
            self.default = self.DEFAULT_NAME
        if not self._paths:
            self._paths[self.DEFAULT_NAME] = Path()

    def names(self) -> list[str]:
        """Scenario names in picker order."""
        return list(self._paths)

    def path_of(self, name: str) -> Path | None:
        """The file behind a listed name (None for preloaded scenarios and the defaults)."""
        path = self._paths.get(name)
        if path is None or name in self._preloaded or name == self.DEFAULT_NAME:
            return None
        return path

    def load(self, name: str) -> Scenario:
        """Load a scenario by name.

        Raises:
            ScenarioError: unknown name, or a file that does not validate.
        """
        if name not in self._paths:
            raise ScenarioError("dashboard", [Problem("scenario", "a listed scenario", repr(name))])
        if name in self._preloaded:
            return self._preloaded[name]
        if name == self.DEFAULT_NAME:
            return Scenario()
        return load_scenario(self._paths[name])


def _as_int(value: Any) -> int | None:
    """A whole number from an int, an integral float or a string of digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _default_directory() -> Path:
    env = os.environ.get("CLSIM_SCENARIO_DIR")
    if env:
        return Path(env)
    cwd = Path.cwd() / "scenarios"
    if cwd.is_dir():
        return cwd
    return Path(__file__).resolve().parents[2] / "scenarios"

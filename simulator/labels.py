"""Human labels and units for every scenario parameter and every outcome: one registry.

Figures, tables, reports and CLI summaries show ``Fellows recruited a year
(fellows a year)``, not ``recruit.cohort_size``; the dotted key appears only where a user
has to type it (an option, a scenario file, a sweep spec). Labels come from two places:

* **derived** from the code's own documentation, so that a parameter or indicator added
  later is labelled at once: the schema's field descriptions
  (:class:`simulator.scenario.schema.ScenarioModel`, first sentence, trimmed), the
  indicator descriptions (:data:`simulator.indicators.INDICATORS`) and the summary
  outcomes (:data:`simulator.runner.SUMMARY_OUTCOMES`); units follow from the field's
  bounds and name (``_year`` is a year of the run, ``[0, 1]`` a share or level,
  ``_months`` months, ``per_year`` a year);
* **curated** short labels, units and value phrases for the levers strategy teams use and
  for the outcomes studies report (:data:`CURATED`); a curated entry must name a key that
  exists (``tests/test_labels.py``).

Derived keys get labels too: ``transformed`` (1 when a run is in the transformed regime),
``p_transformed``, and group outcomes written ``OUTCOME@GROUP`` (``final_learning@programme``
is final learning in the programme areas, ``@rest`` the other areas). An unknown key gets a
humanised fallback that never contains a dot, so a raw key cannot leak into a figure.

Value phrases (:func:`phrase`) turn a bound into words for PRIM boxes: ``at least 14
fellows a year``, ``teacher-led collectives``.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

__all__ = [
    "Label",
    "CURATED",
    "GROUPS",
    "get",
    "label",
    "unit",
    "axis_label",
    "phrase",
    "describe_bound",
    "all_keys",
    "is_raw_key",
    "format_value",
]

Kind = Literal["parameter", "outcome", "indicator", "derived", "design", "unknown"]


@dataclass(frozen=True)
class Label:
    """How one key is shown to people.

    Attributes:
        key: the key as typed (dotted scenario key, outcome or indicator name).
        text: short human label, sentence case, no unit (``Fellows recruited a year``).
        unit: the unit, or ``""`` when the label says it all.
        description: one plain sentence (from the schema or indicator docs).
        kind: parameter, outcome, indicator, derived, design or unknown.
        value_phrase: template for a value in words, ``{v}`` the formatted value
            (``{v} fellows a year``); empty to use ``text = value unit``.
        choices: words for the values of a choice or boolean key.
    """

    key: str
    text: str
    unit: str = ""
    description: str = ""
    kind: Kind = "unknown"
    value_phrase: str = ""
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def axis(self) -> str:
        """An axis or column title: ``text (unit)``."""
        return f"{self.text} ({self.unit})" if self.unit else self.text

    def wrapped(self, width: int = 38) -> str:
        """The axis title wrapped onto lines of at most ``width`` characters."""
        return "\n".join(textwrap.wrap(self.axis, width)) or self.axis


#: Group suffixes of outcomes measured over part of the system (``final_learning@programme``).
GROUPS: dict[str, str] = {
    "programme": "programme areas",
    "rest": "other areas",
}

_SHARE = "share, 0-1"
_LEVEL = "level, 0-1"
_YEAR = "year of the run"

#: Curated labels. Keys: dotted scenario keys (strategy sections, meta, programme),
#: summary outcomes, indicators and derived names. Values: (text, unit, value phrase).
CURATED: dict[str, tuple[str, str, str]] = {
    # -- run and programme --------------------------------------------------------------
    "meta.steps": ("Run length", "months", "{v} months"),
    # -- recruit ------------------------------------------------------------------------
    "recruit.cohort_size": ("Fellows recruited a year", "fellows a year", "{v} fellows a year"),
    "recruit.start_year": ("Recruitment start", _YEAR, "recruitment from year {v}"),
    "recruit.end_year": ("Recruitment end", _YEAR, "recruitment until year {v}"),
    "recruit.selection_purpose": ("Purpose of recruits", _LEVEL, "recruits' purpose {v}"),
    "recruit.selection_capacity": ("Capacity of recruits", _LEVEL, "recruits' capacity {v}"),
    "recruit.local_share": ("Locally rooted recruits", _SHARE, "a local share of {v}"),
    "recruit.placement": ("Placement of fellows", "", ""),
    "recruit.placement_clusters": ("Clusters receiving fellows", "clusters", "{v} clusters"),
    "recruit.placement_districts": (
        "Districts receiving fellows",
        "districts",
        "{v} districts",
    ),
    "recruit.fellowship_months": ("Fellowship length", "months", "a {v}-month fellowship"),
    "recruit.retention": ("Retention of fellows and alumni", "share a year", "retention {v}"),
    "recruit.role_mix.direct": ("Alumni in direct-impact roles", _SHARE, ""),
    "recruit.role_mix.enabler": ("Alumni in enabler roles", _SHARE, ""),
    "recruit.role_mix.policy": ("Alumni in policy roles", _SHARE, ""),
    # -- develop ------------------------------------------------------------------------
    "develop.start_year": ("Development start", _YEAR, "development from year {v}"),
    "develop.end_year": ("Development end", _YEAR, "development until year {v}"),
    "develop.fellow_coaching": ("Coaching of fellows", "intensity, 0-1", "fellow coaching {v}"),
    "develop.teacher_coaching": (
        "Coaching of teachers beside fellows",
        "intensity, 0-1",
        "teacher coaching {v}",
    ),
    "develop.principal_development": (
        "Development of principals",
        "intensity, 0-1",
        "principal development {v}",
    ),
    "develop.parent_development": (
        "Development of parents",
        "intensity, 0-1",
        "parent development {v}",
    ),
    "develop.alumni_leadership": (
        "Alumni leadership programme",
        "intensity, 0-1",
        "alumni leadership {v}",
    ),
    # -- connect ------------------------------------------------------------------------
    "connect.start_year": ("Connecting start", _YEAR, "connecting from year {v}"),
    "connect.end_year": ("Connecting end", _YEAR, "connecting until year {v}"),
    "connect.alumni_gatherings_per_year": (
        "Alumni gatherings a year",
        "gatherings a year",
        "{v} alumni gatherings a year",
    ),
    "connect.bridging": ("Bridging ties to principals and officials", "strength, 0-1", ""),
    "connect.community": ("Community ties", "strength, 0-1", "community ties {v}"),
    # -- convene ------------------------------------------------------------------------
    "convene.collectives.start_year": ("Collectives start", _YEAR, "collectives from year {v}"),
    "convene.collectives.end_year": ("Collectives end", _YEAR, "collectives until year {v}"),
    "convene.collectives.mode": ("Teacher collectives", "", ""),
    "convene.collectives.meetings_per_year": (
        "Collective meetings a year",
        "meetings a year",
        "{v} collective meetings a year",
    ),
    "convene.collectives.with_data": ("Collectives reflect on data", "", ""),
    "convene.collectives.clusters": ("Clusters with collectives", "", ""),
    "convene.convenings.start_year": ("Convenings start", _YEAR, "convenings from year {v}"),
    "convene.convenings.end_year": ("Convenings end", _YEAR, "convenings until year {v}"),
    "convene.convenings.per_year": (
        "Convenings a year per district",
        "convenings a year",
        "{v} convenings a year",
    ),
    "convene.convenings.participants": ("People at a convening", "people", "{v} people a convening"),
    "convene.convenings.roles": ("Roles invited to convenings", "", ""),
    # -- technical ----------------------------------------------------------------------
    "technical.start_year": ("Technical programme start", _YEAR, ""),
    "technical.end_year": ("Technical programme end", _YEAR, "a technical programme until year {v}"),
    "technical.practice_push": ("Technical push on practice", "a month, 0-1", ""),
    "technical.resources": ("Technical resources", "learning added, 0-1", ""),
    # -- summary outcomes ---------------------------------------------------------------
    "final_learning": ("Learning, final year", "share of students at grade level", ""),
    "initial_learning": ("Learning at the start", "share of students at grade level", ""),
    "learning_gain": ("Learning gain", "change in share at grade level", ""),
    "peak_learning": ("Peak learning", "share of students at grade level", ""),
    "final_engaged_share": ("Engaged, final year", "share of everyone active", ""),
    "final_engaged_teacher_share": ("Teachers engaged, final year", "share of teachers", ""),
    "final_trust": ("Trust, final year", "mean, 0-1", ""),
    "final_purpose": ("Purpose, final year", "mean, 0-1", ""),
    "final_agency": ("Agency, final year", "mean, 0-1", ""),
    "final_critical_mass_index": ("Critical-mass index, final year", "index, 0-1", ""),
    "final_support": ("Institutional support, final year", "mean over districts, 0-1", ""),
    "final_collectives_share": ("Clusters with a collective, final year", "share of clusters", ""),
    "final_educators_engaged": ("Teachers and principals engaged, final year", "share of local educators", ""),
    "final_learning_school_sd": ("Spread of school learning, final year", "sd over schools", ""),
    "peak_leaders_active": ("Most fellows and alumni at once", "people", ""),
    "peak_leaders_per_school": ("Most fellows and alumni per school", "people a school", ""),
    "teacher_trust_rise_month": ("Month teachers' trust made a quarter of its rise", "months", ""),
    "teacher_learning_rise_month": ("Month teachers' learning made a quarter of its rise", "months", ""),
    "trust_lead_months": ("Months trust rises before learning", "months", ""),
    "learning_year_3": ("Learning at year 3", "share of students at grade level", ""),
    "learning_year_5": ("Learning at year 5", "share of students at grade level", ""),
    "learning_year_7": ("Learning at year 7", "share of students at grade level", ""),
    "engaged_year_5": ("Engaged at year 5", "share of everyone active", ""),
    "critical_mass_index_year_5": ("Critical-mass index at year 5", "index, 0-1", ""),
    "programme_ratio_year_3": ("Learning in programme clusters over the rest, year 3", "ratio", ""),
    "months_to_trust_rise": ("Months until trust rises 0.05", "months", ""),
    "months_to_learning_rise": ("Months until learning rises 0.05", "months", ""),
    # -- indicators (monthly) -----------------------------------------------------------
    "month": ("Month of the run", "months", ""),
    "year": ("Year of the run", "years", ""),
    "learning_mean": ("Learning", "share of students at grade level", ""),
    "learning_teachers": ("Learning in local teachers' classrooms", "share at grade level", ""),
    "practice_mean": ("Classroom practice", "mean, 0-1", ""),
    "engaged_share": ("Engaged in collective leadership", "share of everyone active", ""),
    "purpose_mean": ("Purpose", "mean, 0-1", ""),
    "trust_mean": ("Trust", "mean, 0-1", ""),
    "agency_mean": ("Agency", "mean, 0-1", ""),
    "critical_mass_index": ("Critical-mass index", "index, 0-1", ""),
    "support_mean": ("Institutional support", "mean over districts, 0-1", ""),
    "state_support": ("State department's support", "0-1", ""),
    "collectives_share": ("Clusters with a collective", "share of clusters", ""),
    "collectives_self": ("Clusters with a self-organised collective", "share of clusters", ""),
    "collectives_mandated": ("Clusters with a mandated collective", "share of clusters", ""),
    "collective_ownership": ("Teachers' ownership of collectives", "mean, 0-1", ""),
    "collective_maturity": ("Maturity of collectives", "mean, 0-1", ""),
    "leaders_active": ("Fellows and alumni in the system", "people", ""),
    "educators_engaged": ("Teachers and principals engaged", "share of local educators", ""),
    "learning_school_sd": ("Spread of school learning", "sd over schools", ""),
    "fellows_active": ("Fellows in the system", "people", ""),
    "alumni_active": ("Alumni in the system", "people", ""),
    "students_engaged": ("Students of engaged teachers and fellows", "students", ""),
    # -- derived ------------------------------------------------------------------------
    "transformed": ("Transformed", "share of runs", ""),
    "p_transformed": ("P(transformed)", "probability", ""),
    "critical_mass": ("Critical mass", "", ""),
    "leaders_per_school": ("Programme leaders per school", "fellows and alumni a school", ""),
    "leader_share_of_educators": (
        "Programme leaders among educators",
        "share of teachers, principals, fellows and alumni",
        "",
    ),
    "run_id": ("Run", "", ""),
    "point_id": ("Design point", "", ""),
    "replicate": ("Replicate", "", ""),
    "seed": ("Random seed", "", ""),
}

_CHOICES: dict[str, dict[str, str]] = {
    "recruit.placement": {
        "clustered": "fellows clustered in a few clusters",
        "spread": "fellows spread over every cluster",
    },
    "convene.collectives.mode": {
        "teacher_led": "teacher-led collectives",
        "imposed": "imposed collectives",
        "none": "no teacher collectives",
    },
    "convene.collectives.with_data": {
        "True": "collectives that reflect on data",
        "False": "collectives without data",
    },
    "convene.collectives.clusters": {
        "all": "collectives in every cluster",
        "with_fellows": "collectives where fellows work",
    },
}

_ROLE_WORDS = {
    "teacher": "teachers",
    "principal": "principals",
    "parent": "parents",
    "fellow": "fellows",
    "alumnus": "alumni",
    "official": "officials",
}
_LEVERAGE_WORDS = {
    "lp_paradigms": "Leverage: paradigms",
    "lp_mindsets": "Leverage: mindsets",
    "lp_goals": "Leverage: goals",
    "lp_agency": "Leverage: agency",
    "lp_trust": "Leverage: trust",
    "lp_collaboration": "Leverage: collaboration",
    "lp_reflection": "Leverage: reflection",
    "lp_feedback": "Leverage: feedback",
    "lp_innovation": "Leverage: innovation",
    "lp_practices": "Leverage: practices",
    "lp_infrastructure": "Leverage: infrastructure",
    "lp_resources": "Leverage: resources",
}
_CM_WORDS = {
    "cm_scale": "Critical mass: scale of leaders",
    "cm_reach": "Critical mass: reach of leaders",
    "cm_strength": "Critical mass: strength of leaders",
    "cm_orientation": "Critical mass: purpose of leaders",
    "cm_representation": "Critical mass: rootedness of leaders",
    "cm_network": "Critical mass: network of leaders",
}


def _sentence(description: str, limit: int = 72) -> str:
    """The first clause of a description, without a trailing period, cut at ``limit``."""
    text = " ".join(description.split())
    text = re.split(r"(?<=[a-z0-9)])\. ", text, maxsplit=1)[0].rstrip(".")
    text = re.sub(r"\s*\([^()]*\)", "", text)
    for sep in (": ", "; "):
        head = text.split(sep, 1)[0]
        if len(head) >= 12:
            text = head
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "..."
    return text[:1].upper() + text[1:]


def _schema_unit(path: str, info: Any) -> str:
    name = path.rsplit(".", 1)[-1]
    ge = le = None
    for meta in getattr(info, "metadata", ()):
        ge = getattr(meta, "ge", ge)
        le = getattr(meta, "le", le)
    if name.endswith("_year") or name.endswith("_years"):
        return _YEAR
    if name.endswith("_months") or name == "steps":
        return "months"
    if name.endswith("per_year"):
        return "a year"
    if ge == 0.0 and le == 1.0:
        desc = (info.description or "").lower()
        if desc.startswith("share"):
            return _SHARE
        if desc.startswith("monthly"):
            return "a month, 0-1"
        return "0-1"
    if name.endswith("_weight"):
        return "tie weight"
    return ""


def _walk_schema() -> dict[str, tuple[str, Any]]:
    from pydantic import BaseModel

    from .scenario.schema import ScenarioModel

    out: dict[str, tuple[str, Any]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            ann = info.annotation
            inner = [ann, *getattr(ann, "__args__", ())]
            sub = next(
                (a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None
            )
            if sub is not None:
                walk(sub, path + ".")
            else:
                out[path] = (info.description or "", info)

    walk(ScenarioModel, "")
    return out


def _indicator_label(name: str, description: str) -> tuple[str, str]:
    if name in _LEVERAGE_WORDS:
        return _LEVERAGE_WORDS[name], "0-1"
    if name in _CM_WORDS:
        return _CM_WORDS[name], "0-1"
    if name.startswith("leverage_"):
        return f"Leverage group: {name.removeprefix('leverage_')}", "mean, 0-1"
    for prefix, word, unit_text in (
        ("engaged_", "engaged", "share"),
        ("purpose_", "purpose", "mean, 0-1"),
        ("trust_", "trust", "mean, 0-1"),
        ("agency_", "agency", "mean, 0-1"),
    ):
        role = name.removeprefix(prefix)
        if name.startswith(prefix) and role in _ROLE_WORDS:
            who = _ROLE_WORDS[role]
            if word == "engaged":
                return f"{who.capitalize()} engaged", f"share of active {who}"
            return f"{word.capitalize()} of {who}", unit_text
    return _sentence(description), ""


@cache
def _registry() -> dict[str, Label]:
    from .indicators import INDICATORS
    from .runner import SUMMARY_OUTCOMES

    out: dict[str, Label] = {}
    for path, (description, info) in _walk_schema().items():
        out[path] = Label(
            key=path,
            text=_sentence(description) if description else _humanise(path),
            unit=_schema_unit(path, info),
            description=description,
            kind="parameter",
        )
    for name, description in INDICATORS.items():
        text, unit_text = _indicator_label(name, description)
        out[name] = Label(name, text, unit_text, description, "indicator")
    for name, description in SUMMARY_OUTCOMES.items():
        out[name] = Label(name, _sentence(description), "", description, "outcome")
    for key, (text, unit_text, template) in CURATED.items():
        base = out.get(key)
        kind: Kind = base.kind if base is not None else "derived"
        if key in ("run_id", "point_id", "replicate", "seed"):
            kind = "design"
        out[key] = Label(
            key=key,
            text=text,
            unit=unit_text,
            description=base.description if base is not None else "",
            kind=kind,
            value_phrase=template,
            choices=_CHOICES.get(key, {}),
        )
    return out


def _humanise(key: str) -> str:
    """A readable fallback for a key nobody labelled: no dots, no underscores."""
    parts = [p for p in re.split(r"[.]|__", key) if p]
    if not parts:
        return key
    head = parts[-1].replace("_", " ")
    rest = " ".join(p.replace("_", " ") for p in parts[:-1])
    text = f"{head} ({rest})" if rest else head
    return text[:1].upper() + text[1:]


def all_keys() -> list[str]:
    """Every key the registry labels (schema keys, indicators, outcomes, derived names)."""
    return list(_registry())


def get(key: str) -> Label:
    """The label of ``key``; group outcomes ``OUTCOME@GROUP`` and unknown keys included."""
    registry = _registry()
    if key in registry:
        return registry[key]
    base_key, sep, group = key.partition("@")
    if sep and base_key in registry:
        base = registry[base_key]
        where = GROUPS.get(group, _humanise(group).lower())
        return Label(
            key=key,
            text=f"{base.text}, {where}",
            unit=base.unit,
            description=f"{base.description} Measured over the {where}.",
            kind=base.kind,
        )
    text = _humanise(key)
    return Label(key=key, text=text, kind="unknown")


def label(key: str) -> str:
    """The short human label of ``key`` (no unit)."""
    return get(key).text


def unit(key: str) -> str:
    """The unit of ``key`` (``""`` when none)."""
    return get(key).unit


def axis_label(key: str, wrap: int | None = None) -> str:
    """``label (unit)``, optionally wrapped to lines of ``wrap`` characters."""
    entry = get(key)
    return entry.wrapped(wrap) if wrap else entry.axis


def format_value(value: Any, digits: int = 3) -> str:
    """A value in plain digits: integers without decimals, floats to ``digits`` figures."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        if value.is_integer() and abs(value) < 1e6:
            return f"{int(value):,}"
        return f"{value:.{digits}g}"
    return str(value)


def phrase(key: str, value: Any, digits: int = 3) -> str:
    """A value of ``key`` in words: ``14 fellows a year``, ``teacher-led collectives``."""
    entry = get(key)
    words = entry.choices.get(str(value))
    if words is not None:
        return words
    shown = format_value(value, digits)
    if entry.value_phrase:
        return entry.value_phrase.format(v=shown)
    if entry.unit and entry.unit not in ("0-1",):
        return f"{entry.text.lower()} {shown} ({entry.unit})"
    return f"{entry.text.lower()} {shown}"


def describe_bound(
    key: str, low: float | None, high: float | None, digits: int = 3
) -> str:
    """A restriction of ``key`` in words: ``at least 14 fellows a year``, ``2 to 4 clusters``.

    ``low``/``high`` of None mean unrestricted on that side.
    """
    entry = get(key)
    if low is not None and high is not None:
        if low == high:
            return phrase(key, low, digits)
        if entry.value_phrase.startswith("{v}"):
            return entry.value_phrase.format(
                v=f"{format_value(low, digits)} to {format_value(high, digits)}"
            )
        return f"{entry.text.lower()} between {format_value(low, digits)} and " + (
            f"{format_value(high, digits)}" + (f" ({entry.unit})" if entry.unit else "")
        )
    # "at least 14 fellows a year" reads well only when the phrase starts with the value
    leading = entry.value_phrase.startswith("{v}")
    unit_text = f" ({entry.unit})" if entry.unit and entry.unit not in ("0-1",) and not leading else ""
    if low is not None:
        if leading:
            return f"at least {phrase(key, low, digits)}"
        return f"{entry.text.lower()} at least {format_value(low, digits)}{unit_text}"
    if high is not None:
        if leading:
            return f"at most {phrase(key, high, digits)}"
        return f"{entry.text.lower()} at most {format_value(high, digits)}{unit_text}"
    return f"any {entry.text.lower()}"


_RAW_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9_]*)+$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def is_raw_key(text: str) -> bool:
    """True when ``text`` looks like a raw key (``recruit.cohort_size``, ``final_learning``).

    Used by the tests to check that no figure or report shows one as a label.
    """
    text = text.strip()
    if not text:
        return False
    if _RAW_KEY.match(text):
        return True
    return bool(_SNAKE.match(text)) and text in _registry()

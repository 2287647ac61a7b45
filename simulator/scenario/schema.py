"""The scenario schema: every parameter typed, bounded, documented and defaulted.

A scenario is a YAML file of nested sections. Each field's ``description`` is the
documentation (``docs/ODD.md`` and the scenario reference are generated from it), and
each bound is checked once, at load. Unknown keys are rejected. Time is in months for
dynamics and in years for strategy schedules, so "recruit for 8 years then stop" is
``recruit: {start_year: 0, end_year: 8}``.

Sources: the brief (``shared/BRIEF.md``) and seeds 000-004 for structure and case
figures; parameters marked *calibrated* were set so the stylized facts can emerge
(see ``docs/ODD.md``, section "Calibration").
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    model_serializer,
    model_validator,
)

from .plausible import plausible_field

__all__ = [
    "Strict",
    "Meta",
    "Programme",
    "Schedule",
    "SCHEDULE_SECTIONS",
    "System",
    "Network",
    "Population",
    "Dynamics",
    "Recruit",
    "RoleMix",
    "Develop",
    "Connect",
    "Collectives",
    "Convenings",
    "Convene",
    "Technical",
    "ScenarioModel",
]

Unit = float  # a value in [0, 1]


class Strict(BaseModel):
    """Base for all sections: unknown keys are errors, assignment is validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def unit(
    default: float,
    description: str,
    plausible: tuple[float, float] | None = None,
    why: str = "",
) -> float:
    """A field bounded to [0, 1], optionally with a plausible range and its reason."""
    extra = plausible_field(*plausible, why) if plausible is not None else None
    return Field(default, ge=0.0, le=1.0, description=description, json_schema_extra=extra)


_YEAR_KEYS = ("start_year", "end_year")


class _FromProgramme(float):
    """A year the scenario validator copied from the programme into a schedule.

    The marker travels inside the value, so error messages show a plain number.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return float.__repr__(self)

#: Where a schedule's year came from: the scenario itself, the programme, or the default.
ScheduleSource = Literal["own", "programme", "default"]


class Schedule(Strict):
    """A strategy's active window, in years from the start of the run.

    A year the scenario does not set (absent, or ``null``) follows the programme-wide
    schedule (:class:`Programme`) when it gives one, else the strategy's default. Each
    schedule remembers where its years came from (:attr:`sources`), and writes a
    followed year back as ``null`` (so that a changed programme, for example a sweep
    over ``programme.end_year``, still reaches every strategy that does not set its own).
    """

    #: The strategy's default years when neither it nor the programme sets them.
    DEFAULT_START: ClassVar[float] = 0.0
    DEFAULT_END: ClassVar[float] = 100.0

    start_year: float = Field(
        0.0,
        ge=0.0,
        le=100.0,
        description="Year the strategy starts (unset: the programme's start, else 0).",
    )
    end_year: float = Field(
        100.0,
        ge=0.0,
        le=100.0,
        description="Year the strategy stops, exclusive (unset: the programme's end, else 100).",
    )

    _sources: dict[str, ScheduleSource] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _follow(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        data = dict(data)
        sources: dict[str, ScheduleSource] = {}
        for name, default in zip(_YEAR_KEYS, (cls.DEFAULT_START, cls.DEFAULT_END), strict=True):
            if isinstance(data.get(name), _FromProgramme):
                data[name] = float(data[name])
                sources[name] = "programme"
            elif data.get(name) is None:
                data[name] = default
                sources[name] = "default"
            else:
                sources[name] = "own"
        instance = handler(data)
        instance._sources = sources
        return instance

    @model_validator(mode="after")
    def _ordered(self) -> Schedule:
        if self.end_year < self.start_year:
            origin = ""
            if any(self._sources.get(k, "own") != "own" for k in _YEAR_KEYS):
                origin = " (" + ", ".join(
                    f"{k} from the {self._sources.get(k, 'own').replace('own', 'scenario')}"
                    for k in _YEAR_KEYS
                ) + ")"
            raise ValueError(
                f"end_year must be >= start_year; found start_year={self.start_year}, "
                f"end_year={self.end_year}{origin}"
            )
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _YEAR_KEYS:  # set by hand: the scenario's own value from now on
            self._sources[name] = "own"

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in _YEAR_KEYS:
                if self._sources.get(name, "own") != "own":
                    data[name] = None
        return data

    @property
    def sources(self) -> dict[str, ScheduleSource]:
        """Where ``start_year`` and ``end_year`` came from: own, programme or default."""
        return {name: self._sources.get(name, "own") for name in _YEAR_KEYS}

    def active(self, month: int) -> bool:
        """Whether the strategy is on in the given month (0-based)."""
        year = month / 12.0
        return self.start_year <= year < self.end_year


class Programme(Strict):
    """One schedule for the whole programme, followed by every strategy that sets none.

    ``programme: {start_year: 0, end_year: 6}`` stops recruitment, development,
    connection, collectives, convenings and any technical programme at year 6, unless a
    strategy sets its own ``start_year``/``end_year`` (its own file or a file it
    ``extends:``). ``clsim validate --explain`` prints the schedule every strategy ends
    up with and where each year came from.
    """

    start_year: float | None = Field(
        None,
        ge=0.0,
        le=100.0,
        description="Year every strategy starts unless it sets its own (unset: each strategy's default).",
    )
    end_year: float | None = Field(
        None,
        ge=0.0,
        le=100.0,
        description="Year every strategy stops, exclusive, unless it sets its own (unset: each strategy's default).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Programme:
        if (
            self.start_year is not None
            and self.end_year is not None
            and self.end_year < self.start_year
        ):
            raise ValueError(
                f"end_year must be >= start_year; found start_year={self.start_year}, "
                f"end_year={self.end_year}"
            )
        return self


class Meta(Strict):
    """Name, description and run length."""

    name: str = Field("scenario", max_length=200, description="Short name used in tables.")
    description: str = Field("", max_length=5000, description="What the scenario is for.")
    steps: int = Field(180, ge=1, le=1200, description="Months to simulate (180 = 15 years).")


class System(Strict):
    """Size and shape of the education system (seed 003: a cluster is 15-20 schools)."""

    districts: int = Field(1, ge=1, le=2000, description="Number of districts.")
    clusters_per_district: int = Field(10, ge=1, le=500, description="Clusters in a district.")
    schools_per_cluster: int = Field(
        15, ge=1, le=200, description="Schools in a cluster (seed 003: 15-20 in India)."
    )
    teachers_per_school: int = Field(8, ge=1, le=200, description="Teachers in a school.")
    parents_per_school: int = Field(
        6, ge=0, le=500, description="Parents and community members modelled per school."
    )
    officials_per_cluster: int = Field(
        1, ge=0, le=50, description="Block/cluster officials (resource persons) per cluster."
    )
    officials_per_district: int = Field(
        3, ge=0, le=200, description="District and state officials per district."
    )
    students_per_classroom: int = Field(
        35, ge=1, le=200, description="Students in a classroom (for students-reached counts)."
    )


class Network(Strict):
    """Tie layers and their weights (seed 000: relationships, networks, trust)."""

    cluster_ties_per_teacher: int = Field(
        2, ge=0, le=50, description="Ties from each teacher and fellow to random teachers of its cluster (any school, drawn with replacement)."
    )
    principal_ties: int = Field(
        3, ge=0, le=50, description="Ties from each principal to random principals of its cluster (drawn with replacement)."
    )
    parent_ties: int = Field(
        2, ge=0, le=50, description="Ties from each parent to teachers of its school (plus one to its principal and one to another parent)."
    )
    alumni_ties_per_fellow: int = Field(
        4, ge=0, le=100, description="Alumni-network ties from each fellow to other fellows/alumni of its district."
    )
    bridging_ties_per_alumnus: int = Field(
        3, ge=0, le=100, description="Bridging ties an alumnus can form to principals of its cluster, plus one to a cluster official (gated by connect)."
    )
    collective_ties_per_teacher: int = Field(
        6, ge=0, le=100, description="Ties a teacher forms inside its cluster's teacher collective when it meets."
    )
    school_weight: float = Field(1.0, ge=0.0, le=10.0, description="Weight of ties within a school.")
    cluster_weight: float = Field(0.6, ge=0.0, le=10.0, description="Weight of teacher ties across a cluster.")
    parent_weight: float = Field(0.5, ge=0.0, le=10.0, description="Weight of school-parent ties.")
    oversight_weight: float = Field(0.8, ge=0.0, le=10.0, description="Weight of officials' oversight ties.")
    alumni_base_weight: float = Field(
        0.3, ge=0.0, le=10.0, description="Weight of alumni-network ties without a connect strategy."
    )


class Population(Strict):
    """Initial attributes by role: means of Beta-distributed values in [0, 1]."""

    purpose_local: Unit = unit(0.30, "Mean initial purpose of teachers, principals, parents, officials.")
    trust_local: Unit = unit(0.35, "Mean initial trust of local actors.")
    agency_local: Unit = unit(0.30, "Mean initial agency of local actors.")
    capacity_local: Unit = unit(0.35, "Mean initial leadership capacity of local actors.")
    purpose_driven_share: Unit = unit(
        0.03,
        "Share of local teachers and principals who start purpose-driven (purpose near 0.85): "
        "the few who change first (seed 003).",
    )
    attribute_concentration: float = Field(
        12.0, ge=1.0, le=1000.0, description="Beta concentration (a+b): larger means less spread."
    )
    threshold_mean: Unit = unit(0.40, "Mean base engagement threshold (share of engaged ties). Calibrated.")
    threshold_sd: float = Field(0.12, ge=0.0, le=0.5, description="Spread of base thresholds.")
    baseline_practice: Unit = unit(0.30, "Initial classroom practice (old paradigm level).")
    baseline_learning: Unit = unit(
        0.40, "Initial share of students at grade level (brief: 6 in 10 cannot read by age 10)."
    )
    learning_ceiling: Unit = unit(
        0.80, "Share at grade level when practice is fully transformed. Calibrated (Telangana 1.6x)."
    )
    reach_teacher: Unit = unit(0.3, "Reach of a teacher's role.")
    reach_principal: Unit = unit(0.6, "Reach of a principal.")
    reach_parent: Unit = unit(0.2, "Reach of a parent or community member.")
    reach_official: Unit = unit(0.9, "Reach of an official.")
    reach_fellow: Unit = unit(0.35, "Reach of a fellow during the fellowship.")
    reach_alumni_direct: Unit = unit(0.45, "Reach of an alumnus in a direct-impact role.")
    reach_alumni_enabler: Unit = unit(0.65, "Reach of an alumnus in a transformational-enabler role.")
    reach_alumni_policy: Unit = unit(0.9, "Reach of an alumnus in a policy role.")
    rootedness_local: Unit = unit(0.8, "Local rootedness of teachers, principals, parents.")
    rootedness_fellow_local: Unit = unit(0.8, "Rootedness of a fellow recruited locally.")
    rootedness_fellow_other: Unit = unit(0.3, "Rootedness of a fellow from outside the community.")
    trust_fellow: Unit = unit(0.5, "Mean initial trust of a fellow.")
    agency_fellow: Unit = unit(0.6, "Mean initial agency of a fellow.")
    practice_fellow: Unit = unit(0.45, "Initial classroom practice of a fellow (trained in the new practice).")


class Dynamics(Strict):
    """Rates of the monthly processes. See docs/ODD.md for the equations."""

    influence_rate: Unit = unit(0.05, "Monthly pull of purpose toward trusted neighbours' purpose.", plausible=(0.025, 0.075), why="hand-set: half to one and a half times the default; no seed pins this rate")
    engaged_purpose_gain: Unit = unit(
        0.03, "Monthly growth of purpose while engaged (shared meaning-making).", plausible=(0.015, 0.045), why="hand-set: half to one and a half times the default; no seed pins this rate")
    evidence_purpose_gain: Unit = unit(
        0.3,
        "Purpose growth per unit of visible learning advantage of trusted peers: seeing "
        "students succeed shifts the belief that all students can thrive (seed 003).", plausible=(0.15, 0.45), why="hand-set: half to one and a half times the default; no seed pins this rate")
    trust_gain: Unit = unit(0.06, "Monthly trust growth per unit share of engaged ties.", plausible=(0.03, 0.09), why="hand-set: half to one and a half times the default; no seed pins this rate")
    trust_decay: Unit = unit(0.02, "Monthly relaxation of trust toward its initial value.", plausible=(0.01, 0.03), why="hand-set: half to one and a half times the default; no seed pins this rate")
    agency_gain: Unit = unit(0.04, "Monthly agency growth while engaged.", plausible=(0.02, 0.06), why="hand-set: half to one and a half times the default; no seed pins this rate")
    agency_decay: Unit = unit(0.02, "Monthly relaxation of agency toward its initial value.", plausible=(0.01, 0.03), why="hand-set: half to one and a half times the default; no seed pins this rate")
    threshold_sensitivity: Unit = unit(
        0.6, "How much readiness (mean of purpose, agency, trust) lowers a threshold.", plausible=(0.3, 0.9), why="hand-set: half to one and a half times the default; no seed pins this rate")
    min_support: float = Field(
        0.5, ge=0.0, le=20.0, description="Minimum weighted count of engaged ties to engage (reinforcement).",
        json_schema_extra=plausible_field(0.25, 0.75, "hand-set: half to one and a half times the default"),
    )
    engage_probability: Unit = unit(0.3, "Monthly chance that a supported agent engages.", plausible=(0.15, 0.45), why="hand-set: half to one and a half times the default; no seed pins this rate")
    disengage_probability: Unit = unit(0.1, "Monthly chance that an unsupported engaged agent drops out.", plausible=(0.05, 0.15), why="hand-set: half to one and a half times the default; no seed pins this rate")
    hysteresis: Unit = unit(0.1, "Engaged agents stay supported down to threshold minus this.", plausible=(0.05, 0.15), why="hand-set: half to one and a half times the default; no seed pins this rate")
    commitment_level: Unit = unit(
        0.75, "Purpose at and above which an agent is engaged whatever its neighbours do.", plausible=(0.375, 1.0), why="hand-set: half to one and a half times the default; no seed pins this rate")
    practice_gain: Unit = unit(0.03, "Monthly practice growth of an engaged teacher.", plausible=(0.015, 0.045), why="hand-set: half to one and a half times the default; no seed pins this rate")
    peer_learning_rate: Unit = unit(
        0.15, "Practice gain per unit of visible learning advantage of trusted peers (seed 003).", plausible=(0.075, 0.225), why="hand-set: half to one and a half times the default; no seed pins this rate")
    learning_lag_months: float = Field(
        12.0, ge=1.0, le=120.0, description="Months for learning to close most of the gap to practice.",
        json_schema_extra=plausible_field(3.0, 18.0, "hand-set: a school term to a year and a half"),
    )
    inertia: Unit = unit(
        0.04, "Monthly pull of practice and beliefs back to the old paradigm where nothing has shifted.", plausible=(0.02, 0.06), why="hand-set: half to one and a half times the default; no seed pins this rate")
    collective_trust_gain: Unit = unit(
        0.04, "Monthly trust growth of teachers in a teacher-led collective (per monthly meeting).", plausible=(0.02, 0.06), why="hand-set: half to one and a half times the default; no seed pins this rate")
    collective_purpose_gain: Unit = unit(
        0.1,
        "Monthly purpose growth of teachers in a teacher-led collective, scaled by their "
        "agency and the engaged share of their ties: making meaning together with engaged "
        "leaders builds a shared purpose (seeds 000, 003).", plausible=(0.05, 0.15), why="hand-set: half to one and a half times the default; no seed pins this rate")
    collective_agency_gain: Unit = unit(
        0.03, "Monthly agency growth of teachers in a teacher-led collective (per monthly meeting).", plausible=(0.015, 0.045), why="hand-set: half to one and a half times the default; no seed pins this rate")
    imposed_agency_cost: Unit = unit(
        0.02, "Monthly agency loss in an imposed collective (compliance, seed 003).", plausible=(0.01, 0.03), why="hand-set: half to one and a half times the default; no seed pins this rate")
    data_reflection_bonus: float = Field(
        1.0, ge=0.0, le=10.0,
        description="Extra peer learning when a teacher-led collective reflects on classroom data.",
        json_schema_extra=plausible_field(0.5, 1.5, "hand-set: half to one and a half times the default"),
    )
    collective_practice_gain: Unit = unit(
        0.1,
        "Monthly practice growth from learning together in a collective, scaled by the "
        "member's agency and trust (seed 003). Calibrated to Telangana's 1.6x.", plausible=(0.05, 0.15), why="hand-set: half to one and a half times the default; no seed pins this rate")
    coaching_purpose_ceiling: Unit = unit(
        0.6,
        "Purpose that coaching alone can build (below the commitment level): commitment "
        "comes from engaging with others, not from training.", plausible=(0.3, 0.9), why="hand-set: half to one and a half times the default; no seed pins this rate")
    coaching_gain: Unit = unit(
        0.04, "Monthly growth of purpose, capacity and practice per unit of coaching intensity.", plausible=(0.02, 0.06), why="hand-set: half to one and a half times the default; no seed pins this rate")
    rules_rate: Unit = unit(0.05, "Monthly growth of district rules while officials are engaged.", plausible=(0.025, 0.075), why="hand-set: half to one and a half times the default; no seed pins this rate")
    rules_decay: Unit = unit(0.01, "Monthly decay of district rules while officials are not engaged.", plausible=(0.005, 0.015), why="hand-set: half to one and a half times the default; no seed pins this rate")
    rules_quorum: Unit = unit(0.5, "Share of officials engaged needed to change district rules.", plausible=(0.25, 0.75), why="hand-set: half to one and a half times the default; no seed pins this rate")
    rules_threshold_relief: Unit = unit(
        0.4, "How much fully shifted rules lower everyone's engagement thresholds.", plausible=(0.2, 0.6), why="hand-set: half to one and a half times the default; no seed pins this rate")


class RoleMix(Strict):
    """Where alumni go after the fellowship (Teach For India: 60/30/10, seed 000)."""

    direct: Unit = unit(0.6, "Share of alumni in direct-impact roles (teaching, school leadership).")
    enabler: Unit = unit(0.3, "Share in transformational-enabler roles (NGOs, community).")
    policy: Unit = unit(0.1, "Share in policy and governance roles.")

    @model_validator(mode="after")
    def _sums_to_one(self) -> RoleMix:
        total = self.direct + self.enabler + self.policy
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"role shares must sum to 1; found {total:g}")
        return self


ClusterId = Annotated[int, Field(ge=0, le=10_000_000)]


class Recruit(Schedule):
    """Strategy 1: recruit a diverse pipeline of fellows (seed 000)."""

    DEFAULT_END: ClassVar[float] = 8.0

    cohort_size: int = Field(0, ge=0, le=100000, description="Fellows recruited a year.")
    end_year: float = Field(
        8.0,
        ge=0.0,
        le=100.0,
        description="Year recruitment stops, exclusive (unset: the programme's end, else 8).",
    )
    selection_purpose: Unit = unit(0.7, "Mean purpose of recruits (selection for purpose).")
    selection_capacity: Unit = unit(0.55, "Mean leadership capacity of recruits.")
    local_share: Unit = unit(0.3, "Share of recruits rooted in the communities they serve.")
    placement: Literal["clustered", "spread"] = Field(
        "clustered", description="Place fellows in a few clusters, or spread across all."
    )
    placement_clusters: Annotated[int, Field(ge=1, le=100000)] | list[ClusterId] = Field(
        3,
        description="Clusters that receive fellows when placement is clustered: a number "
        "(that many clusters drawn at random), or a list naming them by number (0 is the "
        "first cluster; clusters are numbered district by district, as in the output tables).",
    )
    placement_districts: Annotated[int, Field(ge=0, le=100000)] | list[ClusterId] = Field(
        0,
        description="If not 0 and placement is clustered: place fellows across every "
        "cluster of these districts instead, given as a number (that many districts drawn "
        "at random) or a list naming them (0 is the first district).",
    )

    @model_validator(mode="after")
    def _named_places(self) -> Recruit:
        for name in ("placement_clusters", "placement_districts"):
            value = getattr(self, name)
            if isinstance(value, list):
                if not value:
                    raise ValueError(f"{name} must name at least one place; found []")
                if len(set(value)) != len(value):
                    raise ValueError(f"{name} names a place twice; found {value}")
        return self
    fellowship_months: int = Field(24, ge=1, le=120, description="Length of the fellowship.")
    retention: Unit = unit(0.9, "Share of fellows and alumni still in the system after a year.")
    role_mix: RoleMix = Field(default_factory=RoleMix, description="Alumni role mix.")


class Develop(Schedule):
    """Strategy 2: develop purpose and capacity (seed 000; Puebla case)."""

    fellow_coaching: Unit = unit(0.0, "Coaching intensity for fellows.")
    teacher_coaching: Unit = unit(0.0, "Development of teachers in schools with fellows or direct-impact alumni.")
    principal_development: Unit = unit(0.0, "Development of principals in schools with fellows or direct-impact alumni.")
    parent_development: Unit = unit(0.0, "Development of parents in schools with fellows or direct-impact alumni.")
    alumni_leadership: Unit = unit(0.0, "Leadership programme intensity for alumni.")


class Connect(Schedule):
    """Strategy 3: connect alumni with each other, with system actors and communities."""

    alumni_gatherings_per_year: int = Field(0, ge=0, le=52, description="Alumni gatherings a year.")
    bridging: Unit = unit(0.0, "Strength of bridging ties from alumni to principals and officials.")
    community: Unit = unit(0.0, "Strength of community-engagement ties from fellows/alumni to parents.")


class Collectives(Schedule):
    """Teacher collectives meeting in clusters (seed 003)."""

    mode: Literal["none", "teacher_led", "imposed"] = Field(
        "none", description="Who runs the collectives: teachers, or imposed from the top."
    )
    meetings_per_year: int = Field(12, ge=0, le=52, description="Meetings a year (seed 003: monthly).")
    with_data: bool = Field(True, description="Teachers reflect on classroom data together.")
    clusters: Literal["all", "with_fellows"] | int = Field(
        "all", description="Which clusters convene: all, those with fellows, or the first N."
    )


class Convenings(Schedule):
    """Cross-stakeholder convenings in each district (seed 000: convene)."""

    per_year: int = Field(0, ge=0, le=52, description="Convenings a year in each district.")
    participants: int = Field(30, ge=2, le=10000, description="People at one convening.")
    roles: list[Literal["teacher", "principal", "parent", "fellow", "alumnus", "official"]] = Field(
        default_factory=lambda: ["principal", "official", "alumnus", "parent", "teacher"],
        description="Roles invited.",
    )


class Convene(Strict):
    """Strategy 4: convene actors to build shared purpose and learn together."""

    collectives: Collectives = Field(default_factory=Collectives, description="Teacher collectives.")
    convenings: Convenings = Field(
        default_factory=Convenings, description="Cross-stakeholder convenings."
    )


class Technical(Schedule):
    """A technical programme: practice and resources, no purpose, trust or agency."""

    DEFAULT_END: ClassVar[float] = 3.0

    practice_push: Unit = unit(0.0, "Monthly push of classroom practice toward the new practice.")
    resources: Unit = unit(0.0, "Extra learning from materials and resources while it runs.")
    end_year: float = Field(
        3.0,
        ge=0.0,
        le=100.0,
        description="Year the programme stops (unset: the programme-wide end, else 3).",
    )


#: Dotted paths of every strategy schedule, in the order ``validate --explain`` lists them.
SCHEDULE_SECTIONS: tuple[str, ...] = (
    "recruit",
    "develop",
    "connect",
    "convene.collectives",
    "convene.convenings",
    "technical",
)


class ScenarioModel(Strict):
    """A whole scenario: system, population, dynamics and the four strategies."""

    meta: Meta = Field(default_factory=Meta, description="Name, description, length.")
    programme: Programme = Field(
        default_factory=Programme,
        description="Programme-wide schedule every strategy follows unless it sets its own.",
    )
    system: System = Field(default_factory=System, description="System size and shape.")
    network: Network = Field(default_factory=Network, description="Tie layers.")
    population: Population = Field(default_factory=Population, description="Initial attributes.")
    dynamics: Dynamics = Field(default_factory=Dynamics, description="Process rates.")
    recruit: Recruit = Field(default_factory=Recruit, description="Recruitment strategy.")
    develop: Develop = Field(default_factory=Develop, description="Development strategy.")
    connect: Connect = Field(default_factory=Connect, description="Connection strategy.")
    convene: Convene = Field(default_factory=Convene, description="Convening strategy.")
    technical: Technical = Field(default_factory=Technical, description="Technical programme.")

    @model_validator(mode="before")
    @classmethod
    def _programme_schedule(cls, data: Any) -> Any:
        """Give the programme's years to every strategy schedule that sets none."""
        if not isinstance(data, dict) or not isinstance(data.get("programme"), dict):
            return data
        programme = data["programme"]
        given = {k: programme.get(k) for k in _YEAR_KEYS if programme.get(k) is not None}
        if not given:
            return data
        data = dict(data)
        for path in SCHEDULE_SECTIONS:
            parent = data
            keys = path.split(".")
            for key in keys[:-1]:
                node = parent.get(key)
                if node is None:
                    node = {}
                if not isinstance(node, dict):
                    break  # a malformed section: its own validation reports it
                parent[key] = node = dict(node)
                parent = node
            else:
                section = parent.get(keys[-1])
                if section is None:
                    section = {}
                if not isinstance(section, dict):
                    continue
                section = dict(section)
                for name, value in given.items():
                    if section.get(name) is None and isinstance(value, int | float):
                        section[name] = _FromProgramme(value)
                parent[keys[-1]] = section
        return data

    @model_validator(mode="after")
    def _places_exist(self) -> ScenarioModel:
        n_districts = self.system.districts
        n_clusters = n_districts * self.system.clusters_per_district
        for name, limit, what in (
            ("placement_clusters", n_clusters, "clusters"),
            ("placement_districts", n_districts, "districts"),
        ):
            value = getattr(self.recruit, name)
            if isinstance(value, list):
                bad = [v for v in value if v >= limit]
                if bad:
                    raise ValueError(
                        f"recruit.{name} names {what} {bad} but the system has {limit} "
                        f"{what}, numbered 0 to {limit - 1}"
                    )
        return self

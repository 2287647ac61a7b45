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
    "Mechanisms",
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


def ranged(default: float, ge: float, le: float, description: str, plausible: tuple[float, float], why: str):
    """A bounded number with a plausible range and its reason."""
    return Field(default, ge=ge, le=le, description=description, json_schema_extra=plausible_field(*plausible, why))


class System(Strict):
    """Size and shape of the education system (seed 003: a cluster is 15-20 schools).

    Officials sit in a three-level hierarchy (seed 002: roles and reach; seed 003:
    block, district and state administrations): block (cluster) resource persons, district
    officials, and a small state department above all districts.
    """

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
        3, ge=0, le=200, description="District officials per district."
    )
    state_officials: int = Field(
        4, ge=0, le=500, description="State-level officials above all districts (a state education department)."
    )
    students_per_classroom: int = Field(
        35, ge=1, le=200, description="Students in a classroom (for students-reached counts)."
    )


class Network(Strict):
    """Tie layers and their weights (seed 000: relationships, networks, trust)."""

    cluster_ties_per_teacher: int = Field(
        2, ge=0, le=50, description="Ties from each teacher and fellow to random teachers of its cluster (any school, drawn with replacement).", json_schema_extra=plausible_field(1, 4, 'ties to teachers of other schools of the cluster: judgement'))
    principal_ties: int = Field(
        3, ge=0, le=50, description="Ties from each principal to random principals of its cluster (drawn with replacement).", json_schema_extra=plausible_field(2, 5, "head teachers' cluster meetings: judgement"))
    principal_cross_cluster_ties: int = Field(
        1, ge=0, le=50,
        description="Ties from each principal to random principals of the two neighbouring clusters of its district "
        "(clusters of a district are neighbours on a ring: block-level meetings of head teachers).", json_schema_extra=plausible_field(0, 3, "head teachers' block meetings across clusters: judgement"))
    parent_ties: int = Field(
        2, ge=0, le=50, description="Ties from each parent to teachers of its school (plus one to its principal and one to another parent).", json_schema_extra=plausible_field(1, 3, 'judgement'))
    official_peer_ties: int = Field(
        2, ge=0, le=50, description="Ties from each block official to other block officials of its district.", json_schema_extra=plausible_field(1, 4, "block officials' peer meetings: judgement"))
    alumni_ties_per_fellow: int = Field(
        4, ge=0, le=100, description="Alumni-network ties from each fellow to other fellows/alumni of its district.", json_schema_extra=plausible_field(2, 8, 'an alumni network of a few close colleagues each: judgement'))
    bridging_ties_per_alumnus: int = Field(
        3, ge=0, le=100, description="Bridging ties an alumnus can form to principals of its cluster and a neighbouring cluster, plus one to a cluster official (gated by connect).", json_schema_extra=plausible_field(1, 5, 'seed 002: ties between leaders and others; judgement'))
    collective_ties_per_teacher: int = Field(
        6, ge=0, le=100, description="Ties a teacher forms inside its cluster's teacher collective when it meets.", json_schema_extra=plausible_field(3, 10, 'seed 003: working ties formed in a cluster collective; judgement'))
    school_weight: float = Field(1.0, ge=0.0, le=10.0, description="Weight of ties within a school.")
    cluster_weight: float = Field(0.6, ge=0.0, le=10.0, description="Weight of teacher ties across a cluster.", json_schema_extra=plausible_field(0.4, 0.8, 'a cluster tie counts less than a school tie: judgement'))
    parent_weight: float = Field(0.5, ge=0.0, le=10.0, description="Weight of school-parent ties.", json_schema_extra=plausible_field(0.3, 0.7, 'judgement'))
    oversight_weight: float = Field(0.8, ge=0.0, le=10.0, description="Weight of officials' ties (oversight and peers).", json_schema_extra=plausible_field(0.6, 1.0, 'judgement'))
    alumni_base_weight: float = Field(
        0.3, ge=0.0, le=10.0, description="Weight of alumni-network ties without a connect strategy.", json_schema_extra=plausible_field(0.15, 0.45, 'an alumni network with no connect strategy: judgement'))


_JUDGEMENT = "hand-set; no seed gives this rate: a range a reviewer would still accept"


class Population(Strict):
    """Initial attributes by role: means of Beta-distributed values in [0, 1]."""

    purpose_local: Unit = unit(
        0.30, "Mean initial purpose of teachers, principals, parents, officials.",
        (0.2, 0.4), "the old paradigm: few believe all students can thrive (seed 000); below the leader level 0.5",
    )
    trust_local: Unit = unit(
        0.35, "Mean initial trust of local actors.", (0.25, 0.45),
        "low-trust hierarchical systems (seed 000: relationships and trust must be built)",
    )
    agency_local: Unit = unit(
        0.30, "Mean initial agency of local actors.", (0.2, 0.4),
        "compliance cultures (seed 003: teachers wait for instructions)",
    )
    capacity_local: Unit = unit(0.35, "Mean initial leadership capacity of local actors.", (0.25, 0.45), 'leadership capacity of an average local educator: judgement')
    purpose_driven_share: Unit = unit(
        0.02,
        "Share of local teachers and principals who start purpose-driven (purpose near 0.85): "
        "the few who change first (seed 003).",
        (0.01, 0.04), "seed 003: 'only a few teachers begin this journey'; a few per hundred",
    )
    attribute_concentration: float = Field(
        12.0, ge=1.0, le=1000.0, description="Beta concentration (a+b): larger means less spread.", json_schema_extra=plausible_field(8.0, 20.0, 'Beta concentration: attribute sd of about 0.09-0.15 around the means'))
    threshold_mean: Unit = unit(
        0.40, "Mean base engagement threshold (share of engaged ties).", (0.3, 0.5),
        "Granovetter/Watts thresholds; Centola et al. 2018 put conventions' tipping near 0.25 of a group",
    )
    threshold_sd: float = ranged(
        0.12, 0.0, 0.5, "Spread of base thresholds.", (0.08, 0.16),
        "heterogeneous thresholds (Granovetter 1978); wide enough for early adopters, not so wide that everyone is one",
    )
    baseline_practice: Unit = unit(0.30, "Initial classroom practice (old paradigm level).", (0.2, 0.4), 'the old practice on the practice scale: judgement (sets where learning starts)')
    baseline_learning: Unit = unit(
        0.40, "Mean initial share of students at grade level (brief: 6 in 10 cannot read by age 10).",
        (0.3, 0.45), "the brief's 0.4; Telangana's Grade 5 baseline is uncertain within 0.30-0.45 (issue 13)",
    )
    learning_ceiling: Unit = unit(
        0.80, "Share at grade level in a classroom of average context when practice is fully transformed.",
        (0.7, 0.9), "high-performing systems reach 0.8-0.9 at grade level; the seeds give no ceiling",
    )
    school_context_sd: float = ranged(
        0.15, 0.0, 0.5,
        "Spread (sd) of schools' learning potential (student context): a school's baseline and ceiling are "
        "the population values times a factor with mean 1 and this sd.",
        (0.08, 0.25), "school means differ widely in LMIC assessments (between-school variance is large)",
    )
    classroom_context_sd: float = ranged(
        0.08, 0.0, 0.5, "Further spread of classrooms' learning potential within a school.",
        (0.04, 0.12), "within-school differences between classrooms, smaller than between schools",
    )
    reach_teacher: Unit = unit(0.3, "Reach of a teacher's role.", (0.2, 0.4), 'seed 002: reach of a role; judgement, below principals and officials')
    reach_principal: Unit = unit(0.6, "Reach of a principal.", (0.45, 0.75), "seed 002: a school leader's reach; judgement")
    reach_parent: Unit = unit(0.2, "Reach of a parent or community member.", (0.1, 0.3), "seed 002: community members' reach; judgement")
    reach_official: Unit = unit(0.9, "Reach of an official.", (0.75, 1.0), "seed 002: officials' reach across schools; judgement")
    reach_fellow: Unit = unit(0.35, "Reach of a fellow during the fellowship.", (0.25, 0.45), "seed 002: a fellow's reach in the classroom and school; judgement")
    reach_alumni_direct: Unit = unit(0.45, "Reach of an alumnus in a direct-impact role.", (0.35, 0.55), 'seed 002: alumni in direct-impact roles; judgement')
    reach_alumni_enabler: Unit = unit(0.65, "Reach of an alumnus in a transformational-enabler role.", (0.5, 0.8), 'seed 002: transformational enablers; judgement')
    reach_alumni_policy: Unit = unit(0.9, "Reach of an alumnus in a policy role.", (0.75, 1.0), 'seed 002: alumni in policy roles; judgement')
    rootedness_local: Unit = unit(0.8, "Local rootedness of teachers, principals, parents.", (0.65, 0.95), 'seed 002: representation of the communities served; judgement')
    rootedness_fellow_local: Unit = unit(0.8, "Rootedness of a fellow recruited locally.", (0.65, 0.95), 'seed 002: locally recruited fellows; judgement')
    rootedness_fellow_other: Unit = unit(0.3, "Rootedness of a fellow from outside the community.", (0.15, 0.45), 'seed 002: fellows from outside the community; judgement')
    trust_fellow: Unit = unit(0.5, "Mean initial trust of a fellow.", (0.4, 0.6), "fellows arrive with more trust than the old paradigm's 0.35: judgement")
    agency_fellow: Unit = unit(0.6, "Mean initial agency of a fellow.", (0.5, 0.7), 'selection for agency (seed 000: purpose and potential): judgement')
    practice_fellow: Unit = unit(0.45, "Initial classroom practice of a fellow (trained in the new practice).", (0.35, 0.55), 'trained in the new practice before placement: judgement')


class Dynamics(Strict):
    """Rates of the monthly processes. See docs/ODD.md for the equations.

    Every rate is per month. Rates without a source in the seeds carry a plausible range
    that robustness analysis (``clsim robustness``) and calibration (``clsim calibrate``)
    vary over.
    """

    # -- beliefs -------------------------------------------------------------------
    influence_rate: Unit = unit(
        0.05, "Monthly pull of purpose toward trusted ties' mean purpose (DeGroot averaging).",
        (0.02, 0.1), _JUDGEMENT + "; beliefs shift over one to four years",
    )
    engaged_purpose_gain: Unit = unit(
        0.03, "Monthly purpose growth while engaged, scaled by the engaged share of one's ties "
        "(making meaning together, seed 000).",
        (0.015, 0.06), _JUDGEMENT,
    )
    purpose_erosion: Unit = unit(
        0.03, "Monthly relaxation of purpose toward its initial value where nothing sustains it "
        "(no engaged ties, no owned collective, no institutional support).",
        (0.015, 0.06), _JUDGEMENT + "; isolated reformers burn out within a few years",
    )
    evidence_purpose_gain: Unit = unit(
        0.3,
        "Purpose growth per unit of visible learning gain (one's own classroom's or trusted peers'): "
        "seeing students succeed shifts the belief that all students can thrive (seed 003).",
        (0.15, 0.5), _JUDGEMENT,
    )
    trust_gain: Unit = unit(
        0.06, "Monthly trust growth per unit share of engaged ties.", (0.03, 0.1), _JUDGEMENT,
    )
    trust_decay: Unit = unit(
        0.02, "Monthly relaxation of trust toward its initial value.", (0.01, 0.04), _JUDGEMENT,
    )
    agency_gain: Unit = unit(
        0.04, "Monthly agency growth while engaged.", (0.02, 0.08), _JUDGEMENT,
    )
    agency_decay: Unit = unit(
        0.02, "Monthly relaxation of agency toward its initial value.", (0.01, 0.04), _JUDGEMENT,
    )
    # -- engagement ----------------------------------------------------------------
    threshold_sensitivity: Unit = unit(
        0.6, "How much readiness (mean of purpose, agency, trust) lowers a threshold.",
        (0.4, 0.8), _JUDGEMENT,
    )
    min_support: float = ranged(
        0.5, 0.0, 20.0,
        "Minimum weighted count of engaged ties to engage (reinforcement, Centola & Macy 2007); "
        "0.5 is about three engaged colleagues of average capacity.",
        (0.3, 0.8), "complex contagion needs two to four reinforcing contacts (Centola 2010's experiments)",
    )
    engage_probability: Unit = unit(
        0.3, "Monthly chance that a supported agent engages.", (0.15, 0.5),
        "one to six months from support to taking part",
    )
    disengage_probability: Unit = unit(
        0.1, "Monthly chance that an unsupported engaged agent drops out.", (0.05, 0.2),
        "half a year to two years of hanging on without support",
    )
    burnout: Unit = unit(
        0.02, "Monthly chance that an engaged person steps back even while supported (workload, life "
        "events); they can rejoin.", (0.01, 0.04), _JUDGEMENT + "; a spell of engagement of two to eight years",
    )
    hysteresis: Unit = unit(
        0.1, "Engaged agents stay supported down to their threshold minus this.", (0.05, 0.15),
        _JUDGEMENT + "; staying is easier than starting",
    )
    commitment_level: Unit = unit(
        0.8, "Purpose at and above which an agent engages (and stays engaged) without social support: "
        "the purpose-driven leaders of seed 002. Purpose can erode below it.",
        (0.7, 0.9), "above the leader level 0.5 and the coaching ceiling; below the purpose-driven mean 0.85",
    )
    # -- practice and learning -----------------------------------------------------
    practice_gain: Unit = unit(
        0.04, "Monthly practice change of an engaged classroom holder toward its capacity's reach.",
        (0.02, 0.08), _JUDGEMENT,
    )
    peer_learning_rate: Unit = unit(
        0.15, "Practice change per unit of trusted peers' visible learning gain over one's own (seed 003).",
        (0.08, 0.3), _JUDGEMENT,
    )
    practice_trust_needed: Unit = unit(
        0.5,
        "Trust at which a teacher opens the classroom to new practice: practice change is gated by "
        "trust, rising from none at 0.1 below this to full at 0.1 above (seeds 000, 003: trust and "
        "relationships come before collaboration on practice).",
        (0.35, 0.55), "around the initial trust of fellows (0.5), above locals' (0.35): locals collaborate on practice once trust has grown; judgement",
    )
    learning_lag_months: float = ranged(
        6.0, 1.0, 120.0, "Months for learning to close most of the gap to what practice supports.",
        (3.0, 12.0), "a school term to a school year between a change of practice and measured learning",
    )
    inertia: Unit = unit(
        0.04, "Monthly pull of unengaged people's practice and purpose back to the old paradigm, "
        "damped by institutional support (systems adapt to superficial changes, seed 000).",
        (0.02, 0.08), _JUDGEMENT + "; a technical push fades within one to three years",
    )
    persuasion_ceiling: Unit = unit(
        0.5,
        "Purpose that coaching or seeing evidence of success can build on their own (below the "
        "commitment level): commitment comes from acting together with others (seed 000: shared "
        "meaning-making), not from training or being shown results.",
        (0.5, 0.7), "from the leader level 0.5 (the default: evidence and training make leaders, not committed ones) to well below the commitment level",
    )
    coaching_gain: Unit = unit(
        0.04, "Monthly growth of purpose, capacity and practice per unit of coaching intensity.",
        (0.02, 0.08), _JUDGEMENT,
    )
    # -- collectives ---------------------------------------------------------------
    collective_trust_gain: Unit = unit(
        0.04, "Monthly trust growth in a collective, per monthly meeting, times its ownership.",
        (0.02, 0.08), _JUDGEMENT,
    )
    collective_purpose_gain: Unit = unit(
        0.1,
        "Monthly purpose growth in a collective, times its ownership, its leadership (facilitation or "
        "engaged leaders) and the member's agency: making meaning together (seeds 000, 003).",
        (0.05, 0.2), _JUDGEMENT,
    )
    collective_agency_gain: Unit = unit(
        0.03, "Monthly agency growth in a collective, per monthly meeting, times its ownership.",
        (0.015, 0.06), _JUDGEMENT,
    )
    imposed_agency_cost: Unit = unit(
        0.02, "Monthly agency loss in a collective, per monthly meeting, times (1 - ownership): compliance "
        "with a structure imposed from the top (seed 003).",
        (0.01, 0.04), _JUDGEMENT,
    )
    collective_threshold_relief: Unit = unit(
        0.15, "How much taking part in a fully owned monthly collective lowers one's engagement threshold: "
        "a space to act together (seed 000's fourth characteristic; seed 003).",
        (0.05, 0.25), _JUDGEMENT,
    )
    collective_practice_gain: Unit = unit(
        0.1,
        "Monthly practice change from learning together in a collective, times its ownership, "
        "(1 + maturity) / 2 and the member's trust gate (seed 003: share experience, plan, build tools).",
        (0.05, 0.15), _JUDGEMENT,
    )
    data_reflection_bonus: float = ranged(
        1.0, 0.0, 10.0,
        "Extra visibility of peers' success when a collective reflects on classroom data, times its "
        "ownership (data for learning, not for accountability; seed 003).",
        (0.5, 2.0), _JUDGEMENT,
    )
    collective_maturity_months: float = ranged(
        36.0, 1.0, 240.0, "Months a fully owned collective takes to mature (seed 003: about three years).",
        (24.0, 48.0), "seed 003: collectives mature in about three years",
    )
    collective_quorum: Unit = unit(
        0.25, "Engaged share of a cluster's teachers and principals at which its collective is fully led "
        "by its own leaders and a self-organised collective can form; below half of it one fades "
        "(seed 003: a few teachers change first).",
        (0.15, 0.35), _JUDGEMENT + "; a committed minority of a quarter tips a group's convention (Centola et al. 2018)",
    )
    collective_core: Unit = unit(
        0.3, "Part of the quorum that must be engaged (or lent by bridges) before a collective's own "
        "leadership counts at all: a core group that leads (seed 003: 'a few teachers begin').",
        (0.15, 0.45), _JUDGEMENT,
    )
    collective_formation_rate: Unit = unit(
        0.1, "Monthly chance that a ready cluster forms a collective, per unit of exposure to mature owned "
        "collectives of clusters it is tied to (seed 003: from 2 clusters in 2005 to 1,700).",
        (0.04, 0.2), _JUDGEMENT + "; 2 to 1,700 clusters in about 15 years is a doubling every 1.5 years",
    )
    collective_fade_rate: Unit = unit(
        0.05, "Monthly chance that a self-organised or mandated collective without enough engaged members "
        "(or support) stops meeting.", (0.02, 0.1), _JUDGEMENT,
    )
    ownership_rate: Unit = unit(
        0.05, "Monthly relaxation of a collective's ownership toward its target (1 for teacher-led, the "
        "engaged share of members for one mandated from the top, 0 for imposed).",
        (0.02, 0.1), _JUDGEMENT,
    )
    mandate_rate: Unit = unit(
        0.04, "Monthly chance, per unit of district support, that the administration sets up (or takes "
        "over) a cluster's collective (seed 003: administrations scale collectives).",
        (0.02, 0.08), _JUDGEMENT,
    )
    # -- institutional support -----------------------------------------------------
    support_rate: Unit = unit(
        0.03, "Monthly relaxation of a district's support toward the engaged share of its officials "
        "(block and district, and the state's support).",
        (0.015, 0.06), _JUDGEMENT + "; administrations turn over a few years",
    )
    support_threshold_relief: Unit = unit(
        0.3, "How much full institutional support lowers everyone's engagement thresholds (permission to lead).",
        (0.15, 0.45), _JUDGEMENT,
    )
    # -- people come and go ------------------------------------------------------------
    teacher_turnover: Unit = unit(
        0.08, "Share of local teachers who leave a school in a year (replaced by new teachers with baseline attributes).",
        (0.04, 0.15), "teacher attrition and transfers of 5-15% a year in public systems",
    )
    principal_turnover: Unit = unit(
        0.15, "Share of principals who rotate out in a year.", (0.1, 0.25),
        "head teachers transfer every four to ten years",
    )
    official_turnover: Unit = unit(
        0.3, "Share of officials (block, district, state) who rotate out in a year.", (0.2, 0.45),
        "administrators rotate every two to five years",
    )
    parent_turnover: Unit = unit(
        0.15, "Share of parents and community members modelled who change in a year (children move on).",
        (0.1, 0.25), "a child spends five to eight years in a school",
    )


class Mechanisms(Strict):
    """Switches for each feedback: a knock-out turns one mechanism off (pattern counters, studies).

    All are on by default. Turning one off changes nothing else: the processes skip that
    term, so a study can ask which mechanisms a tipping point needs.
    """

    contagion: bool = Field(True, description="Engagement responds to engaged ties (the threshold rule).")
    reinforcement: bool = Field(
        True, description="Reinforcement: engaging needs a weighted count of engaged ties (complex contagion) and a "
        "collective needs a core of leaders; off: the share alone, and leadership from the first engaged person."
    )
    commitment: bool = Field(
        True, description="Purpose-driven people (purpose at the commitment level) engage without social support."
    )
    peer_learning: bool = Field(
        True, description="Peers' visible learning gains move practice and purpose (seed 003)."
    )
    trust_gate: bool = Field(
        True, description="Practice change needs trust; off: practice changes at full rate whatever one's trust."
    )
    collectives_spread: bool = Field(
        True, description="Clusters form their own collectives by example of mature ones they are tied to."
    )
    ownership: bool = Field(
        True, description="A collective's effects depend on teachers' ownership of it; off: every collective works as if teacher-led."
    )
    collective_learning: bool = Field(
        True, description="Members of a collective learn practice together (seed 003: share, plan, build tools)."
    )
    institutional_support: bool = Field(
        True, description="Engaged officials build district support (threshold relief, damped inertia, mandated collectives)."
    )
    alumni_bridging: bool = Field(
        True, description="Alumni bridge schools, clusters and offices (bridging, enabler and policy ties)."
    )
    inertia: bool = Field(True, description="Unengaged people's practice and purpose are pulled back to the old paradigm.")
    turnover: bool = Field(True, description="Local teachers, principals, officials and parents come and go.")


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
    facilitation: Unit = unit(
        0.0,
        "How far an outside organisation facilitates the programme's collectives every month (seed 003: "
        "India Education Collective and Cluster Resource Coordinators facilitate; 0: the collectives rely "
        "on the leaders engaged in the cluster, such as fellows).",
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
    mechanisms: Mechanisms = Field(default_factory=Mechanisms, description="Mechanism switches (knock-outs).")

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

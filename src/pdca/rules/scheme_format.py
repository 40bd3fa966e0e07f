"""The scheme file format, declared once (docs/schemes.md is tested against it).

Every table of a ``workflows/*.toml`` file is a ``msgspec.Struct`` below; a key not
declared here is refused, each value is checked against its type and constraints by
msgspec (``scheme_check`` walks the file so that every problem is reported at once,
in Chinese, with its key path). Three things follow from the types:

- booleans are TOML booleans (``trim = "false"`` is a string, and was once read as true);
- figures are decimals written as TOML strings (``"2.5"``) or integers, never floats,
  and at most 9 integer and 6 decimal places, so no figure can overflow a rounding step;
- ``precision`` is a power of ten from ``"1"`` to ``"0.0001"``.

Lengths match the read models' columns (an id lands in a ``String(40)`` grade or tier
column, a scheme reference in ``String(200)``): PostgreSQL refuses a longer value for
good, SQLite never does.

Imported only to check a file or to read a cycle's scoring rules: moving a cycle
through its stages (``cycle status``/``advance``) reads its pinned workflow without it.
"""

# No ``from __future__ import annotations`` here: msgspec would evaluate every string
# annotation again for each table on first use (~15 ms, measured), which ``explain`` pays.
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

FORMAT = Literal[1, 2, 3]
PHASE = Literal["plan", "do", "check", "act", "closed"]
ITEM_RULE = Literal["direct", "per_occurrence", "banded", "ratio_to_best", "opinion", "carried"]
ITEM_KIND = Literal["quantitative", "qualitative", "unstated"]
SOURCE = Literal["ballots", "ledger", "tasks", "items", "periods"]
#: The sub-periods of a year a ``source = "periods"`` component rolls up (format 3).
SUBPERIOD = Literal["Q1", "Q2", "Q3", "Q4", "H1", "H2"]
MISSING = Literal["zero", "reweight", "refuse"]
ROUND_AT = Literal["total", "component"]
SCOPE = Literal["round", "category"]
VETO_EFFECT = Literal["force_grade", "cap_grade"]
QUOTA_ROUNDING = Literal["floor", "half_up", "ceil"]
RATERS = Literal["units", "grids"]
#: The unit's own steps (format 3): 自查/自评, 重点目标申报, 述职报告.
STEP_KIND = Literal["self_assessment", "declaration", "report"]

#: The four ways 吉林 checks a unit all year (平时调研、督查、暗访; 交叉互检).
LEDGER_SOURCES = ("暗访", "督查", "调研", "互检")

Figure = Annotated[
    Annotated[int, Meta(ge=-999_999_999, le=999_999_999)]
    | Annotated[str, Meta(pattern=r"^-?[0-9]{1,9}(\.[0-9]{1,6})?$")],
    Meta(description='必须是写成字符串的小数，如 "2.5"、"-10"（至多 9 位整数、6 位小数）'),
]
Precision = Annotated[
    str,
    Meta(
        pattern=r"^(1|0\.1|0\.01|0\.001|0\.0001)$",
        description='必须是 "1"、"0.1"、"0.01"、"0.001" 或 "0.0001" 之一（四舍五入的单位）',
    ),
]
Id = Annotated[
    str,
    Meta(
        min_length=1, max_length=40, pattern=r"^\S+$", description="必须是不含空白的标识（1–40 字）"
    ),
]
SchemeKey = Annotated[
    str,
    Meta(
        min_length=1, max_length=64, pattern=r"^\S+$", description="必须是不含空白的标识（1–64 字）"
    ),
]
StageRef = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=100,
        pattern=r"^\S+$",
        description="必须是阶段名（如 check 或 check.on_site）",
    ),
]
StageName = Annotated[
    str, Meta(min_length=1, max_length=100, description="必须是阶段名（如 check 或 check.on_site）")
]
Label = Annotated[
    str,
    Meta(
        min_length=1, max_length=200, pattern=r"\S", description="必须是非空字符串（至多 200 字）"
    ),
]
Note = Annotated[str, Meta(max_length=500, description="必须是字符串（至多 500 字）")]
Word = Annotated[
    str,
    Meta(min_length=1, max_length=40, pattern=r"\S", description="必须是非空字符串（至多 40 字）"),
]
#: What a sub-stage lets be recorded (format 3): a kind of fact, a ballot group's ballots
#: (``ballots:leaders``) or the scores of one component's items (``scores:report_review``).
RecordKind = Annotated[
    str,
    Meta(
        pattern=r"^(scores|ballots|findings|vetoes|not_applicable|steps)(:\S{1,40})?$",
        description=(
            "必须是 scores、ballots、findings、vetoes、not_applicable、steps 之一，"
            "可加 :组成部分、:测评组 或 :单位步骤（如 ballots:leaders、steps:self_check）"
        ),
    ),
]
Count = Annotated[int, Meta(ge=0, le=100_000, description="必须是 0–100000 的整数")]
Quorum = Annotated[int, Meta(ge=1, le=100_000, description="必须是 1–100000 的整数（张）")]
NearDays = Annotated[int, Meta(ge=0, le=3650, description="必须是 0–3650 的整数（天）")]
AfterDays = Annotated[int, Meta(ge=1, le=36_500, description="必须是 1–36500 的整数（逾期天数）")]


class Table(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """A TOML table: only the declared keys."""


# ---- [scheme] and [workflow] -------------------------------------------------------------


class SchemeMeta(Table, kw_only=True):
    id: SchemeKey
    version: SchemeKey
    name: Label
    source: Note = ""


class Substage(Table, kw_only=True):
    id: Id
    label: Label | None = None
    #: Format 3: the facts this sub-stage lets be recorded (absent: all its phase allows).
    records: list[RecordKind] | None = None
    #: Format 3: the move out of this sub-stage (结果审定) must be made by someone whose
    #: teams do not cover the unit (not its own 考核组).
    approver_outside_team: bool = False


class StageEntry(Table, kw_only=True):
    id: PHASE
    label: Label | None = None
    substages: list[Substage] = []


class TriggerEntry(Table, kw_only=True):
    name: Id
    label: Label | None = None
    # Not StageRef | list[…]: msgspec 0.22 crashes the interpreter converting to a union
    # of a pattern-checked string and an array (a reference-count bug, seen here); the
    # stage a name refers to is checked when the workflow is built.
    source: StageName | list[StageRef]
    dest: StageRef
    guards: list[Id] = []


class Workflow(Table, kw_only=True):
    initial: StageRef = "plan"
    stages: list[StageEntry]
    triggers: list[TriggerEntry]


# ---- scoring -----------------------------------------------------------------------------


class Scoring(Table, kw_only=True):
    scale: Figure = "100"
    precision: Precision = "0.01"
    round_at: ROUND_AT = "total"
    rank_by: SCOPE = "round"
    tie_break: list[Word] = []
    missing: MISSING = "zero"


class PointEntry(Table, kw_only=True):
    """A scoring point (采分点) of a catalogue item or of a ballot item; scored from
    format 3 on (before, a catalogue item's points were only shown)."""

    id: Id
    label: Label | None = None
    max: Figure


class ItemEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    max: Figure
    kind: ITEM_KIND = "quantitative"
    rule: ITEM_RULE = "direct"
    required: Figure | None = None
    per: Figure | None = None
    threshold: Figure = "100"
    band: Figure = "10"
    points: list[PointEntry] = []
    #: ``rule = "opinion"`` (format 3): the opinion recorded → the item's points.
    opinions: dict[Word, Figure] = {}
    #: Format 3: the item's points count only once the unit has taken this step of
    #: ``[[unit_steps]]`` (and it was approved where it needs approval): 南通's 创新目标
    #: counts only if declared and approved.
    requires_step: Id | None = None


class CategoryEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    max: Figure | None = None
    bonus: bool = False
    #: Format 3: the area (大重点) the category belongs to, and how many items the
    #: source document says it has.
    area: Id | None = None
    declared_items: Count | None = None
    items: list[ItemEntry] = []


class AreaEntry(Table, kw_only=True):
    """Format 3: a level above the categories (甘肃's 4 大重点 over its 16 类)."""

    id: Id
    label: Label | None = None
    declared_categories: Count | None = None
    declared_items: Count | None = None
    #: How many 采分点 the source says the area's items hold (达州: 17 项 56 个指标).
    declared_points: Count | None = None


class Catalog(Table, kw_only=True):
    declared_items: Count | None = None
    declared_quantitative: Count | None = None
    declared_qualitative: Count | None = None
    declared_areas: Count | None = None
    declared_categories: Count | None = None
    areas: list[AreaEntry] = []
    categories: list[CategoryEntry] = []


class ComponentEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    weight: Figure
    source: SOURCE = "items"
    missing: MISSING | None = None
    categories: list[Id] = []
    #: ``source = "periods"`` (format 3): the quarters or half-years of the same unit
    #: whose published totals roll up into its year (达州's 履职指数).
    periods: list[SUBPERIOD] = []


class GroupEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    weight: Figure
    #: Format 3: the group's ballots are issued to rater units (分片互评) or rater grids,
    #: never to the unit (or a grid holding the unit) they score.
    raters: RATERS | None = None


class BallotItemEntry(Table, kw_only=True):
    """An item of the ballot; with ``points`` (format 3) a ballot gives each point."""

    id: Id
    label: Label | None = None
    max: Figure
    points: list[PointEntry] = []


class BallotTable(Table, kw_only=True):
    max: Figure = "100"
    trim: bool = False
    quorum: Quorum = 1
    masses_group: Id | None = None
    masses_min_share: Figure = "0"
    items: list[BallotItemEntry] = []
    groups: list[GroupEntry] = []


class IndicatorEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    max: Figure = "0"
    min_points: Figure | None = None
    max_points: Figure = "0"
    per_open_carried: Figure = "0"


class LedgerTable(Table, kw_only=True):
    sources: list[Word] = msgspec.field(default_factory=lambda: list(LEDGER_SOURCES))
    indicators: list[IndicatorEntry] = []


class TasksTable(Table, kw_only=True):
    quality: dict[Word, Figure] = {}


class Adjustments(Table, kw_only=True):
    bonus_cap: Figure = "0"
    deduction_cap: Figure | None = None


class VetoEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    effect: VETO_EFFECT = "force_grade"
    grade: Id
    auto_indicator: Id | None = None


class GradeEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    min: Figure


class QuotaEntry(Table, kw_only=True):
    grades: list[Id]
    max_share: Figure
    rounding: QUOTA_ROUNDING = "floor"


class Distribution(Table, kw_only=True):
    scope: SCOPE = "round"
    quotas: list[QuotaEntry] = []


class TierEntry(Table, kw_only=True):
    id: Id
    label: Label | None = None
    top_share: Figure | None = None
    min: Figure | None = None


class ConversionEntry(Table, kw_only=True):
    """Format 3: the published score converted into another assessment's points (吉林:
    the 党建 score is 10 of 100 绩效考评 points of a 党群部门, 3 of a 政府部门)."""

    id: Id
    label: Label | None = None
    #: Unit category → the points the full ``scale`` is worth there.
    by_category: dict[Word, Figure]
    #: The conversion's own rounding step (half-up, once, from the unrounded total).
    precision: Precision = "0.001"


class ConsequenceEntry(Table, kw_only=True):
    """Format 3: what a result brings (考用结合), recorded for each unit it applies to when
    the round is finalised. Every condition given must hold; ``years`` > 1 makes it a
    rule across years (the condition held in each of the last ``years`` years)."""

    id: Id
    label: Label | None = None
    grades: list[Id] = []
    tiers: list[Id] = []
    #: Ranked among the last ``bottom`` (or first ``top``) of its ranking scope.
    bottom: Count | None = None
    top: Count | None = None
    #: A conversion's points at least ``min`` (or below ``below``).
    conversion: Id | None = None
    min: Figure | None = None
    below: Figure | None = None
    years: Annotated[int, Meta(ge=1, le=10, description="必须是 1–10 的整数（连续年数）")] = 1
    #: An amount it carries (绩效奖金档次 …), shown beside it.
    amount: Figure | None = None


class UnitStepEntry(Table, kw_only=True):
    """Format 3: a step the unit takes itself, recorded by its own staff."""

    id: Id
    label: Label | None = None
    kind: STEP_KIND
    #: Where it is recorded: a stage or sub-stage (a phase stands for all its sub-stages).
    stage: StageRef
    #: Counts toward "complete before final": ``round finalize`` refuses without it.
    required: bool = True
    #: Counts only once approved (``pdca step review``): 南通's 工委 审核 of 重点目标.
    approval: bool = False


class EscalationEntry(Table, kw_only=True):
    after_days: AfterDays
    measure: Word


class Rectification(Table, kw_only=True):
    near_days: NearDays = 7
    escalation: list[EscalationEntry] = []


class TeamEntry(Table, kw_only=True):
    """Format 3: a team of the scheme's assessors (吉林's 4 副书记 each taking a 片, 甘肃's
    11 考核组): the 联系片 (grids) and unit categories it takes in. ``pdca account team
    NAME --scheme ID`` defines an account team from it."""

    id: Id
    label: Label
    grids: list[Word] = []
    categories: list[Word] = []


class SchemeFile(Table, kw_only=True):
    """A whole scheme file. ``format`` comes first in the file (TOML puts top-level keys
    before the first table); a file without it is format 1."""

    format: FORMAT = 1
    scheme: SchemeMeta
    workflow: Workflow
    scoring: Scoring = msgspec.field(default_factory=Scoring)
    catalog: Catalog = msgspec.field(default_factory=Catalog)
    components: list[ComponentEntry] = []
    ballot: BallotTable | None = None
    ledger: LedgerTable = msgspec.field(default_factory=LedgerTable)
    tasks: TasksTable = msgspec.field(default_factory=TasksTable)
    adjustments: Adjustments = msgspec.field(default_factory=Adjustments)
    vetoes: list[VetoEntry] = []
    grades: list[GradeEntry] = []
    distribution: Distribution = msgspec.field(default_factory=Distribution)
    tiers: list[TierEntry] = []
    rectification: Rectification = msgspec.field(default_factory=Rectification)
    conversions: list[ConversionEntry] = []
    consequences: list[ConsequenceEntry] = []
    unit_steps: list[UnitStepEntry] = []
    teams: list[TeamEntry] = []

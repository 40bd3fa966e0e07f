"""The scoring content of a scheme (see docs/schemes.md): catalogue, components,
ballot, ledger, adjustments, vetoes, grades, distribution, tiers, rounding — as the
scoring function uses it: frozen dataclasses, every figure a ``Decimal``.

The file format is declared in ``scheme_format``; ``scoring_read`` turns a checked
file into these ``Rules`` and checks the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

HUNDRED = Decimal(100)


class Reporter(Protocol):
    def add(self, key: str, message: str) -> None: ...
    def warn(self, key: str, message: str) -> None: ...


@dataclass(frozen=True)
class ScoringPoint:
    id: str
    label: str
    max: Decimal


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    max: Decimal
    kind: str
    rule: str = "direct"
    required: Decimal = Decimal(0)
    per: Decimal = Decimal(0)
    threshold: Decimal = HUNDRED
    band: Decimal = Decimal(10)
    points: tuple[ScoringPoint, ...] = ()


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    max: Decimal
    bonus: bool
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Component:
    id: str
    label: str
    weight: Decimal
    source: str
    missing: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class BallotGroup:
    id: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class Ballot:
    max: Decimal
    trim: bool
    quorum: int
    items: tuple[ScoringPoint, ...]
    groups: tuple[BallotGroup, ...]
    masses_group: str = ""
    masses_min_share: Decimal = Decimal(0)


@dataclass(frozen=True)
class LedgerIndicator:
    id: str
    label: str
    max: Decimal
    min_points: Decimal
    max_points: Decimal
    #: Points per rectification item carried in from last period and still open (老毛病).
    per_open_carried: Decimal = Decimal(0)


@dataclass(frozen=True)
class Veto:
    id: str
    label: str
    effect: str  # "force_grade" | "cap_grade"
    grade: str
    auto_indicator: str = ""


@dataclass(frozen=True)
class Grade:
    id: str
    label: str
    min: Decimal


@dataclass(frozen=True)
class Quota:
    grades: tuple[str, ...]
    max_share: Decimal
    rounding: str


@dataclass(frozen=True)
class Tier:
    id: str
    label: str
    top_share: Decimal | None = None
    min: Decimal | None = None


@dataclass(frozen=True)
class Escalation:
    """Overdue by at least ``after_days`` days: record this measure (once)."""

    after_days: int
    measure: str


#: ASSUMPTION (no seed gives numbers): a reminder on the first overdue day, an interview
#: (约谈) after 30 days, accountability (问责) after 90 — see 达州 「逗硬问责」, 述评考用
#: 「对整改不力的单位或个人严肃问责」.
DEFAULT_ESCALATIONS = (Escalation(1, "提醒"), Escalation(30, "约谈"), Escalation(90, "问责"))


@dataclass(frozen=True)
class Rules:
    scale: Decimal = HUNDRED
    precision: Decimal = Decimal("0.01")
    round_at: str = "total"
    rank_by: str = "round"
    tie_break: tuple[str, ...] = ()
    missing: str = "zero"
    categories: tuple[Category, ...] = ()
    components: tuple[Component, ...] = ()
    ballot: Ballot | None = None
    ledger_sources: tuple[str, ...] = ("暗访", "督查", "调研", "互检")
    ledger_indicators: tuple[LedgerIndicator, ...] = ()
    quality: tuple[tuple[str, Decimal], ...] = ()
    bonus_cap: Decimal = Decimal(0)
    deduction_cap: Decimal | None = None
    vetoes: tuple[Veto, ...] = ()
    grades: tuple[Grade, ...] = ()
    distribution_scope: str = "round"
    quotas: tuple[Quota, ...] = ()
    tiers: tuple[Tier, ...] = ()
    near_days: int = 7  # 督办 colours: blue when the deadline is this close
    escalations: tuple[Escalation, ...] = DEFAULT_ESCALATIONS

    @property
    def scored(self) -> bool:
        return bool(self.components)

    def item(self, item_id: str) -> tuple[Category, Item] | None:
        for category in self.categories:
            for item in category.items:
                if item.id == item_id:
                    return category, item
        return None

    def item_ids(self) -> list[str]:
        return [i.id for c in self.categories for i in c.items]

    def indicator(self, indicator_id: str) -> LedgerIndicator | None:
        return next((i for i in self.ledger_indicators if i.id == indicator_id), None)

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    def veto(self, veto_id: str) -> Veto | None:
        return next((v for v in self.vetoes if v.id == veto_id), None)

    def grade_index(self, grade_id: str) -> int:
        return [g.id for g in self.grades].index(grade_id)

    def quality_factor(self, quality: str | None) -> Decimal:
        if quality is None:
            return Decimal(1)
        return dict(self.quality).get(quality, Decimal(1))

"""The scoring content of a scheme (see docs/schemes.md): catalogue, components,
ballot, ledger, adjustments, vetoes, grades, distribution, tiers, rounding — as the
scoring function uses it: frozen dataclasses, every figure a ``Decimal``.

The file format is declared in ``scheme_format``; ``scoring_read`` turns a checked
file into these ``Rules`` and checks the arithmetic.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pdca.rules.unit_steps import UnitStep

HUNDRED = Decimal(100)


class Reporter(Protocol):
    def add(self, key: str, message: str) -> None: ...
    def warn(self, key: str, message: str) -> None: ...


# Fields added by scheme format 3 are left out of ``repr``: a text pinned before reads
# exactly as it did (tests/unit/test_pinned_texts.py compares the reprs recorded then).


@dataclass(frozen=True)
class ScoringPoint:
    """A 采分点, or an item of the ballot (which, from format 3, may have its own points)."""

    id: str
    label: str
    max: Decimal
    #: A ballot item's points (format 3): the ballot gives each one.
    points: tuple[ScoringPoint, ...] = field(default=(), repr=False)

    def fields(self) -> tuple[ScoringPoint, ...]:
        """What a ballot fills in for this item: its points, or the item itself."""
        return self.points or (self,)


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
    #: Format 3: the points are recorded one by one and the item scores their sum
    #: (capped at ``max``); before, they were shown only.
    scored_points: bool = field(default=False, repr=False)
    #: ``rule = "opinion"``: each opinion word and the points it gives, in the file's order.
    opinions: tuple[tuple[str, Decimal], ...] = field(default=(), repr=False)
    #: Format 3: the step of ``[[unit_steps]]`` the item's points wait for (南通's 创新目标).
    requires_step: str | None = field(default=None, repr=False)

    def point(self, point_id: str) -> ScoringPoint | None:
        return next((p for p in self.points if p.id == point_id), None)


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    max: Decimal
    bonus: bool
    items: tuple[Item, ...]
    area: str = field(default="", repr=False)
    declared_items: int | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Area:
    """A level above the categories (甘肃's 大重点); it groups, it does not score."""

    id: str
    label: str
    declared_categories: int | None = None
    declared_items: int | None = None
    declared_points: int | None = None


@dataclass(frozen=True)
class Component:
    id: str
    label: str
    weight: Decimal
    source: str
    missing: str
    categories: tuple[str, ...] = ()
    #: ``source = "periods"`` (format 3): the sub-periods rolled up into the year.
    periods: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class BallotGroup:
    id: str
    label: str
    weight: Decimal
    #: Format 3: "units" or "grids" — its ballots are issued to rater units or grids
    #: (分片互评), never to the unit they score; "" for ballots issued to no one.
    raters: str = field(default="", repr=False)


@dataclass(frozen=True)
class Ballot:
    max: Decimal
    trim: bool
    quorum: int
    items: tuple[ScoringPoint, ...]
    groups: tuple[BallotGroup, ...]
    masses_group: str = ""
    masses_min_share: Decimal = Decimal(0)

    def fields(self) -> tuple[ScoringPoint, ...]:
        """What a ballot is asked for: each item's points (format 3), or the item."""
        return tuple(f for i in self.items for f in i.fields())

    def accepted(self) -> tuple[ScoringPoint, ...]:
        """Every key a ballot may hold: each item, and each of its points. An item with
        points is given either point by point or, from a tally that kept only item
        totals, whole (ballot files written for the format-2 scheme still import)."""
        return tuple(f for i in self.items for f in (i, *i.points))

    def asked(self, keys: Collection[str]) -> tuple[ScoringPoint, ...]:
        """What a ballot holding ``keys`` should hold: each item by its points where it
        gives any of them, else the item whole (the shortest fix to name in a refusal)."""
        return tuple(
            f
            for i in self.items
            for f in (i.points if any(p.id in keys for p in i.points) else (i,))
        )

    def gaps(self, keys: Collection[str]) -> tuple[list[str], list[str], list[str]]:
        """What is wrong with a ballot holding ``keys``: unknown keys, missing ones (an
        item given in neither form; the rest of an item's points when only some are
        given), and items given both ways."""
        known = {f.id for f in self.accepted()}
        unknown = [k for k in keys if k not in known]
        missing: list[str] = []
        mixed: list[str] = []
        for item in self.items:
            given = [p.id for p in item.points if p.id in keys]
            if item.id in keys:
                if given:
                    mixed.append(item.id)
            elif given:  # some of its points: the others are what is missing
                missing += [p.id for p in item.points if p.id not in keys]
            else:
                missing.append(item.id)
        return unknown, missing, mixed


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
class Conversion:
    """The published score as another assessment's points (format 3): by unit category,
    the points the full scale is worth; rounded once, half-up, at ``precision``."""

    id: str
    label: str
    by_category: tuple[tuple[str, Decimal], ...]
    precision: Decimal


@dataclass(frozen=True)
class Consequence:
    """What a result brings (format 3); every condition given must hold, in each of the
    last ``years`` years (a rule across years when ``years`` > 1)."""

    id: str
    label: str
    grades: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    bottom: int | None = None
    top: int | None = None
    conversion: str = ""
    min: Decimal | None = None
    below: Decimal | None = None
    years: int = 1
    amount: Decimal | None = None


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
    areas: tuple[Area, ...] = field(default=(), repr=False)
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
    conversions: tuple[Conversion, ...] = field(default=(), repr=False)
    consequences: tuple[Consequence, ...] = field(default=(), repr=False)
    unit_steps: tuple[UnitStep, ...] = field(default=(), repr=False)

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

    def unit_step(self, step_id: str) -> UnitStep | None:
        return next((s for s in self.unit_steps if s.id == step_id), None)

    def veto(self, veto_id: str) -> Veto | None:
        return next((v for v in self.vetoes if v.id == veto_id), None)

    def grade_index(self, grade_id: str) -> int:
        return [g.id for g in self.grades].index(grade_id)

    def quality_factor(self, quality: str | None) -> Decimal:
        if quality is None:
            return Decimal(1)
        return dict(self.quality).get(quality, Decimal(1))

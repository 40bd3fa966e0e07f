"""The columns of each kind of sheet ``pdca template`` writes and ``pdca import`` reads.

A column is known by its id (kept in the template's hidden first row, so a header a
person renamed still maps) or, in a file without that row, by its Chinese header or id.
The score sheets have one column per recordable leaf of the cycle's catalogue: an item,
or each 采分点 of an item scored by its points. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pdca.rules.schemes import Scheme
    from pdca.rules.scoring_rules import Category, Item

KINDS = ("units", "tasks", "scores", "findings", "rectifications", "ballots")
KIND_LABELS = {
    "units": "单位名册",
    "tasks": "月初清单",
    "scores": "指标得分",
    "findings": "督查发现",
    "rectifications": "整改交办",
    "ballots": "测评票",
}
#: The command each kind's rows stand for: who may import a kind may run it row by row.
KIND_COMMANDS = {
    "units": "unit add",
    "tasks": "task add",
    "scores": "score record",
    "findings": "finding record",
    "rectifications": "rectify order",
    "ballots": "ballot import",
}


@dataclass(frozen=True)
class Column:
    id: str
    header: str
    note: str = ""  # the rule in words, beside the header
    low: Decimal | None = None  # Excel's data validation: a number in [low, high]
    high: Decimal | None = None
    whole: bool = False
    choices: tuple[str, ...] = ()  # Excel's list validation
    is_date: bool = False
    required: bool = True


UNIT = Column("unit", "单位")
PERIOD = Column("period", "考核期", "如 2024、2024-H1、2024-Q3")

FIXED: dict[str, tuple[Column, ...]] = {
    "units": (
        Column("name", "单位名称"),
        Column("category", "类别"),
        Column("grid", "联系片", required=False),
    ),
    "tasks": (
        UNIT,
        PERIOD,
        Column("title", "任务"),
        Column("deadline", "截止日期", "YYYY-MM-DD", is_date=True),
    ),
    "scores": (UNIT, PERIOD, Column("evidence", "依据", "空：记为本表此行", required=False)),
    "findings": (
        UNIT,
        PERIOD,
        Column("source", "来源"),
        Column("indicator", "台账指标", "ID 或名称"),
        Column("points", "分值"),
        Column("observed_on", "发现日期", "YYYY-MM-DD", is_date=True),
        Column("evidence", "证据"),
    ),
    "rectifications": (
        UNIT,
        PERIOD,
        Column("problem", "问题"),
        Column("owner", "责任人"),
        Column("due", "整改期限", "YYYY-MM-DD", is_date=True),
    ),
    "ballots": (UNIT, PERIOD, Column("token", "令牌")),
}

_RULE_NOTES = {
    "direct": "直接计分",
    "per_occurrence": "填次数",
    "banded": "填百分比",
    "ratio_to_best": "填数量",
    "opinion": "填意见",
}


def decimals(value: Decimal) -> int:
    """How many decimal places ``value`` is written with (``2.50`` → 2, ``3`` → 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def allowed_decimals(scheme: Scheme, item: Item, high: Decimal | None) -> int:
    """The decimals a value of ``item`` may have: none for a count; else as fine as the
    scheme's rounding unit or the maximum itself, whichever is finer."""
    if item.rule == "per_occurrence":
        return 0
    places = decimals(Decimal(scheme.rules.precision))
    return max(places, decimals(high) if high is not None else 0)


def leaf_columns(scheme: Scheme, category: Category) -> list[Column]:
    """One column per recordable leaf of ``category``: each item, or its 采分点."""
    columns: list[Column] = []
    for item in category.items:
        if item.rule == "carried":
            continue  # scored from last period's open problems, never recorded
        note = _RULE_NOTES.get(item.rule, item.rule)
        if item.scored_points:
            for point in item.points:
                columns.append(
                    Column(
                        f"{item.id}.{point.id}",
                        f"{item.label}·{point.label}",
                        f"采分点，满分 {point.max}",
                        low=Decimal(0),
                        high=point.max,
                        required=False,
                    )
                )
        elif item.rule == "opinion":
            choices = tuple(word for word, _ in item.opinions)
            columns.append(
                Column(
                    item.id, item.label, f"{note}，满分 {item.max}", choices=choices, required=False
                )
            )
        else:
            low, high, whole = Decimal(0), item.max, False
            if item.rule == "banded":
                high = Decimal(100)
            elif item.rule in ("per_occurrence", "ratio_to_best"):
                high, whole = None, item.rule == "per_occurrence"
            columns.append(
                Column(
                    item.id,
                    item.label,
                    f"{note}，满分 {item.max}",
                    low=low,
                    high=high,
                    whole=whole,
                    required=False,
                )
            )
    return columns


def ballot_columns(scheme: Scheme) -> list[Column]:
    ballot = scheme.rules.ballot
    if ballot is None:
        return []
    return [
        Column(f.id, f.label, f"满分 {f.max}", low=Decimal(0), high=f.max, required=False)
        for f in ballot.fields()
    ]

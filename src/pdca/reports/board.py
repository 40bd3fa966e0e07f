"""The board (看板): every cycle in its PDCA stage, and the rectifications overdue.

Read from the catalog and rectifications projections through the application; the
stage a cycle is in and what is overdue are theirs, this only sorts them into lanes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pdca.rules.schemes import PHASE_LABELS, PHASES

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication


@dataclass(frozen=True)
class Card:
    cycle: str
    unit: str
    stage: str
    stage_label: str
    overdue: int  # rectification items of this cycle past their deadline


@dataclass
class Lane:
    phase: str
    label: str
    cards: list[Card] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    period: str | None
    today: date
    lanes: list[Lane]
    overdue: list[dict[str, Any]]


def board(app: PdcaApplication, period: str | None, today: date) -> Board:
    if period:
        from pdca.domain.ids import check_period

        period = check_period(period)
    overdue = [
        r
        for r in app.list_rectifications(today, overdue=True)
        if period is None or r["period"] == period
    ]
    per_cycle = Counter(r["cycle"] for r in overdue)
    lanes = {phase: Lane(phase, PHASE_LABELS[phase]) for phase in PHASES}
    for row in app.list_cycles(period):
        lane = lanes[row["stage"].split(".")[0]]
        label = app.stage_label(row["scheme"], row["stage"])
        lane.cards.append(
            Card(row["cycle"], row["unit"], row["stage"], label, per_cycle[row["cycle"]])
        )
    for lane in lanes.values():
        # The ones that need chasing first.
        lane.cards.sort(key=lambda c: (-c.overdue, c.cycle))
    overdue.sort(key=lambda r: (-r["days_overdue"], r["cycle"]))
    return Board(period, today, list(lanes.values()), overdue)

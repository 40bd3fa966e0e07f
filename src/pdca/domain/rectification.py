"""A rectification item (整改事项): a problem put right on a deadline, verified and
closed out (销号), escalating while overdue, carried into next year while open.

Each method records one event and its body is the state change; the application
checks every command (the lifecycle machine, four eyes, dates) before calling it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate, event

from pdca.domain import upcasts

STATUS_LABELS = {
    "ordered": "已交办",
    "in_progress": "整改中",
    "submitted": "待验收",
    "closed": "已销号",
}


class Rectification(Aggregate):
    @event("Ordered")
    def __init__(
        self,
        cycle: str,
        unit: str,
        period: str,
        problem: str,
        owner: str,
        due: date,
        ordered_on: date,
        finding: int | None,
        actor: str,
    ) -> None:
        self.cycle = cycle
        self.unit = unit
        self.period = period
        self.problem = problem
        self.owner = owner
        self.due = due
        self.ordered_on = ordered_on
        self.finding = finding
        self.status = "ordered"
        self.submitted_by: str | None = None
        self.escalation = 0
        self.carried_to: str | None = None
        self.closed_on: date | None = None

    @event("ProgressReported")
    def report(
        self, note: str, on: date, actor: str, attachments: tuple[dict[str, Any], ...] = ()
    ) -> None:
        # ``attachments``: the files the report rests on (pdca.domain.evidence).
        self.status = "in_progress"

    @event("Submitted")
    def submit(self, note: str | None, on: date, actor: str) -> None:
        self.status = "submitted"
        self.submitted_by = actor

    @event("Verified")
    def verify(self, accepted: bool, reason: str, on: date, actor: str) -> None:
        self.status = "closed" if accepted else "in_progress"
        self.closed_on = on if accepted else None

    class DeadlineExtended(Aggregate.Event):
        # v2 records the day the extension was granted (``--today``); v1 had none.
        class_version = 2
        upcast_v1_v2 = staticmethod(upcasts.extended_on_v1_v2)
        due: date
        reason: str
        on: date | None
        actor: str

        def apply(self, aggregate: Any) -> None:
            aggregate.due = self.due

    def extend(self, due: date, reason: str, on: date, actor: str) -> None:
        self.trigger_event(self.DeadlineExtended, due=due, reason=reason, on=on, actor=actor)

    @event("Escalated")
    def escalate(self, level: int, measure: str, on: date, actor: str) -> None:
        self.escalation = level

    @event("CarriedOver")
    def carry_over(self, to_cycle: str, actor: str) -> None:
        self.carried_to = to_cycle

    @property
    def short_id(self) -> str:
        return self.id.hex[:8]

    @property
    def is_open(self) -> bool:
        return self.status != "closed"

    def days_overdue(self, today: date) -> int:
        return max((today - self.due).days, 0) if self.is_open else 0

"""An assessment cycle (考核周期): one unit, one period, one pinned scheme.

Every method below records an event and its body is the state change; bodies run
again on replay, so they never check a rule. The application checks commands
(stage machine, guards, input) before calling them.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import cycle_id


class Cycle(Aggregate):
    @staticmethod
    def create_id(unit: str, period: str) -> UUID:
        return cycle_id(unit, period)

    @event("Opened")
    def __init__(
        self,
        unit: str,
        period: str,
        scheme_id: str,
        scheme_version: str,
        scheme_digest: str,
        scheme_text: str,
        stage: str,
        actor: str,
    ) -> None:
        self.unit = unit
        self.period = period
        self.scheme_id = scheme_id
        self.scheme_version = scheme_version
        self.scheme_digest = scheme_digest
        self.scheme_text = scheme_text
        self.stage = stage
        self.tasks: dict[int, dict[str, Any]] = {}
        self.task_list_published = False

    @property
    def address(self) -> str:
        return f"{self.unit}/{self.period}"

    @event("StageAdvanced")
    def advance(
        self, trigger: str, from_stage: str, to_stage: str, actor: str, reason: str | None
    ) -> None:
        self.stage = to_stage

    @event("TaskAdded")
    def add_task(
        self, task_no: int, title: str, deadline: date, indicator: str | None, actor: str
    ) -> None:
        self.tasks[task_no] = {
            "no": task_no,
            "title": title,
            "deadline": deadline,
            "indicator": indicator,
            "progress": 0,
            "completed": False,
        }

    @event("TaskListPublished")
    def publish_task_list(self, task_count: int, actor: str) -> None:
        self.task_list_published = True

    def next_task_no(self) -> int:
        return max(self.tasks, default=0) + 1

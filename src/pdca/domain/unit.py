"""An assessed unit (被考核单位), e.g. 市财政局, with its category and grid (联系片)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import unit_id


class Unit(Aggregate):
    @staticmethod
    def create_id(name: str) -> UUID:
        return unit_id(name)

    @event("Registered")
    def __init__(self, name: str, category: str, grid: str | None, actor: str) -> None:
        self.name = name
        self.category = category
        self.grid = grid

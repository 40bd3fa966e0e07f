"""An assessed unit (被考核单位), e.g. 市财政局, with its category and grid (联系片).

A unit's id is uuid5 of the name it was registered under and never changes, so its
cycles keep their ids when it is renamed. A new name gets a ``UnitName``: a small
aggregate whose id is uuid5 of that name, pointing at the unit, so looking a unit up
by any of its names stays one read by id.
"""

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
        self.registered_name = name  # the name its id (and its cycles' ids) are made of
        self.category = category
        self.grid = grid

    @event("Edited")
    def edit(
        self,
        name: str,
        category: str,
        grid: str | None,
        previous_name: str,
        registered_name: str,
        reason: str,
        actor: str,
    ) -> None:
        """A correction: the whole resulting name, category and grid, and why."""
        self.name = name
        self.category = category
        self.grid = grid


class UnitName(Aggregate):
    """Another name of a unit (after a rename): its id is the name's ``unit_id``."""

    @staticmethod
    def create_id(name: str, unit: str, actor: str) -> UUID:
        return unit_id(name)

    @event("Registered")
    def __init__(self, name: str, unit: str, actor: str) -> None:
        self.name = name
        self.unit = unit  # the unit's id, hex

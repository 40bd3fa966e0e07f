"""Where an account may write: the units (and grids) a command's changes must lie in.

The permission check notes one ``Limit`` per account it checked (the person's, and the
principal's when entering on someone's behalf); the save path checks every aggregate a
command saves against each, so a refusal writes nothing. Staff are limited to their
unit; a supervisor with a scope to its units, grids and teams (a team resolved when the
command runs, so a team's change is effective on the next command).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdca.errors import NotPermitted, one_of


@dataclass(frozen=True)
class Limit:
    person: str
    held: str
    # Registered names (what cycles and items are keyed by), resolved when checked.  # how the refusal names the account (单位填报员，市财政局)
    units: frozenset[str]
    grids: frozenset[str]
    staff: bool = False

    def covers(self, unit: str, grid: str | None) -> bool:
        return unit in self.units or (grid is not None and grid in self.grids)


def check(app: Any, acting: Any, aggregates: Sequence[Any]) -> None:
    """Refuse unless every unit the saved aggregates belong to is within each limit."""
    if not acting.limits:
        return
    touched = [t for a in aggregates for t in _units_of(app, a)]
    for limit in acting.limits:
        outside = sorted({name for name, grid in touched if not limit.covers(name, grid)})
        if not outside:
            continue
        if limit.staff:
            raise NotPermitted(
                f"操作人 {limit.person}（{limit.held}）只能为本单位填报；"
                f"pdca {acting.command} 涉及 {one_of(outside)}，未记录"
            )
        raise NotPermitted(
            f"操作人 {limit.person}（{limit.held}）只能在其范围内记录；"
            f"pdca {acting.command} 涉及 {one_of(outside)}，未记录"
        )


def _units_of(app: Any, aggregate: Any) -> list[tuple[str, str | None]]:
    """The (unit, grid) an aggregate belongs to; one that belongs to no single unit (a
    round) is named by its type, which no scope covers."""
    from pdca.domain.unit import Unit, UnitName

    if isinstance(aggregate, UnitName):
        return []  # saved with the unit it names, which is checked
    if isinstance(aggregate, Unit):
        return [(aggregate.registered_name, aggregate.grid)]
    unit = getattr(aggregate, "unit", None)
    if unit is None:
        return [(type(aggregate).__name__, None)]
    return [(unit, _grid(app, unit))]


def _grid(app: Any, unit: str) -> str | None:
    from pdca.errors import NotFound

    try:
        return app.get_unit(unit, tell=False).grid
    except NotFound:
        return None

"""The two names a command needs of a unit — the one it was registered under (its id and
its cycles' ids are made of it) and its current one — read from the unit's stored rows.

Addressing a cycle (``市财政局/2024``) needs nothing else of the unit, so neither the
``Unit`` aggregate's classes nor the library's mapper are needed to find it: the rows'
JSON is decoded as every reader decodes it (``pdca.projections.decoding``). These are
the fields the ``Unit`` aggregate keeps: the name of ``Registered``, and the name of its
last event. Anything else (no rows, another aggregate's rows) is ``None``: the caller
asks the repository, which says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

#: A unit's stored rows, oldest first: (version, topic, state as stored, in plain text).
Rows = Callable[[UUID], Sequence[tuple[int, str, Any]]]

_UNIT = "pdca.domain.unit:Unit."
_UNIT_NAME = "pdca.domain.unit:UnitName.Registered"


def read(rows_of: Rows, name: str) -> tuple[str, str] | None:
    """(registered name, current name) of the unit ``name`` (cleaned) addresses."""
    from pdca.domain.ids import unit_id
    from pdca.projections.decoding import decode

    unit = unit_id(name)
    rows = rows_of(unit)
    if rows and rows[0][1] == _UNIT_NAME:  # another name of a renamed unit
        unit = UUID(decode(0, unit, 1, rows[0][1], rows[0][2])["unit"])
        rows = rows_of(unit)
    if not rows or not all(topic.startswith(_UNIT) for _, topic, _ in rows):
        return None
    states = [decode(0, unit, version, topic, state) for version, topic, state in rows]
    if states[0].type != "Unit.Registered":
        return None
    return states[0]["name"], states[-1]["name"]


def renamed(name: str, current: str) -> str:
    """What a command tells when a unit is addressed by a name it no longer has."""
    return f"单位 {name} 已更名为 {current}"

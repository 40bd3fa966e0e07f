"""Upcasters: stored states of older event versions brought to today's shape, in one
table for both readers.

The library's mapper calls an event class's ``upcast_vN_vN+1`` static methods when it
rebuilds domain events (``class_version`` says where to stop); projections decode
stored JSON themselves and call ``upcast`` with the same steps. A step only moves and
renames keys, so it works on the mapper's decoded values and on raw JSON alike.

To change an event's shape: bump its class's ``class_version``, add the step here and
point the class at it, and raise ``pdca.storage.meta.FORMAT`` so an older pdca refuses the
database instead of misreading it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Step = Callable[[dict[str, Any]], None]


def fact_position_v1_v2(state: dict[str, Any]) -> None:
    """v1 called the position of the corrected fact just ``fact``."""
    state["fact_position"] = state.pop("fact")


def observed_on_v1_v2(state: dict[str, Any]) -> None:
    """v1 vetoes recorded no date for the facts behind them: unknown, not the record's."""
    state.setdefault("observed_on", None)


def extended_on_v1_v2(state: dict[str, Any]) -> None:
    """v1 of an extension did not record the day it was granted."""
    state.setdefault("on", None)


def salt_v1_v2(state: dict[str, Any]) -> None:
    """v1 issues stored unsalted SHA-256 digests of their tokens."""
    state.setdefault("salt", None)


#: event type (``Aggregate.Event``) → the steps from version 1 upwards.
STEPS: dict[str, tuple[Step, ...]] = {
    "Cycle.FactWithdrawn": (fact_position_v1_v2,),
    "Cycle.FactAmended": (fact_position_v1_v2,),
    "Cycle.VetoApplied": (observed_on_v1_v2,),
    "Cycle.BallotsIssued": (salt_v1_v2,),
    "Rectification.DeadlineExtended": (extended_on_v1_v2,),
}


def upcast(event_type: str, state: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored state of ``event_type`` to its current version, in place."""
    steps = STEPS.get(event_type, ())
    version = state.pop("class_version", 1)
    for step in steps[version - 1 :]:
        step(state)
    return state

"""Stored events as projections see them: decoded straight from the stored JSON.

Decoding with ``orjson`` instead of rebuilding domain event objects through the
library's mapper is what makes a rebuild fast (the mapper took a third of the time
when measured here). Typed values arrive as ``{"_type_": ..., "_data_": ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson

from pdca.domain.upcasts import upcast

_DECODERS = {
    "decimal_str": Decimal,
    "datetime_iso": datetime.fromisoformat,
    "date_iso": date.fromisoformat,
    "uuid_hex": UUID,
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One stored event: where it is in the log, whose it is, what it says."""

    position: int
    originator_id: UUID
    version: int
    type: str  # e.g. "Cycle.StageAdvanced"
    state: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.state[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.state.get(key, default)

    @property
    def recorded_at(self) -> datetime:
        return self.state["timestamp"]


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        kind = value.get("_type_")
        if kind is not None and "_data_" in value:
            decoder = _DECODERS.get(kind)
            return decoder(value["_data_"]) if decoder else _typed(value["_data_"])
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return value


def event_type(topic: str) -> str:
    """``pdca.domain.cycle:Cycle.Opened`` → ``Cycle.Opened``."""
    return topic.rpartition(":")[2]


def decode(position: int, originator_id: Any, version: int, topic: str, state: bytes) -> Fact:
    raw = upcast(event_type(topic), orjson.loads(state))  # older event versions
    decoded = {k: _typed(v) if isinstance(v, dict | list) else v for k, v in raw.items()}
    oid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
    return Fact(position, oid, version, event_type(topic), decoded)

"""An aggregate's recorded events as plain rows, for a front end to list (``pdca rectify
show``): position, type, when recorded (in the database's zone), by whom, a one-line
summary in Chinese (as ``pdca history`` gives a cycle's), and the event's own fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication

#: Every event has these; they are the row's own columns, not its detail.
_ENVELOPE = (
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "actor",
    "principal",
    "assurance",
)


def event_rows(app: PdcaApplication, aggregate_id: UUID) -> list[dict[str, Any]]:
    from pdca.application.acting import recorded_assurance, recorded_principal
    from pdca.application.login_stamps import flags
    from pdca.rules.describe import describe_rectification

    clock = app.clock
    rows = []
    events = list(app.repository.event_store.get(aggregate_id))
    flagged = flags(app, aggregate_id, events)
    for e in events:
        detail = {
            k: (
                clock.iso(v)
                if isinstance(v, datetime)
                else v.isoformat()
                if isinstance(v, date)
                else v
            )
            for k, v in vars(e).items()
            if k not in _ENVELOPE
        }
        rows.append(
            {
                "position": e.originator_version,
                "type": type(e).__name__,
                "recorded_at": clock.iso(e.timestamp),
                "actor": getattr(e, "actor", ""),
                "principal": recorded_principal(e),
                "assurance": recorded_assurance(e),
                "summary": describe_rectification(type(e).__name__, detail),
                "detail": detail,
                "stamp_mismatch": flagged.get(e.originator_version),
            }
        )
    return rows

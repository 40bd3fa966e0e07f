"""Which of an aggregate's events a different database login wrote than the principal it
records (PostgreSQL's principal stamp, ``pdca.storage.stamps``): the flag ``history`` and
``rectify show`` print beside such an event. Empty on SQLite and for rows stored before
``pdca init`` installed the stamp."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from pdca.storage import stamps


def flags(app: Any, aggregate_id: UUID, events: Iterable[Any]) -> dict[int, str]:
    """position → what is wrong with that event's stamp, for the events that have a flag.
    ``app`` is the ``PdcaApplication`` (which calls this: named here only as Any, so the
    two modules do not import each other)."""
    stamped = stamps.read(app.recorder, app.workspace.database.kind, (aggregate_id,))
    if not stamped:
        return {}
    from pdca.application.acting import recorded_principal

    found = {}
    for e in events:
        # An event from before principals were recorded counts its actor as its principal.
        principal = recorded_principal(e) or None
        wrong = stamps.disagreement(stamped.get((aggregate_id, e.originator_version)), principal)
        if wrong:
            found[e.originator_version] = wrong
    return found

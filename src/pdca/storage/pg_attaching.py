"""What our PostgreSQL event recorders add to the library's: the attachments' rows
(their bytes) and purges, written in the events' own transaction before the events
(``pdca.storage.attachments``). Mixed into the pooled recorder (``postgres_recorder``)
and the one-shot one (``pg_single``); imports no driver."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent

#: The prefix of the keyword arguments a save carrying attachments passes (``attachments``).
_ATTACHING = "pdca_attachment_"


class Attaching:
    datastore: Any

    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        if any(k.startswith(_ATTACHING) for k in kwargs):  # the store only when used
            from pdca.storage import attachments

            attachments.write_rows(curs, "postgresql", self.datastore.schema, kwargs)
        super()._insert_events(curs, stored_events, **kwargs)  # type: ignore[misc]


#: A save carrying more bytes than this is sent without psycopg's pipeline mode, by both
#: recorders. With megabytes of events in one parameter (a year of a province's cycles
#: saved at once) the client and the server waited for each other for ever in a
#: pipeline — the server reading (``ClientRead``), psycopg waiting for the results.
#: Measured here with psycopg 3.3.9: an array of 4 MB returned, one of 6 MB never did
#: (psycopg/psycopg#685 is the same symptom). Far below that, since the point depends on
#: the sockets' buffers; a form's save is a few KB and keeps the pipeline's one round trip.
PIPELINED_BYTES = 256 * 1024


def pipelined(stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> bool:
    """Whether a save is small enough for the pipeline: its events' states and its
    attachments' contents (the third field of each row, ``attachments.write_rows``)."""
    rows = kwargs.get(f"{_ATTACHING}rows") or ()
    size = sum(len(e.state) for e in stored_events) + sum(len(row[2] or b"") for row in rows)
    return size <= PIPELINED_BYTES

"""The event recorder on PostgreSQL: the library's, plus the attachments' rows (their
bytes) and purges written in the events' own transaction, before the events
(``pdca.storage.attachments``). Named by topic in ``Database.event_store_env``.

A large save is sent without psycopg's pipeline mode. The library pipelines every
save (the table lock, the NOTIFY and the INSERT in one round trip); with megabytes of
events in one parameter (a year of a province's cycles saved at once) the client and
the server then waited for each other for ever — the server reading (``ClientRead``),
psycopg waiting for the pipeline's results. Measured here with psycopg 3.3.9: an array
of 4 MB returned, one of 6 MB never did (psycopg/psycopg#685 is the same symptom).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

#: The prefix of the keyword arguments a save carrying attachments passes (``attachments``).
_ATTACHING = "pdca_attachment_"
#: A save carrying more bytes than this goes without the pipeline: far below where it
#: hung here, since the point depends on the sockets' buffers; a form's save is a few KB.
PIPELINED_BYTES = 256 * 1024


class Recorder(PostgresApplicationRecorder):
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if _size(stored_events, kwargs) <= PIPELINED_BYTES:
            return super().insert_events(stored_events, **kwargs)
        return self._insert_unpipelined(stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert_unpipelined(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The library's save, statement by statement in one transaction."""
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        if any(k.startswith(_ATTACHING) for k in kwargs):  # the store only when used
            from pdca.storage import attachments

            attachments.write_rows(curs, "postgresql", self.datastore.schema, kwargs)
        super()._insert_events(curs, stored_events, **kwargs)


def _size(stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> int:
    """The bytes a save sends: its events' states and its attachments' contents (the
    third field of each row, ``pdca.storage.attachments.write_rows``)."""
    rows = kwargs.get(f"{_ATTACHING}rows") or ()
    return sum(len(e.state) for e in stored_events) + sum(len(row[2] or b"") for row in rows)

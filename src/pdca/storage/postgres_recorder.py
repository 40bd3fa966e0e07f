"""The event recorder on PostgreSQL: the library's, plus the attachments' rows (their
bytes) and purges written in the events' own transaction, before the events
(``pdca.storage.attachments``). Named by topic in ``Database.event_store_env``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

#: The prefix of the keyword arguments a save carrying attachments passes (``attachments``).
_ATTACHING = "pdca_attachment_"


class Recorder(PostgresApplicationRecorder):
    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        if any(k.startswith(_ATTACHING) for k in kwargs):  # the store only when used
            from pdca.storage import attachments

            attachments.write_rows(curs, "postgresql", self.datastore.schema, kwargs)
        super()._insert_events(curs, stored_events, **kwargs)

"""The event recorder on SQLite: the library's, plus the attachments' index rows written
in the events' own transaction (``pdca.storage.attachments``). Named by topic in
``Database.event_store_env``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

#: The prefix of the keyword arguments a save carrying attachments passes (``attachments``).
_ATTACHING = "pdca_attachment_"


class Recorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if any(k.startswith(_ATTACHING) for k in kwargs):  # the store only when used
            from pdca.storage import attachments

            attachments.write_rows(c, "sqlite", "", kwargs)
        return super()._insert_events(c, stored_events, **kwargs)

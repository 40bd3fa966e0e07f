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

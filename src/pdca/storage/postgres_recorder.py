"""The event recorder on PostgreSQL behind the library's pool (``pdca serve``, projection
workers): the library's, plus the attachments' rows (``pdca.storage.pg_attaching``), and
a large save sent statement by statement instead of in the library's pipeline
(``pg_attaching.pipelined``). Named by topic in ``Database.event_store_env``; one-shot
commands use ``pg_single``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

from pdca.storage.pg_attaching import Attaching, pipelined


class Recorder(Attaching, PostgresApplicationRecorder):
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if pipelined(stored_events, kwargs):
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

"""The event recorder on PostgreSQL behind the library's pool (``pdca serve``, projection
workers): the library's, plus the attachments' rows (``pdca.storage.pg_attaching``).
Named by topic in ``Database.event_store_env``; one-shot commands use ``pg_single``."""

from __future__ import annotations

from eventsourcing.postgres import PostgresApplicationRecorder

from pdca.storage.pg_attaching import Attaching


class Recorder(Attaching, PostgresApplicationRecorder):
    pass

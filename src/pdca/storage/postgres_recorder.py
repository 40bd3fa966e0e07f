"""The event recorder on PostgreSQL behind the library's pool (``pdca serve``, projection
workers): the library's, plus the attachments' rows (``pdca.storage.pg_attaching``), and
a large save sent statement by statement instead of in the library's pipeline
(``pg_attaching.pipelined``), and a refused save reported by the statement that failed
rather than by psycopg's ``PipelineAborted`` (``pipeline_failures``). Named by topic in
``Database.event_store_env``; one-shot commands use ``pg_single``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

from pdca.storage.pg_attaching import Attaching, pipelined
from pdca.storage.pipeline_failures import reported

#: As the library's ``insert_events``: a lost connection or a lock wait that failed is tried
#: again (both paths below replace it, so both keep its retry).
_retried = retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)


class Recorder(Attaching, PostgresApplicationRecorder):
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not pipelined(stored_events, kwargs):
            return self._insert_unpipelined(stored_events, **kwargs)
        if self.datastore.enable_db_functions:  # no pipeline there: the library's
            return super().insert_events(stored_events, **kwargs)
        return self._insert_pipelined(stored_events, **kwargs)

    @_retried
    def _insert_pipelined(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The library's save in one round trip, refused with the statement that failed:
        the library raised psycopg's ``PipelineAborted`` over it (「数据库不可用：pipeline
        aborted」 for a conflict or a missing privilege), or lost it when the end of the
        pipeline raised (``pipeline_failures``). Raised inside ``get_connection``, which
        turns a psycopg error into the library's (a conflict: ``IntegrityError``)."""
        failed: Exception | None = None
        ids: Sequence[int] | None = None
        with self.datastore.get_connection() as conn:
            try:
                with conn.pipeline() as pipeline, conn.transaction():
                    with conn.cursor() as curs:
                        self._insert_events(curs, stored_events, **kwargs)
                    if stored_events:
                        with conn.cursor() as curs:
                            try:
                                self._insert_stored_events(curs, stored_events, **kwargs)
                                # Now, so a conflict is raised here, not at the commit.
                                pipeline.sync()
                                ids = self._fetch_ids_after_insert_events(
                                    curs, stored_events, **kwargs
                                )
                            except Exception as exc:  # raised after the pipeline closed
                                failed = exc
            except Exception as exc:  # the end of the transaction or the pipeline
                raise reported(failed, exc) from None
            if failed is not None:
                raise reported(failed)
        return ids

    @_retried
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

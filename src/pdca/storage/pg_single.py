"""The event store on PostgreSQL for one-shot commands: one plain connection, no pool.

``eventsourcing.postgres`` imports ``psycopg_pool`` as it loads, and builds a pool for
every application: measured here, a command then ran four more threads and opened three
connections where it uses one at a time, and paid for that on each start. This module does what a command needs of
the library's ``PostgresApplicationRecorder`` — the same tables, the same queries, the
same EXCLUSIVE lock and NOTIFY in the inserting transaction, the same retries and error
classes — on ``pg_connection.Datastore``. Events are inserted by ``unnest`` of plain
arrays instead of the library's composite type, so no type is looked up before the
first query. Creating the tables (``pdca init``) is left to the library's own recorder,
on this connection. ``pdca serve`` and projection workers keep the library's pool
(``Database.event_store_env``). tests/integration/test_pg_single.py holds the queries
to the library's.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    InterfaceError,
    Notification,
    OperationalError,
    ProcessRecorder,
    StoredEvent,
    Subscription,
    TrackingRecorder,
)
from eventsourcing.utils import Environment, EnvType, resolve_topic, retry, strtobool
from psycopg.sql import SQL, Composed, Identifier

from pdca.storage.pg_attaching import Attaching, pipelined
from pdca.storage.pg_connection import Datastore
from pdca.storage.pipeline_failures import reported as _reported

#: As the library's recorders retry a lost connection or a lock wait that failed.
_retried = retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)


class EventsRecorder(ApplicationRecorder):
    """The library's application recorder's reads and writes, on one connection."""

    def __init__(self, datastore: Datastore, *, events_table_name: str = "stored_events") -> None:
        self.datastore = datastore
        self.events_table_name = events_table_name
        self.channel_name = events_table_name.replace(".", "_")
        table = SQL("{0}.{1}").format(Identifier(datastore.schema), Identifier(events_table_name))
        self.table = table
        self.select_events_statement = SQL("SELECT * FROM {0} WHERE originator_id = %s").format(
            table
        )
        self.max_notification_id_statement = SQL("SELECT MAX(notification_id) FROM {0}").format(
            table
        )
        self.lock_table_statements = [
            SQL("SET LOCAL lock_timeout = '{0}s'").format(datastore.lock_timeout),
            SQL("LOCK TABLE {0} IN EXCLUSIVE MODE").format(table),
        ]
        self.notify_statement = SQL("NOTIFY {0}").format(Identifier(self.channel_name))
        self.insert_events_statement = SQL(
            "INSERT INTO {0} AS t (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[]) "
            "RETURNING notification_id"
        ).format(table)

    def create_table(self) -> None:
        """``pdca init``: the library's own statements, run on this connection."""
        from eventsourcing.postgres import PostgresApplicationRecorder

        library = PostgresApplicationRecorder(
            self.datastore,  # type: ignore[arg-type]
            events_table_name=self.events_table_name,
        )
        library.create_table()

    @_retried
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        failed: Exception | None = None
        ids: list[int] | None = None
        # A large save goes statement by statement: in a pipeline it never returned
        # (``pg_attaching.pipelined``).
        small = pipelined(stored_events, kwargs)
        with self.datastore.get_connection() as conn:
            # As the library: one round trip (a pipeline), the lock first, and a conflict
            # raised at the insert rather than at the commit.
            try:
                with conn.pipeline() if small else nullcontext() as pipeline, conn.transaction():
                    with conn.cursor() as curs:
                        self._insert_events(curs, stored_events, **kwargs)
                    if stored_events:
                        with conn.cursor() as curs:
                            try:
                                for statement in (
                                    *self.lock_table_statements,
                                    self.notify_statement,
                                ):
                                    curs.execute(statement)
                                curs.execute(self.insert_events_statement, _columns(stored_events))
                                if pipeline is not None:
                                    pipeline.sync()
                                ids = [row["notification_id"] for row in curs.fetchall()]
                            except Exception as exc:  # raised after the pipeline has closed
                                failed = exc
            except Exception as exc:  # the transaction's or the pipeline's end
                raise _reported(failed, exc) from None
            if failed is not None:
                raise _reported(failed)
        return ids

    def _insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        """What a subclass writes in the same transaction, before the events."""

    @_retried
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        statement: Composed = self.select_events_statement
        params: list[Any] = [originator_id]
        for value, clause in (
            (gt, " AND originator_version > %s"),
            (lte, " AND originator_version <= %s"),
        ):
            if value is not None:
                params.append(value)
                statement += SQL(clause)
        statement += SQL(" ORDER BY originator_version" + (" DESC" if desc else " ASC"))
        if limit is not None:
            params.append(limit)
            statement += SQL(" LIMIT %s")
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement, params)
            return [StoredEvent(**_stored(row)) for row in curs.fetchall()]

    @_retried
    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        conditions: list[str] = []
        params: list[Any] = []
        if start is not None:
            conditions.append("notification_id>=%s" if inclusive_of_start else "notification_id>%s")
            params.append(start)
        if stop is not None:
            conditions.append("notification_id <= %s")
            params.append(stop)
        if topics:
            conditions.append("topic = ANY(%s)")
            params.append(list(topics))
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        params.append(limit)
        statement = SQL("SELECT * FROM {0}" + where + " ORDER BY notification_id LIMIT %s")
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement.format(self.table), params)
            return [
                Notification(id=row["notification_id"], **_stored(row)) for row in curs.fetchall()
            ]

    @_retried
    def max_notification_id(self) -> int | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.max_notification_id_statement)
            row = curs.fetchone()
            assert row is not None
            return row["max"]

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        raise NotImplementedError(_POOLED)


class Recorder(Attaching, EventsRecorder):
    """The one-shot recorder pdca uses: plus the attachments' rows."""


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    """A row's stored event's fields, as the library's recorder reads them."""
    return {
        "originator_id": row["originator_id"],
        "originator_version": row["originator_version"],
        "topic": row["topic"],
        "state": bytes(row["state"]),
    }


def _columns(stored_events: Sequence[StoredEvent]) -> tuple[list[Any], ...]:
    return (
        [e.originator_id for e in stored_events],
        [e.originator_version for e in stored_events],
        [e.topic for e in stored_events],
        [e.state for e in stored_events],
    )


_POOLED = "one-shot commands only record and read events; followers use eventsourcing.postgres"


class Factory(InfrastructureFactory[TrackingRecorder]):
    """``PERSISTENCE_MODULE=pdca.storage.pg_single:Factory``: the library's settings
    (``POSTGRES_DBNAME`` … as ``eventsourcing.postgres`` reads them, with the
    application's prefix first), for an application recorder on one connection."""

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        get = self.env.get
        password_topic = get("POSTGRES_GET_PASSWORD_TOPIC")
        self.datastore = Datastore(
            {
                "dbname": _required(get, "POSTGRES_DBNAME"),
                "host": _required(get, "POSTGRES_HOST"),
                "port": get("POSTGRES_PORT") or "5432",
                "user": _required(get, "POSTGRES_USER"),
                "password": "" if password_topic else _required(get, "POSTGRES_PASSWORD"),
                "connect_timeout": _number(get, "POSTGRES_CONNECT_TIMEOUT", 30),
            },
            schema=get("POSTGRES_SCHEMA") or "",
            lock_timeout=_number(get, "POSTGRES_LOCK_TIMEOUT", 0),
            idle_in_transaction_session_timeout=_number(
                get, "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", 5
            ),
            get_password=resolve_topic(password_topic) if password_topic else None,
        )

    def application_recorder(self) -> ApplicationRecorder:
        prefix = self.env.name.lower() or "stored"
        recorder = Recorder(self.datastore, events_table_name=f"{prefix}_events")
        if strtobool(self.env.get("CREATE_TABLE") or "yes"):
            recorder.create_table()
        return recorder

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        raise NotImplementedError(_POOLED)

    def tracking_recorder(self, tracking_recorder_class: Any = None) -> TrackingRecorder:
        raise NotImplementedError(_POOLED)

    def process_recorder(self) -> ProcessRecorder:
        raise NotImplementedError(_POOLED)

    def close(self) -> None:
        self.datastore.close()


def _required(get: Any, key: str) -> str:
    value = get(key)
    if value is None:
        raise OSError(f"Postgres setting not found in environment with key '{key}'")
    return str(value)


def _number(get: Any, key: str, default: int) -> int:
    text = get(key) or str(default)
    try:
        return int(text)
    except ValueError:
        raise OSError(
            f"Postgres environment value for key '{key}' is invalid. "
            f"If set, an integer or empty string is expected: '{text}'"
        ) from None

"""Runs projections: catch up from the tracked position, in pages, in batches.

The view rows of a batch and the projection's new position commit in one
transaction, so a crash never double-counts or skips an event. Positions live in
our own ``pdca_tracking`` table, one row per projection (the library's SQLite
tracking table is keyed by application name only, so two views would share it).

Two workers catching up the same projection serialise on its tracking row: each
batch first takes the row's write lock, then re-reads the position under it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from pdca.projections.api import Batch, Projection
from pdca.projections.facts import Fact, decode
from pdca.store import Database

PAGE_SIZE = 5000

_tracking_metadata = MetaData()
tracking = Table(
    "pdca_tracking",
    _tracking_metadata,
    Column("projection", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True)),
    Column("last_error", Text),
)


def engine_for(database: Database) -> Engine:
    if database.kind == "sqlite":
        return create_engine(database.sqlalchemy_url(), connect_args={"timeout": 30})
    options = {"options": f"-csearch_path={database.schema}"} if database.schema else {}
    return create_engine(database.sqlalchemy_url(), connect_args=options, pool_size=2)


class _StoreHistory:
    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder

    def facts_of(self, originator_id: UUID) -> list[Fact]:
        return [
            decode(0, e.originator_id, e.originator_version, e.topic, e.state)
            for e in self.recorder.select_events(originator_id)
        ]


@dataclass(frozen=True)
class Status:
    name: str
    position: int
    head: int
    version: int
    last_error: str | None

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class Runtime:
    def __init__(
        self, database: Database, recorder: Any, projections: Iterable[Projection]
    ) -> None:
        self.engine = engine_for(database)
        self.recorder = recorder
        self.projections = {p.name: p for p in projections}

    def create_tables(self) -> None:
        with self.engine.begin() as conn:
            _tracking_metadata.create_all(conn)
            for projection in self.projections.values():
                for table in projection.tables:
                    table.create(conn, checkfirst=True)
                self._ensure_tracking_row(conn, projection)

    def catch_up(self, name: str, page_size: int = PAGE_SIZE) -> int:
        """Apply every event after the tracked position; return how many were read."""
        projection = self.projections[name]
        self.create_tables_for(projection)
        head = self.recorder.max_notification_id() or 0
        processed = 0
        while True:
            with self.engine.begin() as conn:
                position = self._lock_position(conn, projection)
                if position >= head:
                    return processed
                notifications = self.recorder.select_notifications(
                    start=position + 1, limit=page_size, stop=head
                )
                batch = Batch(conn)
                for n in notifications:
                    projection.handle(
                        decode(n.id, n.originator_id, n.originator_version, n.topic, n.state), batch
                    )
                projection.end_batch(batch, _StoreHistory(self.recorder))
                batch.flush()
                # Notification ids can have gaps (PostgreSQL): a short page means
                # everything up to ``head`` has been read.
                new_position = notifications[-1].id if len(notifications) == page_size else head
                self._set_position(conn, projection, new_position)
                processed += len(notifications)

    def create_tables_for(self, projection: Projection) -> None:
        with self.engine.begin() as conn:
            _tracking_metadata.create_all(conn)
            for table in projection.tables:
                table.create(conn, checkfirst=True)
            self._ensure_tracking_row(conn, projection)

    def status(self) -> list[Status]:
        head = self.recorder.max_notification_id() or 0
        with self.engine.begin() as conn:
            _tracking_metadata.create_all(conn)
            rows = {r.projection: r for r in conn.execute(select(tracking))}
        return [
            Status(
                name,
                rows[name].position if name in rows else 0,
                head,
                rows[name].version if name in rows else 0,
                rows[name].last_error if name in rows else None,
            )
            for name in self.projections
        ]

    def _ensure_tracking_row(self, conn: Connection, projection: Projection) -> None:
        row = conn.execute(select(tracking).where(tracking.c.projection == projection.name)).first()
        if row is None:
            conn.execute(
                tracking.insert().values(
                    projection=projection.name, position=0, version=projection.version
                )
            )
        elif row.version != projection.version:
            # The projection's code changed shape: its rows are rebuilt from zero.
            for table in projection.tables:
                table.drop(conn, checkfirst=True)
                table.create(conn)
            conn.execute(
                update(tracking)
                .where(tracking.c.projection == projection.name)
                .values(position=0, version=projection.version, last_error=None)
            )

    def _lock_position(self, conn: Connection, projection: Projection) -> int:
        # An UPDATE takes the row's write lock on PostgreSQL and the database's
        # write lock on SQLite, before the position is read.
        conn.execute(
            update(tracking)
            .where(tracking.c.projection == projection.name)
            .values(position=tracking.c.position)
        )
        return conn.execute(
            select(tracking.c.position).where(tracking.c.projection == projection.name)
        ).scalar_one()

    def _set_position(self, conn: Connection, projection: Projection, position: int) -> None:
        conn.execute(
            update(tracking)
            .where(tracking.c.projection == projection.name)
            .values(position=position, updated_at=datetime.now(UTC), last_error=None)
        )

"""Runs projections: catch up from the tracked position, in pages, in batches.

One pass reads the notification log once for every projection asked for, decodes
each event once (and only if some projection handles its type), and hands it to
each projection still behind it. A batch closes after ``batch_events`` events or
``batch_seconds`` (a rebuild's after ``batch_events`` alone); its rows and every
projection's new position then commit in one transaction, so a crash never
double-counts or skips an event, and a killed rebuild resumes where its last batch
committed. A rebuild writes a changed cycle's rows at the batch holding its last event
(``Batch.settled``): its tables are served only once complete.

Positions live in our own ``pdca_tracking`` table, one row per projection (the
library's SQLite tracking table is keyed by application name only, so two views
would share it). Workers serialise on those rows: each batch first takes their
write locks, then re-reads the positions under them, so two workers on different
machines never apply the same event twice.

Only ``pdca init`` and the admin's ``projections rebuild``/``run`` create, drop or
re-create tables (``create_tables``, ``rebuild``, ``catch_up``); a rebuild (and a new
version) is built aside and swapped in whole (``pdca.projections.aside``). The admin's
own projection files are imported only by those commands and only while the folder
matches its registration (``vouch``); a read serves their tables from what was
recorded of them (``pdca.projections.recorded``) and never runs them. A read goes through
``refresh``: it catches the views up when its connection may write, and otherwise
— a SELECT-only PostgreSQL login, a read-only SQLite file — serves what the views
hold and says how far behind they are (``notices``); a view whose definition
changed since its tables were built is served as stored and said to need a rebuild.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
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
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from pdca.errors import NotFound, PdcaError, SchemeInvalid, StorageError, one_of
from pdca.projections import aside, recorded
from pdca.projections.api import Batch, Projection
from pdca.projections.decoding import Fact, decode, event_type, topics_of
from pdca.projections.failures import located
from pdca.projections.folds import CycleFolds
from pdca.storage import group_roles
from pdca.storage.database import Database, pool_size
from pdca.storage.failures import cannot_write
from pdca.storage.plaintext import plain_state

PAGE_SIZE = 2000
# A batch's changed cycles are scored once at its end, so longer batches score less
# often; but measured here, batches beyond about a second got slower again (a larger
# write set on SQLite), and on SQLite a batch holds the write lock for that long.
# A rebuild scores each cycle once whatever its batches (``Batch.settled``): its
# batches close by events alone (measured at 110k events: 5,000-event batches cost 8 %
# more CPU than 50,000-event ones), and a smaller ``batch_events`` shortens the lock.
BATCH_EVENTS = 50_000
BATCH_SECONDS = 1.0

Progress = Callable[[int, int], None]  # (position, head)

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

#: One statement object, so its compiled form is found again on every pass.
_ALL_TRACKED = select(tracking)


class ProjectionFailed(PdcaError):
    """A projection's handler raised: its batch was rolled back, its position kept."""

    exit_code = 5


class _Moved(Exception):
    """Another worker committed a view while this batch was being computed (SQLite)."""


class _HandlerFailed(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name, self.message = name, message


def engine_for(database: Database) -> Engine:
    if database.kind == "sqlite":
        return create_engine(database.sqlalchemy_url(), connect_args={"timeout": 30})
    options = {"options": f"-csearch_path={database.schema}"} if database.schema else {}
    size = int(pool_size())
    return create_engine(database.sqlalchemy_url(), connect_args=options, pool_size=size)


class StoreHistory:
    """One aggregate's stored events, decoded like the notification log's."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder

    def facts_of(self, originator_id: UUID, upto: int | None = None) -> list[Fact]:
        return [
            decode(0, e.originator_id, e.originator_version, e.topic, e.state)
            for e in self.recorder.select_events(originator_id, lte=upto)
        ]


@dataclass(frozen=True)
class Status:
    name: str
    title: str
    source: str
    position: int
    head: int
    version: int
    updated_at: datetime | None
    last_error: str | None

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


class Runtime:
    def __init__(
        self,
        database: Database,
        recorder: Any,
        projections: Iterable[Projection],
        workspace_dir: Path | None = None,
        cipher: Any = None,
        zone: tzinfo = UTC,
        vouch: Callable[[Path], dict[str, str]] | None = None,
    ) -> None:
        self.engine = engine_for(database)
        self.zone = zone  # the database's: handed to each batch (``Batch.zone``)
        self.recorder = recorder
        self.cipher = cipher
        self._kind = database.kind
        # A batch computes before it locks only where it may write (``_advance``): a
        # read-only file fails at the lock, before any work, as on PostgreSQL.
        self._optimistic = database.kind == "sqlite" and not database.read_only()
        self._events_table = recorder.events_table_name
        self.projections = {p.name: p for p in projections}
        self.sources = dict.fromkeys(self.projections, "内置")
        # An admin's projections are loaded only when asked for, so a broken file
        # in projections/ never stops the built-in views (or ``pdca ranking``).
        self._workspace_dir = workspace_dir
        # Refuses a folder that differs from the admin's registration, before any of
        # its files is imported (the application's ``projection_files.vouch``).
        self._vouch = vouch
        self.builtin = frozenset(self.projections)
        self.folds = CycleFolds(StoreHistory(recorder))
        # Tuning knobs, also for tests: a pause between batches lets writers in on a
        # busy SQLite file, and small batches make a rebuild easy to interrupt.
        self.batch_events = int(_env_number("PDCA_PROJECTION_BATCH_EVENTS", BATCH_EVENTS))
        self.batch_seconds = _env_number("PDCA_PROJECTION_BATCH_SECONDS", BATCH_SECONDS)
        self.pause = _env_number("PDCA_PROJECTION_PAUSE", 0.0)
        self._prepared: set[str] = set()
        # PostgreSQL: view tables are created and dropped as the database's admin group
        # role, so they belong to it and its default privileges reach them
        # (``pdca.storage.group_roles``); None until asked whether this login may.
        self._admin_role = (
            group_roles.names(database.dbname, database.schema or "public")["admin"]
            if database.kind == "postgresql"
            else None
        )
        self._as_admin: bool | None = None if self._admin_role else False
        # What a read could not do, said once per command (``notices``).
        self._behind = 0
        self._outdated: dict[str, tuple[int, int]] = {}
        self._lagging: dict[str, int] = {}
        # A server's reads: one background thread follows the views (``pdca serve``), so
        # a read serves what they hold and never takes the tracking rows' locks.
        self.followed = False
        # Set when this process stores an event (``PdcaApplication._notify``): the
        # follower wakes at once instead of at its next poll. Other processes writing
        # to the same database are picked up by the poll.
        self.stored = threading.Event()

    # ---- set-up: init and the admin's rebuild/run only ------------------------------

    def create_tables(self, include_workspace: bool = False) -> None:
        """Create every view's tables (``pdca init``); with ``include_workspace`` also those
        of the admin's projections that load — a broken file is named when it is used."""
        if include_workspace:
            with contextlib.suppress(SchemeInvalid):
                self.load_workspace()
        for projection in self.projections.values():
            self._prepare(projection)

    def _prepare(self, projection: Projection) -> None:
        if projection.name in self._prepared:
            return
        # Two workers starting together may both find a table missing and both create
        # it; the loser's CREATE fails, and the next attempt finds the table there.
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    self._become_admin(conn)
                    self._create(conn, projection)
                break
            except DBAPIError:
                if attempt == 2:
                    raise
                time.sleep(0.05 * (attempt + 1))
        self._prepared.add(projection.name)

    def _create(self, conn: Connection, projection: Projection) -> None:
        _tracking_metadata.create_all(conn)
        for table in projection.tables:
            table.create(conn, checkfirst=True)
        row = conn.execute(select(tracking).where(tracking.c.projection == projection.name)).first()
        if row is None:
            conn.execute(
                tracking.insert().values(
                    projection=projection.name, position=0, version=projection.version
                )
            )
        # A version that changed is rebuilt aside by the admin's run (``catch_up``);
        # until then the reads serve the old tables and say so.

    def _become_admin(self, conn: Connection) -> None:
        """For the rest of this transaction, act as the admin group role when the login
        may (an admin login, the owner), so the tables it creates belong to that role;
        otherwise as itself (SQLite, a database whose roles a DBA has not set up yet, a
        worker or writer — which then may not create or drop tables)."""
        if self._as_admin is None:
            query = text(
                "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :role "
                "AND pg_has_role(oid, 'MEMBER'))"
            )
            self._as_admin = bool(conn.execute(query, {"role": self._admin_role}).scalar())
        if self._as_admin:
            conn.execute(text(f'SET LOCAL ROLE "{self._admin_role}"'))

    def load_workspace(self, check: bool = True) -> None:
        """Add the projections defined in the workspace's ``projections/`` folder: the
        admin's commands and the worker only. The folder must match its registration
        (else refused, naming the file); what the files define is recorded for the reads."""
        directory = self._workspace_dir
        if directory is None:
            return
        trusted = self._vouch(directory) if check and self._vouch is not None else None
        self._workspace_dir = None
        from pdca.projections.loader import load_directory

        tables = {t.name for p in self.projections.values() for t in p.tables}
        loaded = load_directory(directory, set(self.projections), tables, trusted)
        for projection, path in loaded:
            self.projections[projection.name] = projection
            self.sources[projection.name] = f"projections/{path.name}"
        self.record_workspace()

    def record_workspace(self) -> None:
        """Write what the loaded workspace projections are, for the reads."""
        mine = [p for name, p in self.projections.items() if name not in self.builtin]
        # Two workers starting together may both write it: the loser's insert collides
        # with the same rows, already there.
        with contextlib.suppress(IntegrityError), self.engine.begin() as conn:
            self._become_admin(conn)
            recorded.write(
                conn,
                [(p.name, self.sources[p.name], p.title, p.version, p.tables) for p in mine],
            )

    def names(self) -> list[str]:
        """The projections an admin's command may run (the workspace's once loaded)."""
        return list(self.projections)

    def get(self, name: str) -> Projection:
        """A projection to run: built in, or (the admin's commands) the workspace's."""
        if name not in self.projections:
            self.load_workspace()
        try:
            return self.projections[name]
        except KeyError:
            raise NotFound(f"没有名为 {name} 的投影；可用：{one_of(self.projections)}") from None

    def listed(self) -> list[recorded.Recorded]:
        """Every projection as a read sees it — never importing a workspace file: the
        built-in ones, then the workspace's as an admin's command last recorded them."""
        found = [
            recorded.Recorded(p.name, self.sources[p.name], p.title, p.version, p.tables)
            for p in self.projections.values()
        ]
        if self._workspace_dir is not None:  # not loaded here: as recorded
            with self.engine.connect() as conn:
                found += [r for r in recorded.read(conn) if r.name not in self.projections]
        return found

    # ---- running --------------------------------------------------------------------

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def behind(self, name: str) -> int:
        """How many events of the log the view ``name`` has not applied yet (a read)."""
        row = self._tracked().get(name)
        return self._events_after(row.position if row else 0)

    def rebuild(
        self, *names: str, progress: Progress | None = None, until: int | None = None
    ) -> int:
        """Apply the whole history again into tables aside, then swap them in: until
        then (and if it fails) the reads serve the previous tables."""
        chosen = sorted((self.get(n) for n in names), key=lambda p: p.name)
        for projection in chosen:
            self._prepare(projection)
        with self.engine.begin() as conn:
            self._become_admin(conn)
            for projection in chosen:
                aside.begin(conn, projection.name, projection.version, projection.tables)
        return self._build_aside(chosen, progress, until, lambda: False)

    def catch_up(
        self,
        *names: str,
        progress: Progress | None = None,
        until: int | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> int:
        """Apply every event after each projection's position, up to the head as it is
        now (or to ``until``); return how many events were read. Creates a missing
        view's tables, rebuilds (aside) one whose version changed, and finishes a
        rebuild that was interrupted: the admin's ``run`` and the worker."""
        chosen = sorted((self.get(n) for n in names), key=lambda p: p.name)
        for projection in chosen:
            self._prepare(projection)
        with self.engine.connect() as conn:
            unfinished = aside.pending(conn)
        tracked = self._tracked()
        rebuilt, live = [], []
        for projection in chosen:
            if unfinished.get(projection.name, (0, None))[1] == projection.version:
                rebuilt.append(projection)  # a rebuild killed half-way goes on
            elif tracked[projection.name].version != projection.version:
                with self.engine.begin() as conn:
                    self._become_admin(conn)
                    aside.begin(conn, projection.name, projection.version, projection.tables)
                rebuilt.append(projection)
            else:
                live.append(projection)
        read = 0
        if rebuilt:
            read += self._build_aside(rebuilt, progress, until, should_stop)
        if live:
            read += self._advance(live, progress, until, should_stop)
        return read

    def refresh(self, *names: str) -> None:
        """Before a read: bring these views up to date if this connection may write.

        Never creates, drops or re-creates a table. A view that was never built is
        refused; one whose version changed is served as stored (noted, not caught up:
        new code must not fold events into an old table); and when the database lets
        this login only read, the views are served as they are, noting how far behind.
        A workspace projection is never run by a read: its tables are served as its
        last admin run or worker left them, noting how far behind they are."""
        tracked = self._tracked()
        for name in names:
            if name not in self.builtin:
                self._note_lag(name, tracked)
        chosen = sorted((self.get(n) for n in names if n in self.builtin), key=lambda p: p.name)
        current = []
        for projection in chosen:
            row = tracked.get(projection.name)
            if row is None:
                raise StorageError(
                    f"视图 {projection.name} 尚未建立（数据库中没有它的表）；"
                    f"管理员运行：pdca projections rebuild {projection.name}"
                )
            if row.version != projection.version:
                self._outdated[projection.name] = (row.version, projection.version)
            else:
                current.append(projection)
        if not current or self.followed:
            return
        try:
            self._advance(current, None, None, lambda: False)
        except DBAPIError as exc:
            if not cannot_write(exc):
                raise
            start = min(tracked[p.name].position for p in current)
            self._behind = max(self._behind, self._events_after(start))

    def _note_lag(self, name: str, tracked: dict[str, Any]) -> None:
        row = tracked.get(name)
        if row is None:
            raise StorageError(
                f"视图 {name} 尚未建立（数据库中没有它的表）；管理员运行：pdca projections rebuild {name}"
            )
        version = next((r.version for r in self.listed() if r.name == name), row.version)
        if row.version != version:
            self._outdated[name] = (row.version, version)
            return
        lag = self._events_after(row.position)
        if lag:
            self._lagging[name] = lag

    def rows(self, projection: str, query: Any) -> list[dict[str, Any]]:
        """The rows ``query`` reads from ``projection``'s tables (after ``refresh``)."""
        try:
            with self.engine.connect() as conn:
                return [dict(r) for r in conn.execute(query).mappings()]
        except DBAPIError:
            if projection not in self._outdated:
                raise
            old, new = self._outdated.pop(projection)
            raise StorageError(
                f"视图 {projection} 的定义已更新（版本 {old} → {new}），旧表无法按新定义读取；"
                f"管理员运行：pdca projections rebuild {projection}"
            ) from None

    def notices(self) -> list[str]:
        """One line each for what the reads of this command could not do."""
        lines = [
            f"视图 {name} 的定义已更新（版本 {old} → {new}），尚未重建，所示为旧版视图的内容；"
            f"管理员运行：pdca projections rebuild {name}"
            for name, (old, new) in self._outdated.items()
        ]
        lines += [
            f"视图 {name} 落后 {lag} 个事件（读取命令不运行工作区的投影；"
            f"管理员运行 pdca projections run {name}，或由 projections run --follow 追上）"
            for name, lag in self._lagging.items()
        ]
        if self._behind:
            lines.insert(
                0,
                f"视图落后 {self._behind} 个事件（当前数据库连接只能读取，无法追上事件日志；"
                "所示为视图已有的内容）",
            )
        return lines

    def _tracked(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return {r.projection: r for r in conn.execute(select(tracking))}

    def _events_after(self, position: int) -> int:
        column = "rowid" if self._kind == "sqlite" else "notification_id"
        query = text(f"SELECT count(*) FROM {self._events_table} WHERE {column} > :position")
        with self.engine.connect() as conn:
            return int(conn.execute(query, {"position": position}).scalar_one())

    def _advance(
        self,
        chosen: list[Projection],
        progress: Progress | None,
        until: int | None,
        should_stop: Callable[[], bool],
    ) -> int:
        head = self.head() if until is None else min(self.head(), until)
        topics = topics_of(t for p in chosen for t in p.handlers)
        processed = 0
        while not should_stop():
            try:
                with self.engine.begin() as conn:
                    if self._optimistic:
                        # SQLite has one write lock for the whole file: a batch takes it
                        # only to write, and first checks nobody moved on meanwhile.
                        seen = self._seen(conn, chosen)
                        positions = {name: row[0] for name, row in seen.items()}
                        unmoved: Callable[[], None] | None = partial(self._unmoved, conn, seen)
                    else:
                        positions = {p.name: self._lock(conn, p) for p in chosen}
                        unmoved = None
                    start = min(positions.values(), default=head)
                    if start >= head:
                        return processed
                    behind = [p for p in chosen if positions[p.name] < head]
                    read, position = self._batch(
                        conn, behind, positions, start, head, topics, before_writing=unmoved
                    )
                    self._set_positions(conn, behind, position)
            except _Moved:
                continue  # rolled back: read again from where the other worker got to
            except _HandlerFailed as failure:
                # Recorded once the batch's transaction has rolled back and let go of
                # its locks.
                self._record_error(failure.name, failure.message)
                raise ProjectionFailed(failure.message + "；本批已回滚，位置未变") from failure
            processed += read
            if progress is not None:
                progress(position, head)
            if self.pause:
                time.sleep(self.pause)
        return processed

    def _build_aside(
        self,
        chosen: list[Projection],
        progress: Progress | None,
        until: int | None,
        should_stop: Callable[[], bool],
    ) -> int:
        """Fold the history into the aside tables batch by batch (their progress in
        ``pdca_rebuilding``), then swap them in. Stopped or killed, the rebuild is left
        to go on at the next ``run``; a handler's failure discards it. Either way the
        served tables and their positions are as they were."""
        head = self.head() if until is None else min(self.head(), until)
        topics = topics_of(t for p in chosen for t in p.handlers)
        processed = 0
        try:
            while True:
                if should_stop():
                    return processed
                with self.engine.begin() as conn:
                    positions = self._lock_aside(conn, chosen)
                    start = min(positions.values())
                    if start >= head:
                        break
                    behind = [p for p in chosen if positions[p.name] < head]
                    read, position = self._batch(
                        conn, behind, positions, start, head, topics, building_aside=True
                    )
                    self._set_aside(conn, behind, position)
                processed += read
                if progress is not None:
                    progress(position, head)
                if self.pause:
                    time.sleep(self.pause)
            processed += self._swap(chosen, until, topics)
        except _HandlerFailed as failure:
            with self.engine.begin() as conn:
                self._become_admin(conn)
                for projection in chosen:
                    aside.discard(conn, projection.name, projection.tables)
            self._record_error(failure.name, failure.message)
            raise ProjectionFailed(
                failure.message + "；重建未完成，已回滚：原有的表照常提供查询，位置未变"
            ) from failure
        return processed

    def _swap(self, chosen: list[Projection], until: int | None, topics: Sequence[str]) -> int:
        """One transaction: hold the served positions, fold what was stored since the
        last aside batch, and copy the aside rows into the served tables."""
        processed = 0
        with self.engine.begin() as conn:
            self._become_admin(conn)  # PostgreSQL only: SQLite's transaction opens below
            # The UPDATE comes first: on SQLite it opens the transaction (and takes the
            # write lock), so the DDL below is inside it and no event lands meanwhile.
            for projection in chosen:
                self._lock(conn, projection)
            versions = {
                r.projection: r.version
                for r in conn.execute(
                    select(tracking).where(tracking.c.projection.in_([p.name for p in chosen]))
                )
            }
            positions = self._lock_aside(conn, chosen)
            head = self.head() if until is None else min(self.head(), until)
            head = max(head, max(positions.values()))
            while min(positions.values()) < head:
                start = min(positions.values())
                behind = [p for p in chosen if positions[p.name] < head]
                read, position = self._batch(
                    conn, behind, positions, start, head, topics, building_aside=True
                )
                positions.update(dict.fromkeys((p.name for p in behind), position))
                processed += read
            for projection in chosen:
                aside.swap(
                    conn,
                    projection.name,
                    projection.tables,
                    same_shape=versions.get(projection.name) == projection.version,
                )
                conn.execute(
                    update(tracking)
                    .where(tracking.c.projection == projection.name)
                    .values(
                        position=positions[projection.name],
                        version=projection.version,
                        updated_at=datetime.now(UTC),
                        last_error=None,
                    )
                )
        return processed

    def _lock_aside(self, conn: Connection, chosen: list[Projection]) -> dict[str, int]:
        names = [p.name for p in chosen]
        where = aside.rebuilding.c.projection.in_(names)
        conn.execute(
            update(aside.rebuilding).where(where).values(position=aside.rebuilding.c.position)
        )
        found = {
            r.projection: r.position for r in conn.execute(select(aside.rebuilding).where(where))
        }
        missing = [n for n in names if n not in found]
        if missing:
            # Another admin's rebuild of the same view swapped it in (or failed) meanwhile.
            raise StorageError(
                f"投影 {one_of(missing)} 的重建已被另一个重建结束；请重新运行 pdca projections rebuild"
            )
        return found

    def _seen(self, conn: Connection, chosen: list[Projection]) -> dict[str, tuple[Any, ...]]:
        """The tracking rows of ``chosen`` as they are now, read without a lock."""
        names = {p.name for p in chosen}
        return {
            r.projection: (r.position, r.version, r.updated_at)
            for r in conn.execute(_ALL_TRACKED)
            if r.projection in names
        }

    def _unmoved(self, conn: Connection, seen: dict[str, tuple[Any, ...]]) -> None:
        """Take the write lock (the first write of the transaction), then make sure no
        other worker committed these views since they were ``seen``: every commit to a
        view changes its tracking row. Raises ``_Moved`` when one did."""
        conn.execute(
            update(tracking)
            .where(tracking.c.projection.in_(list(seen)))
            .values(position=tracking.c.position)
        )
        if self._seen(conn, [self.projections[n] for n in seen]) != seen:
            raise _Moved

    def _set_aside(self, conn: Connection, projections: list[Projection], position: int) -> None:
        conn.execute(
            update(aside.rebuilding)
            .where(aside.rebuilding.c.projection.in_([p.name for p in projections]))
            .values(position=position)
        )

    def _batch(
        self,
        conn: Connection,
        projections: list[Projection],
        positions: dict[str, int],
        start: int,
        head: int,
        topics: Sequence[str],
        building_aside: bool = False,
        before_writing: Callable[[], None] | None = None,
    ) -> tuple[int, int]:
        batches = {
            p.name: Batch(
                conn,
                self.folds,
                self.zone,
                {t.name: aside.copy_of(t) for t in p.tables} if building_aside else None,
                self._continued(conn, head, topics_of(p.handlers)) if building_aside else None,
            )
            for p in projections
        }
        self.folds.begin_batch()
        for projection in projections:
            projection.begin_batch()
        # Building aside, a batch is closed by its events only: its changed cycles are
        # written once at their last event (``Batch.settled``), so the wall clock no
        # longer decides how often a cycle is scored (a loaded machine made batches small).
        deadline = time.monotonic() + (self.batch_seconds if not building_aside else 1e9)
        position, read = start, 0
        current: Projection | None = None
        n: Any = None
        try:
            while position < head and read < self.batch_events and time.monotonic() < deadline:
                limit = min(PAGE_SIZE, self.batch_events - read)
                page = self._page(conn, position, head, limit, topics)
                for n in page:
                    kind = event_type(n[3])
                    fact = None
                    for current in projections:
                        if positions[current.name] < n[0] and current.wants(kind):
                            if fact is None:
                                fact = decode(n[0], n[1], n[2], n[3], self._plain(n[4]))
                            current.handle(fact, batches[current.name])
                # Notification ids can have gaps (rolled-back inserts on PostgreSQL),
                # and a topic filter skips rows: a short page means all up to ``head``.
                position = page[-1][0] if len(page) == limit else head
                read += len(page)
            n = None
            for current in projections:
                current.end_batch(batches[current.name])
            if before_writing is not None:
                before_writing()
            for current in projections:
                batches[current.name].flush()
        except _Moved:
            raise
        except Exception as exc:
            name = current.name if current is not None else "?"
            where = f"事件 {n[0]}（{event_type(n[3])}）" if n is not None else "批末计算"
            what = (
                located(exc, current, self._shown_source(current))
                if current is not None
                else f"{type(exc).__name__} {exc}"
            )
            raise _HandlerFailed(name, f"投影 {name} 在{where}处出错：{what}") from exc
        return read, position

    def _continued(
        self, conn: Connection, head: int, topics: Sequence[str]
    ) -> Callable[[dict[UUID, int]], set[UUID]]:
        """For a batch built aside: which of the aggregates asked about (id → version)
        have a later event of ``topics`` stored at or before ``head`` (one indexed probe
        each, on the store's (originator id, version) key)."""
        table, sqlite = self._events_table, self._kind == "sqlite"

        def continued(versions: dict[UUID, int]) -> set[UUID]:
            found: set[UUID] = set()
            pairs = list(versions.items())
            for start in range(0, len(pairs), 400):
                chunk = pairs[start : start + 400]
                if sqlite:
                    keys = ", ".join("(?, ?)" for _ in chunk)
                    params: list[Any] = [x for oid, v in chunk for x in (oid.hex, v)]
                    where = "e.originator_id = k.id AND e.originator_version > k.v AND e.rowid <= ?"
                    sql = f"WITH k(id, v) AS (VALUES {keys}) SELECT k.id FROM k WHERE EXISTS (SELECT 1 FROM {table} e WHERE {where}"
                    params.append(head)
                    if topics:
                        sql += f" AND e.topic IN ({', '.join('?' * len(topics))})"
                        params += list(topics)
                else:
                    sql = f"SELECT k.id FROM unnest(%s::uuid[], %s::bigint[]) AS k(id, v) WHERE EXISTS (SELECT 1 FROM {table} e WHERE e.originator_id = k.id AND e.originator_version > k.v AND e.notification_id <= %s"
                    params = [[oid for oid, _ in chunk], [v for _, v in chunk], head]
                    if topics:
                        sql += " AND e.topic = ANY(%s)"
                        params.append(list(topics))
                rows = conn.connection.driver_connection.execute(sql + ")", params).fetchall()
                found.update(r[0] if isinstance(r[0], UUID) else UUID(r[0]) for r in rows)
            return found

        return continued

    def _page(
        self, conn: Connection, after: int, head: int, limit: int, topics: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """A page of the notification log: (id, originator id, version, topic, state).

        Read with the batch's own connection and plain DB-API rows: building the
        library's notification objects (and a UUID per row) cost a fifth of a rebuild.
        The query is the library's ``select_notifications``, on its own table."""
        table = self._events_table
        if self._kind == "sqlite":
            sql = f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} WHERE rowid > ? AND rowid <= ?"
            params: list[Any] = [after, head]
            if topics:
                # ``+topic``: filter by topic, never search by it. The topic index
                # (``storage/topic_index.py``) would make each page sort every later row.
                sql += f" AND +topic IN ({', '.join('?' * len(topics))})"
                params += list(topics)
            sql += " ORDER BY rowid LIMIT ?"
        else:
            sql = f"SELECT notification_id, originator_id, originator_version, topic, state FROM {table} WHERE notification_id > %s AND notification_id <= %s"
            params = [after, head]
            if topics:
                sql += " AND (topic || '') = ANY(%s)"  # the same, on PostgreSQL
                params.append(list(topics))
            sql += " ORDER BY notification_id LIMIT %s"
        params.append(limit)
        return list(conn.connection.driver_connection.execute(sql, params).fetchall())

    def _shown_source(self, projection: Projection) -> str:
        if projection.name in self.builtin:
            from pdca.projections.failures import shown_path

            return shown_path(projection)
        return self.sources[projection.name]

    def _plain(self, state: Any) -> bytes:
        return plain_state(state, self.cipher)

    def _record_error(self, name: str, message: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(tracking).where(tracking.c.projection == name).values(last_error=message)
            )

    def _lock(self, conn: Connection, projection: Projection) -> int:
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

    def _set_positions(self, conn: Connection, chosen: list[Projection], position: int) -> None:
        conn.execute(
            update(tracking)
            .where(tracking.c.projection.in_([p.name for p in chosen]))
            .values(position=position, updated_at=datetime.now(UTC), last_error=None)
        )

    def follow(
        self,
        *names: str,
        interval: float = 0.5,
        should_stop: Callable[[], bool] = lambda: False,
        progress: Progress | None = None,
        gap: float = 0.0,
    ) -> int:
        """Catch up, then keep applying new events as they are stored, until stopped.

        Polls on both databases: a poll is one indexed ``max(id)`` query, and new
        events are picked up within ``interval`` seconds — at once when this process
        stored them (``stored``). ``gap``: the least time between two passes that
        found events, so that busy writers' events are applied a batch at a time (each
        pass has a cost of its own, whatever it applies)."""
        processed = 0
        while not should_stop():
            self.stored.clear()  # what is stored from here on is read by the next pass
            read = self.catch_up(*names, progress=progress, should_stop=should_stop)
            processed += read
            # After an empty pass, the next store of this process wakes it; after one
            # that applied events, only time does (an event never set).
            waker = threading.Event() if read else self.stored
            end = time.monotonic() + (gap if read else interval)
            while not should_stop() and (left := end - time.monotonic()) > 0:
                if waker.wait(min(0.05, left)):
                    break
        return processed

    # ---- reading --------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        """Each tracked projection's position (one small read, no lock)."""
        return {name: row.position for name, row in self._tracked().items()}

    def status(self) -> list[Status]:
        """Every projection's progress, as recorded (a read: nothing is imported)."""
        head = self.head()
        rows = self._tracked()  # a read: a database without the table is not initialised
        result = []
        for projection in self.listed():
            name = projection.name
            row = rows.get(name)
            result.append(
                Status(
                    name,
                    projection.title,
                    projection.source,
                    row.position if row else 0,
                    head,
                    row.version if row else 0,
                    row.updated_at if row else None,
                    row.last_error if row else None,
                )
            )
        return result

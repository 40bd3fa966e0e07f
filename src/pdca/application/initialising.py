"""Setting up a workspace and its database (``pdca init``): a database that already
exists is checked before any file is written (its time zone included); then the event
tables, the marker that ties the database to this pdca (to its cipher key and its time
zone), the projections' tables and the ballot box.
Running it again on a workspace keeps what is there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pdca.application import clock, logins, safeguards
from pdca.application.service import PdcaApplication
from pdca.application.workspace import Workspace, create_workspace, planned_workspace
from pdca.storage import meta, topic_index


@dataclass(frozen=True)
class Initialised:
    app: PdcaApplication  # open on the workspace; the caller closes it
    workspace: Workspace
    key_variable: str | None  # where the events' cipher key is read from, if encrypted
    time_zone: str  # the database's zone (an IANA name)
    owner: str  # the login that may create the first account (pdca account add)
    # PostgreSQL: what the owner's init set up (triggers, group roles), or, for a login
    # that does not own the database, the owner's name (the database was left alone).
    safeguards: safeguards.Safeguards | None = None
    joined_owner: str | None = None


def initialise(root: Path, db_url: str | None, time_zone: str | None = None) -> Initialised:
    """``time_zone``: the zone a new database keeps (default Asia/Shanghai); on an
    existing database it must be the zone it has."""
    if time_zone is not None:
        clock.zone_named(time_zone)  # a misspelt zone refuses before anything is touched
    # A database that cannot be reached or is not ours refuses before any file is written;
    # so does one whose time zone is not the one asked for.
    planned = planned_workspace(root, db_url)
    owner = None
    if planned.database_exists():
        existing = PdcaApplication(planned, initialised=False)
        try:
            clock.for_init(existing.marker.read(), time_zone, _holds_events(existing))
            owner = safeguards.joining(existing)
        finally:
            existing.close()
    workspace = create_workspace(root, db_url)
    if owner is not None:
        return _join(workspace, owner)
    app = PdcaApplication(workspace, create_tables=True)
    try:
        cipher = app.mapper.cipher
        events = app.recorder.max_notification_id() or 0
        zone = clock.for_init(app.marker.read(), time_zone, bool(events)).key
        from pdca.application.identity import database_principal

        principal = database_principal(workspace.database, app.recorder)
        owner = meta.initialise(app.marker, cipher, events, zone, principal)
        app.use_zone(zone)
        # verify finds a period's rounds by topic; an old database gains it here.
        topic_index.create(app.recorder, workspace.database.kind)
        app.ballot_box().create_table()  # here, by the owner: a writer may not create tables
        from pdca.application.attaching import store

        store(app).create_table()
        logins.create_tables(app)  # the web's passwords and sessions, outside the history
        from pdca.application.cycle_loading import snapshots

        snapshots(app).create_table()  # by the owner; append-only (safeguards) below
        # After the owner's tables (the group roles' grants reach them), before the views
        # (created as the admin group role).
        guarded = safeguards.install(app)
        app.projection_runtime().create_tables(include_workspace=True)
    except BaseException:
        app.close()
        raise
    key = meta.KEY_VARIABLE if cipher is not None else None
    return Initialised(app, workspace, key, zone, owner, safeguards=guarded)


def _join(workspace: Workspace, table_owner: str) -> Initialised:
    """A workspace folder on a PostgreSQL database another login owns: its tables,
    marker and roles are the owner's to change, so nothing is written there."""
    app = PdcaApplication(workspace)
    key = meta.KEY_VARIABLE if app.mapper.cipher is not None else None
    owner = app.marker.read().get(meta.OWNER) or table_owner
    return Initialised(app, workspace, key, app.clock.zone.key, owner, joined_owner=table_owner)


def _holds_events(app: PdcaApplication) -> bool:
    """Whether a database not yet set up by this ``init`` holds events (a server's schema
    may have no event table yet: then it holds none)."""
    from eventsourcing.persistence import PersistenceError

    try:
        return bool(app.recorder.max_notification_id())
    except PersistenceError:
        return False


def roles_sql(root: Path, db_url: str | None) -> str:
    """``pdca init --print-sql``: the group roles' SQL for the workspace's PostgreSQL
    database, for a DBA; nothing is opened or written."""
    from pdca.errors import RuleViolation

    database = planned_workspace(root, db_url).database
    if database.kind != "postgresql":
        raise RuleViolation(
            "--print-sql 只用于 PostgreSQL 数据库（SQLite 文件的访问由文件权限决定）；"
            "用 --db 或 PDCA_DB 给出 postgresql+psycopg://… 地址"
        )
    return safeguards.sql_for_dba(database)

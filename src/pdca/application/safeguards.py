"""``pdca init`` on PostgreSQL: the database's own safeguards, installed by its owner.

* The event table made append-only and every row stamped with the login that wrote it
  (``pdca.storage.append_only``) — always, on a new database and on an older one;
* the five group roles and their grants (``pdca.storage.group_roles``) — when this login
  may create roles, or they are in place already; otherwise the SQL for a DBA.

A login that does not own an initialised database (a writer setting up a workspace
folder of their own) changes nothing in it: ``joining`` says so before ``init`` would
try to create tables there. SQLite has neither logins nor roles: nothing here applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pdca.storage import append_only, attachments, group_roles
from pdca.storage.failures import cannot_write
from pdca.storage.meta import TABLE as META_TABLE
from pdca.storage.snapshots import TABLE as SNAPSHOTS_TABLE

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication
    from pdca.storage.database import Database


@dataclass(frozen=True)
class Safeguards:
    """What ``pdca init`` set up on a PostgreSQL database."""

    owner: str  # the login that owns the event table (this one)
    roles: dict[str, str] = field(default_factory=dict)  # kind → group role name
    roles_ready: bool = False  # the roles and grants are in place
    sql_for_dba: str | None = None  # what a DBA runs when this login could not


def role_names(database: Database) -> dict[str, str]:
    """The group roles of a PostgreSQL database (kind → name)."""
    return group_roles.names(database.dbname, database.schema or "public")


def joining(app: PdcaApplication) -> str | None:
    """The owner's name when this PostgreSQL login does not own the initialised event
    table (and so may not change the database); None when it does, or nothing is there."""
    if app.workspace.database.kind != "postgresql":
        return None
    schema, table = _where(app)
    with app.recorder.datastore.transaction(commit=False) as c:
        c.execute(
            "SELECT pg_get_userbyid(relowner) AS owner, pg_has_role(relowner, 'USAGE') AS mine "
            "FROM pg_class WHERE oid = to_regclass(%s)",
            (f"{append_only.ident(schema)}.{append_only.ident(table)}",),
        )
        row = c.fetchone()
    return None if row is None or row["mine"] else str(row["owner"])


def install(app: PdcaApplication) -> Safeguards | None:
    """Install the triggers and the group roles (``pdca init``, the owner); None on SQLite."""
    database = app.workspace.database
    if database.kind != "postgresql":
        return None
    schema, table = _where(app)
    datastore = app.recorder.datastore
    with datastore.transaction(commit=True) as c:
        fresh = not append_only.installed(c, schema, table)
        head = append_only.install(c, schema, table, protected=(SNAPSHOTS_TABLE,))
        for statement in attachments.guard_statements(schema):
            c.execute(statement)
        c.execute(
            "SELECT session_user AS login, rolsuper FROM pg_roles WHERE rolname = session_user"
        )
        who = c.fetchone()
    if fresh:  # rows up to here predate the stamp; any later row must carry one
        app.marker.write({append_only.STAMPED_AFTER: str(head)})
    roles = role_names(database)
    lines = group_roles.statements(
        schema, table, META_TABLE, who["login"], roles, owner_is_superuser=who["rolsuper"]
    )
    try:
        with datastore.transaction(commit=True) as c:
            for line in lines:
                c.execute(line)
    except Exception as exc:
        if not cannot_write(exc):
            raise
        if _in_place(app, roles, schema):
            return Safeguards(who["login"], roles, roles_ready=True)
        return Safeguards(who["login"], roles, sql_for_dba=group_roles.script(lines))
    return Safeguards(who["login"], roles, roles_ready=True)


def sql_for_dba(database: Database, events_table: str = "pdca_events") -> str:
    """The group roles' SQL for this database, for a DBA (``pdca init --print-sql``):
    run as a superuser (or a login with CREATEROLE owning the schema) after the owner's
    ``pdca init``. The owner is the login named in the database address."""
    lines = group_roles.statements(
        database.schema or "public", events_table, META_TABLE, database.user, role_names(database)
    )
    return group_roles.script(lines)


def _where(app: PdcaApplication) -> tuple[str, str]:
    return app.recorder.datastore.schema, app.recorder.events_table_name


def _in_place(app: PdcaApplication, roles: dict[str, str], schema: str) -> bool:
    """Whether a DBA has set the group roles up already: all five exist, and the
    admin role's default privileges in the schema are there."""
    with app.recorder.datastore.transaction(commit=False) as c:
        c.execute(
            "SELECT count(*) AS n FROM pg_roles WHERE rolname = ANY(%s)", (list(roles.values()),)
        )
        if c.fetchone()["n"] != len(roles):
            return False
        c.execute(
            "SELECT count(*) AS n FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace "
            "JOIN pg_roles r ON r.oid = d.defaclrole WHERE n.nspname = %s AND r.rolname = %s",
            (schema, roles["admin"]),
        )
        return bool(c.fetchone()["n"])

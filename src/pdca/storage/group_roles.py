"""Least privilege on PostgreSQL: five group roles per workspace database, and their grants.

Each login (one per person) is made a member of one group role:

* ``writer`` — records events (INSERT, and UPDATE only because the library's table lock
  needs it: the append-only trigger refuses the statement) and catches the views up;
* ``reader`` — the auditor: SELECT on everything, nothing else;
* ``admin`` — what writers may, and owns the read models' tables: projection tables are
  created under ``SET ROLE`` to it, so ``ALTER DEFAULT PRIVILEGES`` gives readers SELECT
  (and writers and workers their rows) on every table an admin adds later;
* ``worker`` — the ``projections run --follow`` loop: reads events, writes the views;
* ``service`` — the web server's login (``pdca serve``): what writers may, and the only
  role that reads and writes the credentials tables (password hashes, sessions, login
  attempts; ``pdca.storage.credentials``). The application records on behalf of a web
  account only through a login in it (``pdca.application.accounts``); no other login
  should hold it.

``pdca_tracking`` and the view tables are writable by writer, admin and worker only;
``pdca_meta`` by the owner only; ``pdca_attachments`` takes new rows from writers and
admins, and only admins may purge (``pdca.storage.attachments``). The names carry the database and schema
(``pdca_<db>_<schema>_writer``), so deployments and test runs on one server never share
a role. Everything here is idempotent: ``pdca init`` runs it on every run it can, and
``pdca init --print-sql`` prints it for a DBA when the owner may not create roles.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from pdca.storage.append_only import ident, literal
from pdca.storage.attachments import TABLE as ATTACHMENTS
from pdca.storage.credentials import TABLES as CREDENTIAL_TABLES
from pdca.storage.snapshots import TABLE as SNAPSHOTS_TABLE

KINDS = ("writer", "reader", "admin", "worker", "service")
#: What each group role is for, as ``pdca init`` says it.
PURPOSE = {
    "writer": "督查、录入：记录事件，读取时追赶视图",
    "reader": "审计、查看：只读",
    "admin": "管理员：同 writer，并拥有视图表（新建投影）",
    "worker": "投影 worker：pdca projections run --follow",
    "service": "网页服务：pdca serve 的数据库登录，代网页账户记录；唯一可读写登录表",
}
_MAX_IDENTIFIER = 63  # PostgreSQL's NAMEDATALEN - 1, in bytes
_UNSAFE = re.compile(r"[^a-z0-9_]+")


def names(dbname: str, schema: str) -> dict[str, str]:
    """kind → role name, e.g. ``pdca_test_t_0123abcd_writer``; a name too long for
    PostgreSQL keeps its start and a digest of the whole, so it stays unique."""
    found = {kind: f"{_base(dbname, schema, len('_worker'))}_{kind}" for kind in KINDS}
    # ``service`` came later and is one letter longer than the four before it: where it
    # does not fit, only its own name is cut (the others keep the names deployments have).
    if len(found["service"]) > _MAX_IDENTIFIER:
        found["service"] = f"{_base(dbname, schema, len('_service'))}_service"
    return found


def _base(dbname: str, schema: str, suffix: int) -> str:
    base = "pdca_" + _UNSAFE.sub("_", f"{dbname}_{schema}".lower()).strip("_")
    room = _MAX_IDENTIFIER - suffix
    if len(base) > room:
        digest = hashlib.sha256(f"{dbname}\0{schema}".encode()).hexdigest()[:10]
        base = f"{base[: room - 11]}_{digest}"
    return base


def statements(
    schema: str,
    events_table: str,
    meta_table: str,
    owner: str,
    roles: dict[str, str],
    owner_is_superuser: bool = False,
) -> list[str]:
    """The SQL, in order: create the roles (when missing), let the owner act as admin,
    grant each its share of the schema, hand the view tables to admin, and set the
    privileges of tables admins create later."""
    s = ident(schema)
    writer, reader, admin, worker, service = (ident(roles[k]) for k in KINDS)
    events, sequence = (
        f"{s}.{ident(events_table)}",
        f"{s}.{ident(events_table + '_notification_id_seq')}",
    )
    snapshots = f"{s}.{ident(SNAPSHOTS_TABLE)}"
    guarded = ", ".join(
        literal(t)
        for t in (events_table, meta_table, ATTACHMENTS, SNAPSHOTS_TABLE, *CREDENTIAL_TABLES)
    )
    attachments = f"{s}.{ident(ATTACHMENTS)}"
    found = [
        "DO $pdca$ BEGIN\n"
        + "".join(
            f"  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {literal(roles[k])}) THEN "
            f"CREATE ROLE {ident(roles[k])} NOLOGIN; END IF;\n"
            for k in KINDS
        )
        + "END $pdca$",
    ]
    if not owner_is_superuser:
        # The owner creates the view tables at init under SET ROLE admin. Granted only
        # when missing: once a DBA has granted it, an owner without CREATEROLE may not.
        found.append(
            "DO $pdca$ BEGIN\n"
            f"  IF NOT pg_has_role({literal(owner)}, {literal(roles['admin'])}, 'MEMBER') THEN "
            f"GRANT {admin} TO {ident(owner)}; END IF;\n"
            "END $pdca$"
        )
    found += [
        f"GRANT USAGE ON SCHEMA {s} TO {writer}, {reader}, {admin}, {worker}, {service}",
        f"GRANT CREATE ON SCHEMA {s} TO {admin}",
        # Every table readable by all five (the credentials tables are taken back below);
        # then each its writes. The service records as writers do.
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} "
        f"TO {writer}, {reader}, {admin}, {worker}, {service}",
        f"GRANT INSERT, UPDATE ON {events} TO {writer}, {admin}, {service}",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {writer}, {admin}, {service}",
        # Snapshots: appended by whoever loads a long cycle to write to it; owned, like
        # the events, by the owner (the append-only trigger refuses every change).
        f"GRANT INSERT ON {snapshots} TO {writer}, {admin}, {service}",
        # Attachments: writers add bytes with the events naming them; a purge (an UPDATE
        # that removes the bytes, its event in the same transaction) is the admin's.
        f"GRANT INSERT ON {attachments} TO {writer}, {admin}, {service}",
        f"GRANT UPDATE (content, purged) ON {attachments} TO {admin}",
        # The views and pdca_tracking (every other table) pass to admin, who owns what
        # it creates later; writers and workers keep their rows fresh.
        "DO $pdca$ DECLARE t record; BEGIN\n"
        f"  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = {literal(schema)} "
        f"AND tablename NOT IN ({guarded}) LOOP\n"
        f"    EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', {literal(schema)}, t.tablename, "
        f"{literal(roles['admin'])});\n"
        f"    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO %I, %I, %I', "
        f"{literal(schema)}, t.tablename, {literal(roles['writer'])}, {literal(roles['worker'])}, "
        f"{literal(roles['service'])});\n"
        "  END LOOP;\n"
        "END $pdca$",
        # The web's password hashes, sessions and login record are the server's login's
        # alone: a writer with psql could otherwise take over a session or read hashes.
        # They stay the owner's (init creates them), outside admin's default privileges.
        "DO $pdca$ DECLARE t text; BEGIN\n"
        f"  FOREACH t IN ARRAY ARRAY[{', '.join(literal(t) for t in CREDENTIAL_TABLES)}] LOOP\n"
        f"    IF to_regclass(format('%I.%I', {literal(schema)}, t)) IS NOT NULL THEN\n"
        f"      EXECUTE format('REVOKE ALL ON %I.%I FROM %I, %I, %I, %I', {literal(schema)}, t, "
        f"{literal(roles['writer'])}, {literal(roles['reader'])}, {literal(roles['admin'])}, "
        f"{literal(roles['worker'])});\n"
        f"      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I.%I TO %I', "
        f"{literal(schema)}, t, {literal(roles['service'])});\n"
        "    END IF;\n"
        "  END LOOP;\n"
        "END $pdca$",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {admin} IN SCHEMA {s} "
        f"GRANT SELECT ON TABLES TO {reader}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {admin} IN SCHEMA {s} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {writer}, {worker}, {service}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {admin} IN SCHEMA {s} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {writer}, {worker}, {reader}, {service}",
    ]
    return found


def script(lines: Iterable[str]) -> str:
    """Statements as one SQL text a DBA can run with psql."""
    return "".join(f"{line};\n" for line in lines)

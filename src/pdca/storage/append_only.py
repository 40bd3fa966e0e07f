"""What the PostgreSQL database itself guarantees about the event table, whoever connects.

* **Append-only.** A statement-level trigger refuses every ``UPDATE``, ``DELETE`` and
  ``TRUNCATE`` on the event table, for every login, the owner and superusers included.
  The library's recorder takes ``LOCK TABLE … IN EXCLUSIVE MODE`` before it inserts,
  and that lock needs the UPDATE privilege, so writers keep the privilege and the
  trigger refuses the statement. Lifting it is deliberate and the owner's alone:
  ``ALTER TABLE … DISABLE TRIGGER pdca_append_only`` (README, "Deploying for an office").
* **The principal stamp.** A ``BEFORE INSERT`` row trigger sets the column
  ``principal_stamp`` to ``session_user``, overwriting whatever the client gave, so each
  row says which login wrote it. ``verify`` and ``history`` compare it with the principal
  the event records (``pdca.storage.stamps``).

``pdca init`` (run by the table's owner) installs both, on a new database and on one made
before they existed; the statements are idempotent. Rows stored before have no stamp.
SQLite has no logins: none of this applies there.
"""

from __future__ import annotations

from typing import Any

#: The column the stamp trigger fills; rows stored before it existed hold NULL.
STAMP_COLUMN = "principal_stamp"
APPEND_ONLY_TRIGGER = "pdca_append_only"
STAMP_TRIGGER = "pdca_stamp_principal"
_REFUSE_FUNCTION = "pdca_refuse_change"
_STAMP_FUNCTION = "pdca_stamp_principal"
#: pdca_meta: the highest notification id when stamping began (rows above it must have one).
STAMPED_AFTER = "principal_stamp_after"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def statements(schema: str, events_table: str, protected: tuple[str, ...] = ()) -> list[str]:
    """The SQL, in order, that stamps and guards ``events_table`` (and refuses changes to
    every table of ``protected`` — a snapshot table, should one exist)."""
    s, events = ident(schema), ident(events_table)
    refuse = f"{s}.{ident(_REFUSE_FUNCTION)}"
    stamp = f"{s}.{ident(_STAMP_FUNCTION)}"
    found = [
        f"ALTER TABLE {s}.{events} ADD COLUMN IF NOT EXISTS {STAMP_COLUMN} text",
        # TG_OP names the statement; the message says how the owner may lift it.
        f"CREATE OR REPLACE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $pdca$\n"
        "BEGIN\n"
        "  RAISE EXCEPTION 'pdca：事件只能追加，拒绝对 %.% 执行 %', "
        "TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP\n"
        "    USING HINT = '对所有登录（包括所有者）一律拒绝；确需解除时，由表的所有者执行 "
        f"ALTER TABLE … DISABLE TRIGGER {APPEND_ONLY_TRIGGER}';\n"
        "END\n$pdca$",
        f"CREATE OR REPLACE FUNCTION {stamp}() RETURNS trigger LANGUAGE plpgsql AS $pdca$\n"
        "BEGIN\n"
        f"  NEW.{STAMP_COLUMN} := session_user;\n"
        "  RETURN NEW;\n"
        "END\n$pdca$",
        f"DROP TRIGGER IF EXISTS {STAMP_TRIGGER} ON {s}.{events}",
        f"CREATE TRIGGER {STAMP_TRIGGER} BEFORE INSERT ON {s}.{events} "
        f"FOR EACH ROW EXECUTE FUNCTION {stamp}()",
    ]
    for table in (events_table, *protected):
        target = f"{s}.{ident(table)}"
        found += [
            f"DROP TRIGGER IF EXISTS {APPEND_ONLY_TRIGGER} ON {target}",
            # Statement-level: an UPDATE matching no row is refused too, and TRUNCATE
            # fires statement triggers only.
            f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE "
            f"ON {target} FOR EACH STATEMENT EXECUTE FUNCTION {refuse}()",
        ]
    return found


def installed(cursor: Any, schema: str, events_table: str) -> bool:
    """Whether both triggers are on the event table (an older database has neither)."""
    cursor.execute(
        "SELECT count(*) AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND t.tgname IN (%s, %s)",
        (schema, events_table, APPEND_ONLY_TRIGGER, STAMP_TRIGGER),
    )
    return cursor.fetchone()["n"] == 2


def install(cursor: Any, schema: str, events_table: str, protected: tuple[str, ...] = ()) -> int:
    """Install the stamp and the guard (in the caller's transaction); returns the highest
    notification id stored before stamping began (0 for an empty table): the rows at or
    below it carry no stamp and are not flagged for lacking one."""
    for statement in statements(schema, events_table, protected):
        cursor.execute(statement)
    # The ALTER TABLE above holds the table's ACCESS EXCLUSIVE lock until commit: no
    # insert can slip in between this count and the triggers taking effect.
    cursor.execute(
        f"SELECT coalesce(max(notification_id), 0) AS head FROM {ident(schema)}.{ident(events_table)}"
    )
    return int(cursor.fetchone()["head"])

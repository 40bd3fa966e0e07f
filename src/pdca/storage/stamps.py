"""The principal stamp read back: which login wrote each row, and whether the event agrees.

On PostgreSQL every row inserted since ``pdca init`` installed the stamp carries the
``session_user`` that inserted it (``pdca.storage.append_only``). An event records its
principal (who connected) beside its actor (on whose behalf); an event stored before
principals were recorded counts its actor as its principal. A row whose stamp differs
from the principal it records was written by another login than it claims — a raw
``INSERT`` through psql, say. A row stored after stamping began without a stamp had the
trigger switched off by the owner. SQLite has no logins and no stamps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pdca.storage.append_only import STAMP_COLUMN, STAMPED_AFTER, ident
from pdca.storage.meta import TABLE as META_TABLE

Key = tuple[UUID, int]  # (originator id, version)


@dataclass(frozen=True)
class Stamp:
    login: str | None  # None: stored without a stamp
    after_stamping: bool  # stored after stamping began, so it should have one


def recorded_principal(state: dict[str, Any]) -> str | None:
    """The principal an event's stored state records: ``principal``, else (an event from
    before principals were recorded) its ``actor``; None when it names neither."""
    for key in ("principal", "actor"):
        value = state.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def disagreement(stamp: Stamp | None, principal: str | None) -> str | None:
    """What is wrong with a row's stamp, in Chinese, or None when nothing is."""
    if stamp is None:
        return None
    if stamp.login is None:
        if stamp.after_stamping:
            return "没有数据库登录戳：写入时登录戳触发器被关闭（只有表的所有者能这样做）"
        return None  # stored before the stamp existed
    if principal is not None and principal != stamp.login:
        return f"由数据库登录 {stamp.login} 写入，事件却记录操作人（登录）为 {principal}"
    return None


def read(recorder: Any, kind: str, ids: Iterable[UUID] | None = None) -> dict[Key, Stamp]:
    """Each stamped row's stamp — and each unstamped row stored after stamping began —
    of every aggregate or of ``ids``; empty on SQLite or before stamping began."""
    if kind != "postgresql":
        return {}
    datastore = recorder.datastore
    schema, table = datastore.schema, recorder.events_table_name
    with datastore.transaction(commit=False) as c:
        c.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s AND column_name = %s",
            (schema, table, STAMP_COLUMN),
        )
        if c.fetchone() is None:
            return {}  # a database pdca init has not upgraded yet
        after = stamped_after(c, schema)
        query = (
            f"SELECT originator_id, originator_version, {STAMP_COLUMN} AS stamp, "
            f"notification_id > %s AS late FROM {ident(schema)}.{ident(table)} "
            f"WHERE ({STAMP_COLUMN} IS NOT NULL OR notification_id > %s)"
        )
        params: list[Any] = [after, after]
        if ids is not None:
            query += " AND originator_id = ANY(%s)"
            params.append(list(ids))
        c.execute(query, params)
        return {
            (row["originator_id"], row["originator_version"]): Stamp(row["stamp"], row["late"])
            for row in c.fetchall()
        }


def stamped_after(cursor: Any, schema: str) -> int:
    """The highest notification id stored before stamping began (pdca_meta)."""
    cursor.execute(
        "SELECT to_regclass(%s) IS NOT NULL AS present", (f"{ident(schema)}.{META_TABLE}",)
    )
    if not cursor.fetchone()["present"]:
        return 2**62
    cursor.execute(
        f"SELECT value FROM {ident(schema)}.{META_TABLE} WHERE key = %s", (STAMPED_AFTER,)
    )
    row = cursor.fetchone()
    return int(row["value"]) if row else 2**62

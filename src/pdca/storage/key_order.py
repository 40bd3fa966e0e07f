"""The event table read in key order (aggregate, then version), one aggregate at a time.

``verify --all`` checks each aggregate's chain on its own; reading the log in key order
hands it one aggregate's rows at a time, so memory holds one aggregate, not the log
(in log order the aggregates interleave, and every row would wait for its aggregate's
last). Pages follow the primary key (``(originator_id, originator_version) > (…)``), so
each page is an index range on both databases. On PostgreSQL the row's principal stamp
(``pdca.storage.stamps``) comes with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pdca.storage import stamps
from pdca.storage.append_only import STAMP_COLUMN, ident

PAGE = 5000


@dataclass(frozen=True)
class KeyedRow:
    """One stored event as read here: what the chain check and the stamp check need."""

    id: int  # its position in the log (notification id)
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    stamp: stamps.Stamp | None  # PostgreSQL, stamped or stored after stamping began


def aggregates(recorder: Any, kind: str, page: int | None = None) -> Iterator[list[KeyedRow]]:
    """Every aggregate's rows, by version, one aggregate after another in key order."""
    current: list[KeyedRow] = []
    for row in _rows(recorder, kind, page or PAGE):
        if current and row.originator_id != current[0].originator_id:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def first_positions(recorder: Any, kind: str) -> dict[UUID, int]:
    """Each aggregate's first position in the log (its lowest notification id)."""
    column = "rowid" if kind == "sqlite" else "notification_id"
    table = _table(recorder, kind)
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(
            f"SELECT originator_id, min({column}) AS first FROM {table} GROUP BY originator_id"
        )
        return {_uuid(r["originator_id"]): r["first"] for r in c.fetchall()}


def _rows(recorder: Any, kind: str, page: int) -> Iterator[KeyedRow]:
    table = _table(recorder, kind)
    if kind == "sqlite":
        mark, position, extra = "?", "rowid", ""
        stamped, after = False, 0
    else:
        mark, position = "%s", "notification_id"
        stamped, after = _stamping(recorder)
        extra = f", {STAMP_COLUMN} AS stamp" if stamped else ""
    query = (
        f"SELECT {position} AS id, originator_id, originator_version, topic, state{extra} "
        f"FROM {table} WHERE (originator_id, originator_version) > ({mark}, {mark}) "
        f"ORDER BY originator_id, originator_version LIMIT {mark}"
    )
    last: tuple[Any, int] = ("", 0)
    if kind != "sqlite":
        last = (UUID(int=0), 0)
    while True:
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(query, (*last, page))
            found = c.fetchall()
        for r in found:
            stamp = None
            if stamped and (r["stamp"] is not None or r["id"] > after):
                stamp = stamps.Stamp(r["stamp"], r["id"] > after)
            yield KeyedRow(
                r["id"],
                _uuid(r["originator_id"]),
                r["originator_version"],
                r["topic"],
                bytes(r["state"]) if not isinstance(r["state"], str) else r["state"],
                stamp,
            )
        if len(found) < page:
            return
        last = (found[-1]["originator_id"], found[-1]["originator_version"])


def _stamping(recorder: Any) -> tuple[bool, int]:
    """Whether the table has the stamp column, and the last position before stamping."""
    datastore = recorder.datastore
    with datastore.transaction(commit=False) as c:
        c.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s AND column_name = %s",
            (datastore.schema, recorder.events_table_name, STAMP_COLUMN),
        )
        if c.fetchone() is None:
            return False, 0
        return True, stamps.stamped_after(c, datastore.schema)


def _table(recorder: Any, kind: str) -> str:
    if kind == "sqlite":
        return str(recorder.events_table_name)
    return f"{ident(recorder.datastore.schema)}.{ident(recorder.events_table_name)}"


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)

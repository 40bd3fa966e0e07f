"""Rebuilding beside the served tables, then swapping in one transaction.

A rebuild folds the whole history into copies of a projection's tables under names of
their own (``pdca_aside_…``), with its progress in ``pdca_rebuilding``; the tables the
reads serve, and their position in ``pdca_tracking``, stay as they were. Only when the
copies have reached the log's head are they copied into the served tables, in one
transaction with the new position — so a rebuild that fails half-way (a handler
error, a kill) leaves ``view`` and ``ranking`` answering with the previous rows.

The served tables are emptied and refilled rather than dropped and renamed: they keep
their identity (the privileges granted on them, their index names), and a table whose
shape changed (a new version) is dropped and created again first.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert, select
from sqlalchemy.engine import Connection

PREFIX = "pdca_aside_"

_metadata = MetaData()
rebuilding = Table(
    "pdca_rebuilding",
    _metadata,
    Column("projection", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

_copies: dict[tuple[str, str], Table] = {}


def aside_name(table: Table) -> str:
    # A digest, not the name with a prefix: a table name may already use the 63
    # characters PostgreSQL allows.
    return PREFIX + hashlib.sha256(table.name.encode()).hexdigest()[:20]


def copy_of(table: Table) -> Table:
    """The aside copy of ``table``: the same columns, keys and indexes, its own name."""
    key = (table.name, str(id(table)))
    found = _copies.get(key)
    if found is None:
        found = table.to_metadata(MetaData(), name=aside_name(table))
        _copies[key] = found
    return found


def begin(conn: Connection, name: str, version: int, tables: tuple[Table, ...]) -> None:
    """Start a rebuild from nothing: fresh aside tables, position 0."""
    _metadata.create_all(conn)
    discard(conn, name, tables)
    for table in tables:
        copy_of(table).create(conn)
    conn.execute(insert(rebuilding).values(projection=name, position=0, version=version))


def pending(conn: Connection) -> dict[str, tuple[int, int]]:
    """Rebuilds begun and not swapped in (killed ones): name -> (position, version)."""
    if not conn.dialect.has_table(conn, rebuilding.name):
        return {}
    return {r.projection: (r.position, r.version) for r in conn.execute(select(rebuilding))}


def discard(conn: Connection, name: str, tables: tuple[Table, ...]) -> None:
    for table in tables:
        copy_of(table).drop(conn, checkfirst=True)
    conn.execute(delete(rebuilding).where(rebuilding.c.projection == name))


def swap(conn: Connection, name: str, tables: tuple[Table, ...], same_shape: bool) -> None:
    """Within the caller's transaction: the served tables take the aside rows."""
    for table in tables:
        copy = copy_of(table)
        if same_shape:
            table.create(conn, checkfirst=True)
            conn.execute(delete(table))
        else:
            table.drop(conn, checkfirst=True)
            table.create(conn)
        columns = [c.name for c in table.c]
        conn.execute(insert(table).from_select(columns, select(*(copy.c[c] for c in columns))))
    discard(conn, name, tables)

"""What the read commands know of the admin's projections without running them.

A workspace projection file is Python, trusted only when an admin runs it; a read
(``projections list/status``, ``view``) by anyone must never import it. So whenever an
admin's command loads the registered files, each projection's name, source, title,
version and table shapes are written to ``pdca_projection_defs``; the reads build their
``Table`` objects from those rows. A column's type is rebuilt only from SQLAlchemy's
or pdca's own type classes (never from the workspace's code); anything else reads raw.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.types import NullType, TypeEngine

metadata = MetaData()
defs = Table(
    "pdca_projection_defs",
    metadata,
    Column("projection", String(200), primary_key=True),
    Column("source", String(500), nullable=False),
    Column("title", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("tables", Text, nullable=False),  # JSON: each table's columns
)

#: Constructor arguments a column type keeps that change how its values read back.
_TYPE_ARGS = ("length", "precision", "scale", "asdecimal", "timezone", "decimal_return_scale")
#: Column ``info`` keys the reads use (``Clock.rows``: which columns hold instants).
_INFO_KEYS = ("instant", "instants_in_json")
_TRUSTED_MODULES = ("sqlalchemy.", "pdca.")


@dataclass(frozen=True)
class Recorded:
    name: str
    source: str
    title: str
    version: int
    tables: tuple[Table, ...]


def describe(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "columns": [
            {
                "name": c.name,
                "type": _type_of(c.type),
                "primary_key": bool(c.primary_key),
                "comment": c.comment,
                "info": {k: c.info[k] for k in _INFO_KEYS if k in c.info},
            }
            for c in table.c
        ],
    }


def _type_of(kind: TypeEngine[Any]) -> dict[str, Any]:
    cls = type(kind)
    args = {
        a: getattr(kind, a) for a in _TYPE_ARGS if isinstance(getattr(kind, a, None), int | bool)
    }
    return {"module": cls.__module__, "name": cls.__qualname__, "args": args}


def _rebuilt_type(spec: dict[str, Any]) -> TypeEngine[Any]:
    module = str(spec.get("module", ""))
    if not module.startswith(_TRUSTED_MODULES) or module.startswith("pdca_workspace"):
        return NullType()
    try:
        cls = getattr(importlib.import_module(module), str(spec.get("name", "")))
    except (ImportError, AttributeError):
        return NullType()
    if not (isinstance(cls, type) and issubclass(cls, TypeEngine)):
        return NullType()
    for args in (spec.get("args") or {}, {}):
        try:
            return cls(**args)
        except TypeError:
            continue
    return NullType()


def table_from(description: dict[str, Any]) -> Table:
    columns = [
        Column(
            c["name"],
            _rebuilt_type(c["type"]),
            primary_key=c["primary_key"],
            comment=c["comment"],
            info=c.get("info") or {},
        )
        for c in description["columns"]
    ]
    return Table(description["name"], MetaData(), *columns)


def write(conn: Connection, entries: list[tuple[str, str, str, int, tuple[Table, ...]]]) -> None:
    """Replace every recorded workspace projection with ``entries`` (name, source, title,
    version, tables): the folder as registered now. Nothing is written when that is what
    is recorded already (``pdca init`` on a read-only database stays a read)."""
    rows = [
        {
            "projection": name,
            "source": source,
            "title": title,
            "version": version,
            "tables": json.dumps([describe(t) for t in tables], ensure_ascii=False),
        }
        for name, source, title, version, tables in sorted(entries)
    ]
    if conn.dialect.has_table(conn, defs.name):
        stored = [
            dict(r) for r in conn.execute(select(defs).order_by(defs.c.projection)).mappings()
        ]
        if stored == rows:
            return
    metadata.create_all(conn)
    conn.execute(delete(defs))
    if rows:
        conn.execute(defs.insert(), rows)


def read(conn: Connection) -> list[Recorded]:
    """The recorded workspace projections; none when no admin has run one yet."""
    if not conn.dialect.has_table(conn, defs.name):
        return []
    return [
        Recorded(
            r.projection,
            r.source,
            r.title,
            r.version,
            tuple(table_from(t) for t in json.loads(r.tables)),
        )
        for r in conn.execute(select(defs).order_by(defs.c.projection))
    ]

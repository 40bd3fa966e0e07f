"""The projection API: declare tables, handle the event types you care about.

A handler folds one event into rows held in memory for the current batch
(``batch.get`` / ``batch.put`` / ``batch.delete``); the runtime writes the batch in
bulk together with the tracking position, in one transaction. Handlers never
commit and never see a database session.

    class Catalog(Projection):
        name = "catalog"
        tables = (units,)

        @handles("Unit.Registered")
        def unit_registered(self, fact, batch):
            batch.put(units, {"name": fact["name"], ...})
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol
from uuid import UUID

from sqlalchemy import Table, and_, bindparam, delete, select
from sqlalchemy.engine import Connection

from pdca.projections.facts import Fact

Handler = Callable[[Any, Fact, "Batch"], None]


def handles(*event_types: str) -> Callable[[Handler], Handler]:
    """Mark a method as the handler of these event types (``"Cycle.Opened"``)."""

    def mark(method: Handler) -> Handler:
        method._pdca_handles = event_types  # type: ignore[attr-defined]
        return method

    return mark


class Projection:
    name: ClassVar[str]
    #: Bump when the handlers or tables change: the runtime then rebuilds from zero.
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[Table, ...]] = ()
    handlers: ClassVar[dict[str, Handler]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, Handler] = {}
        for klass in reversed(cls.__mro__):
            for attr in vars(klass).values():
                for event_type in getattr(attr, "_pdca_handles", ()):
                    found[event_type] = attr
        cls.handlers = found

    def handle(self, fact: Fact, batch: Batch) -> None:
        handler = self.handlers.get(fact.type)
        if handler is not None:
            handler(self, fact, batch)

    def end_batch(self, batch: Batch, history: History) -> None:
        """Called once per batch, after its events were handled and before the rows are
        written: the place to fold whole aggregates that changed (see ``History``)."""


class History(Protocol):
    """Read access to the event store for ``end_batch``: one aggregate's whole story."""

    def facts_of(self, originator_id: UUID) -> list[Fact]: ...


def _key(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in table.primary_key.columns)


class Batch:
    """Rows changed by one batch of events, read through to the database on a miss."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._rows: dict[str, dict[tuple[Any, ...], dict[str, Any] | None]] = {}
        self._tables: dict[str, Table] = {}

    def get(self, table: Table, *key: Any) -> dict[str, Any] | None:
        rows = self._rows.setdefault(table.name, {})
        if key in rows:
            row = rows[key]
            return dict(row) if row is not None else None
        columns = list(table.primary_key.columns)
        found = (
            self.connection.execute(
                select(table).where(and_(*(c == v for c, v in zip(columns, key, strict=True))))
            )
            .mappings()
            .first()
        )
        return dict(found) if found is not None else None

    def put(self, table: Table, row: dict[str, Any]) -> None:
        self._tables[table.name] = table
        self._rows.setdefault(table.name, {})[_key(table, row)] = dict(row)

    def update(self, table: Table, *key: Any, **values: Any) -> None:
        """Change some columns of an existing row; a missing row is left missing."""
        row = self.get(table, *key)
        if row is not None:
            row.update(values)
            self.put(table, row)

    def rows_where(self, table: Table, column: str, value: Any) -> list[dict[str, Any]]:
        """Rows with ``column == value``: those in the database, as changed by this batch."""
        found = {
            _key(table, dict(r)): dict(r)
            for r in self.connection.execute(
                select(table).where(table.c[column] == value)
            ).mappings()
        }
        for key, row in self._rows.get(table.name, {}).items():
            if row is None:
                found.pop(key, None)
            elif row.get(column) == value:
                found[key] = dict(row)
        return list(found.values())

    def delete(self, table: Table, *key: Any) -> None:
        self._tables[table.name] = table
        self._rows.setdefault(table.name, {})[key] = None

    def flush(self) -> int:
        """Write every changed row: delete the old versions, insert the new ones in bulk."""
        written = 0
        for name, rows in self._rows.items():
            table = self._tables.get(name)
            if table is None or not rows:
                continue
            columns = list(table.primary_key.columns)
            keys = [dict(zip((f"k_{c.name}" for c in columns), key, strict=True)) for key in rows]
            self.connection.execute(
                delete(table).where(and_(*(c == bindparam(f"k_{c.name}") for c in columns))), keys
            )
            fresh = [row for row in rows.values() if row is not None]
            if fresh:
                self.connection.execute(table.insert(), fresh)
            written += len(rows)
        self._rows.clear()
        return written

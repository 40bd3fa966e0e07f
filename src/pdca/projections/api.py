"""The projection API: declare tables, handle the event types you care about.

A handler folds one event into rows held in memory for the current batch
(``batch.get`` / ``batch.put`` / ``batch.update`` / ``batch.delete``); the runtime
writes the batch in bulk together with the tracking position, in one transaction.
Handlers never commit and never see a database session, so a rebuild costs one
bulk write per few thousand events instead of one round-trip per event.

    class Catalog(Projection):
        name = "catalog"
        tables = (units,)

        @handles("Unit.Registered")
        def unit_registered(self, fact, batch):
            batch.put(units, {"name": fact["name"], ...})

A handler that needs a cycle's whole state asks ``batch.cycle(fact)``: the cycle's
facts folded up to and including this event, by the domain's one fold. ``"Cycle.*"``
handles every event of an aggregate type.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Table, and_, bindparam, delete, select
from sqlalchemy.engine import Connection

from pdca.domain.facts import CycleFacts
from pdca.projections.decoding import Fact
from pdca.projections.folds import CycleFolds, History

Handler = Callable[[Any, Fact, "Batch"], None]

__all__ = ["Batch", "CycleFacts", "Fact", "History", "Projection", "handles"]


def handles(*event_types: str) -> Callable[[Handler], Handler]:
    """Mark a method as the handler of these event types (``"Cycle.Opened"``, ``"Cycle.*"``)."""

    def mark(method: Handler) -> Handler:
        method._pdca_handles = event_types  # type: ignore[attr-defined]
        return method

    return mark


class Projection:
    name: ClassVar[str]
    #: Bump when the handlers or tables change: the runtime then rebuilds from zero.
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[Table, ...]] = ()
    #: One line for ``pdca projections list``.
    title: ClassVar[str] = ""
    handlers: ClassVar[dict[str, Handler]] = {}
    _resolved: ClassVar[dict[str, Handler | None]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, Handler] = {}
        for klass in reversed(cls.__mro__):
            for attr in vars(klass).values():
                for event_type in getattr(attr, "_pdca_handles", ()):
                    found[event_type] = attr
        cls.handlers = found
        cls._resolved = {}  # event type -> handler, exact or by "Aggregate.*"

    def handler_for(self, event_type: str) -> Handler | None:
        if event_type in self._resolved:
            return self._resolved[event_type]
        handler = self.handlers.get(event_type)
        if handler is None:
            handler = self.handlers.get(event_type.partition(".")[0] + ".*")
        self._resolved[event_type] = handler
        return handler

    def wants(self, event_type: str) -> bool:
        return self.handler_for(event_type) is not None

    def handle(self, fact: Fact, batch: Batch) -> None:
        handler = self.handler_for(fact.type)
        if handler is not None:
            handler(self, fact, batch)

    def begin_batch(self) -> None:
        """Called before each batch: reset whatever the handlers collect per batch. A
        failed batch is rolled back and tried again, so nothing may survive it here."""

    def end_batch(self, batch: Batch) -> None:
        """Called once per batch, after its events were handled and before its rows are
        written: the place to compute rows from whole aggregates that changed."""


_KEY_COLUMNS: dict[Table, tuple[str, ...]] = {}


def _key_columns(table: Table) -> tuple[str, ...]:
    """The names of ``table``'s key columns, looked up once: SQLAlchemy builds a new
    list each time ``primary_key.columns`` is iterated, and ``put`` asks per row."""
    names = _KEY_COLUMNS.get(table)
    if names is None:
        names = _KEY_COLUMNS[table] = tuple(c.name for c in table.primary_key.columns)
    return names


def _key(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name] for name in _key_columns(table))


def _key_names(table: Table) -> list[str]:
    return [f"k_{name}" for name in _key_columns(table)]


_BY_KEY: dict[Table, Any] = {}
_DELETE_BY_KEY: dict[Table, Any] = {}


def _by_key(table: Table) -> Any:
    """``SELECT … WHERE key = :k`` built once per table, so SQLAlchemy compiles it once."""
    statement = _BY_KEY.get(table)
    if statement is None:
        statement = select(table).where(
            and_(*(c == bindparam(f"k_{c.name}") for c in table.primary_key.columns))
        )
        _BY_KEY[table] = statement
    return statement


def _delete_by_key(table: Table) -> Any:
    statement = _DELETE_BY_KEY.get(table)
    if statement is None:
        statement = delete(table).where(
            and_(*(c == bindparam(f"k_{c.name}") for c in table.primary_key.columns))
        )
        _DELETE_BY_KEY[table] = statement
    return statement


class Batch:
    """Rows changed by one batch of events, read through to the database on a miss."""

    def __init__(
        self,
        connection: Connection,
        folds: CycleFolds,
        zone: tzinfo,
        aside: dict[str, Table] | None = None,
        continued: Callable[[dict[UUID, int]], set[UUID]] | None = None,
    ) -> None:
        self.connection = connection
        # While a rebuild is built aside: which aggregates (at the version this batch
        # folded them to) have a later event within the rebuild (``settled``).
        self._continued = continued
        # During a rebuild, this projection's own tables are read and written under
        # their aside copies (``pdca.projections.aside``); others' are read as served.
        self._aside = aside or {}
        self.folds = folds
        # The database's time zone: a recorded instant is UTC, and the day it fell on
        # (a completion "on time" by a deadline) is the day in this zone.
        self.zone = zone
        # Each table's rows as this batch knows them (read, or changed: then in _changed).
        self._rows: dict[str, dict[tuple[Any, ...], dict[str, Any] | None]] = {}
        self._changed: dict[str, set[tuple[Any, ...]]] = {}
        self._tables: dict[str, Table] = {}
        self._openings: dict[UUID, Fact] = {}

    def get(self, table: Table, *key: Any) -> dict[str, Any] | None:
        rows = self._rows.setdefault(table.name, {})
        if key in rows:
            row = rows[key]
            return dict(row) if row is not None else None
        found = (
            self.connection.execute(
                _by_key(self._target(table)), dict(zip(_key_names(table), key, strict=True))
            )
            .mappings()
            .first()
        )
        row = dict(found) if found is not None else None
        # Remember what was read, so asking again costs nothing and a later ``put``
        # of the same key replaces it.
        rows[key] = row
        self._tables[table.name] = table
        return dict(row) if row is not None else None

    def prefetch(self, table: Table, keys: list[tuple[Any, ...]]) -> None:
        """Read the rows of ``keys`` this batch does not know yet in a few queries, so
        the ``get`` of each costs nothing (a table with a one-column key)."""
        rows = self._rows.setdefault(table.name, {})
        wanted = [k for k in dict.fromkeys(keys) if k not in rows]
        if not wanted:
            return
        self._tables[table.name] = table
        target = self._target(table)
        (column,) = target.primary_key.columns
        for start in range(0, len(wanted), 500):  # bounded IN lists on every database
            chunk = wanted[start : start + 500]
            for key in chunk:
                rows[key] = None
            query = select(target).where(column.in_([k[0] for k in chunk]))
            for found in self.connection.execute(query).mappings():
                rows[(found[column.name],)] = dict(found)

    def _target(self, table: Table) -> Table:
        return self._aside.get(table.name, table)

    def put(self, table: Table, row: dict[str, Any]) -> None:
        self._set(table, _key(table, row), dict(row))

    def _set(self, table: Table, key: tuple[Any, ...], row: dict[str, Any] | None) -> None:
        self._tables[table.name] = table
        self._rows.setdefault(table.name, {})[key] = row
        self._changed.setdefault(table.name, set()).add(key)

    def update(self, table: Table, *key: Any, **values: Any) -> None:
        """Change some columns of an existing row; a missing row is left missing."""
        row = self.get(table, *key)
        if row is not None:
            row.update(values)
            self.put(table, row)

    def rows_where(self, table: Table, column: str, value: Any) -> list[dict[str, Any]]:
        """Rows with ``column == value``: those in the database, as changed by this batch."""
        target = self._target(table)
        found = {
            _key(table, dict(r)): dict(r)
            for r in self.connection.execute(
                select(target).where(target.c[column] == value)
            ).mappings()
        }
        for key, row in self._rows.get(table.name, {}).items():
            if row is None:
                found.pop(key, None)
            elif row.get(column) == value:
                found[key] = dict(row)
        return list(found.values())

    def delete(self, table: Table, *key: Any) -> None:
        self._set(table, key, None)

    @property
    def history(self) -> History:
        """The event store, for reading one aggregate's whole story."""
        return self.folds.history

    def opening(self, fact: Fact) -> Fact:
        """The event that created ``fact``'s aggregate — a ``Round.Opened`` names the
        round's period and scheme, a ``Cycle.Opened`` its unit, period and scheme."""
        found = self._openings.get(fact.originator_id)
        if found is None:
            found = self.history.facts_of(fact.originator_id, 1)[0]
            self._openings[fact.originator_id] = found
        return found

    def settled(self, versions: dict[UUID, int]) -> set[UUID]:
        """Of the aggregates in ``versions`` (id → the version this batch folded it to),
        those whose rows must be written now: all of them, except while a rebuild is
        built aside — then one with a later event up to the rebuild's head is left to the
        batch holding its last event, so a cycle is scored once per rebuild, not once per
        batch it changes in. The aside tables are served only when complete, so a row
        left for later is never read by anyone; a killed rebuild resumes from its last
        batch and reaches those events again."""
        if self._continued is None or not versions:
            return set(versions)
        return set(versions) - self._continued(versions)

    def cycle(self, fact: Fact) -> CycleFacts:
        """The facts of ``fact``'s cycle, folded up to and including it."""
        return self.folds.advance(fact)

    def cycle_at(self, oid: UUID, version: int | None = None) -> CycleFacts:
        """A cycle's facts up to ``version`` (``None``: everything stored now)."""
        return self.folds.at(oid, version)

    def flush(self) -> int:
        """Write every changed row: delete the old versions, insert the new ones in bulk."""
        written = 0
        for name, changed in self._changed.items():
            table, rows = self._target(self._tables[name]), self._rows[name]
            names = _key_names(table)
            keys = [dict(zip(names, key, strict=True)) for key in changed]
            self.connection.execute(_delete_by_key(table), keys)
            fresh = [rows[key] for key in changed if rows[key] is not None]
            if fresh:
                self.connection.execute(table.insert(), fresh)
            written += len(changed)
        self._rows.clear()
        self._changed.clear()
        return written

"""A harness for projection authors: given these events, expect these rows.

    from pdca.projections.testing import Harness, event

    def test_counts_cycles():
        h = Harness(UnitCycles())
        h.given(
            event("Unit.Registered", name="市财政局", category="党政机关", grid="第一片"),
            event("Cycle.Opened", unit="市财政局", period="2024"),
        )
        assert h.rows("unit_cycles") == [{"unit": "市财政局", "category": "党政机关", "cycles": 1}]

The projection runs through the same runtime pieces as in production — its
handlers, ``begin_batch``/``end_batch``, the shared cycle fold, the batch's bulk
write — against a real in-memory SQLite database. ``batch_size=1`` puts every
event in its own batch: a projection must give the same rows however the history
is cut into batches (a rebuild and a live follower cut it differently).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from sqlalchemy import Table, create_engine, select
from sqlalchemy.pool import StaticPool

from pdca.domain.ids import NAMESPACE, cycle_id, unit_id
from pdca.domain.round import round_id
from pdca.projections.api import Batch, Projection
from pdca.projections.decoding import Fact, known_event_types
from pdca.projections.folds import CycleFolds

CLOCK_START = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)

#: Fields an event needs for the fold that a test rarely cares about.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "Cycle.Opened": {
        "scheme_id": "test",
        "scheme_version": "1",
        "scheme_digest": "",
        "scheme_text": "",
        "stage": "plan",
    },
    "Unit.Registered": {"grid": None},
}


@dataclass
class Draft:
    """An event to be given to the harness; it gets its position and version there."""

    type: str
    of: UUID
    fields: dict[str, Any]
    at: datetime | None = None


def event(
    event_type: str, /, *, of: str | UUID | None = None, at: datetime | None = None, **fields: Any
) -> Draft:
    """One event of ``event_type`` (``"Cycle.FindingRecorded"``) with these fields.

    ``of`` names its aggregate: a cycle as ``"单位/2024"``, a unit by name, a round as
    ``"2024/jilin"``, or any UUID. Left out, it is read off the fields of the events
    that create an aggregate (``Cycle.Opened``: unit, period; ``Unit.Registered``:
    name; ``Round.Opened``: period, scheme_id).
    """
    if event_type not in known_event_types():
        raise ValueError(f"unknown event type {event_type!r}; known: {sorted(known_event_types())}")
    data = {**_DEFAULTS.get(event_type, {}), "actor": "测试", **fields}
    return Draft(event_type, _originator(event_type, of, data), data, at)


def _originator(event_type: str, of: str | UUID | None, data: dict[str, Any]) -> UUID:
    if isinstance(of, UUID):
        return of
    aggregate = event_type.partition(".")[0]
    if aggregate == "Cycle":
        unit, period = of.rsplit("/", 1) if of else (data["unit"], data["period"])
        return cycle_id(unit, period)
    if aggregate == "Unit":
        return unit_id(of or data["name"])
    if aggregate == "Round":
        period, scheme_id = of.split("/", 1) if of else (data["period"], data["scheme_id"])
        return round_id(period, scheme_id)
    if of is None:
        raise ValueError(f"{event_type}: say which aggregate with of=…")
    return uuid5(NAMESPACE, f"{aggregate}:{of}")


class Harness:
    def __init__(
        self, projection: Projection, batch_size: int | None = None, zone: str = "Asia/Shanghai"
    ) -> None:
        """``zone``: the database's time zone the projection sees (``Batch.zone``);
        a new database's default."""
        from zoneinfo import ZoneInfo

        self.projection = projection
        self.batch_size = batch_size
        self.zone = ZoneInfo(zone)
        self.engine = create_engine(
            "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        with self.engine.begin() as conn:
            for table in projection.tables:
                table.create(conn)
        self.history: dict[UUID, list[Fact]] = {}
        self.folds = CycleFolds(self)
        self.position = 0
        self.clock = CLOCK_START

    # The History protocol, for the fold's cache misses.
    def facts_of(self, originator_id: UUID, upto: int | None = None) -> list[Fact]:
        return [f for f in self.history.get(originator_id, []) if upto is None or f.version <= upto]

    def given(self, *drafts: Draft) -> Harness:
        """Store these events and run the projection over them (in one batch, or in
        batches of ``batch_size``)."""
        facts = [self._store(d) for d in drafts]
        size = self.batch_size or max(len(facts), 1)
        for start in range(0, len(facts), size):
            with self.engine.begin() as conn:
                batch = Batch(conn, self.folds, self.zone)
                self.folds.begin_batch()
                self.projection.begin_batch()
                for fact in facts[start : start + size]:
                    self.projection.handle(fact, batch)
                self.projection.end_batch(batch)
                batch.flush()
        return self

    def _store(self, draft: Draft) -> Fact:
        self.position += 1
        self.clock = draft.at or self.clock + timedelta(minutes=1)
        version = len(self.history.get(draft.of, [])) + 1
        state = {**draft.fields, "timestamp": self.clock}
        fact = Fact(self.position, draft.of, version, draft.type, state)
        self.history.setdefault(draft.of, []).append(fact)
        return fact

    def table(self, name: str) -> Table:
        for table in self.projection.tables:
            if table.name == name:
                return table
        raise KeyError(f"{self.projection.name} has no table {name!r}")

    def rows(self, table: str, **where: Any) -> list[dict[str, Any]]:
        """The table's rows (matching ``where``), in primary-key order."""
        t = self.table(table)
        query = select(t).where(*(t.c[k] == v for k, v in where.items()))
        with self.engine.connect() as conn:
            return [
                dict(r) for r in conn.execute(query.order_by(*t.primary_key.columns)).mappings()
            ]

    def row(self, table: str, **where: Any) -> dict[str, Any]:
        """The one row matching ``where``."""
        found = self.rows(table, **where)
        if len(found) != 1:
            raise AssertionError(f"{table} where {where}: {len(found)} rows, expected 1")
        return found[0]

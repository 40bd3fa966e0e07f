"""The 秋后算账 ledger: every finding with its observed date, source, indicator and
points (as corrected), and whether and when it was applied — the moment its cycle
entered the act stage (处理), where the year's findings are settled."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Column, Date, Integer, MetaData, String, Table

from pdca.domain import names
from pdca.domain.facts import CycleFacts, Finding
from pdca.projections.api import Batch, Projection, handles
from pdca.projections.decoding import Fact
from pdca.projections.private import Private

metadata = MetaData()

ledger = Table(
    "ledger",
    metadata,
    Column("cycle_id", String(36), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("cycle", String(names.ADDRESS_COLUMN), nullable=False),
    Column("unit", String(names.UNIT.max_length), nullable=False, index=True),
    Column("period", String(names.PERIOD_COLUMN), nullable=False, index=True),
    Column("source", String(40), nullable=False),
    Column("indicator", String(100), nullable=False),
    Column("points", String(40), nullable=False),
    Column("recorded_points", String(40), nullable=False),
    Column("observed_on", Date, nullable=False),
    # Instants as ISO 8601 text in UTC with the offset, on every database; marked
    # ``instant`` so readers show them in the database's time zone.
    Column("recorded_at", String(40), nullable=False, info={"instant": True}),
    Column("actor", Private, nullable=False),
    Column("evidence", Private, nullable=False),
    Column("status", String(20), nullable=False),  # 有效 / 已更正 / 已撤回 / 周期已作废
    Column("applied_at", String(40), info={"instant": True}),
)


class Ledger(Projection):
    name = "ledger"
    title = "秋后算账台账：每条督查发现、其分值（含更正）及何时计入"
    version = 5  # 5: a voided cycle's findings say so and are never applied
    tables = (ledger,)

    def begin_batch(self) -> None:
        self._dirty: dict[UUID, int] = {}

    @handles("Cycle.*")
    def cycle_changed(self, fact: Fact, batch: Batch) -> None:
        batch.cycle(fact)
        oid = fact.originator_id
        # A changed cycle is read at its last version in the batch, the one the shared
        # fold holds: asking for an older one would fold it again from the store and
        # leave the other projections the older fold to fold again.
        if fact.type in _CHANGES_FINDINGS or oid in self._dirty:
            self._dirty[oid] = fact.version

    def end_batch(self, batch: Batch) -> None:
        settled = batch.settled(self._dirty)  # a rebuild writes a cycle's rows once
        for oid, version in self._dirty.items():
            if oid not in settled:
                continue
            for row in ledger_rows(oid, batch.cycle_at(oid, version)):
                batch.put(ledger, row)


def ledger_rows(oid: UUID, facts: CycleFacts) -> list[dict[str, Any]]:
    """One row per finding of the cycle, as corrected, with when it was applied."""
    applied = facts.entered_act.recorded_at.isoformat() if facts.entered_act else None
    if facts.voided is not None:
        applied = None  # opened by mistake: its findings are never settled (秋后算账)
    rows = []
    for f in facts.facts.values():
        if not isinstance(f, Finding):
            continue
        status = "已撤回" if f.withdrawn else ("已更正" if f.corrections else "有效")
        if facts.voided is not None:
            status = "周期已作废"
        rows.append(
            {
                "cycle_id": str(oid),
                "position": f.provenance.position,
                "cycle": f"{facts.unit}/{facts.period}",
                "unit": facts.unit,
                "period": facts.period,
                "source": f.source,
                "indicator": f.indicator,
                "points": str(f.points),
                "recorded_points": str(f.recorded_points),
                "observed_on": f.observed_on,
                "recorded_at": f.provenance.recorded_at.isoformat(),
                "actor": f.provenance.actor,
                "evidence": f.evidence,
                "status": status,
                "applied_at": applied if not f.withdrawn else None,
            }
        )
    return rows


# The events that change a finding's row: the finding itself, its corrections, and
# the stage move that applies it (秋后算账).
_CHANGES_FINDINGS = frozenset(
    {
        "Cycle.FindingRecorded",
        "Cycle.FactWithdrawn",
        "Cycle.FactAmended",
        "Cycle.StageAdvanced",
        "Cycle.Voided",
    }
)

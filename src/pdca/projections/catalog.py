"""The catalog: every registered unit and every cycle with its current stage.

Backs ``pdca unit list`` and ``pdca cycle list``; the aggregates themselves stay
the authority (uniqueness comes from their ids, not from these rows).
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table

from pdca.domain import names
from pdca.projections.api import Batch, Projection, handles
from pdca.projections.decoding import Fact
from pdca.projections.private import Private

metadata = MetaData()

units = Table(
    "catalog_units",
    metadata,
    Column("name", String(names.UNIT.max_length), primary_key=True),
    Column("category", String(names.CATEGORY.max_length), nullable=False),
    Column("grid", String(names.GRID.max_length)),
    Column("registered_by", Private),
)

cycles = Table(
    "catalog_cycles",
    metadata,
    Column("cycle_id", String(36), primary_key=True),
    Column("unit", String(names.UNIT.max_length), nullable=False, index=True),
    Column("period", String(names.PERIOD_COLUMN), nullable=False, index=True),
    Column("scheme", String(200), nullable=False),
    Column("stage", String(100), nullable=False),
)

rounds = Table(
    "catalog_rounds",
    metadata,
    Column("round_id", String(36), primary_key=True),
    Column("period", String(names.PERIOD_COLUMN), nullable=False, index=True),
    Column("scheme_id", String(100), nullable=False),
)


class Catalog(Projection):
    name = "catalog"
    title = "单位、周期（含所处阶段）与轮次的目录"
    version = 3
    tables = (units, cycles, rounds)

    @handles("Unit.Registered")
    def unit_registered(self, fact: Fact, batch: Batch) -> None:
        batch.put(
            units,
            {
                "name": fact["name"],
                "category": fact["category"],
                "grid": fact["grid"],
                "registered_by": fact["actor"],
            },
        )

    @handles("Unit.Edited")
    def unit_edited(self, fact: Fact, batch: Batch) -> None:
        # Rows are keyed by name: a renamed unit's row moves to its new name.
        row = batch.get(units, fact["previous_name"])
        batch.delete(units, fact["previous_name"])
        batch.put(
            units,
            {
                "name": fact["name"],
                "category": fact["category"],
                "grid": fact["grid"],
                "registered_by": row["registered_by"] if row else fact["actor"],
            },
        )

    @handles("Cycle.Opened")
    def cycle_opened(self, fact: Fact, batch: Batch) -> None:
        batch.put(
            cycles,
            {
                "cycle_id": str(fact.originator_id),
                "unit": fact["unit"],
                "period": fact["period"],
                "scheme": f"{fact['scheme_id']}@{fact['scheme_version']}",
                "stage": fact["stage"],
            },
        )

    @handles("Cycle.StageAdvanced")
    def stage_advanced(self, fact: Fact, batch: Batch) -> None:
        batch.update(cycles, str(fact.originator_id), stage=fact["to_stage"])

    @handles("Cycle.Voided")
    def cycle_voided(self, fact: Fact, batch: Batch) -> None:
        # Out of every list but ``cycle list --all`` (application.service.VOIDED).
        batch.update(cycles, str(fact.originator_id), stage="voided")

    @handles("Round.Opened")
    def round_opened(self, fact: Fact, batch: Batch) -> None:
        batch.put(
            rounds,
            {
                "round_id": str(fact.originator_id),
                "period": fact["period"],
                "scheme_id": fact["scheme_id"],
            },
        )

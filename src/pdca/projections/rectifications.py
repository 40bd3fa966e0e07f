"""The rectifications projection: each item's status, owner, deadline, escalation
level, carry-over and the counts the 督办 colours need. Days overdue and the colour
depend on the day asked, so queries derive them (``rectifying.colour``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table

from pdca.domain import names
from pdca.projections.api import Batch, Projection, handles
from pdca.projections.decoding import Fact
from pdca.projections.private import Private

metadata = MetaData()

rectifications = Table(
    "rectifications",
    metadata,
    Column("item_id", String(32), primary_key=True),  # the aggregate id, hex
    Column("cycle", String(names.ADDRESS_COLUMN), nullable=False),
    Column("unit", String(names.UNIT.max_length), nullable=False, index=True),
    Column("period", String(names.PERIOD_COLUMN), nullable=False, index=True),
    Column("problem", Private, nullable=False),
    Column("owner", Private, nullable=False),
    Column("finding", Integer),
    Column("ordered_on", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reports", Integer, nullable=False),
    Column("rejected", Boolean, nullable=False),
    Column("escalation", Integer, nullable=False),
    Column("measure", String(40)),
    Column("carried_to", String(names.ADDRESS_COLUMN)),
    Column("closed_on", Date),
)


def _key(fact: Fact) -> str:
    return fact.originator_id.hex


class Rectifications(Projection):
    name = "rectifications"
    title = "整改事项：状态、责任人、期限、督办升级与结转"
    version = 3  # 3: 曾被退回 stays set once an item was sent back
    tables = (rectifications,)

    @handles("Rectification.Ordered")
    def ordered(self, fact: Fact, batch: Batch) -> None:
        batch.put(
            rectifications,
            {
                "item_id": _key(fact),
                "cycle": fact["cycle"],
                "unit": fact["unit"],
                "period": fact["period"],
                "problem": fact["problem"],
                "owner": fact["owner"],
                "finding": fact["finding"],
                "ordered_on": fact["ordered_on"],
                "due": fact["due"],
                "status": "ordered",
                "reports": 0,
                "rejected": False,
                "escalation": 0,
                "measure": None,
                "carried_to": None,
                "closed_on": None,
            },
        )

    @handles("Rectification.ProgressReported")
    def reported(self, fact: Fact, batch: Batch) -> None:
        row = batch.get(rectifications, _key(fact))
        if row is not None:
            batch.update(
                rectifications, _key(fact), status="in_progress", reports=row["reports"] + 1
            )

    @handles("Rectification.Submitted")
    def submitted(self, fact: Fact, batch: Batch) -> None:
        batch.update(rectifications, _key(fact), status="submitted")

    @handles("Rectification.Verified")
    def verified(self, fact: Fact, batch: Batch) -> None:
        accepted = fact["accepted"]
        row = batch.get(rectifications, _key(fact))
        # 曾被退回 ("was once sent back"): accepting a later submission keeps it.
        once_rejected = (row is not None and row["rejected"]) or not accepted
        batch.update(
            rectifications,
            _key(fact),
            status="closed" if accepted else "in_progress",
            rejected=once_rejected,
            closed_on=fact["on"] if accepted else None,
        )

    @handles("Rectification.DeadlineExtended")
    def extended(self, fact: Fact, batch: Batch) -> None:
        batch.update(rectifications, _key(fact), due=fact["due"])

    @handles("Rectification.Escalated")
    def escalated(self, fact: Fact, batch: Batch) -> None:
        batch.update(rectifications, _key(fact), escalation=fact["level"], measure=fact["measure"])

    @handles("Rectification.CarriedOver")
    def carried(self, fact: Fact, batch: Batch) -> None:
        batch.update(rectifications, _key(fact), carried_to=fact["to_cycle"])

"""The shared cycle fold keeps what a batch will ask for again, and still evicts.

A batch's ``end_batch`` asks for every cycle the batch changed: a batch that touched
more cycles than the cache holds (a year boundary in a large province) must not fold
them again from the store. Cycles nobody touched for two batches are evicted, and a
cycle folded again from the store ends exactly as one that stayed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pdca.projections.decoding import Fact
from pdca.projections.folds import CycleFolds
from pdca.projections.ledger import Ledger
from pdca.projections.testing import Draft, Harness, event

UNITS = ("甲局", "乙局", "丙局", "丁局")


class CountingHarness(Harness):
    """A harness that counts the cycle fold's reads of the store (its cache misses)."""

    store_reads = 0

    def facts_of(self, originator_id: UUID, upto: int | None = None) -> list[Fact]:
        self.store_reads += 1
        return super().facts_of(originator_id, upto)


def finding(unit: str, n: int) -> Draft:
    return event(
        "Cycle.FindingRecorded",
        of=f"{unit}/2024",
        source="暗访",
        indicator="discipline",
        points=Decimal(-n - 1),
        observed_on=date(2024, 5, 6),
        evidence=f"{unit}{n}",
    )


def run(capacity: int, batch_size: int | None) -> CountingHarness:
    """Every unit opens a cycle, then each records three findings, unit after unit."""
    h = CountingHarness(Ledger(), batch_size=batch_size)
    h.folds = CycleFolds(h, capacity=capacity)
    drafts = [event("Cycle.Opened", unit=unit, period="2024") for unit in UNITS]
    drafts += [finding(unit, n) for n in range(3) for unit in UNITS]
    h.given(*drafts)
    return h


def test_a_batch_touching_more_cycles_than_the_cache_holds_reads_none_again() -> None:
    one_batch = run(capacity=1, batch_size=None)
    assert one_batch.store_reads == 0
    assert one_batch.rows("ledger") == run(capacity=100, batch_size=None).rows("ledger")
    assert len(one_batch.rows("ledger")) == 3 * len(UNITS)


def test_cycles_untouched_for_two_batches_are_evicted_and_folded_again_equal() -> None:
    # One event per batch: each cycle's turn comes four batches after its last.
    small, large = run(capacity=1, batch_size=1), run(capacity=100, batch_size=1)
    assert small.store_reads > 0
    assert large.store_reads == 0
    assert small.rows("ledger") == large.rows("ledger")
    points = [r["points"] for r in small.rows("ledger") if r["unit"] == "甲局"]
    assert points == ["-1", "-2", "-3"]

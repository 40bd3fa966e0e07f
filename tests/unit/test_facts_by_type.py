"""``CycleFacts.active`` reads an index of the facts by type: it must answer as the plain
scan over every fact did, whatever happened to the facts since it was built."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pdca.domain import facts

WHEN = datetime(2024, 5, 12)


def _finding(points: str) -> dict[str, Any]:
    return {
        "source": "督查",
        "indicator": "x",
        "points": Decimal(points),
        "observed_on": None,
        "evidence": "",
    }


def _scan(folded: facts.CycleFacts, kind: type) -> list[Any]:
    """What ``active`` answered before the index: every fact, in order, looked at."""
    return [f for f in folded.facts.values() if isinstance(f, kind) and not f.withdrawn]


def test_the_index_follows_additions_withdrawals_and_a_new_facts_dict() -> None:
    folded = facts.CycleFacts()
    assert folded.findings() == []  # an index of nothing, built
    folded.apply("FindingRecorded", 2, WHEN, _finding("-1"))
    folded.apply("ItemScored", 3, WHEN, {"item": "a", "value": Decimal("4"), "evidence": ""})
    folded.apply("FindingRecorded", 4, WHEN, _finding("-2"))
    assert [f.recorded_points for f in folded.findings()] == [Decimal("-1"), Decimal("-2")]
    assert folded.item_score("a") is folded.facts[3]
    folded.apply("FactWithdrawn", 5, WHEN, {"fact_position": 2, "reason": "错录"})
    assert folded.findings() == _scan(folded, facts.Finding) == [folded.facts[4]]
    folded.apply("FindingRecorded", 6, WHEN, _finding("-3"))
    assert [f.recorded_points for f in folded.findings()] == [Decimal("-2"), Decimal("-3")]
    # A snapshot's body replaces the dict whole (``snapshot_codec.decode_body``).
    folded.facts = {9: folded.facts[6]}
    assert folded.findings() == [folded.facts[9]] and folded.item_score("a") is None
    # The base type still finds every kind, in position order.
    folded.apply("ItemScored", 10, WHEN, {"item": "b", "value": Decimal("1"), "evidence": ""})
    assert (
        folded.active(facts.Fact)
        == _scan(folded, facts.Fact)
        == [
            folded.facts[9],
            folded.facts[10],
        ]
    )


def test_the_index_is_no_part_of_equality() -> None:
    one, other = facts.CycleFacts(), facts.CycleFacts()
    one.apply("FindingRecorded", 2, WHEN, _finding("-1"))
    other.apply("FindingRecorded", 2, WHEN, _finding("-1"))
    one.findings()  # indexed; the other is not
    assert one == other

"""The one scoring function on hand-built facts (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pdca.domain.facts import CycleFacts
from pdca.rules.schemes import parse
from pdca.rules.scoring import score
from tests.unit.test_rules import SCORED

SCHEME = parse(SCORED)
NOW = datetime(2024, 12, 1, tzinfo=UTC)


def facts_with(ballots: list[tuple[str, str]], meetings: str | None = "10") -> CycleFacts:
    facts = CycleFacts()
    facts.apply(
        "Opened",
        1,
        NOW,
        {
            "unit": "甲",
            "period": "2024",
            "scheme_id": "t",
            "scheme_version": "1",
            "scheme_digest": SCHEME.digest,
            "scheme_text": SCHEME.text,
            "stage": "check",
            "actor": "a",
        },
    )
    position = 1
    if meetings is not None:
        position += 1
        facts.apply(
            "ItemScored",
            position,
            NOW,
            {"item": "meetings", "value": Decimal(meetings), "evidence": "e", "actor": "a"},
        )
    for group, total in ballots:
        position += 1
        facts.apply(
            "BallotCast",
            position,
            NOW,
            {
                "token_digest": str(position),
                "group": group,
                "scores": {"all": Decimal(total)},
                "actor": "a",
            },
        )
    return facts


def test_weighted_total_rounds_once_half_up() -> None:
    # meetings: 12 required, 10 held → 2 − 2 × 0.5 = 1 of 2 → 50 × 60% = 30
    # ballots: leaders mean (81 + 80) / 2 = 80.5 × 85% = 68.425; masses 90 × 15% = 13.5
    #          → 81.925 × 40% = 32.77 → total 62.77
    b = score(facts_with([("leaders", "81"), ("leaders", "80"), ("masses", "90")]), SCHEME)
    assert b.unrounded == Decimal("62.77") and b.total == Decimal("62.77") and not b.refused


def test_masses_without_ballots_refuse_the_ballot_component_instead_of_dropping_to_zero() -> None:
    b = score(facts_with([("leaders", "81"), ("leaders", "80"), ("leaders", "79")]), SCHEME)
    assert "评议群体 masses 没有有效票，方案规定其权重不少于 15%" in b.refused


def test_below_quorum_is_refused() -> None:
    b = score(facts_with([("leaders", "81"), ("masses", "80")]), SCHEME)
    assert "测评票不足：已收有效票 2 张，方案要求至少 3 张" in b.refused


def test_a_withdrawn_fact_no_longer_counts() -> None:
    facts = facts_with([("leaders", "81"), ("leaders", "80"), ("masses", "90")])
    facts.apply("FactWithdrawn", 9, NOW, {"fact_position": 2, "reason": "误记", "actor": "b"})
    b = score(facts, SCHEME)
    # meetings no longer recorded: 0 of 2 → 0; ballots unchanged 32.77
    assert b.total == Decimal("32.77")

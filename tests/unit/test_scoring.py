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


# ---- complete before final ------------------------------------------------------------------

CAPPED = parse(
    SCORED.replace(
        """[[catalog.categories]]
id = "basic"
label = "基础"
""",
        """[[catalog.categories]]
id = "basic"
label = "基础"
max = "8"
[[catalog.categories.items]]
id = "study"
label = "专题学习"
max = "6"
[[catalog.categories.items]]
id = "visits"
label = "走访"
max = "4"
""",
    )
)
VOTES = [("leaders", "81"), ("leaders", "80"), ("masses", "90")]  # 32.77, as above


def scored(facts: CycleFacts, **values: str) -> CycleFacts:
    position = 100
    for item, value in values.items():
        position += 1
        kind, data = (
            ("ItemNotApplicable", {"item": item, "reason": "不适用"})
            if value == "na"
            else ("ItemScored", {"item": item, "value": Decimal(value), "evidence": "e"})
        )
        facts.apply(kind, position, NOW, {**data, "actor": "a"})
    return facts


def test_an_unrecorded_item_beside_recorded_ones_is_missing_and_there_is_no_total() -> None:
    # meetings recorded, study and visits not: the component is partly recorded, so
    # every item is required (the scheme's missing = "zero" speaks only of an empty one).
    facts = scored(facts_with(VOTES), study="6")
    b = score(facts, CAPPED)
    assert (b.total, b.unrounded) == (None, None)
    assert [(m.component, m.item) for m in b.missing] == [("onsite", "visits")]
    assert b.refused == "onsite缺 1 项：visits（走访）"
    assert b.component("onsite").status == "missing" and b.component("onsite").score is None
    visits = next(
        n for n in b.tree.children[0].children[0].children[0].children if "visits" in n.label
    )
    assert (visits.value, visits.status) == (None, "missing")
    assert b.tree.status == "missing" and b.tree.value is None


def test_an_item_not_applicable_shrinks_a_capped_category_in_proportion() -> None:
    # 基础: items 2 + 6 + 4 = 12, capped at 8. visits (4) not applicable: the cap becomes
    # 8 × (12 − 4) / 12 = 16/3 = 5.333…; meetings 1 (10 of 12 held) + study 6 = 7,
    # capped at 5.333… → 100% of onsite → 100 × 60% = 60; ballots 32.77 → 92.77.
    facts = scored(facts_with(VOTES), study="6", visits="na")
    b = score(facts, CAPPED)
    assert b.total == Decimal("92.77") and not b.missing
    assert b.component("onsite").score == Decimal(100)
    # Without the 不适用 and visits scored 0: 7 of 8 → 87.5 × 60% = 52.5 → 85.27.
    b = score(scored(facts_with(VOTES), study="6", visits="0"), CAPPED)
    assert b.total == Decimal("85.27")


def test_a_component_whose_items_are_all_not_applicable_drops_out() -> None:
    # onsite drops out; votes alone, reweighted to 100%: 81.925 → 81.93 (81.925 half-up).
    facts = scored(facts_with(VOTES, meetings=None), meetings="na", study="na", visits="na")
    b = score(facts, CAPPED)
    assert b.component("onsite").status == "not_applicable"
    assert b.component("votes").weight == Decimal(100)
    assert b.total == Decimal("81.93")

"""``CheckList``: a verify's results kept outside memory come back as a sorted list of
them would (by label, ties in the order added), with the troubled ones at hand."""

from __future__ import annotations

from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from pdca.application.verify_checks import AggregateCheck, CheckList
from pdca.storage.tamper import Tamper

# Labels as a tampered row could spell them: any code point, lone surrogates included.
_labels = st.text(st.characters(codec=None, exclude_categories=()), max_size=6)


@given(st.lists(st.tuples(_labels, st.booleans()), max_size=40))
@settings(max_examples=100, deadline=None)
def test_it_reads_back_as_the_sorted_list(entries: list[tuple[str, bool]]) -> None:
    made = [
        AggregateCheck(
            UUID(int=i),
            label,
            i,
            f"{i:064x}" if i % 3 else None,
            [Tamper(i, "changed", "x")] if troubled else [],
        )
        for i, (label, troubled) in enumerate(entries)
    ]
    checks = CheckList()
    for check in made:
        checks.add(check)
    expected = sorted(made, key=lambda c: c.label)  # stable: ties in the order added
    assert list(checks) == expected
    assert list(checks) == expected  # read twice, the same
    assert len(checks) == len(made) and checks.events == sum(c.events for c in made)
    assert checks.troubled() == [c for c in expected if c.problems]


def test_amend_replaces_one_result_wherever_it_is_kept() -> None:
    checks = CheckList()
    for i in range(2500):  # past the batch of 1000 held before writing
        checks.add(AggregateCheck(UUID(int=i), f"周期 {i:04d}", 1, "d", []))
    flag = Tamper(3, "attachment_missing", "证据.pdf")
    checks.amend(
        UUID(int=1234), lambda c: AggregateCheck(c.id, c.label, c.events, c.head_digest, [flag])
    )
    checks.amend(UUID(int=99999), lambda c: c)  # not there: nothing
    found = [c for c in checks if c.problems]
    assert [(c.id, c.label, c.problems) for c in found] == [(UUID(int=1234), "周期 1234", [flag])]
    assert checks.troubled() == found and len(checks) == 2500


def test_published_heads_come_back_by_source_then_as_added() -> None:
    from pdca.application.verify_checks import PublishedHeads
    from pdca.storage.tamper import Anchor

    a, b, gone = UUID(int=1), UUID(int=2), UUID(int=3)
    heads = PublishedHeads()
    # Round 1 (rank 0) publishes a, then gone; round 0 (rank 1, seen later) publishes a
    # again; round 0's second finalisation (rank 1) publishes b; an anchors file (rank 2).
    heads.add(a, 0, Anchor(5, "d5", "轮次甲 第 3 号事件（定稿）"), "周期 甲局/2024")
    heads.add(gone, 0, Anchor(9, "d9", "轮次甲 第 3 号事件（定稿）"), "周期 丙局/2024")
    heads.add(a, 1, Anchor(7, "d7", "轮次乙 第 2 号事件（定稿）"), "周期 甲局/2024（乙）")
    heads.add(a, 0, Anchor(8, "d8", "轮次甲 第 4 号事件（定稿）"), "周期 甲局/2024")
    heads.add(b, 2, Anchor(1, "e1", "锚点 #1"))
    assert len(heads) == 5
    taken, label = heads.take(a)
    assert [x.digest for x in taken] == ["d5", "d8", "d7"] and label == "周期 甲局/2024"
    assert heads.take(a) == ([], None)  # taken out
    assert heads.take(b) == ([Anchor(1, "e1", "锚点 #1")], None)  # no label but its own
    assert list(heads.left()) == [gone]

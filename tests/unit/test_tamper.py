"""Reading a chain back, without a database: the tampers SQL tests cannot stage."""

from __future__ import annotations

from pdca.storage.chain import GENESIS
from pdca.storage.tamper import Anchor, Row, inspect


def chain(n: int) -> list[Row]:
    rows, link = [], GENESIS
    for v in range(1, n + 1):
        rows.append(Row(v, f"d{v}", link))
        link = f"d{v}"
    return rows


def kinds(found: list) -> list[tuple[int, str]]:
    return [(t.position, t.kind) for t in found]


def test_an_intact_chain_and_its_published_head_are_clean() -> None:
    assert inspect(chain(5), [Anchor(5, "d5", "定稿")]) == []


def test_an_event_slipped_in_by_renumbering_the_rest_is_the_one_named_inserted() -> None:
    # Versions 3.. moved up by one; a forged event at 3 names 2 as its predecessor.
    rows = chain(5)
    shifted = [*rows[:2], Row(3, "forged", "d2")] + [
        Row(r.version + 1, r.digest, r.link) for r in rows[2:]
    ]
    found = kinds(inspect(shifted))
    assert (3, "inserted") in found
    assert [p for p, k in found if k == "reordered"] == [4, 5, 6]


def test_a_tail_removed_after_publication_is_named_up_to_the_published_head() -> None:
    assert kinds(inspect(chain(3), [Anchor(5, "d5", "定稿")])) == [(4, "removed"), (5, "removed")]


def test_an_unreadable_row_is_changed() -> None:
    rows = chain(3)
    rows[1] = Row(2, "garbled", None)
    assert kinds(inspect(rows)) == [(2, "changed")]

"""Ballot item means (format 3): a ballot gives an item whole or by its 采分点, and each
mean is taken over the right ballots — checked against the figures worked by hand."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace as Ns

from pdca.rules.scoring import _point_means

D = Decimal


def _item(id_: str, points: list[str]) -> Ns:
    return Ns(
        id=id_,
        label=id_,
        max=D(10),
        points=[Ns(id=p, label=p, max=D(5)) for p in points],
    )


def test_each_item_mean_takes_a_whole_ballot_as_given_and_a_pointed_one_summed() -> None:
    ballot = Ns(items=[_item("duty", ["lead", "plan"]), _item("plain", [])])
    kept = [
        Ns(scores={"lead": D(1), "plan": D(2), "plain": D(4)}),
        Ns(scores={"duty": D(10)}),  # given whole, nothing for "plain"
        Ns(scores={"lead": D(3), "plan": D("4.5"), "plain": D(6)}),
    ]
    duty, plain = _point_means(ballot, kept)
    # (1+2) + 10 + (3+4.5) over three ballots; each point over the two that gave points.
    assert duty.value == D("20.5") / 3
    assert [(n.label, n.value) for n in duty.children] == [
        ("lead（duty.lead）", D(2)),
        ("plan（duty.plan）", D("3.25")),
    ]
    assert duty.children[0].note.startswith("2 张按采分点填写的票的平均分")
    # An item without points: what each ballot gave, nothing counting 0.
    assert plain.value == D(10) / 3
    assert plain.children == ()


def test_an_item_every_ballot_gives_whole_has_no_point_means() -> None:
    ballot = Ns(items=[_item("duty", ["lead", "plan"])])
    kept = [Ns(scores={"duty": D(8)}), Ns(scores={"duty": D(9)})]
    (duty,) = _point_means(ballot, kept)
    assert duty.value == D("8.5")
    assert duty.children == ()

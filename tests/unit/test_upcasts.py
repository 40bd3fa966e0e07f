"""One table of upcasters serves the library's mapper and the projections alike."""

from __future__ import annotations

from pdca.domain import upcasts
from pdca.domain.cycle import Cycle
from pdca.domain.rectification import Rectification

AGGREGATES = {"Cycle": Cycle, "Rectification": Rectification}


def test_every_upcast_table_entry_matches_its_event_class() -> None:
    for name, steps in upcasts.STEPS.items():
        aggregate, _, event = name.partition(".")
        cls = getattr(AGGREGATES[aggregate], event)
        assert cls.class_version == len(steps) + 1
        for n, step in enumerate(steps, 1):
            assert getattr(cls, f"upcast_v{n}_v{n + 1}") is step


def test_a_v1_state_is_renamed_and_a_current_one_left_alone() -> None:
    old = {"fact": 9, "reason": "复核", "actor": "张三"}
    assert upcasts.upcast("Cycle.FactWithdrawn", old) == {
        "fact_position": 9,
        "reason": "复核",
        "actor": "张三",
    }
    new = {"fact_position": 9, "reason": "复核", "class_version": 2}
    assert upcasts.upcast("Cycle.FactAmended", new) == {"fact_position": 9, "reason": "复核"}
    assert upcasts.upcast("Cycle.TaskAdded", {"task_no": 1}) == {"task_no": 1}


def test_a_v1_veto_has_no_observed_date_rather_than_a_made_up_one() -> None:
    old = {"rule": "r", "reason": "理由", "evidence": "证据", "actor": "张三"}
    assert upcasts.upcast("Cycle.VetoApplied", dict(old)) == {**old, "observed_on": None}
    new = {**old, "observed_on": "2024-06-03", "class_version": 2}
    assert upcasts.upcast("Cycle.VetoApplied", new)["observed_on"] == "2024-06-03"


def test_a_v1_issue_of_ballots_reads_as_unsalted() -> None:
    old = {"group": "masses", "token_digests": ["b", "a"], "actor": "张三"}
    assert upcasts.upcast("Cycle.BallotsIssued", dict(old)) == {**old, "salt": None}

"""``verify`` in O(what it checks): one cycle is read by key with its period's rounds,
everything is read in key order one aggregate at a time, and the topic index that finds
the rounds is added by ``pdca init`` (run again on an old workspace). On SQLite and
PostgreSQL; the figures are ``bench/verify.py``'s."""

from __future__ import annotations

import pytest

from pdca.storage import key_order, topic_index
from tests._round import record_round_in
from tests.conftest import Workspace
from tests.integration.test_verify import oid, problems, tamper, verify


def _has_index(ws: Workspace) -> bool:
    if ws.backend == "sqlite":
        found = ws.sql(f"SELECT name FROM sqlite_master WHERE name = '{topic_index.NAME}'")
    else:
        found = ws.sql(
            f"SELECT indexname FROM pg_indexes WHERE schemaname = '{ws.schema}' "
            f"AND indexname = '{topic_index.NAME}'"
        )
    return bool(found)


def test_an_old_workspace_verifies_and_init_adds_the_topic_index(workspace: Workspace) -> None:
    ws = workspace
    record_round_in(ws)
    assert _has_index(ws)  # a new workspace has it from init
    clean_one = verify(ws, "甲局/2024")
    clean_all = verify(ws)
    # A workspace made before the index: every verify works the same, only slower.
    tamper(ws, f"DROP INDEX {topic_index.NAME}")  # as the table owner would
    assert not _has_index(ws)
    assert verify(ws, "甲局/2024") == clean_one and clean_one[0] == 0
    assert verify(ws) == clean_all and clean_all[0] == 0
    # The owner runs init again: the index is back, no event changed.
    events = ws.event_count()
    ws.ok("init")
    assert _has_index(ws) and ws.event_count() == events
    assert verify(ws, "甲局/2024") == clean_one


def test_everything_read_in_small_pages_reads_as_in_one(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of the key-ordered read end inside aggregates: a page of two rows reads the
    same report as the default page, tampering included."""
    ws = workspace
    record_round_in(ws)
    tamper(
        ws,
        f"DELETE FROM {ws.events_table} WHERE originator_id = '{oid(ws, '甲局/2024')}' "
        "AND originator_version = 5",
    )
    whole = verify(ws)
    assert whole[0] == 8 and problems(whole[1]) == {("周期 甲局/2024", 5, "removed")}
    monkeypatch.setattr(key_order, "PAGE", 2)
    assert verify(ws) == whole


def test_a_cycle_whose_opening_was_removed_is_checked_against_its_round(
    workspace: Workspace,
) -> None:
    """The period's rounds are found by their opening event too, so a cycle whose own
    opening (which names its scheme) was removed is still checked against the head its
    round published."""
    ws = workspace
    record_round_in(ws)
    tamper(
        ws,
        f"DELETE FROM {ws.events_table} WHERE originator_id = '{oid(ws, '甲局/2024')}' "
        "AND originator_version = 1",
    )
    code, one = verify(ws, "甲局/2024")
    assert code == 8
    # The round that published it is read (its own chain is intact) and its head counted.
    assert one["anchors"] == 1
    assert {h["aggregate"] for h in one["heads"]} == {"周期 甲局/2024", "轮次 2024（jilin）"}
    assert ("周期 甲局/2024", 1, "removed") in problems(one)
    # What one cycle's check finds is what the whole history's check finds for it.
    _, everything = verify(ws)
    assert problems(one) == {p for p in problems(everything) if p[0] == "周期 甲局/2024"}

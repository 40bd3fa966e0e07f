"""Tamper evidence: rows edited, deleted, swapped and inserted with raw SQL are each
named by ``pdca verify``, on SQLite and PostgreSQL; an untouched history is clean."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pdca.domain.ids import cycle_id
from pdca.storage.chain import PREV, digest
from tests._round import EVIDENCE, record_round_in
from tests.conftest import Workspace


@pytest.fixture
def round_ws(workspace: Workspace) -> Iterator[Workspace]:
    record_round_in(workspace)
    yield workspace


def tamper(ws: Workspace, query: str) -> None:
    """Raw SQL straight at the event table, as a database administrator would (on
    PostgreSQL, lifting the append-only trigger first, as only the owner can)."""
    ws.tamper(query)


def verify(ws: Workspace, *args: str) -> tuple[int, dict[str, Any]]:
    result = ws.run("verify", *args, "--json")
    return result.exit_code, json.loads(result.output)


def problems(report: dict[str, Any]) -> set[tuple[str, int, str]]:
    return {(p["aggregate"], p["position"], p["kind"]) for p in report["problems"]}


def oid(ws: Workspace, cycle: str) -> str:
    unit, period = cycle.split("/")
    key = cycle_id(unit, period)
    return key.hex if ws.backend == "sqlite" else str(key)


def rows(ws: Workspace, cycle: str) -> list[tuple[int, str, bytes]]:
    found = ws.sql(
        f"SELECT originator_version, topic, state FROM {ws.events_table} "
        f"WHERE originator_id = '{oid(ws, cycle)}' ORDER BY originator_version"
    )
    return [(v, t, bytes(s)) for v, t, s in found]


def set_state(ws: Workspace, cycle: str, version: int, topic: str, state: bytes) -> None:
    write_row(ws, oid(ws, cycle), version, state, topic)


def write_row(ws: Workspace, stored_id: str, version: int, state: bytes, topic: str = "") -> None:
    """One stored row's state (and topic) replaced, the id as the table keeps it."""
    literal = f"X'{state.hex()}'" if ws.backend == "sqlite" else f"'\\x{state.hex()}'::bytea"
    retopic = f"topic = '{topic}', " if topic else ""
    tamper(
        ws,
        f"UPDATE {ws.events_table} SET {retopic}state = {literal} "
        f"WHERE originator_id = '{stored_id}' AND originator_version = {version}",
    )


def test_each_tamper_is_named_by_aggregate_and_position(round_ws: Workspace) -> None:
    ws = round_ws
    code, clean = verify(ws)
    assert code == 0 and clean["clean"] and clean["problems"] == []
    # Two cycles published by one finalisation: two anchors.
    assert clean["anchors"] == 2 and clean["events"] == ws.event_count()

    jia, yi = rows(ws, "甲局/2024"), rows(ws, "乙局/2024")
    # Changed: the 暗访 finding's evidence (position 9) is softened.
    v, topic, state = jia[8]
    assert v == 9 and EVIDENCE.encode() in state
    set_state(ws, "甲局/2024", 9, topic, state.replace(EVIDENCE.encode(), "按时到岗".encode()))
    # Removed: the move into 督查 (position 12).
    tamper(
        ws,
        f"DELETE FROM {ws.events_table} WHERE originator_id = '{oid(ws, '甲局/2024')}' "
        "AND originator_version = 12",
    )
    # Reordered: 乙局's two task additions swap places (2 ↔ 3).
    set_state(ws, "乙局/2024", 2, yi[2][1], yi[2][2])
    set_state(ws, "乙局/2024", 3, yi[1][1], yi[1][2])
    # Inserted: a copy of 甲局's first task completion (position 7) after its last event.
    head = jia[-1][0]
    literal = "X'" + jia[6][2].hex() + "'" if ws.backend == "sqlite" else f"'\\x{jia[6][2].hex()}'"
    tamper(
        ws,
        f"INSERT INTO {ws.events_table} (originator_id, originator_version, topic, state) "
        f"VALUES ('{oid(ws, '甲局/2024')}', {head + 1}, '{jia[6][1]}', {literal})",
    )

    code, report = verify(ws)
    assert code == 8 and not report["clean"]
    # On PostgreSQL the inserted copy carries the stamp of the login that inserted it,
    # not of the one its content names (the edits keep the stamps of the rows edited).
    stamped = {("周期 甲局/2024", head + 1, "principal")} if ws.backend == "postgresql" else set()
    assert (
        problems(report)
        == {
            ("周期 甲局/2024", 9, "changed"),
            ("周期 甲局/2024", 12, "removed"),
            ("周期 乙局/2024", 2, "reordered"),
            ("周期 乙局/2024", 3, "reordered"),
            ("周期 甲局/2024", head + 1, "inserted"),
        }
        | stamped
    )
    inserted = next(p for p in report["problems"] if p["kind"] == "inserted")
    assert "第 6 号事件之后" in inserted["detail"] and "第 7 号事件相同" in inserted["detail"]

    # One cycle at a time: only its own findings (and its round, which is intact).
    code, one = verify(ws, "乙局/2024")
    assert code == 8
    assert problems(one) == {("周期 乙局/2024", 2, "reordered"), ("周期 乙局/2024", 3, "reordered")}

    # The text report names them too, in Chinese.
    text = ws.run("verify").output
    assert f"发现 {5 + len(stamped)} 处篡改" in text and "被调换位置" in text and "被插入" in text


def test_a_consistent_rewrite_is_caught_by_the_published_head_digest(round_ws: Workspace) -> None:
    ws = round_ws
    # A careful administrator edits the evidence and recomputes every later link, so
    # the chain itself is consistent again; only the head digest published at
    # finalisation (and printed by explain) still disagrees.
    published = json.loads(ws.ok("explain", "甲局/2024", "--json").output)["outcome"]
    previous = None
    for version, topic, state in rows(ws, "甲局/2024"):
        data = json.loads(state)
        if version == 9:
            data["evidence"] = "按时到岗"
        if previous is not None:
            data[PREV] = previous
        new = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        set_state(ws, "甲局/2024", version, topic, new)
        previous = digest(cycle_id("甲局", "2024"), topic, new)
    # And 乙局's whole history is deleted: the round still lists its head.
    yi_head = len(rows(ws, "乙局/2024"))
    tamper(ws, f"DELETE FROM {ws.events_table} WHERE originator_id = '{oid(ws, '乙局/2024')}'")

    code, report = verify(ws)
    assert code == 8
    assert problems(report) == {("周期 甲局/2024", published["head"], "changed")} | {
        ("周期 乙局/2024", v, "removed") for v in range(1, yi_head + 1)
    }
    changed = next(p for p in report["problems"] if p["kind"] == "changed")
    assert published["digest"][:16] in changed["detail"]


def test_explain_and_scores_carry_the_published_head_digest(round_ws: Workspace) -> None:
    ws = round_ws
    explained = json.loads(ws.ok("explain", "甲局/2024", "--json").output)
    outcome = explained["outcome"]
    # Nothing was recorded after finalisation: the head then is the head now.
    assert outcome["head"] == explained["head_position"]
    assert outcome["digest"] == explained["head_digest"]
    version, topic, state = rows(ws, "甲局/2024")[-1]
    assert version == outcome["head"]
    assert outcome["digest"] == digest(cycle_id("甲局", "2024"), topic, state)
    assert (
        f"发布时的链摘要（第 {version} 号事件）：{outcome['digest']}"
        in ws.ok("explain", "甲局/2024").output
    )
    ws.ok("ranking", "2024")  # catches the scores view up
    assert ws.sql("SELECT published_digest FROM scores WHERE unit = '甲局'") == [
        (outcome["digest"],)
    ]


@pytest.mark.parametrize("edited", [{"x": 1}, [9], "9", None])
def test_a_published_head_edited_into_nonsense_is_named_not_a_crash(
    round_ws: Workspace, edited: object
) -> None:
    ws = round_ws
    rid, version, state = ws.sql(
        f"SELECT originator_id, originator_version, state FROM {ws.events_table} "
        "WHERE topic LIKE '%Round.Finalized' ORDER BY originator_version LIMIT 1"
    )[0]
    data = json.loads(bytes(state))
    edited_cycle = data["outcomes"][0]["cycle"]
    data["outcomes"][0]["head"] = edited  # no round writes that: nothing to compare with
    new = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    write_row(ws, rid, version, new)
    for args in ((), (edited_cycle,)):
        code, report = verify(ws, *args)
        # The edit shows in the round's own chain (a later event links to the old bytes);
        # the cycle's one verify checks that round too, as it published the cycle.
        assert code == 8, (args, report)
        assert any(
            p["aggregate"].startswith("轮次") and p["kind"] == "changed" for p in report["problems"]
        ), report

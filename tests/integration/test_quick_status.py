"""``cycle status`` read straight from the SQLite file (``pdca.application.quick_status``)
answers exactly as the application does, and leaves every case that is not ordinary to it.

Real SQLite workspaces built through the CLI; the application's answer is the reference.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pdca.application.quick_status import status as quick
from pdca.application.service import PdcaApplication
from pdca.application.workspace import Workspace as AppWorkspace
from pdca.application.workspace import open_workspace
from pdca.storage import meta
from tests.conftest import Workspace

C = "市财政局/2024"


def _opened(ws: Workspace) -> AppWorkspace:
    return open_workspace(str(ws.root), ws.db_url)


def _both(ws: Workspace, address: str) -> tuple[object, object]:
    """(quick status, notices) and (the application's status, its notices)."""
    found = quick(_opened(ws), address)
    app = PdcaApplication(_opened(ws))
    try:
        return found, (app.status(address), app.notices)
    finally:
        app.close()


def _cycle(ws: Workspace) -> None:
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")


def test_it_answers_as_the_application_stage_by_stage(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    _cycle(ws)
    seen = []
    for step in (
        None,  # 计划, nothing published: start_do refused, with the guard's words
        ("task", "add", C, "三会一课", "--deadline", "2024-12-31"),
        ("task", "publish", C),
        ("cycle", "advance", C, "start_do"),
        ("cycle", "advance", C, "start_check"),
    ):
        if step:
            ws.ok(*step)
        found, expected = _both(ws, C)
        assert found is not None
        assert found == (expected[0], [])
        assert expected[1] == []
        seen.append(found[0])
    # What the steps above must have shown, worked out by hand.
    first, last = seen[0], seen[-1]
    assert (first.stage, first.version, first.cycle) == ("plan", 1, C)
    assert [(t.name, t.allowed) for t in first.triggers] == [("start_do", False)]
    assert first.triggers[0].reason.startswith("task_list_published：需要任务清单已发布")
    assert (last.stage, last.stage_label, last.version) == ("check", "督查", 5)
    assert [(t.name, t.allowed, t.reason) for t in last.triggers] == [("start_act", True, "")]


def test_a_renamed_unit_is_told_as_the_application_tells_it(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    _cycle(ws)
    ws.ok("unit", "edit", "市财政局", "--name", "市财政厅", "--reason", "机构改革")
    for address in (C, "市财政厅/2024"):
        found, expected = _both(ws, address)
        assert found == expected
    found, _ = _both(ws, C)
    assert found is not None
    assert found[1] == ["单位 市财政局 已更名为 市财政厅"]
    assert found[0].cycle == C  # the cycle keeps the name it was opened under
    # The command line says it once, on stderr, beside the same table.
    result = ws.ok("cycle", "status", C)
    assert result.output.count("单位 市财政局 已更名为 市财政厅") == 1


def test_what_is_not_ordinary_is_left_to_the_application(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = sqlite_workspace
    _cycle(ws)
    assert quick(_opened(ws), C) is not None  # the case below each change
    for address in ("市教育局/2024", "市财政局/2023", "没有斜杠"):
        assert quick(_opened(ws), address) is None  # the application refuses these
    monkeypatch.setenv("PDCA_CIPHER_KEY", "x")
    assert quick(_opened(ws), C) is None
    monkeypatch.delenv("PDCA_CIPHER_KEY")
    postgres = open_workspace(str(ws.root), "postgresql+psycopg://u@127.0.0.1:1/none")
    assert quick(postgres, C) is None

    database = ws.root / "pdca.sqlite3"
    _sql(database, f"UPDATE {meta.TABLE} SET value = '{meta.FORMAT - 1}' WHERE key = 'format'")
    assert quick(_opened(ws), C) is None  # an older marker: the application raises it
    _sql(database, f"UPDATE {meta.TABLE} SET value = '{meta.FORMAT}' WHERE key = 'format'")
    assert quick(_opened(ws), C) is not None

    ws.ok("cycle", "void", C, "--reason", "误开")
    assert quick(_opened(ws), C) is None


def test_a_forged_snapshot_is_left_to_the_application(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    _cycle(ws)
    cycle_id = ws.sql("SELECT originator_id FROM stored_events WHERE topic LIKE '%Cycle.Opened'")
    # Another fold's row: the application ignores it (and replaces it), this read asks it.
    _sql(
        ws.root / "pdca.sqlite3",
        "INSERT INTO pdca_snapshots VALUES (?, 1, 'x', 'x', x'00', x'00')",
        (cycle_id[0][0],),
    )
    assert quick(_opened(ws), C) is None
    assert "计划" in ws.ok("cycle", "status", C).output  # the application answers


def _findings(ws: Workspace, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        ws.ok(
            "finding", "record", C, "--source", "暗访", "--indicator", "discipline",
            "--points", "-1", "--observed-on", f"2024-05-{10 + n:02d}", "--evidence", f"证据{n}",
        )  # fmt: skip


def test_a_snapshotted_cycle_is_read_from_its_head(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a lowered threshold (5 events, a new snapshot every 3) the quick read folds
    the newest snapshot's head and the events after it, and answers as the application."""
    from pdca.application import quick_status, snapshot_policy

    monkeypatch.setattr(snapshot_policy, "THRESHOLD", 5)
    monkeypatch.setattr(snapshot_policy, "INTERVAL", 3)
    ws = sqlite_workspace
    _cycle(ws)
    for step in (
        ("task", "add", C, "三会一课", "--deadline", "2024-12-31"),
        ("task", "publish", C),
    ):
        ws.ok(*step)
    ws.ok("cycle", "advance", C, "start_do")
    ws.ok("cycle", "advance", C, "start_check")
    _findings(ws, 2)  # open 1, task 2, publish 3, do 4, check 5, findings 6–7: one at 6
    assert [r[0] for r in ws.sql("SELECT originator_version FROM pdca_snapshots")] == [6]

    def no_replay(*_: object) -> None:
        raise AssertionError("the quick read replayed the cycle from its first event")

    # The events before the snapshot are not read again: a replay would make it give up.
    monkeypatch.setattr(quick_status, "_from_events", no_replay)
    found, expected = _both(ws, C)
    assert found == expected and found is not None
    assert (found[0].stage, found[0].version) == ("check", 7)
    ws.ok("cycle", "advance", C, "start_act")  # a head event after the snapshot
    found, expected = _both(ws, C)
    assert found == expected and found is not None
    assert (found[0].stage_label, found[0].version) == ("处理", 8)


def test_a_snapshot_not_matching_its_event_is_left_to_the_application(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.application import snapshot_policy
    from pdca.storage.snapshot_codec import FOLD_VERSION

    monkeypatch.setattr(snapshot_policy, "THRESHOLD", 5)
    monkeypatch.setattr(snapshot_policy, "INTERVAL", 3)
    ws = sqlite_workspace
    _cycle(ws)
    ws.ok("task", "add", C, "三会一课", "--deadline", "2024-12-31")
    ws.ok("task", "publish", C)
    ws.ok("cycle", "advance", C, "start_do")
    ws.ok("cycle", "advance", C, "start_check")
    _findings(ws, 2)
    assert quick(_opened(ws), C) is not None
    # A newer row of this fold naming a digest that is not version 7's: ignored by both.
    database = ws.root / "pdca.sqlite3"
    _sql(
        database,
        "INSERT INTO pdca_snapshots SELECT originator_id, 7, ?, ?, head, body "
        "FROM pdca_snapshots WHERE originator_version = 6",
        (FOLD_VERSION, "0" * 64),
    )
    assert quick(_opened(ws), C) is None
    assert "督查" in ws.ok("cycle", "status", C).output


def test_it_writes_nothing(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    _cycle(ws)
    database = ws.root / "pdca.sqlite3"
    before = database.read_bytes(), ws.event_count()
    assert quick(_opened(ws), C) is not None
    assert (database.read_bytes(), ws.event_count()) == before


def _sql(database: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    with sqlite3.connect(database) as conn:
        conn.execute(statement, params)

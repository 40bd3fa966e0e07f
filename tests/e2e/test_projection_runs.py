"""Projections in real processes: a rebuild killed half-way leaves the served tables as
they were and resumes to the same tables,
and a live follower running beside new commands ends where a clean rebuild does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from typing import Any

from tests.conftest import Workspace
from tests.e2e.test_subprocess import PDCA


def _start(ws: Workspace, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PDCA, *args],
        env={**os.environ, **ws.env, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _tables(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows, in a stable order (positions left out)."""
    listed = json.loads(ws.ok("projections", "list", "--json").output)
    dump = {}
    for table in sorted(t for p in listed for t in p["tables"]):
        rows = ws.sql(f"SELECT * FROM {table}")
        dump[table] = sorted(tuple(map(str, r)) for r in rows)
    return dump


def _positions(ws: Workspace) -> dict[str, int]:
    return dict(ws.sql("SELECT projection, position FROM pdca_tracking"))


def _rebuilding(ws: Workspace) -> dict[str, int]:
    """The positions of rebuilds under way (built aside, not yet swapped in)."""
    return dict(ws.sql("SELECT projection, position FROM pdca_rebuilding"))


def test_a_killed_rebuild_resumes_to_the_same_tables(workspace: Workspace) -> None:
    workspace.ok("demo", "--units", "12")
    head = workspace.event_count()
    workspace.ok("projections", "rebuild", "--all")
    clean = _tables(workspace)
    assert clean["scores"] and clean["ledger"] and clean["task_bulletin"]

    # Small batches with a pause between them, so the kill lands mid-rebuild.
    proc = _start(
        workspace, "projections", "rebuild", "--all",
        PDCA_PROJECTION_BATCH_EVENTS="40", PDCA_PROJECTION_PAUSE="0.05",
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        moved = _rebuilding(workspace).get("scores", 0)
        if 0 < moved < head:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    interrupted = _rebuilding(workspace)
    assert 0 < interrupted["scores"] < head, interrupted
    # Built aside: the served tables and their positions never moved.
    assert _tables(workspace) == clean
    assert set(_positions(workspace).values()) == {head}

    # stdout alone: on a loaded machine a progress line reaches stderr before the JSON.
    resumed = json.loads(workspace.ok("projections", "run", "--json").stdout)
    assert resumed["events"] < head  # it went on from the last committed batch
    assert _tables(workspace) == clean
    assert set(_positions(workspace).values()) == {head}
    assert _rebuilding(workspace) == {}


def test_live_followers_beside_new_commands_end_as_a_clean_rebuild(
    workspace: Workspace,
) -> None:
    workspace.ok("unit", "add", "甲局", "--category", "党政机关", "--grid", "第一片")
    # Two workers on the same projections, as on two machines: they must never
    # apply an event twice.
    followers = [
        _start(workspace, "projections", "run", "--follow", "--interval", "0.05") for _ in range(2)
    ]
    try:
        for follower in followers:  # each says so once it is following
            assert follower.stderr is not None
            assert follower.stderr.readline().startswith("跟随")
        for n in range(1, 7):
            unit = f"单位{n}"
            cycle = f"{unit}/2024"
            workspace.ok("unit", "add", unit, "--category", "党政机关", "--grid", "第二片")
            workspace.ok("cycle", "open", unit, "2024", "--scheme", "jilin")
            workspace.ok("task", "add", cycle, "任务", "--deadline", "2024-06-30")
            workspace.ok("task", "publish", cycle)
            workspace.ok("cycle", "advance", cycle, "start_do")
            workspace.ok(
                "finding", "record", cycle, "--source", "暗访", "--indicator", "discipline",
                "--points", f"-{n}", "--observed-on", "2024-05-06", "--evidence", "暗访记录",
            )  # fmt: skip
            workspace.ok("task", "complete", cycle, "1")
        head = workspace.event_count()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and set(_positions(workspace).values()) != {head}:
            time.sleep(0.05)
        assert all(f.poll() is None for f in followers)
    finally:
        for follower in followers:
            follower.send_signal(signal.SIGTERM)
        errors = [f.communicate(timeout=15)[1] for f in followers]
    assert [f.returncode for f in followers] == [0, 0], errors
    assert set(_positions(workspace).values()) == {head}, _positions(workspace)
    followed = _tables(workspace)
    assert len(followed["ledger"]) == 6 and len(followed["task_bulletin"]) == 6
    workspace.ok("projections", "rebuild", "--all")
    assert _tables(workspace) == followed

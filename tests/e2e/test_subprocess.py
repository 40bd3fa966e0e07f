"""The installed ``pdca`` program in a real subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import Workspace

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


def pdca(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **ws.env}
    return subprocess.run(
        [PDCA, *args], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def test_whole_cycle_in_subprocesses_survives_restarts(workspace: Workspace) -> None:
    steps = [
        ("unit", "add", "市财政局", "--category", "党政机关"),
        ("cycle", "open", "市财政局", "2024", "--scheme", "gansu"),
        ("task", "add", "市财政局/2024", "落实三会一课", "--deadline", "2024-12-31"),
        ("task", "publish", "市财政局/2024"),
        ("cycle", "advance", "市财政局/2024", "start_do"),
        ("cycle", "advance", "市财政局/2024", "start_self_check"),
        ("cycle", "advance", "市财政局/2024", "start_on_site"),
        ("cycle", "advance", "市财政局/2024", "start_summary"),
        ("cycle", "advance", "市财政局/2024", "start_approval"),
        ("cycle", "advance", "市财政局/2024", "close", "--reason", "结果审定完毕"),
    ]
    for step in steps:
        done = pdca(workspace, *step)
        assert done.returncode == 0, (step, done.stdout, done.stderr)

    status = json.loads(pdca(workspace, "cycle", "status", "市财政局/2024", "--json").stdout)
    assert status["stage"] == "closed"
    history = json.loads(pdca(workspace, "--json", "history", "市财政局/2024").stdout)
    assert [h["summary"].split("（")[0] for h in history if h["type"] == "StageAdvanced"] == [
        "计划 → 执行",
        "执行 → 督查·筹备自查",
        "督查·筹备自查 → 督查·实地考核",
        "督查·实地考核 → 处理·考核汇总",
        "处理·考核汇总 → 处理·结果审定",
        "处理·结果审定 → 已结束",
    ]
    assert workspace.event_count() == 1 + 9


def test_refusal_in_a_subprocess_is_one_line_on_stderr(workspace: Workspace) -> None:
    pdca(workspace, "unit", "add", "市财政局", "--category", "党政机关")
    pdca(workspace, "cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    before = workspace.event_count()
    done = pdca(workspace, "cycle", "advance", "市财政局/2024", "start_check")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "Error: 触发器 'start_check' 在此阶段不可用：当前阶段为计划，可用触发器：start_do"
    ]
    assert workspace.event_count() == before


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "PDCA_WORKSPACE": str(tmp_path / "nowhere")}
    env.pop("PDCA_DB", None)
    done = subprocess.run(
        [PDCA, "cycle", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 6
    assert "不存在或未初始化" in done.stderr and "pdca init" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "nowhere").exists()


def test_demo_makes_a_fresh_workspace_that_the_other_commands_read(tmp_path: Path) -> None:
    # As after the README's install: the venv's bin folder is on no PATH.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDCA_")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != Path(PDCA).parent
    )
    done = subprocess.run(
        [PDCA, "demo", "--units", "4"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"演示工作区：{tmp_path / 'pdca-demo'}"
    listed = subprocess.run(
        [PDCA, "cycle", "list", "--json"],
        cwd=tmp_path / "pdca-demo",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert len(json.loads(listed.stdout)) == 4
    # Its closing hint works as printed, from anywhere.
    hint = done.stdout.splitlines()[-1]
    assert hint.startswith("继续查看：cd ")
    followed = subprocess.run(
        ["sh", "-c", hint.removeprefix("继续查看：")],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert followed.returncode == 0, followed.stderr
    assert "周期" in followed.stdout
    again = subprocess.run(
        [PDCA, "demo", "--units", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.stdout.splitlines()[0] == f"演示工作区：{tmp_path / 'pdca-demo-2'}"


def test_a_write_logs_one_structured_line_on_stderr_when_asked(workspace: Workspace) -> None:
    env = {**os.environ, **workspace.env, "PDCA_LOG_LEVEL": "info"}
    done = subprocess.run(
        [PDCA, "unit", "add", "市财政局", "--category", "党政机关"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (
        line["event"] == "unit_registered"
        and line["actor"] == workspace.actor
        and line["level"] == "info"
    )
    quiet = subprocess.run(
        [PDCA, "unit", "list"],
        env={**os.environ, **workspace.env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert quiet.stderr == ""


def test_reading_projection_files_leaves_no_bytecode_in_the_workspace(
    sqlite_workspace: Workspace,
) -> None:
    # A user's Python writes __pycache__/ beside every module it imports; the admin's
    # projection files are read on every ``projections`` command and must not be.
    ws = sqlite_workspace
    env = {k: v for k, v in {**os.environ, **ws.env}.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for args in (
        ["projections", "list"],
        ["projections", "new", "my_view"],
        ["view", "grid_ranking"],
    ):
        subprocess.run([PDCA, *args], env=env, capture_output=True, timeout=60, check=False)
    assert (ws.root / "projections" / "my_view.py").exists()
    assert not list(ws.root.rglob("__pycache__"))

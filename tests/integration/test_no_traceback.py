"""No traceback, ever: a bug is one line naming the log that keeps its traceback (exit 9),
and what used to crash — a corrupt SQLite file, a damaged stored event, ``-o DIRECTORY``
— is answered in one line instead. (``task list``'s table and GBK ballot files, which
crashed too, are tested in test_cycle_cli.py and test_input_files.py.)"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdca_cli import cli

from pdca.application.service import PdcaApplication
from tests.conftest import Workspace

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
C = "甲局/2024"
LOG_LINE = re.compile(
    r"^错误：pdca 内部错误（(?P<what>.+)），不是操作问题；详细记录已写入 (?P<path>\S+\.log)，"
    r"请把该文件交给维护者$"
)


def one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def in_do(ws: Workspace) -> None:
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", C, "落实三会一课", "--deadline", "2024-06-30")
    ws.ok("task", "add", C, "专题学习", "--deadline", "2024-09-30", "--indicator", "学习")
    ws.ok("task", "publish", C)
    ws.ok("cycle", "advance", C, "start_do")


# ---- the last resort -------------------------------------------------------------------------


def _broken(*_: object, **__: object) -> None:
    raise ZeroDivisionError("除数为零（测试注入）")


def test_an_unexpected_exception_is_one_line_exit_9_and_the_traceback_in_a_log(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    monkeypatch.setattr(PdcaApplication, "list_units", _broken)
    before = ws.event_count()
    result = ws.run("unit", "list")
    assert result.exit_code == 9
    found = LOG_LINE.match(one_line(result.output))
    assert found, result.output
    assert found["what"] == "ZeroDivisionError: 除数为零（测试注入）"
    log = Path(found["path"])
    assert log == ws.root / f"pdca-error-{datetime.now():%Y%m%d}.log"
    text = log.read_text(encoding="utf-8")
    assert "命令：pdca" in text and "Traceback (most recent call last)" in text
    assert 'raise ZeroDivisionError("除数为零（测试注入）")' in text
    assert log.stat().st_mode & 0o077 == 0  # tracebacks may quote data: the owner's alone
    # A second failure the same day is appended to the same file.
    ws.run("unit", "list")
    assert log.read_text(encoding="utf-8").count("Traceback (most recent call last)") == 2
    # Under --json the line is a JSON object, as a refusal's is.
    as_json = ws.run("--json", "unit", "list")
    assert as_json.exit_code == 9 and as_json.stdout == ""
    said = json.loads(as_json.stderr)
    assert said["exit_code"] == 9 and LOG_LINE.match("错误：" + said["error"])
    assert ws.event_count() == before
    # click's own usage errors keep exit 2.
    assert ws.run("unit", "add").exit_code == 2


def test_a_failure_after_the_answer_is_caught_too(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closing the database runs after the command, outside ``invoke``.
    ws = sqlite_workspace
    # Applications earlier tests left to the garbage collector close now, with the real
    # close: collected under the broken one, each would warn in this test's name.
    gc.collect()
    monkeypatch.setattr(PdcaApplication, "close", _broken)
    result = ws.run("unit", "list")
    assert result.exit_code == 9
    assert LOG_LINE.match(result.output.splitlines()[-1]), result.output
    assert "Traceback" not in result.output


def test_when_the_workspace_cannot_keep_the_log_it_goes_to_the_temp_folder(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    # Something in the way of the workspace's log (here a folder of that name).
    (ws.root / f"pdca-error-{datetime.now():%Y%m%d}.log").mkdir()
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(PdcaApplication, "list_units", _broken)
    found = LOG_LINE.match(one_line(ws.run("unit", "list").output))
    assert found
    log = Path(found["path"])
    assert log.parent == temp and log.name.startswith(f"pdca-error-{datetime.now():%Y%m%d}-")
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")


def test_exit_9_from_a_real_process_without_a_workspace(tmp_path: Path) -> None:
    # The program's own entry point, with one use case broken; no workspace anywhere, so
    # the log goes to the temporary folder given to the process.
    script = (
        "import sys\n"
        "from pdca.application import workspace\n"
        "def broken(*a, **k): raise KeyError('注入')\n"
        "workspace.open_workspace = broken\n"
        "import pdca_cli\n"
        "sys.argv = ['pdca', 'unit', 'list']\n"
        "pdca_cli.main()\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path), "PDCA_WORKSPACE": ""}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 9, done.stderr
    assert done.stdout == ""
    found = LOG_LINE.match(one_line(done.stderr))
    assert found, done.stderr
    assert Path(found["path"]).parent == tmp_path
    assert "KeyError: '注入'" in Path(found["path"]).read_text(encoding="utf-8")


# ---- what used to crash ----------------------------------------------------------------------


def test_export_and_report_to_a_directory_are_refused(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    in_do(ws)
    folder = tmp_path / "导出"
    folder.mkdir()
    for command in (("export", "scores", "2024"), ("report", "2024")):
        line = ws.refused(*command, "-o", str(folder))
        assert line.startswith(f"错误：输出 {folder} 是目录，不是普通文件"), line
        assert ws.run(*command, "-o", str(folder)).exit_code == 1
    assert list(folder.iterdir()) == []


# ---- a damaged history -------------------------------------------------------------------------


def _damage(ws: Workspace, version: int, state: bytes) -> None:
    """Overwrite one stored state of the cycle's stream, as someone with SQL access might."""
    hexed = state.hex()
    literal = f"X'{hexed}'" if ws.backend == "sqlite" else f"'\\x{hexed}'::bytea"
    opened = ws.sql(
        f"SELECT originator_id FROM {ws.events_table} "
        "WHERE topic = 'pdca.domain.cycle:Cycle.Opened'"
    )[0][0]
    key = f"'{opened}'" if ws.backend == "sqlite" else f"'{opened}'::uuid"
    update = (
        f"UPDATE {ws.events_table} SET state = {literal} "
        f"WHERE originator_id = {key} AND originator_version = {version}"
    )
    ws.tamper(update)


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (b"{not json", "JSONDecodeError"),
        (b"[1, 2]", "TypeError"),
        (b'{"timestamp": {"_type_": "datetime_iso", "_data_": "2024-05-01T00:00:00+00:00"}}',
         "ValueError: 缺少字段 task_no、title、deadline、indicator、actor"),
    ],
)  # fmt: skip
def test_a_damaged_stored_event_is_named_not_a_traceback(
    workspace: Workspace, state: bytes, reason: str
) -> None:
    ws = workspace
    in_do(ws)
    _damage(ws, 2, state)  # version 2: the first TaskAdded
    for command in (("history", C), ("cycle", "status", C), ("explain", C), ("task", "list", C)):
        line = ws.refused(*command)
        assert line.startswith("错误：历史已损坏：聚合 "), line
        assert "的第 2 个事件（Cycle.TaskAdded）无法读取（" in line and reason in line
        assert line.endswith("运行 pdca verify 查看全部受损之处，并从备份恢复，本次未做任何改动")
        assert ws.run(*command).exit_code == 6


# ---- a corrupt SQLite file -----------------------------------------------------------------


def _variants(data: bytes) -> dict[str, bytes]:
    """Fifteen ways a database file gets broken: noise, cut short, pages overwritten."""
    rng = random.Random(12)
    page = 4096
    found = {f"随机字节 {n}": rng.randbytes(len(data)) for n in range(3)}
    for share in (2, 5, 10, 25, 50, 75, 90):
        found[f"截断至 {share}%"] = data[: len(data) * share // 100]
    found["首页清零"] = bytes(page) + data[page:]
    found["文件头被改"] = b"NOT AN SQLITE FILE" + data[18:]
    middle = len(data) // page // 2 * page
    found["中间一页为随机字节"] = data[:middle] + rng.randbytes(page) + data[middle + page :]
    found["末页清零"] = data[:-page] + bytes(page)
    found["每页首字节被改"] = bytes(
        b ^ 0xFF if i % page == 0 and i else b for i, b in enumerate(data)
    )
    return found


def test_a_corrupt_sqlite_file_is_refused_in_one_line(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    in_do(ws)
    ws.ok("finding", "record", C, "--source", "暗访", "--indicator", "discipline",
          "--points", "-2", "--observed-on", "2024-05-12", "--evidence", "工作时间网购")  # fmt: skip
    ws.ok("cycle", "list")
    database = ws.root / "pdca.sqlite3"
    with sqlite3.connect(database) as conn:  # everything in the main file, no log beside it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    good = database.read_bytes()
    variants = _variants(good)
    assert len(variants) == 15
    commands = [
        ("cycle", "list"),
        ("history", C),
        ("task", "list", C),
        ("explain", C),
        ("verify",),
        ("unit", "add", "乙局", "--category", "党政机关"),
    ]
    runner = CliRunner()
    answered = 0
    for name, data in variants.items():
        for extra in ("-wal", "-shm"):
            Path(f"{database}{extra}").unlink(missing_ok=True)
        database.write_bytes(data)
        for command in commands:
            result = runner.invoke(cli, list(command), env=ws.env, catch_exceptions=False)
            where = f"{name}: pdca {' '.join(command)} → {result.exit_code}\n{result.output}"
            assert "Traceback" not in result.output, where
            if result.exit_code == 0 or (command == ("verify",) and result.exit_code == 8):
                continue  # the damage missed what this command reads (or verify named it)
            assert result.exit_code == 6, where
            line = one_line(result.output)
            assert line.startswith("错误：") and "pdca 内部错误" not in line, where
            answered += 1
    assert answered >= 15  # each broken file refused at least once
    database.write_bytes(good)

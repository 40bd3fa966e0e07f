"""Files in and out (issue 12, item 5): ballot CSVs and exports.

Seen on main: a ballot CSV with a repeated column (``…,rectification,duty``) imported
with exit 0 and recorded the last ``duty``; a GBK ballot CSV (what Excel writes on
Chinese Windows) gave a traceback; ``-`` was taken as a file name; ``export -o`` renamed
a temporary file over its target, so a device (``/dev/full``), a FIFO or a symlink was
replaced by a regular file, and every export was mode 0600 whatever the umask;
``export -o DIRECTORY`` gave a traceback.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pdca_cli import cli

from tests.conftest import Workspace

CYCLE = "甲局/2024"
ITEMS = ("duty", "report", "answers", "daily_work", "rectification")  # jilin's ballot, 0–20 each


def in_check(ws: Workspace) -> None:
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", CYCLE, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", CYCLE)
    ws.ok("cycle", "advance", CYCLE, "start_do")
    ws.ok("cycle", "advance", CYCLE, "start_check")


def issue(ws: Workspace, count: int) -> list[str]:
    out = ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", str(count), "--json")
    return json.loads(out.stdout)["tokens"]


def ballot_scores(ws: Workspace) -> list[dict[str, str]]:
    """The item scores of every ballot cast, as ``explain --json`` has no per-ballot view:
    read from the stored events (the ballot projection would average them)."""
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        cycle = app.get_cycle(CYCLE)
        events = app.repository.event_store.get(cycle.id)
        return [
            {k: str(v) for k, v in e.scores.items()}
            for e in events
            if type(e).__name__ == "BallotCounted"
        ]
    finally:
        app.close()


# ---- ballot CSVs ---------------------------------------------------------------------------


def test_a_repeated_column_is_refused_naming_it(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    in_check(ws)
    [token] = issue(ws, 1)
    path = tmp_path / "b.csv"
    # Main recorded duty = 5 here (the last duty column won), changing the vote.
    path.write_text(f"token,{','.join(ITEMS)},duty\n{token},18,18,18,18,18,5\n", encoding="utf-8")
    line = ws.refused("ballot", "import", CYCLE, str(path))
    assert line == f"错误：文件 {path} 表头有重复的列：duty（第 2、7 列）；每列只能出现一次"


def test_unknown_and_missing_columns_are_refused_naming_them(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    in_check(ws)
    [token] = issue(ws, 1)
    path = tmp_path / "b.csv"
    path.write_text(
        f"token,duty,report,answers,daily_work,rectify,study\n{token},1,2,3,4,5,6\n",
        encoding="utf-8",
    )
    line = ws.refused("ballot", "import", CYCLE, str(path))
    assert line == (
        "错误：测评票文件的列不符：未知列 rectify、study；缺少列 rectification；"
        "首行应为 token,duty,report,answers,daily_work,rectification；整批未记录"
    )
    path.write_text(f"token,{','.join(ITEMS)}\n{token},1,2,3,4\n", encoding="utf-8")
    assert "第 2 行有 5 个字段，表头有 6 列" in ws.refused("ballot", "import", CYCLE, str(path))
    path.write_text(f"token,{','.join(ITEMS)},\n{token},1,2,3,4,5,\n", encoding="utf-8")
    assert "表头第 7 列没有列名" in ws.refused("ballot", "import", CYCLE, str(path))
    path.write_bytes(f"token,{','.join(ITEMS)}\n".encode("utf-16"))
    assert "UTF-16 编码" in ws.refused("ballot", "import", CYCLE, str(path))
    path.write_bytes(b"token,duty\n\x00\x01,1\n")
    assert "第 2 行含 NUL 字节" in ws.refused("ballot", "import", CYCLE, str(path))
    path.write_bytes(b"")
    assert "是空的" in ws.refused("ballot", "import", CYCLE, str(path))
    path.write_text(f"token,{','.join(ITEMS)}\n{token},1,2,x,4,5\n", encoding="utf-8")
    assert "第 2 行测评项目 answers 的分数 'x' 不是数值" in ws.refused(
        "ballot", "import", CYCLE, str(path)
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_ballot_file_is_read_in_the_encodings_offices_save(
    workspace: Workspace, tmp_path: Path, encoding: str
) -> None:
    ws = workspace
    in_check(ws)
    tokens = issue(ws, 2)
    path = tmp_path / "测评票.csv"
    # As typed in a spreadsheet: CRLF, a row of empty cells, a lower-case token and
    # full-width spaces (U+3000, typed by a Chinese input method) around the cells, so
    # the encoding matters (GBK writes U+3000 as A1 A1).
    text = f"token,{','.join(ITEMS)}\r\n{tokens[0]},18,19,18,17,18\r\n,,,,,\r\n"
    text += f"{tokens[1].lower()}\u3000,\u300020,20,20,20,20\r\n"
    path.write_bytes(text.encode(encoding))
    assert ws.ok("ballot", "import", CYCLE, str(path)).stdout.strip() == "已导入测评票 2 张"
    # Recorded shuffled (a batch keeps no order of its file), so compared in order here.
    assert sorted(ballot_scores(ws), key=lambda b: b["duty"]) == [
        {"duty": "18", "report": "19", "answers": "18", "daily_work": "17", "rectification": "18"},
        {i: "20" for i in ITEMS},
    ]


def test_a_gbk_file_with_chinese_text_is_decoded_not_crashed_on(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    in_check(ws)
    issue(ws, 1)
    path = tmp_path / "b.csv"
    # Excel on Chinese Windows: GBK. Main raised UnicodeDecodeError (a traceback).
    path.write_bytes(f"token,{','.join(ITEMS)},备注\n甲,1,2,3,4,5,好\n".encode("gbk"))
    assert "未知列 备注" in ws.refused("ballot", "import", CYCLE, str(path))


def test_dash_reads_the_ballots_from_standard_input(workspace: Workspace) -> None:
    ws = workspace
    in_check(ws)
    [token] = issue(ws, 1)
    data = f"token,{','.join(ITEMS)}\n{token},10,10,10,10,10\n".encode("gb18030")
    result = ws.runner.invoke(
        cli,
        ["ballot", "import", CYCLE, "-"],
        env=ws.env,
        input=data,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "已导入测评票 1 张"
    assert ballot_scores(ws) == [{i: "10" for i in ITEMS}]


# ---- exports: regular files only -------------------------------------------------------------


@pytest.fixture
def exporting(sqlite_workspace: Workspace) -> Workspace:
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    return ws


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_an_export_honours_the_umask_and_keeps_an_existing_files_mode(
    exporting: Workspace, tmp_path: Path, umask_022: None
) -> None:
    ws = exporting
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "成绩.xlsx"
    ws.ok("export", "scores", "2024", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # 0666 less umask 022 (main: 0600)
    target.chmod(0o640)
    ws.ok("export", "scores", "2024", "-o", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    report = tmp_path / "r.html"
    ws.ok("report", "2024", "-o", str(report), "--today", "2025-05-01")
    assert stat.S_IMODE(report.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "成绩.xlsx"]  # no .part


@pytest.fixture
def device(tmp_path: Path) -> Path:
    """A character device like /dev/full (1, 7), made in the test's folder: run against
    code that renames over its target (main did), the test must not replace the real one."""
    node = tmp_path / "full"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("cannot make a device node here (needs CAP_MKNOD)")
    return node


def test_export_refuses_a_device_and_leaves_it_a_device(exporting: Workspace, device: Path) -> None:
    line = exporting.refused("export", "scores", "2024", "-o", str(device))
    assert line == (
        f"错误：输出 {device} 是字符设备，不是普通文件；导出只写普通文件（写到标准输出用 -o -）"
    )
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert "是字符设备" in exporting.refused("report", "2024", "-o", str(device))
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_export_refuses_a_fifo_and_a_directory(exporting: Workspace, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "是命名管道（FIFO），不是普通文件" in exporting.refused(
        "export", "scores", "2024", "-o", str(fifo)
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (str(folder), f"{tmp_path}/new-folder/"):
        assert "是目录" in exporting.refused("export", "scores", "2024", "-o", target)
    assert "是目录" in exporting.refused("report", "2024", "-o", str(folder))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "pipe"]
    assert list(folder.iterdir()) == []


def test_export_refuses_a_symlink_and_leaves_link_and_target_alone(
    exporting: Workspace, tmp_path: Path
) -> None:
    kept = tmp_path / "别人的文件.csv"
    kept.write_text("不要覆盖\n", encoding="utf-8")
    link = tmp_path / "成绩.csv"
    link.symlink_to(kept)
    line = exporting.refused("export", "scores", "2024", "-o", str(link))
    assert line == (
        f"错误：输出 {link} 是符号链接（指向 {kept}）；导出不跟随符号链接，请直接给出要写的文件路径"
    )
    assert link.is_symlink() and kept.read_text(encoding="utf-8") == "不要覆盖\n"
    assert "是符号链接" in exporting.refused("report", "2024", "-o", str(link))
    dangling = tmp_path / "悬空.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    assert "是符号链接" in exporting.refused("export", "scores", "2024", "-o", str(dangling))
    assert not (tmp_path / "nowhere.csv").exists()


def test_dash_writes_to_standard_output(
    exporting: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = exporting
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    monkeypatch.chdir(tmp_path)
    plain = ws.ok("export", "scores", "2024", "--format", "csv").stdout_bytes
    assert ws.ok("export", "scores", "2024", "--format", "csv", "-o", "-").stdout_bytes == plain
    assert ws.ok("export", "scores", "2024", "-o", "-").stdout_bytes == plain  # csv by default
    xlsx = ws.ok("export", "scores", "2024", "--format", "xlsx", "-o", "-").stdout_bytes
    assert xlsx.startswith(b"PK\x03\x04")
    from io import BytesIO

    from openpyxl import load_workbook

    assert load_workbook(BytesIO(xlsx)).active.max_row == 2  # header + 甲局
    html = ws.ok("report", "2024", "-o", "-", "--today", "2025-05-01").stdout
    assert html.startswith("<!DOCTYPE html>") and "甲局" in html
    assert list(tmp_path.iterdir()) == []  # main wrote a file named "-"

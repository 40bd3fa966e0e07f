"""Attachments in the chain (issue 16 item 1), on SQLite and PostgreSQL: files attached to
findings, scores, task and rectification reports, vetoes and corrections are named inside
their events; ``verify`` hashes their stored bytes and names a changed or missing one; a
purge is an event and reads as purged; an encrypted workspace holds no plaintext of a
file; a refused command leaves no file and no row."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from pdca.application.acting import Acting
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.errors import Conflict
from tests.conftest import Workspace, _pg_connect
from tests.integration.test_cipher import cipher_key  # noqa: F401 (a fixture)

C = "甲局/2024"
#: A byte string that appears in one attached file and nowhere else.
SECRET = b"PDCA-ANFANG-\xe6\x9a\x97\xe8\xae\xbf-0xC0FFEE"


def pdf(text: bytes) -> bytes:
    return b"%PDF-1.4\n" + text + b"\n%%EOF\n"


def png(text: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + text


def jpg(text: bytes) -> bytes:
    return b"\xff\xd8\xff\xe0" + text


def docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files(ws: Workspace, **contents: bytes) -> dict[str, str]:
    """Write files into the workspace's parent folder; name → path."""
    found = {}
    for name, data in contents.items():
        path = ws.root.parent / name.replace("_", ".")
        path.write_bytes(data)
        found[name] = str(path)
    return found


def rows(ws: Workspace) -> int:
    return ws.sql("SELECT count(*) FROM pdca_attachments")[0][0]


def stored_files(ws: Workspace) -> list[Path]:
    """Every file of the SQLite store, temporary ones included (none on PostgreSQL)."""
    folder = ws.root / "attachments"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def tamper_attachment(ws: Workspace, digest: str, data: bytes | None) -> None:
    """Change (``data``) or remove (None) an attachment's stored bytes, as someone with
    the files or the table owner would: on PostgreSQL the table's guards are lifted
    first (ALTER TABLE … DISABLE TRIGGER, the owner's deliberate act) and put back."""
    if ws.backend == "sqlite":
        path = ws.root / "attachments" / digest[:2] / digest
        path.unlink() if data is None else path.write_bytes(data)
        return
    with _pg_connect() as conn:
        conn.execute(f'SET search_path TO "{ws.schema}"')
        with conn.transaction():
            conn.execute("ALTER TABLE pdca_attachments DISABLE TRIGGER USER")
            if data is None:
                conn.execute("DELETE FROM pdca_attachments WHERE digest = %s", (digest,))
            else:
                conn.execute(
                    "UPDATE pdca_attachments SET content = %s WHERE digest = %s", (data, digest)
                )
            conn.execute("ALTER TABLE pdca_attachments ENABLE TRIGGER USER")


def open_cycle(ws: Workspace) -> None:
    """A 达州 cycle in 执行: it takes findings, task reports and rectification orders."""
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "dazhou")
    ws.ok("task", "add", C, "三会一课", "--deadline", "2024-12-31")
    ws.ok("task", "publish", C)
    ws.ok("cycle", "advance", C, "start_do")


def finding(ws: Workspace, *attach: str, points: str = "-1") -> dict:
    args = [*("finding", "record", C, "--source", "调研督查", "--indicator", "serious_problem")]
    args += ["--points", points, "--observed-on", "2024-05-12", "--evidence", "暗访记录"]
    for path in attach:
        args += ["--attach", path]
    return json.loads(ws.ok(*args, "--json").output)


def test_attachments_are_in_the_chain_and_verify_names_a_changed_or_missing_file(
    workspace: Workspace,
) -> None:
    ws = workspace
    open_cycle(ws)
    scan, photo, report, letter = pdf(b"scan " + SECRET), jpg(b"photo"), docx("整改月报"), pdf(b"x")
    f = files(ws, scan_pdf=scan, photo_jpg=photo, report_docx=report, letter_pdf=letter)
    # The photo is attached twice (a task report and the finding): stored once.
    out = ws.ok("task", "report", C, "1", "--progress", "50", "--attach", f["photo_jpg"]).output
    assert out == "任务 #1 进度：50%（附件 1 个）\n"
    found = finding(ws, f["scan_pdf"], f["photo_jpg"])["position"]
    item = json.loads(
        ws.ok(
            *("rectify", "order", C, "--problem", "纪律松弛", "--owner", "王五"),
            *("--due", "2025-03-31", "--finding", str(found), "--today", "2024-06-01", "--json"),
        ).output
    )["id"]
    ws.ok("rectify", "report", item, "--note", "一月月报", "--attach", f["report_docx"])
    ws.ok("cycle", "advance", C, "start_check")
    ws.ok(
        "score",
        "record",
        C,
        "team_committee",
        "4",
        "--evidence",
        "会议记录",
        "--attach",
        f["scan_pdf"],
    )
    ws.ok(
        *("veto", "apply", C, "--rule", "serious_problem_veto", "--reason", "严重问题"),
        *("--evidence", "通报", "--attach", f["letter_pdf"]),
    )
    amended = ws.ok(
        "correct", "amend", C, str(found), "-0.5", "--reason", "复核", "--attach", f["letter_pdf"]
    )
    assert amended.output.endswith("（附件 1 个）\n")

    # history --json shows each reference inside its event: digest, name, size, type.
    history = json.loads(ws.ok("history", C, "--json").output)
    named = {e["position"]: e.get("attachments", []) for e in history}
    assert named[found] == [
        {
            "digest": sha(scan),
            "name": "scan.pdf",
            "size": len(scan),
            "media_type": "application/pdf",
        },
        {"digest": sha(photo), "name": "photo.jpg", "size": len(photo), "media_type": "image/jpeg"},
    ]
    assert sum(len(a) for a in named.values()) == 6  # task 1, finding 2, score, veto, amend
    assert "附件：scan.pdf、photo.jpg" in ws.ok("history", C).output
    assert "report.docx" in ws.ok("rectify", "show", item).output
    explained = json.loads(ws.ok("explain", C, "--json").output)["attachments"]
    assert [(a["position"], a["name"]) for a in explained][:3] == [
        (found - 1, "photo.jpg"),
        (found, "scan.pdf"),
        (found, "photo.jpg"),
    ]
    assert "scan.pdf（" in ws.ok("explain", C).output
    # Four distinct files (the photo and the letter twice): four stored, once each.
    assert rows(ws) == 4
    if ws.backend == "sqlite":
        assert [p.name for p in stored_files(ws)] == sorted(
            sha(b) for b in (scan, photo, report, letter)
        )

    shown = json.loads(ws.ok("evidence", "show", sha(scan)[:10], "--json").output)
    assert (shown["name"], shown["status"]) == ("scan.pdf", "present")
    # The finding, then (after 督查 began) the score.
    score, veto, amend = found + 2, found + 3, found + 4
    assert [u["position"] for u in shown["uses"]] == [found, score]
    target = ws.root.parent / "back.pdf"
    ws.ok("evidence", "get", sha(scan)[:10], "-o", str(target))
    assert target.read_bytes() == scan
    assert ws.ok("verify").output.endswith("、4 个附件：未发现篡改\n")

    # An admin purges the rectification report (personal data): an event with its
    # reason; verify reads it as purged, not missing; getting it is refused.
    ws.ok("evidence", "purge", sha(report)[:12], "--reason", "含个人信息")
    out = ws.ok("verify").output
    assert "未发现篡改" in out and "已清除内容的附件 1 个" in out and sha(report) in out
    assert (
        json.loads(ws.ok("evidence", "show", sha(report), "--json").output)["purge"]["reason"]
        == "含个人信息"
    )
    assert "已清除，不能取出" in ws.refused("evidence", "get", sha(report), "-o", str(target))
    assert "已被清除，不能再次附上" in ws.refused(
        "rectify", "report", item, "--note", "二月月报", "--attach", f["report_docx"]
    )
    if ws.backend == "sqlite":
        assert sha(report) not in [p.name for p in stored_files(ws)]
    else:
        assert ws.sql(f"SELECT content FROM pdca_attachments WHERE digest = '{sha(report)}'") == [
            (None,)
        ]

    # Someone swaps the scan's bytes, and deletes the letter: verify names each, at
    # every event that names them, and exits 8.
    tamper_attachment(ws, sha(scan), pdf(b"another scan"))
    tamper_attachment(ws, sha(letter), None)
    result = ws.run("verify", "--json")
    assert result.exit_code == 8
    problems = {
        (p["position"], p["kind"]): p["detail"] for p in json.loads(result.output)["problems"]
    }
    assert set(problems) == {
        (found, "attachment_changed"),
        (score, "attachment_changed"),
        (veto, "attachment_missing"),
        (amend, "attachment_missing"),
    }
    assert (
        problems[(found, "attachment_changed")]
        == f"附件 scan.pdf（摘要 {sha(scan)}）内容与摘要不符"
    )
    assert (
        problems[(veto, "attachment_missing")]
        == f"附件 letter.pdf（摘要 {sha(letter)}）的内容不在库中"
    )
    assert ws.run("verify", C).exit_code == 8
    assert "内容与摘要不符" in ws.refused("evidence", "get", sha(scan), "-o", str(target))


def test_only_an_admin_purges(workspace: Workspace) -> None:
    ws = workspace
    open_cycle(ws)
    f = files(ws, scan_pdf=pdf(b"scan"))
    finding(ws, f["scan_pdf"])
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "lisi", "--role", "supervisor")
    line = ws.run("evidence", "purge", sha(pdf(b"scan")), "--reason", "r", principal="lisi")
    assert line.exit_code != 0 and "无权执行 pdca evidence purge；可执行者：管理员" in line.output
    assert ws.ok("evidence", "show", sha(pdf(b"scan")), "--json").output.count('"present"') == 1
    ws.ok("evidence", "purge", sha(pdf(b"scan")), "--reason", "r")  # the owner: first admin


@pytest.mark.usefixtures("cipher_key")  # set before the workspace is initialised
def test_an_encrypted_workspace_holds_no_plaintext_of_an_attachment(workspace: Workspace) -> None:
    ws = workspace
    open_cycle(ws)
    scan = pdf(b"scan " + SECRET)
    finding(ws, files(ws, scan_pdf=scan)["scan_pdf"])
    (ws.root.parent / "scan.pdf").unlink()
    if ws.backend == "sqlite":
        raw = b"".join(p.read_bytes() for p in ws.root.rglob("*") if p.is_file())
    else:
        (content,) = ws.sql("SELECT content FROM pdca_attachments")[0]
        states = ws.sql(f"SELECT state FROM {ws.events_table}")
        raw = bytes(content) + b"".join(bytes(s) for (s,) in states)
    assert len(raw) > len(scan)
    assert SECRET not in raw and b"scan.pdf" not in raw
    target = ws.root.parent / "back.pdf"
    ws.ok("evidence", "get", sha(scan), "-o", str(target))
    assert target.read_bytes() == scan
    assert ws.ok("verify").output.endswith("、1 个附件：未发现篡改\n")


def test_a_refused_command_leaves_no_file_and_no_row(workspace: Workspace) -> None:
    ws = workspace
    open_cycle(ws)
    # A text file named .pdf: refused by its content, whatever its name.
    fake = files(ws, fake_pdf=b"this is not a pdf " + SECRET)["fake_pdf"]
    line = ws.refused(
        *("finding", "record", C, "--source", "调研督查", "--indicator", "serious_problem"),
        *("--points", "-1", "--observed-on", "2024-05-12", "--evidence", "e", "--attach", fake),
    )
    assert line.startswith(
        "错误：附件 fake.pdf 的内容是无法识别的类型（按内容识别，不看扩展名），未记录；允许：pdf、"
    )
    # A docx where only pdf is allowed, and a file over a limit of 0.001 MB (1,048 bytes).
    config = ws.root / "pdca.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace("max_mb = 50", "max_mb = 0.001")
        .replace(
            'types = ["pdf", "ofd", "jpg", "png", "docx", "xlsx", "wps", "mp3", "mp4"]',
            'types = ["pdf"]',
        ),
        encoding="utf-8",
    )
    report = files(ws, report_docx=docx("x"))["report_docx"]
    assert "的内容是 docx 文件" in ws.refused(
        "task", "report", C, "1", "--progress", "5", "--attach", report
    )
    # 9 bytes of header ("%PDF-1.4\n") + 2,000 + 7 of trailer ("\n%%EOF\n") = 2,016.
    big = files(ws, big_pdf=pdf(b"0" * 2000))["big_pdf"]
    assert "有 2016 字节，超过上限 1048 字节，未记录" in ws.refused(
        "task", "report", C, "1", "--progress", "5", "--attach", big
    )
    # Refused at the save itself: another writer recorded on the cycle after this
    # command read it (a correction is not retried) — the bytes were read, staged and
    # handed to the store, and none of them stays.
    first = finding(ws)["position"]
    letter = files(ws, letter_pdf=pdf(b"letter"))["letter_pdf"]
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    other = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    read = app.get_cycle

    def read_then_someone_writes(*args: object, **kwargs: object) -> object:
        cycle = read(*args, **kwargs)
        other.report_task(Acting.declared("李四"), C, 1, 20, None)
        return cycle

    app.get_cycle = read_then_someone_writes  # type: ignore[method-assign]
    before = ws.event_count()
    try:
        with ws.before_the_stamp(), pytest.raises(Conflict, match="被他人修改"):
            app.amend_fact(Acting.declared("张三"), C, first, Decimal("-0.5"), "r", (letter,))
    finally:
        app.close()
        other.close()
    assert ws.event_count() == before + 1  # only the other writer's report
    assert rows(ws) == 0 and stored_files(ws) == []


def test_a_temporary_file_left_by_a_dead_process_is_tidied(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    open_cycle(ws)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    folder = ws.root / "attachments"
    folder.mkdir()
    orphan = folder / f".tmp-{dead}-abcd1234-{sha(b'never committed')}"
    orphan.write_bytes(b"never committed")
    finding(ws, files(ws, scan_pdf=pdf(b"scan"))["scan_pdf"])
    assert not orphan.exists()
    assert [p.name for p in stored_files(ws)] == [sha(pdf(b"scan"))]


def test_a_file_whose_save_committed_before_its_process_died_is_put_in_place(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    open_cycle(ws)
    scan, photo = pdf(b"scan"), jpg(b"photo")
    finding(ws, files(ws, scan_pdf=scan)["scan_pdf"])
    # As if the process had died between the commit and the rename (and a purge's
    # process between its commit and removing the file).
    final = ws.root / "attachments" / sha(scan)[:2] / sha(scan)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    final.rename(ws.root / "attachments" / f".tmp-{dead}-abcd1234-{sha(scan)}")
    assert "附件缺失" in ws.run("verify").output
    finding(ws, files(ws, photo_jpg=photo)["photo_jpg"])  # the next attaching command
    assert final.read_bytes() == scan
    assert ws.ok("verify").output.endswith("、2 个附件：未发现篡改\n")
    ws.ok("evidence", "purge", sha(photo), "--reason", "含个人信息")
    kept = ws.root / "attachments" / sha(photo)[:2] / sha(photo)
    kept.write_bytes(photo)  # its removal never happened
    finding(ws, files(ws, other_pdf=pdf(b"other"))["other_pdf"])
    assert not kept.exists()


def test_attach_get_and_verify_in_real_processes(workspace: Workspace) -> None:
    """The key path as a user's shell runs it: each command its own process."""
    from tests.e2e.test_subprocess import pdca

    ws = workspace
    open_cycle(ws)
    scan = pdf(b"scan " + SECRET)
    path = files(ws, scan_pdf=scan)["scan_pdf"]
    args = [*("finding", "record", C, "--source", "调研督查", "--indicator", "serious_problem")]
    args += ["--points", "-1", "--observed-on", "2024-05-12", "--evidence", "e"]
    done = pdca(ws, *args, "--attach", path)
    assert done.returncode == 0 and done.stdout.endswith("（附件 1 个）\n"), done.stderr
    target = ws.root.parent / "back.pdf"
    assert pdca(ws, "evidence", "get", sha(scan)[:8], "-o", str(target)).returncode == 0
    assert target.read_bytes() == scan
    checked = pdca(ws, "verify")
    assert checked.returncode == 0 and checked.stdout.endswith("、1 个附件：未发现篡改\n")

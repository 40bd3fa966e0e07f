"""Anchors outside the database (issue 13, item 5): each edit made with raw SQL on the
real database that plain ``pdca verify`` passes is named by ``verify --anchors``, on
SQLite and PostgreSQL; an untouched history verifies clean; a declared restore from
backup is not tampering; signatures, a rotated key and the printed 校验码 are checked."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from pdca.domain.ids import cycle_id, unit_id
from pdca.domain.round import round_id
from pdca.storage.chain import PREV, digest
from tests._round import record_round_in
from tests.conftest import Workspace
from tests.integration.test_verify import rows, set_state, tamper


@pytest.fixture
def round_ws(workspace: Workspace) -> Iterator[Workspace]:
    record_round_in(workspace)  # its finalisation takes anchor 1
    yield workspace


def key(ws: Workspace, oid: UUID) -> str:
    return oid.hex if ws.backend == "sqlite" else str(oid)


def verify(ws: Workspace, *args: str) -> tuple[int, dict[str, Any]]:
    result = ws.run("verify", *args, "--json")
    return result.exit_code, json.loads(result.output)


def found(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(aggregate id, kind) of every problem."""
    return {(p["id"], p["kind"]) for p in report["problems"]}


def anchored(ws: Workspace) -> str:
    ws.ok("anchor", "--note", "测试前存档")
    return str(ws.root / "anchors.jsonl")


def plain_passes_anchored_catches(ws: Workspace, anchors: str) -> dict[str, Any]:
    """What "seen on main" means: today's ``verify`` passes the edit; with the anchors
    kept outside the database it is caught (exit 8)."""
    code, plain = verify(ws)
    assert code == 0 and plain["clean"], plain["problems"]
    code, report = verify(ws, "--anchors", anchors)
    assert code == 8 and not report["clean"]
    return report


def test_a_clean_history_verifies_clean_against_its_anchors(round_ws: Workspace) -> None:
    ws = round_ws
    anchors = anchored(ws)
    text = (ws.root / "anchors.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    # One from the finalisation, one taken here; numbered in order, each records itself.
    assert [a["anchor"] for a in lines] == [1, 2]
    assert lines[0]["note"].startswith("考核轮次 2024") and lines[1]["note"] == "测试前存档"
    assert lines[1]["log_head"] == lines[0]["log_head"] + 1  # anchor 1's own event
    code, report = verify(ws, "--anchors", anchors)
    assert code == 0 and report["clean"] and report["problems"] == []
    assert report["anchors_file"]["anchors"] == 2
    # Unsigned anchors are named as such, and are not a finding.
    assert {s["status"] for s in report["anchors_file"]["signatures"]} == {"unsigned"}
    assert "锚点签名：未签名 1、2" in ws.ok("verify", "--anchors", anchors).output


def test_a_consistent_chain_rewrite_with_the_published_digest_is_caught(
    round_ws: Workspace,
) -> None:
    ws = round_ws
    anchors = anchored(ws)
    # Rewrite 甲局's chain consistently, then the round's published digest to match it:
    # every link and every digest in the database agree again.
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
    # The round's published digest sits in its Finalized event; the events after it (the
    # consequences recorded at finalisation) are linked again, so the round's chain is
    # as consistent as the cycle's.
    rnd = key(ws, round_id("2024", "jilin"))
    round_rows = ws.sql(
        f"SELECT originator_version, topic, state FROM {ws.events_table} "
        f"WHERE originator_id = '{rnd}' ORDER BY originator_version"
    )
    link = None
    for version, topic, state in round_rows:
        data = json.loads(bytes(state))
        if topic.endswith(":Round.Finalized"):
            for outcome in data["outcomes"]:
                if outcome["cycle"] == "甲局/2024":
                    outcome["digest"] = previous
        elif link is None:
            continue  # before the finalisation: untouched
        if link is not None:
            data[PREV] = link
        new = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        literal = f"X'{new.hex()}'" if ws.backend == "sqlite" else f"'\\x{new.hex()}'::bytea"
        tamper(
            ws,
            f"UPDATE {ws.events_table} SET state = {literal} "
            f"WHERE originator_id = '{rnd}' AND originator_version = {version}",
        )
        link = digest(round_id("2024", "jilin"), topic, new)

    report = plain_passes_anchored_catches(ws, anchors)
    assert found(report) == {
        (str(cycle_id("甲局", "2024")), "changed"),
        (str(round_id("2024", "jilin")), "changed"),
    }
    assert any("第 1 号锚点" in p["detail"] for p in report["problems"])


def test_a_deleted_unit_is_caught(round_ws: Workspace) -> None:
    ws = round_ws
    anchors = anchored(ws)
    tamper(ws, f"DELETE FROM {ws.events_table} WHERE originator_id = '{key(ws, unit_id('乙局'))}'")
    report = plain_passes_anchored_catches(ws, anchors)
    assert found(report) == {(str(unit_id("乙局")), "removed")}


def test_a_deleted_rectification_is_caught(round_ws: Workspace) -> None:
    ws = round_ws
    anchors = anchored(ws)
    (rect,) = {
        r[0]
        for r in ws.sql(
            f"SELECT originator_id FROM {ws.events_table} "
            "WHERE topic LIKE 'pdca.domain.rectification:%'"
        )
    }
    tamper(ws, f"DELETE FROM {ws.events_table} WHERE originator_id = '{rect}'")
    report = plain_passes_anchored_catches(ws, anchors)
    assert found(report) == {(str(UUID(str(rect))), "removed")}


def test_an_edited_newest_event_after_the_last_published_head_is_caught(
    round_ws: Workspace,
) -> None:
    ws = round_ws
    # Recorded after the round was published: no published digest covers it.
    ws.ok("unit", "edit", "乙局", "--grid", "第二片", "--reason", "联系片调整")
    anchors = anchored(ws)
    unit = key(ws, unit_id("乙局"))
    ((state,),) = ws.sql(
        f"SELECT state FROM {ws.events_table} "
        f"WHERE originator_id = '{unit}' AND originator_version = 2"
    )
    edited = bytes(state).replace("第二片".encode(), "第三片".encode())
    assert edited != bytes(state)
    literal = f"X'{edited.hex()}'" if ws.backend == "sqlite" else f"'\\x{edited.hex()}'::bytea"
    tamper(
        ws,
        f"UPDATE {ws.events_table} SET state = {literal} "
        f"WHERE originator_id = '{unit}' AND originator_version = 2",
    )
    report = plain_passes_anchored_catches(ws, anchors)
    assert found(report) == {(str(unit_id("乙局")), "changed")}
    (problem,) = report["problems"]
    assert problem["position"] == 2 and "第 2 号锚点" in problem["detail"]


def open_gap(ws: Workspace, position: int) -> None:
    """Shift every log position from ``position`` up by one, as a forger would to slip a
    row in among old ones (SQLite: the rowid; PostgreSQL: notification_id)."""
    column = "rowid" if ws.backend == "sqlite" else "notification_id"
    tamper(
        ws,
        f"UPDATE {ws.events_table} SET {column} = {column} + 1000000 WHERE {column} >= {position}",
    )
    tamper(
        ws,
        f"UPDATE {ws.events_table} SET {column} = {column} - 999999 WHERE {column} >= 1000000",
    )
    if ws.backend == "postgresql":  # and moves the counter on, so the next insert fits
        tamper(
            ws,
            f"SELECT setval(pg_get_serial_sequence('{ws.events_table}', 'notification_id'), "
            f"(SELECT max(notification_id) FROM {ws.events_table}))",
        )
        # ... and the position the login stamp began at, which moved with the rows
        # (else verify names the shifted rows from before the stamp as unstamped).
        tamper(
            ws,
            "UPDATE pdca_meta SET value = (value::bigint + 1)::text "
            f"WHERE key = 'principal_stamp_after' AND value::bigint >= {position}",
        )


def test_an_inserted_aggregate_is_caught_and_one_begun_later_is_simply_new(
    round_ws: Workspace,
) -> None:
    ws = round_ws
    anchors = anchored(ws)
    # A forged unit, chained correctly from the genesis, slipped in at log position 3.
    ((topic, state),) = ws.sql(
        f"SELECT topic, state FROM {ws.events_table} "
        f"WHERE originator_id = '{key(ws, unit_id('甲局'))}' AND originator_version = 1"
    )
    forged = bytes(state).replace("甲局".encode(), "丙局".encode())
    if ws.backend == "postgresql":
        # The forger names their own login as its writer: the database stamps each row
        # with the login that inserted it, and plain verify flags any other name.
        data = json.loads(forged)
        login = ws.sql("SELECT session_user")[0][0]
        data.update({k: login for k in ("actor", "principal") if k in data})
        forged = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    open_gap(ws, 3)
    column = "rowid" if ws.backend == "sqlite" else "notification_id"
    literal = f"X'{forged.hex()}'" if ws.backend == "sqlite" else f"'\\x{forged.hex()}'::bytea"
    tamper(
        ws,
        f"INSERT INTO {ws.events_table} ({column}, originator_id, originator_version, topic, "
        f"state) VALUES (3, '{key(ws, unit_id('丙局'))}', 1, '{topic}', {literal})",
    )
    report = plain_passes_anchored_catches(ws, anchors)
    assert found(report) == {(str(unit_id("丙局")), "inserted")}
    # A unit registered after the anchors were taken is new, not inserted.
    tamper(
        ws,
        f"DELETE FROM {ws.events_table} WHERE originator_id = '{key(ws, unit_id('丙局'))}'",
    )
    ws.ok("unit", "add", "丁局", "--category", "党政机关")
    code, report = verify(ws, "--anchors", anchors)
    assert code == 0 and report["clean"], report["problems"]


def test_a_declared_restore_from_backup_is_not_tampering(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    anchors = anchored(ws)  # anchor 1
    backup = ws.root / "backup.sqlite3"
    shutil.copyfile(ws.root / "pdca.sqlite3", backup)
    ws.ok("unit", "edit", "甲局", "--grid", "第一片", "--reason", "分片")
    ws.ok("unit", "add", "乙局", "--category", "党政机关")
    ws.ok("anchor")  # anchor 2 sees the edit and 乙局
    shutil.copyfile(backup, ws.root / "pdca.sqlite3")  # the restore
    # Undeclared, the restore looks like what it does: events of anchor 2 are gone.
    code, report = verify(ws, "--anchors", anchors)
    assert code == 8 and found(report) == {
        (str(unit_id("甲局")), "removed"),
        (str(unit_id("乙局")), "removed"),
    }
    out = ws.ok("anchor", "--restore", "--note", "从备份恢复（backup.sqlite3，误删后）")
    # Numbers are never reused: the file still holds anchor 2.
    assert "已记录锚点 3（声明：从备份恢复）" in out.output
    code, report = verify(ws, "--anchors", anchors)
    assert code == 0 and report["clean"], report["problems"]
    assert str(unit_id("乙局")) in report["anchors_file"]["declared_restore"]
    # What the restore anchor records must still be there: an edit after it is caught.
    tamper(ws, f"DELETE FROM stored_events WHERE originator_id = '{unit_id('甲局').hex}'")
    code, report = verify(ws, "--anchors", anchors)
    assert code == 8 and found(report) == {(str(unit_id("甲局")), "removed")}


def test_a_restore_must_say_from_what(sqlite_workspace: Workspace) -> None:
    line = sqlite_workspace.refused("anchor", "--restore")
    assert "--note" in line
    assert not (sqlite_workspace.root / "anchors.jsonl").exists()


def test_an_anchor_that_could_not_be_written_records_nothing(workspace: Workspace) -> None:
    missing = workspace.root / "没有的目录" / "anchors.jsonl"
    assert "所在的目录不存在" in workspace.refused("anchor", "-o", str(missing))
    assert "是目录" in workspace.refused("anchor", "-o", str(workspace.root))
    (workspace.root / "anchors.jsonl").write_text("不是锚点\n", encoding="utf-8")
    assert "第 1 行不是锚点或签名" in workspace.refused("anchor")


def test_signed_anchors_verify_by_keyring_and_a_rotated_key_keeps_old_ones(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    anchors = anchored(ws)
    ring, k1, k2 = ws.root / "ring.toml", ws.root / "k1.pem", ws.root / "k2.pem"
    kid1 = json.loads(
        ws.ok("anchor", "keygen", "--key", str(k1), "--keyring", str(ring), "--json").output
    )["key_id"]
    assert json.loads(ws.ok("anchor", "sign", "--key", str(k1), "--json").output)["signed"] == [1]
    # Rotation: k1 retires today, k2 signs what comes next.
    ws.ok("anchor", "keygen", "--key", str(k2), "--keyring", str(ring))
    ring.write_text(
        ring.read_text(encoding="utf-8").replace(
            f'id = "{kid1}"', f'id = "{kid1}"\nvalid_until = 2999-12-31', 1
        ),
        encoding="utf-8",
    )
    ws.ok("anchor")
    ws.ok("anchor", "sign", "--key", str(k2))
    code, report = verify(ws, "--anchors", anchors, "--keyring", str(ring))
    assert code == 0, report
    assert [s["status"] for s in report["anchors_file"]["signatures"]] == ["signed", "signed"]
    # A key declared lost before the anchor was taken is not trusted for it.
    text = ring.read_text(encoding="utf-8").replace(
        "valid_until = 2999-12-31", "valid_until = 2000-01-01"
    )
    ring.write_text(text, encoding="utf-8")
    code, report = verify(ws, "--anchors", anchors, "--keyring", str(ring))
    assert code == 8 and report["anchors_file"]["signatures"][0]["status"] == "expired"
    # An anchor line edited in the file no longer matches its digest.
    path = ws.root / "anchors.jsonl"
    text = path.read_text(encoding="utf-8").replace("测试前存档", "改过的说明", 1)
    path.write_text(text, encoding="utf-8")
    code, report = verify(ws, "--anchors", anchors)
    assert code == 8 and report["anchors_file"]["damaged"] == [1]


def test_the_check_code_of_exports_is_checked_by_verify_code(round_ws: Workspace) -> None:
    ws = round_ws
    out = ws.ok("export", "scores", "2024", "-o", str(ws.root / "s.csv")).output
    code = out.split("校验码：")[1].split("（")[0]
    assert code.startswith("1-") and len(code) == len("1-") + 24
    assert "与第 1 号锚点相符" in ws.ok("verify", "--code", code).output
    assert (
        ws.run("verify", "--code", code, "--anchors", str(ws.root / "anchors.jsonl")).exit_code == 0
    )
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    result = ws.run("verify", "--code", wrong)
    assert result.exit_code == 8 and f"库中为 {code}" in result.output
    assert "错误：校验码" in ws.refused("verify", "--code", "12-xyz")
    from openpyxl import load_workbook

    ws.ok("export", "scores", "2024", "-o", str(ws.root / "s.xlsx"))
    book = load_workbook(ws.root / "s.xlsx")
    assert code in book["校验码"]["A1"].value
    assert "其后又记录了" not in out
    ws.ok("unit", "edit", "乙局", "--grid", "第二片", "--reason", "联系片调整")
    later = ws.ok("export", "scores", "2024", "-o", str(ws.root / "s2.csv")).output
    assert f"校验码：{code}" in later and "其后又记录了 1 个事件，未在此锚点内" in later
    html = ws.ok("report", "2024", "-o", str(ws.root / "r.html"))
    assert html.exit_code == 0 and f"校验码：{code}" in (ws.root / "r.html").read_text("utf-8")


def test_anchors_work_under_the_cipher_and_hold_no_event_content(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from base64 import b64encode

    from tests.conftest import _init

    monkeypatch.setenv("PDCA_CIPHER_KEY", b64encode(os.urandom(32)).decode())
    ws = _init(tmp_path / "ws", "sqlite:///pdca.sqlite3", "sqlite")
    record_round_in(ws)
    anchors = ws.root / "anchors.jsonl"
    assert "工作时间网购" not in anchors.read_text(encoding="utf-8")
    code, report = verify(ws, "--anchors", str(anchors))
    assert code == 0 and report["clean"]
    (line,) = anchors.read_text(encoding="utf-8").splitlines()
    number = json.loads(line)["anchor"]
    digest_ = json.loads(line)["digest"]
    printed = f"{number}-" + "-".join(digest_[i : i + 4] for i in range(0, 20, 4))
    assert "相符" in ws.ok("verify", "--code", printed).output


def test_pycryptodome_stays_off_the_start_up_path(sqlite_workspace: Workspace) -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pdca_cli import cli\n"
        "for args in (['anchor'], ['verify'], ['export', 'ledger', '2024']):\n"
        "    CliRunner().invoke(cli, args)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('Crypto')}))\n"
    )
    env = {**os.environ, **sqlite_workspace.env}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
    assert (sqlite_workspace.root / "anchors.jsonl").exists()  # the anchor was taken


def test_the_key_holders_path_in_real_processes(workspace: Workspace) -> None:
    """keygen, sign and verify as separate ``pdca`` processes, as an office runs them."""
    from tests.e2e.test_subprocess import pdca

    ws = workspace
    ring, key_file = str(ws.root / "ring.toml"), str(ws.root / "holder.pem")
    assert pdca(ws, "unit", "add", "甲局", "--category", "党政机关").returncode == 0
    taken = pdca(ws, "anchor", "--json")
    assert taken.returncode == 0, taken.stderr
    code = json.loads(taken.stdout)["code"]
    assert pdca(ws, "anchor", "keygen", "--key", key_file, "--keyring", ring).returncode == 0
    signed = pdca(ws, "anchor", "sign", "--key", key_file)
    assert signed.returncode == 0 and "签名 1 个锚点：1" in signed.stdout
    anchors = str(ws.root / "anchors.jsonl")
    checked = pdca(ws, "verify", "--anchors", anchors, "--keyring", ring)
    assert checked.returncode == 0 and "签名有效 1" in checked.stdout, checked.stdout
    assert pdca(ws, "verify", "--code", code).returncode == 0
    tamper(ws, f"DELETE FROM {ws.events_table} WHERE originator_id = '{key(ws, unit_id('甲局'))}'")
    assert pdca(ws, "verify").returncode == 0  # today's verify: nothing to compare with
    caught = pdca(ws, "verify", "--anchors", anchors, "--keyring", ring)
    assert caught.returncode == 8 and "被删除" in caught.stdout and "Traceback" not in caught.stderr

"""Accounts and roles through the CLI: who may write what (account events), refusals
that name actor, role, command and who may run it, and every event's actor.

Another login is played with the application's test-only injection point
(``Workspace.run(principal=…)``); tests/integration/test_identity.py runs one as a real
OS user."""

from __future__ import annotations

import json

import click
from pdca_cli import cli

from pdca.application import roles
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from tests.conftest import Workspace

C = "市财政局/2024"
AUDITOR, STAFF = "审计-赵六", "市财政局-王五"


def refused_as(ws: Workspace, login: str, *args: str, code: int = 7) -> str:
    """Run as the login ``login``: one ``错误：`` line, exit ``code``, nothing written."""
    before = ws.event_count()
    result = ws.run(*args, principal=login)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == code, (args, result.output)
    assert len(lines) == 1 and lines[0].startswith("错误："), result.output
    assert ws.event_count() == before
    return lines[0]


def _staffed(ws: Workspace) -> None:
    """The owner (acting as 督查组-张三) founds the accounts and becomes their first admin;
    the auditor's and the staff member's logins are their names."""
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", AUDITOR, "--role", "auditor")
    ws.ok("account", "add", STAFF, "--role", "staff", "--unit", "市财政局")


# One valid-looking invocation of every writing command: the role check comes first.
SAMPLES: dict[str, list[str]] = {
    "unit add": ["unit", "add", "市税务局", "--category", "党政机关"],
    "unit edit": ["unit", "edit", "市财政局", "--category", "中直单位", "--reason", "r"],
    "cycle open": ["cycle", "open", "市财政局", "2025", "--scheme", "jilin"],
    "cycle advance": ["cycle", "advance", C, "start_do"],
    "cycle void": ["cycle", "void", C, "--reason", "r"],
    "task add": ["task", "add", C, "专题学习", "--deadline", "2024-12-31"],
    "task publish": ["task", "publish", C],
    "task report": ["task", "report", C, "1", "--progress", "50"],
    "task complete": ["task", "complete", C, "1"],
    "finding record": [
        *("finding", "record", C, "--source", "暗访", "--indicator", "discipline"),
        *("--points", "-1", "--observed-on", "2024-05-12", "--evidence", "e"),
    ],
    "score record": ["score", "record", C, "duty", "1", "--evidence", "e"],
    "score na": ["score", "na", C, "tasks", "--reason", "r"],
    "ballot issue": ["ballot", "issue", C, "--group", "masses", "--count", "1"],
    "ballot slips": ["ballot", "slips", C, "--group", "masses", "--count", "1", "-o", "s.html"],
    "ballot cast": ["ballot", "cast", C, "--token", "AAAAA-BBBBB", "duty=1"],
    "ballot import": ["ballot", "import", C, "ballots.csv"],
    "ballot close": ["ballot", "close", C],
    "veto apply": ["veto", "apply", C, "--rule", "r", "--reason", "r", "--evidence", "e"],
    "correct withdraw": ["correct", "withdraw", C, "2", "--reason", "r"],
    "correct amend": ["correct", "amend", C, "2", "-1", "--reason", "r"],
    "round open": ["round", "open", "2024", "--scheme", "jilin"],
    "round finalize": ["round", "finalize", "2024"],
    "step record": ["step", "record", C, "report", "--text", "t", "--evidence", "e"],
    "step review": ["step", "review", C, "report", "--approve", "--reason", "r"],
    "appeal lodge": ["appeal", "lodge", C, "--reason", "r", "--evidence", "e"],
    "appeal decide": ["appeal", "decide", C, "--uphold", "--reason", "r"],
    "rectify order": [
        *("rectify", "order", C, "--problem", "p", "--owner", "o", "--due", "2025-03-31"),
    ],
    "rectify report": ["rectify", "report", "abcdef12", "--note", "n"],
    "rectify submit": ["rectify", "submit", "abcdef12"],
    "rectify verify": ["rectify", "verify", "abcdef12", "--accept"],
    "rectify extend": ["rectify", "extend", "abcdef12", "--due", "2025-06-30", "--reason", "r"],
    "rectify sweep": ["rectify", "sweep"],
    "account add": ["account", "add", "lisi", "--role", "supervisor"],
    "account grant": ["account", "grant", AUDITOR, "admin"],
    "account revoke": ["account", "revoke", STAFF, "staff"],
    "account scope": ["account", "scope", STAFF, "--unit", "市税务局"],
    "account disable": ["account", "disable", STAFF, "--reason", "r"],
    "account enable": ["account", "enable", STAFF],
    "account import": ["account", "import"],
    "account team": ["account", "team", "第二组", "--grid", "第二片"],
    "account password": ["account", "password", STAFF],
    "projections rebuild": ["projections", "rebuild", "--all"],
    "projections run": ["projections", "run"],
    "projections new": ["projections", "new", "my_view"],
    "projections register": ["projections", "register"],
    "anchor": ["anchor"],
    "import": ["import", "units", "ballots.csv"],
    "evidence purge": ["evidence", "purge", "0" * 64, "--reason", "r"],
}


def test_an_auditor_reads_everything_and_writes_nothing(workspace: Workspace) -> None:
    ws = workspace
    _staffed(ws)
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    (ws.root / "ballots.csv").write_text("token,duty\nAAAAA-BBBBB,1\n", encoding="utf-8")
    assert set(SAMPLES) == set(roles.PERMISSIONS) - {roles.ACT_FOR}
    for command, args in SAMPLES.items():
        args = [str(ws.root / a) if a == "ballots.csv" else a for a in args]
        line = refused_as(ws, AUDITOR, *args)
        allowed = "、".join(roles.LABELS[r] for r in roles.PERMISSIONS[command])
        assert line.startswith(
            f"错误：操作人 {AUDITOR}（审计员）无权执行 pdca {command}；可执行者：{allowed}"
        ), line
    assert not (ws.root / "projections" / "my_view.py").exists()
    # …and reads whatever there is.
    for args in (
        ["cycle", "status", C],
        ["history", C],
        ["cycle", "list"],
        ["unit", "list"],
        ["explain", C],
        ["ledger"],
        ["rectify", "list"],
        ["role", "list"],
        ["account", "list"],
        ["projections", "status"],
    ):
        ws.ok(*args, principal=AUDITOR)


def test_unit_staff_report_progress_on_their_own_unit_only(workspace: Workspace) -> None:
    ws = workspace
    for unit in ("市财政局", "市税务局"):
        ws.ok("unit", "add", unit, "--category", "党政机关", actor="路人")  # open workspace
        ws.ok("cycle", "open", unit, "2024", "--scheme", "jilin")
        ws.ok("task", "add", f"{unit}/2024", "三会一课", "--deadline", "2024-12-31")
        ws.ok("task", "publish", f"{unit}/2024")
        ws.ok("cycle", "advance", f"{unit}/2024", "start_do")
    _staffed(ws)
    assert (
        ws.ok("task", "report", C, "1", "--progress", "40", principal=STAFF).output
        == "任务 #1 进度：40%\n"
    )
    line = refused_as(ws, STAFF, "task", "report", "市税务局/2024", "1", "--progress", "40")
    assert line == (
        f"错误：操作人 {STAFF}（单位填报员，市财政局）只能为本单位填报；"
        "pdca task report 涉及 市税务局，未记录"
    )
    line = refused_as(ws, STAFF, *SAMPLES["finding record"])
    assert f"{STAFF}（单位填报员，市财政局）无权执行 pdca finding record；可执行者：督查员" in line
    line = refused_as(ws, "路人", "task", "report", C, "1", "--progress", "50")
    assert line.startswith("错误：登录名 路人 没有账户，本数据库只接受账户登录"), line

    # Rectification: own item reported on and submitted; the other unit's is refused.
    items = {}
    for unit in ("市财政局", "市税务局"):
        ws.ok("cycle", "advance", f"{unit}/2024", "start_check")
        order = [*SAMPLES["rectify order"][:2], f"{unit}/2024", *SAMPLES["rectify order"][3:]]
        items[unit] = json.loads(ws.ok(*order, "--today", "2024-11-01", "--json").output)["id"]
    ws.ok("rectify", "report", items["市财政局"], "--note", "已补齐", principal=STAFF)
    ws.ok("rectify", "submit", items["市财政局"], principal=STAFF)
    line = refused_as(ws, STAFF, "rectify", "report", items["市税务局"], "--note", "越权")
    assert "只能为本单位填报；pdca rectify report 涉及 市税务局" in line
    line = refused_as(ws, STAFF, "rectify", "verify", items["市财政局"], "--accept")
    assert "无权执行 pdca rectify verify；可执行者：督查员" in line
    history = json.loads(ws.ok("history", C, "--json").output)
    assert [h["actor"] for h in history if h["type"] == "TaskReported"] == [STAFF]


def test_accounts_keep_an_admin_and_refuse_nonsense(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    owner = ws.owner
    line = refused_as(ws, "lisi", "account", "add", "lisi", "--role", "admin", code=7)
    assert f"只有数据库的所有者 {owner} 可以建立第一个账户" in line
    ws.ok("account", "add", "lisi", "--person", "李四", "--role", "supervisor")
    listed = json.loads(ws.ok("account", "list", "--json").output)
    assert listed["open"] is False and listed["owner"] == owner
    assert [(a["login"], a["person"], a["roles"]) for a in listed["accounts"]] == sorted(
        [(owner, ws.actor, ["admin"]), ("lisi", "李四", ["supervisor"])]
    )
    refused_as(
        ws, owner, "account", "add", "wangwu", "--role", "auditor", "--role", "admin", code=1
    )
    refused_as(ws, owner, "account", "add", "wangwu", "--role", "staff", code=1)  # no unit
    refused_as(ws, owner, "account", "add", "lisi", "--role", "auditor", code=4)  # taken
    line = refused_as(ws, owner, "account", "revoke", owner, "admin", code=1)
    assert "至少要保留一名可用的管理员" in line
    line = refused_as(ws, owner, "account", "disable", owner, "--reason", "r", code=1)
    assert "至少要保留一名可用的管理员" in line
    ws.ok("account", "revoke", "lisi", "supervisor")
    line = refused_as(ws, "lisi", "unit", "add", "市财政局", "--category", "党政机关")
    assert "李四（无角色）无权执行 pdca unit add；可执行者：管理员、督查员" in line
    ws.ok("account", "grant", "lisi", "supervisor")
    ws.ok("account", "disable", "lisi", "--reason", "调离")
    line = refused_as(ws, "lisi", "unit", "add", "市财政局", "--category", "党政机关")
    assert "账户 lisi（李四）已停用：调离" in line
    ws.ok("account", "enable", "lisi")
    ws.ok("unit", "add", "市财政局", "--category", "党政机关", principal="lisi")


def test_every_command_is_classified_and_writers_take_a_request_id() -> None:
    ctx = click.Context(cli)
    leaves = {}

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            path = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                walk(command, path)
                if command.invoke_without_command:  # ``pdca anchor`` runs on its own too
                    leaves[path] = command
            else:
                leaves[path] = command

    walk(cli, "")
    tables = [set(roles.PERMISSIONS), set(roles.READS), set(roles.SETUP)]
    assert set(leaves) <= set().union(*tables)  # a new command must be classified
    assert (set(roles.PERMISSIONS) - {roles.ACT_FOR}) | set(roles.SETUP) <= set(leaves)
    assert sum(len(t) for t in tables) == len(set().union(*tables))  # in one table only
    for path, command in leaves.items():
        options = {o for p in command.params for o in getattr(p, "opts", ())}
        assert ("--request-id" in options) == roles.records_events(path), path


def test_every_stored_event_records_its_actor(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关", actor="甲")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin", actor="乙")
    ws.ok("task", "add", C, "三会一课", "--deadline", "2024-12-31", actor="丙")
    ws.ok("task", "publish", C, "--request-id", "r-1", actor="丁")
    ws.ok("cycle", "advance", C, "start_do", actor="戊")
    ws.ok("cycle", "advance", C, "start_check", actor="戊")
    ws.ok(*SAMPLES["rectify order"], "--today", "2024-11-01", actor="己")
    ws.ok("score", "na", C, "ballot", "--reason", "无", actor="庚")
    ws.ok("step", "record", C, "report", "--text", "述职", "--evidence", "材料", actor="癸")
    ws.ok("cycle", "advance", C, "start_act", actor="戊")
    ws.ok("round", "open", "2024", "--scheme", "jilin", actor="辛")
    finalized = ws.ok("round", "finalize", "2024", actor="壬").output
    assert "已记录锚点 1（未签名" in finalized and "校验码：1-" in finalized
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        stored = app.recorder.select_notifications(start=1, limit=1000)
        actors = [(type(e).__name__, e.actor) for e in map(app.mapper.to_domain_event, stored)]
    finally:
        app.close()
    assert actors == [
        ("Registered", "甲"),
        ("Opened", "乙"),
        ("TaskAdded", "丙"),
        ("TaskListPublished", "丁"),
        ("Accepted", "丁"),
        ("Answered", "丁"),
        ("StageAdvanced", "戊"),
        ("StageAdvanced", "戊"),
        ("Ordered", "己"),
        ("ComponentNotApplicable", "庚"),
        ("UnitStepRecorded", "癸"),  # the unit's 述职报告 (issue 14 item 5)
        ("StageAdvanced", "戊"),
        ("Opened", "辛"),
        ("Finalized", "壬"),
        ("ConsequencesRecorded", "壬"),  # 吉林's results used (考用结合), one per unit
        ("Taken", "壬"),  # the anchor finalisation takes
    ]

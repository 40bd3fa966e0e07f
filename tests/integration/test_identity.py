"""Who did it (issue 13, items 1 and 2): the principal who connected, the person acted
for, and accounts and roles as events. One test per "seen on main" finding about
``--actor``, ``roles.toml``, a second folder, role changes and "first role set wins";
each fails on main (no accounts there, names only declared) and passes here.

Another login is played in-process through ``Workspace.run(principal=…)`` (the
application's test-only injection point); the last tests run real processes.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from tests.conftest import Workspace, _init
from tests.e2e.test_subprocess import PDCA

C = "市财政局/2024"
FINDING = [
    *("finding", "record", C, "--source", "暗访", "--indicator", "discipline"),
    *("--points", "-1", "--observed-on", "2024-05-12", "--evidence", "工作时间网购"),
]


def refused(
    ws: Workspace, *args: str, principal: str | None = None, actor: str | None = None
) -> str:
    """One ``错误：`` line, a non-zero exit, and not one event written."""
    before = ws.event_count()
    result = ws.run(*args, principal=principal, actor=actor)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0, (args, result.output)
    assert len(lines) == 1 and lines[0].startswith("错误："), result.output
    assert ws.event_count() == before
    return lines[0]


def _accounts(ws: Workspace) -> None:
    """The owner (督查组-张三, admin and supervisor), a second supervisor, an auditor and a
    staff member of 市财政局, each with a login of their own."""
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "lisi", "--person", "督查组-李四", "--role", "supervisor")
    ws.ok("account", "add", "zhaoliu", "--person", "审计-赵六", "--role", "auditor")
    ws.ok(
        "account",
        "add",
        "wangwu",
        "--person",
        "市财政局-王五",
        "--role",
        "staff",
        "--unit",
        "市财政局",
    )


def _cycle_in_check(ws: Workspace, unit: str = "市财政局") -> str:
    address = f"{unit}/2024"
    ws.ok("unit", "add", unit, "--category", "党政机关")
    ws.ok("cycle", "open", unit, "2024", "--scheme", "jilin")
    ws.ok("task", "add", address, "三会一课", "--deadline", "2024-12-31")
    ws.ok("task", "publish", address)
    ws.ok("cycle", "advance", address, "start_do")
    ws.ok("cycle", "advance", address, "start_check")
    return address


def _stored(ws: Workspace) -> list[object]:
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        rows = app.recorder.select_notifications(start=1, limit=10_000)
        return [app.mapper.to_domain_event(r) for r in rows]
    finally:
        app.close()


# ---- --actor / PDCA_ACTOR: on behalf of, checked -----------------------------------------


def test_an_auditor_cannot_record_a_finding_under_a_supervisors_name(workspace: Workspace) -> None:
    ws = workspace
    _accounts(ws)
    _cycle_in_check(ws)
    line = refused(ws, *FINDING, principal="zhaoliu", actor="督查组-李四")
    assert "登录名 zhaoliu（审计-赵六，审计员）无权代 督查组-李四 记录（--actor）" in line
    # Under its own name the auditor is refused as an auditor.
    assert "审计-赵六（审计员）无权执行 pdca finding record" in refused(
        ws, *FINDING, principal="zhaoliu"
    )


def test_staff_cannot_write_to_another_unit_by_naming_a_supervisor(workspace: Workspace) -> None:
    ws = workspace
    _accounts(ws)
    _cycle_in_check(ws)
    _cycle_in_check(ws, "市税务局")
    report = ["task", "report", "市税务局/2024", "1", "--progress", "50"]
    line = refused(ws, *report, principal="wangwu", actor=ws.actor)
    assert "无权代 督查组-张三 记录" in line
    line = refused(ws, *report, principal="wangwu")
    assert (
        "市财政局-王五（单位填报员，市财政局）只能为本单位填报；pdca task report 涉及 市税务局"
        in line
    )


def test_one_login_cannot_submit_and_verify_under_two_names(workspace: Workspace) -> None:
    ws = workspace
    _accounts(ws)
    _cycle_in_check(ws)
    order = [
        "rectify",
        "order",
        C,
        "--problem",
        "台账不全",
        "--owner",
        "王五",
        "--due",
        "2025-03-31",
    ]
    item = json.loads(ws.ok(*order, "--today", "2024-11-01", "--json").output)["id"]
    ws.ok("rectify", "submit", item, principal="lisi")  # 督查组-李四 submits
    # The same login names another supervisor as the verifier: still the submitter.
    line = refused(ws, "rectify", "verify", item, "--accept", principal="lisi", actor=ws.actor)
    assert "验收人不能是提交人（登录名 lisi）" in line
    # Whoever entered a submission for its person (act for) counts as the submitter too.
    other = json.loads(ws.ok(*order, "--today", "2024-11-02", "--json").output)["id"]
    ws.ok("rectify", "submit", other, principal="lisi", actor="市财政局-王五")
    line = refused(ws, "rectify", "verify", other, "--accept", principal="lisi")
    assert "验收人不能是提交人（登录名 lisi）" in line
    ws.ok("rectify", "verify", other, "--accept")
    # The other supervisor, connected as themselves, may.
    ws.ok("rectify", "verify", item, "--accept")
    shown = ws.ok("rectify", "show", item, "--json").output
    events = json.loads(shown)["history"]
    assert [(e["type"], e["actor"], e["principal"], e["assurance"]) for e in events[-2:]] == [
        ("Submitted", "督查组-李四", "lisi", "authenticated"),
        ("Verified", ws.actor, ws.owner, "authenticated"),
    ]


def test_a_name_without_an_account_cannot_be_recorded(workspace: Workspace) -> None:
    ws = workspace
    _accounts(ws)
    line = refused(ws, "unit", "add", "市财政局", "--category", "党政机关", actor="省委书记")
    assert "操作人 省委书记 没有可用的账户，不能代其记录" in line


def test_entering_for_someone_records_both_and_history_says_so(workspace: Workspace) -> None:
    ws = workspace
    _accounts(ws)
    _cycle_in_check(ws)
    # lisi (a supervisor: act for) types in 王五's paper progress report.
    ws.ok("task", "report", C, "1", "--progress", "60", principal="lisi", actor="市财政局-王五")
    entries = json.loads(ws.ok("history", C, "--json").output)
    last = entries[-1]
    assert (last["actor"], last["principal"], last["assurance"]) == (
        "市财政局-王五",
        "lisi",
        "authenticated",
    )
    table = ws.ok("history", C).output
    assert "市财政局-王五（由 lisi 代录）" in table
    # 王五's scope limits what is entered for him: not another unit's.
    _cycle_in_check(ws, "市税务局")
    line = refused(
        ws, "task", "report", "市税务局/2024", "1", "--progress", "60",
        principal="lisi", actor="市财政局-王五",
    )  # fmt: skip
    assert "只能为本单位填报" in line


def test_the_owner_is_not_locked_out_by_the_first_account(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("account", "add", "guanli", "--person", "管理员甲", "--role", "admin")
    # The owner became the first admin and still writes, as themselves.
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    # …and typing the admin's name is not a way in for a login without an account.
    line = refused(
        ws,
        "unit",
        "add",
        "市税务局",
        "--category",
        "党政机关",
        principal="outsider",
        actor="管理员甲",
    )
    assert "登录名 outsider 没有账户" in line


def test_an_open_database_records_everyone_as_declared(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关", actor="张三")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin", actor="张三")
    entry = json.loads(ws.ok("history", C, "--json").output)[0]
    assert (entry["actor"], entry["principal"], entry["assurance"]) == (
        "张三",
        ws.owner,
        "declared",
    )
    assert f"张三（声明，由 {ws.owner} 代录）" in ws.ok("history", C).output


# ---- roles.toml, a second folder, role changes, the first account ------------------------


def test_roles_toml_is_imported_once_and_then_changes_nothing(workspace: Workspace) -> None:
    ws = workspace
    (ws.root / "roles.toml").write_text(
        '[actors."督查组-张三"]\nroles = ["admin", "supervisor"]\n'
        '[actors."审计-赵六"]\nroles = ["auditor"]\nlogin = "zhaoliu"\n',
        encoding="utf-8",
    )
    # Until it is imported, writing stops (the file said the workspace was closed).
    assert "尚未导入为账户" in refused(ws, "unit", "add", "市财政局", "--category", "党政机关")
    # …and founding the accounts some other way would leave it behind, never imported.
    assert "尚未导入为账户" in refused(ws, "account", "add", "lisi", "--role", "supervisor")
    # Only the owner imports it (a stranger may not found the accounts).
    assert "只有数据库的所有者" in refused(ws, "account", "import", principal="stranger")
    ws.ok("account", "import")
    assert not (ws.root / "roles.toml").exists()
    assert (ws.root / "roles.toml.imported").exists()
    listed = json.loads(ws.ok("account", "list", "--json").output)["accounts"]
    assert {(a["login"], a["person"], tuple(a["roles"])) for a in listed} == {
        (ws.owner, ws.actor, ("admin",)),
        ("督查组-张三", "督查组-张三", ("supervisor", "admin")),
        ("zhaoliu", "审计-赵六", ("auditor",)),
    }
    # Deleting or rewriting the file opens nothing.
    (ws.root / "roles.toml.imported").unlink()
    assert "审计员" in refused(
        ws, "unit", "add", "甲局", "--category", "党政机关", principal="zhaoliu"
    )
    (ws.root / "roles.toml").write_text('[actors."zhaoliu"]\nroles = ["admin"]\n', encoding="utf-8")
    assert "审计员" in refused(
        ws, "unit", "add", "甲局", "--category", "党政机关", principal="zhaoliu"
    )


def test_a_second_folder_on_the_same_database_sees_the_same_accounts(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    _accounts(ws)
    url = f"sqlite:///{ws.root / 'pdca.sqlite3'}" if ws.backend == "sqlite" else ws.db_url
    other = Workspace(root=tmp_path / "other", db_url=url, backend=ws.backend, schema=ws.schema)
    result = other.run("--db", url, "init", str(other.root))
    assert result.exit_code == 0, result.output
    before = ws.event_count()
    result = other.run(
        "--db", url, "unit", "add", "市税务局", "--category", "党政机关", actor="审计-赵六"
    )  # fmt: skip
    assert result.exit_code == 7 and result.output.startswith("错误："), result.output
    assert "审计-赵六（审计员）无权执行 pdca unit add" in result.output
    assert ws.event_count() == before
    listed = json.loads(other.ok("--db", url, "account", "list", "--json").output)
    assert {a["login"] for a in listed["accounts"]} == {ws.owner, "lisi", "zhaoliu", "wangwu"}


def test_role_changes_are_events_in_the_chain(workspace: Workspace) -> None:
    ws = workspace
    before = ws.event_count()
    _accounts(ws)
    ws.ok("account", "revoke", "lisi", "supervisor")
    ws.ok("account", "team", "第一组", "--grid", "第一片")
    ws.ok("account", "grant", "lisi", "supervisor")
    ws.ok("account", "scope", "lisi", "--team", "第一组")
    ws.ok("account", "disable", "wangwu", "--reason", "调离")
    types = [type(e).__name__ for e in _stored(ws)[before:]]
    assert types[:3] == ["Founded", "AccountCreated", "RoleGranted"]  # the owner first
    assert {"RoleRevoked", "TeamDefined", "ScopeSet", "AccountDisabled"} <= set(types)
    events = _stored(ws)[before:]
    assert {(vars(e)["principal"], vars(e)["assurance"]) for e in events} == {
        (ws.owner, "declared"),  # the founding command ran on an open database
        (ws.owner, "authenticated"),
    }
    verified = json.loads(ws.ok("verify", "--all", "--json").output)
    assert verified["clean"] is True, verified
    # Disabled: refused from its next command on.
    assert "已停用：调离" in refused(
        ws, "task", "report", C, "1", "--progress", "1", principal="wangwu"
    )


def test_on_an_open_database_only_the_owner_founds_the_accounts(workspace: Workspace) -> None:
    ws = workspace
    line = refused(ws, "account", "add", "mallory", "--role", "admin", principal="mallory")
    assert f"只有数据库的所有者 {ws.owner} 可以建立第一个账户" in line
    assert json.loads(ws.ok("account", "list", "--json").output)["open"] is True


def test_a_scoped_supervisor_writes_within_its_grid_only(workspace: Workspace) -> None:
    ws = workspace
    _accounts(ws)
    ws.ok("unit", "add", "市财政局", "--category", "党政机关", "--grid", "第一片")
    ws.ok("unit", "add", "市税务局", "--category", "党政机关", "--grid", "第二片")
    ws.ok("account", "team", "第一组", "--grid", "第一片")
    ws.ok("account", "scope", "lisi", "--team", "第一组")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin", principal="lisi")
    line = refused(ws, "cycle", "open", "市税务局", "2024", "--scheme", "jilin", principal="lisi")
    assert (
        "督查组-李四（督查员，范围：组:第一组）只能在其范围内记录" in line
        or "只能在其范围内记录" in line
    )
    # The team's change is effective on the next command.
    ws.ok("account", "team", "第一组", "--grid", "第一片", "--grid", "第二片")
    ws.ok("cycle", "open", "市税务局", "2024", "--scheme", "jilin", principal="lisi")


# ---- the principal is who connected, never a variable ---------------------------------


def test_the_principal_on_sqlite_is_the_effective_user_not_USER(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    env = {**os.environ, **ws.env, "USER": "冒充者", "LOGNAME": "冒充者", "PDCA_ACTOR": ""}
    done = subprocess.run(
        [PDCA, "unit", "add", "市财政局", "--category", "党政机关"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    event = _stored(ws)[-1]
    login = pwd.getpwuid(os.geteuid()).pw_name
    assert (event.actor, vars(event)["principal"], vars(event)["assurance"]) == (
        login,
        login,
        "declared",
    )


#: Run the CLI with the effective uid of another user: everything the command will import
#: is imported first (the interpreter here lives where only root may read), then the
#: process gives up root for that user, as a setuid wrapper or ``runuser`` would.
_AS_USER = """
import os, pwd, sys
import sqlite3, zoneinfo, decimal, json, uuid, tomllib
from pdca_cli import cli
from pdca_cli.commands import unit, account, history
import pdca.application.service, pdca.application.accounts, pdca.application.identity
import pdca.application.scopes, pdca.application.saving, pdca.application.roles
import pdca.domain.account, pdca.domain.unit, pdca.storage.chain, pdca.projections.catalog
import pdca.projections.runtime, pdca.application.request_ids
zoneinfo.ZoneInfo("Asia/Shanghai")
user = pwd.getpwnam(sys.argv[1])
os.setegid(user.pw_gid)
os.seteuid(user.pw_uid)
cli(sys.argv[2:], prog_name="pdca")
"""


@pytest.fixture
def other_os_user() -> Iterator[str]:
    if os.geteuid() != 0:
        pytest.skip("connecting as another OS user needs root (to create and become one)")
    if shutil.which("useradd") is None:
        pytest.skip("useradd not installed")
    name = "pdcatest"
    subprocess.run(["userdel", name], capture_output=True, check=False)
    subprocess.run(["useradd", "--no-create-home", name], check=True, capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], capture_output=True, check=False)


def test_another_os_user_is_its_own_principal(other_os_user: str) -> None:
    import tempfile

    # Not under pytest's own temporary folder, which only root may enter.
    tmp_path = Path(tempfile.mkdtemp(prefix="pdca-other-user-"))
    try:
        _as_another_user(tmp_path, other_os_user)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _as_another_user(tmp_path: Path, other_os_user: str) -> None:
    root = tmp_path / "ws"
    ws = _init(root, "sqlite:///pdca.sqlite3", "sqlite")
    for path in (tmp_path, root):
        path.chmod(0o777)  # SQLite writes its journal beside the file
    (root / "pdca.sqlite3").chmod(0o666)
    ws.ok("account", "add", other_os_user, "--person", "审计-赵六", "--role", "auditor")

    def as_other(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **ws.env, "PDCA_ACTOR": "", "HOME": str(tmp_path)}
        return subprocess.run(
            [sys.executable, "-c", _AS_USER, other_os_user, *args],
            env=env, capture_output=True, text=True, timeout=60, cwd=root,
        )  # fmt: skip

    before = ws.event_count()
    done = as_other("unit", "add", "市财政局", "--category", "党政机关")
    assert done.returncode == 7, done.stderr
    assert done.stderr.startswith("错误：操作人 审计-赵六（审计员）无权执行 pdca unit add"), (
        done.stderr
    )
    done = as_other("--actor", ws.actor, "unit", "add", "市财政局", "--category", "党政机关")
    assert (
        done.returncode == 7 and f"登录名 {other_os_user}（审计-赵六，审计员）无权代" in done.stderr
    )
    assert ws.event_count() == before
    # Made a supervisor, the other user's write is recorded as that user, authenticated.
    ws.ok("account", "revoke", other_os_user, "auditor")
    ws.ok("account", "grant", other_os_user, "supervisor")
    done = as_other("unit", "add", "市财政局", "--category", "党政机关")
    assert done.returncode == 0, done.stderr
    event = _stored(ws)[-1]
    assert (event.actor, vars(event)["principal"], vars(event)["assurance"]) == (
        "审计-赵六",
        other_os_user,
        "authenticated",
    )


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite: the tests above
def test_the_principal_on_postgresql_is_the_session_login(workspace: Workspace) -> None:
    ws = workspace
    import uuid

    from tests.conftest import _pg_connect

    login = f"pdca_login_{uuid.uuid4().hex[:8]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE ROLE "{login}" LOGIN')
        conn.execute(f'GRANT USAGE, CREATE ON SCHEMA "{ws.schema}" TO "{login}"')
        conn.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA "{ws.schema}" TO "{login}"')
        conn.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA "{ws.schema}" TO "{login}"')
    user = ws.db_url.split("://", 1)[1].split("@", 1)[0]
    other = Workspace(
        root=ws.root,
        db_url=ws.db_url.replace(f"://{user}@", f"://{login}@", 1),
        backend=ws.backend,
        schema=ws.schema,
        actor="",  # on its own behalf unless told
    )
    try:
        # An open database: the login is recorded as the principal, declared.
        other.ok("unit", "add", "市财政局", "--category", "党政机关", actor="张三")
        event = _stored(ws)[-1]
        assert (event.actor, vars(event)["principal"], vars(event)["assurance"]) == (
            "张三",
            login,
            "declared",
        )
        # The owner is the login that ran init; once it founds the accounts, a login
        # without one is refused, whatever name it declares.
        assert ws.owner == user
        ws.ok("account", "add", "zhaoliu", "--person", "审计-赵六", "--role", "auditor")
        before = ws.event_count()
        result = other.run("unit", "add", "市税务局", "--category", "党政机关", actor=ws.actor)
        assert result.exit_code == 7 and f"登录名 {login} 没有账户" in result.output
        assert ws.event_count() == before
        ws.ok("account", "add", login, "--person", "督查组-李四", "--role", "supervisor")
        other.ok("unit", "add", "市税务局", "--category", "党政机关")
        event = _stored(ws)[-1]
        assert (event.actor, vars(event)["principal"], vars(event)["assurance"]) == (
            "督查组-李四",
            login,
            "authenticated",
        )
    finally:
        with _pg_connect() as conn:
            conn.execute(f'DROP OWNED BY "{login}" CASCADE')
            conn.execute(f'DROP ROLE "{login}"')


def test_a_database_without_an_owner_gains_one_at_init(sqlite_workspace: Workspace) -> None:
    # Made before owners were kept: nobody founds the accounts until init records one.
    ws = sqlite_workspace
    ws.sql("DELETE FROM pdca_meta WHERE key = 'owner'")
    line = refused(ws, "account", "add", "lisi", "--role", "supervisor")
    assert "数据库没有记录所有者" in line
    assert f"所有者：{pwd.getpwuid(os.geteuid()).pw_name}" in ws.ok("init", str(ws.root)).output
    ws.ok("account", "add", "lisi", "--role", "supervisor")

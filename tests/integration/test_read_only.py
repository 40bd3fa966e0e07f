"""Reads work with read-only access, and a read never creates, drops or re-creates a table.

* A SELECT-only PostgreSQL login (a real ``CREATE ROLE … LOGIN``) runs every read
  command: each answers exactly what the views hold, the JSON unchanged, with one
  stderr line ``视图落后 N 个事件`` where a view is behind; writing is refused in one line.
* A read-only SQLite file, opened ``mode=ro`` by another (non-root) user — root ignores
  file modes — in a folder that user can, and one it cannot, write.
* A database never initialised is refused by reads before anything is created there.
* After a view's version changes, a read serves the old table and says to rebuild it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pdca_cli import cli

from tests.conftest import PG_DSN, Workspace, _pg_connect

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
BEHIND = "视图落后 {n} 个事件（当前数据库连接只能读取，无法追上事件日志；所示为视图已有的内容）"
#: A workspace projection is never run by a read, whoever reads (issue 13 item 6).
WORKSPACE_BEHIND = (
    "视图 {name} 落后 {n} 个事件（读取命令不运行工作区的投影；"
    "管理员运行 pdca projections run {name}，或由 projections run --follow 追上）"
)
TODAY = "2025-05-01"
KB = re.compile(r"\d+ KB")


def read_commands(cycle: str, item: str, report: Path, root: Path) -> list[list[str]]:
    """Every command of ``roles.READS``, with arguments, as a reader would run it."""
    return [
        ["scheme", "list"],
        ["scheme", "show", "jilin"],
        ["scheme", "validate", str(root / "workflows" / "jilin.toml")],
        ["unit", "list"],
        ["unit", "list", "--json"],
        ["cycle", "list", "--json"],
        ["cycle", "status", cycle, "--json"],
        ["task", "list", cycle, "--json"],
        ["history", cycle],
        ["explain", cycle, "--json"],
        ["ranking", "2024", "--json"],
        ["ledger", "2024", "--json"],
        ["rectify", "list", "--today", TODAY, "--json"],
        ["rectify", "show", item],
        ["rectify", "bulletin", "2025-03", "--json"],
        ["role", "list"],
        ["projections", "list", "--json"],
        ["projections", "events"],
        ["view", "scores", "--json"],
        ["view", "grid_ranking", "--json"],
        ["export", "scores", "2024", "--format", "json"],
        ["report", "2024", "--today", TODAY, "-o", str(report)],
        ["board", "2024", "--today", TODAY, "--json"],
        ["verify", "--all", "--json"],
        ["projections", "status", "--json"],
    ]


#: What reads the history or the workspace's files, not a view (and so is never behind).
NOT_FROM_A_VIEW = ("scheme", "cycle status", "task list", "history", "explain", "role list",
                   "projections", "verify", "init")  # fmt: skip


def reads_a_view(args: list[str]) -> bool:
    return not " ".join(args).startswith(NOT_FROM_A_VIEW)


def demo_year(ws: Workspace) -> tuple[str, str]:
    """A small scored year (the demo, four units), every view caught up; a cycle and a
    rectification item to ask about."""
    ws.ok("demo", "--units", "4")
    ws.ok("projections", "run")
    cycle = json.loads(ws.ok("cycle", "list", "--json").output)[0]["cycle"]
    items = json.loads(ws.ok("rectify", "list", "--today", TODAY, "--json").output)
    return cycle, items[0]["id"]


def tables_and_positions(ws: Workspace) -> tuple[list[str], list[tuple]]:
    if ws.backend == "sqlite":
        tables = ws.sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    else:
        tables = ws.sql(
            "SELECT table_name FROM information_schema.tables "
            f"WHERE table_schema = '{ws.schema}' ORDER BY table_name"
        )
    positions = ws.sql("SELECT projection, position, version FROM pdca_tracking ORDER BY 1")
    return [t[0] for t in tables], positions


def behind(args: list[str], n: int, n_workspace: int | None = None) -> str:
    """The line a read says beside its answer when its views are ``n`` events behind; the
    workspace's ``grid_ranking`` is never caught up by a read, whoever reads, and so is
    ``n_workspace`` behind (the reads that caught the built-in ones up left it)."""
    if args[:2] == ["view", "grid_ranking"]:
        return WORKSPACE_BEHIND.format(name="grid_ranking", n=n_workspace or n) + "\n"
    return BEHIND.format(n=n) + "\n"


def said_beside(stderr: str) -> str:
    """stderr without the progress lines slow work prints every two seconds, and without
    the anchor's 校验码 an export prints beside its data (tested in test_anchors.py)."""
    return "".join(
        line
        for line in stderr.splitlines(keepends=True)
        if not line.startswith(("生成报告 ", "导出 ", "校验码："))
    )


def same_but_events_after_anchor(text: str) -> str:
    """The report names how many events were recorded after its anchor: one more fact
    was recorded between the writer's report and the reader's."""
    return re.sub(r"其后又记录了 \d+ 个事件", "其后又记录了 N 个事件", text)


def run(env: dict[str, str], args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


# ---- a SELECT-only PostgreSQL login ------------------------------------------------------


@pytest.fixture
def reader_login(workspace: Workspace) -> Iterator[str]:
    """A real login that may only read the workspace's schema; its database URL."""
    role = f"pdca_reader_{uuid.uuid4().hex[:8]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA "{workspace.schema}" TO "{role}"')
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{workspace.schema}" TO "{role}"')
    base = PG_DSN.replace("postgresql://", "postgresql+psycopg://")
    scheme, _, rest = base.partition("://")
    host = rest.split("@", 1)[-1]
    try:
        yield f"{scheme}://{role}@{host}?schema={workspace.schema}"
    finally:
        with _pg_connect() as conn:
            conn.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{workspace.schema}" FROM "{role}"')
            conn.execute(f'REVOKE ALL ON SCHEMA "{workspace.schema}" FROM "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_select_only_postgresql_login_runs_every_read_command(
    workspace: Workspace, reader_login: str, tmp_path: Path
) -> None:
    ws = workspace
    cycle, item = demo_year(ws)
    mine, theirs = tmp_path / "mine.html", tmp_path / "theirs.html"
    # What the views hold, read by a login that may write (and so catches up).
    answers = {
        tuple(a): ws.ok(*a).stdout
        for a in read_commands(cycle, item, mine, ws.root)
        if reads_a_view(a)
    }
    # One more fact: every view is now one event behind.
    ws.ok("unit", "add", "后来的单位", "--category", "党政机关")
    before = tables_and_positions(ws), ws.event_count()

    env = {**ws.env, "PDCA_DB": reader_login}
    for args in read_commands(cycle, item, theirs, ws.root):
        result = run(env, args)
        said = f"pdca {' '.join(args)} → {result.exit_code}\n{result.stderr}"
        assert result.exit_code == 0, said
        if reads_a_view(args):
            assert said_beside(result.stderr) == behind(args, 1), said
            expected = answers[tuple(a if a != str(theirs) else str(mine) for a in args)]
            assert result.stdout == expected.replace(str(mine), str(theirs)), said
        else:
            assert said_beside(result.stderr) == "", said
    assert same_but_events_after_anchor(theirs.read_text(encoding="utf-8")) == (
        same_but_events_after_anchor(mine.read_text(encoding="utf-8"))
    )
    assert (tables_and_positions(ws), ws.event_count()) == before

    # Writing is refused in one line: what was wrong, what is allowed.
    for args in (
        ["unit", "add", "丙局", "--category", "党政机关"],
        ["projections", "rebuild", "scores"],
    ):
        result = run(env, args)
        assert result.exit_code == 6, result.output
        assert result.output.count("\n") == 1 and "没有所需的权限" in result.output
        assert "查看类命令照常可用" in result.output
    assert (tables_and_positions(ws), ws.event_count()) == before


# ---- a read-only SQLite file, as another user -----------------------------------------------


def _as_user() -> list[str] | None:
    """How to run a process as a user the file modes apply to (root ignores them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import pdca_cli"], check=False)
    return prefix if probe.returncode == 0 else None


@pytest.fixture
def shared_copy(sqlite_workspace: Workspace) -> Iterator[tuple[Workspace, Path, str, str]]:
    """The workspace after a demo year, copied where another user can read it."""
    ws = sqlite_workspace
    cycle, item = demo_year(ws)
    ws.ok("unit", "add", "后来的单位", "--category", "党政机关")
    base = Path(tempfile.mkdtemp(prefix="pdca-ro-"))
    os.chmod(base, 0o755)
    copy = base / "ws"
    shutil.copytree(ws.root, copy)
    try:
        yield ws, copy, cycle, item
    finally:
        for path in (base, *base.rglob("*")):
            if path.is_dir():
                os.chmod(path, 0o755)
        shutil.rmtree(base)


def _read_only(root: Path, folder_writable: bool) -> None:
    for path in (root, *root.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o444)
    if folder_writable:
        os.chmod(root, 0o777)


@pytest.mark.parametrize("folder_writable", [False, True], ids=["folder-read-only", "file-only"])
def test_a_read_only_sqlite_file_serves_every_read_command(
    shared_copy: tuple[Workspace, Path, str, str], folder_writable: bool
) -> None:
    prefix = _as_user()
    if prefix is None:
        pytest.skip("no way here to run a process as a user file modes apply to")
    ws, copy, cycle, item = shared_copy
    out = copy.parent / "out"
    out.mkdir(mode=0o777)
    os.chmod(out, 0o777)
    answers = {}
    for args in read_commands(cycle, item, out / "mine.html", copy):
        if reads_a_view(args):
            answers[tuple(args)] = run({**ws.env, "PDCA_WORKSPACE": str(copy)}, args).stdout
    # The copy's views were caught up by those reads; one event after them, then lock it.
    run({**ws.env, "PDCA_WORKSPACE": str(copy)}, ["unit", "add", "丁局", "--category", "党政机关"])
    database = copy / "pdca.sqlite3"
    stored = database.read_bytes()
    _read_only(copy, folder_writable)
    env = {**os.environ, **ws.env, "PDCA_WORKSPACE": str(copy), "PDCA_DB": ""}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["HOME"] = str(out)  # the other user's own home (matplotlib keeps its cache there)

    def pdca(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, PDCA, *args], env=env, cwd=out, capture_output=True, text=True, timeout=120
        )

    commands = read_commands(cycle, item, out / "theirs.html", copy)
    if folder_writable:  # the other way to open it: enough to show it reads and refuses
        commands = [a for a in commands if a[0] in ("unit", "ranking", "history", "view")]
    for args in commands:
        done = pdca(*args)
        said = f"pdca {' '.join(args)} → {done.returncode}\n{done.stderr}"
        assert done.returncode == 0, said
        if reads_a_view(args):
            assert said_beside(done.stderr) == behind(args, 1, 2), said
            mine = [a.replace("theirs.html", "mine.html") for a in args]
            expected = answers[tuple(mine)].replace("mine.html", "theirs.html")
            # The report's charts are drawn with the fonts each user's matplotlib finds.
            assert KB.sub("KB", done.stdout) == KB.sub("KB", expected), said
        else:
            assert said_beside(done.stderr) == "", said
    refused = pdca("unit", "add", "戊局", "--category", "党政机关")
    assert refused.returncode == 6
    assert refused.stderr.count("\n") == 1 and "只读" in refused.stderr, refused.stderr
    assert refused.stderr.startswith(f"错误：数据库 {database} 只读")
    assert database.read_bytes() == stored
    mode = os.stat(database).st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


# ---- a read-only file system ------------------------------------------------------------------

_RUN_ALL = """
import json, subprocess, sys
pdca, commands = sys.argv[1], json.loads(sys.argv[2])
out = []
for args in commands:
    done = subprocess.run([pdca, *args], capture_output=True, text=True, timeout=120)
    out.append([args, done.returncode, done.stdout, done.stderr])
print(json.dumps(out))
"""


def test_a_workspace_on_a_read_only_file_system_reads_and_refuses_writes_in_one_line(
    shared_copy: tuple[Workspace, Path, str, str],
) -> None:
    # A bind mount remounted read-only, in a mount namespace of the test's own: EROFS for
    # every user, root included, and nothing outside the test sees it.
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rm", "true"], check=False).returncode:
        pytest.skip("no mount namespace here to make a read-only file system in")
    ws, copy, cycle, item = shared_copy
    out = copy.parent / "out"
    out.mkdir()
    commands = read_commands(cycle, item, out / "report.html", copy)
    writes = [
        ["unit", "add", "戊局", "--category", "党政机关"],
        ["report", "2024", "--today", TODAY],  # report-2024.html in the read-only folder
        ["export", "scores", "2024", "-o", "成绩.csv"],
        ["projections", "new", "my_view"],
        ["projections", "run"],
        ["account", "add", "zhangsan", "--role", "admin"],
    ]
    # init on a workspace that has everything already changes nothing, and says it is ready.
    commands.append(["init", str(copy)])
    script = (
        f"mount --bind '{copy}' '{copy}' && mount -o remount,bind,ro '{copy}' '{copy}' && "
        f'cd \'{copy}\' && exec \'{sys.executable}\' -c "$0" "$1" "$2"'
    )
    env = {**os.environ, **ws.env, "PDCA_WORKSPACE": str(copy), "PDCA_DB": "", "HOME": str(out)}
    done = subprocess.run(
        [unshare, "-rm", "sh", "-c", script, _RUN_ALL, PDCA, json.dumps(commands + writes)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for args, code, stdout, stderr in json.loads(done.stdout):
        said = f"pdca {' '.join(args)} → {code}\n{stdout}{stderr}"
        assert "Traceback" not in stdout + stderr and code != 9, said
        if args in writes:
            assert code == 6, said
            line = said_beside(stderr)
            assert line.count("\n") == 1 and line.startswith("错误："), said
            assert "只读" in stderr, said
        else:
            assert code == 0, said
            if reads_a_view(args):
                assert said_beside(stderr) == behind(args, 1), said
    assert not list(copy.rglob("*.csv")) and not list(copy.rglob("*.html"))


# ---- a database never initialised ------------------------------------------------------------


def test_reads_on_a_database_never_initialised_create_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    if ws.backend == "sqlite":
        empty = tmp_path / "empty.sqlite3"
        empty.touch()
        url = f"sqlite:///{empty}"
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with _pg_connect() as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{ws.db_url.split('?')[0]}?schema={schema}"
    env = {**ws.env, "PDCA_DB": url}
    try:
        for args in (
            ["unit", "list"],
            ["cycle", "list"],
            ["ranking", "2024"],
            ["view", "scores"],
            ["projections", "status"],
            ["verify"],
            ["unit", "add", "甲局", "--category", "党政机关"],
        ):
            result = run(env, args)
            assert result.exit_code == 6, result.output
            assert result.output.count("\n") == 1 and "未初始化" in result.output
            assert "先运行：pdca init" in result.output
        if ws.backend == "sqlite":
            import sqlite3

            with sqlite3.connect(empty) as conn:
                assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []
        else:
            with _pg_connect() as conn:
                found = conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (schema,),
                ).fetchall()
            assert found == []
    finally:
        if ws.backend == "postgresql":
            with _pg_connect() as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# ---- a view whose definition changed ---------------------------------------------------------


def test_a_read_serves_a_view_whose_version_changed_and_never_resets_it(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.projections.catalog import Catalog

    ws = workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    assert "甲局" in ws.ok("unit", "list").output
    ws.ok("unit", "add", "乙局", "--category", "党政机关")
    monkeypatch.setattr(Catalog, "version", Catalog.version + 1)
    before = tables_and_positions(ws)
    result = ws.run("unit", "list")
    assert result.exit_code == 0
    # The old table as it stands (乙局 not yet in it), and what to do about it.
    assert "甲局" in result.stdout and "乙局" not in result.stdout
    assert result.stderr == (
        f"视图 catalog 的定义已更新（版本 {Catalog.version - 1} → {Catalog.version}），"
        "尚未重建，所示为旧版视图的内容；管理员运行：pdca projections rebuild catalog\n"
    )
    assert tables_and_positions(ws) == before
    # The admin's rebuild is what re-creates it.
    ws.ok("projections", "rebuild", "catalog")
    result = ws.run("unit", "list")
    assert "乙局" in result.stdout and result.stderr == ""


def test_an_admin_view_whose_columns_changed_is_refused_until_rebuilt(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    path = ws.root / "projections" / "unit_names.py"
    template = (
        "from pdca.projections.api import Projection, handles\n"
        "from sqlalchemy import Column, MetaData, String, Table\n"
        "t = Table('unit_names', MetaData(), Column('name', String(200), primary_key=True){extra})\n"
        "class UnitNames(Projection):\n"
        "    name = 'unit_names'\n"
        "    version = {version}\n"
        "    tables = (t,)\n"
        "    @handles('Unit.Registered')\n"
        "    def f(self, fact, batch):\n"
        "        batch.put(t, {{'name': fact['name']{value}}})\n"
    )
    path.write_text(template.format(extra="", version=1, value=""), encoding="utf-8")
    ws.ok("projections", "register")
    # Never built: a read says so and creates nothing.
    line = ws.refused("view", "unit_names")
    assert line == (
        "错误：视图 unit_names 尚未建立（数据库中没有它的表）；"
        "管理员运行：pdca projections rebuild unit_names"
    )
    assert ws.sql("SELECT name FROM sqlite_master WHERE name = 'unit_names'") == []
    ws.ok("projections", "rebuild", "unit_names")
    assert json.loads(ws.ok("view", "unit_names", "--json").output) == [{"name": "甲局"}]
    extra, value = ", Column('grid', String(200))", ", 'grid': '—'"
    path.write_text(template.format(extra=extra, version=2, value=value), encoding="utf-8")
    ws.ok("projections", "register")
    line = ws.refused("view", "unit_names")
    assert line == (
        "错误：视图 unit_names 的定义已更新（版本 1 → 2），旧表无法按新定义读取；"
        "管理员运行：pdca projections rebuild unit_names"
    )
    columns = ws.sql("SELECT name FROM pragma_table_info('unit_names')")
    assert columns == [("name",)]  # the read did not re-create it
    ws.ok("projections", "run", "unit_names")  # the admin's run rebuilds a changed view
    assert json.loads(ws.ok("view", "unit_names", "--json").output) == [
        {"name": "甲局", "grid": "—"}
    ]

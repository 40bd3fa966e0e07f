"""Admin projections through the CLI: a new one from the template, views, refusals."""

from __future__ import annotations

import json

from tests.conftest import Workspace

A, B = "甲局/2024", "乙局/2024"


def _two_units_with_findings(ws: Workspace) -> None:
    for unit, cycle in (("甲局", A), ("乙局", B)):
        ws.ok("unit", "add", unit, "--category", "党政机关", "--grid", "第一片")
        ws.ok("cycle", "open", unit, "2024", "--scheme", "jilin")
        ws.ok("task", "add", cycle, "任务", "--deadline", "2024-06-30")
        ws.ok("task", "publish", cycle)
        ws.ok("cycle", "advance", cycle, "start_do")
    for cycle, evidence in ((A, "迟到"), (A, "缺席"), (B, "未报")):
        ws.ok(
            "finding", "record", cycle, "--source", "暗访", "--indicator", "discipline",
            "--points", "-1", "--observed-on", "2024-05-06", "--evidence", evidence,
        )  # fmt: skip


def test_a_new_projection_plus_a_few_lines_rebuilds_and_is_viewable(workspace: Workspace) -> None:
    _two_units_with_findings(workspace)
    workspace.ok("projections", "new", "unit_findings")
    path = workspace.root / "projections" / "unit_findings.py"
    text = path.read_text(encoding="utf-8")
    # The admin's few lines: a column, its starting value, and a handler.
    text = text.replace(
        '    Column("cycles", Integer, nullable=False, comment="考核周期数"),\n',
        '    Column("cycles", Integer, nullable=False, comment="考核周期数"),\n'
        '    Column("findings", Integer, nullable=False, comment="督查发现数"),\n',
    )
    text = text.replace('"cycles": 0}', '"cycles": 0, "findings": 0}')
    text = text.replace(
        "    # 需要一个周期的全部事实",
        '    @handles("Cycle.FindingRecorded")\n'
        "    def finding_recorded(self, fact: Fact, batch: Batch) -> None:\n"
        "        unit = batch.cycle(fact).unit\n"
        "        row = batch.get(unit_findings, unit)\n"
        '        batch.update(unit_findings, unit, findings=row["findings"] + 1)\n\n'
        "    # 需要一个周期的全部事实",
    )
    path.write_text(text, encoding="utf-8")

    # The edited file is not the one `new` registered: nothing runs it until the admin
    # registers the folder again.
    line = workspace.refused("projections", "rebuild", "unit_findings")
    assert "投影文件 projections/unit_findings.py 已修改" in line
    assert "pdca projections register" in line
    workspace.ok("projections", "register")
    workspace.ok("projections", "rebuild", "unit_findings")
    listed = json.loads(workspace.ok("projections", "list", "--json").output)
    mine = next(p for p in listed if p["name"] == "unit_findings")
    assert mine["source"] == "projections/unit_findings.py"
    rows = json.loads(workspace.ok("view", "unit_findings", "--json").output)
    assert [(r["unit"], r["cycles"], r["findings"]) for r in rows] == [
        ("乙局", 1, 1),
        ("甲局", 1, 2),
    ]
    shown = workspace.ok("view", "unit_findings", "--where", "unit=甲局").output
    assert "督查发现数" in shown and "乙局" not in shown

    # A later finding: a read never runs the admin's code, so the view says it is
    # behind; the admin's run (or the worker) brings it up.
    workspace.ok(
        "finding", "record", B, "--source", "督查", "--indicator", "discipline",
        "--points", "-1", "--observed-on", "2024-05-07", "--evidence", "再次未报",
    )  # fmt: skip
    read = workspace.ok("view", "unit_findings", "--where", "unit=乙局", "--json")
    assert json.loads(read.stdout)[0]["findings"] == 1
    assert "视图 unit_findings 落后 1 个事件" in read.stderr
    workspace.ok("projections", "run", "unit_findings")
    rows = json.loads(
        workspace.ok("view", "unit_findings", "--where", "unit=乙局", "--json").output
    )
    assert rows[0]["findings"] == 2
    status = {
        s["name"]: s for s in json.loads(workspace.ok("projections", "status", "--json").output)
    }
    assert status["unit_findings"]["lag"] == 0
    assert status["unit_findings"]["position"] == workspace.event_count()


def test_refusals_name_the_problem_and_write_nothing(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    folder = ws.root / "projections"
    before = sorted(p.name for p in folder.iterdir())
    assert "小写字母开头" in ws.refused("projections", "new", "Bad-Name")
    assert "已存在" in ws.refused("projections", "new", "grid_ranking")
    assert sorted(p.name for p in folder.iterdir()) == before
    assert "没有名为 nope 的投影或表" in ws.refused("view", "nope")
    assert "没有列 'colour'" in ws.refused("view", "scores", "--where", "colour=red")
    assert "不是整数" in ws.refused("view", "grid_ranking", "--where", "grid_rank=first")
    assert "有多张表" in ws.refused("view", "catalog")
    assert "--all" in ws.refused("projections", "rebuild")
    assert "没有名为 nope 的投影" in ws.refused("projections", "run", "nope")


def test_a_broken_admin_file_is_named_and_does_not_stop_the_built_in_views(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    (ws.root / "projections" / "broken.py").write_text("def oops(:\n", encoding="utf-8")
    # A read never imports the file: the list answers, from what was recorded.
    assert "grid_ranking" in ws.ok("projections", "list").output
    # The admin's run refuses the unregistered file before importing anything ...
    line = ws.refused("projections", "run")
    assert "投影文件 projections/broken.py 新增，未经管理员登记" in line
    # ... and registering checks it first, naming the file; nothing is recorded.
    line = ws.refused("projections", "register")
    assert "投影文件 broken.py 导入出错：SyntaxError" in line
    assert ws.run("projections", "register").exit_code == 5
    # The built-in views never load the admin's files.
    assert "甲局" in ws.ok("view", "catalog_units").output
    (ws.root / "projections" / "broken.py").write_text(
        "from pdca.projections.api import Projection, handles\n"
        "from sqlalchemy import Column, MetaData, String, Table\n"
        "t = Table('oops', MetaData(), Column('k', String, primary_key=True))\n"
        "class Oops(Projection):\n"
        "    name = 'oops'\n"
        "    tables = (t,)\n"
        "    @handles('Cycle.Finding')\n"
        "    def f(self, fact, batch): ...\n",
        encoding="utf-8",
    )
    assert "未知事件类型 Cycle.Finding" in ws.refused("projections", "register")


def test_a_handler_error_is_recorded_rolled_back_and_reported(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    (ws.root / "projections" / "fails.py").write_text(
        "from pdca.projections.api import Projection, handles\n"
        "from sqlalchemy import Column, MetaData, String, Table\n"
        "t = Table('fails', MetaData(), Column('k', String, primary_key=True))\n"
        "class Fails(Projection):\n"
        "    name = 'fails'\n"
        "    tables = (t,)\n"
        "    @handles('Unit.Registered')\n"
        "    def f(self, fact, batch):\n"
        "        batch.put(t, {'k': fact['name']})\n"
        "        raise ValueError('无法处理 ' + fact['name'])\n",
        encoding="utf-8",
    )
    ws.ok("projections", "register")
    line = ws.refused("projections", "run", "fails")
    # The projection's own file and line, not only the exception.
    assert (
        "投影 fails 在事件 1（Unit.Registered）处出错：projections/fails.py 第 10 行："
        "ValueError 无法处理 甲局"
    ) in line
    assert "位置未变" in line
    status = {s["name"]: s for s in json.loads(ws.ok("projections", "status", "--json").output)}
    assert status["fails"]["position"] == 0
    assert "ValueError" in status["fails"]["last_error"]
    assert ws.sql("SELECT count(*) FROM fails") == [(0,)]  # the batch's row was rolled back

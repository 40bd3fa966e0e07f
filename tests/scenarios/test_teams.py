"""Issue 14 item 11 through the CLI: the seeds' teams, taken from the schemes into
accounts (``pdca account team ID --scheme S``) and used by supervisors' scopes.

Seed passages exercised:
- 001 (吉林): 「將下轄的133個單位按照黨政機關、中直單位、群團組織、企事業單位分類劃片,4位分管
  副書記分頭扎進基層」 — a supervisor of one 片 records for that 片's units only.
- 003 (甘肃): 「组成了11个考核组」 and 「结果审定」 — the 考核组 that assessed a unit does not
  approve its result (the sub-stage's ``approver_outside_team``).
Every refusal is one 错误 line and writes nothing (``ws.refused`` counts the events).
"""

from __future__ import annotations

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import advance, js

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py


def _supervisors(ws: Workspace) -> None:
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "lisi", "--person", "督查组-李四", "--role", "supervisor")


def test_a_supervisor_of_one_jilin_pian_is_refused_on_another_pians_unit(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("unit", "add", "市税务局", "--category", "中直单位")
    _supervisors(ws)
    team = js(ws, "account", "team", "deputy_1", "--scheme", "jilin")
    # The 党政机关 片 takes in the registered 党政机关 units, by the scheme's label.
    assert team == {"name": "第一副书记片", "units": ["市财政局"], "grids": []}
    ws.ok("account", "scope", "lisi", "--team", "第一副书记片")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin", principal="lisi")
    before = ws.event_count()
    result = ws.run("cycle", "open", "市税务局", "2024", "--scheme", "jilin", principal="lisi")
    assert result.exit_code != 0 and ws.event_count() == before
    assert result.output.strip() == (
        "错误：操作人 督查组-李四（督查员，范围：第一副书记片）只能在其范围内记录；"
        "pdca cycle open 涉及 市税务局，未记录"
    )


def test_gansu_approval_by_someone_outside_the_units_kaohezu(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", "省财政厅", "--category", "党政机关", "--grid", "第三考核片")
    _supervisors(ws)
    shown = ws.ok("scheme", "show", "gansu").output
    assert "group_03  第三考核组    第三考核片    —" in shown
    team = js(ws, "account", "team", "第三考核组", "--scheme", "gansu")
    assert team == {"name": "第三考核组", "units": [], "grids": ["第三考核片"]}
    ws.ok("account", "scope", "lisi", "--team", "第三考核组")
    cycle = "省财政厅/2017"
    ws.ok("cycle", "open", "省财政厅", "2017", "--scheme", "gansu")
    ws.ok("task", "add", cycle, "重点任务1", "--deadline", "2017-06-30")
    ws.ok("task", "publish", cycle)
    stages = ["start_do", "start_self_check", "start_on_site", "start_summary", "start_approval"]
    assert advance(ws, cycle, *stages) == "act.approval"
    before = ws.event_count()
    refused = ws.run("cycle", "advance", cycle, "close", principal="lisi")
    assert refused.exit_code != 0 and ws.event_count() == before
    assert refused.output.strip() == (
        "错误：处理·结果审定须由考核组以外的人审定；督查组-李四 属于考核组 第三考核组"
        "（考核 省财政厅），未记录"
    )
    assert advance(ws, cycle, "close") == "closed"


def test_a_scheme_team_used_wrongly_is_refused(workspace: Workspace) -> None:
    ws = workspace
    _supervisors(ws)
    line = ws.refused("account", "team", "第十二考核组", "--scheme", "gansu")
    assert line.startswith("错误：方案 gansu 没有督查组 第十二考核组；可用：group_01（第一考核组）")
    line = ws.refused("account", "team", "group_01", "--scheme", "gansu", "--grid", "第一片")
    assert line == "错误：--scheme 的督查组取自方案，不能再加 --unit/--grid"
    line = ws.refused("account", "team", "x", "--scheme", "soe")
    assert line == "错误：方案 soe 没有督查组 x；该方案未定义督查组（[[teams]]）"
    # A 片 of categories with no unit registered yet would cover nothing: refused.
    line = ws.refused("account", "team", "deputy_4", "--scheme", "jilin")
    assert line == (
        "错误：方案 jilin 的督查组 第四副书记片 只按单位类别 企事业单位 组成，"
        "但尚无该类别的单位；请先登记单位（pdca unit add）"
    )

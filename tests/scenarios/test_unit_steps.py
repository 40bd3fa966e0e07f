"""The unit's own steps (issue 14 item 5), through the CLI on SQLite and PostgreSQL.

Seed passages exercised:
- 吉林 (001): 「4位分管副書記分頭扎進基層,實地參加述職評議會」 — the unit's 述职报告,
  required before the round is finalised; 「某單位一把手帶領班子成員…“討說法”」 — an appeal
  of the published score and its decision are recorded; upheld, it is followed by a
  correction and ``round finalize --reason``.
- 南通 (004): 「按照“一單位一品牌,一支部一特色”要求申报创新创优项目」 with the 工委's
  approval — innovation points count only for a declared and approved target.
- 甘肃 (003): 「筹备自查、实地考核、考核汇总、结果审定4个阶段」 — the 自查 is the one thing
  recorded in 筹备自查 (the sub-stage's ``records`` binding).

Staff accounts are scoped to one unit: a staff member of another unit is refused and
nothing is written; staff may not approve or decide.

Hand arithmetic (workflows/jilin.toml: ballots 40 / ledger 30 / tasks 30, 0.01 half-up):
- 市财政局: ten 党员群众 ballots of 90, trimmed of one highest and one lowest → mean 90,
  the only group voting → ballots 90 × 40% = 36. Ledger: 纪律性 25 − 10 = 15, the other
  three dimensions 25 each → 90 of 100 × 30% = 27. Tasks 2 × 优 (1.0) → 100 × 30% = 30.
  Total 36 + 27 + 30 = 93.00. The appeal upheld, the finding withdrawn: ledger 100 × 30%
  = 30 → 36 + 30 + 30 = 96.00.
- 市水务局: the same without the finding: 36 + 30 + 30 = 96.00.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import Workspace
from tests.scenarios._year import advance, ballots, js, open_with_tasks, scores

FIN, WATER = "市财政局/2024", "市水务局/2024"
JILIN_ITEMS = {"duty": 20, "report": 20, "answers": 20, "daily_work": 20, "rectification": 20}
REPORT = ("--text", "2024年度抓党建述职报告", "--evidence", "述职材料")


def refused(ws: Workspace, *args: str, principal: str | None = None) -> str:
    """One ``错误：`` line, a non-zero exit, and not one event written."""
    before = ws.event_count()
    result = ws.run(*args, principal=principal)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0, (args, result.output)
    assert len(lines) == 1 and lines[0].startswith("错误："), result.output
    assert "Traceback" not in result.output
    assert ws.event_count() == before
    return lines[0]


def accounts(ws: Workspace, *staff: tuple[str, str]) -> None:
    """The owner (a supervisor) and one staff login per (login, unit)."""
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    for login, unit in staff:
        ws.ok("account", "add", login, "--person", f"{unit}-填报员", "--role", "staff",
              "--unit", unit)  # fmt: skip


def jilin_year(ws: Workspace, unit: str, finding: bool) -> str:
    cycle = open_with_tasks(ws, unit, "党政机关", "2024", "jilin")
    advance(ws, cycle, "start_do")
    for n in ("1", "2"):
        ws.ok("task", "complete", cycle, n, "--quality", "优")
    if finding:
        ws.ok("finding", "record", cycle, "--source", "暗访", "--indicator", "discipline",
              "--points", "-10", "--observed-on", "2024-05-12", "--evidence", "工作时间网购")  # fmt: skip
    return cycle


def total(ws: Workspace, cycle: str) -> Decimal:
    return Decimal(js(ws, "explain", cycle)["total"])


def test_jilin_report_required_scoped_to_the_unit_and_an_upheld_appeal(
    workspace: Workspace,
) -> None:
    ws = workspace
    fin = jilin_year(ws, "市财政局", finding=True)
    water = jilin_year(ws, "市水务局", finding=False)
    accounts(ws, ("caiwu", "市财政局"), ("shuiwu", "市水务局"))

    # Not yet: the report belongs to 督查 (处理 only as a late 补记).
    line = refused(ws, "step", "record", fin, "report", *REPORT, principal="caiwu")
    assert "当前阶段为执行，不能提交述职报告；只能在督查提交" in line
    for cycle in (fin, water):
        advance(ws, cycle, "start_check")
        ballots(ws, cycle, JILIN_ITEMS, {"masses": [90] * 10})

    # Staff of another unit: refused, nothing written.
    line = refused(ws, "step", "record", fin, "report", *REPORT, principal="shuiwu")
    assert "只能为本单位填报" in line and "市财政局" in line
    # The unit's own staff: recorded, as its person.
    ws.ok("step", "record", fin, "report", *REPORT, principal="caiwu")
    line = refused(ws, "step", "record", fin, "report", *REPORT, principal="caiwu")
    assert "已提交述职报告" in line
    last = js(ws, "history", fin)[-1]
    assert (last["type"], last["actor"]) == ("UnitStepRecorded", "市财政局-填报员")
    assert "述职报告（report）：2024年度抓党建述职报告" in last["summary"]

    # 市水务局 has not reported: finalize refuses, naming the step and the unit only.
    for cycle in (fin, water):
        advance(ws, cycle, "start_act")
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    line = refused(ws, "round", "finalize", "2024")
    assert "有 1 个周期不完整" in line
    assert "市水务局/2024（单位步骤 述职报告（report）单位尚未提交）" in line
    assert "市财政局/2024" not in line
    # The score itself stands (the step scores nothing): 36 + 30 + 30.
    assert total(ws, water) == Decimal("36") + Decimal("30") + Decimal("30")
    ws.ok("step", "record", water, "report", *REPORT, principal="shuiwu")  # 补记 in 处理
    ws.ok("round", "finalize", "2024")
    assert total(ws, fin) == Decimal("36") + Decimal("27") + Decimal("30")  # 93.00

    # 申诉 of the published score: not for another unit's staff; staff may not decide.
    appeal = ("appeal", "lodge", fin, "--reason", "暗访日期有误", "--evidence", "考勤表2024-05")
    assert "只能为本单位填报" in refused(ws, *appeal, principal="shuiwu")
    ws.ok(*appeal, principal="caiwu")
    assert "已有未决申诉" in refused(ws, *appeal, principal="caiwu")
    decide = ("appeal", "decide", fin, "--uphold", "--reason", "经核实暗访日期记错")
    assert "无权执行 pdca appeal decide" in refused(ws, *decide, principal="caiwu")
    ws.ok(*decide)
    # Upheld: the correction, then re-finalising with a reason (today's path).
    history = js(ws, "history", fin)
    finding = next(e for e in history if e["type"] == "FindingRecorded")["position"]
    assert [e["type"] for e in history[-2:]] == ["AppealLodged", "AppealDecided"]
    ws.ok("correct", "withdraw", fin, str(finding), "--reason", "申诉复核支持")
    assert "必须写明理由" in refused(ws, "round", "finalize", "2024")
    ws.ok("round", "finalize", "2024", "--reason", "申诉复核支持，撤回误记的暗访记录")
    explained = js(ws, "explain", fin)
    assert Decimal(explained["total"]) == Decimal("36") + Decimal("30") + Decimal("30")
    assert Decimal(explained["outcome"]["total"]) == Decimal("96.00")
    (appealed,) = explained["appeals"]
    assert appealed["upheld"] is True and appealed["lodged"]["actor"] == "市财政局-填报员"
    assert appealed["decided"]["actor"] == ws.actor
    text = ws.ok("explain", fin).output
    assert "申诉（第" in text and "复核支持" in text and "经核实暗访日期记错" in text
    assert "述职报告（report）" in text and "已提交" in text


def test_nantong_innovation_counts_only_for_a_declared_and_approved_target(
    workspace: Workspace,
) -> None:
    ws = workspace
    approved = open_with_tasks(ws, "市发改委", "党政机关", "2024", "nantong")
    rejected = open_with_tasks(ws, "市商务局", "党政机关", "2024", "nantong")
    accounts(ws, ("fagai", "市发改委"))
    declare = ("--text", "创新目标：一单位一品牌", "--evidence", "申报表")
    ws.ok("step", "record", approved, "key_targets", *declare, principal="fagai")
    review = ("step", "review", approved, "key_targets", "--approve", "--reason", "符合中心工作")
    assert "无权执行 pdca step review" in refused(ws, *review, principal="fagai")
    assert "只能为本单位填报" in refused(
        ws, "step", "record", rejected, "key_targets", *declare, principal="fagai"
    )
    ws.ok(*review)
    ws.ok("step", "record", rejected, "key_targets", *declare)  # entered by the 工委
    ws.ok("step", "review", rejected, "key_targets", "--reject", "--reason", "未体现中心工作")
    for cycle in (approved, rejected):
        assert advance(ws, cycle, "start_do", "start_peer", "start_leader", "start_review") == (
            "check.review"
        )
        # Declaring belongs to 重点目标申报 (plan), not to 集中阅评.
        assert "只能在重点目标申报提交" in refused(
            ws, "step", "record", cycle, "key_targets", *declare
        )
        scores(ws, cycle, {"i_brand": "3", "i_mechanism": "2"})
    # Declared and approved: 3 + 2 = 5, within the bonus cap of 5.
    assert Decimal(js(ws, "explain", approved)["bonus"]) == Decimal("3") + Decimal("2")
    # Declared, not approved: the same scores count 0, and explain says why.
    out = js(ws, "explain", rejected)
    assert Decimal(out["bonus"]) == 0
    notes = [n["note"] for n in _walk(out["tree"]) if n["label"].endswith("（i_brand）")]
    assert any("单位步骤 key_targets 未完成或未获批准，本项不计分" in n for n in notes), notes
    steps = next(n for n in _walk(out["tree"]) if n["label"] == "重点目标申报（key_targets）")
    assert steps["note"] == "未获批准，须重新提交"


def test_gansu_self_check_is_what_its_sub_stage_records(workspace: Workspace) -> None:
    ws = workspace
    cycle = open_with_tasks(ws, "省财政厅", "党政机关", "2017", "gansu", tasks=1)
    assert advance(ws, cycle, "start_do", "start_self_check") == "check.self_check"
    line = refused(ws, "score", "record", cycle, "sc_integration", "2", "--evidence", "x")
    assert "本阶段只能记录：单位步骤 筹备自查（self_check）" in line
    ws.ok("step", "record", cycle, "self_check", "--text", "自查报告", "--evidence", "印证资料")
    assert advance(ws, cycle, "start_on_site") == "check.on_site"


def test_a_scheme_using_unit_steps_wrongly_is_refused_with_file_and_key(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    text = (Path(__file__).parents[2] / "workflows" / "nantong.toml").read_text(encoding="utf-8")
    cases = {
        "unit_steps[0].stage": text.replace('stage = "plan"', 'stage = "check.nowhere"'),
        "requires_step": text.replace('requires_step = "key_targets"', 'requires_step = "nope"', 1),
        "unit_steps[0].kind": text.replace('kind = "declaration"', 'kind = "promise"'),
        "workflow.stages[2].substages[0].records[0]": text.replace(
            'records = ["ballots:peer_units"]', 'records = ["steps:nope"]'
        ),
        "format = 3": text.replace("format = 3", "format = 2", 1),
    }
    for key, broken in cases.items():
        path = tmp_path / "broken.toml"
        path.write_text(broken, encoding="utf-8")
        line = refused(ws, "scheme", "validate", str(path))
        assert str(path) in line, line
        if key == "format = 3":
            assert "unit_steps: 此键属于方案格式 3" in line, line
        else:
            assert key in line, line


def _walk(node: dict) -> list[dict]:
    return [node, *(n for c in node.get("children", []) for n in _walk(c))]


def test_scheme_show_lists_the_steps(sqlite_workspace: Workspace) -> None:
    shown = json.loads(sqlite_workspace.ok("scheme", "show", "nantong", "--json").output)
    assert shown["unit_steps"] == [
        {
            "id": "key_targets",
            "label": "重点目标申报",
            "kind": "declaration",
            "stage": "plan",
            "stage_label": "重点目标申报",
            "required": True,
            "approval": True,
        }
    ]

"""Corrections users need (issue 12, item 6): ``rectify extend --today``, ``round
list/show``, ``round finalize --dry-run``, ``unit edit`` with rename aliases, ``cycle void``."""

from __future__ import annotations

import json
from datetime import date

from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from tests._round import ACTOR, _ballots, acting, record_round_in
from tests.conftest import Workspace
from tests.scenarios.test_rectification import CYCLE, OWNER, in_check_with_a_finding, order


def test_rectify_extend_records_the_day_given_by_today(workspace: Workspace) -> None:
    ws = workspace
    in_check_with_a_finding(ws)
    item = order(ws, "2025-03-31")
    ws.ok(
        "rectify",
        "extend",
        item,
        "--due",
        "2025-06-30",
        "--reason",
        "涉及机构改革",
        "--today",
        "2025-03-20",
    )
    history = json.loads(ws.ok("rectify", "show", item, "--json").output)["history"]
    extended = [e for e in history if e["type"] == "DeadlineExtended"]
    assert [e["detail"]["on"] for e in extended] == ["2025-03-20"]
    assert extended[0]["detail"]["due"] == "2025-06-30"
    # A malformed day is refused like on the other rectify commands, nothing recorded.
    ws.refused("rectify", "extend", item, "--due", "2025-07-30", "--reason", "r", "--today", "x")


def _withdraw_jia_discipline(ws: Workspace) -> None:
    """甲局's 纪律性 −25 withdrawn: ledger 22.5 + 25 + 25 + 25 = 97.5 × 30% = 29.25, so
    38.00 + 29.25 + 30.00 = 97.25 → 好, above 乙局's 96.00: rank 1 and the one 一档 place."""
    history = json.loads(ws.ok("history", "甲局/2024", "--json").output)
    first_finding = next(e["position"] for e in history if e["type"] == "FindingRecorded")
    ws.ok("correct", "withdraw", "甲局/2024", str(first_finding), "--reason", "复核：查无此事")


def test_round_finalize_dry_run_lists_who_would_move_and_records_nothing(
    workspace: Workspace,
) -> None:
    ws = workspace
    record_round_in(ws)
    _withdraw_jia_discipline(ws)
    before = ws.event_count()
    out = ws.ok("round", "finalize", "2024", "--dry-run", "--json").output
    assert ws.event_count() == before
    preview = json.loads(out)
    assert (preview["recorded"], preview["dry_run"], preview["published"]) == (False, True, True)
    moved = {(c["cycle"], c["field"]): (c["before"], c["after"]) for c in preview["changes"]}
    assert moved == {
        ("甲局/2024", "total"): ("89.75", "97.25"),
        ("甲局/2024", "rank"): (2, 1),
        ("甲局/2024", "grade"): ("较好", "好"),
        ("甲局/2024", "tier"): ("二档", "一档"),
        ("乙局/2024", "rank"): (1, 2),
        ("乙局/2024", "tier"): ("一档", "二档"),
    }
    text = ws.ok("round", "finalize", "2024", "--dry-run").output
    assert text.startswith("预览（未记录）：2024（方案 jilin），2 个单位")
    assert "97.25" in text and "若重新定稿" in text
    assert ws.event_count() == before
    # Without --reason a real re-finalisation is still refused, and records the same diff.
    assert "必须写明理由" in ws.refused("round", "finalize", "2024")
    recorded = json.loads(
        ws.ok("round", "finalize", "2024", "--reason", "撤回误记", "--json").output
    )
    assert recorded["changes"] == preview["changes"]


def test_round_list_and_show(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("round", "open", "2025", "--scheme", "jilin")
    record_round_in(ws)
    rounds = json.loads(ws.ok("round", "list", "--json").output)
    assert [(r["period"], r["scheme"]) for r in rounds] == [("2024", "jilin"), ("2025", "jilin")]
    done, empty = rounds
    # Both 2024 cycles stand in 处理 (act); one finalisation published both units.
    assert (done["cycles"], done["stages"], done["published"]) == (2, {"act": 2}, True)
    assert (done["published_by"], done["finalisations"], done["units"]) == (ACTOR, 1, 2)
    assert done["published_at"] is not None
    assert (empty["cycles"], empty["stages"], empty["published"], empty["units"]) == (
        0,
        {},
        False,
        None,
    )
    table = ws.ok("round", "list").output
    assert "考核期" in table and "act 2" in table
    shown = json.loads(ws.ok("round", "show", "2024", "--json").output)
    assert {o["unit"]: o["total"] for o in shown["outcomes"]} == {"甲局": "89.75", "乙局": "96.00"}
    assert shown["changes"] == [] and shown["published"] is True
    text = ws.ok("round", "show", "2024", "--scheme", "jilin").output
    assert "最近一次发布的结果（2 个单位）" in text
    assert "没有" in ws.refused("round", "show", "2023")


def test_unit_edit_corrects_category_and_a_rename_keeps_every_name_working(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.ok("unit", "add", "甲局", "--category", "中直单位", "--grid", "第一片")
    ws.ok("unit", "add", "乙局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("unit", "edit", "甲局", "--category", "党政机关", "--reason", "登记时选错类别")
    ws.ok("unit", "edit", "甲局", "--name", "甲新局", "--reason", "机构改革更名")
    units = {u["unit"]: u for u in json.loads(ws.ok("unit", "list", "--json").output)}
    assert set(units) == {"甲新局", "乙局"}
    assert (units["甲新局"]["category"], units["甲新局"]["grid"]) == ("党政机关", "第一片")
    # The old name still addresses the unit and its cycle, and says so once on stderr.
    old = ws.ok("cycle", "status", "甲局/2024", "--json")
    assert old.stderr == "单位 甲局 已更名为 甲新局\n"
    new = ws.ok("cycle", "status", "甲新局/2024", "--json")
    assert new.stderr == ""
    assert json.loads(old.stdout)["cycle"] == json.loads(new.stdout)["cycle"]
    ws.ok("task", "add", "甲新局/2024", "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", "甲新局/2024")
    ws.ok("cycle", "advance", "甲新局/2024", "start_do")
    ws.ok(
        "finding",
        "record",
        "甲新局/2024",
        "--source",
        "督查",
        "--indicator",
        "participation",
        "--points",
        "-2",
        "--observed-on",
        "2024-09-01",
        "--evidence",
        "记录不全",
    )
    # Filters by unit take any of its names.
    for name in ("甲局", "甲新局"):
        assert len(json.loads(ws.ok("ledger", "2024", "--unit", name, "--json").stdout)) == 1
    assert json.loads(ws.ok("rectify", "list", "--unit", "甲新局", "--json").output) == []
    # Neither name can be registered again, nor taken by another unit.
    assert "已登记" in ws.refused("unit", "add", "甲局", "--category", "党政机关")
    assert "已登记" in ws.refused("unit", "add", "甲新局", "--category", "党政机关")
    assert "另一单位" in ws.refused("unit", "edit", "乙局", "--name", "甲局", "--reason", "r")
    assert "没有要更正" in ws.refused(
        "unit", "edit", "甲新局", "--category", "党政机关", "--reason", "r"
    )
    assert "未知单位类别" in ws.refused("unit", "edit", "乙局", "--category", "x", "--reason", "r")
    assert "理由" in ws.refused("unit", "edit", "乙局", "--category", "中直单位", "--reason", " ")
    assert "未知单位" in ws.refused(
        "unit", "edit", "丙局", "--category", "党政机关", "--reason", "r"
    )


def test_a_corrected_category_ranks_new_finalisations(workspace: Workspace) -> None:
    ws = workspace
    record_round_in(ws)
    ws.ok("unit", "edit", "甲局", "--category", "中直单位", "--reason", "登记时选错类别")
    preview = json.loads(ws.ok("round", "finalize", "2024", "--dry-run", "--json").output)
    assert {o["unit"]: o["category"] for o in preview["outcomes"]} == {
        "甲局": "中直单位",
        "乙局": "党政机关",
    }
    # The published round keeps what it published.
    shown = json.loads(ws.ok("round", "show", "2024", "--json").output)
    assert {o["unit"]: o["category"] for o in shown["outcomes"]} == {
        "甲局": "党政机关",
        "乙局": "党政机关",
    }


def test_a_voided_cycle_leaves_the_lists_and_its_address_opens_again(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", "甲局/2024", "误加的任务", "--deadline", "2024-06-30")
    assert "理由" in ws.refused("cycle", "void", "甲局/2024", "--reason", " ")
    ws.ok("cycle", "void", "甲局/2024", "--reason", "误选方案")
    assert json.loads(ws.ok("cycle", "list", "--json").output) == []
    listed = json.loads(ws.ok("cycle", "list", "--all", "--json").output)
    assert [(c["cycle"], c["stage"]) for c in listed] == [("甲局/2024", "voided")]
    assert "已作废" in ws.ok("cycle", "list", "--all").output
    # Nothing more is recorded on it, and voiding it twice is refused.
    assert "已作废" in ws.refused("task", "add", "甲局/2024", "任务", "--deadline", "2024-06-30")
    assert "已作废" in ws.refused("cycle", "void", "甲局/2024", "--reason", "r")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    status = json.loads(ws.ok("cycle", "status", "甲局/2024", "--json").output)
    assert (status["stage"], status["version"]) == ("plan", 1)  # a new cycle: Opened only
    assert "已存在" in ws.refused("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    listed = json.loads(ws.ok("cycle", "list", "--all", "--json").output)
    assert sorted(c["stage"] for c in listed) == ["plan", "voided"]
    assert [c["stage"] for c in json.loads(ws.ok("cycle", "list", "--json").output)] == ["plan"]


def test_void_is_refused_while_its_own_items_are_open_and_carried_items_move_on(
    workspace: Workspace,
) -> None:
    ws = workspace
    in_check_with_a_finding(ws)
    item = order(ws, "2025-03-31")
    assert "未销号" in ws.refused("cycle", "void", CYCLE, "--reason", "r")
    # The open item is carried into 2025; voiding 2025 leaves it waiting at that address,
    # and the 2025 cycle opened again checks it as 老毛病.
    ws.ok("cycle", "open", "甲局", "2025", "--scheme", "jilin")
    ws.ok("cycle", "void", "甲局/2025", "--reason", "误开")
    ws.ok("cycle", "open", "甲局", "2025", "--scheme", "jilin")
    history = json.loads(ws.ok("history", "甲局/2025", "--json").output)
    assert [e["type"] for e in history] == ["Opened", "ProblemsCarriedIn"]
    row = json.loads(ws.ok("rectify", "show", item, "--json").output)
    assert row["carried_to"] == "甲局/2025"
    ws.ok("rectify", "submit", item, actor=OWNER)
    ws.ok("rectify", "verify", item, "--accept", "--today", "2025-03-01")
    history = json.loads(ws.ok("history", "甲局/2025", "--json").output)
    assert [e["type"] for e in history][-1] == "CarriedProblemClosed"


def test_a_voided_cycles_findings_stay_in_the_ledger_marked_and_never_settled(
    workspace: Workspace,
) -> None:
    ws = workspace
    in_check_with_a_finding(ws)
    (row,) = json.loads(ws.ok("ledger", "2024", "--json").output)
    assert (row["status"], row["applied_at"]) == ("有效", None)
    ws.ok("cycle", "void", CYCLE, "--reason", "误开：该单位本年度不参加考核")
    (row,) = json.loads(ws.ok("ledger", "2024", "--json").output)
    # The finding happened and stays on record, but no 秋后算账 will settle it.
    assert (row["cycle"], row["status"], row["applied_at"]) == (CYCLE, "周期已作废", None)
    assert "周期已作废" in ws.ok("ledger", "2024").output


def test_a_voided_cycle_leaves_its_round_and_the_ranking(workspace: Workspace) -> None:
    ws = workspace
    record_round_in(ws)
    ws.ok("cycle", "void", "乙局/2024", "--reason", "不属本轮考核")
    preview = json.loads(ws.ok("round", "finalize", "2024", "--dry-run", "--json").output)
    assert [o["unit"] for o in preview["outcomes"]] == ["甲局"]
    assert {"cycle": "乙局/2024", "field": "移出", "before": "96.00", "after": None} in preview[
        "changes"
    ]
    assert "乙局" not in ws.ok("ranking", "2024", "--json").output
    assert "乙局" not in ws.ok("board", "2024", "--json").output
    summary = json.loads(ws.ok("round", "list", "--json").output)[0]
    assert (summary["cycles"], summary["stages"]) == (1, {"act": 1})


def _to_act(ws: Workspace, cycle: str, ballot_total: int) -> None:
    """Take a just opened 吉林 cycle to 处理 as ``tests._round`` takes 乙局: two tasks 优,
    ten ballots of ``ballot_total``, no finding."""
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        with ws.before_the_stamp():  # in-process people, as record_round_in's
            for n in (1, 2):
                app.add_task(acting(), cycle, f"重点任务{n}", date(2024, 11, 30), None)
            app.publish_task_list(acting(), cycle)
            app.advance(acting(), cycle, "start_do", None)
            for n in (1, 2):
                app.complete_task(acting(), cycle, n, "优")
            app.advance(acting(), cycle, "start_check", None)
            app.record_step(acting(), cycle, "report", "年度述职报告", "述职材料")
            _ballots(app, cycle, ballot_total)
            app.advance(acting(), cycle, "start_act", None)
    finally:
        app.close()


def test_a_round_published_after_a_void_and_reopening_verifies_clean(
    workspace: Workspace,
) -> None:
    ws = workspace
    record_round_in(ws)
    ws.ok("cycle", "void", "乙局/2024", "--reason", "误开")
    ws.ok("cycle", "open", "乙局", "2024", "--scheme", "jilin")
    # Ballots of 80: 80 × 40% = 32.00 + 30.00 + 30.00 = 92.00, still first above 89.75.
    _to_act(ws, "乙局/2024", 80)
    ws.ok("round", "finalize", "2024", "--reason", "乙局周期重开")
    shown = json.loads(ws.ok("round", "show", "2024", "--json").output)
    assert shown["changes"] == [
        {"cycle": "乙局/2024", "field": "total", "before": "96.00", "after": "92.00"}
    ]
    # The re-opened cycle is not the one its address's id names: the outcome says which.
    assert sorted((o["unit"], "cycle_id" in o) for o in shown["outcomes"]) == [
        ("乙局", True),
        ("甲局", False),
    ]
    assert ws.run("verify").exit_code == 0
    assert ws.run("verify", "乙局/2024").exit_code == 0

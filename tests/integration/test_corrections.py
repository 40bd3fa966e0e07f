"""Corrections users need (issue 12, item 6): ``rectify extend --today``, ``round
list/show``, ``round finalize --dry-run``, ``unit edit`` with rename aliases, ``cycle void``."""

from __future__ import annotations

import json

from tests._round import ACTOR, record_round_in
from tests.conftest import Workspace
from tests.scenarios.test_rectification import in_check_with_a_finding, order


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

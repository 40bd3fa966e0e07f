"""整改 from order to close-out (销号), and escalation while overdue (seeds 000, 002, 004):
「发现问题据实通报、跟踪整改、逗硬问责」(000); 「限期整改」「及时回访…对整改不力的单位或个人严肃问责」
(002); 「效能问题交办、效能整改月报及销号机制」(004). Escalation steps are jilin.toml's
defaults: 提醒 from the first overdue day, 约谈 after 30 days, 问责 after 90."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Workspace

CYCLE = "甲局/2024"
OWNER = "王五"
SUPERVISOR = "督查组-张三"


def in_check_with_a_finding(ws: Workspace) -> int:
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", CYCLE, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", CYCLE)
    ws.ok("cycle", "advance", CYCLE, "start_do")
    out = ws.ok(
        "finding",
        "record",
        CYCLE,
        "--source",
        "督查",
        "--indicator",
        "participation",
        "--points",
        "-2",
        "--observed-on",
        "2024-09-01",
        "--evidence",
        "“三会一课”记录不全",
        "--json",
    ).output
    ws.ok("cycle", "advance", CYCLE, "start_check")
    return json.loads(out)["position"]


def order(ws: Workspace, due: str, today: str = "2025-01-05", finding: int | None = None) -> str:
    extra = ["--finding", str(finding)] if finding else []
    out = ws.ok(
        "rectify",
        "order",
        CYCLE,
        "--problem",
        "“三会一课”记录不全",
        "--owner",
        OWNER,
        "--due",
        due,
        "--today",
        today,
        *extra,
        "--json",
    ).output
    return json.loads(out)["id"]


def view(ws: Workspace, item: str, today: str) -> dict:
    rows = json.loads(ws.ok("rectify", "list", "--today", today, "--json").output)
    return next(r for r in rows if r["id"] == item)


def exported(ws: Workspace, item: str) -> dict:
    """The item's row of the 通报 export (its 曾被退回 column)."""
    rows = json.loads(ws.ok("export", "rectifications", "2024", "--format", "json").stdout)
    return next(r for r in rows if r["id"] == item)


def test_order_two_monthly_reports_submit_reject_submit_verify_close(workspace: Workspace) -> None:
    ws = workspace
    finding = in_check_with_a_finding(ws)
    item = order(ws, "2025-03-31", finding=finding)
    row = view(ws, item, "2025-01-06")
    assert (row["status"], row["owner"], row["due"], row["colour"], row["days_overdue"]) == (
        "ordered",
        OWNER,
        "2025-03-31",
        "",
        0,
    )

    ws.ok(
        "rectify",
        "report",
        item,
        "--note",
        "一月：补齐1-6月记录",
        "--today",
        "2025-01-31",
        actor=OWNER,
    )
    ws.ok(
        "rectify",
        "report",
        item,
        "--note",
        "二月：补齐7-12月记录",
        "--today",
        "2025-02-28",
        actor=OWNER,
    )
    assert view(ws, item, "2025-03-01")["status"] == "in_progress"
    assert view(ws, item, "2025-03-25")["colour"] == "蓝"  # within the 7 days before the deadline

    ws.ok("rectify", "submit", item, "--today", "2025-03-10", actor=OWNER)
    assert view(ws, item, "2025-03-10")["status"] == "submitted"
    ws.ok(
        "rectify",
        "verify",
        item,
        "--reject",
        "--reason",
        "支部委员会记录仍缺",
        "--today",
        "2025-03-12",
        actor=SUPERVISOR,
    )
    rejected = view(ws, item, "2025-03-12")
    assert (rejected["status"], rejected["colour"]) == ("in_progress", "黄")
    assert exported(ws, item)["rejected"] is True

    ws.ok("rectify", "submit", item, "--today", "2025-03-20", actor=OWNER)
    # Four eyes: the one who submitted cannot close it out.
    message = Workspace.refused(
        _as(ws, OWNER), "rectify", "verify", item, "--accept", "--today", "2025-03-21"
    )
    assert "验收人不能是提交人（王五）" in message
    ws.ok("rectify", "verify", item, "--accept", "--today", "2025-03-22", actor=SUPERVISOR)
    closed = view(ws, item, "2025-04-30")
    assert (closed["status"], closed["colour"], closed["days_overdue"]) == ("closed", "", 0)
    # 曾被退回 is history: accepting the second submission does not make it 否 again.
    assert exported(ws, item)["rejected"] is True

    history = json.loads(ws.ok("rectify", "show", item, "--json").output)["history"]
    assert [h["type"] for h in history] == [
        "Ordered",
        "ProgressReported",
        "ProgressReported",
        "Submitted",
        "Verified",
        "Submitted",
        "Verified",
    ]
    assert history[0]["detail"]["finding"] == finding
    assert (
        history[4]["detail"]["reason"] == "支部委员会记录仍缺" and history[4]["actor"] == SUPERVISOR
    )


def test_overdue_item_escalates_once_per_step(workspace: Workspace) -> None:
    ws = workspace
    in_check_with_a_finding(ws)
    item = order(ws, "2025-02-28")

    def sweep(today: str) -> list[dict]:
        return json.loads(ws.ok("rectify", "sweep", "--today", today, "--json").output)

    before = ws.event_count()
    assert sweep("2025-02-20") == [] and ws.event_count() == before  # before the deadline
    assert [(e["measure"], e["days_overdue"]) for e in sweep("2025-03-01")] == [("提醒", 1)]
    counted = ws.event_count()
    assert (
        sweep("2025-03-01") == [] and ws.event_count() == counted
    )  # twice the same day: nothing new
    assert view(ws, item, "2025-03-01")["colour"] == "红"
    assert [(e["measure"], e["days_overdue"]) for e in sweep("2025-03-30")] == [("约谈", 30)]
    assert [(e["measure"], e["days_overdue"]) for e in sweep("2025-05-29")] == [("问责", 90)]
    assert sweep("2025-06-30") == []
    row = view(ws, item, "2025-05-29")
    assert (row["escalation"], row["measure"], row["days_overdue"], row["colour"]) == (
        3,
        "问责",
        90,
        "红",
    )


def _as(ws: Workspace, actor: str) -> Workspace:
    from dataclasses import replace

    return replace(ws, actor=actor)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("rectify", "verify", "ITEM", "--accept"),
            "整改事项当前为已交办，不能验收销号；可以：report（报告进展）、submit（提交验收）、extend（延期）",
        ),
        (
            (
                "rectify",
                "order",
                CYCLE,
                "--problem",
                "p",
                "--owner",
                "o",
                "--due",
                "2025-01-04",
                "--today",
                "2025-01-05",
            ),
            "整改期限 2025-01-04 早于交办日期 2025-01-05",
        ),
        (("rectify", "report", "ffffffff", "--note", "n"), "未知整改事项 'ffffffff'"),
        (
            ("rectify", "extend", "ITEM", "--due", "2025-02-01", "--reason", "r"),
            "新期限 2025-02-01 必须晚于现期限 2025-03-31",
        ),
        (
            (
                "rectify",
                "order",
                CYCLE,
                "--problem",
                "p",
                "--owner",
                "o",
                "--due",
                "2025-03-31",
                "--finding",
                "99",
                "--today",
                "2025-01-05",
            ),
            "没有第 99 号督查发现",
        ),
    ],
)
def test_bad_rectification_input_is_refused_and_writes_nothing(
    workspace: Workspace, args: tuple[str, ...], expected: str
) -> None:
    in_check_with_a_finding(workspace)
    item = order(workspace, "2025-03-31")
    args = tuple(item if a == "ITEM" else a for a in args)
    assert expected in workspace.refused(*args)


def test_a_closed_item_cannot_be_extended(workspace: Workspace) -> None:
    ws = workspace
    in_check_with_a_finding(ws)
    item = order(ws, "2025-03-31")
    ws.ok("rectify", "submit", item, actor=OWNER)
    ws.ok("rectify", "verify", item, "--accept", actor=SUPERVISOR)
    assert "整改事项当前为已销号，不能延期；可以：（无）" in ws.refused(
        "rectify", "extend", item, "--due", "2025-06-30", "--reason", "r"
    )


def test_an_item_open_at_year_end_is_carried_in_and_scored_as_an_old_problem(
    workspace: Workspace,
) -> None:
    ws = workspace
    in_check_with_a_finding(ws)
    item = order(ws, "2024-12-31", today="2024-12-01")
    ws.ok("cycle", "advance", CYCLE, "start_act")
    # The cycle cannot close while the item is neither closed out nor carried over.
    message = ws.refused("cycle", "advance", CYCLE, "close")
    assert f"还有未销号也未结转的整改事项，不能结束：{item}「“三会一课”记录不全」" in message

    ws.ok("cycle", "open", "甲局", "2025", "--scheme", "jilin")  # carries the open item in
    assert view(ws, item, "2025-01-10")["carried_to"] == "甲局/2025"
    ws.ok("cycle", "advance", CYCLE, "close")  # now it may close
    history = json.loads(ws.ok("history", "甲局/2025", "--json").output)
    assert [h["type"] for h in history] == ["Opened", "ProblemsCarriedIn"]

    def daily(cycle: str) -> str:
        explained = json.loads(ws.ok("explain", cycle, "--json").output)
        return next(c["score"] for c in explained["components"] if c["id"] == "daily")

    # 老毛病 starts at 25 and loses 5 per carried item still open: (25 + 25 + 25 + 20) = 95
    assert float(daily("甲局/2025")) == 95.0
    ws.ok("rectify", "submit", item, "--today", "2025-02-01", actor=OWNER)
    ws.ok("rectify", "verify", item, "--accept", "--today", "2025-02-10", actor=SUPERVISOR)
    assert float(daily("甲局/2025")) == 100.0
    history = json.loads(ws.ok("history", "甲局/2025", "--json").output)
    assert history[-1]["type"] == "CarriedProblemClosed"


def test_monthly_bulletin_counts_opened_closed_and_overdue(workspace: Workspace) -> None:
    ws = workspace
    in_check_with_a_finding(ws)
    first = order(ws, "2025-03-31", today="2025-03-02")
    order(ws, "2025-03-15", today="2025-03-05")  # left open: overdue at the end of March
    order(ws, "2025-06-30", today="2025-04-01")  # April: not in March's bulletin
    ws.ok("rectify", "submit", first, "--today", "2025-03-20", actor=OWNER)
    ws.ok("rectify", "verify", first, "--accept", "--today", "2025-03-25", actor=SUPERVISOR)
    march = json.loads(ws.ok("rectify", "bulletin", "2025-03", "--json").output)
    # ordered 2 by the end of March, 1 closed out → 50.0%
    assert march == [
        {
            "unit": "甲局",
            "opened": 2,
            "closed": 1,
            "open": 1,
            "overdue": 1,
            "ordered": 2,
            "closed_total": 1,
            "rate": "50.0%",
        }
    ]
    assert "月份 '2025/03' 格式不对" in ws.refused("rectify", "bulletin", "2025/03")

"""甘肃 精准化考核 (seed 003_358ddf344d6e8492.txt), a year through the CLI.

「将考核分为筹备自查、实地考核、考核汇总、结果审定4个阶段,按照时间计划,压茬有序推进」
「实地考核得分占60%,平时考核占30%,单位民主测评占10%」

Expected figures computed by hand from workflows/gansu.toml: 实地考核 = the four
on-site categories' points ÷ their 32 possible points × 100, weighted 60%; 平时考核 =
two 50-point marks, weighted 30%; 民主测评 = trimmed mean of the ballots, weighted 10%;
the total rounded once to 0.01 half-up.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.conftest import Workspace

BALLOT_ITEMS = (
    "political",
    "ideological",
    "organisational",
    "conduct",
    "discipline",
    "institutions",
)
SPLITS = {  # a ballot total spread over the six items (maxima 20/20/15/15/15/15)
    100: (20, 20, 15, 15, 15, 15),
    95: (19, 19, 15, 14, 14, 14),
    90: (18, 18, 14, 14, 13, 13),
    60: (12, 12, 9, 9, 9, 9),
}
STAGES = [
    ("start_do", "do"),
    ("start_self_check", "check.self_check"),
    ("start_on_site", "check.on_site"),
    ("start_summary", "act.summary"),
    ("start_approval", "act.approval"),
]


def advance(ws: Workspace, cycle: str, trigger: str, stage: str) -> None:
    assert json.loads(ws.ok("cycle", "advance", cycle, trigger, "--json").output)["stage"] == stage


def ballots(ws: Workspace, cycle: str, totals: list[int]) -> None:
    tokens = json.loads(
        ws.ok(
            "ballot", "issue", cycle, "--group", "staff", "--count", str(len(totals)), "--json"
        ).output
    )["tokens"]
    for token, total in zip(tokens, totals, strict=True):
        ws.ok(
            "ballot",
            "cast",
            cycle,
            "--token",
            token,
            *(f"{i}={v}" for i, v in zip(BALLOT_ITEMS, SPLITS[total], strict=True)),
        )
    ws.ok("ballot", "close", cycle)  # the ballots count once the box is closed


def run_unit(
    ws: Workspace, unit: str, items: dict[str, str], routine: tuple[str, str], votes: list[int]
) -> str:
    cycle = f"{unit}/2017"
    ws.ok("unit", "add", unit, "--category", "党政机关")
    ws.ok("cycle", "open", unit, "2017", "--scheme", "gansu")
    ws.ok("task", "add", cycle, "准备印证资料", "--deadline", "2017-12-10")
    ws.ok("task", "publish", cycle)
    advance(ws, cycle, *STAGES[0])
    # Scores belong to 督查: recording one in 执行 is refused and writes nothing.
    before = ws.event_count()
    refused = ws.run("score", "record", cycle, "sc_integration", "2", "--evidence", "x")
    assert (
        refused.exit_code == 1
        and "当前阶段为执行，不能记录指标得分；只能在以下阶段：督查" in refused.output
    )
    assert ws.event_count() == before
    advance(ws, cycle, *STAGES[1])  # 筹备自查
    # The sub-stages run in order: 考核汇总 cannot come before 实地考核.
    skipped = ws.run("cycle", "advance", cycle, "start_summary")
    assert (
        skipped.exit_code == 1
        and "当前阶段为督查·筹备自查，可用触发器：start_on_site" in skipped.output
    )
    advance(ws, cycle, *STAGES[2])  # 实地考核
    for item, value in items.items():
        ws.ok("score", "record", cycle, item, value, "--evidence", "逐项核查")
    ws.ok("score", "record", cycle, "routine_committee", routine[0], "--evidence", "工委领导评分")
    ws.ok("score", "record", cycle, "routine_departments", routine[1], "--evidence", "各部门评分")
    ballots(ws, cycle, votes)
    advance(ws, cycle, *STAGES[3])  # 考核汇总
    advance(ws, cycle, *STAGES[4])  # 结果审定
    return cycle


FULL = {
    "sc_integration": "3",
    "sc_vanguard": "4",
    "mr_committee_study": "2",
    "mr_lists": "3",
    "mr_secretaries": "4",
    "mr_democratic_life": "1",
    "kt_19th_congress": "3",
    "kt_tasks_quality": "3",
    "kt_learning": "2",
    "bs_branch_committee": "12",
    "bs_party_lecture": "4",
    "bs_members_meeting": "100",
    "bs_org_life": "1",
    "bs_member_review": "100",
    "bs_dues": "100",
}


def test_sixty_thirty_ten_through_the_four_sub_stages(workspace: Workspace) -> None:
    ws = workspace
    finance = run_unit(
        ws,
        "省财政厅",
        {
            "sc_integration": "2.5",  # direct                              2.5
            "sc_vanguard": "3",  # 4 required, 3 held: 2 − 0.5        1.5   服务中心 4.0
            "mr_committee_study": "2",  # 2 of 2                              2
            "mr_lists": "3",  # direct                              3
            "mr_secretaries": "3.5",  # direct                              3.5
            "mr_democratic_life": "1",  # 1 of 1                              1     主体责任 9.5
            "kt_19th_congress": "3",
            "kt_tasks_quality": "2.5",
            "kt_learning": "2",  #                                           重点任务 7.5
            "bs_branch_committee": "10",  # 12 required, 10 held: 2 − 2×0.5    1.0
            "bs_party_lecture": "4",  #                                     1
            "bs_members_meeting": "85",  # 15% under 100%: one full band, −1   1
            "bs_org_life": "1",  #                                     1
            "bs_member_review": "72",  # 28% under: two bands × 0.5 → 1 − 1 = 0
            "bs_dues": "100",  #                                     2     基础保障 6.0
        },
        routine=("45", "42"),
        votes=[90] * 10 + [60, 100],
    )
    # 实地考核: (4.0 + 9.5 + 7.5 + 6.0) = 27 of 32 → 84.375 × 60% = 50.625
    # 平时考核: (45 + 42) = 87 of 100 → 87 × 30% = 26.1
    # 民主测评: drop 60 and 100, mean of ten 90s = 90 × 10% = 9.0
    # total 50.625 + 26.1 + 9.0 = 85.725 → 85.73 (较好)
    education = run_unit(ws, "省教育厅", FULL, routine=("48", "47"), votes=[95] * 12)
    # 100 × 60% = 60; 95 × 30% = 28.5; 95 × 10% = 9.5 → 98.00 (好)

    ws.ok("round", "open", "2017", "--scheme", "gansu")
    ws.ok("round", "finalize", "2017")
    ranked = {r["unit"]: r for r in json.loads(ws.ok("ranking", "2017", "--json").output)}
    assert (
        ranked["省教育厅"]["total"],
        ranked["省教育厅"]["rank"],
        ranked["省教育厅"]["grade"],
    ) == ("98.00", 1, "好")
    assert (
        ranked["省财政厅"]["total"],
        ranked["省财政厅"]["rank"],
        ranked["省财政厅"]["grade"],
    ) == ("85.73", 2, "较好")

    explained = json.loads(ws.ok("explain", finance, "--json").output)
    assert Decimal(explained["unrounded"]) == Decimal("85.725")
    weighted = {c["id"]: c["weighted"] for c in explained["components"]}
    assert {k: Decimal(v) for k, v in weighted.items()} == {
        "on_site": Decimal("50.625"),
        "routine": Decimal("26.1"),
        "democratic": Decimal("9.0"),
    }
    for cycle in (finance, education):
        assert (
            json.loads(ws.ok("explain", cycle, "--json").output)["total"]
            == ranked[cycle.split("/")[0]]["total"]
        )
    ws.ok("cycle", "advance", finance, "close")
    history = json.loads(ws.ok("history", finance, "--json").output)
    moves = [h["summary"].split("（")[0] for h in history if h["type"] == "StageAdvanced"]
    assert moves[1:] == [
        "执行 → 督查·筹备自查",
        "督查·筹备自查 → 督查·实地考核",
        "督查·实地考核 → 处理·考核汇总",
        "处理·考核汇总 → 处理·结果审定",
        "处理·结果审定 → 已结束",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("score", "record", "C", "sc_integration", "3.5", "--evidence", "x"),
            "得分 3.5 超出范围；允许 0 至 3",
        ),
        (
            ("score", "record", "C", "no_such_item", "1", "--evidence", "x"),
            "未知指标 'no_such_item'",
        ),
        (
            ("score", "record", "C", "bs_dues", "120", "--evidence", "x"),
            "120 超出范围；允许 0 至 100",
        ),
        (("score", "record", "C", "sc_vanguard", "-1", "--evidence", "x"), "不能为负数"),
        (("ballot", "cast", "C", "--token", "NOT-A-TOKEN", "political=1"), "不是本周期发放的令牌"),
        (
            (
                "finding",
                "record",
                "C",
                "--source",
                "暗访",
                "--indicator",
                "x",
                "--points",
                "-1",
                "--observed-on",
                "2017-05-01",
                "--evidence",
                "e",
            ),
            "未知台账指标 'x'",
        ),
    ],
)
def test_bad_scoring_input_is_refused_and_writes_nothing(
    workspace: Workspace, args: tuple[str, ...], expected: str
) -> None:
    ws = workspace
    ws.ok("unit", "add", "省财政厅", "--category", "党政机关")
    ws.ok("cycle", "open", "省财政厅", "2017", "--scheme", "gansu")
    ws.ok("task", "add", "省财政厅/2017", "准备", "--deadline", "2017-12-10")
    ws.ok("task", "publish", "省财政厅/2017")
    for trigger, stage in STAGES[:3]:
        advance(ws, "省财政厅/2017", trigger, stage)
    args = tuple("省财政厅/2017" if a == "C" else a for a in args)
    before = ws.event_count()
    result = ws.run(*args)
    assert result.exit_code != 0 and expected in result.output, result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1
    assert ws.event_count() == before

"""甘肃 精准化考核 (seed 003_358ddf344d6e8492.txt), a year through the CLI.

「将考核分为筹备自查、实地考核、考核汇总、结果审定4个阶段,按照时间计划,压茬有序推进」
「实地考核得分占60%,平时考核占30%,单位民主测评占10%」
「聚焦服务中心工作、落实主体责任、完成重点任务、强化基础保障4大重点,将考核内容细化为16类、71条评分项」
「将……书记……的职能职责细化为4项12条,逐一对照印证查验」

Expected figures computed by hand from workflows/gansu.toml (format 3): the 71 条 are worth
100 points in all, so 实地考核 on 0..100 is the points earned, weighted 60%; an item with
采分点 (三级责任清单, the 书记's 4 项 of 3 条) scores the sum of its points; 平时考核 = two
50-point marks, weighted 30%; 民主测评 = trimmed mean of the ballots, weighted 10%; the
total rounded once to 0.01 half-up.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pdca.rules.schemes import load_file
from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import unit_steps

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def _full_marks() -> dict[str, str]:
    """What earns every point of the 71 条: each item's maximum (direct), its required
    count (按次), 100% (按档), or each 采分点's maximum, keyed as ``score record`` takes it."""
    full = {}
    for category in load_file(WORKFLOWS / "gansu.toml").rules.categories:
        if not category.area:  # 平时考核, outside the 71
            continue
        for item in category.items:
            if item.scored_points:
                full.update({f"{item.id}.{p.id}": str(p.max) for p in item.points})
            elif item.rule == "per_occurrence":
                full[item.id] = str(item.required)
            elif item.rule == "banded":
                full[item.id] = "100"
            else:
                full[item.id] = str(item.max)
    return full


#: 71 条, of which 5 are recorded by their 采分点 (3 + 4 × 3 = 15): 66 + 15 = 81 records.
FULL = _full_marks()

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
    unit_steps(ws, cycle)  # the unit's 自查 (issue 14 item 5)
    # The sub-stages run in order: 考核汇总 cannot come before 实地考核.
    skipped = ws.run("cycle", "advance", cycle, "start_summary")
    assert (
        skipped.exit_code == 1
        and "当前阶段为督查·筹备自查，可用触发器：start_on_site" in skipped.output
    )
    advance(ws, cycle, *STAGES[2])  # 实地考核
    for item, value in items.items():  # an item, or one 采分点 as ITEM.POINT
        ws.ok("score", "record", cycle, item, value, "--evidence", "逐项核查")
    ws.ok("score", "record", cycle, "routine_committee", routine[0], "--evidence", "工委领导评分")
    ws.ok("score", "record", cycle, "routine_departments", routine[1], "--evidence", "各部门评分")
    ballots(ws, cycle, votes)
    advance(ws, cycle, *STAGES[3])  # 考核汇总
    advance(ws, cycle, *STAGES[4])  # 结果审定
    return cycle


def test_sixty_thirty_ten_through_the_four_sub_stages(workspace: Workspace) -> None:
    ws = workspace
    assert len(FULL) == 81
    losses = {
        "sc_integration": "2.5",  # direct, max 3                              −0.5
        "sc_vanguard": "3",  # 4 required, 3 held: −0.5                          −0.5
        "mr_lists.branches": "0.5",  # 采分点 of 1: the 支部 list half done           −0.5
        "sec_branch.talks": "0",  # 采分点 of 1: no 谈心谈话 records                −1
        "bs_branch_committee": "10",  # 12 required, 10 held: 2 × 0.5           −1
        "bs_members_meeting": "85",  # 15% under 100%: one full band of 10%, × 1  −1
        "bs_member_review": "72",  # 28% under: two bands × 0.5                 −1
    }  # lost 0.5 + 0.5 + 0.5 + 1 + 1 + 1 + 1 = 5.5
    finance = run_unit(
        ws, "省财政厅", {**FULL, **losses}, routine=("45", "42"), votes=[90] * 10 + [60, 100]
    )
    # 实地考核: 100 − 5.5 = 94.5 of 100 → 94.5 × 60% = 56.7
    # 平时考核: (45 + 42) = 87 of 100 → 87 × 30% = 26.1
    # 民主测评: drop 60 and 100, mean of ten 90s = 90 × 10% = 9.0
    # total 56.7 + 26.1 + 9.0 = 91.8 → 91.80 (好)
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
    ) == ("91.80", 2, "好")

    explained = json.loads(ws.ok("explain", finance, "--json").output)
    assert Decimal(explained["unrounded"]) == Decimal("91.8")
    weighted = {c["id"]: c["weighted"] for c in explained["components"]}
    assert {k: Decimal(v) for k, v in weighted.items()} == {
        "on_site": Decimal("56.7"),
        "routine": Decimal("26.1"),
        "democratic": Decimal("9.0"),
    }
    # explain shows each 采分点 under its item, with the event it came from.
    nodes = {n["label"]: n for n in _walk(explained["tree"])}
    lists = nodes["三级抓党建责任清单（mr_lists）"]
    assert Decimal(lists["value"]) == Decimal("2.5")  # 1 + 1 + 0.5
    assert [c["label"] for c in lists["children"]] == [
        "党组（党委）履行领导责任和主体责任（mr_lists.leading_group）",
        "机关党委履行协调安排、跟踪督查责任（mr_lists.party_committee）",
        "基层党支部履行教育管理监督党员职责（mr_lists.branches）",
    ]
    branches = lists["children"][2]["children"][0]
    assert (branches["label"], branches["evidence"]) == ("记录值 0.5", "逐项核查")
    assert branches["event_id"].startswith(f"{finance}:")
    text = ws.ok("explain", finance).output
    assert "└ 基层党支部书记履职（sec_branch） = 2.00（3 个采分点合计 2；满分 3）" in text
    assert "└ 谈心谈话（sec_branch.talks） = 0.00（采分点满分 1）" in text
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


def _walk(node: dict) -> list[dict]:
    return [node, *(n for c in node.get("children", []) for n in _walk(c))]


def test_the_catalogue_is_as_deep_as_the_seed_and_counts_check_per_level(
    workspace: Workspace,
) -> None:
    ws = workspace
    shown = json.loads(ws.ok("scheme", "show", "gansu", "--json").output)
    # 003: 4 大重点 → 16 类 → 71 条; 57 定量 + 11 定性 指标 (+ 3 条 of neither kind)
    assert [a["label"] for a in shown["areas"]] == [
        "服务中心工作",
        "落实主体责任",
        "完成重点任务",
        "强化基础保障",
    ]
    in_areas = [c for c in shown["catalog"] if c["area"]]
    items = [i for c in in_areas for i in c["items"]]
    assert (len(shown["areas"]), len(in_areas), len(items)) == (4, 16, 71)
    kinds = [i["kind"] for i in items]
    assert (kinds.count("quantitative"), kinds.count("qualitative"), kinds.count("unstated")) == (
        57,
        11,
        3,
    )
    assert sum(Decimal(i["max"]) for i in items) == 100
    # 4项12条: four items of three 采分点 each.
    secretaries = next(c for c in in_areas if c["id"] == "mr_secretaries")
    assert [len(i["points"]) for i in secretaries["items"]] == [3, 3, 3, 3]
    # The counts agree at every level, so no warning (main warned "57 + 11 = 68 ≠ 71").
    assert shown["warnings"] == []
    assert "警告" not in ws.ok("scheme", "validate", str(WORKFLOWS / "gansu.toml")).output

    # One 条 (a 定量 one) left out: each level that disagrees says so, the others stay quiet.
    text = (WORKFLOWS / "gansu.toml").read_text(encoding="utf-8")
    start = text.index('[[catalog.categories.items]]\nid = "bs_election"')
    cut = text[:start] + text[text.index("\n\n", start) + 2 :]
    path = ws.root / "gansu-cut.toml"
    path.write_text(cut, encoding="utf-8")
    out = ws.ok("scheme", "validate", str(path)).output
    assert "警告：catalog.declared_items: 来源文件称共 71 项，本文件列出 70 项" in out
    assert (
        "警告：catalog.declared_quantitative: 来源文件称共 57 项定量指标，本文件列出 56 项定量指标"
        in out
    )
    assert "declared_qualitative" not in out and "declared_categories" not in out


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
        (
            ("score", "record", "C", "mr_lists", "3", "--evidence", "x"),
            "指标 mr_lists（三级抓党建责任清单）按采分点计分；请逐个记录采分点：mr_lists.leading_group",
        ),
        (
            ("score", "record", "C", "mr_lists.branches", "1.5", "--evidence", "x"),
            "采分点 mr_lists.branches（基层党支部履行教育管理监督党员职责）的得分 1.5 超出范围；允许 0 至 1",
        ),
        (
            ("score", "record", "C", "mr_lists.nosuch", "1", "--evidence", "x"),
            "指标 mr_lists 没有采分点 'nosuch'；其采分点：mr_lists.leading_group",
        ),
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


def test_a_point_is_named_as_item_point_by_its_own_id_or_label(workspace: Workspace) -> None:
    ws = workspace
    cycle = "省财政厅/2017"
    ws.ok("unit", "add", "省财政厅", "--category", "党政机关")
    ws.ok("cycle", "open", "省财政厅", "2017", "--scheme", "gansu")
    ws.ok("task", "add", cycle, "准备", "--deadline", "2017-12-10")
    ws.ok("task", "publish", cycle)
    for trigger, stage in STAGES[:3]:
        advance(ws, cycle, trigger, stage)
    by_id = json.loads(
        ws.ok("score", "record", cycle, "lead", "1", "--evidence", "e", "--json").output
    )
    assert by_id["item"] == "sec_leading_group.lead"
    labelled = json.loads(
        ws.ok(
            "score", "record", cycle, "三级抓党建责任清单.基层党支部履行教育管理监督党员职责", "0.5",
            "--evidence", "e", "--json",
        ).output
    )  # fmt: skip
    assert labelled["item"] == "mr_lists.branches"
    before = ws.event_count()
    again = ws.refused("score", "record", cycle, "mr_lists.branches", "1", "--evidence", "e")
    assert again.startswith("错误：采分点 mr_lists.branches 已有得分记录 #")
    assert "pdca correct amend" in again and ws.event_count() == before
    # A point is corrected like an item score, within the point's range.
    position = str(labelled["position"])
    assert "允许 0 至 1" in ws.refused("correct", "amend", cycle, position, "2", "--reason", "复核")
    ws.ok("correct", "amend", cycle, position, "1", "--reason", "复核：清单已补齐")
    tree = json.loads(ws.ok("explain", cycle, "--json").output)["tree"]
    point = next(n for n in _walk(tree) if n["label"].endswith("（mr_lists.branches）"))
    assert point["value"] == "1" and "更正为 1" in point["children"][0]["note"]
    history = json.loads(ws.ok("history", cycle, "--json").output)
    points = [h["summary"] for h in history if h["type"] == "PointScored"]
    assert points == ["sec_leading_group.lead = 1：e", "mr_lists.branches = 0.5：e"]

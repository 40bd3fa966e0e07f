"""南通 end to end (workflows/nantong.toml, seed 004): three 市级机关 of one 联系片 through two
years, every mechanism issue 14 lists for this seed, through the CLI — the key path
(finalising the second year, ``ranking``, ``explain``) in real ``pdca`` subprocesses.

Mechanisms (issue 14) and the seed passages behind them (004_c92e1ba12d345fb6.txt):
- 4 七个环节 bind: 「市级机关党建综合管理包括重点目标申报、日常管理、分片互评、领导评鉴、集中阅评、
  党建指导员阅评、党员评议,七个环节贯穿全年」 — each link records only its own facts: a leaders'
  ballot in 分片互评 and an item score outside 集中阅评 are refused, naming the link.
- 5 重点目标申报 with the 工委's approval: 「按照“一单位一品牌,一支部一特色”要求申报创新创优
  项目」「共性目标由工委制定和组织实施考评」 — declared by the unit's staff, approved by the
  工委; innovation points count only once the declaration is approved.
- 6 整改 from 执行: 「效能问题交办、效能整改月报及销号机制」 — refused in 重点目标申报, ordered in
  日常管理, counted in the monthly bulletin.
- 8 two years at the bottom: 「连续两年排名靠后的提请调整党组织负责人」.
- 9 results used: 「对考核排名靠前的党组织给予通报表彰,对排名靠后的进行问责谈话,并在部门综合绩效
  考核评优中一票否决」.
- 10 分片互评 by rater units: a ballot is issued to a rater unit of the scored unit's 联系片 —
  never the unit itself, never a unit of another 片 (both refused, nothing written); the
  rater unit is stored, the person who fills the ballot in is not.
- six grids: 「按照职能相似、地域相近、工作平衡等原则建立了6个党建工作联系片」「每个处室挂钩联系
  一个党建片」 — the scheme's six 处室 teams each take one 联系片; the units are registered
  in six 联系片; the 第一片 处室's supervisor opens its units' cycles and is refused for a
  unit of 第二片; the three assessed units rate one another within 第一片.

The scheme's tier cut-offs (ASSUMPTION: 靠前 the best 10 %, 靠后 the last 3 % of 91 units)
leave no unit 靠后 among three (3 × 97 % = 2.91 → 3); this workspace's copy of the scheme
widens them to 靠前 the best 34 % (3 × 34 % = 1.02 → 1) and 居中 67 % (2.01 → 2), so of
three the third is 靠后 — the rules themselves are the shipped ones.

Hand arithmetic, the scheme's rules: total = 0.4·B + 0.4·K + 0.2·O + bonus, B and K = 100
minus each item's shortfall, O = the mean of the four voting links' means (each link's
ballots trimmed of one highest and one lowest); bonus = approved innovation, capped at 5;
rounded half-up once, to 0.01.
"""

from __future__ import annotations

import json
from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import (
    advance,
    import_rows,
    js,
    node,
    pdca,
    scores,
    split,
    stage,
    used,
)
from tests.scenarios.test_nantong import BASIC as FULL_BASIC  # every item at full marks
from tests.scenarios.test_nantong import KEY as FULL_KEY

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

ITEMS = {"skills": 30, "conduct": 30, "results": 40}
ASSESSED = {"市财政局": "caizheng", "市商务局": "shangwu", "市住建局": "zhujian"}  # → staff
#: The six 联系片: the assessed units and 市民政局 in 第一片, one unit in each of the others.
GRIDS = {
    "市民政局": "第一片",
    "市教育局": "第二片",
    "市交通局": "第三片",
    "市水利局": "第四片",
    "市审计局": "第五片",
    "市统计局": "第六片",
}
VOTING = [  # trigger, sub-stage reached, its ballot group (集中阅评 scores the items)
    ("start_peer", "check.peer", "peer_units"),
    ("start_leader", "check.leader", "leaders"),
    ("start_review", "check.review", None),
    ("start_instructor", "check.instructor", "instructors"),
    ("start_members", "check.members", "party_members"),
]


def raters(unit: str) -> list[str]:
    """The rater units of ``unit`` in 分片互评: the others of 第一片."""
    return [u for u in (*ASSESSED, "市民政局") if u != unit]


def vote(ws: Workspace, cycle: str, group: str, totals: list[int]) -> None:
    """One link's ballots: for 分片互评 one token to each rater unit in turn, else a
    plain batch; imported as one file, each total spread over 比技能/比作风/比业绩."""
    unit = cycle.split("/")[0]
    if group == "peer_units":
        tokens = []
        for rater in raters(unit):
            issued = js(ws, "ballot", "issue", cycle, "--group", group, "--count", "1",
                        "--rater-unit", rater)  # fmt: skip
            assert issued["rater"] == rater
            tokens += issued["tokens"]
    else:
        issued = js(ws, "ballot", "issue", cycle, "--group", group, "--count", str(len(totals)))
        tokens = issued["tokens"]
    rows = [
        [t, *map(str, split(total, list(ITEMS.values())))]
        for t, total in zip(tokens, totals, strict=True)
    ]
    import_rows(ws, cycle, ["token", *ITEMS], rows)


def declare(ws: Workspace, cycle: str, principal: str | None = None) -> None:
    ws.ok("step", "record", cycle, "key_targets", "--text", "重点目标与创新目标",
          "--evidence", "重点目标申报表", principal=principal)  # fmt: skip


def approve(ws: Workspace, cycle: str) -> None:
    ws.ok("step", "review", cycle, "key_targets", "--approve", "--reason", "符合中心工作")


def open_year(ws: Workspace, unit: str, period: str, principal: str | None = None) -> str:
    ws.ok("cycle", "open", unit, period, "--scheme", "nantong", principal=principal)
    cycle = f"{unit}/{period}"
    ws.ok("task", "add", cycle, "重点任务1", "--deadline", f"{period}-06-30", principal=principal)
    ws.ok("task", "publish", cycle, principal=principal)
    return cycle


def links(ws: Workspace, cycle: str, votes: dict[str, list[int]], items: dict[str, str]) -> None:
    """日常管理 on to 处理: each voting link casts its own ballots, 集中阅评 scores."""
    for trigger, reached, group in VOTING:
        assert advance(ws, cycle, trigger) == reached
        if group:
            vote(ws, cycle, group, votes[group])
        else:
            scores(ws, cycle, items)
    assert advance(ws, cycle, "start_act") == "act"


def test_nantong_end_to_end(workspace: Workspace) -> None:
    ws = workspace
    path = ws.root / "workflows" / "nantong.toml"
    text = path.read_text(encoding="utf-8").replace('top_share = "10"', 'top_share = "34"')
    path.write_text(text.replace('top_share = "97"', 'top_share = "67"'), encoding="utf-8")
    for unit in ASSESSED:
        ws.ok("unit", "add", unit, "--category", "党政机关", "--grid", "第一片")
    for unit, grid in GRIDS.items():
        ws.ok("unit", "add", unit, "--category", "党政机关", "--grid", grid)
    registered = js(ws, "unit", "list")
    assert len({u["grid"] for u in registered}) == 6  # 「建立了6个党建工作联系片」

    # ── 2023: every item at full marks, each link's ballots all ``v``:
    # total = 0.4 × 100 + 0.4 × 100 + 0.2 × v = 80 + 0.2 × v
    #   市财政局 v 95 → 99.00 (靠前); 市商务局 90 → 98.00; 市住建局 70 → 94.00 (靠后)
    for unit, v in zip(ASSESSED, (95, 90, 70), strict=True):
        cycle = open_year(ws, unit, "2023")
        declare(ws, cycle)
        approve(ws, cycle)
        advance(ws, cycle, "start_do")
        ws.ok("task", "complete", cycle, "1")
        links(ws, cycle, {g: [v] * 3 for _, _, g in VOTING if g}, {**FULL_BASIC, **FULL_KEY})
    ws.ok("round", "open", "2023", "--scheme", "nantong")
    ws.ok("round", "finalize", "2023")
    assert used(js(ws, "explain", "市住建局/2023")) == ["问责谈话", "部门综合绩效考核评优一票否决"]

    # ── 2024, in full ──────────────────────────────────────────────────────────────────
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "wangwu", "--person", "王五", "--role", "supervisor")  # 整改 owner
    for unit, login in ASSESSED.items():
        ws.ok("account", "add", login, "--person", f"{unit}-填报员", "--role", "staff",
              "--unit", unit)  # fmt: skip
    # six grids in the scheme: the 工委's 处室 each liaise with one 联系片; a 处室's
    # supervisor records for the units of its 片 only.
    teams = js(ws, "scheme", "show", "nantong")["teams"]
    assert [t["grids"] for t in teams] == [[f"第{n}片"] for n in "一二三四五六"]
    ws.ok("account", "add", "chushi1", "--person", "第一片联系处室-赵六", "--role", "supervisor")
    team = js(ws, "account", "team", "liaison_1", "--scheme", "nantong")
    assert team == {"name": "第一片联系处室", "units": [], "grids": ["第一片"]}
    ws.ok("account", "scope", "chushi1", "--team", "第一片联系处室")
    before = ws.event_count()
    elsewhere = ws.run("cycle", "open", "市教育局", "2024", "--scheme", "nantong",
                       principal="chushi1")  # fmt: skip
    assert elsewhere.exit_code != 0 and ws.event_count() == before
    assert "只能在其范围内记录" in elsewhere.output and "市教育局" in elsewhere.output
    cycles = {u: open_year(ws, u, "2024", principal="chushi1") for u in ASSESSED}
    fin, com, hou = cycles.values()

    # 1 重点目标申报 (plan): each unit's staff declare for their own unit only; the 工委
    # approves (staff may not).
    assert stage(ws, fin) == "plan"
    before = ws.event_count()
    other = ws.run("step", "record", fin, "key_targets", "--text", "代报", "--evidence", "x",
                   principal="shangwu")  # fmt: skip
    assert other.exit_code != 0 and ws.event_count() == before
    assert "只能为本单位填报" in other.output
    for cycle, login in zip(cycles.values(), ASSESSED.values(), strict=True):
        declare(ws, cycle, principal=login)
    review = ("step", "review", fin, "key_targets", "--approve", "--reason", "自审")
    assert ws.run(*review, principal="caizheng").exit_code != 0
    assert ws.event_count() == before + 3  # the three declarations, not the review
    approve(ws, fin)
    approve(ws, hou)
    ws.ok("step", "review", com, "key_targets", "--reject", "--reason", "创新目标未体现中心工作")
    declare(ws, com, principal="shangwu")  # re-submitted in 重点目标申报, not yet reviewed

    # 6 整改 from 执行 on: not in 重点目标申报; in 日常管理 it is 交办 and counted monthly.
    order = ("rectify", "order", hou, "--owner", "王五", "--due", "2024-06-30")
    line = ws.refused(*order, "--problem", "党费收缴不及时", "--today", "2024-02-01")
    assert line == "错误：当前阶段为重点目标申报，不能交办整改；只能在以下阶段：执行、督查、处理"
    for cycle in cycles.values():
        assert advance(ws, cycle, "start_do") == "do"
        ws.ok("task", "complete", cycle, "1")
    first = js(ws, *order, "--problem", "党费收缴不及时", "--today", "2024-03-04")["id"]
    js(ws, *order, "--problem", "支部生活平台记录缺漏", "--today", "2024-03-11")
    ws.ok("rectify", "submit", first, "--today", "2024-03-20", principal="wangwu")
    ws.ok("rectify", "verify", first, "--accept", "--today", "2024-03-27")
    march = js(ws, "rectify", "bulletin", "2024-03")
    # 整改月报及销号: 2 交办 in March, 1 销号 → 1 / 2 = 50.0 %
    assert [(r["opened"], r["closed"], r["open"], r["rate"]) for r in march] == [(2, 1, 1, "50.0%")]

    # 4 and 10 in 分片互评.
    for cycle in cycles.values():
        assert advance(ws, cycle, "start_peer") == "check.peer"
    line = ws.refused("ballot", "issue", fin, "--group", "leaders", "--count", "3")
    assert line == (
        "错误：当前阶段为督查·分片互评，不能发放测评组 leaders 的测评票；"
        "本阶段只能记录：片内互评（peer_units）的测评票"
    )
    line = ws.refused("score", "record", fin, "b_dues", "100", "--evidence", "党务在线平台")
    assert line.startswith("错误：当前阶段为督查·分片互评，不能记录指标 b_dues")
    issue = ("ballot", "issue", fin, "--group", "peer_units", "--count", "1")
    assert ws.refused(*issue, "--rater-unit", "市财政局") == (
        "错误：评价单位 市财政局 不能为本单位评分；测评组 peer_units 的票只能发给其他单位"
    )
    line = ws.refused(*issue, "--rater-unit", "市教育局")  # 第二片
    assert line.startswith("错误：评价单位 市教育局 不在 市财政局 的联系片 第一片 内")
    assert "须发给评价单位" in ws.refused(*issue)

    # 市财政局: B = 100 − 3 (b_card_stars 7) = 97;  K = 100 − 2 (k_conduct 18) = 98
    #   O: 互评 [88 90 97] → 90; 评鉴 [90 90 90] → 90; 指导员 [85 90 92] → 90;
    #      党员 [90 90 90] → 90;  O = (90 + 90 + 90 + 90) / 4 = 90
    #   bonus: i_brand 3, declared and approved → 3
    #   total = 0.4 × 97 + 0.4 × 98 + 0.2 × 90 + 3 = 38.8 + 39.2 + 18 + 3 = 99.00
    # 市商务局: B = K = 100; O: every ballot 80 → 80;  bonus: i_mechanism 2, but only
    #   once its declaration is approved:
    #   total = 40 + 40 + 0.2 × 80 (16) + 2 = 98.00 (96.00 while not approved)
    # 市住建局: B = 100 − 10 (b_org_life 0 times: 10 − 10 × 1 = 0) = 90
    #   K = 100 − 6 (k_rectification 78 %: 90 − 78 = 12, ⌊12 / 5⌋ = 2 bands × 3) = 94
    #   O: every ballot 85 → 85;  total = 0.4 × 90 + 0.4 × 94 + 0.2 × 85 = 36 + 37.6 + 17
    #   = 90.60
    plan = {
        fin: (
            {"peer_units": [88, 90, 97], "leaders": [90] * 3, "instructors": [85, 90, 92],
             "party_members": [90] * 3},
            {**FULL_BASIC, "b_card_stars": "7", **FULL_KEY, "k_conduct": "18", "i_brand": "3"},
        ),
        com: (
            {g: [80] * 3 for _, _, g in VOTING if g},
            {**FULL_BASIC, **FULL_KEY, "i_mechanism": "2"},
        ),
        hou: (
            {g: [85] * 3 for _, _, g in VOTING if g},
            {**FULL_BASIC, "b_org_life": "0", **FULL_KEY, "k_rectification": "78"},
        ),
    }  # fmt: skip
    for cycle, (votes, items) in plan.items():
        vote(ws, cycle, "peer_units", votes["peer_units"])
        for trigger, reached, group in VOTING[1:]:
            assert advance(ws, cycle, trigger) == reached
            if group:
                vote(ws, cycle, group, votes[group])
            else:
                scores(ws, cycle, items)
            if reached == "check.members":  # 党员评议 records its ballots only
                line = ws.refused("score", "record", cycle, "b_dues", "90", "--evidence", "x")
                assert "当前阶段为督查·党员评议" in line
        assert advance(ws, cycle, "start_act") == "act"

    # 5 innovation counts only once declared and approved.
    pending = js(ws, "explain", com)
    assert Decimal(pending["bonus"]) == 0 and pending["total"] == "96.00"
    note = node(pending["tree"], "（i_mechanism）")["note"]
    assert "单位步骤 key_targets 未完成或未获批准，本项不计分" in note
    ws.ok("round", "open", "2024", "--scheme", "nantong")
    line = ws.refused("round", "finalize", "2024")
    assert "市商务局/2024" in line and "重点目标申报（key_targets）" in line, line
    assert "市财政局/2024" not in line
    # The 工委 approves the re-submitted declaration: i_mechanism's 2 counts.
    approve(ws, com)
    assert Decimal(js(ws, "explain", com)["bonus"]) == 2

    # ── the key path in real subprocesses ──────────────────────────────────────────────
    pdca(ws, "round", "finalize", "2024")
    ranking = json.loads(pdca(ws, "ranking", "2024", "--json"))
    # 99.00 > 98.00 > 90.60; grades 好 ≥ 90; tiers of 3 with this copy's cut-offs:
    # 靠前 rank ≤ 3 × 34 % = 1.02 → 1, 居中 rank ≤ 3 × 67 % = 2.01 → 2, else 靠后.
    assert [(r["unit"], r["total"], r["rank"], r["grade"], r["tier"]) for r in ranking] == [
        ("市财政局", "99.00", 1, "好", "排名靠前"),
        ("市商务局", "98.00", 2, "好", "排名居中"),
        ("市住建局", "90.60", 3, "好", "排名靠后"),
    ]
    explained = {u: json.loads(pdca(ws, "explain", c, "--json")) for u, c in cycles.items()}
    expected = {  # B, K, O, bonus, total — from the arithmetic above
        "市财政局": ("97", "98", "90", "3", "99.00"),
        "市商务局": ("100", "100", "80", "2", "98.00"),
        "市住建局": ("90", "94", "85", "0", "90.60"),
    }
    for unit, (b, k, o, bonus, total) in expected.items():
        data = explained[unit]
        parts = {c["id"]: Decimal(c["score"]) for c in data["components"]}
        assert parts == {"basic": Decimal(b), "key": Decimal(k), "overall": Decimal(o)}, unit
        assert Decimal(data["bonus"]) == Decimal(bonus), unit
        assert data["total"] == total == data["outcome"]["total"], unit

    # 10 the rater units are named, the person who filled a ballot in is not.
    peer = node(explained["市财政局"]["tree"], "片内互评")
    assert Decimal(peer["value"]) == 90  # [88 90 97] trimmed
    assert peer["note"].endswith("；票发给评价方：市商务局、市住建局、市民政局")
    assert all(leaf.get("actor", "") == "" for leaf in peer["children"])
    issued = [h["summary"] for h in js(ws, "history", fin) if h["type"] == "BallotsIssuedToRater"]
    assert issued == [f"peer_units 1 张，评价单位 {r}" for r in raters("市财政局")]

    # 8 and 9: consequences recorded at finalisation, one event per unit.
    assert used(explained["市财政局"]) == ["通报表彰"]
    assert used(explained["市商务局"]) == []
    bottom = explained["市住建局"]["results_used"]
    assert [c["label"] for c in bottom["consequences"]] == [
        "问责谈话",
        "部门综合绩效考核评优一票否决",
        "提请调整党组织负责人",  # 靠后 in 2023 and 2024
    ]
    assert bottom["consequences"][2]["periods"] == ["2023", "2024"]
    assert bottom["read"] == [{"period": "2023", "finalisation": 1}]
    (event,) = bottom["events"]
    assert (event["event"], event["round"]) == ("ConsequencesRecorded", "2024/nantong")
    text = pdca(ws, "explain", hou)
    assert "提请调整党组织负责人（连续 2 年档次为 bottom；2023、2024）" in text
    # The loop closes for a unit with no 整改 left open.
    assert advance(ws, fin, "close") == "closed"

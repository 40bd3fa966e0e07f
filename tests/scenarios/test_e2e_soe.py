"""述评考用 end to end (workflows/soe.toml, seed 002): three 企事业单位 through three years,
every mechanism issue 14 lists for this seed, through the CLI — the key path (finalising
the last year, then ``ranking`` and ``explain``) in real ``pdca`` subprocesses.

Mechanisms (issue 14) and the seed passages behind them (002_292b47decb4877ab.txt; the
seed writes 党 as “D”):
- 3 opinion → points: 「将述职评议的定性评价转换为量化考核结果,以10%的比例纳入」 — the
  opinion (好/较好/一般/差) is recorded and the scheme's table converts it (100/85/70/50,
  ASSUMPTION); a number is refused.
- 4 述 → 评 → 考 → 用 bind: 「“述”即述职」「“评”即评价」「“考”即考核」「“用”即运用」 — a 述职评议
  score or a ballot in 述 is refused naming 述; nothing is scored in 用.
- 5 四维评价 自己评 + 述职报告: 「建立考核对象自己评、党群部门综合评、班子成员分类评、党员群众
  参与评的“四维”评价体系」 — each unit's staff submit its 述职报告 (in 述) and 自己评 (in 评)
  for their own unit only; a round with a step missing is refused at finalisation.
- 7:3 and masses ≥ 15 %: 「建立定量定性“7:3”考评体系」「民主测评以20%纳入」
  「群众评价比例不少于15%」 — weights 50 + 20 | 10 + 20; the masses' group weighs 40 %, and
  without masses' ballots the democratic part cannot be scored.
- 8 A three years running → 通报表扬: 「对年度评价为“A+”及连续三年评价为“A”的企业党组织给予
  通报表扬」.
- 9 末位警示 / 淘汰: 「对排名靠后、连续排名靠后的单位党组织领导班子实行末位警示和淘汰机制」.
- 12 老毛病: 「增加“上一年考核中指出的问题整改情况”考核指标」 — scored from last year's
  rectification items still open, not typed.

Hand arithmetic, the scheme's rules: total = 0.5·Q + 0.2·Ds + 0.1·R + 0.2·M (+ bonus −
deduction), Q = Σ basic items (max 100), Ds = Σ daily/special items (max 100), R = the
opinion's points, M = 0.3·leaders + 0.3·middle + 0.4·masses, each group's mean after
dropping its one highest and one lowest ballot; rounded half-up once, to 0.01.
Grades A+ ≥ 95, A ≥ 90, B ≥ 80; forced distribution per category: A+ ≤ ⌊10 % · n⌋,
A+∪A ≤ ⌊40 % · n⌋ — with n = 3: A+ ≤ ⌊0.3⌋ = 0 and A+∪A ≤ ⌊1.2⌋ = 1.
"""

from __future__ import annotations

import json
from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import advance, ballots, js, node, pdca, scores, used

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

CATEGORY = "企事业单位"
BALLOT_ITEMS = {"results": 20, "center_work": 20, "service": 20, "execution": 20, "learning": 20}
FULL_BASIC = {  # last_year_rectification (max 10) is never typed: it is 老毛病
    "responsibility_lists": "20",
    "first_topic": "12",  # per_occurrence: 12 required, −1 each short (max 10)
    "institutions": "15",
    "business_integration": "20",
    "individual_targets": "25",
}
FULL_DAILY = {"daily_checks": "40", "inspection": "30", "major_tasks": "30"}
UNITS = {"甲公司": "jia", "乙公司": "yi", "丙公司": "bing"}  # unit → its staff login
OWNER = "王五"


def open_year(ws: Workspace, unit: str, period: str) -> str:
    ws.ok("cycle", "open", unit, period, "--scheme", "soe")
    cycle = f"{unit}/{period}"
    ws.ok("task", "add", cycle, "重点任务1", "--deadline", f"{period}-06-30")
    ws.ok("task", "publish", cycle)
    assert advance(ws, cycle, "start_do") == "do"
    ws.ok("task", "complete", cycle, "1")
    return cycle


def steps(ws: Workspace, cycle: str, step: str, principal: str | None = None) -> None:
    ws.ok("step", "record", cycle, step, "--text", f"{cycle} {step}", "--evidence", "材料",
          principal=principal)  # fmt: skip


def quick_year(ws: Workspace, unit: str, period: str, vote: int) -> str:
    """2023 and 2024: full marks but the ballots (every one ``vote``, four per group):
    Q = 100, Ds = 100, R = 好 → 100, M = vote →
    total = 50 + 20 + 10 + 0.2 × vote = 80 + 0.2 × vote."""
    cycle = open_year(ws, unit, period)
    advance(ws, cycle, "start_report")
    steps(ws, cycle, "report")
    advance(ws, cycle, "start_evaluate")
    steps(ws, cycle, "self_evaluation")
    scores(ws, cycle, {**FULL_BASIC, **FULL_DAILY, "secretary_report": "好"})
    ballots(ws, cycle, BALLOT_ITEMS, {g: [vote] * 4 for g in ("leaders", "middle", "masses")})
    assert advance(ws, cycle, "start_assess") == "act.assess"
    return cycle


def test_soe_end_to_end(workspace: Workspace) -> None:
    ws = workspace
    for unit in UNITS:
        ws.ok("unit", "add", unit, "--category", CATEGORY)

    # ── 2023 and 2024 ──────────────────────────────────────────────────────────────────
    # 甲 vote 90 → 80 + 18 = 98.00: A+ by points, A+ quota 0 → A; A+∪A quota 1 → keeps A.
    # 乙 vote 80 → 80 + 16 = 96.00: A+ → A (quota 0) → B (the one A place is 甲's).
    # 丙 vote 50 → 80 + 10 = 90.00: A by points → B (same quota); last of 3 → 末位警示.
    yearly = {}
    for period in ("2023", "2024"):
        cycles = {u: quick_year(ws, u, period, v) for u, v in zip(UNITS, (90, 80, 50), strict=True)}
        if period == "2024":
            # 12 老毛病 begins: 整改 ordered in 丙's 2024 执行 (交办), one closed out (销号),
            # one left open — carried into 2025 when its cycle opens.
            ordered = [
                js(ws, "rectify", "order", cycles["丙公司"], "--problem", problem,
                   "--owner", OWNER, "--due", "2024-12-31", "--today", "2024-09-01")["id"]
                for problem in ("“第一议题”学习记录不全", "班子成员“一岗双责”清单未更新")
            ]  # fmt: skip
            ws.ok("rectify", "submit", ordered[0], "--today", "2024-10-08", actor=OWNER)
            ws.ok("rectify", "verify", ordered[0], "--accept", "--today", "2024-10-15")
        ws.ok("round", "open", period, "--scheme", "soe")
        done = js(ws, "round", "finalize", period)
        assert {o["unit"]: (o["total"], o["rank"], o["grade"]) for o in done["outcomes"]} == {
            "甲公司": ("98.00", 1, "A"),
            "乙公司": ("96.00", 2, "B"),
            "丙公司": ("90.00", 3, "B"),
        }
        yearly[period] = cycles
    assert used(js(ws, "explain", yearly["2023"]["丙公司"])) == ["末位警示"]
    assert used(js(ws, "explain", yearly["2024"]["丙公司"])) == [
        "末位警示",
        "淘汰机制（连续排名靠后）",
    ]
    assert used(js(ws, "explain", yearly["2024"]["甲公司"])) == []  # A only two years so far

    # ── 2025, in full ──────────────────────────────────────────────────────────────────
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    for unit, login in UNITS.items():
        ws.ok("account", "add", login, "--person", f"{unit}-填报员", "--role", "staff",
              "--unit", unit)  # fmt: skip
    cycles = {u: open_year(ws, u, "2025") for u in UNITS}
    jia, yi, bing = cycles.values()
    history = js(ws, "history", bing)
    carried = [h for h in history if h["type"] == "ProblemsCarriedIn"]
    assert len(carried) == 1 and "班子成员“一岗双责”清单未更新" in carried[0]["summary"]

    # 4 述 binds: the secretary reports; nothing is scored or voted while he does.
    for cycle in cycles.values():
        assert advance(ws, cycle, "start_report") == "check.report"
    line = ws.refused("score", "record", jia, "secretary_report", "好", "--evidence", "评议会")
    assert line.startswith("错误：当前阶段为督查·述，不能记录指标 secretary_report")
    assert line.endswith("本阶段只能记录：督查发现、单位步骤 述职报告（report）")
    line = ws.refused("ballot", "issue", jia, "--group", "masses", "--count", "5")
    assert line.startswith("错误：当前阶段为督查·述，不能发放测评组 masses 的测评票")
    # 5 述职报告: by the unit's own staff only, in 述; 自己评 is not yet (it belongs to 评).
    before = ws.event_count()
    other = ws.run("step", "record", jia, "report", "--text", "代填", "--evidence", "x",
                   principal="yi")  # fmt: skip
    assert other.exit_code != 0 and ws.event_count() == before
    assert "只能为本单位填报" in other.output and len(other.output.strip().splitlines()) == 1
    early = ws.run("step", "record", jia, "self_evaluation", "--text", "自评", "--evidence", "x",
                   principal="jia")  # fmt: skip
    assert early.exit_code != 0 and ws.event_count() == before
    for cycle, login in zip(cycles.values(), UNITS.values(), strict=True):
        steps(ws, cycle, "report", principal=login)
    last = js(ws, "history", jia)[-1]
    assert (last["type"], last["actor"]) == ("UnitStepRecorded", "甲公司-填报员")

    # 评: the 四维 — 自己评 (steps), 党群部门综合评 (items), 班子成员分类评 and 党员群众
    # 参与评 (ballot groups).
    for cycle in cycles.values():
        assert advance(ws, cycle, "start_evaluate") == "check.evaluate"
    for cycle, login in zip(
        (jia, yi), ("jia", "yi"), strict=True
    ):  # 丙's 自己评 comes late (below)
        steps(ws, cycle, "self_evaluation", principal=login)

    # 3 opinion → points: a number is refused; the opinion is the fact.
    line = ws.refused("score", "record", jia, "secretary_report", "100", "--evidence", "评议会")
    assert line == (
        "错误：指标 secretary_report（党组织书记抓基层党建述职评议）按意见计分，'100' 不可用；"
        "允许：好（100 分）、较好（85 分）、一般（70 分）、差（50 分）"
    )
    # 12 老毛病 is not typed.
    line = ws.refused("score", "record", bing, "last_year_rectification", "10", "--evidence", "x")
    assert "按上期未销号的整改项自动计分，不能记录得分" in line

    # 甲: Q = 20 + 10 (12 times) + 15 + 20 + 25 + 10 (no problem carried) = 100 → 50
    #     Ds = 40 + 30 + 30 = 100 → 20;  R = 好 → 100 → 0.1 × 100 = 10
    #     M: leaders [90 92 93 94 96] → (92 + 93 + 94) / 3 = 93
    #        middle  [88 89 90 91 92] → (89 + 90 + 91) / 3 = 90
    #        masses  [80 85 90 95 99] → (85 + 90 + 95) / 3 = 90
    #        M = 0.3 × 93 + 0.3 × 90 + 0.4 × 90 = 27.9 + 27 + 36 = 90.9 → 0.2 × 90.9 = 18.18
    #     total = 50 + 20 + 10 + 18.18 = 98.18
    scores(ws, jia, {**FULL_BASIC, **FULL_DAILY, "secretary_report": "好"})
    ballots(ws, jia, BALLOT_ITEMS,
            {"leaders": [90, 92, 93, 94, 96], "middle": [88, 89, 90, 91, 92]})  # fmt: skip
    # masses ≥ 15 %: ten ballots meet the quorum, but without the masses' the democratic
    # part (and so the cycle) is not scored — renormalising would give them 0 %.
    refused = js(ws, "explain", jia)["refused"]
    assert "评议群体 masses 没有有效票，方案规定其权重不少于 15%" in refused, refused
    ballots(ws, jia, BALLOT_ITEMS, {"masses": [80, 85, 90, 95, 99]})

    # 乙: Q = 20 + 9 (11 times: 10 − 1) + 15 + 20 + 25 + 10 = 99 → 0.5 × 99 = 49.5
    #     Ds = 38 + 30 + 30 = 98 → 0.2 × 98 = 19.6;  R = 较好 → 85 → 8.5
    #     M = 85 (every ballot 85) → 17
    #     total = 49.5 + 19.6 + 8.5 + 17 = 94.60
    scores(ws, yi, {**FULL_BASIC, "first_topic": "11", **FULL_DAILY, "daily_checks": "38",
                    "secretary_report": "较好"})  # fmt: skip
    ballots(ws, yi, BALLOT_ITEMS, {g: [85] * 4 for g in ("leaders", "middle", "masses")})

    # 丙: Q = 20 + 10 + 15 + 20 + 25 + (10 − 1 × 1 problem carried, still open) 9 = 99
    #       → 49.5;  Ds = 100 → 20;  R = 一般 → 70 → 7;  M = 80 → 16
    #     total = 49.5 + 20 + 7 + 16 = 92.50
    scores(ws, bing, {**FULL_BASIC, **FULL_DAILY, "secretary_report": "一般"})
    ballots(ws, bing, BALLOT_ITEMS, {g: [80] * 4 for g in ("leaders", "middle", "masses")})

    # 考: the grade is formed; 丙's 自己评 is still missing, so the round cannot be final.
    for cycle in cycles.values():
        assert advance(ws, cycle, "start_assess") == "act.assess"
    ws.ok("round", "open", "2025", "--scheme", "soe")
    line = ws.refused("round", "finalize", "2025")
    assert "丙公司/2025（单位步骤 考核对象自己评（self_evaluation）单位尚未提交）" in line, line
    steps(ws, bing, "self_evaluation", principal="bing")  # 补记 in 考

    # ── the key path in real subprocesses ──────────────────────────────────────────────
    pdca(ws, "round", "finalize", "2025")
    ranking = json.loads(pdca(ws, "ranking", "2025", "--json"))
    # 98.18 > 94.60 > 92.50. By points A+ (98.18), A, A; A+ quota 0 → 甲 A; A+∪A quota 1
    # → 甲 keeps A, 乙 and 丙 → B.
    assert [(r["unit"], r["total"], r["rank"], r["grade"]) for r in ranking] == [
        ("甲公司", "98.18", 1, "A"),
        ("乙公司", "94.60", 2, "B"),
        ("丙公司", "92.50", 3, "B"),
    ]
    explained = {u: json.loads(pdca(ws, "explain", c, "--json")) for u, c in cycles.items()}

    # 7:3 — 定量 50 + 20, 定性 10 + 20; 甲's parts: 50 + 20 | 10 + 18.18.
    jia_data = explained["甲公司"]
    parts = {c["id"]: c for c in jia_data["components"]}
    weights = {k: Decimal(c["weight"]) for k, c in parts.items()}
    assert weights == {"quantitative": 50, "daily_special": 20, "report_review": 10,
                       "democratic": 20}  # fmt: skip
    assert weights["quantitative"] + weights["daily_special"] == 70
    assert weights["report_review"] + weights["democratic"] == 30
    assert {k: Decimal(c["weighted"]) for k, c in parts.items()} == {
        "quantitative": Decimal("50"),
        "daily_special": Decimal("20"),
        "report_review": Decimal("10"),
        "democratic": Decimal("18.18"),
    }
    shown = js(ws, "scheme", "show", "soe")
    masses = next(g for g in shown["ballot"]["groups"] if g["id"] == "masses")
    assert Decimal(masses["weight"]) >= Decimal(shown["ballot"]["masses_min_share"]) == 15
    democratic = node(jia_data["tree"], "民主测评")
    assert Decimal(democratic["value"]) == Decimal("18.18")  # 0.2 × 90.9
    masses_node = node(democratic, "基层代表（党员群众）")
    assert Decimal(masses_node["value"]) == 90  # (85 + 90 + 95) / 3
    assert masses_node["note"] == "3 张票的平均分，权重 40%"
    assert sum("（去掉）" in c["label"] for c in masses_node["children"]) == 2

    # 3 the opinion table, with the event the opinion came from.
    for unit, word, points in (
        ("甲公司", "好", 100),
        ("乙公司", "较好", 85),
        ("丙公司", "一般", 70),
    ):
        item = node(explained[unit]["tree"], "（secretary_report）")
        assert Decimal(item["value"]) == points
        assert item["note"] == (
            f"意见「{word}」按方案折 {points} 分（好 100、较好 85、一般 70、差 50）；满分 100"
        )
        leaf = item["children"][0]
        assert leaf["label"] == f"记录意见「{word}」" and isinstance(leaf["position"], int)
        recorded = js(ws, "history", cycles[unit])
        assert any(
            h["position"] == leaf["position"] and h["type"] == "OpinionRecorded" for h in recorded
        )
    assert Decimal(node(explained["乙公司"]["tree"], "述职评议")["value"]) == 85  # 8.5 of 10

    # 12 老毛病: 10 − 1 × 1 = 9, the carried problem under the item; none for 甲.
    old = node(explained["丙公司"]["tree"], "（last_year_rectification）")
    assert Decimal(old["value"]) == 10 - 1 * 1
    (problem,) = old["children"]
    assert problem["label"] == (
        "上期整改未销号：班子成员“一岗双责”清单未更新（丙公司/2024，期限 2024-12-31）"
    )
    assert Decimal(problem["value"]) == -1 and problem["event_id"].startswith("丙公司/2025:")
    assert Decimal(node(jia_data["tree"], "（last_year_rectification）")["value"]) == 10

    # 8 and 9: consequences recorded at finalisation, one event per unit, with the
    # earlier publications they read.
    assert used(jia_data) == ["通报表扬（连续三年 A）"]  # A in 2023, 2024, 2025
    commended = jia_data["results_used"]["consequences"][0]
    assert commended["periods"] == ["2023", "2024", "2025"]
    assert commended["because"] == "连续 3 年等次为 A"
    assert jia_data["results_used"]["read"] == [
        {"period": "2023", "finalisation": 1},
        {"period": "2024", "finalisation": 1},
    ]
    (event,) = jia_data["results_used"]["events"]
    assert (event["event"], event["round"]) == ("ConsequencesRecorded", "2025/soe")
    assert used(explained["乙公司"]) == []
    # 丙 last in 2023, 2024 and 2025: 末位警示 and, two years running, 淘汰.
    assert used(explained["丙公司"]) == ["末位警示", "淘汰机制（连续排名靠后）"]
    elimination = explained["丙公司"]["results_used"]["consequences"][1]
    assert elimination["periods"] == ["2024", "2025"]
    text = pdca(ws, "explain", bing)
    assert "结果运用：" in text and "末位警示（排名末 1；2025）" in text
    assert "来自轮次 2025/soe 第" in text and "ConsequencesRecorded" in text
    assert "跨年规则读取往年发布结果：2023（第 1 次定稿）、2024（第 1 次定稿）" in text
    for unit, data in explained.items():
        assert data["total"] == data["outcome"]["total"], unit

    # 用: results applied, nothing more scored; the loop closes.
    for cycle in cycles.values():
        assert advance(ws, cycle, "start_apply") == "act.apply"
    line = ws.refused("score", "record", jia, "innovation", "1", "--evidence", "上级表彰")
    assert line.startswith("错误：当前阶段为处理·用，不能记录指标 innovation")
    ws.ok("rectify", "order", bing, "--problem", "末位警示整改", "--owner", OWNER,
          "--due", "2026-03-31", "--today", "2025-12-20")  # fmt: skip
    assert advance(ws, jia, "close") == "closed"

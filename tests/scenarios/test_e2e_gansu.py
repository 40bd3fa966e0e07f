"""甘肃 精准化考核 end to end (seed 003_358ddf344d6e8492.txt, workflows/gansu.toml), through
the CLI — the key path (finalising, ranking, explain, closing) in real ``pdca``
subprocesses. Issue 14's mechanisms for 甘肃:

1. 采分点 — 「将……书记……的职能职责细化为4项12条,逐一对照印证查验」: the 书记's 4 items of
   3 条 each (and the 三级责任清单) are recorded point by point and scored as their sum.
2. A catalogue as deep as the seed — 「聚焦服务中心工作、落实主体责任、完成重点任务、强化基础
   保障4大重点,将考核内容细化为16类、71条评分项」, 「能够量化的57项指标…不易量化的11项指标」:
   4 → 16 → 71 with the counts declared per level, checked without a false warning.
4. Sub-stages that bind — 「将考核分为筹备自查、实地考核、考核汇总、结果审定4个阶段,按照时间
   计划,压茬有序推进」: in order; 筹备自查 takes only the unit's 自查; 结果审定 is left only by
   someone outside the unit's 考核组.
5. 自查 — the unit's own step, recorded by its own staff in 筹备自查, required before the
   round is finalised.
11. Teams — 「抽调55名省直机关工委和省直部门的党务干部,组成了11个考核组」: a supervisor of the
   第三考核组 records for its 考核片's units only, and may not approve their result.

Figures by hand from workflows/gansu.toml (the maxima read from ``scheme show``): the 71 条
are worth 100 points, so 实地考核 is the points earned, weighted 60%; 平时考核 two marks of
50, weighted 30%; 单位民主测评 the mean of the ballots less the highest and the lowest,
weighted 10%; the total rounded once, half-up, to 0.01; 好 ≥ 90, 较好 ≥ 80 (ASSUMPTION).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._e2e import js, pdca, refused, run, walk

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

FIN, EDU = "省财政厅", "省教育厅"
BALLOT = ("political", "ideological", "organisational", "conduct", "discipline", "institutions")
SPLITS = {  # a ballot total over the six items (maxima 20/20/15/15/15/15)
    100: (20, 20, 15, 15, 15, 15),
    90: (18, 18, 14, 14, 13, 13),
    80: (16, 16, 12, 12, 12, 12),
    60: (12, 12, 9, 9, 9, 9),
}


def full_marks(shown: dict[str, Any]) -> dict[str, str]:
    """What earns every point of the 71 条, keyed as ``score record`` takes it: each 采分点's
    maximum, an item's maximum (直接计分), its required count (按次), or 100% (按档)."""
    full = {}
    for category in shown["catalog"]:
        if not category["area"]:  # 平时考核, outside the 71
            continue
        for item in category["items"]:
            if item["scored_points"]:
                full.update({f"{item['id']}.{p['id']}": p["max"] for p in item["points"]})
            elif item["rule"] == "per_occurrence":
                full[item["id"]] = item["required"]
            else:
                full[item["id"]] = "100" if item["rule"] == "banded" else item["max"]
    return full


def advance(ws: Workspace, cycle: str, trigger: str, principal: str | None = None) -> str:
    return js(ws, "cycle", "advance", cycle, trigger, principal=principal)["stage"]


def ballots(ws: Workspace, cycle: str, totals: list[int]) -> None:
    """单位民主测评: tokens issued, the ballots imported as one file."""
    tokens = js(ws, "ballot", "issue", cycle, "--group", "staff", "--count", str(len(totals)))[
        "tokens"
    ]
    rows = [",".join(("token", *BALLOT))]
    rows += [",".join((t, *map(str, SPLITS[n]))) for t, n in zip(tokens, totals, strict=True)]
    path = ws.root / f"ballots-{cycle.split('/')[0]}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert js(ws, "ballot", "import", cycle, str(path))["cast"] == len(totals)


def test_gansu_year_end_to_end(workspace: Workspace) -> None:
    ws = workspace
    # ── 2. the catalogue: 4 大重点 → 16 类 → 71 条; 57 定量 + 11 定性 (+ 3 of neither) ──
    shown = js(ws, "scheme", "show", "gansu")
    in_areas = [c for c in shown["catalog"] if c["area"]]
    items = [i for c in in_areas for i in c["items"]]
    assert (len(shown["areas"]), len(in_areas), len(items)) == (4, 16, 71)
    assert sum(a["items"] for a in shown["areas"]) == 71
    kinds = [i["kind"] for i in items]
    assert [kinds.count(k) for k in ("quantitative", "qualitative", "unstated")] == [57, 11, 3]
    assert sum(Decimal(i["max"]) for i in items) == 100
    assert shown["warnings"] == []  # every declared count agrees at its level
    # 1. 书记 4项12条: four items of three 采分点.
    secretaries = next(c for c in in_areas if c["id"] == "mr_secretaries")
    assert [len(i["points"]) for i in secretaries["items"]] == [3, 3, 3, 3]
    full = full_marks(shown)
    assert len(full) == 71 - 5 + 3 + 4 * 3  # 5 items by their 15 points: 81 records

    # ── 11. the 11 考核组; the units in two of their 考核片 ─────────────────────────
    assert [t["label"] for t in shown["teams"]][::5] == ["第一考核组", "第六考核组", "第十一考核组"]
    assert len(shown["teams"]) == 11
    ws.ok("unit", "add", FIN, "--category", "党政机关", "--grid", "第三考核片")
    ws.ok("unit", "add", EDU, "--category", "党政机关", "--grid", "第五考核片")
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "lisi", "--person", "第三考核组-李四", "--role", "supervisor")
    for login, unit in (("caizheng", FIN), ("jiaoyu", EDU)):
        ws.ok("account", "add", login, "--person", f"{unit}-填报员", "--role", "staff",
              "--unit", unit)  # fmt: skip
    team = js(ws, "account", "team", "group_03", "--scheme", "gansu")
    assert team == {"name": "第三考核组", "units": [], "grids": ["第三考核片"]}
    ws.ok("account", "scope", "lisi", "--team", "第三考核组")

    cycles = {}
    for unit in (FIN, EDU):
        cycle = cycles[unit] = f"{unit}/2017"
        ws.ok("cycle", "open", unit, "2017", "--scheme", "gansu")
        ws.ok("task", "add", cycle, "准备印证资料", "--deadline", "2017-10-31")
        ws.ok("task", "publish", cycle)
        assert advance(ws, cycle, "start_do") == "do"
        ws.ok("task", "complete", cycle, "1")
        # ── 4. 筹备自查: the sub-stages run in order ─────────────────────────────────
        assert "可用触发器：start_self_check" in refused(
            ws, "cycle", "advance", cycle, "start_on_site"
        )
        assert advance(ws, cycle, "start_self_check") == "check.self_check"
        # 筹备自查 binds: the 考核组 records nothing here yet.
        line = refused(ws, "score", "record", cycle, "sc_integration", "3", "--evidence", "x")
        assert "督查·筹备自查" in line
    fin, edu = cycles[FIN], cycles[EDU]

    # ── 5. the unit's 自查, by its own staff only ─────────────────────────────────────
    check = ("step", "record", fin, "self_check", "--text", "2017年度党建工作自查报告",
             "--evidence", "印证资料清单")  # fmt: skip
    assert "只能为本单位填报" in refused(ws, *check, principal="jiaoyu")
    ws.ok(*check, principal="caizheng")
    history = js(ws, "history", fin)
    assert (history[-1]["type"], history[-1]["actor"]) == ("UnitStepRecorded", "省财政厅-填报员")
    # 省教育厅 has not done its 自查 yet (it is done late, below).

    # ── 实地考核 ───────────────────────────────────────────────────────────────────────
    for cycle in (fin, edu):
        assert advance(ws, cycle, "start_on_site") == "check.on_site"
    # 省财政厅, by the 第三考核组 (李四), short of:
    #   sec_branch.talks 0 of 1 (−1); sec_committee.supervise 0.5 of 1 (−0.5);
    #   mr_lists.branches 0.5 of 1 (−0.5);
    #   bs_branch_committee 10 of 12 required, 0.5 each: 2 × 0.5 (−1);
    #   bs_members_meeting 85%: ⌊(100 − 85) / 10⌋ = 1 band × 1 (−1)
    #   实地考核 = 100 − 1 − 0.5 − 0.5 − 1 − 1 = 96 → × 60% = 57.6
    #   平时考核 45 + 44 = 89 → × 30% = 26.7
    #   民主测评 ten 90s, a 60 and a 100: drop 60 and 100 → 90 → × 10% = 9
    #   total 57.6 + 26.7 + 9 = 93.3 → 93.30 (好)
    short = {
        "sec_branch.talks": "0",
        "sec_committee.supervise": "0.5",
        "mr_lists.branches": "0.5",
        "bs_branch_committee": "10",
        "bs_members_meeting": "85",
    }
    for item, value in {**full, **short, "routine_committee": "45",
                        "routine_departments": "44"}.items():  # fmt: skip
        ws.ok("score", "record", fin, item, value, "--evidence", "逐项核查", principal="lisi")
    # 11. the 第三考核组 records for its 考核片 only.
    line = refused(ws, "score", "record", edu, "sc_integration", "3", "--evidence", "x",
                   principal="lisi")  # fmt: skip
    assert "第三考核组" in line and "省教育厅" in line
    # 1. an item with 采分点 is recorded point by point.
    line = refused(ws, "score", "record", edu, "sec_branch", "3", "--evidence", "x")
    assert "按采分点计分；请逐个记录采分点：sec_branch.meetings" in line
    # 省教育厅, by the committee: short of sec_leading_group.lead 0 of 1 (−1)
    #   实地考核 = 99 → × 60% = 59.4;  平时考核 35 + 35 = 70 → × 30% = 21
    #   民主测评 twelve 80s → 80 → × 10% = 8
    #   total 59.4 + 21 + 8 = 88.4 → 88.40 (较好)
    for item, value in {**full, "sec_leading_group.lead": "0", "routine_committee": "35",
                        "routine_departments": "35"}.items():  # fmt: skip
        ws.ok("score", "record", edu, item, value, "--evidence", "逐项核查")
    ballots(ws, fin, [90] * 10 + [60, 100])
    ballots(ws, edu, [80] * 12)

    # ── 考核汇总 → 结果审定 ────────────────────────────────────────────────────────────
    for cycle in (fin, edu):
        assert advance(ws, cycle, "start_summary") == "act.summary"
        assert advance(ws, cycle, "start_approval") == "act.approval"
    ws.ok("round", "open", "2017", "--scheme", "gansu")
    # 5. 自查 is required: the round waits for 省教育厅's.
    line = refused(ws, "round", "finalize", "2017")
    assert "省教育厅/2017（单位步骤 筹备自查（self_check）单位尚未提交）" in line
    assert "省财政厅/2017" not in line
    ws.ok("step", "record", edu, "self_check", "--text", "自查报告（补记）", "--evidence",
          "印证资料清单", principal="jiaoyu")  # fmt: skip

    # ── finalised in a subprocess ──────────────────────────────────────────────────────
    done = pdca(ws, "round", "finalize", "2017")
    assert {o["unit"]: (o["total"], o["grade"]) for o in done["outcomes"]} == {
        FIN: ("93.30", "好"),
        EDU: ("88.40", "较好"),
    }
    ranking = pdca(ws, "ranking", "2017")
    assert [(r["unit"], r["total"], r["rank"], r["grade"]) for r in ranking] == [
        (FIN, "93.30", 1, "好"),
        (EDU, "88.40", 2, "较好"),
    ]
    explained = pdca(ws, "explain", fin)
    weighted = {c["id"]: Decimal(c["weighted"]) for c in explained["components"]}
    assert weighted == {
        "on_site": Decimal("57.6"),
        "routine": Decimal("26.7"),
        "democratic": Decimal("9"),
    }
    # 1. each 采分点 under its item, with the event it came from (李四's record).
    nodes = {n["label"]: n for n in walk(explained["tree"])}
    branch = nodes["基层党支部书记履职（sec_branch）"]
    assert Decimal(branch["value"]) == 2  # meetings 1 + talks 0 + members 1
    talks = nodes["谈心谈话（sec_branch.talks）"]
    (leaf,) = talks["children"]
    assert leaf["event_id"].startswith(f"{fin}:") and leaf["actor"] == "第三考核组-李四"
    # The category: 3 + 3 + 3 + 3 = 12 less talks 1 and supervise 0.5 = 10.5.
    assert Decimal(nodes["书记履职尽责（4项12条）"]["value"]) == Decimal("10.5")

    # ── 4 / 11. 结果审定 left by someone outside the unit's 考核组 ─────────────────────
    line = refused(ws, "cycle", "advance", fin, "close", principal="lisi")
    assert line == (
        "错误：处理·结果审定须由考核组以外的人审定；第三考核组-李四 属于考核组 第三考核组"
        "（考核 省财政厅），未记录"
    )
    # The 工委 (unscoped, in no 考核组) approves and closes both.
    assert advance(ws, edu, "close") == "closed"
    closed = run(ws, "cycle", "advance", fin, "close", "--reason", "结果审定完毕")
    assert closed.returncode == 0, closed.stderr
    moves = [h["summary"].split("（")[0] for h in js(ws, "history", fin)
             if h["type"] == "StageAdvanced"]  # fmt: skip
    assert moves == [
        "计划 → 执行",
        "执行 → 督查·筹备自查",
        "督查·筹备自查 → 督查·实地考核",
        "督查·实地考核 → 处理·考核汇总",
        "处理·考核汇总 → 处理·结果审定",
        "处理·结果审定 → 已结束",
    ]

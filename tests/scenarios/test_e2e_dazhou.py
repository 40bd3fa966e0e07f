"""达州 绩效指数管理 end to end (seed 000_0299eaa014ab485a.txt, workflows/dazhou.toml),
through the CLI — the key path (finalising the year, ranking, explain) in real ``pdca``
subprocesses. Issue 14's mechanisms for 达州:

1. 采分点 — 「将履行党建责任分为意识形态、党内政治生活、主体责任落实、党建绩效管理、
   干部驻村帮扶、其他工作等六大类17项56个指标」: the 党建履职指数 is recorded by its 56 指标;
   an item scores the sum of its points; recording an item whole is refused.
6. 整改 from 执行 — 「每月下发任务清单,每季度开展调研督查,并在…平台上通报重点工作落实情况」,
   「通报问题、整改情况实行定期回访」: a 通报 orders 整改 while the cycle is still in 执行, a
   督查 finding too; the monthly bulletin counts them.
7. Quarters rolled up — 「按照每季度、每半年、每年三个时间段分别制定党组织班子抓党建工作履职指数」:
   four quarter sheets, each published by its round, roll into the year; a quarter not yet
   published makes the year incomplete.
9. Consequences — 「党建考核评定等次为“差”的单位年度考核一票否决,不作为绩效考核优秀单位,
   单位主要负责同志取消年度优秀资格」, 「党建工作做得好的单位,党建经费优先保障、年度考核优先
   排名、单位干部优先提拔」, 「津贴兑现首先考核党建工作…与…绩效奖励挂钩」 (amounts ASSUMPTION).
12. 老毛病: 达州's scheme has no indicator for it (the seed names none) — not exercised.

Figures by hand from workflows/dazhou.toml: 党建绩效指数 P and 党建履职指数 D are each 100
less what the items fall short; the year weighs P 40 / D 40 / quarters 20 (the mean of
the four published quarterly totals); a year without quarterly sheets drops the roll-up
and reads 50 / 50. A quarter's 绩效指数 is not applicable (the seed sets only the 履职指数
per quarter), so a quarter's total is its D. Bonus (创新激励) and deductions (督查 findings)
after weighting; the total rounded once, half-up, to 0.01. Grades 好 ≥ 90 … (ASSUMPTION);
a 严重问题 finding forces 差.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._e2e import js, pdca, walk

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

A, B = "市财政局", "市教育局"
OWNER = "市财政局机关党委"

# 党建绩效指数: full marks of its 20 standards (direct → max, 按次 → the required count,
# 按档 → 100%): 5 aspects × 4 × 5 points = 100.
PERFORMANCE = {
    "team_committee": "5", "team_deputy": "5", "team_recruitment": "5", "team_training": "5",
    "act_three_meetings": "12", "act_party_day": "12", "act_org_life": "5",
    "act_volunteering": "100",
    "pos_room": "5", "pos_standard_branch": "5", "pos_online": "5", "pos_platform": "5",
    "inst_standard_method": "5", "inst_filing": "5", "inst_dues": "100",
    "inst_leader_contact": "5",
    "sup_budget": "5", "sup_office": "5", "sup_funds_use": "5", "sup_handbook": "5",
}  # fmt: skip
# 党建履职指数: full marks of its 56 指标 (采分点), by item: 6 categories, 17 items.
DUTY_BY_ITEM = {
    # 意识形态 15
    "ideo_responsibility": {"ideo_resp_plan": "2", "ideo_resp_report": "1.5",
                            "ideo_resp_check": "1.5"},
    "ideo_group_study": {"ideo_study_plan": "1", "ideo_study_times": "2",
                         "ideo_study_seminar": "1", "ideo_study_record": "1"},
    "ideo_positions": {"ideo_pos_online": "2", "ideo_pos_forums": "2", "ideo_pos_opinion": "1"},
    # 党内政治生活 20
    "pol_democratic_life": {"pol_dl_opinions": "2", "pol_dl_materials": "2",
                            "pol_dl_criticism": "2", "pol_dl_follow_up": "1"},
    "pol_org_life": {"pol_ol_branch": "3", "pol_ol_party_day": "2", "pol_ol_lecture": "2"},
    "pol_talks": {"pol_talks_team": "2", "pol_talks_heads": "2", "pol_talks_members": "2"},
    # 主体责任落实 20
    "resp_study": {"resp_study_quarterly": "3", "resp_study_plan": "2", "resp_study_list": "2"},
    "resp_report": {"resp_report_text": "3", "resp_report_problems": "2",
                    "resp_report_measures": "2"},
    "resp_contact": {"resp_contact_cover": "2", "resp_contact_guide": "2",
                     "resp_contact_tasks": "2"},
    # 党建绩效管理 20
    "pm_task_list": {"pm_task_start": "1.5", "pm_task_deadline": "2", "pm_task_progress": "1.5",
                     "pm_task_quality": "2"},
    "pm_rectification": {"pm_rect_on_time": "3", "pm_rect_revisit": "2",
                         "pm_rect_accountable": "2"},
    "pm_bimonthly": {"pm_bim_meeting": "2", "pm_bim_theme": "2", "pm_bim_model": "2"},
    # 干部驻村帮扶 10
    "va_staffing": {"va_staff_selected": "2", "va_staff_managed": "1.5", "va_staff_cared": "1.5"},
    "va_results": {"va_res_measures": "2", "va_res_problems": "2", "va_res_volunteers": "1"},
    # 其他工作 15
    "other_recruitment": {"other_rec_plan": "1", "other_rec_record": "1.5",
                          "other_rec_election": "1.5", "other_rec_filing": "1"},
    "other_office": {"other_office_set_up": "2", "other_office_deputy": "2",
                     "other_office_training": "1"},
    "other_assigned": {"other_assigned_tasks": "2", "other_assigned_platform": "1",
                       "other_assigned_publicity": "1", "other_assigned_volunteering": "1"},
}  # fmt: skip
DUTY = {f"{item}.{p}": v for item, points in DUTY_BY_ITEM.items() for p, v in points.items()}


def record(ws: Workspace, cycle: str, values: dict[str, str]) -> None:
    for item, value in values.items():
        ws.ok("score", "record", cycle, item, value, "--evidence", "查阅资料、现场核查")


def to_check(ws: Workspace, unit: str, period: str) -> str:
    """Open the unit's cycle, publish its task list (清单式管理), into 执行."""
    cycle = f"{unit}/{period}"
    ws.ok("cycle", "open", unit, period, "--scheme", "dazhou")
    ws.ok("task", "add", cycle, "基层党建重点任务", "--deadline", f"{period[:4]}-11-30")
    ws.ok("task", "publish", cycle)
    assert js(ws, "cycle", "advance", cycle, "start_do")["stage"] == "do"
    ws.ok("task", "complete", cycle, "1")
    return cycle


def quarter(ws: Workspace, q: str, short: dict[str, str]) -> str:
    """A quarter's 履职指数 sheet for 市财政局, published by its own round."""
    period = f"2024-{q}"
    cycle = to_check(ws, A, period)
    js(ws, "cycle", "advance", cycle, "start_check")
    ws.ok("score", "na", cycle, "performance_index", "--reason", "党建绩效指数按年度考核")
    record(ws, cycle, {**DUTY, **short})
    js(ws, "cycle", "advance", cycle, "start_act")
    ws.ok("round", "open", period, "--scheme", "dazhou")
    if q != "Q4":  # Q4 is published later: first the year must wait for it
        ws.ok("round", "finalize", period)
    return cycle


def test_dazhou_year_end_to_end(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", A, "--category", "党政机关")
    ws.ok("unit", "add", B, "--category", "党政机关")

    # ── 1. the catalogue: 5 aspects / 20 standards; 6 categories / 17 items / 56 指标 ──
    shown = js(ws, "scheme", "show", "dazhou")
    areas = {a["id"]: a for a in shown["areas"]}
    assert (len(areas["performance"]["categories"]), areas["performance"]["items"]) == (5, 20)
    duty = areas["duty"]
    assert (len(duty["categories"]), duty["items"], duty["points"]) == (6, 17, 56)
    assert duty["declared_points"] == 56 and shown["warnings"] == []
    assert len(DUTY) == 12 * 3 + 5 * 4 == 56
    items = [i for c in shown["catalog"] if c["area"] == "duty" for i in c["items"]]
    assert {i["id"]: len(i["points"]) for i in items} == {
        k: len(v) for k, v in DUTY_BY_ITEM.items()
    }
    # Each item's 指标 add up to the item: 15 + 20 + 20 + 20 + 10 + 15 = 100.
    assert sum(Decimal(v) for v in DUTY.values()) == 100

    # ── 7. four quarters of 市财政局's 履职指数 (绩效指数 not applicable in a quarter) ──
    # Q1 every 指标 full                                         D = 100
    # Q2 pm_task_deadline 1 of 2 (−1)                            D = 99
    # Q3 pm_task_deadline 1 of 2 (−1), ideo_study_times 1 of 2 (−1)   D = 98
    # Q4 pol_talks_members 0.5 of 2 (−1.5)                       D = 98.5
    shortfalls = {
        "Q1": {},
        "Q2": {"pm_task_list.pm_task_deadline": "1"},
        "Q3": {"pm_task_list.pm_task_deadline": "1", "ideo_group_study.ideo_study_times": "1"},
        "Q4": {"pol_talks.pol_talks_members": "0.5"},
    }
    quarters = {q: quarter(ws, q, s) for q, s in shortfalls.items()}
    for q, total in {"Q1": "100.00", "Q2": "99.00", "Q3": "98.00"}.items():
        assert js(ws, "round", "show", f"2024-{q}")["outcomes"][0]["total"] == total

    # ── the year: 市财政局 ────────────────────────────────────────────────────────────
    year_a = to_check(ws, A, "2024")
    # 6. 整改 ordered in 执行 from the monthly 通报 (no finding: a 通报 is not a 督查 finding),
    # reported, submitted and closed out (销号) after the 回访.
    item = js(
        ws, "rectify", "order", year_a, "--problem", "通报第3期：“一把手”3月未参加党员活动日",
        "--owner", OWNER, "--due", "2024-04-30", "--today", "2024-04-02",
    )["id"]  # fmt: skip
    assert js(ws, "cycle", "status", year_a)["stage"] == "do"
    ws.ok("rectify", "report", item, "--note", "已补课并建立提醒制度", "--today",
          "2024-04-10", actor=OWNER)  # fmt: skip
    ws.ok("rectify", "submit", item, "--today", "2024-04-20", actor=OWNER)
    ws.ok("rectify", "verify", item, "--accept", "--today", "2024-04-25")
    js(ws, "cycle", "advance", year_a, "start_check")
    # P: act_three_meetings 10 of 12 required: 5 − 0.5 × 2 = 4 (−1);
    #    inst_dues 87%: ⌊(100 − 87) / 10⌋ = 1 band × 1 → 4 (−1)      P = 100 − 2 = 98
    # D: other_assigned_publicity 0 of 1 (−1), va_res_problems 1.5 of 2 (−0.5)
    #                                                                D = 100 − 1.5 = 98.5
    # 1. an item with 指标 is recorded point by point: whole, it is refused.
    line = ws.refused("score", "record", year_a, "pol_talks", "6", "--evidence", "x")
    assert "按采分点计分；请逐个记录采分点：pol_talks.pol_talks_team" in line
    record(ws, year_a, {
        **PERFORMANCE, "act_three_meetings": "10", "inst_dues": "87",
        **DUTY, "other_assigned.other_assigned_publicity": "0",
        "va_results.va_res_problems": "1.5",
        "award_results": "1",  # 创新激励: 成效奖 1 of 2, added after weighting
    })  # fmt: skip
    js(ws, "cycle", "advance", year_a, "start_act")

    # ── the year: 市教育局 (no quarterly sheets: 50 / 50) ─────────────────────────────
    year_b = to_check(ws, B, "2024")
    # A 专项督查 finding in 执行 and its 整改, ordered there too and left open.
    finding = js(
        ws, "finding", "record", year_b, "--source", "专项督查", "--indicator",
        "serious_problem", "--points", "-4", "--observed-on", "2024-04-15",
        "--evidence", "发展党员程序严重违规",
    )["position"]  # fmt: skip
    js(
        ws, "rectify", "order", year_b, "--problem", "发展党员程序严重违规", "--owner",
        "市教育局机关党委", "--due", "2024-05-31", "--finding", str(finding),
        "--today", "2024-04-20",
    )  # fmt: skip
    js(ws, "cycle", "advance", year_b, "start_check")
    # P: team_training 4 of 5 (−1)                                    P = 99
    # D: resp_report_text 2 of 3 (−1), pm_rect_on_time 1 of 3 (−2)    D = 97
    record(ws, year_b, {
        **PERFORMANCE, "team_training": "4",
        **DUTY, "resp_report.resp_report_text": "2", "pm_rectification.pm_rect_on_time": "1",
    })  # fmt: skip
    js(ws, "cycle", "advance", year_b, "start_act")

    # 6. the monthly bulletins: April ordered two, closed out one; at the end of June
    # 市教育局's is still open and overdue (due 31 May).
    april = {r["unit"]: r for r in js(ws, "rectify", "bulletin", "2024-04")}
    assert (april[A]["opened"], april[A]["closed"], april[A]["rate"]) == (1, 1, "100.0%")
    assert (april[B]["opened"], april[B]["closed"], april[B]["open"]) == (1, 0, 1)
    june = {r["unit"]: r for r in js(ws, "rectify", "bulletin", "2024-06")}
    assert (june[B]["open"], june[B]["overdue"]) == (1, 1)

    # ── 7. the year waits for its quarters: Q4 is not published yet ──────────────────
    ws.ok("round", "open", "2024", "--scheme", "dazhou")
    line = ws.refused("round", "finalize", "2024")
    assert "2024-Q4 尚未定稿发布" in line
    ws.ok("round", "finalize", "2024-Q4")

    # ── finalised in a subprocess: the published outcomes ─────────────────────────────
    # 市财政局: quarters' mean = (100 + 99 + 98 + 98.5) / 4 = 395.5 / 4 = 98.875
    #   0.4 × 98 + 0.4 × 98.5 + 0.2 × 98.875 + 1 = 39.2 + 39.4 + 19.775 + 1 = 99.375
    #   → 99.38 (half-up) → 好
    # 市教育局: 0.5 × 99 + 0.5 × 97 = 49.5 + 48.5 = 98; finding −4 → 94.00; 严重问题 → 差
    done = pdca(ws, "round", "finalize", "2024")
    assert {o["unit"]: (o["total"], o["grade"]) for o in done["outcomes"]} == {
        A: ("99.38", "好"),
        B: ("94.00", "差"),
    }
    ranking = pdca(ws, "ranking", "2024")
    assert [(r["unit"], r["total"], r["rank"], r["grade"]) for r in ranking] == [
        (A, "99.38", 1, "好"),
        (B, "94.00", 2, "差"),
    ]
    # 9. results used, as ranking shows them.
    assert {r["unit"]: r["results_used"] for r in ranking} == {
        A: "党建经费优先保障、年度考核优先排名、单位干部优先提拔",
        B: "单位年度考核一票否决，不作为绩效考核优秀单位；单位主要负责同志取消年度优秀资格"
        "；绩效奖励按末档兑现（-2000）",
    }

    # ── explain (subprocess): 指标, the roll-up and the consequences, with their events ──
    a = pdca(ws, "explain", year_a)
    assert a["total"] == "99.38" and Decimal(a["unrounded"]) == Decimal("99.375")
    parts = {c["id"]: c for c in a["components"]}
    assert {k: (Decimal(c["weight"]), Decimal(c["score"])) for k, c in parts.items()} == {
        "performance_index": (40, Decimal("98")),
        "duty_index": (40, Decimal("98.5")),
        "duty_quarters": (20, Decimal("98.875")),
    }
    nodes = {n["label"]: n for n in walk(a["tree"])}
    # 1. a 指标 under its item, with the event it came from.
    va = nodes["驻村帮扶成效（va_results）"]
    assert Decimal(va["value"]) == Decimal("4.5")  # 2 + 1.5 + 1
    problems = nodes["帮助解决基层实际问题（va_results.va_res_problems）"]
    assert Decimal(problems["value"]) == Decimal("1.5")
    (leaf,) = problems["children"]
    assert leaf["event_id"].startswith(f"{year_a}:") and leaf["evidence"] == "查阅资料、现场核查"
    # 7. the roll-up: each quarter's published total, from its round.
    totals = ("100", "99", "98", "98.5")
    published = {f"2024-{q} 发布的总分": v for q, v in zip(quarters, totals, strict=True)}
    for label, value in published.items():
        period = label.split()[0]
        assert Decimal(nodes[label]["value"]) == Decimal(value)
        # …read from the round's finalisation, named by its event.
        note = nodes[label]["note"]
        assert note.startswith(f"考核轮次 {period} 定稿发布（第 1 次定稿：轮次 {period}/dazhou 第 ")
        assert "号事件 Finalized，" in note
    assert Decimal(nodes["4 期平均"]["value"]) == Decimal("98.875")
    # 9. consequences recorded as an event of the round at finalisation.
    used = a["results_used"]
    assert [c["label"] for c in used["consequences"]] == [
        "党建经费优先保障、年度考核优先排名、单位干部优先提拔"
    ]
    assert [e["event"] for e in used["events"]] == ["ConsequencesRecorded"]

    b = pdca(ws, "explain", year_b)
    parts = {c["id"]: c for c in b["components"]}
    assert {k: Decimal(c["weight"]) for k, c in parts.items()} == {
        "performance_index": 50,
        "duty_index": 50,
        "duty_quarters": 0,
    }
    assert (Decimal(b["deduction"]), b["total"]) == (Decimal("4"), "94.00")
    assert [v["rule"] for v in b["vetoes"]] == ["serious_problem_veto"]
    assert "好 → 差" in b["outcome"]["note"]
    used = b["results_used"]
    assert [(c["label"], c.get("amount")) for c in used["consequences"]] == [
        ("单位年度考核一票否决，不作为绩效考核优秀单位", None),
        ("单位主要负责同志取消年度优秀资格", None),
        ("绩效奖励按末档兑现", "-2000"),
    ]
    assert [e["event"] for e in used["events"]] == ["ConsequencesRecorded"]
    # The veto names the finding it came from (the event in 执行).
    veto = next(n for n in walk(b["tree"]) if n["label"].startswith("一票否决："))
    assert f"由台账发现 #{finding}" in veto["note"]

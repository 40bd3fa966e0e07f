"""述评考用 (workflows/soe.toml, seed 002): a year of ten 企事业单位 through the CLI.

Seed passages exercised (002_292b47decb4877ab.txt; the seed writes 党 as “D”):
- 「“述”即述职」「“评”即评价」「“考”即考核」「“用”即运用」 — the stages plan → do →
  check.report (述) → check.evaluate (评) → act.assess (考) → act.apply (用).
- 「建立定量定性“7:3”考评体系」, 「将述职评议的定性评价转换为量化考核结果,以10%的比例纳入
  …民主测评以20%纳入」, 「按10%-40%的比例纳入考核」 — components 50 + 20 | 10 + 20.
- 「领导班子成员、中层干部、基层代表各占一定权重进行计分,群众评价比例不少于15%」 — ballot
  groups 30/30/40 (ASSUMPTION), trimmed per group, quorum 10 (ASSUMPTION).
- 「控制激励约束项加减分」 — bonus capped at 5, findings' deductions capped at 10.
- 「明确考核结果五个档级」「实行考核结果强制分布,合理确定评价等次的比例」「实行分类定档」 —
  A+/A/B/C/D at 95/90/80/60, A+ ≤ floor(10%·n), A+∪A ≤ floor(40%·n) per category
  (all ASSUMPTION in the scheme), tie-break quantitative then democratic (ASSUMPTION).
- The 一票否决 serious_discipline (ASSUMPTION, not in the seed): force D, also applied by any
  finding on the discipline_serious indicator.

Every expected figure is computed by hand from the scheme's rules in the comments.
Component weights: total = 0.5·Q + 0.2·Ds + 0.1·R + 0.2·M + bonus − deduction, where
Q = Σ basic items (max 100), Ds = Σ daily/special items (max 100), R = secretary_report's
opinion through the scheme's table (好 100, 较好 85, 一般 70, 差 50 — recorded as the word),
M = 0.3·leaders + 0.3·middle + 0.4·masses (each the mean of the group's ballots after
dropping one highest and one lowest), rounded half-up once, to 0.01, on the total.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import (
    advance,
    ballots,
    import_rows,
    js,
    open_with_tasks,
    scores,
    unit_steps,
)

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

PERIOD = "2024"
CATEGORY = "企事业单位"
ITEMS = {"results": 20, "center_work": 20, "service": 20, "execution": 20, "learning": 20}
# first_topic is per_occurrence: 10 − 1 × (12 − occurrences), floor 0.
BASIC = (
    "responsibility_lists",  # max 20
    "first_topic",  # max 10, value = occurrences (12 required)
    "institutions",  # max 15
    "business_integration",  # max 20
    "individual_targets",  # max 25
    "last_year_rectification",  # max 10
)
DAILY = ("daily_checks", "inspection", "major_tasks")  # max 40 / 30 / 30


def carried_in(ws: Workspace, unit: str, open_problems: int) -> None:
    """A 2023 cycle whose 执行 ordered ``open_problems`` rectification items left open
    (交办 from 执行 on): the 2024 cycle opened next carries them in."""
    if not open_problems:
        return
    prior = f"{unit}/2023"
    ws.ok("cycle", "open", unit, "2023", "--scheme", "soe")
    ws.ok("task", "add", prior, "重点任务1", "--deadline", "2023-06-30")
    ws.ok("task", "publish", prior)
    advance(ws, prior, "start_do")
    for n in range(1, open_problems + 1):
        ws.ok(
            "rectify", "order", prior, "--problem", f"2023年考核指出的问题{n}",
            "--owner", "王五", "--due", "2023-12-31", "--today", "2023-06-01",
        )  # fmt: skip


def year_unit(
    ws: Workspace,
    unit: str,
    basic: tuple[str, ...],
    daily: tuple[str, ...],
    report: str,
    by_group: dict[str, list[int]],
    findings: tuple[tuple[str, str, str], ...] = (),
    bonus: dict[str, str] | None = None,
    hold_ballots: int | None = None,
) -> str:
    """One unit's year up to 评 (check.evaluate): tasks, daily findings, scores, ballots.
    ``basic``'s last figure is 上一年问题整改 as the scheme scores it (老毛病, not typed):
    10 − 1 per problem of last year still open, so 10 − it problems are left open in a
    2023 cycle and carried in when 2024 opens."""
    *typed, old_problems = basic
    ws.ok("unit", "add", unit, "--category", CATEGORY)
    carried_in(ws, unit, 10 - int(old_problems))
    ws.ok("cycle", "open", unit, PERIOD, "--scheme", "soe")
    cycle = f"{unit}/{PERIOD}"
    ws.ok("task", "add", cycle, "重点任务1", "--deadline", f"{PERIOD}-06-30")
    ws.ok("task", "publish", cycle)
    assert advance(ws, cycle, "start_do") == "do"
    ws.ok("task", "complete", cycle, "1")
    for indicator, points, observed in findings:
        ws.ok(
            "finding", "record", cycle, "--source", "日常检查", "--indicator", indicator,
            "--points", points, "--observed-on", observed, "--evidence", "日常检查记录",
        )  # fmt: skip
    assert advance(ws, cycle, "start_report") == "check.report"  # 述
    unit_steps(ws, cycle)  # 述职报告 (issue 14 item 5)
    assert advance(ws, cycle, "start_evaluate") == "check.evaluate"  # 评
    unit_steps(ws, cycle)  # 考核对象自己评
    scores(ws, cycle, dict(zip(BASIC[:-1], typed, strict=True)))
    scores(ws, cycle, dict(zip(DAILY, daily, strict=True)))
    scores(ws, cycle, {"secretary_report": report, **(bonus or {})})
    left = ballots(ws, cycle, ITEMS, by_group, only=hold_ballots)
    if left:
        # Below the quorum of 10 the democratic part, and so the cycle, cannot be scored.
        refused = js(ws, "explain", cycle)["refused"]
        assert refused == (
            f"民主测评：测评票不足：已收有效票 {hold_ballots} 张，方案要求至少 10 张"
        ), refused
        import_rows(ws, cycle, left[0], left[1:])
    return cycle


def test_soe_year_7_3_weighting_forced_distribution_veto(workspace: Workspace) -> None:
    ws = workspace
    cycles: dict[str, str] = {}

    # ── 能源公司: vetoed by decision; would be the best of the year. ──────────────────
    # Q  = 20 + 10 (12 times) + 15 + 20 + 24 + 10 = 99      → 0.5 × 99   = 49.5
    # Ds = 40 + 29 + 29 = 98                                → 0.2 × 98   = 19.6
    # R  = 100 (好)                                         → 0.1 × 100  = 10
    # M: leaders [96 97 99] → 97; middle [97 97 97] → 97; masses [90 97 97 100] → 97
    #    M = 0.3·97 + 0.3·97 + 0.4·97 = 97                   → 0.2 × 97   = 19.4
    # total = 49.5 + 19.6 + 10 + 19.4 = 98.50
    cycles["能源"] = year_unit(
        ws, "能源公司", ("20", "12", "15", "20", "24", "10"), ("40", "29", "29"), "好",
        {"leaders": [96, 97, 99], "middle": [97, 97, 97], "masses": [90, 97, 97, 100]},
    )  # fmt: skip

    # ── 电网公司 and 石油公司: equal rounded totals, the quantitative part decides. ────
    # 电网公司:
    # Q  = 19.5 + 10 (12 times) + 15 + 19 + 24 + 10 = 97.5 → 0.5 × 97.5 = 48.75
    # Ds = 37.5 + 28 + 28 = 93.5                           → 0.2 × 93.5 = 18.7
    # R  = 100                                             → 10
    # M: leaders [90 95 99] → 95; middle [88 94 98] → 94;
    #    masses [60 96 96 97 100] → (96 + 96 + 97) / 3 = 289/3 = 96.3333…
    #    M = 28.5 + 28.2 + 0.4 × 289/3 (= 38.5333…) = 95.2333…  → 0.2 × M = 19.046666…
    # total = 48.75 + 18.7 + 10 + 19.046666… = 96.496666… → 96.50
    cycles["电网"] = year_unit(
        ws, "电网公司", ("19.5", "12", "15", "19", "24", "10"), ("37.5", "28", "28"), "好",
        {"leaders": [90, 95, 99], "middle": [88, 94, 98], "masses": [60, 96, 96, 97, 100]},
    )  # fmt: skip
    # 石油公司:
    # Q  = 19 + 9 (11 times: 10 − 1) + 15 + 19.5 + 24 + 10 = 96.5 → 0.5 × 96.5 = 48.25
    # Ds = 38 + 29 + 28 = 95                                → 0.2 × 95 = 19
    # R  = 100                                              → 10
    # M: leaders [93 96 100] → 96; middle [96 96 97] → 96;
    #    masses [70 96 97 97 99] → (96 + 97 + 97) / 3 = 290/3 = 96.6666…
    #    M = 28.8 + 28.8 + 0.4 × 290/3 (= 38.6666…) = 96.2666… → 0.2 × M = 19.253333…
    # total = 48.25 + 19 + 10 + 19.253333… = 96.503333… → 96.50
    # The rounded totals tie (96.50) although 石油公司's unrounded total is higher: the
    # tie-break is the quantitative score, 97.5 > 96.5, so 电网公司 ranks first.
    cycles["石油"] = year_unit(
        ws, "石油公司", ("19", "11", "15", "19.5", "24", "10"), ("38", "29", "28"), "好",
        {"leaders": [93, 96, 100], "middle": [96, 96, 97], "masses": [70, 96, 97, 97, 99]},
    )  # fmt: skip

    # ── 通信公司: A+ band by points. ───────────────────────────────────────────────────
    # Q = 19 + 10 + 14 + 19 + 24 + 10 = 96 → 48; Ds = 38 + 29 + 28 = 95 → 19; R 100 → 10
    # M: leaders [90 92 97] → 92; middle [86 90 93] → 90; masses [85 90 92 99] → 91
    #    M = 27.6 + 27 + 36.4 = 91 → 18.2
    # total = 48 + 19 + 10 + 18.2 = 95.20
    cycles["通信"] = year_unit(
        ws, "通信公司", ("19", "12", "14", "19", "24", "10"), ("38", "29", "28"), "好",
        {"leaders": [90, 92, 97], "middle": [86, 90, 93], "masses": [85, 90, 92, 99]},
    )  # fmt: skip

    # ── 化工公司: a finding on discipline_serious (auto veto) during the year. ─────────
    # Q = 19 + 10 + 14 + 19 + 23 + 10 = 95 → 47.5; Ds = 38 + 28 + 28 = 94 → 18.8;
    # R = 85 (较好) → 8.5; M: [93 95 96] → 95, [94 95 98] → 95, [90 95 95 100] → 95 → 19
    # total = 47.5 + 18.8 + 8.5 + 19 − 2 (the finding) = 91.80 → A by points, D by veto
    cycles["化工"] = year_unit(
        ws, "化工公司", ("19", "12", "14", "19", "23", "10"), ("38", "28", "28"), "较好",
        {"leaders": [93, 95, 96], "middle": [94, 95, 98], "masses": [90, 95, 95, 100]},
        findings=(("discipline_serious", "-2", "2024-08-20"),),
    )  # fmt: skip

    # ── 建设公司 and 港务公司: equal totals and equal Q; 民主测评 decides. ─────────────
    # 建设公司: Q = 18 + 10 + 14 + 18 + 22 + 10 = 92 → 46; Ds = 36 + 27 + 27 = 90 → 18;
    # R 85 → 8.5; M: [88 93 95] → 93, [85 92 96] → 92, [80 92 93 97] → 92.5
    #    M = 27.9 + 27.6 + 37 = 92.5 → 18.5
    # total = 46 + 18 + 8.5 + 18.5 = 91.00
    cycles["建设"] = year_unit(
        ws, "建设公司", ("18", "12", "14", "18", "22", "10"), ("36", "27", "27"), "较好",
        {"leaders": [88, 93, 95], "middle": [85, 92, 96], "masses": [80, 92, 93, 97]},
    )  # fmt: skip
    # 港务公司: Q = 19 + 8 (10 times: 10 − 2) + 14 + 19 + 23 + 9 = 92 → 46;
    # Ds = 37 + 27 + 27 = 91 → 18.2; R 85 → 8.5;
    # M: [87 92 94] → 92, [89 91 91] → 91, [75 91 92 96] → 91.5
    #    M = 27.6 + 27.3 + 36.6 = 91.5 → 18.3
    # total = 46 + 18.2 + 8.5 + 18.3 = 91.00; Q 92 = 92; M 91.5 < 92.5 → below 建设公司
    cycles["港务"] = year_unit(
        ws, "港务公司", ("19", "10", "14", "19", "23", "9"), ("37", "27", "27"), "较好",
        {"leaders": [87, 92, 94], "middle": [89, 91, 91], "masses": [75, 91, 92, 96]},
    )  # fmt: skip

    # ── 钢铁公司: bonus over its cap. ───────────────────────────────────────────────────
    # Q = 17 + 8 (10 times) + 13 + 17 + 21 + 9 = 85 → 42.5; Ds = 34 + 26 + 25 = 85 → 17;
    # R 85 → 8.5; M: [80 85 89] → 85, [83 85 86] → 85, [60 84 86 90] → 85 → 17
    # bonus: outstanding_results 3 + innovation 3 = 6, category cap 5, bonus_cap 5 → 5
    # total = 42.5 + 17 + 8.5 + 17 + 5 = 90.00 (exactly the A line)
    cycles["钢铁"] = year_unit(
        ws, "钢铁公司", ("17", "10", "13", "17", "21", "9"), ("34", "26", "25"), "较好",
        {"leaders": [80, 85, 89], "middle": [83, 85, 86], "masses": [60, 84, 86, 90]},
        bonus={"outstanding_results": "3", "innovation": "3"},
    )  # fmt: skip

    # ── 航运公司: the 7:3 showcase, with a ballot short of the quorum first. ───────────
    # Q  = 18 + 9 (11 times: 10 − 1) + 13.5 + 17 + 21 + 8 = 86.5
    # Ds = 36 + 27 + 25.5 = 88.5;  R = 85 (较好)
    # M: leaders [80 88 95] → 88; middle [70 84 90] → 84;
    #    masses [40 85 86 88 100] → (85 + 86 + 88) / 3 = 259/3 = 86.3333…
    #    M = 0.3·88 + 0.3·84 + 0.4·259/3 = 26.4 + 25.2 + 34.5333… = 86.1333…
    # 定量 70: 0.5 × 86.5 + 0.2 × 88.5 = 43.25 + 17.7 = 60.95
    # 定性 30: 0.1 × 85 + 0.2 × 86.1333… = 8.5 + 17.226666… = 25.726666…
    # total = 60.95 + 25.726666… = 86.676666… → 86.68 (half-up)
    cycles["航运"] = year_unit(
        ws, "航运公司", ("18", "11", "13.5", "17", "21", "8"), ("36", "27", "25.5"), "较好",
        {"leaders": [80, 88, 95], "middle": [70, 84, 90], "masses": [40, 85, 86, 88, 100]},
        hold_ballots=9,
    )  # fmt: skip

    # ── 电力公司: deductions over their cap. ────────────────────────────────────────────
    # Q = 92 → 46; Ds = 90 → 18; R 85 → 8.5; M: [85 88 90] → 88, [80 88 91] → 88,
    # [70 88 88 95] → 88 → 17.6; points 90.10
    # findings −5 −5 −3 = −13, deduction_cap 10 → 90.10 − 10 = 80.10 (B; uncapped: 77.10, C)
    cycles["电力"] = year_unit(
        ws, "电力公司", ("18", "12", "14", "18", "22", "10"), ("36", "27", "27"), "较好",
        {"leaders": [85, 88, 90], "middle": [80, 88, 91], "masses": [70, 88, 88, 95]},
        findings=(
            ("constraint", "-5", "2024-03-15"),
            ("constraint", "-5", "2024-06-18"),
            ("constraint", "-3", "2024-11-02"),
        ),
    )  # fmt: skip

    # 考: every cycle to act.assess; the 一票否决 decided there for 能源公司.
    for cycle in cycles.values():
        assert advance(ws, cycle, "start_assess") == "act.assess"
    ws.ok(
        "veto", "apply", cycles["能源"], "--rule", "serious_discipline",
        "--reason", "纪委通报领导班子成员严重违纪", "--evidence", "纪委通报〔2024〕12号",
    )  # fmt: skip
    ws.ok("round", "open", PERIOD, "--scheme", "soe")
    ws.ok("round", "finalize", PERIOD)

    ranking = js(ws, "ranking", PERIOD)
    table = {r["unit"]: r for r in ranking}
    assert len(ranking) == 10

    # explain for every unit, once: (d) below compares it with the ranking.
    explained = {unit: js(ws, "explain", f"{unit}/{PERIOD}") for unit in table}

    # (a) 7:3 to the last decimal, and the weights 50 + 20 | 10 + 20.
    shipping = explained["航运公司"]
    assert shipping["refused"] is None
    assert shipping["total"] == "86.68"
    assert shipping["unrounded"].startswith("86.6766666")
    weights = {c["id"]: Decimal(c["weight"]) for c in shipping["components"]}
    assert weights == {
        "quantitative": 50,
        "daily_special": 20,
        "report_review": 10,
        "democratic": 20,
    }
    weighted = {c["id"]: Decimal(c["weighted"]) for c in shipping["components"]}
    assert weighted["quantitative"] + weighted["daily_special"] == Decimal("60.95")  # 定量 7
    assert weighted["report_review"] == Decimal("8.5")
    assert str(weighted["democratic"]).startswith("17.2266666")  # 0.2 × 86.1333…
    democratic = next(c for c in shipping["components"] if c["id"] == "democratic")
    assert democratic["score"].startswith("86.1333333")
    assert table["航运公司"]["total"] == "86.68"

    # Expected totals (hand-computed above) and the published ranking.
    # order: rounded total, then Q, then M:
    #   能源 98.50 | 电网 96.50 (Q 97.5) | 石油 96.50 (Q 96.5) | 通信 95.20 | 化工 91.80 |
    #   建设 91.00 (Q 92, M 92.5) | 港务 91.00 (Q 92, M 91.5) | 钢铁 90.00 | 航运 86.68 |
    #   电力 80.10
    # grades by points: 能源 A+, 电网 A+, 石油 A+, 通信 A+, 化工 A, 建设 A, 港务 A, 钢铁 A,
    #   航运 B, 电力 B — eight units in the A+/A bands.
    # vetoes first: 能源 → D (decision), 化工 → D (finding on discipline_serious).
    # quota A+ ≤ floor(10% × 10) = 1: A+ members in rank order 电网, 石油, 通信 → 电网 keeps
    #   A+, 石油 and 通信 → A (the 96.50 tie is decided by Q: 97.5 > 96.5).
    # quota A+∪A ≤ floor(40% × 10) = 4: members 电网, 石油, 通信, 建设, 港务, 钢铁 → the first
    #   four keep their grade, 港务 and 钢铁 → B (the 91.00 tie: Q equal, M 92.5 > 91.5).
    expected = [
        # unit, total, rank, grade
        ("能源公司", "98.50", 1, "D"),
        ("电网公司", "96.50", 2, "A+"),
        ("石油公司", "96.50", 3, "A"),
        ("通信公司", "95.20", 4, "A"),
        ("化工公司", "91.80", 5, "D"),
        ("建设公司", "91.00", 6, "A"),
        ("港务公司", "91.00", 7, "B"),
        ("钢铁公司", "90.00", 8, "B"),
        ("航运公司", "86.68", 9, "B"),
        ("电力公司", "80.10", 10, "B"),
    ]
    assert [(r["unit"], r["total"], r["rank"], r["grade"]) for r in ranking] == expected
    assert {r["category"] for r in ranking} == {CATEGORY}

    # (b) more units reach the bands than the quotas allow (vetoed units aside) ...
    unvetoed = [Decimal(r["total"]) for r in ranking if not r["veto"]]
    assert sum(t >= 95 for t in unvetoed) == 3  # > floor(10% × 10) = 1
    assert sum(t >= 90 for t in unvetoed) == 6  # > floor(40% × 10) = 4
    # ... and the quotas hold: 1 A+, 4 A+∪A.
    grades = [r["grade"] for r in ranking]
    assert grades.count("A+") == 1
    assert grades.count("A+") + grades.count("A") == 4
    # The ties were decided by the tie-break components, visible in explain:
    grid, oil = explained["电网公司"], explained["石油公司"]
    assert (grid["total"], oil["total"]) == ("96.50", "96.50")
    assert Decimal(grid["unrounded"]) < Decimal(oil["unrounded"])  # 96.4966… < 96.5033…
    assert grid["unrounded"].startswith("96.4966666")
    assert oil["unrounded"].startswith("96.5033333")
    quantitative = {
        unit: next(
            Decimal(c["score"]) for c in explained[unit]["components"] if c["id"] == "quantitative"
        )
        for unit in ("电网公司", "石油公司", "建设公司", "港务公司")
    }
    assert quantitative == {
        "电网公司": Decimal("97.5"),
        "石油公司": Decimal("96.5"),
        "建设公司": Decimal("92"),
        "港务公司": Decimal("92"),
    }
    democratic_scores = {
        unit: next(
            Decimal(c["score"]) for c in explained[unit]["components"] if c["id"] == "democratic"
        )
        for unit in ("建设公司", "港务公司")
    }
    assert democratic_scores == {"建设公司": Decimal("92.5"), "港务公司": Decimal("91.5")}
    assert "强制分布" in oil["outcome"]["note"] and "A+ → A" in oil["outcome"]["note"]
    assert "A → B" in explained["港务公司"]["outcome"]["note"]
    assert not explained["建设公司"]["outcome"]["note"]
    steel = explained["钢铁公司"]
    assert steel["bonus"] == "5" and steel["total"] == "90.00"
    power = explained["电力公司"]
    assert Decimal(power["deduction"]) == 10 and power["total"] == "80.10"

    # (c) 一票否决: D whatever the points, visible in ranking and explain.
    veto_label = "发生严重违纪违法问题"
    for unit in ("能源公司", "化工公司"):
        data = explained[unit]
        assert [v["rule"] for v in data["vetoes"]] == ["serious_discipline"]
        assert data["outcome"]["grade"] == "D"
        assert data["outcome"]["veto"] == veto_label
        assert any(n["label"] == f"一票否决：{veto_label}" for n in data["tree"]["children"])
    # ranking's veto is the export's: the label, then the facts behind it (test_vetoes).
    assert table["能源公司"]["veto"].startswith(f"{veto_label}：等次定为 D（事件 #")
    assert table["化工公司"]["veto"].startswith(f"{veto_label}：等次定为 D（由台账发现 #")
    assert all(table[u]["veto"] is None for u in table if u not in ("能源公司", "化工公司"))
    energy = explained["能源公司"]
    assert energy["total"] == "98.50" and energy["outcome"]["rank"] == 1
    assert "A+ → D" in energy["outcome"]["note"]
    chem = explained["化工公司"]
    assert chem["deduction"] == "2" and "A → D" in chem["outcome"]["note"]

    # (d) explain's total is ranking's total for every unit.
    for unit, data in explained.items():
        assert data["total"] == table[unit]["total"] == data["outcome"]["total"], unit

    # 用: the loop closes after the results are applied; the published results stand.
    for unit in ("能源公司", "航运公司"):
        assert advance(ws, cycles[unit[:2]], "start_apply", "close") == "closed"
    assert [(r["unit"], r["total"], r["rank"], r["grade"]) for r in js(ws, "ranking", PERIOD)] == (
        expected
    )


def test_soe_full_tie_at_the_quota_boundary_moves_together(workspace: Workspace) -> None:
    """Three units in one category: floor(10% × 3) = 0 A+, floor(40% × 3) = 1 A+∪A. Two
    identical units tie on the total and on both tie-break components: they share rank 1
    and move together, so no unit keeps A+ or A (a quota is never exceeded)."""
    ws = workspace
    same = {"leaders": [94, 96, 98], "middle": [95, 96, 97], "masses": [90, 96, 96, 99]}
    # 甲/乙: Q = 20 + 10 (12 times) + 15 + 19 + 24 + 9 = 97 → 48.5;
    # Ds = 39 + 29 + 29 = 97 → 19.4; R 100 → 10; M = 0.3·96 + 0.3·96 + 0.4·96 = 96 → 19.2
    # total = 48.5 + 19.4 + 10 + 19.2 = 97.10 → A+ band
    a = year_unit(ws, "甲集团", ("20", "12", "15", "19", "24", "9"), ("39", "29", "29"), "好", same)
    b = year_unit(ws, "乙集团", ("20", "12", "15", "19", "24", "9"), ("39", "29", "29"), "好", same)
    # 丙: Q = 16 + 8 (10 times) + 12 + 16 + 20 + 8 = 80 → 40; Ds = 32 + 24 + 24 = 80 → 16;
    # R 70 (一般) → 7; M: [80 82 85] → 82, [79 82 84] → 82, [70 82 82 90] → 82 → 16.4
    # total = 40 + 16 + 7 + 16.4 = 79.40 → C
    c = year_unit(
        ws, "丙集团", ("16", "10", "12", "16", "20", "8"), ("32", "24", "24"), "一般",
        {"leaders": [80, 82, 85], "middle": [79, 82, 84], "masses": [70, 82, 82, 90]},
    )  # fmt: skip
    for cycle in (a, b, c):
        assert advance(ws, cycle, "start_assess") == "act.assess"
    ws.ok("round", "open", PERIOD, "--scheme", "soe")
    ws.ok("round", "finalize", PERIOD)
    # A+ quota 0: 甲 and 乙 → A. A+∪A quota 1: 甲 and 乙 tie on (97.10, Q 97, M 96), so the
    # one place cannot go to either: both → B. Ranks are shared: 1, 1, 3; equal ranks are
    # listed by name (乙 U+4E59 before 甲 U+7532).
    assert [(r["unit"], r["total"], r["rank"], r["grade"]) for r in js(ws, "ranking", PERIOD)] == [
        ("乙集团", "97.10", 1, "B"),
        ("甲集团", "97.10", 1, "B"),
        ("丙集团", "79.40", 3, "C"),
    ]
    note = js(ws, "explain", a)["outcome"]["note"]
    assert "A+ → A" in note and "A → B" in note, note


def test_the_qualitative_review_is_recorded_as_the_opinion_and_scored_by_the_table(
    workspace: Workspace,
) -> None:
    """002: 「将述职评议的定性评价转换为量化考核结果,以10%的比例纳入」: the opinion is the
    fact; the scheme's table (好 100, 较好 85, 一般 70, 差 50) converts it."""
    ws = workspace
    cycle = open_with_tasks(ws, "测试公司", CATEGORY, PERIOD, "soe", tasks=1)
    advance(ws, cycle, "start_do")
    advance(ws, cycle, "start_report", "start_evaluate")
    before = ws.event_count()
    wrong = ws.refused("score", "record", cycle, "secretary_report", "85", "--evidence", "e")
    assert wrong == (
        "错误：指标 secretary_report（党组织书记抓基层党建述职评议）按意见计分，'85' 不可用；"
        "允许：好（100 分）、较好（85 分）、一般（70 分）、差（50 分）"
    )
    assert ws.event_count() == before
    recorded = js(
        ws,
        "score",
        "record",
        cycle,
        "党组织书记抓基层党建述职评议",
        "一般",
        "--evidence",
        "评议会意见",
    )
    assert (recorded["item"], recorded["value"]) == ("secretary_report", "一般")
    again = ws.refused("score", "record", cycle, "secretary_report", "好", "--evidence", "e")
    assert again.startswith("错误：指标 secretary_report 已有评价意见记录 #")
    position = str(recorded["position"])
    assert "评价意见" in ws.refused("correct", "amend", cycle, position, "100", "--reason", "x")
    # explain: the item's points come from the table, the leaf is the event with the word.
    tree = js(ws, "explain", cycle)["tree"]
    nodes = {n["label"]: n for n in _walk(tree)}
    item = nodes["党组织书记抓基层党建述职评议（secretary_report）"]
    # 一般 → 70 of 100: the 述职评议 component scores 70, i.e. 7 of its 10%
    assert Decimal(item["value"]) == 70
    assert item["note"] == "意见「一般」按方案折 70 分（好 100、较好 85、一般 70、差 50）；满分 100"
    leaf = item["children"][0]
    assert (leaf["label"], leaf["evidence"], leaf["position"]) == (
        "记录意见「一般」",
        "评议会意见",
        recorded["position"],
    )
    # Corrected by withdrawing and recording again.
    ws.ok("correct", "withdraw", cycle, position, "--reason", "评议会复议")
    ws.ok("score", "record", cycle, "secretary_report", "较好", "--evidence", "复议意见")
    tree = js(ws, "explain", cycle)["tree"]
    item = next(n for n in _walk(tree) if n["label"].endswith("（secretary_report）"))
    assert Decimal(item["value"]) == 85
    history = js(ws, "history", cycle)
    opinions = [h["summary"] for h in history if h["type"] == "OpinionRecorded"]
    assert opinions == [
        "secretary_report：一般（评议会意见）",
        "secretary_report：较好（复议意见）",
    ]


def _walk(node: dict) -> list[dict]:
    return [node, *(n for c in node.get("children", []) for n in _walk(c))]

"""吉林 述职评议 + 秋后算账 end to end over two years (seed 001_d728c4f822d59985.txt,
workflows/jilin.toml), through the CLI — the key path (finalising, ranking, explain) in
real ``pdca`` subprocesses. Issue 14's mechanisms for 吉林:

1. 「測評票共設5個項目,包含19個采分點,總計100分」; 「述職現場群眾評議得分,占40%權重」,
   「平時調研、督查、暗訪…占30%」, 「黨建重點任務完成情況得分,占30%」: ballots given point by
   point, 40 / 30 / 30.
5. The unit's own steps: the 述职报告 (「實地參加述職評議會」), by the unit's staff, required
   before finalising; 申诉/复核 — 「堵在…副書記的辦公室門口“討說法”」: an appeal of the
   published score, upheld, a correction and ``round finalize --reason``.
8. 「績效獎金連續兩年被定為第三檔」: two years running in 三档.
9. 「黨建考核成績在黨群部門績效考評(100分)中占10分,在政府部門績效考評(100分)中占3分」,
   「0.005分就能決定政府部門的績效獎金檔次」: the conversion from the unrounded total, rounded
   once; the 绩效奖金档次 with their amounts.
11. 「4位分管副書記分頭扎進基層」: a supervisor of one 片 records for its units only.
12. 「四查“老毛病”,對照上年度考核發現的不足和缺陷,檢查整改舉措落實情況」: last year's
   rectification still open, carried in and scored in the ledger.

Figures by hand from workflows/jilin.toml: total = 0.4·B + 0.3·L + 0.3·T, rounded once
half-up to 0.01. B: the 党员群众代表's ballots (the only group voting) less the highest and
the lowest, averaged. L = 100 less the ledger's deductions (four dimensions of 25; 老毛病
loses 5 per carried item still open). T = 100 (two tasks completed 优). Tiers within a
category by rank: 一档 the best round_half_up(0.3·n), 二档 to round_half_up(0.8·n), 三档 the
rest. Conversion: 党政机关 3 points, 群团组织 10, × unrounded ÷ 100, to 0.001 half-up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from tests.conftest import Workspace
from tests.scenarios._e2e import js, pdca, refused, walk

JIA, YI, BING, TUAN = "甲局", "乙局", "丙局", "团省委"
STAFF = {JIA: "jia", YI: "yi", BING: "bing", TUAN: "tuan"}
CATEGORY = {JIA: "党政机关", YI: "党政机关", BING: "党政机关", TUAN: "群团组织"}
#: A test-local threshold on the converted points (the seed gives the 绩效考评 tiers no
#: figures): where 0.005 of a 政府部门's points decides.
UP = "2.849"


def spread(total: int, caps: dict[str, int]) -> dict[str, int]:
    """A ballot of ``total`` over the 19 采分点, one point at a time in turn."""
    marks = dict.fromkeys(caps, 0)
    while total:
        for point, cap in caps.items():
            if total and marks[point] < cap:
                marks[point] += 1
                total -= 1
    return marks


def to_check(ws: Workspace, unit: str, year: str, findings: list[tuple[str, str]] = ()) -> str:
    """The unit's year into 督查: two tasks completed 优; ``findings`` (indicator, points)
    recorded in 执行 by 李四 of the 第一副书记片. Returns the cycle."""
    cycle = f"{unit}/{year}"
    ws.ok("cycle", "open", unit, year, "--scheme", "jilin")
    for n in (1, 2):
        ws.ok("task", "add", cycle, f"党建重点任务{n}", "--deadline", f"{year}-11-30")
    ws.ok("task", "publish", cycle)
    ws.ok("cycle", "advance", cycle, "start_do")
    for n in ("1", "2"):
        ws.ok("task", "complete", cycle, n, "--quality", "优")
    for indicator, points in findings:
        ws.ok("finding", "record", cycle, "--source", "暗访", "--indicator", indicator,
              "--points", points, "--observed-on", f"{year}-05-20",
              "--evidence", "工作时间网购、打游戏", principal="lisi")  # fmt: skip
    ws.ok("cycle", "advance", cycle, "start_check")
    return cycle


def report(ws: Workspace, cycle: str) -> None:
    """The unit's 述职报告, by its own staff."""
    ws.ok("step", "record", cycle, "report", "--text", "抓党建述职报告", "--evidence",
          "述职材料", principal=STAFF[cycle.split("/")[0]])  # fmt: skip


def review(
    ws: Workspace, cycle: str, totals: list[int], caps: dict[str, int], reported: bool = True
) -> None:
    """述职评议: the 述职报告 (unless not ``reported``), the masses' ballots by their 19
    points; the cycle goes on to 处理."""
    if reported:
        report(ws, cycle)
    tokens = js(ws, "ballot", "issue", cycle, "--group", "masses", "--count", str(len(totals)))[
        "tokens"
    ]
    rows = [",".join(("token", *caps))]
    for token, total in zip(tokens, totals, strict=True):
        rows.append(",".join((token, *map(str, spread(total, caps).values()))))
    path = ws.root / f"ballots-{tokens[0]}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert js(ws, "ballot", "import", cycle, str(path))["cast"] == len(totals)
    ws.ok("cycle", "advance", cycle, "start_act")


def half_up(value: Decimal, step: str) -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def test_jilin_two_years_end_to_end(workspace: Workspace) -> None:
    ws = workspace
    # The test-local threshold, in the workspace's copy before any cycle pins it.
    scheme = ws.root / "workflows" / "jilin.toml"
    scheme.write_text(
        scheme.read_text(encoding="utf-8") + '\n[[consequences]]\nid = "performance_up"\n'
        f'label = "绩效考评加档"\nconversion = "performance"\nmin = "{UP}"\n',
        encoding="utf-8",
    )
    # ── 1. the ballot: 5 items, 19 采分点, 100 points; 40 / 30 / 30 ─────────────────
    shown = js(ws, "scheme", "show", "jilin")
    items = shown["ballot"]["items"]
    caps = {p["id"]: int(p["max"]) for i in items for p in i["points"]}
    assert (len(items), len(caps), sum(caps.values())) == (5, 19, 100)
    assert {c["id"]: c["weight"] for c in shown["components"]} == {
        "ballot": "40",
        "daily": "30",
        "tasks": "30",
    }
    # ── 11. four 副书记, each a 片 of one category ──────────────────────────────────
    assert [(t["label"], t["categories"]) for t in shown["teams"]] == [
        ("第一副书记片", ["党政机关"]),
        ("第二副书记片", ["中直单位"]),
        ("第三副书记片", ["群团组织"]),
        ("第四副书记片", ["企事业单位"]),
    ]
    for unit, category in CATEGORY.items():
        ws.ok("unit", "add", unit, "--category", category)
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "lisi", "--person", "第一副书记片-李四", "--role", "supervisor")
    for unit, login in STAFF.items():
        ws.ok("account", "add", login, "--person", f"{unit}-填报员", "--role", "staff",
              "--unit", unit)  # fmt: skip
    team = js(ws, "account", "team", "deputy_1", "--scheme", "jilin")
    assert team == {"name": "第一副书记片", "units": sorted([JIA, YI, BING]), "grids": []}
    ws.ok("account", "scope", "lisi", "--team", "第一副书记片")

    # ── 2023 ─────────────────────────────────────────────────────────────────────────
    # 甲: B 95 → 38 + 30 + 30 = 98.00                                        一档
    # 乙: B 90 → 36 + 30 + 30 = 96.00                                        二档
    # 丙: B 92, one 暗访 finding −25 on 纪律性 → L = 75:
    #     36.8 + 0.3 × 75 + 30 = 36.8 + 22.5 + 30 = 89.30                     三档
    # (3 units: 一档 round_half_up(0.9) = 1 unit, 二档 to round_half_up(2.4) = 2.)
    jia23 = to_check(ws, JIA, "2023")
    yi23 = to_check(ws, YI, "2023")
    bing23 = to_check(ws, BING, "2023", [("discipline", "-25")])
    # 12. the 暗访 finding is put to 丙局 for 整改, and is still open at the year's end.
    finding = next(e for e in js(ws, "history", bing23) if e["type"] == "FindingRecorded")
    problem = "工作时间网购、打游戏，作风散漫"
    js(ws, "rectify", "order", bing23, "--problem", problem, "--owner", "丙局机关党委",
       "--due", "2023-12-31", "--finding", str(finding["position"]), "--today", "2023-06-01")  # fmt: skip
    # 5. the 述职报告 is the unit's own: another unit's staff are refused.
    line = refused(ws, "step", "record", jia23, "report", "--text", "x", "--evidence", "y",
                   principal="yi")  # fmt: skip
    assert "只能为本单位填报" in line
    review(ws, jia23, [95] * 10, caps)
    review(ws, yi23, [90] * 10, caps)
    review(ws, bing23, [92] * 10, caps)
    ws.ok("round", "open", "2023", "--scheme", "jilin")
    ws.ok("round", "finalize", "2023")
    rows = {r["unit"]: r for r in js(ws, "ranking", "2023")}
    assert {u: (r["total"], r["tier"]) for u, r in rows.items()} == {
        JIA: ("98.00", "一档"),
        YI: ("96.00", "二档"),
        BING: ("89.30", "三档"),
    }

    # ── 2024: opening 丙局's year carries the open 整改 in (老毛病) ─────────────────────
    jia24 = to_check(ws, JIA, "2024")
    # 乙 — the 0.005 case: ballots 80, 87 × 7, 92, 100 → drop 80 and 100 →
    #   B = (7 × 87 + 92) / 8 = 701 / 8 = 87.625; one 暗访 finding −0.35 → L = 99.65
    #   total = 0.4 × 87.625 + 0.3 × 99.65 + 30 = 35.05 + 29.895 + 30 = 94.945 → 94.95
    yi24 = to_check(ws, YI, "2024", [("discipline", "-0.35")])
    # 丙 — B 90; 老毛病 25 − 5 (one carried item open) = 20 → L = 95:
    #   36 + 28.5 + 30 = 94.50                                                 三档 again
    bing24 = to_check(ws, BING, "2024")
    assert [e["type"] for e in js(ws, "history", bing24)][:2] == ["Opened", "ProblemsCarriedIn"]
    # 团省委 (群团组织, alone in its category) — B 85 → 34 + 30 + 30 = 94.00;
    # 1 unit: 一档 round_half_up(0.3) = 0 units, 二档 round_half_up(0.8) = 1 → 二档.
    tuan24 = f"{TUAN}/2024"
    # 11. the 第一副书记片's 李四 records for 党政机关 only, not for 团省委 (第三副书记片).
    line = refused(ws, "cycle", "open", TUAN, "2024", "--scheme", "jilin", principal="lisi")
    assert "第一副书记片" in line and TUAN in line
    ws.ok("cycle", "open", TUAN, "2024", "--scheme", "jilin")
    for n in (1, 2):
        ws.ok("task", "add", tuan24, f"党建重点任务{n}", "--deadline", "2024-11-30")
    ws.ok("task", "publish", tuan24)
    ws.ok("cycle", "advance", tuan24, "start_do")
    for n in ("1", "2"):
        ws.ok("task", "complete", tuan24, n, "--quality", "优")
    ws.ok("cycle", "advance", tuan24, "start_check")
    review(ws, jia24, [95] * 10, caps)  # 98.00
    review(ws, yi24, [80, *[87] * 7, 92, 100], caps)
    review(ws, tuan24, [85] * 10, caps)
    review(ws, bing24, [90] * 10, caps, reported=False)
    # 5. 丙局 has not handed in its 述职报告: the round is refused, naming it alone; the
    # unit records it late, in 处理 (补记).
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    line = refused(ws, "round", "finalize", "2024")
    assert "丙局/2024（单位步骤 述职报告（report）单位尚未提交）" in line
    assert "甲局/2024" not in line
    report(ws, bing24)

    # ── finalised in a subprocess ──────────────────────────────────────────────────────
    done = pdca(ws, "round", "finalize", "2024")
    assert {o["unit"]: (o["total"], o["tier"]) for o in done["outcomes"]} == {
        JIA: ("98.00", "一档"),
        YI: ("94.95", "二档"),
        BING: ("94.50", "三档"),
        TUAN: ("94.00", "二档"),
    }
    ranking = {r["unit"]: r for r in pdca(ws, "ranking", "2024")}
    assert {u: (r["category"], r["rank"]) for u, r in ranking.items()} == {
        JIA: ("党政机关", 1),
        YI: ("党政机关", 2),
        BING: ("党政机关", 3),
        TUAN: ("群团组织", 1),
    }
    # 9. conversions from the unrounded totals, rounded once to 0.001:
    #   乙 94.945 × 3 / 100 = 2.84835 → 2.848;   丙 94.5 × 3 / 100 = 2.835
    #   甲 98 × 3 / 100 = 2.940;                 团省委 94 × 10 / 100 = 9.400
    # 8. 丙 三档 in 2023 and 2024: 连续两年三档.
    assert {u: r["results_used"] for u, r in ranking.items()} == {
        JIA: "绩效奖金一档；绩效考评加档；折算绩效考评分 2.940（满分 3）",
        YI: "绩效奖金二档（-1500）；折算绩效考评分 2.848（满分 3）",
        BING: "绩效奖金三档（-3000）；连续两年绩效奖金三档（2023、2024）；折算绩效考评分 2.835（满分 3）",
        TUAN: "绩效奖金二档（-1500）；绩效考评加档；折算绩效考评分 9.400（满分 10）",
    }
    # The 0.005 case: from the unrounded total 2.848 < 2.849, no 加档; converting the
    # rounded total would have rounded twice and crossed the line.
    twice = half_up(Decimal("94.95") * 3 / 100, "0.001")
    assert twice == Decimal("2.849") >= Decimal(UP) > Decimal("2.848")

    yi = pdca(ws, "explain", yi24)
    assert (Decimal(yi["unrounded"]), yi["total"]) == (Decimal("94.945"), "94.95")
    (conversion,) = yi["results_used"]["conversions"]
    assert (Decimal(conversion["exact"]), conversion["points"], conversion["of"]) == (
        Decimal("2.84835"),
        "2.848",
        "3",
    )
    # 1. the ballot's 采分点 under their items (the kept ballots' means), with the ballots.
    nodes = {n["label"]: n for n in walk(yi["tree"])}
    masses = nodes["党员群众代表"]
    assert Decimal(masses["value"]) == Decimal("87.625")
    assert sum(1 for c in masses["children"] if c["label"].startswith("测评票 #")) == 10
    duty = nodes["测评项目 履行第一责任人职责（duty）"]
    assert len(duty["children"]) == 4

    # 12 / 8. 丙局: 老毛病 from the carried item, with its event; two years in 三档.
    bing = pdca(ws, "explain", bing24)
    nodes = {n["label"]: n for n in walk(bing["tree"])}
    old = nodes["老毛病"]
    (carried,) = old["children"]
    assert (Decimal(old["value"]), Decimal(carried["value"])) == (20, -5)
    assert carried["label"].startswith(f"上期整改未销号：{problem}（{bing23}")
    assert carried["event_id"].startswith(f"{bing24}:")
    twice_third = bing["results_used"]["consequences"][1]
    assert (twice_third["label"], twice_third["periods"]) == (
        "连续两年绩效奖金三档",
        ["2023", "2024"],
    )
    assert bing["results_used"]["read"] == [{"period": "2023", "finalisation": 1}]
    assert [e["event"] for e in bing["results_used"]["events"]] == ["ConsequencesRecorded"]

    # ── 5. 乙局's appeal (讨说法): upheld, the finding withdrawn, re-finalised ─────────
    appeal = ("appeal", "lodge", yi24, "--reason", "暗访记录的不是本单位人员",
              "--evidence", "考勤表2024-05")  # fmt: skip
    assert "只能为本单位填报" in refused(ws, *appeal, principal="bing")
    ws.ok(*appeal, principal="yi")
    ws.ok("appeal", "decide", yi24, "--uphold", "--reason", "经核实暗访对象不属本单位")
    withdrawn = next(e for e in js(ws, "history", yi24) if e["type"] == "FindingRecorded")
    ws.ok("correct", "withdraw", yi24, str(withdrawn["position"]), "--reason", "申诉复核支持")
    assert "必须写明理由" in refused(ws, "round", "finalize", "2024")
    # 乙: L = 100 → 35.05 + 30 + 30 = 95.05 → 95.05 × 3 / 100 = 2.8515 → 2.852 ≥ 2.849: 加档.
    again = pdca(ws, "round", "finalize", "2024", "--reason", "申诉复核支持，撤回误记的暗访记录")
    assert {o["unit"]: o["total"] for o in again["outcomes"]}[YI] == "95.05"
    yi = pdca(ws, "explain", yi24)
    assert [c["label"] for c in yi["results_used"]["consequences"]] == [
        "绩效奖金二档",
        "绩效考评加档",
    ]
    assert yi["results_used"]["conversions"][0]["points"] == "2.852"
    (appealed,) = yi["appeals"]
    assert appealed["upheld"] is True and appealed["lodged"]["actor"] == "乙局-填报员"
    assert pdca(ws, "round", "show", "2024")["finalisations"] == 2

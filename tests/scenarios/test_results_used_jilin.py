"""吉林 results used (考用结合), through the CLI (workflows/jilin.toml, seed 001):

- 「黨建考核成績在黨群部門績效考評(100分)中占10分,在政府部門績效考評(100分)中占3分」
  「0.005分就能決定政府部門的績效獎金檔次」 — ``[[conversions]] performance``;
- 「績效獎金被定為第三檔」 — ``bonus_1/2/3`` by tier;
- 「績效獎金連續兩年被定為第三檔」 — ``bonus_3_twice`` (``years = 2``), a rule across years;
- re-finalising 2023 (an upheld appeal, 讨说法) revises 2024's consequences with one
  ``ConsequencesRevised`` event; 2024's published totals do not move.

Figures by hand from workflows/jilin.toml: total = 0.4·B + 0.3·L + 0.3·T, where B is the
mean of the 10 masses ballots after dropping the highest and the lowest, L = 100 minus
the ledger findings (four dimensions of 25), T = 100 (both tasks 优, completed); rounded
once, half-up, to 0.01. Tiers per category: 一档 best 30% (3 × 0.3 = 0.9 → 1 unit),
二档 to 80% (3 × 0.8 = 2.4 → 2), 三档 the rest.
"""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import js, unit_steps
from tests.scenarios.test_jilin import ballot_split

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

CATEGORY = "党政机关"  # converted at 3 points (the seed's 政府部门; ASSUMPTION in jilin.toml)


def year(
    ws: Workspace,
    unit: str,
    period: str,
    ballots: list[int],
    tmp: Path,
    findings: list[tuple[str, str]] = (),
) -> tuple[str, list[int]]:
    """One unit's year: two tasks completed 优, the ledger's findings, 10 ballots; the
    cycle reaches 处理. Returns the address and the findings' positions."""
    cycle = f"{unit}/{period}"
    if period == "2023":  # the first year registers the unit
        ws.ok("unit", "add", unit, "--category", CATEGORY)
    ws.ok("cycle", "open", unit, period, "--scheme", "jilin")
    for n in (1, 2):
        ws.ok("task", "add", cycle, f"重点任务{n}", "--deadline", f"{period}-11-30")
    ws.ok("task", "publish", cycle)
    ws.ok("cycle", "advance", cycle, "start_do")
    for n in (1, 2):
        ws.ok("task", "complete", cycle, str(n), "--quality", "优")
    positions = []
    for indicator, points in findings:
        recorded = js(
            ws, "finding", "record", cycle, "--source", "暗访", "--indicator", indicator,
            "--points", points, "--observed-on", f"{period}-05-20",
            "--evidence", "工作时间网购、打游戏",
        )  # fmt: skip
        positions.append(recorded["position"])
    ws.ok("cycle", "advance", cycle, "start_check")
    unit_steps(ws, cycle)  # 述职报告 (issue 14 item 5)
    tokens = js(ws, "ballot", "issue", cycle, "--group", "masses", "--count", str(len(ballots)))[
        "tokens"
    ]
    path = tmp / f"{unit}-{period}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["token", *ballot_split(0)])
        for token, total in zip(tokens, ballots, strict=True):
            writer.writerow([token, *ballot_split(total).values()])
    ws.ok("ballot", "import", cycle, str(path))
    ws.ok("cycle", "advance", cycle, "start_act")
    return cycle, positions


def used(ws: Workspace, cycle: str) -> list[str]:
    return [c["label"] for c in js(ws, "explain", cycle)["results_used"]["consequences"]]


def test_two_years_in_third_tier_and_a_revision_when_the_first_year_is_corrected(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    # ── 2023 ─────────────────────────────────────────────────────────────────────────
    # 甲: B = 95 → 0.4 × 95 + 30 + 30 = 98.00                               一档
    # 乙: B = 90 → 36 + 30 + 30 = 96.00                                      二档
    # 丙: B = 92, one 暗访 finding −25 on 纪律性 → L = 75:
    #     36.8 + 0.3 × 75 + 30 = 36.8 + 22.5 + 30 = 89.30                     三档
    year(ws, "甲局", "2023", [95] * 10, tmp_path)
    year(ws, "乙局", "2023", [90] * 10, tmp_path)
    c2023, (finding,) = year(ws, "丙局", "2023", [92] * 10, tmp_path, [("discipline", "-25")])
    ws.ok("round", "open", "2023", "--scheme", "jilin")
    ws.ok("round", "finalize", "2023")
    assert used(ws, c2023) == ["绩效奖金三档"]
    # Converted from the unrounded total: 89.3 × 3 / 100 = 2.679.
    (conversion,) = js(ws, "explain", c2023)["results_used"]["conversions"]
    assert (conversion["of"], conversion["points"]) == ("3", "2.679")

    # ── 2024: 丙 third again (B = 80 → 32 + 30 + 30 = 92.00); 乙 96.00, 甲 98.00 ───────
    year(ws, "甲局", "2024", [95] * 10, tmp_path)
    year(ws, "乙局", "2024", [90] * 10, tmp_path)
    c2024, _ = year(ws, "丙局", "2024", [80] * 10, tmp_path)
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    finalised = js(ws, "round", "finalize", "2024")
    assert used(ws, c2024) == ["绩效奖金三档", "连续两年绩效奖金三档"]
    second = js(ws, "explain", "乙局/2024")["results_used"]["consequences"]
    assert [(c["label"], c.get("amount")) for c in second] == [("绩效奖金二档", "-1500")]
    twice = js(ws, "explain", c2024)["results_used"]
    assert twice["consequences"][1]["periods"] == ["2023", "2024"]
    assert twice["read"] == [{"period": "2023", "finalisation": 1}]
    assert [e["event"] for e in twice["events"]] == ["ConsequencesRecorded"]
    published_2024 = {o["unit"]: o["total"] for o in finalised["outcomes"]}
    assert published_2024 == {"甲局": "98.00", "乙局": "96.00", "丙局": "92.00"}

    # ── 丙's 2023 appeal upheld (讨说法): the finding is withdrawn and 2023 re-finalised ──
    # 丙 2023: 36.8 + 30 + 30 = 96.80 → second (二档); 乙 96.00 → third (三档).
    ws.ok("correct", "withdraw", c2023, str(finding), "--reason", "申诉成立：暗访记录有误")
    preview = ws.ok("round", "finalize", "2023", "--dry-run").output
    assert "结果运用" not in preview  # a dry run records nothing, revises nothing
    again = js(ws, "round", "finalize", "2023", "--reason", "申诉复核后更正")
    assert {o["unit"]: (o["total"], o["tier"]) for o in again["outcomes"]} == {
        "甲局": ("98.00", "一档"),
        "丙局": ("96.80", "二档"),
        "乙局": ("96.00", "三档"),
    }
    # 2024 read 2023: 丙 no longer third two years running; 乙 was second in 2024, so
    # nothing is added. One event on the 2024 round lists the change.
    assert again["revised"] == [
        {
            "period": "2024",
            "changes": [
                {"unit": "丙局", "cycle": c2024, "added": [], "removed": ["连续两年绩效奖金三档"]}
            ],
        }
    ]
    assert used(ws, c2024) == ["绩效奖金三档"]
    events = js(ws, "explain", c2024)["results_used"]["events"]
    assert [e["event"] for e in events] == ["ConsequencesRecorded", "ConsequencesRevised"]
    # The 2024 publication is untouched: same totals, still one finalisation.
    details = js(ws, "round", "show", "2024")
    assert details["finalisations"] == 1
    assert {o["unit"]: o["total"] for o in details["outcomes"]} == published_2024

    # Shown in ranking, the exports, the report and explain (92.00 × 3 / 100 = 2.760).
    shown = "绩效奖金三档（-3000）；折算绩效考评分 2.760（满分 3）；因 2023 重新定稿而修订"
    rows = {r["unit"]: r for r in js(ws, "ranking", "2024")}
    assert rows["丙局"]["results_used"] == shown
    assert rows["乙局"]["results_used"] == "绩效奖金二档（-1500）；折算绩效考评分 2.880（满分 3）"
    assert shown in ws.ok("ranking", "2024").output
    # The export's JSON beside its 校验码 line (the anchor taken at finalisation).
    output = ws.ok("export", "scores", "2024", "--format", "json").output
    exported, _ = json.JSONDecoder().raw_decode(output[output.index("[") :])
    assert {r["unit"]: r["results_used"] for r in exported}["丙局"] == shown
    assert "结果运用" in ws.ok("export", "scores", "2024", "--format", "csv").output
    report = tmp_path / "report.html"
    ws.ok("report", "2024", "-o", str(report))
    assert "结果运用" in report.read_text(encoding="utf-8")
    assert "绩效奖金三档（-3000）" in report.read_text(encoding="utf-8")
    text = ws.ok("explain", c2024).output
    assert "结果运用：" in text
    assert "绩效奖金三档（档次为 3；2024，金额 -3000）" in text
    assert "ConsequencesRevised（因 2023 重新定稿而修订" in text


def test_the_conversion_rounds_once_from_the_unrounded_total(
    workspace: Workspace, tmp_path: Path
) -> None:
    """「0.005分就能決定政府部門的績效獎金檔次」: a test-local threshold on the converted
    points (the seed gives the 绩效考评 tiers no figures) shows the double rounding."""
    ws = workspace
    scheme = ws.root / "workflows" / "jilin.toml"
    scheme.write_text(
        scheme.read_text(encoding="utf-8")
        + '\n[[consequences]]\nid = "performance_up"\nlabel = "绩效考评加档"\n'
        'conversion = "performance"\nmin = "2.849"\n',
        encoding="utf-8",
    )
    # B: ballots 80, 87 × 7, 92, 100 → drop 80 and 100 → (7 × 87 + 92) / 8 = 701 / 8 = 87.625
    # L: one 暗访 finding −0.35 on 纪律性 → 99.65;  T = 100
    # total = 0.4 × 87.625 + 0.3 × 99.65 + 30 = 35.05 + 29.895 + 30 = 94.945 → 94.95
    cycle, _ = year(
        ws, "丁局", "2023", [80, *[87] * 7, 92, 100], tmp_path, [("discipline", "-0.35")]
    )
    ws.ok("round", "open", "2023", "--scheme", "jilin")
    ws.ok("round", "finalize", "2023")
    data = js(ws, "explain", cycle)
    assert (Decimal(data["unrounded"]), data["total"]) == (Decimal("94.945"), "94.95")
    (conversion,) = data["results_used"]["conversions"]
    # From the unrounded total: 94.945 × 3 / 100 = 2.84835 → 2.848 (below 2.849).
    assert (Decimal(conversion["exact"]), conversion["points"]) == (Decimal("2.84835"), "2.848")
    assert "绩效考评加档" not in used(ws, cycle)
    # Converting the rounded total would have rounded twice and crossed the line:
    # 94.95 × 3 / 100 = 2.8485 → 2.849 ≥ 2.849.
    twice = (Decimal("94.95") * 3 / 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    assert twice == Decimal("2.849") >= Decimal("2.849")

"""吉林 述职评议 + 秋后算账 (seed 001_d728c4f822d59985.txt), a year through the CLI.

「黨建工作考核成績由三部分組成:一是述職現場群眾評議得分,占40%權重;二是省直工委平時調研、
督查、暗訪了解的情況得分,占30%權重;三是黨建重點任務完成情況得分,占30%權重」
「今年上半年暗訪時曾發現你們單位有人在工作時間網購、打游戲」 … 「績效獎金被定為第三檔」

Expected figures are computed by hand from workflows/jilin.toml:
ballot 40 (trimmed mean of the ballot totals; only the masses group votes here, so its
weight renormalises to 100%), daily ledger 30 (four dimensions of 25, findings stop at
0), key tasks 30 (mean of completion × quality factor; 优 = 1.0), rounded once to 0.01
half-up; ranked per category; tiers 一档 best 30%, 二档 to 80% (headcounts half-up).
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import Workspace

BALLOT_ITEMS = ("duty", "report", "answers", "daily_work", "rectification")


def ballot_split(total: int) -> dict[str, int]:
    """Spread a ballot total over the five 20-point items."""
    base, extra = divmod(total, 5)
    return {item: base + (1 if n < extra else 0) for n, item in enumerate(BALLOT_ITEMS)}


def cast(ws: Workspace, cycle: str, totals: list[int], tmp: Path) -> None:
    tokens = json.loads(
        ws.ok(
            "ballot", "issue", cycle, "--group", "masses", "--count", str(len(totals)), "--json"
        ).output
    )["tokens"]
    path = tmp / f"{cycle.replace('/', '_')}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["token", *BALLOT_ITEMS])
        for token, total in zip(tokens, totals, strict=True):
            writer.writerow([token, *ballot_split(total).values()])
    ws.ok("ballot", "import", cycle, str(path))


def year(
    ws: Workspace,
    unit: str,
    category: str,
    ballots: list[int],
    tmp: Path,
    findings: list[tuple[str, str, str]] = (),
    tasks: list[tuple[str, int | None]] = (("优", None), ("优", None)),
) -> str:
    cycle = f"{unit}/2024"
    ws.ok("unit", "add", unit, "--category", category)
    ws.ok("cycle", "open", unit, "2024", "--scheme", "jilin")
    for n, _ in enumerate(tasks, 1):
        ws.ok("task", "add", cycle, f"重点任务{n}", "--deadline", "2024-11-30")
    ws.ok("task", "publish", cycle)
    ws.ok("cycle", "advance", cycle, "start_do")
    for n, (quality, progress) in enumerate(tasks, 1):
        if progress is None:
            ws.ok("task", "complete", cycle, str(n), "--quality", quality)
        else:
            ws.ok("task", "report", cycle, str(n), "--progress", str(progress))
    for indicator, points, observed in findings:
        ws.ok(
            "finding",
            "record",
            cycle,
            "--source",
            "暗访",
            "--indicator",
            indicator,
            "--points",
            points,
            "--observed-on",
            observed,
            "--evidence",
            "工作时间网购、打游戏",
        )
    ws.ok("cycle", "advance", cycle, "start_check")
    cast(ws, cycle, ballots, tmp)
    ws.ok("cycle", "advance", cycle, "start_act")
    return cycle


def ranking(ws: Workspace) -> dict[str, dict]:
    return {r["unit"]: r for r in json.loads(ws.ok("ranking", "2024", "--json").output)}


def test_excellent_review_still_drops_a_tier_for_a_first_half_unannounced_visit(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    # 甲局: the best 述职 of the year — twelve ballots of 98, trimmed mean 98 — but one
    # 暗访 finding on 12 May wipes its 纪律性 dimension (−25, the dimension's whole 25).
    #   ballot 98 × 40% = 39.20; ledger (25+25+0+25)/100 = 75 × 30% = 22.50; tasks 100 × 30% = 30.00
    #   total 91.70  (without the finding it would be 39.20 + 30 + 30 = 99.20, first place)
    jia = year(
        ws, "甲局", "党政机关", [98] * 12, tmp_path, findings=[("discipline", "-25", "2024-05-12")]
    )
    # 乙局: ten ballots of 95 plus one 100 and one 80; 去掉一个最高分和一个最低分 → mean 95
    #   95 × 40% = 38.00 + 30 + 30 = 98.00
    year(ws, "乙局", "党政机关", [95] * 10 + [100, 80], tmp_path)
    year(ws, "丙局", "党政机关", [94] * 12, tmp_path)  # 37.60 + 60 = 97.60
    year(ws, "丁局", "党政机关", [93] * 12, tmp_path)  # 37.20 + 60 = 97.20
    # 戊会 (another category): four tasks, three done 优 and one at 15% →
    #   (1 + 1 + 1 + 0.15) / 4 = 78.75 × 30% = 23.625; ballot 98 → 39.20; ledger 30
    #   92.825 → 92.83 half-up (四舍五入), where banker's rounding would give 92.82
    year(ws, "戊会", "群团组织", [98] * 12, tmp_path, tasks=[("优", None)] * 3 + [("优", 15)])

    ws.ok("round", "open", "2024", "--scheme", "jilin")
    ws.ok("round", "finalize", "2024")
    ranked = ranking(ws)
    # 党政机关, four units: 一档 = round(4 × 30%) = 1 unit, 二档 up to round(4 × 80%) = 3.
    assert [
        (u, ranked[u]["total"], ranked[u]["rank"], ranked[u]["tier"])
        for u in ("乙局", "丙局", "丁局", "甲局")
    ] == [
        ("乙局", "98.00", 1, "一档"),
        ("丙局", "97.60", 2, "二档"),
        ("丁局", "97.20", 3, "二档"),
        ("甲局", "91.70", 4, "三档"),
    ]
    assert ranked["甲局"]["grade"] == "好"  # ≥ 90: the finding costs the tier, not the grade
    # Alone in its category: 一档 holds round(1 × 30%) = 0 units, 二档 round(1 × 80%) = 1.
    assert (ranked["戊会"]["total"], ranked["戊会"]["rank"], ranked["戊会"]["tier"]) == (
        "92.83",
        1,
        "二档",
    )

    explained = json.loads(ws.ok("explain", jia, "--json").output)
    assert explained["total"] == "91.70"
    daily = next(c for c in explained["components"] if c["id"] == "daily")
    assert Decimal(daily["score"]) == Decimal("75") and Decimal(daily["weighted"]) == Decimal(
        "22.5"
    )
    leaf = _find(explained["tree"], lambda n: n.get("observed_on") == "2024-05-12")
    assert (
        leaf["value"] == "-25"
        and leaf["actor"] == ws.actor
        and leaf["evidence"] == "工作时间网购、打游戏"
    )
    assert leaf["event_id"].startswith(f"{jia}:")

    ledger = json.loads(ws.ok("ledger", "2024", "--unit", "甲局", "--json").output)
    assert [(r["indicator"], r["points"], r["observed_on"], r["applied"]) for r in ledger] == [
        ("discipline", "-25", "2024-05-12", True)
    ]

    # A correction after publication does not silently change the result: the finding is
    # withdrawn, the published ranking stays until the round is finalised again, and the
    # re-finalisation records who moves and by how much.
    position = str(ledger[0]["position"])
    ws.ok("correct", "withdraw", jia, position, "--reason", "复核：当事人不属本单位")
    assert ranking(ws)["甲局"]["total"] == "91.70"
    assert ranking(ws)["甲局"]["current_total"] == "99.20"
    result = json.loads(
        ws.ok("round", "finalize", "2024", "--reason", "撤回误记的暗访记录", "--json").output
    )
    changes = {(c["cycle"], c["field"]): (c["before"], c["after"]) for c in result["changes"]}
    assert changes[(jia, "total")] == ("91.70", "99.20")
    assert changes[(jia, "rank")] == (4, 1)
    assert changes[(jia, "tier")] == ("三档", "一档")
    assert changes[("乙局/2024", "rank")] == (1, 2)
    assert ranking(ws)["甲局"]["tier"] == "一档"


def test_as_of_shows_what_was_known_then(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    cycle = year(
        ws, "甲局", "党政机关", [90] * 10, tmp_path, findings=[("discipline", "-10", "2024-03-01")]
    )
    history = json.loads(ws.ok("history", cycle, "--json").output)
    finding_at = next(h["recorded_at"] for h in history if h["type"] == "FindingRecorded")
    before = next(h["recorded_at"] for h in history if h["type"] == "TaskCompleted")
    then = json.loads(ws.ok("explain", cycle, "--as-of", before, "--json").output)
    # Only what was recorded by then: the ballot was not yet cast, so the ballot
    # component is refused (quorum 10), and the finding is not in the tree.
    assert then["refused"].startswith("述职现场群众评议")
    assert _find(then["tree"], lambda n: n.get("observed_on") == "2024-03-01") is None
    now = json.loads(ws.ok("explain", cycle, "--json").output)
    # 90 × 40% = 36.00; (25+25+15+25) = 90 × 30% = 27.00; tasks 30.00 → 93.00
    assert now["total"] == "93.00" and now["refused"] is None
    assert (
        _find(now["tree"], lambda n: n.get("observed_on") == "2024-03-01")["recorded_at"]
        == finding_at
    )


def _find(node: dict, predicate) -> dict | None:  # type: ignore[no-untyped-def]
    if predicate(node):
        return node
    for child in node.get("children", []):
        found = _find(child, predicate)
        if found is not None:
            return found
    return None

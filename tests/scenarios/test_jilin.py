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

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import unit_steps

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

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


def cast_points(ws: Workspace, cycle: str, ballots: list[dict[str, int]], tmp: Path) -> None:
    """Ballots that give each of the 19 采分点: the file's columns are the point ids."""
    tokens = json.loads(
        ws.ok(
            "ballot", "issue", cycle, "--group", "masses", "--count", str(len(ballots)), "--json"
        ).output
    )["tokens"]
    columns = list(ballots[0])
    path = tmp / f"{cycle.replace('/', '_')}-points.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["token", *columns])
        for token, marks in zip(tokens, ballots, strict=True):
            writer.writerow([token, *(marks[c] for c in columns)])
    ws.ok("ballot", "import", cycle, str(path))


def year(
    ws: Workspace,
    unit: str,
    category: str,
    ballots: list[int] | list[dict[str, int]],
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
    unit_steps(ws, cycle)  # 述职报告 (issue 14 item 5)
    if ballots and isinstance(ballots[0], dict):
        cast_points(ws, cycle, ballots, tmp)  # type: ignore[arg-type]
    else:
        cast(ws, cycle, ballots, tmp)  # type: ignore[arg-type]
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


def test_the_ballot_gives_each_of_its_19_points(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    # 001: 「測評票共設5個項目,包含19個采分點,總計100分」
    ballot = json.loads(ws.ok("scheme", "show", "jilin", "--json").output)["ballot"]
    points = {i["id"]: {p["id"]: int(p["max"]) for p in i["points"]} for i in ballot["items"]}
    assert len(points) == 5 and sum(len(p) for p in points.values()) == 19
    assert sum(sum(p.values()) for p in points.values()) == 100
    full = {p: m for item in points.values() for p, m in item.items()}
    # 丙局: ten ballots full but for 工作作风与纪律 (rect_conduct, of 7) at 4 → 97; one all
    # full (100) and one giving only its first ten points, of 5 each (50), are dropped as
    # the highest and the lowest.
    docked = {**full, "rect_conduct": 4}
    half = {p: (m if n < 10 else 0) for n, (p, m) in enumerate(full.items())}
    assert (sum(docked.values()), sum(half.values())) == (97, 50)
    cycle = year(ws, "丙局", "党政机关", [docked] * 10 + [full, half], tmp_path)
    # ballot 97 × 40% = 38.80; ledger clean 100 × 30% = 30; tasks 2 × 优 100 × 30% = 30
    # total 98.80
    explained = json.loads(ws.ok("explain", cycle, "--json").output)
    assert explained["total"] == "98.80"
    nodes = {n["label"]: n for n in _walk(explained["tree"])}
    group = nodes["党员群众代表"]
    rect = nodes["测评项目 问题整改与作风建设（rectification）"]
    # the item's mean over the ten ballots kept: 7 + 4 + 6 = 17, under the group's mean
    assert rect in group["children"] and Decimal(rect["value"]) == 17
    assert [(c["label"], Decimal(c["value"])) for c in rect["children"]] == [
        ("上年度问题整改落实（rectification.rect_last_year）", 7),
        ("工作作风与纪律（rectification.rect_conduct）", 4),
        ("责任追究与警示教育（rectification.rect_accountable）", 6),
    ]
    # …and the ballots themselves, the events behind the means, are listed with them.
    assert sum(1 for c in group["children"] if c["label"].startswith("测评票 #")) == 12


def test_a_ballot_gives_an_item_by_its_points_or_whole_never_both(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    cycle = "丁局/2024"
    ws.ok("unit", "add", "丁局", "--category", "党政机关")
    ws.ok("cycle", "open", "丁局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", cycle, "重点任务1", "--deadline", "2024-11-30")
    ws.ok("task", "publish", cycle)
    ws.ok("cycle", "advance", cycle, "start_do")
    ws.ok("cycle", "advance", cycle, "start_check")
    tokens = json.loads(
        ws.ok("ballot", "issue", cycle, "--group", "masses", "--count", "2", "--json").output
    )["tokens"]
    duty_points = ["duty_lead=5", "duty_two_roles=5", "duty_plan=5", "duty_supervise=4"]
    rest = ["report=20", "answers=20", "daily_work=20", "rectification=20"]
    both = ws.refused("ballot", "cast", cycle, "--token", tokens[0], "duty=19", *duty_points, *rest)
    assert both == "错误：测评项目 duty 既填了总分又填了采分点；每个项目只能按一种方式填写"
    short = ws.refused("ballot", "cast", cycle, "--token", tokens[0], *duty_points[:3], *rest)
    assert short.startswith("错误：测评票项目不符：缺少 duty_supervise；应填：duty_lead（0–5）")
    over = ws.refused(
        "ballot", "cast", cycle, "--token", tokens[0], "duty_lead=6", *duty_points[1:], *rest
    )
    assert "测评项目 duty_lead（亲自抓党建、带头履责）的分数 6 超出范围；允许 0 至 5" in over
    # By its points (labels work as ids do), or whole, as a tally that kept item totals gives it.
    ws.ok("ballot", "cast", cycle, "--token", tokens[0], *duty_points, *rest)
    ws.ok("ballot", "cast", cycle, "--token", tokens[1], "履行第一责任人职责=17", *rest)
    path = tmp_path / "both.csv"
    path.write_text("token,duty,duty_lead\nAAAAA-BBBBB,1,1\n", encoding="utf-8")
    assert "既有测评项目 duty 的总分又有其采分点" in ws.refused(
        "ballot", "import", cycle, str(path)
    )


def _walk(node: dict) -> list[dict]:
    return [node, *(n for c in node.get("children", []) for n in _walk(c))]

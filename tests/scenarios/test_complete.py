"""Complete before final (issue 12, item 2): a round is finalised only when every cycle
has every catalogue item scored or declared not applicable, and a total that cannot
be scored is never shown as a number (item 3).

Seen on main: a 甘肃 cycle with one item nobody recorded scored it 0 and the round
finalised it at 96.25 好. Figures from workflows/gansu.toml (format 3: 71 条 worth 100
points; an item with 采分点 needs every point), worked by hand below.
"""

from __future__ import annotations

import json
from decimal import Decimal

from tests.conftest import Workspace
from tests.scenarios._year import js
from tests.scenarios.test_gansu import FULL, run_unit

# 党组（党委）会议专题研究党建工作次数: per_occurrence (2 required, 0.5 each), max 1, in
# category 党组（党委）主体责任 (mr_leading, 5 items, max 7).
SKIPPED = "mr_committee_study"


def json_refusal(ws: Workspace, *args: str) -> dict:
    """A refused command under ``--json``: exit 1, one line (a JSON object), and not
    one event written."""
    before = ws.event_count()
    result = ws.run(*args, "--json")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert ws.event_count() == before
    return json.loads(lines[0])


def leaves(node: dict) -> list[dict]:
    return [node, *(n for c in node.get("children", []) for n in leaves(c))]


def test_a_cycle_missing_one_item_refuses_finalisation_naming_it(workspace: Workspace) -> None:
    ws = workspace
    missing_one = {k: v for k, v in FULL.items() if k != SKIPPED}
    # Were the item counted 0: 实地考核 99 of 100 → 99 × 60% = 59.4; 平时考核 (50 + 50) = 100
    # × 30% = 30; 民主测评 mean of twelve 100s = 100 × 10% = 10 → 99.40 好, published with 0.
    finance = run_unit(ws, "省财政厅", missing_one, routine=("50", "50"), votes=[100] * 12)
    education = run_unit(ws, "省教育厅", FULL, routine=("48", "47"), votes=[95] * 12)
    ws.ok("round", "open", "2017", "--scheme", "gansu")

    line = ws.refused("round", "finalize", "2017")
    assert line.startswith("错误：有 1 个周期不完整，不能定稿：省财政厅/2017（实地考核缺 1 项：")
    assert f"{SKIPPED}（党组（党委）会议专题研究党建工作次数）" in line
    assert "pdca score na" in line and "省教育厅" not in line

    # --json: the same refusal as one JSON line, with what each cycle lacks.
    refusal = json_refusal(ws, "round", "finalize", "2017")
    assert refusal["exit_code"] == 1 and refusal["error"] == line.removeprefix("错误：")
    assert [c["cycle"] for c in refusal["incomplete"]] == [finance]
    assert refusal["incomplete"][0]["missing"] == [
        {
            "component": "on_site",
            "component_label": "实地考核",
            "item": SKIPPED,
            "item_label": "党组（党委）会议专题研究党建工作次数",
            "reason": "未记录得分，也未认定不适用",
        }
    ]

    # explain: the item is "missing", and no total is shown as a number.
    explained = js(ws, "explain", finance)
    assert explained["total"] is None and explained["unrounded"] is None
    assert explained["refused"].startswith("实地考核缺 1 项：mr_committee_study")
    item = next(n for n in leaves(explained["tree"]) if n["label"].endswith(f"（{SKIPPED}）"))
    assert (item["value"], item["status"]) == (None, "missing")
    on_site = next(c for c in explained["components"] if c["id"] == "on_site")
    assert (on_site["status"], on_site["score"], on_site["weighted"]) == ("missing", None, None)
    text = ws.ok("explain", finance).output
    assert "省财政厅/2017 总分（方案 gansu@2017.1） = —（尚不能计分：实地考核缺 1 项" in text
    assert "99.40" not in text
    assert f"（{SKIPPED}） = —（未记录；满分 1" in text

    # ranking: null, not 96.25, for the cycle that cannot be scored.
    ranked = {r["unit"]: r for r in js(ws, "ranking", "2017")}
    assert (ranked["省财政厅"]["total"], ranked["省财政厅"]["current_total"]) == (None, None)
    # 省教育厅: 100 × 60% = 60; (48 + 47) = 95 × 30% = 28.5; 95 × 10% = 9.5 → 98.00
    assert ranked["省教育厅"]["current_total"] == "98.00"
    assert "—（实地考核缺 1 项" in ws.ok("ranking", "2017").output

    # 补记 in 处理: the item still missing may be recorded late, and explain says so.
    ws.ok("score", "record", finance, SKIPPED, "2", "--evidence", "补查会议记录")
    late = js(ws, "explain", finance)
    item = next(n for n in leaves(late["tree"]) if n["label"].endswith(f"（{SKIPPED}）"))
    leaf = item["children"][0]
    assert (leaf["label"], leaf["note"]) == ("记录值 2", "处理阶段补记")
    # …but only a missing one: a scored item is corrected, not recorded again.
    assert "已有得分记录" in ws.refused(
        "score", "record", finance, "sc_integration", "1", "--evidence", "x"
    )

    ws.ok("round", "finalize", "2017")
    ranked = {r["unit"]: r for r in js(ws, "ranking", "2017")}
    # 100 of 100 → 100 × 60% = 60; 100 × 30% = 30; 100 × 10% = 10 → 100.00 好
    assert (ranked["省财政厅"]["total"], ranked["省财政厅"]["rank"]) == ("100.00", 1)
    assert (ranked["省教育厅"]["total"], ranked["省教育厅"]["rank"]) == ("98.00", 2)
    shown = js(ws, "round", "show", "2017")
    assert (shown["published"], shown["incomplete"], shown["published_incomplete"]) == (
        True,
        [],
        [],
    )
    assert education in ws.ok("explain", education).output


def test_an_item_not_applicable_leaves_its_category_maximum(workspace: Workspace) -> None:
    ws = workspace
    # 省财政厅 loses 3 points on three items, and the committee study (max 1) does not
    # apply to it this year.
    items = {k: v for k, v in FULL.items() if k != SKIPPED}
    items |= {
        "sc_integration": "2",  # direct, max 3: −1
        "mr_lists.branches": "0",  # 采分点 of 1: −1                       (in mr_leading)
        "bs_dues": "80",  # 20% under 100%: two bands × 0.5 = −1 (max 1)
    }
    finance = run_unit(ws, "省财政厅", items, routine=("45", "42"), votes=[90] * 10 + [60, 100])
    ws.ok("round", "open", "2017", "--scheme", "gansu")
    assert "mr_committee_study" in ws.refused("round", "finalize", "2017")

    assert "必须写明理由" in ws.refused("score", "na", finance, SKIPPED, "--reason", " ")
    assert "未知组成部分或指标 'nosuch'" in ws.refused(
        "score", "na", finance, "nosuch", "--reason", "x"
    )
    assert "已有得分记录" in ws.refused("score", "na", finance, "mr_lists", "--reason", "x")
    assert (
        js(ws, "score", "na", finance, SKIPPED, "--reason", "本年度由上级党组统一研究")["item"]
        == SKIPPED
    )
    assert "已认定不适用" in ws.refused("score", "na", finance, SKIPPED, "--reason", "again")
    assert "已认定不适用" in ws.refused("score", "record", finance, SKIPPED, "2", "--evidence", "x")

    explained = js(ws, "explain", finance)
    # 实地考核: 100 − 1 (not applicable) = 99 possible; earned 99 − 3 = 96 → 96 / 99 × 100
    #   = 96.9696… × 60% = 58.1818…
    # 平时考核: 87 × 30% = 26.1; 民主测评: 90 × 10% = 9.0
    # total 58.1818… + 26.1 + 9.0 = 93.2818… → 93.28
    assert explained["refused"] is None and explained["total"] == "93.28"
    on_site = next(c for c in explained["components"] if c["id"] == "on_site")
    assert Decimal(on_site["score"]).quantize(Decimal("0.0001")) == Decimal("96.9697")
    node = next(n for n in leaves(explained["tree"]) if n["label"].endswith(f"（{SKIPPED}）"))
    assert (node["value"], node["status"]) == (None, "not_applicable")
    # mr_leading: mr_lists 1 + 1 + 0 = 2, democratic life 1, plan 1, report 1 = 5 of 7 − 1 = 6
    category = next(n for n in leaves(explained["tree"]) if n["label"] == "党组（党委）主体责任")
    assert Decimal(category["value"]) == 5 and "按比例折为 6" in category["note"]

    ws.ok("round", "finalize", "2017")
    assert js(ws, "ranking", "2017")[0]["total"] == "93.28"


def test_round_show_flags_a_round_published_with_an_item_missing(workspace: Workspace) -> None:
    """A round finalised before finalisation checked completeness (as main did) is
    flagged: which published cycle lacked what, at the event the round published."""
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    ws = workspace
    missing_one = {k: v for k, v in FULL.items() if k != SKIPPED}
    finance = run_unit(ws, "省财政厅", missing_one, routine=("50", "50"), votes=[100] * 12)
    ws.ok("round", "open", "2017", "--scheme", "gansu")
    shown = js(ws, "round", "show", "2017")
    assert shown["published"] is False and shown["cycles"] == 1
    assert [c["cycle"] for c in shown["incomplete"]] == [finance]
    assert "未发布" in ws.ok("round", "show", "2017").output

    # What main's finalisation would record: 99.40 好, the missing item counted as 0.
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        rnd = app.get_round("2017", "gansu")
        head = app.get_cycle(finance).version
        outcome = {
            "cycle": finance, "unit": "省财政厅", "category": "党政机关",
            "total": Decimal("99.40"), "unrounded": Decimal("99.40"), "rank": 1,
            "grade": "好", "tier": "", "veto": "", "note": "", "head": head, "digest": None,
        }  # fmt: skip
        rnd.finalize(outcomes=[outcome], changes=[], actor="督查组-旧版", reason=None)
        app.save(rnd)
    finally:
        app.close()
    # Recorded later, after the publication: the flag reads the history as published.
    ws.ok("score", "record", finance, SKIPPED, "2", "--evidence", "补查会议记录")

    shown = js(ws, "round", "show", "2017")
    assert shown["published"] is True and shown["finalisations"] == 1
    assert shown["published_by"] == "督查组-旧版"
    assert shown["incomplete"] == []  # complete now …
    flagged = shown["published_incomplete"]  # … but not when it was published
    assert [c["cycle"] for c in flagged] == [finance]
    assert [m["item"] for m in flagged[0]["missing"]] == [SKIPPED]
    text = ws.ok("round", "show", "2017").output
    assert "注意：发布时有 1 个周期缺项" in text and SKIPPED in text


def test_a_total_that_cannot_be_scored_is_never_a_number(workspace: Workspace) -> None:
    """Seen on main: a 吉林 cycle short of the ballot quorum — explain printed 尚不能计分
    and then a total; ranking --json, the exports and the report showed that total."""
    from openpyxl import load_workbook

    from tests.scenarios._year import advance, ballots, open_with_tasks, unit_steps

    ws = workspace
    items = {"duty": 20, "report": 20, "answers": 20, "daily_work": 20, "rectification": 20}
    cycles = {}
    for unit, votes in (("市财政局", [80] * 3), ("市教育局", [90] * 10)):
        cycle = cycles[unit] = open_with_tasks(ws, unit, "党政机关", "2024", "jilin")
        assert advance(ws, cycle, "start_do") == "do"
        ws.ok("task", "complete", cycle, "1")
        ws.ok("task", "complete", cycle, "2")
        assert advance(ws, cycle, "start_check") == "check"
        unit_steps(ws, cycle)  # 述职报告
        ballots(ws, cycle, items, {"masses": votes})
        assert advance(ws, cycle, "start_act") == "act"
    short = "述职现场群众评议：测评票不足：已收有效票 3 张，方案要求至少 10 张"
    # 市教育局: ten 90s, trimmed to eight → 90 × 40% = 36; a clean ledger 100 × 30% = 30;
    # both tasks completed 100 × 30% = 30 → 96.00
    explained = js(ws, "explain", cycles["市财政局"])
    assert (explained["total"], explained["refused"]) == (None, short)
    ballot = next(c for c in explained["components"] if c["id"] == "ballot")
    assert (ballot["score"], ballot["weighted"], ballot["status"]) == (None, None, "missing")
    text = ws.ok("explain", cycles["市财政局"]).output
    assert f"总分（方案 jilin@2024.1） = —（尚不能计分：{short}）" in text
    assert "└ 述职现场群众评议 = —（不能计分" in text

    ranked = {r["unit"]: r for r in js(ws, "ranking", "2024")}
    assert (ranked["市财政局"]["total"], ranked["市财政局"]["current_total"]) == (None, None)
    assert ranked["市教育局"]["current_total"] == "96.00"

    exported = {r["unit"]: r for r in js(ws, "export", "scores", "2024", "--format", "json")}
    assert (exported["市财政局"]["total"], exported["市财政局"]["current_total"]) == (None, None)
    assert exported["市财政局"]["component.述职现场群众评议"] is None
    csv = ws.ok("export", "scores", "2024", "--format", "csv").output
    row = next(line for line in csv.splitlines() if line.startswith(",市财政局,"))
    assert row.count(f"—（{short}）") == 2  # 总分 and 当前得分
    path = ws.root / "scores.xlsx"
    ws.ok("export", "scores", "2024", "-o", str(path))
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    values = {r[1]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert values["市财政局"]["总分"] == f"—（{short}）"
    assert values["市教育局"]["总分"] == 96

    report = ws.root / "report.html"
    ws.ok("report", "2024", "-o", str(report), "--today", "2025-01-10")
    html = report.read_text(encoding="utf-8")
    assert f"—（{short}）" in html
    assert "尚不能计分、未画出的单位（1 个）：市财政局" in html

    # Finalisation names what the cycle lacks.
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    line = ws.refused("round", "finalize", "2024")
    assert line == f"错误：有 1 个周期不完整，不能定稿：市财政局/2024（{short}）"
    refusal = json_refusal(ws, "round", "finalize", "2024")
    assert refusal["incomplete"][0]["missing"] == [
        {
            "component": "ballot",
            "component_label": "述职现场群众评议",
            "item": None,
            "item_label": None,
            "reason": "测评票不足：已收有效票 3 张，方案要求至少 10 张",
        }
    ]


def test_every_point_of_an_item_counts_before_final(workspace: Workspace) -> None:
    """An item scored by its 采分点 is complete only when every point is recorded."""
    ws = workspace
    missing = {k: v for k, v in FULL.items() if k not in ("sec_branch.talks", "mr_lists.branches")}
    finance = run_unit(ws, "省财政厅", missing, routine=("50", "50"), votes=[100] * 12)
    ws.ok("round", "open", "2017", "--scheme", "gansu")
    line = ws.refused("round", "finalize", "2017")
    assert line.startswith("错误：有 1 个周期不完整，不能定稿：省财政厅/2017（实地考核缺 2 项：")
    assert "mr_lists.branches（三级抓党建责任清单／基层党支部履行教育管理监督党员职责）" in line
    assert "sec_branch.talks（基层党支部书记履职／谈心谈话）" in line
    refusal = json_refusal(ws, "round", "finalize", "2017")
    assert [m["item"] for m in refusal["incomplete"][0]["missing"]] == [
        "mr_lists.branches",
        "sec_branch.talks",
    ]
    explained = js(ws, "explain", finance)
    assert explained["total"] is None
    lists = next(n for n in leaves(explained["tree"]) if n["label"].endswith("（mr_lists）"))
    assert (lists["value"], lists["status"]) == (None, "missing")
    assert [c.get("status", "") for c in lists["children"]] == ["", "", "missing"]
    # With a point recorded, the item cannot be declared not applicable (withdraw first).
    assert "已有得分记录" in ws.refused("score", "na", finance, "mr_lists", "--reason", "x")
    # 补记 in 处理: the two missing points.
    ws.ok("score", "record", finance, "mr_lists.branches", "0", "--evidence", "支部清单缺失")
    ws.ok("score", "record", finance, "sec_branch.talks", "1", "--evidence", "补查谈话记录")
    ws.ok("round", "finalize", "2017")
    # 实地考核: 100 − 1 (mr_lists.branches 0) = 99 → 99 × 60% = 59.4
    # 平时考核 100 × 30% = 30; 民主测评 100 × 10% = 10 → 99.40
    assert js(ws, "ranking", "2017")[0]["total"] == "99.40"

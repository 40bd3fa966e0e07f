"""Issue 14 items 4, 6, 10, 12 through the CLI: sub-stages that bind, 整改 from 执行,
peer review that never scores one's own unit, and 老毛病 scored where a scheme has it.

Seed passages exercised:
- 004 (南通): 「重点目标申报、日常管理、分片互评、领导评鉴、集中阅评、党建指导员阅评、党员评议,
  七个环节贯穿全年」 — each link records only its own evaluators' facts;
  「按照职能相似、地域相近、工作平衡等原则建立了6个党建工作联系片」 — 分片互评 ballots go to a
  rater unit of the same 联系片, never the unit itself; 「效能问题交办、效能整改月报及销号机制」
  — 整改 ordered in 日常管理 (执行).
- 002 (述评考用): 「“述”即述职」 — nothing is scored in 述; 「增加“上一年考核中指出的问题整改情况”
  考核指标」 — scored from last year's open items, not typed.
- 003 (甘肃): 「筹备自查 … 实地考核 … 考核汇总 … 结果审定」, 「组成了11个考核组」 — 结果审定
  needs someone outside the unit's 考核组.
Every refusal is one 错误 line and writes nothing (``ws.refused`` counts the events).
"""

from __future__ import annotations

import json
from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import advance, js
from tests.scenarios._year import node as _node

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

OWNER = "王五"


def _open(ws: Workspace, unit: str, period: str, scheme: str, grid: str | None = None) -> str:
    if unit not in {u["unit"] for u in js(ws, "unit", "list")}:
        ws.ok("unit", "add", unit, "--category", "党政机关", *(["--grid", grid] if grid else []))
    ws.ok("cycle", "open", unit, period, "--scheme", scheme)
    cycle = f"{unit}/{period}"
    ws.ok("task", "add", cycle, "重点任务1", "--deadline", f"{period}-06-30")
    ws.ok("task", "publish", cycle)
    return cycle


def _history(ws: Workspace, cycle: str) -> list[dict]:
    return json.loads(ws.ok("history", cycle, "--json").output)


# ---- item 4: sub-stages that bind ------------------------------------------------------


def test_nantong_links_record_only_their_own_evaluators_facts(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", "市民政局", "--category", "党政机关", "--grid", "第一片")
    cycle = _open(ws, "市财政局", "2024", "nantong", grid="第一片")
    assert advance(ws, cycle, "start_do", "start_peer") == "check.peer"

    # A leaders' ballot in 分片互评: refused, naming the link and what it allows.
    line = ws.refused("ballot", "issue", cycle, "--group", "leaders", "--count", "3")
    assert line == (
        "错误：当前阶段为督查·分片互评，不能发放测评组 leaders 的测评票；"
        "本阶段只能记录：片内互评（peer_units）的测评票"
    )
    # An item score belongs to 集中阅评, not to 分片互评.
    line = ws.refused("score", "record", cycle, "b_dues", "100", "--evidence", "党务在线平台")
    assert "当前阶段为督查·分片互评，不能记录指标 b_dues" in line
    assert line.endswith("本阶段只能记录：片内互评（peer_units）的测评票")

    # A peer ballot issued in 分片互评 and cast only in 领导评鉴 is refused there.
    late = js(ws, "ballot", "issue", cycle, "--group", "peer_units", "--count", "1",
              "--rater-unit", "市民政局")["tokens"][0]  # fmt: skip
    assert advance(ws, cycle, "start_leader") == "check.leader"
    line = ws.refused(
        "ballot", "cast", cycle, "--token", late, "skills=25", "conduct=25", "results=35"
    )
    assert line == (
        "错误：当前阶段为督查·领导评鉴，不能投测评组 peer_units 的测评票；"
        "本阶段只能记录：领导评鉴（leaders）的测评票"
    )
    # The leaders' own ballots are recorded in their link.
    token = js(ws, "ballot", "issue", cycle, "--group", "leaders", "--count", "1")["tokens"][0]
    ws.ok("ballot", "cast", cycle, "--token", token, "skills=28", "conduct=27", "results=36")

    # 集中阅评 scores the items: 88% attendance → ⌊12 / 10⌋ = 1 band → 10 − 2 = 8 points.
    assert advance(ws, cycle, "start_review") == "check.review"
    ws.ok("score", "record", cycle, "b_members_meeting", "88", "--evidence", "会议记录")
    node = _node(js(ws, "explain", cycle)["tree"], "（b_members_meeting）")
    assert Decimal(node["value"]) == 10 - 2 * 1


def test_soe_nothing_is_scored_while_the_secretary_reports(workspace: Workspace) -> None:
    ws = workspace
    cycle = _open(ws, "能源公司", "2024", "soe")
    assert advance(ws, cycle, "start_do", "start_report") == "check.report"  # 述
    line = ws.refused("score", "record", cycle, "secretary_report", "好", "--evidence", "述职评议")
    assert line == (
        "错误：当前阶段为督查·述，不能记录指标 secretary_report（党组织书记抓基层党建述职评议）"
        "的得分；本阶段只能记录：督查发现、单位步骤 述职报告（report）"
    )
    ws.ok("step", "record", cycle, "report", "--text", "述职报告", "--evidence", "述职材料")
    line = ws.refused("ballot", "issue", cycle, "--group", "masses", "--count", "10")
    assert line.startswith("错误：当前阶段为督查·述，不能发放测评组 masses 的测评票")
    # A problem the report states is noted as a finding in 述.
    ws.ok(
        "finding", "record", cycle, "--source", "日常检查", "--indicator", "constraint",
        "--points", "-1", "--observed-on", "2024-12-10", "--evidence", "述职自述：整改不力",
    )  # fmt: skip
    assert advance(ws, cycle, "start_evaluate") == "check.evaluate"  # 评
    ws.ok("step", "record", cycle, "self_evaluation", "--text", "自评", "--evidence", "自评表")
    recorded = js(
        ws, "score", "record", cycle, "secretary_report", "较好", "--evidence", "述职评议"
    )
    assert recorded["value"] == "较好"
    # 用 applies fixed results: a late score is refused there (补记 belongs to 考), while
    # 整改 is still ordered.
    assert advance(ws, cycle, "start_assess", "start_apply") == "act.apply"
    line = ws.refused("score", "record", cycle, "daily_checks", "30", "--evidence", "补记")
    assert line.startswith("错误：当前阶段为处理·用，不能记录指标 daily_checks")
    assert line.endswith("本阶段只能记录：（无）")
    ws.ok(
        "rectify", "order", cycle, "--problem", "述职指出的问题", "--owner", OWNER,
        "--due", "2025-03-31", "--today", "2025-01-10",
    )  # fmt: skip


def test_gansu_result_approval_needs_someone_outside_the_units_team(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "lisi", "--person", "考核组-李四", "--role", "supervisor")
    cycle = _open(ws, "省财政厅", "2017", "gansu")
    ws.ok("account", "team", "第三考核组", "--unit", "省财政厅")
    ws.ok("account", "scope", "lisi", "--team", "第三考核组")
    assert advance(ws, cycle, "start_do", "start_self_check") == "check.self_check"
    # 筹备自查 is the unit's: the 考核组 records nothing yet, the unit its 自查.
    line = ws.refused("score", "record", cycle, "sc_volunteer_hours", "1", "--evidence", "e")
    assert line.endswith("本阶段只能记录：单位步骤 筹备自查（self_check）")
    ws.ok("step", "record", cycle, "self_check", "--text", "自查", "--evidence", "印证资料")
    stages = ["start_on_site", "start_summary", "start_approval"]
    assert advance(ws, cycle, *stages) == "act.approval"
    # The team that assessed the unit may not approve its result …
    before = ws.event_count()
    refused = ws.run("cycle", "advance", cycle, "close", principal="lisi")
    assert refused.exit_code != 0 and ws.event_count() == before
    assert refused.output.strip() == (
        "错误：处理·结果审定须由考核组以外的人审定；考核组-李四 属于考核组 第三考核组"
        "（考核 省财政厅），未记录"
    )
    # … someone outside it may.
    assert advance(ws, cycle, "close") == "closed"
    last = _history(ws, cycle)[-1]
    assert last["actor"] == ws.actor


# ---- item 10: peer review never scores one's own unit ----------------------------------


def test_peer_ballots_go_to_rater_units_of_the_grid_never_to_the_unit_itself(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.ok("unit", "add", "市民政局", "--category", "党政机关", "--grid", "第一片")
    ws.ok("unit", "add", "市交通局", "--category", "党政机关", "--grid", "第二片")
    cycle = _open(ws, "市财政局", "2024", "nantong", grid="第一片")
    advance(ws, cycle, "start_do", "start_peer")
    issue = ("ballot", "issue", cycle, "--group", "peer_units", "--count", "2")
    assert ws.refused(*issue) == (
        "错误：测评组 peer_units 的票须发给评价单位：写 --rater-unit 评价单位"
    )
    assert ws.refused(*issue, "--rater-unit", "市财政局") == (
        "错误：评价单位 市财政局 不能为本单位评分；测评组 peer_units 的票只能发给其他单位"
    )
    assert ws.refused(*issue, "--rater-unit", "市交通局") == (
        "错误：评价单位 市交通局 不在 市财政局 的联系片 第一片 内；分片互评只在本片内进行"
    )
    issued = js(ws, *issue, "--rater-unit", "市民政局")
    assert issued["rater"] == "市民政局" and len(issued["tokens"]) == 2
    for token, (a, b, c) in zip(issued["tokens"], [(27, 26, 37), (24, 25, 33)], strict=True):
        ws.ok("ballot", "cast", cycle, "--token", token, f"skills={a}", f"conduct={b}",
              f"results={c}")  # fmt: skip
    # Stored: the rater unit; never a rater person (only whoever entered the ballots).
    events = [h for h in _history(ws, cycle) if h["type"] == "BallotsIssuedToRater"]
    assert len(events) == 1
    assert "评价单位 市民政局" in events[0]["summary"]
    stored = ws.sql(f"SELECT state FROM {ws.events_table} WHERE topic LIKE '%BallotsIssuedToRater'")
    assert len(stored) == 1
    text = bytes(stored[0][0]).decode("utf-8", "replace")
    assert "rater_unit" in text and "市民政局" in text and "rater_person" not in text
    # The two peer ballots cast: (27 + 26 + 37) = 90 and (24 + 25 + 33) = 82. (Below the
    # quorum of 10 no mean is shown; test_nantong scores a whole year of rater-unit
    # ballots by hand.)
    ws.ok("ballot", "close", cycle)  # the box counted, shuffled
    counted = [h["summary"] for h in _history(ws, cycle) if h["type"] == "BallotCounted"]
    assert sorted(counted) == [f"peer_units 合计 {24 + 25 + 33}", f"peer_units 合计 {27 + 26 + 37}"]


# ---- item 6: 整改 from 执行 on ----------------------------------------------------------


def test_rectification_is_ordered_from_do_on_and_counted_in_the_monthly_bulletin(
    workspace: Workspace,
) -> None:
    ws = workspace
    cycle = _open(ws, "市财政局", "2024", "nantong")
    order = ("rectify", "order", cycle, "--owner", OWNER, "--due", "2024-03-31")
    line = ws.refused(*order, "--problem", "党费收缴不及时", "--today", "2024-02-01")
    assert line == "错误：当前阶段为重点目标申报，不能交办整改；只能在以下阶段：执行、督查、处理"
    advance(ws, cycle, "start_do")  # 日常管理: 效能问题交办
    first = js(ws, *order, "--problem", "党费收缴不及时", "--today", "2024-03-02")["id"]
    js(ws, *order, "--problem", "支部生活平台记录缺漏", "--today", "2024-03-05")
    ws.ok("rectify", "submit", first, "--today", "2024-03-20", actor=OWNER)
    ws.ok("rectify", "verify", first, "--accept", "--today", "2024-03-25")
    march = js(ws, "rectify", "bulletin", "2024-03")
    # 整改月报及销号: 2 ordered in March, 1 closed out (销号) → 1 / 2 = 50.0%
    assert [(r["opened"], r["closed"], r["open"], r["rate"]) for r in march] == [(2, 1, 1, "50.0%")]


# ---- item 12: 老毛病 scored ------------------------------------------------------------


def test_soe_last_years_problems_are_scored_from_the_carried_items(workspace: Workspace) -> None:
    ws = workspace
    prior = _open(ws, "港务公司", "2023", "soe")
    advance(ws, prior, "start_do")
    items = [
        js(ws, "rectify", "order", prior, "--problem", f"2023年指出的问题{n}", "--owner", OWNER,
           "--due", "2023-12-31", "--today", "2023-06-01")["id"]
        for n in (1, 2, 3)
    ]  # fmt: skip
    cycle = _open(ws, "港务公司", "2024", "soe")  # carries the three open items in
    advance(ws, cycle, "start_do", "start_report", "start_evaluate")
    line = ws.refused(
        "score", "record", cycle, "last_year_rectification", "10", "--evidence", "手填"
    )
    assert line == (
        "错误：指标 last_year_rectification（上一年考核中指出的问题整改情况）"
        "按上期未销号的整改项自动计分，不能记录得分"
    )
    shown = ws.ok("scheme", "show", "soe").output
    assert "不记录：上期结转未销号的整改项每项扣 1，扣完为止" in shown
    # 10 − 1 × 3 open = 7, each carried item under the item.
    node = _node(js(ws, "explain", cycle)["tree"], "（last_year_rectification）")
    assert Decimal(node["value"]) == 10 - 1 * 3
    assert sorted(c["label"][:19] for c in node["children"]) == [
        f"上期整改未销号：2023年指出的问题{n}" for n in (1, 2, 3)
    ]
    # One closed out (销号) in 2024: 10 − 1 × 2 = 8.
    ws.ok("rectify", "submit", items[0], "--today", "2024-02-01", actor=OWNER)
    ws.ok("rectify", "verify", items[0], "--accept", "--today", "2024-02-10")
    node = _node(js(ws, "explain", cycle)["tree"], "（last_year_rectification）")
    assert Decimal(node["value"]) == 10 - 1 * 2


def test_grid_raters_never_score_a_unit_of_their_own_grid(workspace: Workspace) -> None:
    """A scheme whose peer ballots go to rater grids (交叉互评 between 联系片): the grid
    holding the scored unit is refused; a group without raters takes none."""
    ws = workspace
    text = (ws.root / "workflows" / "nantong.toml").read_text(encoding="utf-8")
    text = text.replace('id = "nantong"', 'id = "nantong_grids"', 1)
    text = text.replace('raters = "units"', 'raters = "grids"', 1)
    (ws.root / "workflows" / "nantong_grids.toml").write_text(text, encoding="utf-8")
    cycle = _open(ws, "市财政局", "2024", "nantong_grids", grid="第一片")
    advance(ws, cycle, "start_do", "start_peer")
    issue = ("ballot", "issue", cycle, "--group", "peer_units", "--count", "1")
    assert ws.refused(*issue, "--rater-unit", "市财政局") == (
        "错误：测评组 peer_units 的票须发给评价联系片：写 --rater-grid 评价联系片"
    )
    assert ws.refused(*issue, "--rater-grid", "第一片") == (
        "错误：联系片 第一片 不能为本片单位 市财政局 评分；测评组 peer_units 的票只能发给其他联系片"
    )
    assert js(ws, *issue, "--rater-grid", "第二片")["rater"] == "第二片"
    advance(ws, cycle, "start_leader")
    line = ws.refused(
        "ballot", "issue", cycle, "--group", "leaders", "--count", "1", "--rater-unit", "市财政局"
    )
    assert line == (
        "错误：测评组 leaders 的票不发给评价单位或联系片；去掉 --rater-unit/--rater-grid"
    )

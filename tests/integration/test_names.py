"""Chinese labels wherever an id is taken (issue 12, item 7): ``--indicator 纪律性``
records ``discipline``; a label two things share is refused, naming the ids it could
mean, and writes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Workspace

JIA = "甲局/2024"


def jilin_in(ws: Workspace, stage: str) -> None:
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", JIA, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", JIA)
    # Triggers by their labels too.
    ws.ok("cycle", "advance", JIA, "发布任务清单，开始执行")
    if stage == "check":
        out = ws.ok("cycle", "advance", JIA, "进入年终述职评议", "--json").output
        assert json.loads(out)["trigger"] == "start_check"


def finding(indicator: str) -> tuple[str, ...]:
    return (
        "finding",
        "record",
        JIA,
        "--source",
        "暗访",
        "--indicator",
        indicator,
        "--points",
        "-2",
        "--observed-on",
        "2024-05-12",
        "--evidence",
        "工作时间网购",
    )


def test_an_indicator_by_its_label_records_its_id(workspace: Workspace) -> None:
    ws = workspace
    jilin_in(ws, "do")
    out = ws.ok(*finding("纪律性")).output
    assert out.startswith("已记录发现 #") and out.rstrip().endswith(
        "：暗访 discipline -2（发现于 2024-05-12）"
    )
    assert json.loads(ws.ok(*finding(" 参与度 "), "--json").output)["indicator"] == "participation"
    ledger = json.loads(ws.ok("ledger", "2024", "--json").output)
    assert sorted(r["indicator"] for r in ledger) == ["discipline", "participation"]
    history = json.loads(ws.ok("history", JIA, "--json").output)
    assert history[-1]["summary"].startswith("暗访 participation -2")


def test_a_label_two_things_share_is_refused_naming_their_ids(workspace: Workspace) -> None:
    ws = workspace
    twins = (ws.root / "workflows" / "jilin.toml").read_text(encoding="utf-8")
    twins = twins.replace('id = "jilin"', 'id = "twins"', 1).replace(
        'label = "思考力"', 'label = "纪律性"', 1
    )
    (ws.root / "workflows" / "twins.toml").write_text(twins, encoding="utf-8")
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "twins")
    ws.ok("task", "add", JIA, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", JIA)
    ws.ok("cycle", "advance", JIA, "start_do")
    line = ws.refused(*finding("纪律性"))
    assert line == (
        "错误：台账指标 '纪律性' 不明确：方案 twins@2024.1 中有 2 个台账指标叫这个名称"
        "（thinking、discipline）；请用 ID"
    )
    # An id is never ambiguous.
    ws.ok(*finding("thinking"))


def test_an_unknown_name_is_refused_listing_ids_and_labels(workspace: Workspace) -> None:
    ws = workspace
    jilin_in(ws, "do")
    assert ws.refused(*finding("纪律")) == (
        "错误：未知台账指标 '纪律'；方案 jilin@2024.1 的台账指标（ID 或名称）："
        "participation（参与度）、thinking（思考力）、discipline（纪律性）、old_problems（老毛病）"
    )


def test_groups_ballot_items_and_components_by_label(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    jilin_in(ws, "check")
    issued = json.loads(
        ws.ok("ballot", "issue", JIA, "--group", "党员群众代表", "--count", "3", "--json").output
    )
    assert issued["group"] == "masses"
    tokens = issued["tokens"]
    by_label = [
        "履行第一责任人职责=20",
        "述职报告真实全面（台上表现）=19",
        "answers=18",  # ids and labels mix
        "平时抓党建成效（台下表现）=17",
        "问题整改与作风建设=16",
    ]
    ws.ok("ballot", "cast", JIA, "--token", tokens[0], *by_label)
    ws.ok("ballot", "close", JIA)
    # One item named twice, once by id and once by label: refused, nothing written.
    assert (
        ws.refused("ballot", "cast", JIA, "--token", tokens[1], *by_label, "duty=20")
        == "错误：测评项目 duty 填了两次（履行第一责任人职责、duty）"
    )
    path = tmp_path / "ballots.csv"
    path.write_text(
        "token,履行第一责任人职责,report,回答点评提问（一述一评）,daily_work,rectification\n"
        f"{tokens[2]},20,20,20,20,20\n",
        encoding="utf-8",
    )
    ws.ok("ballot", "import", JIA, str(path))
    cast = [
        e
        for e in json.loads(ws.ok("history", JIA, "--json").output)
        if e["type"] == "BallotCounted"
    ]
    assert [e["summary"] for e in cast] == ["masses 合计 90", "masses 合计 100"]  # 20+19+18+17+16
    out = ws.ok("score", "na", JIA, "党建重点任务完成情况", "--reason", "本年度无重点任务").output
    assert out.rstrip().endswith("：tasks 不适用")
    explained = json.loads(ws.ok("explain", JIA, "--json").output)
    assert [c["status"] for c in explained["components"] if c["id"] == "tasks"] == [
        "not_applicable"
    ]


def test_items_and_vetoes_by_label(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    cycle = "乙局/2017"
    ws.ok("unit", "add", "乙局", "--category", "党政机关")
    ws.ok("cycle", "open", "乙局", "2017", "--scheme", "gansu")
    ws.ok("task", "add", cycle, "准备印证资料", "--deadline", "2017-12-10")
    ws.ok("task", "publish", cycle)
    for label in ("发布任务清单，开始执行", "开始筹备自查", "开始实地考核"):
        ws.ok("cycle", "advance", cycle, label)
    out = ws.ok(
        "score",
        "record",
        cycle,
        "党建与业务工作融合推进的质量和实效",
        "2.5",
        "--evidence",
        "查阅资料",
    ).output
    assert out.rstrip().endswith("：sc_integration = 2.5")
    # An item not applicable, by its label; the answer names its id and its kind.
    declared = ws.ok(
        "score", "na", cycle, "党组（党委）民主生活会", "--reason", "本年度按规定不召开", "--json"
    ).output
    assert json.loads(declared)["item"] == "mr_democratic_life"

    soe = "丙公司/2024"
    ws.ok("unit", "add", "丙公司", "--category", "企事业单位")
    ws.ok("cycle", "open", "丙公司", "2024", "--scheme", "soe")
    ws.ok("task", "add", soe, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", soe)
    # A veto is decided in 评 (述 records only findings and the 述职报告: the sub-stage binds).
    for trigger in ("start_do", "开始述职（述）", "述职评议和民主测评（评）"):
        ws.ok("cycle", "advance", soe, trigger)
    applied = ws.ok(
        "veto",
        "apply",
        soe,
        "--rule",
        "发生严重违纪违法问题",
        "--reason",
        "班子成员严重违纪",
        "--evidence",
        "纪委通报〔2024〕3号",
        "--json",
    ).output
    assert json.loads(applied)["rule"] == "serious_discipline"

"""``scheme show`` prints the whole scheme (issue 12, item 7): every id a command takes,
beside its label, in the table and in ``--json``; a user finds what to type there."""

from __future__ import annotations

import json
from pathlib import Path

from pdca.rules.naming import KINDS, things
from pdca.rules.schemes import load_file
from tests.conftest import Workspace

WORKFLOWS = Path(__file__).parents[2] / "workflows"


def test_every_id_and_label_a_command_takes_is_shown(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    for path in sorted(WORKFLOWS.glob("*.toml")):
        scheme = load_file(path)
        text = ws.ok("scheme", "show", scheme.id).output
        data = json.loads(ws.ok("scheme", "show", scheme.id, "--json").output)
        for kind in KINDS:
            for thing_id, label in things(scheme, kind):
                assert thing_id in text and label in text, (scheme.ref, kind, thing_id)
        rules = scheme.rules
        assert [g.id for g in rules.grades] == [g["id"] for g in data["grades"]]
        assert [t.label for t in rules.tiers] == [t["label"] for t in data["tiers"]]
        for tier in rules.tiers:
            assert tier.label in text
        assert [i.id for c in rules.categories for i in c.items] == [
            i["id"] for c in data["catalog"] for i in c["items"]
        ]
        assert [i.id for i in rules.ledger_indicators] == [
            i["id"] for i in data["ledger"]["indicators"]
        ]
        assert [c["id"] for c in data["components"]] == [c.id for c in rules.components]


def test_jilin_as_shown(sqlite_workspace: Workspace) -> None:
    data = json.loads(sqlite_workspace.ok("scheme", "show", "jilin", "--json").output)
    # workflows/jilin.toml: 述职评议 40% + 平时 30% + 任务 30% = 100%.
    assert [(c["id"], c["weight"], c["source"]) for c in data["components"]] == [
        ("ballot", "40", "ballots"),
        ("daily", "30", "ledger"),
        ("tasks", "30", "tasks"),
    ]
    assert data["ballot"]["trim"] is True and data["ballot"]["quorum"] == 10
    assert [(g["id"], g["weight"]) for g in data["ballot"]["groups"]] == [
        ("leaders", "25"),
        ("committee", "25"),
        ("secretaries", "25"),
        ("masses", "25"),
    ]
    discipline = next(i for i in data["ledger"]["indicators"] if i["id"] == "discipline")
    assert (discipline["label"], discipline["max"], discipline["min_points"]) == (
        "纪律性",
        "25",
        "-25",
    )
    assert [(t["label"], t["top_share"]) for t in data["tiers"]] == [
        ("一档", "30"),
        ("二档", "80"),
        ("三档", "100"),
    ]
    text = sqlite_workspace.ok("scheme", "show", "jilin").output
    assert "discipline     纪律性  25    -25 至 0" in text
    assert "masses       党员群众代表          25%" in text


def test_gansu_items_say_how_they_score(sqlite_workspace: Workspace) -> None:
    text = sqlite_workspace.ok("scheme", "show", "gansu").output
    lines = [line for line in text.splitlines() if "bs_branch_committee" in line]
    assert len(lines) == 1
    assert "“三会一课”：支部委员会会议次数" in lines[0]
    assert "按次扣分  应 12 次，每少一次扣 0.5，扣完为止" in lines[0]


def test_conversions_consequences_and_roll_ups_are_shown(sqlite_workspace: Workspace) -> None:
    """Issue 14 items 7–9: what a result brings is part of the scheme a user reads, in the
    table and in ``--json`` — each figure below is the scheme file's."""
    ws = sqlite_workspace
    jilin = json.loads(ws.ok("scheme", "show", "jilin", "--json").output)
    # workflows/jilin.toml [[conversions]]: 群团组织 10 分, 党政机关 3 分, precision 0.001.
    assert jilin["conversions"] == [
        {
            "id": "performance",
            "label": "折算绩效考评分",
            "by_category": {"群团组织": "10", "党政机关": "3"},
            "precision": "0.001",
            "rule_text": "由未取整的总分按满分 100 折算，只在 0.001 四舍五入一次",
        }
    ]
    bonus = {c["id"]: (c["conditions"], c["amount"], c["years"]) for c in jilin["consequences"]}
    assert bonus == {
        "bonus_1": ("档次为 一档（1）", None, 1),
        "bonus_2": ("档次为 二档（2）", "-1500", 1),
        "bonus_3": ("档次为 三档（3）", "-3000", 1),
        "bonus_3_twice": ("连续 2 年档次为 三档（3）", None, 2),
    }
    text = ws.ok("scheme", "show", "jilin").output
    assert "performance  折算绩效考评分  群团组织 10、党政机关 3" in text
    assert "bonus_3_twice  连续两年绩效奖金三档  连续 2 年档次为 三档（3）" in text

    dazhou = json.loads(ws.ok("scheme", "show", "dazhou", "--json").output)
    (roll_up,) = dazhou["roll_ups"]
    assert (roll_up["component"], roll_up["weight"], roll_up["periods"]) == (
        "duty_quarters",
        "20",
        ["Q1", "Q2", "Q3", "Q4"],
    )
    assert "定稿发布的总分取平均" in roll_up["rule_text"]
    assert "duty_quarters  季度履职指数（四季度平均）  20%   Q1、Q2、Q3、Q4" in (
        ws.ok("scheme", "show", "dazhou").output
    )
    assert "conversions" not in dazhou

    soe = json.loads(ws.ok("scheme", "show", "soe", "--json").output)
    assert [(c["id"], c["conditions"]) for c in soe["consequences"]] == [
        ("commended", "等次为 A+"),
        ("commended_a_three_years", "连续 3 年等次为 A"),
        ("last_place_warning", "排名末 1"),
        ("last_place_elimination", "连续 2 年排名末 1"),
    ]
    nantong = ws.ok("scheme", "show", "nantong").output
    assert "结果运用（考用结合，定稿时按单位记录）" in nantong
    assert (
        "adjust_secretary     提请调整党组织负责人          连续 2 年档次为 排名靠后（bottom）"
        in (nantong)
    )
    # A scheme without them says nothing of them (gansu has none of the three).
    gansu = json.loads(ws.ok("scheme", "show", "gansu", "--json").output)
    assert not {"roll_ups", "conversions", "consequences"} & set(gansu)

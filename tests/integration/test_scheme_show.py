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

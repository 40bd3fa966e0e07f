"""A cycle's item scores as one sheet (the web's 评分表): all recorded together, or —
when one is refused — none, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from pdca.application.acting import Acting
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.errors import RuleViolation
from tests.conftest import Workspace

C = "市财政局/2024"


def test_a_sheet_is_recorded_whole_or_not_at_all(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "dazhou")
    ws.ok("task", "add", C, "落实三会一课", "--deadline", "2024-12-31")
    ws.ok("task", "publish", C)
    ws.ok("cycle", "advance", C, "start_do")
    ws.ok("cycle", "advance", C, "start_check")
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    acting = Acting.declared("督查组-张三", command="score record")
    try:
        before = ws.event_count()
        # team_deputy is worth at most 5: the whole sheet is refused, team_committee too.
        with pytest.raises(RuleViolation, match="team_deputy"):
            app.record_score_sheet(
                acting, C, [("team_committee", "4"), ("team_deputy", "9")], "现场查阅"
            )
        assert ws.event_count() == before
        with pytest.raises(RuleViolation, match="证据"):
            app.record_score_sheet(acting, C, [("team_committee", "4")], " ")
        assert ws.event_count() == before
        recorded = app.record_score_sheet(
            acting, C, [("team_committee", "4"), ("team_deputy", "5")], "现场查阅"
        )
        assert recorded == 2
        assert ws.event_count() == before + 2
        # Once recorded, the same item on a new sheet is refused, and nothing else with it.
        with pytest.raises(Exception, match="team_committee"):
            app.record_score_sheet(
                acting, C, [("team_recruitment", "5"), ("team_committee", "3")], "复核"
            )
        assert ws.event_count() == before + 2
    finally:
        app.close()
    tree = json.loads(ws.ok("explain", C, "--json").output)["tree"]

    def leaves(node: dict) -> dict[str, str]:
        found = {}
        for child in node.get("children", []):
            if "position" in child:
                found[child["label"]] = child["value"]
            found.update(leaves(child))
        return found

    values = set(leaves(tree).values())
    assert {"4", "5"} <= values

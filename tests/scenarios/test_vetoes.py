"""Vetoes explained like every fact (issue 12, item 10): the event, who recorded it,
when it was recorded and when what it rests on happened, its evidence — and for an
automatic veto the ledger finding that triggered it — in explain (text and JSON), the
exports and the report.

Seen on main: ``explain --json`` gave a veto's rule and reason only (the evidence
市纪委通报〔2024〕3号 appeared only in ``history``); an automatic veto said "台账指标
discipline_serious 有记录" without naming the finding.
"""

from __future__ import annotations

import json
from datetime import datetime

from tests.conftest import Workspace
from tests.scenarios._year import advance, js
from tests.scenarios.test_soe import PERIOD, year_unit

EVIDENCE = "市纪委通报〔2024〕3号"


def test_decided_and_automatic_vetoes_carry_their_facts(workspace: Workspace) -> None:
    ws = workspace
    # The two units of test_soe's year that are vetoed (figures worked there): 能源公司
    # 98.50 by points, vetoed by decision; 化工公司 91.80, vetoed by its finding.
    energy = year_unit(
        ws, "能源公司", ("20", "12", "15", "20", "24", "10"), ("40", "29", "29"), "好",  # 好 → 100 (soe.toml opinions)
        {"leaders": [96, 97, 99], "middle": [97, 97, 97], "masses": [90, 97, 97, 100]},
    )  # fmt: skip
    chem = year_unit(
        ws, "化工公司", ("19", "12", "14", "19", "23", "10"), ("38", "28", "28"), "较好",  # 较好 → 85
        {"leaders": [93, 95, 96], "middle": [94, 95, 98], "masses": [90, 95, 95, 100]},
        findings=(("discipline_serious", "-2", "2024-08-20"),),
    )  # fmt: skip
    for cycle in (energy, chem):
        assert advance(ws, cycle, "start_assess") == "act.assess"
    assert "晚于今天" in ws.refused(
        "veto", "apply", energy, "--rule", "serious_discipline", "--reason", "r",
        "--evidence", "e", "--observed-on", "2999-01-01",
    )  # fmt: skip
    position = js(
        ws, "veto", "apply", energy, "--rule", "serious_discipline",
        "--reason", "纪委通报领导班子成员严重违纪", "--evidence", EVIDENCE,
        "--observed-on", "2024-06-03",
    )["position"]  # fmt: skip
    recorded = next(h for h in js(ws, "history", energy) if h["position"] == position)
    assert f"证据：{EVIDENCE}，查实于 2024-06-03" in recorded["summary"]

    decided = js(ws, "explain", energy)["vetoes"]
    assert decided == [
        {
            "rule": "serious_discipline",
            "label": "发生严重违纪违法问题",
            "effect": "等次定为 D",
            "trigger": "decision",
            "event_id": f"{energy}:{position}",
            "position": position,
            "recorded_at": recorded["recorded_at"],
            "actor": ws.actor,
            "observed_on": "2024-06-03",
            "reason": "纪委通报领导班子成员严重违纪",
            "evidence": EVIDENCE,
            "finding": None,
        }
    ]
    finding = next(h for h in js(ws, "history", chem) if h["type"] == "FindingRecorded")
    automatic = js(ws, "explain", chem)["vetoes"]
    assert automatic == [
        {
            "rule": "serious_discipline",
            "label": "发生严重违纪违法问题",
            "effect": "等次定为 D",
            "trigger": "automatic",
            "event_id": f"{chem}:{finding['position']}",
            "position": finding["position"],
            "recorded_at": finding["recorded_at"],
            "actor": ws.actor,
            "observed_on": "2024-08-20",
            "reason": f"台账指标 discipline_serious 有发现 #{finding['position']}（日常检查）",
            "evidence": "日常检查记录",
            "finding": {
                "event_id": f"{chem}:{finding['position']}",
                "position": finding["position"],
                "source": "日常检查",
                "indicator": "discipline_serious",
                "points": "-2",
                "observed_on": "2024-08-20",
                "evidence": "日常检查记录",
            },
        }
    ]

    # explain's text: the decision's event and evidence; the finding under the veto.
    text = ws.ok("explain", energy).output
    line = next(x for x in text.splitlines() if "一票否决：" in x)
    assert f"证据：{EVIDENCE}" in line and f"[事件 #{position} " in line
    assert "发现于 2024-06-03" in line
    text = ws.ok("explain", chem).output.splitlines()
    at = next(n for n, x in enumerate(text) if "一票否决：" in x)
    assert f"由台账发现 #{finding['position']}（指标 discipline_serious）自动触发" in text[at]
    assert f"[事件 #{finding['position']} " in text[at + 1] and "发现于 2024-08-20" in text[at + 1]

    # The exports and the report: the veto cell names the event, who, when, evidence.
    ws.ok("round", "open", PERIOD, "--scheme", "soe")
    ws.ok("round", "finalize", PERIOD)
    rows = {r["unit"]: r for r in js(ws, "export", "scores", PERIOD, "--format", "json")}
    # Times as tables show them: to the second, in the database's zone, with its offset.
    when = datetime.fromisoformat(recorded["recorded_at"]).isoformat(sep=" ", timespec="seconds")
    assert when.endswith("+08:00")
    assert rows["能源公司"]["veto"] == (
        f"发生严重违纪违法问题：等次定为 D（事件 #{position}，{ws.actor} 记录于 {when}，"
        f"查实于 2024-06-03；理由：纪委通报领导班子成员严重违纪；证据：{EVIDENCE}）"
    )
    found = datetime.fromisoformat(finding["recorded_at"]).isoformat(sep=" ", timespec="seconds")
    assert rows["化工公司"]["veto"] == (
        f"发生严重违纪违法问题：等次定为 D（由台账发现 #{finding['position']} 自动触发："
        f"日常检查，指标 discipline_serious，{ws.actor} 记录于 {found}，发现于 2024-08-20；"
        "证据：日常检查记录）"
    )
    assert (rows["能源公司"]["grade"], rows["化工公司"]["grade"]) == ("D", "D")
    csv = ws.ok("export", "scores", PERIOD, "--format", "csv").output
    assert EVIDENCE in csv and f"事件 #{position}" in csv
    report = ws.root / "report.html"
    ws.ok("report", PERIOD, "-o", str(report), "--today", "2025-01-10")
    html = report.read_text(encoding="utf-8")
    assert EVIDENCE in html and f"由台账发现 #{finding['position']} 自动触发" in html
    # The published outcome still names the veto by its label, as ranking shows it.
    ranking = {r["unit"]: r for r in js(ws, "ranking", PERIOD)}
    assert ranking["能源公司"]["veto"] == rows["能源公司"]["veto"]
    assert json.loads(ws.ok("explain", energy, "--json").output)["outcome"]["veto"] == (
        "发生严重违纪违法问题"
    )

"""秋后算账 in the report: 吉林's worked case, computed by hand from workflows/jilin.toml
(see tests/scenarios/test_jilin.py for the arithmetic of each total).

甲局 has the best 述职 of the year (ballots of 98) but an unannounced visit on 12 May
wipes its 纪律性 dimension (−25 of 25): without the ledger it scores
39.20 + 30 + 30 = 99.20, first of four; with it 39.20 + 22.50 + 30 = 91.70, last.
Tiers by rank among four: 一档 round(4 × 30%) = 1 unit, 二档 up to round(4 × 80%) = 3.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Workspace
from tests.scenarios.test_jilin import year


def test_the_report_names_the_unit_the_ledger_moved_and_by_how_much(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    year(
        ws, "甲局", "党政机关", [98] * 12, tmp_path, findings=[("discipline", "-25", "2024-05-12")]
    )
    year(ws, "乙局", "党政机关", [95] * 10 + [100, 80], tmp_path)  # 98.00
    year(ws, "丙局", "党政机关", [94] * 12, tmp_path)  # 97.60
    year(ws, "丁局", "党政机关", [93] * 12, tmp_path)  # 97.20
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    ws.ok("round", "finalize", "2024")
    report = tmp_path / "r.html"
    ws.ok("report", "2024", "-o", str(report), "--today", "2025-01-31")
    moves = report.read_text(encoding="utf-8").split('<section id="moves">')[1]
    rows = [
        re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in re.findall(r"<tr>(<td.*?)</tr>", moves)
    ]
    # unit, scheme, category, findings, total / rank / tier without the ledger, then with it,
    # the change of rank as people read it: 甲局 fell from 1st to 4th, 1 − 4 = −3; the others
    # rose one place each, 2 − 1 = +1.
    assert rows == [
        ["甲局", "jilin", "党政机关", "1", "99.20", "1", "一档", "91.70", "4", "三档", "-3"],
        ["乙局", "jilin", "党政机关", "0", "98.00", "2", "二档", "98.00", "1", "一档", "+1"],
        ["丙局", "jilin", "党政机关", "0", "97.60", "3", "二档", "97.60", "2", "二档", "+1"],
        ["丁局", "jilin", "党政机关", "0", "97.20", "4", "三档", "97.20", "3", "二档", "+1"],
    ]

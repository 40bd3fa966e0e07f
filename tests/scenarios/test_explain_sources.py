"""Issue 14: ``explain`` shows a roll-up with the events it came from — each period's
published total names the round's finalisation (its ``Finalized`` event) it was read
from, in ``--json`` and in the text. A small format-3 scheme of the workspace's own rolls
two half-years into the year (``source = "periods"``, ``periods = ["H1", "H2"]``), so the
figures do not hang on a shipped scheme's catalogue.

Hand arithmetic (the scheme below): in a half-year the roll-up is not applicable, so the
sheet weighs 80 / 80 = 100 %: H1 duty 90 → 90.00, H2 duty 80 → 80.00. The year: duty 100,
roll-up = (90 + 80) / 2 = 85 → 0.8 × 100 + 0.2 × 85 = 80 + 17 = 97.00.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import advance, js

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

HALVES = """format = 3

[scheme]
id = "halves"
version = "1"
name = "半年汇总演示方案"

[workflow]
initial = "plan"

[[workflow.stages]]
id = "plan"
label = "计划"

[[workflow.stages]]
id = "do"
label = "执行"

[[workflow.stages]]
id = "check"
label = "督查"

[[workflow.stages]]
id = "act"
label = "处理"

[[workflow.stages]]
id = "closed"
label = "已结束"

[[workflow.triggers]]
name = "start_do"
label = "开始执行"
source = "plan"
dest = "do"

[[workflow.triggers]]
name = "start_check"
label = "开始督查"
source = "do"
dest = "check"

[[workflow.triggers]]
name = "start_act"
label = "开始处理"
source = "check"
dest = "act"

[[workflow.triggers]]
name = "close"
label = "结束"
source = "act"
dest = "closed"

[scoring]
precision = "0.01"

[[components]]
id = "sheet"
label = "本期考核"
weight = "80"
source = "items"
categories = ["work"]

[[components]]
id = "halves"
label = "半年履职指数（两个半年平均）"
weight = "20"
source = "periods"
periods = ["H1", "H2"]
missing = "reweight"

[[catalog.categories]]
id = "work"
label = "工作"

[[catalog.categories.items]]
id = "duty"
label = "履职"
max = "100"
kind = "quantitative"
rule = "direct"
"""


def sheet(ws: Workspace, period: str, duty: str) -> str:
    cycle = f"市财政局/{period}"
    ws.ok("cycle", "open", "市财政局", period, "--scheme", "halves")
    assert advance(ws, cycle, "start_do", "start_check") == "check"
    ws.ok("score", "record", cycle, "duty", duty, "--evidence", "查阅资料")
    assert advance(ws, cycle, "start_act") == "act"
    return cycle


def test_a_roll_up_names_the_publication_each_period_was_read_from(workspace: Workspace) -> None:
    ws = workspace
    (ws.root / "workflows" / "halves.toml").write_text(HALVES, encoding="utf-8")
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    for half, duty in (("H1", "90"), ("H2", "80")):
        sheet(ws, f"2024-{half}", duty)
        ws.ok("round", "open", f"2024-{half}", "--scheme", "halves")
        ws.ok("round", "finalize", f"2024-{half}")
    year = sheet(ws, "2024", "100")
    data = js(ws, "explain", year)
    assert data["total"] == "97.00"  # 0.8 × 100 + 0.2 × (90 + 80) / 2
    roll = next(n for n in data["tree"]["children"] if n["label"].startswith("半年履职指数"))
    parts = {n["label"]: n for n in _walk(roll) if n["label"].endswith("发布的总分")}
    assert {k: Decimal(v["value"]) for k, v in parts.items()} == {
        "2024-H1 发布的总分": 90,
        "2024-H2 发布的总分": 80,
    }
    # Each round's events: Opened (1), Finalized (2).
    h1, h2 = parts["2024-H1 发布的总分"]["note"], parts["2024-H2 发布的总分"]["note"]
    assert h1.startswith("考核轮次 2024-H1 定稿发布（第 1 次定稿：轮次 2024-H1/halves 第 2 号事件")
    assert h2.startswith("考核轮次 2024-H2 定稿发布（第 1 次定稿：轮次 2024-H2/halves 第 2 号事件")
    assert f"Finalized，{ws.actor}，" in h1
    text = ws.ok("explain", year).output
    assert "第 1 次定稿：轮次 2024-H2/halves 第 2 号事件 Finalized" in text


def _walk(node: dict) -> list[dict]:
    return [node, *(n for c in node.get("children", []) for n in _walk(c))]

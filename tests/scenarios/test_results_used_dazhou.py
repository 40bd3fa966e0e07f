"""达州 quarters rolled up into the year (workflows/dazhou.toml, seed 000), through the CLI.

「按照每季度、每半年、每年三个时间段分别制定党组织班子抓党建工作履职指数」 — each quarter's
cycle is scored on its own sheet and published by its round (2024-Q1 … 2024-Q4); the year's
``duty_quarters`` component (weight 20) is the mean of the four *published* quarterly
totals. 「党建考核评定等次为“差”的单位年度考核一票否决…单位主要负责同志取消年度优秀资格」 —
the consequences of 差 (and the 三个优先 of 好), recorded when the year is finalised.

Figures by hand from workflows/dazhou.toml: in a quarter the roll-up is not applicable,
so 党建绩效指数 and 党建履职指数 weigh 40 / 80 = 50% each; in the year 40 / 40 / 20.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import advance, js, scores
from tests.scenarios.test_dazhou import DUTY, PERFORMANCE

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

UNIT = "市财政局"


def sheet(ws: Workspace, period: str, members: str = "2") -> tuple[str, int]:
    """One cycle (a quarter or the year) to 处理: every 指标 at full marks but 与党员谈心谈话
    (``pol_talks_members``, max 2, of 谈心谈话's 6). Returns the address and that score's
    event position."""
    cycle = f"{UNIT}/{period}"
    ws.ok("cycle", "open", UNIT, period, "--scheme", "dazhou")
    ws.ok("task", "add", cycle, "重点任务1", "--deadline", f"{period[:4]}-12-20")
    ws.ok("task", "publish", cycle)
    advance(ws, cycle, "start_do")
    ws.ok("task", "complete", cycle, "1")
    advance(ws, cycle, "start_check")
    scores(
        ws, cycle, {**PERFORMANCE, **{k: v for k, v in DUTY.items() if k != "pol_talks_members"}}
    )
    recorded = js(
        ws,
        "score",
        "record",
        cycle,
        "pol_talks.pol_talks_members",
        members,
        "--evidence",
        "谈话记录",
    )
    advance(ws, cycle, "start_act")
    return cycle, recorded["position"]


def test_quarters_roll_into_the_year_and_a_republished_quarter_rescores_it(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.ok("unit", "add", UNIT, "--category", "党政机关")
    # Quarters: P = 100; D = 100 − (2 − pol_talks_members) (max 2);
    # total = 0.5 × P + 0.5 × D:
    #   Q1 2 → D 100 → 100.00                Q2 1 → 99 → 99.50
    #   Q3 0.5 → 98.5 → 99.25                Q4 0 → 98 → 99.00
    talks = {"Q1": "2", "Q2": "1", "Q3": "0.5", "Q4": "0"}
    quarters = {q: sheet(ws, f"2024-{q}", v) for q, v in talks.items()}
    for q in ("Q1", "Q2", "Q3"):
        ws.ok("round", "open", f"2024-{q}", "--scheme", "dazhou")
        ws.ok("round", "finalize", f"2024-{q}")
    ws.ok("round", "open", "2024-Q4", "--scheme", "dazhou")
    expected = {"Q1": "100.00", "Q2": "99.50", "Q3": "99.25", "Q4": "99.00"}
    for q, (cycle, _) in quarters.items():
        data = js(ws, "explain", cycle)
        assert data["total"] == expected[q], q
        parts = {c["id"]: c for c in data["components"]}
        assert parts["duty_quarters"]["status"] == "not_applicable"

    # The year: P = 100, D = 100 (annual sheet at full marks).
    year, _ = sheet(ws, "2024")
    ws.ok("round", "open", "2024", "--scheme", "dazhou")
    # Q4 is not finalised: the year is incomplete, and finalisation names it.
    line = ws.refused("round", "finalize", "2024")
    assert "2024-Q4 尚未定稿发布" in line, line
    assert js(ws, "explain", year)["total"] is None

    ws.ok("round", "finalize", "2024-Q4")
    # Mean of the published quarters = (100 + 99.5 + 99.25 + 99) / 4 = 397.75 / 4 = 99.4375
    # year = 0.4 × 100 + 0.4 × 100 + 0.2 × 99.4375 = 40 + 40 + 19.8875 = 99.8875 → 99.89
    done = js(ws, "round", "finalize", "2024")
    assert done["outcomes"][0]["total"] == "99.89"
    data = js(ws, "explain", year)
    roll = next(c for c in data["components"] if c["id"] == "duty_quarters")
    assert (Decimal(roll["score"]), Decimal(roll["weight"])) == (Decimal("99.4375"), 20)
    # 好 (≥ 90): 三个优先 recorded with the year's finalisation.
    assert [c["label"] for c in data["results_used"]["consequences"]] == [
        "党建经费优先保障、年度考核优先排名、单位干部优先提拔"
    ]

    shown = js(ws, "round", "show", "2024")
    assert shown["incomplete"] == [] and shown["published_incomplete"] == []
    published_at = shown["published_at"]

    # Q4 corrected (pol_talks_members 0 → 2: Q4 = 100.00) and re-published: the scores
    # projection scores the year again from the new published Q4.
    q4, position = quarters["Q4"]
    ws.ok("correct", "amend", q4, str(position), "2", "--reason", "复核更正")
    ws.ok("round", "finalize", "2024-Q4", "--reason", "复核更正后重新发布")
    # mean = (100 + 99.5 + 99.25 + 100) / 4 = 398.75 / 4 = 99.6875;
    # year = 80 + 0.2 × 99.6875 = 80 + 19.9375 = 99.9375 → 99.94 (current); published
    # stays 99.89.
    (row,) = js(ws, "ranking", "2024")
    assert (row["current_total"], row["total"]) == ("99.94", "99.89")
    assert js(ws, "explain", year)["total"] == "99.94"
    # As of the year's publication, the year read the Q4 published then: 99.89; and the
    # year as published is still complete at the event it published.
    assert js(ws, "explain", year, "--as-of", published_at)["total"] == "99.89"
    assert js(ws, "round", "show", "2024")["published_incomplete"] == []

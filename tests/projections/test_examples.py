"""The worked examples in projections/, through the author's harness.

Each scenario runs twice — all events in one batch, and one batch per event —
because a rebuild and a live follower cut the history differently and must agree.
Expected rows are worked out by hand from each example's stated rule.
"""

from __future__ import annotations

import importlib.util
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pdca.projections.ledger import Ledger
from pdca.projections.testing import Harness, event
from tests.projections.test_fold_cache import finding

EXAMPLES = Path(__file__).resolve().parents[2] / "projections"


def example(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outcome(unit: str, total: str, rank: int, tier: str = "") -> dict:
    return {
        "cycle": f"{unit}/2024",
        "unit": unit,
        "category": "党政机关",
        "total": Decimal(total),
        "unrounded": Decimal(total),
        "rank": rank,
        "grade": "",
        "tier": tier,
        "veto": "",
        "head": 9,
    }


BATCHINGS = pytest.mark.parametrize("batch_size", [None, 1], ids=["one-batch", "per-event"])


@BATCHINGS
def test_grid_ranking_ranks_within_each_grid_and_follows_refinalisation(batch_size):
    grid = example("grid_ranking")
    h = Harness(grid.GridRanking(), batch_size=batch_size)
    h.given(
        event("Unit.Registered", name="甲局", category="党政机关", grid="第一片"),
        event("Unit.Registered", name="乙局", category="党政机关", grid="第一片"),
        event("Unit.Registered", name="丙局", category="党政机关", grid="第一片"),
        event("Unit.Registered", name="丁局", category="党政机关", grid="第二片"),
        event("Round.Opened", period="2024", scheme_id="nantong"),
        event(
            "Round.Finalized",
            of="2024/nantong",
            outcomes=[
                outcome("乙局", "91.00", 1),
                outcome("甲局", "90.50", 2),
                outcome("丙局", "90.50", 3),  # equal total, placed by the tie-break
                outcome("丁局", "80.00", 4),
            ],
            changes=[],
            reason=None,
        ),
    )
    ranks = {r["unit"]: (r["grid"], r["grid_rank"], r["grid_size"]) for r in h.rows("grid_ranking")}
    # 第一片: 乙 91.00 first; 甲 and 丙 both 90.50, so both second (1, 2, 2).
    assert ranks == {
        "乙局": ("第一片", 1, 3),
        "甲局": ("第一片", 2, 3),
        "丙局": ("第一片", 2, 3),
        "丁局": ("第二片", 1, 1),
    }
    # A correction re-finalises the round: 丙 now 92.10 leads its grid; 甲 and 乙 follow.
    h.given(
        event(
            "Round.Finalized",
            of="2024/nantong",
            outcomes=[
                outcome("丙局", "92.10", 1),
                outcome("乙局", "91.00", 2),
                outcome("甲局", "90.50", 3),
            ],
            changes=[],
            reason="更正",
        ),
    )
    ranks = {r["unit"]: r["grid_rank"] for r in h.rows("grid_ranking")}
    assert ranks == {"丙局": 1, "乙局": 2, "甲局": 3}  # 丁局 no longer in the round
    assert h.row("grid_ranking", unit="丙局")["total"] == "92.10"


def _round(year: str, outcomes: list[dict], scheme_id: str = "nantong") -> list:
    return [
        event("Round.Opened", period=year, scheme_id=scheme_id),
        event(
            "Round.Finalized",
            of=f"{year}/{scheme_id}",
            outcomes=outcomes,
            changes=[],
            reason=None,
        ),
    ]


@BATCHINGS
@pytest.mark.parametrize("order", ["in-order", "later-year-first"])
def test_bottom_two_years_flags_a_unit_at_the_bottom_in_consecutive_years(batch_size, order):
    bottom = example("bottom_two_years")
    h = Harness(bottom.BottomTwoYears(), batch_size=batch_size)
    y2023 = _round(
        "2023", [outcome("甲局", "70", 90, "排名靠后"), outcome("乙局", "85", 40, "排名居中")]
    )
    y2024 = _round(
        "2024", [outcome("甲局", "71", 91, "排名靠后"), outcome("乙局", "72", 89, "排名靠后")]
    )
    other = _round("2024", [outcome("丙局", "60", 30, "三档")], scheme_id="jilin")
    h.given(*(y2023 + y2024 if order == "in-order" else y2024 + y2023), *other)
    flags = {
        (r["unit"], r["period"]): (r["bottom"], r["two_years"]) for r in h.rows("bottom_two_years")
    }
    assert flags == {
        ("甲局", "2023"): (True, False),
        ("乙局", "2023"): (False, False),
        ("甲局", "2024"): (True, True),  # 靠后 in 2023 and 2024: 提请调整党组织负责人
        ("乙局", "2024"): (True, False),  # first year at the bottom
    }  # and 吉林's 三档 is not 南通's 排名靠后: no row for 丙局


@BATCHINGS
def test_task_bulletin_counts_due_done_on_time_and_the_cumulative_rate(batch_size):
    bulletin = example("task_bulletin")
    h = Harness(bulletin.TaskBulletin(), batch_size=batch_size)
    cycle = "甲局/2024"

    def task(no: int, deadline: str) -> object:
        return event(
            "Cycle.TaskAdded", of=cycle, task_no=no, title=f"任务{no}",
            deadline=date.fromisoformat(deadline), indicator=None,
        )  # fmt: skip

    def done(no: int, on: str) -> object:
        at = datetime.fromisoformat(on + "T10:00:00+08:00")
        return event("Cycle.TaskCompleted", of=cycle, at=at, task_no=no, quality=None)

    h.given(
        event("Cycle.Opened", unit="甲局", period="2024"),
        task(1, "2024-03-15"),
        task(2, "2024-03-31"),
        task(3, "2024-05-10"),
        done(1, "2024-03-10"),  # on time
        done(2, "2024-04-02"),  # late
    )
    rows = h.rows("task_bulletin", unit="甲局")
    got = [
        (
            r["month"],
            r["due"],
            r["done"],
            r["on_time"],
            r["cumulative_due"],
            r["cumulative_done"],
            r["rate"],
        )
        for r in rows
    ]
    assert got == [
        ("2024-03", 2, 2, 1, 2, 2, "100.0"),
        ("2024-05", 1, 0, 0, 3, 2, "66.7"),  # 2/3 = 66.666… → 66.7 half-up
    ]


def test_task_bulletin_takes_a_completion_on_its_day_in_the_database_zone():
    """Due 2024-03-15, completed at 01:30 Beijing time on the 16th — 17:30 UTC on the
    15th. The deadline is a day in the database's zone, so in Asia/Shanghai it was late;
    the example once compared the UTC date and counted it on time. A database kept in
    UTC sees the 15th: on time there."""
    bulletin = example("task_bulletin")
    cycle = "甲局/2024"
    history = (
        event("Cycle.Opened", unit="甲局", period="2024"),
        event(
            "Cycle.TaskAdded", of=cycle, task_no=1, title="任务1",
            deadline=date(2024, 3, 15), indicator=None,
        ),
        event(
            "Cycle.TaskCompleted", of=cycle, task_no=1, quality=None,
            at=datetime.fromisoformat("2024-03-16T01:30:00+08:00"),
        ),
    )  # fmt: skip
    shanghai = Harness(bulletin.TaskBulletin()).given(*history)
    assert [(r["due"], r["done"], r["on_time"]) for r in shanghai.rows("task_bulletin")] == [
        (1, 1, 0)
    ]
    utc = Harness(bulletin.TaskBulletin(), zone="UTC").given(*history)
    assert [(r["due"], r["done"], r["on_time"]) for r in utc.rows("task_bulletin")] == [(1, 1, 1)]


@BATCHINGS
def test_the_built_in_ledger_through_the_harness(batch_size):
    h = Harness(Ledger(), batch_size=batch_size)
    cycle = "甲局/2024"

    def finding(points: str, evidence: str) -> object:
        return event(
            "Cycle.FindingRecorded", of=cycle, source="暗访", indicator="discipline",
            points=Decimal(points), observed_on=date(2024, 5, 6), evidence=evidence,
        )  # fmt: skip

    def advance(source: str, dest: str) -> object:
        return event(
            "Cycle.StageAdvanced", of=cycle, trigger="t", from_stage=source, to_stage=dest,
            reason=None,
        )  # fmt: skip

    h.given(
        event("Cycle.Opened", unit="甲局", period="2024"),  # version 1
        advance("plan", "do"),  # 2
        finding("-2", "迟到"),  # 3
        finding("-1", "缺席"),  # 4
        event("Cycle.FactAmended", of=cycle, fact_position=3, value=Decimal("-1.5"), reason="复核"),
        event("Cycle.FactWithdrawn", of=cycle, fact_position=4, reason="误记"),
    )
    rows = {r["position"]: r for r in h.rows("ledger")}
    assert (rows[3]["points"], rows[3]["status"], rows[3]["applied_at"]) == ("-1.5", "已更正", None)
    assert (rows[4]["status"], rows[4]["applied_at"]) == ("已撤回", None)
    h.given(advance("do", "check"), advance("check", "act"))  # 秋后算账: applied at 处理
    rows = {r["position"]: r for r in h.rows("ledger")}
    assert rows[3]["applied_at"] is not None
    assert rows[4]["applied_at"] is None  # a withdrawn finding is never applied


def test_the_cycle_fold_cache_refolds_what_it_evicted() -> None:
    """With room for one cycle only, two interleaved cycles keep missing the cache and
    are folded again from history — and end exactly as with a cache that never misses."""
    from pdca.projections.folds import CycleFolds

    def run(capacity: int) -> list[dict]:
        h = Harness(Ledger())
        h.folds = CycleFolds(h, capacity=capacity)
        drafts = []
        for unit in ("甲局", "乙局"):
            drafts.append(event("Cycle.Opened", unit=unit, period="2024"))
        for n in range(3):
            for unit in ("甲局", "乙局"):
                drafts.append(finding(unit, n))
        h.batch_size = 1
        h.given(*drafts)
        return h.rows("ledger")

    small, large = run(1), run(100)
    assert small == large
    assert [r["points"] for r in small if r["unit"] == "甲局"] == ["-1", "-2", "-3"]

"""A small, whole 吉林 round recorded through the application service (fast setup for
the tamper, cipher and golden-history tests; the CLI itself is tested elsewhere).

Expected figures, by hand from workflows/jilin.toml (40 ballot / 30 ledger / 30 tasks,
ballots trimmed of one highest and one lowest, ledger dimensions of 25 stopping at 0,
only the masses group voting so its weight renormalises to 100%, 0.01 half-up once):

* 甲局: ballots 10 × 95 → 95 × 40% = 38.00. Ledger: 参与度 −5 amended to −2.5 → 22.5,
  思考力 25, 纪律性 −25 → 0, 老毛病 25 → 72.5 × 30% = 21.75. Tasks 2 × 优 → 100 × 30%
  = 30.00. Total 89.75 → 较好 (≥ 80).
* 乙局: ballots 10 × 90 → 36.00. Ledger: 纪律性 −10 withdrawn → 100 × 30% = 30.00.
  Tasks 30.00. Total 96.00 → 好 (≥ 90).
* One category of two: 一档 = round(2 × 30%) = 1 unit (乙局), 二档 to round(2 × 80%) = 2.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from pdca.application.acting import Acting
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace

if TYPE_CHECKING:
    from tests.conftest import Workspace

ACTOR = "督查组-张三"
BALLOT_ITEMS = ("duty", "report", "answers", "daily_work", "rectification")
EVIDENCE = "工作时间网购、打游戏"
OWNER = "王五"
EXPECTED = {"甲局": ("89.75", 2, "较好", "二档"), "乙局": ("96.00", 1, "好", "一档")}


def acting(name: str = ACTOR, day: date | None = None) -> Acting:
    """The acting context of one call: a declared person, on ``day``."""
    return Acting.declared(name, today=day)


def _ballot(total: int) -> dict[str, Decimal]:
    base, extra = divmod(total, 5)
    return {item: Decimal(base + (1 if n < extra else 0)) for n, item in enumerate(BALLOT_ITEMS)}


def _year(app: PdcaApplication, unit: str, ballot_total: int) -> str:
    cycle = f"{unit}/2024"
    app.register_unit(acting(), unit, "党政机关", None)
    app.open_cycle(acting(), unit, "2024", "jilin")
    for n in (1, 2):
        app.add_task(acting(), cycle, f"重点任务{n}", date(2024, 11, 30), None)
    app.publish_task_list(acting(), cycle)
    app.advance(acting(), cycle, "start_do", "任务清单已发布")
    app.report_task(acting(), cycle, 1, 60, "已完成两次专题学习")
    for n in (1, 2):
        app.complete_task(acting(), cycle, n, "优")
    return cycle


def _ballots(app: PdcaApplication, cycle: str, total: int) -> None:
    tokens = app.issue_ballots(acting(), cycle, "masses", 10)
    app.cast_ballots(acting(), cycle, [(t, _ballot(total)) for t in tokens])


def record_round(app: PdcaApplication) -> tuple[str, str]:
    """Record the round; return the two cycles (甲局, 乙局)."""
    jia = _year(app, "甲局", 95)
    discipline = app.record_finding(
        acting(), jia, "暗访", "discipline", Decimal("-25"), date(2024, 5, 12), EVIDENCE
    )
    late = app.record_finding(
        acting(), jia, "督查", "participation", Decimal("-5"), date(2024, 3, 1), "缺席一次主题党日"
    )
    app.amend_fact(acting(), jia, late, Decimal("-2.5"), "复核：迟到而非缺席")
    yi = _year(app, "乙局", 90)
    wrong = app.record_finding(
        acting(), yi, "暗访", "discipline", Decimal("-10"), date(2024, 6, 3), "上班时间离岗"
    )
    app.withdraw_fact(acting(), yi, wrong, "复核：当事人当日公出")
    for cycle, total in ((jia, 95), (yi, 90)):
        app.advance(acting(), cycle, "start_check", None)
        # The unit's 述职报告 (issue 14 item 5), required before the round is finalised.
        app.record_step(acting(), cycle, "report", "年度述职报告", "述职材料")
        _ballots(app, cycle, total)
        app.advance(acting(), cycle, "start_act", None)
    app.order_rectification(
        acting(day=date(2025, 1, 10)), jia, "工作纪律松弛", OWNER, date(2025, 3, 31), discipline
    )
    app.open_round(acting(), "2024", "jilin")
    app.finalize_round(acting(), "2024", None, None)
    return jia, yi


def record_round_in(ws: Workspace) -> tuple[str, str]:
    """``record_round`` in a test workspace, with an application of its own. Its people
    name themselves in-process while the test's login writes: stored as before the
    PostgreSQL login stamp (which would rightly flag every one of them)."""
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        with ws.before_the_stamp():
            return record_round(app)
    finally:
        app.close()

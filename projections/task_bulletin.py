"""task_bulletin：任务清单月度通报（月初清单 / 通报）。

达州 (000) 实行清单式管理：每月初列出任务清单，每项任务有开始时间、完成时限、
进度和质量，定期通报重点任务进展。本投影按单位、按月汇总任务清单：当月到期几项、
其中已完成几项、按期完成几项（完成记录的日期不晚于完成时限），以及截至当月累计
到期与完成的项数和累计完成率（百分比，保留一位小数，四舍五入）。

任务的事实由唯一的折叠（batch.cycle）给出，与计分所用完全相同。
"""

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Column, Integer, MetaData, String, Table

from pdca.projections.api import Batch, Fact, Projection, handles

metadata = MetaData()

bulletin = Table(
    "task_bulletin",
    metadata,
    Column("unit", String(200), primary_key=True, comment="单位"),
    Column("period", String(20), primary_key=True, comment="考核期"),
    Column("month", String(7), primary_key=True, comment="月份"),
    Column("due", Integer, nullable=False, comment="本月到期"),
    Column("done", Integer, nullable=False, comment="其中已完成"),
    Column("on_time", Integer, nullable=False, comment="其中按期完成"),
    Column("cumulative_due", Integer, nullable=False, comment="累计到期"),
    Column("cumulative_done", Integer, nullable=False, comment="累计完成"),
    Column("rate", String(10), nullable=False, comment="累计完成率%"),
)

TASK_EVENTS = frozenset({"Cycle.TaskAdded", "Cycle.TaskCompleted"})


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return "—"
    return str((Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


class TaskBulletin(Projection):
    name = "task_bulletin"
    title = "任务清单月度通报：每单位每月到期、完成、按期完成与累计完成率"
    version = 2  # 2: a completion's day in the database's zone (was UTC)
    tables = (bulletin,)

    def begin_batch(self) -> None:
        self._dirty: dict = {}

    @handles("Cycle.*")
    def cycle_changed(self, fact: Fact, batch: Batch) -> None:
        batch.cycle(fact)  # keep the cycle's fold current
        if fact.type in TASK_EVENTS:
            self._dirty[fact.originator_id] = fact.version

    def end_batch(self, batch: Batch) -> None:
        for oid, version in self._dirty.items():
            facts = batch.cycle_at(oid, version)
            months: dict[str, list[int]] = {}  # month -> [due, done, on_time]
            for task in facts.tasks.values():
                counts = months.setdefault(task.deadline.strftime("%Y-%m"), [0, 0, 0])
                counts[0] += 1
                if task.completed and task.completion is not None:
                    counts[1] += 1
                    # The day it was completed is the day in the database's zone, as the
                    # deadline is: a completion at 01:00 Beijing time is not the day before.
                    if task.completion.recorded_at.astimezone(batch.zone).date() <= task.deadline:
                        counts[2] += 1
            cumulative_due = cumulative_done = 0
            for month in sorted(months):
                due, done, on_time = months[month]
                cumulative_due += due
                cumulative_done += done
                batch.put(
                    bulletin,
                    {
                        "unit": facts.unit,
                        "period": facts.period,
                        "month": month,
                        "due": due,
                        "done": done,
                        "on_time": on_time,
                        "cumulative_due": cumulative_due,
                        "cumulative_done": cumulative_done,
                        "rate": percent(cumulative_done, cumulative_due),
                    },
                )

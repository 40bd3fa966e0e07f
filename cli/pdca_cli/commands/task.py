from __future__ import annotations

from datetime import date

import click

from pdca_cli._attach import attach_option, noted
from pdca_cli._columns import Column, records, show_table, yes_no
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer, emit_json
from pdca_cli._parse import Day

TASKS = (
    Column("no", "序号"),
    Column("title", "任务"),
    Column("deadline", "截止", get=lambda t: t.deadline.isoformat()),
    Column("indicator", "指标"),
    Column("progress", "进度", show=lambda p: f"{p}%"),
    Column("completed", None),
    Column(None, "完成（质量）", get=lambda t: _completed(t.completed, t.quality)),
    Column("quality", None),
)


def _completed(completed: bool, quality: str | None) -> str:
    """``是（良）``: the quality a completion was judged at is half of what it says."""
    return f"{yes_no(completed)}（{quality}）" if completed and quality else yes_no(completed)


@click.group()
def task() -> None:
    """任务清单（清单式管理）：添加、发布、报告进度、完成、查看。"""


@task.command()
@click.argument("address", metavar="CYCLE")
@click.argument("title")
@click.option("--deadline", required=True, type=Day(), help="截止日期 YYYY-MM-DD。")
@click.option("--indicator", help="对应的指标（可选）。")
@json_option
@pass_cli
def add(obj: CliContext, address: str, title: str, deadline: object, indicator: str | None) -> None:
    """向周期的任务清单添加一项任务（计划阶段，或执行阶段追加）。

    \b
    示例:
      pdca task add 市财政局/2024 "落实三会一课" --deadline 2024-12-31
    """
    due: date = deadline.date()  # type: ignore[attr-defined]
    number = obj.app().add_task(obj.acting, address, title, due, indicator)
    data = {"cycle": address, "task": number, "title": title, "deadline": due.isoformat()}
    answer(obj.json, data, f"已添加任务 #{number}：{title}（截止 {due.isoformat()}）")


@task.command()
@click.argument("address", metavar="CYCLE")
@json_option
@pass_cli
def publish(obj: CliContext, address: str) -> None:
    """发布任务清单（计划阶段）；方案通常以此为进入执行阶段的守卫。

    \b
    示例:
      pdca task publish 市财政局/2024
    """
    count = obj.app().publish_task_list(obj.acting, address)
    data = {"cycle": address, "published": True, "tasks": count}
    answer(obj.json, data, f"任务清单已发布：{address}，共 {count} 项")


@task.command()
@click.argument("address", metavar="CYCLE")
@click.argument("task_no", metavar="TASK", type=int)
@click.option("--progress", required=True, type=int, help="进度百分比 0–100。")
@click.option("--note", help="进展说明。")
@attach_option
@json_option
@pass_cli
def report(
    obj: CliContext,
    address: str,
    task_no: int,
    progress: int,
    note: str | None,
    attach: tuple[str, ...],
) -> None:
    """报告任务进度（执行、督查阶段）。

    \b
    示例:
      pdca task report 市财政局/2024 1 --progress 60 --note 已完成两次专题学习
    """
    obj.app().report_task(obj.acting, address, task_no, progress, note, attach)
    data = {"cycle": address, "task": task_no, "progress": progress}
    answer(obj.json, data, noted(f"任务 #{task_no} 进度：{progress}%", attach))


@task.command()
@click.argument("address", metavar="CYCLE")
@click.argument("task_no", metavar="TASK", type=int)
@click.option("--quality", help="完成质量（方案 [tasks].quality 中的评价，如 优、良、中、差）。")
@json_option
@pass_cli
def complete(obj: CliContext, address: str, task_no: int, quality: str | None) -> None:
    """标记任务完成，可附质量评价。

    \b
    示例:
      pdca task complete 市财政局/2024 1 --quality 优
    """
    obj.app().complete_task(obj.acting, address, task_no, quality)
    data = {"cycle": address, "task": task_no, "completed": True, "quality": quality}
    answer(obj.json, data, f"任务 #{task_no} 已完成{'（' + quality + '）' if quality else ''}")


@task.command("list")
@click.argument("address", metavar="CYCLE")
@json_option
@pass_cli
def list_(obj: CliContext, address: str) -> None:
    """列出周期的任务清单。

    \b
    示例:
      pdca task list 市财政局/2024
    """
    c = obj.app().get_cycle(address)
    tasks = sorted(c.tasks.values(), key=lambda t: t.no)
    if obj.json:
        emit_json(
            {
                "cycle": c.address,
                "published": c.task_list_published,
                "tasks": records(TASKS, tasks),
            }
        )
        return
    published = "已发布" if c.task_list_published else "未发布"
    show_table(TASKS, tasks, title=f"任务清单：{c.address}（{published}）")

from __future__ import annotations

from typing import Any

import click

from pdca.application import labels
from pdca_cli._attach import attach_option, noted
from pdca_cli._columns import (
    Column,
    emit,
    flagged_records,
    moment,
    or_blank,
    show_table,
    summary_with_flag,
)
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer, emit_json
from pdca_cli._parse import parse_date, today_option
from pdca_cli._parse import parse_today as _today

on_day = today_option("按此日期记录（YYYY-MM-DD，默认今天），便于补录与复现。")

ESCALATED = (
    Column("id", "事项", get="item"),
    Column("cycle", "周期"),
    Column("days_overdue", "逾期天数"),
    Column("level", "级别"),
    Column("measure", "措施"),
)
ITEMS = (
    Column("id", "编号", get=lambda r: r["item_id"][:8]),
    Column("cycle", "周期"),
    Column("unit", None),
    Column("problem", "问题"),
    Column("owner", "责任人"),
    Column("due", "期限"),
    Column("status", "状态", show=labels.rectification_status),
    Column("days_overdue", "逾期", show=or_blank),
    Column("colour", "颜色"),
    Column("escalation", None),
    Column("measure", "督办", show=or_blank),
    Column("carried_to", "结转", show=or_blank),
)
EVENTS = (
    Column("position", "序号"),
    Column("type", None),
    Column("recorded_at", "记录时间", show=moment),
    Column("actor", "操作人"),
    Column("principal", None),
    Column("assurance", None),
    Column(None, "类型", get=lambda e: labels.event_type(e["type"])),
    Column("summary", "摘要", get=summary_with_flag),
    Column("detail", None),
)
MONTH = (
    Column("unit", "单位"),
    Column("opened", "本月交办"),
    Column("closed", "本月销号"),
    Column("open", "月末未销号"),
    Column("overdue", "其中逾期"),
    Column("ordered", "累计交办"),
    Column("closed_total", None),
    Column("rate", "累计销号率"),
)


def _item_json(item: Any) -> dict[str, Any]:
    return {
        "id": item.short_id,
        "item_id": item.id.hex,
        "cycle": item.cycle,
        "unit": item.unit,
        "problem": item.problem,
        "owner": item.owner,
        "due": item.due.isoformat(),
        "status": item.status,
        "escalation": item.escalation,
        "carried_to": item.carried_to,
    }


def _done(obj: CliContext, item: Any, message: str) -> None:
    answer(obj.json, _item_json(item), f"整改事项 {item.short_id}（{item.cycle}）：{message}")


@click.group()
def rectify() -> None:
    """整改：交办、进展、提交、验收销号、延期、逐级督办、查看。"""


@rectify.command()
@click.argument("address", metavar="CYCLE")
@click.option("--problem", required=True, help="问题。")
@click.option("--owner", required=True, help="整改责任人。")
@click.option("--due", required=True, help="整改期限 YYYY-MM-DD。")
@click.option("--finding", type=int, help="来源督查发现的事件号（见 pdca ledger）。")
@on_day
@json_option
@pass_cli
def order(
    obj: CliContext,
    address: str,
    problem: str,
    owner: str,
    due: str,
    finding: int | None,
    today: str | None,
) -> None:
    """交办一项整改（执行、督查、处理阶段）：问题、责任人、期限，可关联督查发现。

    \b
    示例:
      pdca rectify order 市财政局/2024 --problem "三会一课记录不全" --owner 王五 --due 2025-03-31 --finding 12
    """
    item = obj.app().order_rectification(
        obj.acting_on(_today(today)), address, problem, owner, parse_date(due, "整改期限"), finding
    )
    _done(obj, item, f"已交办，期限 {item.due}")


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--note", required=True, help="进展说明（南通：整改月报）。")
@attach_option
@on_day
@json_option
@pass_cli
def report(
    obj: CliContext, ref: str, note: str, attach: tuple[str, ...], today: str | None
) -> None:
    """报告整改进展。

    \b
    示例:
      pdca rectify report 3f9a1c0e --note "已补齐1-6月会议记录"
    """
    item = obj.app().report_rectification(obj.acting_on(_today(today)), ref, note, attach)
    _done(obj, item, noted("已报告进展", attach))


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--note", help="提交说明。")
@on_day
@json_option
@pass_cli
def submit(obj: CliContext, ref: str, note: str | None, today: str | None) -> None:
    """提交验收。

    \b
    示例:
      pdca rectify submit 3f9a1c0e
    """
    _done(
        obj, obj.app().submit_rectification(obj.acting_on(_today(today)), ref, note), "已提交验收"
    )


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--accept/--reject", required=True, help="验收通过（销号）或退回整改。")
@click.option("--reason", help="理由；退回时必填。")
@on_day
@json_option
@pass_cli
def verify(obj: CliContext, ref: str, accept: bool, reason: str | None, today: str | None) -> None:
    """验收：通过即销号，或写明理由退回。验收人不能是提交人。

    \b
    示例:
      pdca rectify verify 3f9a1c0e --accept
      pdca rectify verify 3f9a1c0e --reject --reason 记录仍缺7月
    """
    item = obj.app().verify_rectification(obj.acting_on(_today(today)), ref, accept, reason)
    _done(obj, item, "已销号" if accept else f"已退回整改：{reason}")


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--due", required=True, help="新期限 YYYY-MM-DD。")
@click.option("--reason", required=True, help="延期理由。")
@on_day
@json_option
@pass_cli
def extend(obj: CliContext, ref: str, due: str, reason: str, today: str | None) -> None:
    """延长整改期限（须写明理由，记入历史）。

    \b
    示例:
      pdca rectify extend 3f9a1c0e --due 2025-06-30 --reason 涉及机构改革
    """
    _done(
        obj,
        obj.app().extend_rectification(
            obj.acting_on(_today(today)), ref, parse_date(due, "新期限"), reason
        ),
        f"期限延至 {due}",
    )


@rectify.command()
@on_day
@json_option
@pass_cli
def sweep(obj: CliContext, today: str | None) -> None:
    """逐级督办：为逾期事项按方案记录提醒、约谈、问责，每级一次；重复运行不重复记录。

    \b
    示例:
      pdca rectify sweep --today 2025-05-01
    """
    done = obj.app().sweep_rectifications(obj.acting_on(_today(today)))
    emit(ESCALATED, done, obj.json, title=f"记录督办 {len(done)} 项", empty="")


@rectify.command("list")
@click.option("--unit", help="只列此单位。")
@click.option("--status", help="ordered/in_progress/submitted/closed 或中文名。")
@click.option("--overdue", is_flag=True, help="只列逾期未销号的。")
@on_day
@json_option
@pass_cli
def list_(
    obj: CliContext, unit: str | None, status: str | None, overdue: bool, today: str | None
) -> None:
    """列出整改事项：状态、责任人、期限、逾期天数、督办颜色（红逾期、黄滞后或被退回、蓝临期）、督办级别、结转。

    \b
    示例:
      pdca rectify list --overdue
    """
    rows = obj.app().list_rectifications(_today(today), unit, status, overdue)
    emit(ITEMS, rows, obj.json)


@rectify.command()
@click.argument("ref", metavar="ID")
@json_option
@pass_cli
def show(obj: CliContext, ref: str) -> None:
    """一项整改的全部历史。

    \b
    示例:
      pdca rectify show 3f9a1c0e
    """
    from pdca.application.histories import event_rows

    app = obj.app()
    item = app.get_rectification(ref)
    events = event_rows(app, item.id)
    if obj.json:
        emit_json({**_item_json(item), "history": flagged_records(EVENTS, events)})
        return
    title = f"整改事项 {item.short_id}：{item.problem}（{item.cycle}，责任人 {item.owner}，期限 {item.due}）"
    show_table(EVENTS, events, title=title)


@rectify.command()
@click.argument("month")
@json_option
@pass_cli
def bulletin(obj: CliContext, month: str) -> None:
    """整改月报：各单位本月交办、本月销号、月末未销号与逾期数、累计销号率。

    \b
    示例:
      pdca rectify bulletin 2025-03
    """
    emit(MONTH, obj.app().rectification_bulletin(month), obj.json, title=f"{month} 整改月报")

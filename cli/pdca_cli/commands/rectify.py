from __future__ import annotations

from datetime import date
from typing import Any

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json, emit_table
from pdca_cli._parse import parse_date


def _today(text: str | None) -> date:
    return parse_date(text, "--today") if text else date.today()


today_option = click.option(
    "--today", "today", help="按此日期记录（YYYY-MM-DD，默认今天），便于补录与复现。"
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
    if obj.json:
        emit_json(_item_json(item))
    else:
        click.echo(f"整改事项 {item.short_id}（{item.cycle}）：{message}")


@click.group()
def rectify() -> None:
    """整改：交办、进展、提交、验收销号、延期、逐级督办、查看。"""


@rectify.command()
@click.argument("address", metavar="CYCLE")
@click.option("--problem", required=True, help="问题。")
@click.option("--owner", required=True, help="整改责任人。")
@click.option("--due", required=True, help="整改期限 YYYY-MM-DD。")
@click.option("--finding", type=int, help="来源督查发现的事件号（见 pdca ledger）。")
@today_option
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
    """交办一项整改（督查、处理阶段）：问题、责任人、期限，可关联督查发现。

    \b
    Example:
      pdca rectify order 市财政局/2024 --problem "三会一课记录不全" --owner 王五 --due 2025-03-31 --finding 12
    """
    item = obj.app().order_rectification(
        obj.acting_on(_today(today)), address, problem, owner, parse_date(due, "整改期限"), finding
    )
    _done(obj, item, f"已交办，期限 {item.due}")


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--note", required=True, help="进展说明（南通：整改月报）。")
@today_option
@json_option
@pass_cli
def report(obj: CliContext, ref: str, note: str, today: str | None) -> None:
    """报告整改进展。

    \b
    Example:
      pdca rectify report 3f9a1c0e --note "已补齐1-6月会议记录"
    """
    _done(
        obj, obj.app().report_rectification(obj.acting_on(_today(today)), ref, note), "已报告进展"
    )


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--note", help="提交说明。")
@today_option
@json_option
@pass_cli
def submit(obj: CliContext, ref: str, note: str | None, today: str | None) -> None:
    """提交验收。

    \b
    Example:
      pdca rectify submit 3f9a1c0e
    """
    _done(
        obj, obj.app().submit_rectification(obj.acting_on(_today(today)), ref, note), "已提交验收"
    )


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--accept/--reject", required=True, help="验收通过（销号）或退回整改。")
@click.option("--reason", help="理由；退回时必填。")
@today_option
@json_option
@pass_cli
def verify(obj: CliContext, ref: str, accept: bool, reason: str | None, today: str | None) -> None:
    """验收：通过即销号，或写明理由退回。验收人不能是提交人。

    \b
    Example:
      pdca rectify verify 3f9a1c0e --accept
      pdca rectify verify 3f9a1c0e --reject --reason 记录仍缺7月
    """
    item = obj.app().verify_rectification(obj.acting_on(_today(today)), ref, accept, reason)
    _done(obj, item, "已销号" if accept else f"已退回整改：{reason}")


@rectify.command()
@click.argument("ref", metavar="ID")
@click.option("--due", required=True, help="新期限 YYYY-MM-DD。")
@click.option("--reason", required=True, help="延期理由。")
@json_option
@pass_cli
def extend(obj: CliContext, ref: str, due: str, reason: str) -> None:
    """延长整改期限（须写明理由，记入历史）。

    \b
    Example:
      pdca rectify extend 3f9a1c0e --due 2025-06-30 --reason 涉及机构改革
    """
    _done(
        obj,
        obj.app().extend_rectification(obj.acting, ref, parse_date(due, "新期限"), reason),
        f"期限延至 {due}",
    )


@rectify.command()
@today_option
@json_option
@pass_cli
def sweep(obj: CliContext, today: str | None) -> None:
    """逐级督办：为逾期事项按方案记录提醒、约谈、问责，每级一次；重复运行不重复记录。

    \b
    Example:
      pdca rectify sweep --today 2025-05-01
    """
    done = obj.app().sweep_rectifications(obj.acting_on(_today(today)))
    if obj.json:
        emit_json(
            [
                {
                    "id": e.item,
                    "cycle": e.cycle,
                    "days_overdue": e.days_overdue,
                    "level": e.level,
                    "measure": e.measure,
                }
                for e in done
            ]
        )
        return
    click.echo(f"记录督办 {len(done)} 项")
    emit_table(
        ["事项", "周期", "逾期天数", "级别", "措施"],
        [[e.item, e.cycle, e.days_overdue, e.level, e.measure] for e in done],
        empty="",
    )


@rectify.command("list")
@click.option("--unit", help="只列此单位。")
@click.option("--status", help="ordered/in_progress/submitted/closed 或中文名。")
@click.option("--overdue", is_flag=True, help="只列逾期未销号的。")
@today_option
@json_option
@pass_cli
def list_(
    obj: CliContext, unit: str | None, status: str | None, overdue: bool, today: str | None
) -> None:
    """列出整改事项：状态、责任人、期限、逾期天数、督办颜色（红逾期、黄滞后或被退回、蓝临期）、督办级别、结转。

    \b
    Example:
      pdca rectify list --overdue
    """
    from pdca.domain.rectification import STATUS_LABELS

    rows = obj.app().list_rectifications(_today(today), unit, status, overdue)
    if obj.json:
        emit_json(
            [
                {
                    "id": r["item_id"][:8],
                    "cycle": r["cycle"],
                    "unit": r["unit"],
                    "problem": r["problem"],
                    "owner": r["owner"],
                    "due": r["due"],
                    "status": r["status"],
                    "days_overdue": r["days_overdue"],
                    "colour": r["colour"],
                    "escalation": r["escalation"],
                    "measure": r["measure"],
                    "carried_to": r["carried_to"],
                }
                for r in rows
            ]
        )
        return
    emit_table(
        ["编号", "周期", "问题", "责任人", "期限", "状态", "逾期", "颜色", "督办", "结转"],
        [
            [
                r["item_id"][:8],
                r["cycle"],
                r["problem"],
                r["owner"],
                r["due"],
                STATUS_LABELS[r["status"]],
                r["days_overdue"] or "",
                r["colour"],
                r["measure"] or "",
                r["carried_to"] or "",
            ]
            for r in rows
        ],
    )


@rectify.command()
@click.argument("ref", metavar="ID")
@json_option
@pass_cli
def show(obj: CliContext, ref: str) -> None:
    """一项整改的全部历史。

    \b
    Example:
      pdca rectify show 3f9a1c0e
    """
    app = obj.app()
    item = app.get_rectification(ref)
    events = list(app.repository.event_store.get(item.id))
    history = [
        {
            "position": e.originator_version,
            "type": type(e).__name__,
            "recorded_at": e.timestamp.isoformat(),
            "actor": getattr(e, "actor", ""),
            "detail": {
                k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in vars(e).items()
                if k
                not in (
                    "originator_id",
                    "originator_version",
                    "timestamp",
                    "originator_topic",
                    "actor",
                )
            },
        }
        for e in events
    ]
    if obj.json:
        emit_json({**_item_json(item), "history": history})
        return
    click.echo(
        f"整改事项 {item.short_id}：{item.problem}（{item.cycle}，责任人 {item.owner}，期限 {item.due}）"
    )
    emit_table(
        ["序号", "记录时间", "操作人", "类型", "内容"],
        [
            [
                h["position"],
                h["recorded_at"][:19].replace("T", " "),
                h["actor"],
                h["type"],
                "，".join(f"{k}={v}" for k, v in h["detail"].items() if v not in (None, "")),
            ]
            for h in history
        ],
    )


@rectify.command()
@click.argument("month")
@json_option
@pass_cli
def bulletin(obj: CliContext, month: str) -> None:
    """整改月报：各单位本月交办、本月销号、月末未销号与逾期数、累计销号率。

    \b
    Example:
      pdca rectify bulletin 2025-03
    """
    rows = obj.app().rectification_bulletin(month)
    if obj.json:
        emit_json(rows)
        return
    click.echo(f"{month} 整改月报")
    emit_table(
        ["单位", "本月交办", "本月销号", "月末未销号", "其中逾期", "累计交办", "累计销号率"],
        [
            [r["unit"], r["opened"], r["closed"], r["open"], r["overdue"], r["ordered"], r["rate"]]
            for r in rows
        ],
    )

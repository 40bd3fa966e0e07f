from __future__ import annotations

from typing import Any

import click

from pdca_cli._columns import Column, emit, records, show_table, yes_no
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer, emit_json

TRIGGERS = (
    Column("name", "触发器"),
    Column("label", "名称"),
    Column("to", None),
    Column(None, "去往", get="to_label"),
    Column("allowed", "可执行", show=yes_no),
    Column("reason", "原因"),
)


@click.group()
def cycle() -> None:
    """考核周期：开启、推进、查看。周期地址为 单位/考核期，如 市财政局/2024。"""


def _status_json(status: Any) -> dict[str, Any]:
    return {
        "cycle": status.cycle,
        "unit": status.unit,
        "period": status.period,
        "scheme": status.scheme,
        "scheme_digest": status.scheme_digest,
        "stage": status.stage,
        "stage_label": status.stage_label,
        "version": status.version,
        "triggers": records(TRIGGERS, status.triggers),
    }


def _show_status(obj: CliContext, address: str, quick: bool = False) -> None:
    """``quick``: no command ran before in this process (``cycle status`` itself), so
    the file may be read without building the application (``quick_status``)."""
    status = _quick_status(obj, address) if quick else None
    if status is None:
        status = obj.app().status(address)
    if obj.json:
        emit_json(_status_json(status))
        return
    title = f"周期：{status.cycle}    方案：{status.scheme}    阶段：{status.stage_label}（{status.stage}）"
    show_table(TRIGGERS, status.triggers, title=title, empty="（已结束，无可用触发器）")


def _quick_status(obj: CliContext, address: str) -> Any:
    from pdca.application.quick_status import status

    found = status(obj.workspace(), address)
    if found is None:
        return None
    answer, notices = found
    for line in notices:
        click.echo(line, err=True)
    return answer


@cycle.command("open")
@click.argument("unit")
@click.argument("period")
@click.option(
    "--scheme", "scheme_ref", required=True, help="方案 ID（或 ID@版本），见 pdca scheme list。"
)
@json_option
@pass_cli
def open_(obj: CliContext, unit: str, period: str, scheme_ref: str) -> None:
    """为一个单位开启一个考核期的周期，锁定所用方案的全文与摘要。

    \b
    示例:
      pdca cycle open 市财政局 2024 --scheme jilin
    """
    c = obj.app().open_cycle(obj.acting, unit, period, scheme_ref)
    if not obj.json:
        click.echo(f"已开启周期：{c.address}（方案 {c.scheme_id}@{c.scheme_version}）")
    _show_status(obj, c.address)


@cycle.command()
@click.argument("address", metavar="CYCLE")
@click.argument("trigger")
@click.option("--reason", help="推进理由（记入事件）。")
@json_option
@pass_cli
def advance(obj: CliContext, address: str, trigger: str, reason: str | None) -> None:
    """按方案的触发器（名称或中文名）推进周期阶段；守卫不满足时拒绝并说明原因。

    \b
    示例:
      pdca cycle advance 市财政局/2024 start_do --reason 任务清单已发布
    """
    app = obj.app()
    c = app.advance(obj.acting, address, trigger, reason)
    trigger = obj.acting.named.get("trigger", trigger)  # a label names its id
    before = c.facts.stages[-1][0]  # the from-stage of the move just recorded
    scheme = app.scheme_of(c)
    answer(
        obj.json,
        {
            "cycle": c.address,
            "trigger": trigger,
            "from": before,
            "stage": c.stage,
            "version": c.version,
        },
        f"{c.address}：{scheme.stage_label(before)} → {scheme.stage_label(c.stage)}（{trigger}）",
    )


@cycle.command()
@click.argument("address", metavar="CYCLE")
@json_option
@pass_cli
def status(obj: CliContext, address: str) -> None:
    """周期的当前阶段，以及每个触发器能否执行、为何不能。

    \b
    示例:
      pdca cycle status 市财政局/2024 --json
    """
    _show_status(obj, address, quick=True)


@cycle.command("list")
@click.option("--period", help="只列出此考核期。")
@click.option("--stage", help="只列出此阶段（plan/do/check/act/closed、中文名或子阶段 ID）。")
@click.option("--all", "every", is_flag=True, help="也列出已作废的周期（阶段为 voided）。")
@json_option
@pass_cli
def list_(obj: CliContext, period: str | None, stage: str | None, every: bool) -> None:
    """列出周期及其当前阶段。

    \b
    示例:
      pdca cycle list --period 2024 --stage 督查
    """
    app = obj.app()
    listing = (
        Column("cycle", "周期"),
        Column("unit", "单位"),
        Column("period", "考核期"),
        Column("scheme", "方案"),
        Column("stage", None),
        Column(None, "阶段", get=lambda r: app.stage_label(r["scheme"], r["stage"])),
    )
    emit(listing, app.list_cycles(period, stage, voided=every), obj.json)


@cycle.command()
@click.argument("address", metavar="CYCLE")
@click.option("--reason", required=True, help="作废理由（记入历史）。")
@json_option
@pass_cli
def void(obj: CliContext, address: str, reason: str) -> None:
    """作废误开的周期：移出轮次、看板与周期列表（--all 仍可见），之后可重新开启同一周期。
    本周期交办的整改须先销号；从上一考核期结转来的整改转入重新开启的周期。

    \b
    示例:
      pdca cycle void 市财政局/2024 --reason 误选方案，重新开启
    """
    c = obj.app().void_cycle(obj.acting, address, reason)
    answer(obj.json, {"cycle": c.address, "voided": True}, f"{c.address}：已作废（{reason}）")

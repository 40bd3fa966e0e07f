from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer
from pdca_cli._parse import parse_decimal


@click.group()
def score() -> None:
    """指标得分：记录、认定组成部分不适用。"""


@score.command("record", context_settings={"ignore_unknown_options": True})
@click.argument("address", metavar="CYCLE")
@click.argument("item")
@click.argument("value", metavar="VALUE")
@click.option("--evidence", required=True, help="依据（查阅的资料、核查结果）。")
@json_option
@pass_cli
def record(obj: CliContext, address: str, item: str, value: str, evidence: str) -> None:
    """记录一个指标的值（督查阶段）。VALUE 按指标规则：直接计分为分数，按次扣分为次数，按档扣分为百分比。

    \b
    Example:
      pdca score record 省财政厅/2017 three_meetings 10 --evidence "会议记录 10 次"
    """
    position = obj.app().record_score(
        obj.acting, address, item, parse_decimal(value, "数值"), evidence
    )
    data = {"cycle": address, "position": position, "item": item, "value": value}
    answer(obj.json, data, f"已记录 #{position}：{item} = {value}")


@score.command("na")
@click.argument("address", metavar="CYCLE")
@click.argument("component")
@click.option("--reason", required=True, help="不适用的理由。")
@json_option
@pass_cli
def not_applicable(obj: CliContext, address: str, component: str, reason: str) -> None:
    """认定一个组成部分对本单位不适用：不计入，其余权重按比例归一。

    \b
    Example:
      pdca score na 市财政局/2024 tasks --reason 本年度无重点任务
    """
    position = obj.app().mark_not_applicable(obj.acting, address, component, reason)
    data = {"cycle": address, "position": position, "component": component}
    answer(obj.json, data, f"已认定 #{position}：{component} 不适用")

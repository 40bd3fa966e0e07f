from __future__ import annotations

import click

from pdca_cli._attach import attach_option, noted
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer
from pdca_cli._parse import parse_decimal


@click.group()
def correct() -> None:
    """更正已记录的事实：只能以新事件撤回或改值，写明理由。"""


@correct.command()
@click.argument("address", metavar="CYCLE")
@click.argument("position", type=int)
@click.option("--reason", required=True, help="理由。")
@attach_option
@json_option
@pass_cli
def withdraw(
    obj: CliContext, address: str, position: int, reason: str, attach: tuple[str, ...]
) -> None:
    """撤回一条记录（发现、得分、测评票、否决、不适用认定），POSITION 见 pdca history。

    \b
    示例:
      pdca correct withdraw 市财政局/2024 12 --reason 误记到本单位
    """
    at = obj.app().withdraw_fact(obj.acting, address, position, reason, attach)
    data = {"cycle": address, "position": at, "withdrawn": position}
    answer(obj.json, data, noted(f"#{at}：已撤回记录 #{position}", attach))


@correct.command(context_settings={"ignore_unknown_options": True})
@click.argument("address", metavar="CYCLE")
@click.argument("position", type=int)
@click.argument("value")
@click.option("--reason", required=True, help="理由。")
@attach_option
@json_option
@pass_cli
def amend(
    obj: CliContext, address: str, position: int, value: str, reason: str, attach: tuple[str, ...]
) -> None:
    """更正一条发现的分值或一个指标的记录值。

    \b
    示例:
      pdca correct amend 市财政局/2024 12 -1 --reason 复核后减轻
    """
    amended = parse_decimal(value, "更正值")
    at = obj.app().amend_fact(obj.acting, address, position, amended, reason, attach)
    data = {"cycle": address, "position": at, "amended": position, "value": value}
    answer(obj.json, data, noted(f"#{at}：记录 #{position} 更正为 {value}", attach))

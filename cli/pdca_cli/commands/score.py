from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer
from pdca_cli._parse import parse_decimal


@click.group()
def score() -> None:
    """指标得分：记录、认定组成部分或指标不适用。"""


@score.command("record", context_settings={"ignore_unknown_options": True})
@click.argument("address", metavar="CYCLE")
@click.argument("item")
@click.argument("value", metavar="VALUE")
@click.option("--evidence", required=True, help="依据（查阅的资料、核查结果）。")
@json_option
@pass_cli
def record(obj: CliContext, address: str, item: str, value: str, evidence: str) -> None:
    """记录一个指标的值（督查阶段；处理阶段只能补记尚未记录的指标）。VALUE 按指标规则：直接计分为分数，按次扣分为次数，按档扣分为百分比。

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
@click.argument("target", metavar="COMPONENT|ITEM")
@click.option("--reason", required=True, help="不适用的理由。")
@json_option
@pass_cli
def not_applicable(obj: CliContext, address: str, target: str, reason: str) -> None:
    """认定一个组成部分或指标对本单位不适用：组成部分不计入，其余权重按比例归一；指标不计入类别满分。

    指标认定不适用后，所在类别的满分按比例折算，本周期即不缺此项（可以定稿）。

    \b
    Example:
      pdca score na 市财政局/2024 tasks --reason 本年度无重点任务
      pdca score na 省财政厅/2017 mr_democratic_life --reason 本年度按规定不召开
    """
    app = obj.app()
    position = app.mark_not_applicable(obj.acting, address, target, reason)
    kind = "item"
    if obj.json:
        rules = app.scheme_of(app.get_cycle(address)).rules
        kind = "component" if rules.component(target) is not None else "item"
    data = {"cycle": address, "position": position, kind: target}
    answer(obj.json, data, f"已认定 #{position}：{target} 不适用")

from __future__ import annotations

import click

from pdca_cli._attach import attach_option, noted
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer


@click.group()
def score() -> None:
    """指标得分：记录、认定组成部分或指标不适用。"""


@score.command("record", context_settings={"ignore_unknown_options": True})
@click.argument("address", metavar="CYCLE")
@click.argument("item")
@click.argument("value", metavar="VALUE")
@click.option("--evidence", required=True, help="依据（查阅的资料、核查结果）。")
@attach_option
@json_option
@pass_cli
def record(
    obj: CliContext, address: str, item: str, value: str, evidence: str, attach: tuple[str, ...]
) -> None:
    """记录一个指标的值（督查阶段；处理阶段只能补记尚未记录的指标）。ITEM 为指标 ID 或名称（见 pdca scheme show）；有采分点的指标逐个记录采分点，写成 指标.采分点（或采分点自己的 ID、名称）。VALUE 按指标规则：直接计分为分数，按次扣分为次数，按档扣分为百分比，按意见计分为意见（如 较好）。

    \b
    示例:
      pdca score record 省财政厅/2017 bs_party_lecture 4 --evidence "党课记录 4 次"
      pdca score record 省财政厅/2017 mr_lists.branches 1 --evidence "支部责任清单齐全"
      pdca score record 化工公司/2024 secretary_report 较好 --evidence "述职评议会意见"
    """
    position = obj.app().record_score(obj.acting, address, item, value, evidence, attach)
    item = obj.acting.named.get("item", item)  # a label names its id
    data = {"cycle": address, "position": position, "item": item, "value": value}
    answer(obj.json, data, noted(f"已记录 #{position}：{item} = {value}", attach))


@score.command("na")
@click.argument("address", metavar="CYCLE")
@click.argument("target", metavar="COMPONENT|ITEM")
@click.option("--reason", required=True, help="不适用的理由。")
@json_option
@pass_cli
def not_applicable(obj: CliContext, address: str, target: str, reason: str) -> None:
    """认定一个组成部分或指标（ID 或名称）对本单位不适用：组成部分不计入，其余权重按比例归一；指标不计入类别满分。

    指标认定不适用后，所在类别的满分按比例折算，本周期即不缺此项（可以定稿）。

    \b
    示例:
      pdca score na 市财政局/2024 tasks --reason 本年度无重点任务
      pdca score na 省财政厅/2017 mr_democratic_life --reason 本年度按规定不召开
    """
    position = obj.app().mark_not_applicable(obj.acting, address, target, reason)
    # What was declared, by its id (a label names it): a component or a catalogue item.
    named = obj.acting.named
    kind = "component" if "component" in named else "item"
    target = named.get(kind, target)
    data = {"cycle": address, "position": position, kind: target}
    answer(obj.json, data, f"已认定 #{position}：{target} 不适用")

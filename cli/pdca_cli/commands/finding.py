from __future__ import annotations

import click

from pdca_cli._attach import attach_option, noted
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer
from pdca_cli._parse import parse_date, parse_decimal


@click.group()
def finding() -> None:
    """督查发现（记入秋后算账台账）。"""


@finding.command("record")
@click.argument("address", metavar="CYCLE")
@click.option("--source", required=True, help="来源：暗访、督查、调研、互检（以方案为准）。")
@click.option(
    "--indicator",
    required=True,
    help="台账指标的 ID 或名称，如 discipline 或 纪律性（见 pdca scheme show）。",
)
@click.option("--points", required=True, help="分值，扣分为负，如 -2。")
@click.option(
    "--observed-on",
    "observed_on",
    required=True,
    help="发现日期 YYYY-MM-DD（与记录时间分开保存）。",
)
@click.option("--evidence", required=True, help="证据。")
@attach_option
@json_option
@pass_cli
def record(
    obj: CliContext,
    address: str,
    source: str,
    indicator: str,
    points: str,
    observed_on: str,
    evidence: str,
    attach: tuple[str, ...],
) -> None:
    """记录一条日常抽查发现：何时发现、何来源、何指标、几分、何证据。年底处理阶段“秋后算账”。

    \b
    示例:
      pdca finding record 市财政局/2024 --source 暗访 --indicator discipline \\
          --points -2 --observed-on 2024-05-12 --evidence "工作时间网购、打游戏"
      pdca finding record 市财政局/2024 --source 督查 --indicator 参与度 \\
          --points -1 --observed-on 2024-06-03 --evidence "缺席主题党日"
    """
    position = obj.app().record_finding(
        obj.acting,
        address,
        source,
        indicator,
        parse_decimal(points, "分值"),
        parse_date(observed_on, "发现日期"),
        evidence,
        attach,
    )
    indicator = obj.acting.named.get("indicator", indicator)  # a label names its id
    data = {"cycle": address, "position": position, "indicator": indicator, "points": points}
    line = f"已记录发现 #{position}：{source} {indicator} {points}（发现于 {observed_on}）"
    answer(obj.json, data, noted(line, attach))

from __future__ import annotations

import click

from pdca_cli._attach import attach_option, noted
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer


@click.group()
def veto() -> None:
    """一票否决。"""


@veto.command()
@click.argument("address", metavar="CYCLE")
@click.option("--rule", required=True, help="方案中的否决规则 ID 或名称（见 pdca scheme show）。")
@click.option("--reason", required=True, help="决定理由。")
@click.option("--evidence", required=True, help="证据。")
@click.option(
    "--observed-on",
    "observed_on",
    help="所依据事实发生或查实的日期（YYYY-MM-DD，默认今天）。",
)
@attach_option
@json_option
@pass_cli
def apply(
    obj: CliContext,
    address: str,
    rule: str,
    reason: str,
    evidence: str,
    observed_on: str | None,
    attach: tuple[str, ...],
) -> None:
    """实施一票否决：记录谁决定、理由、证据与查实日期；等次被强制或封顶，分数照常显示。

    \b
    示例:
      pdca veto apply 某公司/2024 --rule serious_discipline --reason 班子成员严重违纪 --evidence 纪委通报2024-3号 --observed-on 2024-06-03
    """
    from pdca_cli._parse import parse_date

    observed = parse_date(observed_on, "查实日期") if observed_on else None
    position = obj.app().apply_veto(obj.acting, address, rule, reason, evidence, observed, attach)
    rule = obj.acting.named.get("veto", rule)  # a label names its id
    data = {"cycle": address, "position": position, "rule": rule}
    answer(obj.json, data, noted(f"已实施一票否决 #{position}：{rule}", attach))

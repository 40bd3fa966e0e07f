from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer


@click.group()
def appeal() -> None:
    """申诉与复核：对已发布的考核结果提出申诉，并记录复核决定。"""


@appeal.command()
@click.argument("address", metavar="CYCLE")
@click.option("--reason", required=True, help="申诉理由。")
@click.option("--evidence", required=True, help="依据。")
@json_option
@pass_cli
def lodge(obj: CliContext, address: str, reason: str, evidence: str) -> None:
    """单位对已发布的本单位得分提出申诉（单位填报员只能为本单位申诉）。

    \b
    示例:
      pdca appeal lodge 市财政局/2024 --reason 暗访记录的日期有误 --evidence 考勤表2024-05
    """
    data = obj.app().lodge_appeal(obj.acting, address, reason, evidence)
    answer(obj.json, data, f"#{data['position']}：已记录申诉")


@appeal.command()
@click.argument("address", metavar="CYCLE")
@click.option("--uphold/--dismiss", "upheld", required=True, help="支持或驳回申诉。")
@click.option("--reason", required=True, help="复核理由。")
@json_option
@pass_cli
def decide(obj: CliContext, address: str, upheld: bool, reason: str) -> None:
    """记录复核决定；支持的申诉随后以 pdca correct 更正、pdca round finalize --reason 重新定稿。

    \b
    示例:
      pdca appeal decide 市财政局/2024 --uphold --reason 经核实暗访日期记错
    """
    data = obj.app().decide_appeal(obj.acting, address, upheld, reason)
    if upheld:
        line = (
            f"#{data['position']}：申诉 #{data['appeal']} 复核支持；"
            f"请更正（pdca correct）后重新定稿（pdca round finalize --reason）"
        )
    else:
        line = f"#{data['position']}：申诉 #{data['appeal']} 复核驳回"
    answer(obj.json, data, line)

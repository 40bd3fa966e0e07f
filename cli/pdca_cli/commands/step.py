from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer


@click.group()
def step() -> None:
    """单位自己的步骤：自查自评、重点目标申报、述职报告（方案的 [[unit_steps]]）。"""


@step.command()
@click.argument("address", metavar="CYCLE")
@click.argument("name", metavar="STEP")
@click.option("--text", required=True, help="提交的内容（自查结论、申报的目标、报告标题）。")
@click.option("--evidence", required=True, help="依据（文件号、材料名）。")
@json_option
@pass_cli
def record(obj: CliContext, address: str, name: str, text: str, evidence: str) -> None:
    """单位提交本单位的一个步骤（单位填报员只能为本单位提交），须在方案规定的阶段。

    \b
    示例:
      pdca step record 市财政局/2024 key_targets --text 创新目标：机关党建+营商环境 --evidence 财党〔2024〕3号
    """
    data = obj.app().record_step(obj.acting, address, name, text, evidence)
    answer(obj.json, data, f"#{data['position']}：已提交单位步骤 {data['step']}")


@step.command()
@click.argument("address", metavar="CYCLE")
@click.argument("name", metavar="STEP")
@click.option("--approve/--reject", "approved", required=True, help="批准或不批准。")
@click.option("--reason", required=True, help="审核理由。")
@json_option
@pass_cli
def review(obj: CliContext, address: str, name: str, approved: bool, reason: str) -> None:
    """工委审核单位提交的需审核步骤（如南通的重点目标申报）；未批准的可重新提交。

    \b
    示例:
      pdca step review 市财政局/2024 key_targets --approve --reason 目标符合中心工作
    """
    data = obj.app().review_step(obj.acting, address, name, approved, reason)
    verdict = "批准" if approved else "不批准"
    answer(obj.json, data, f"#{data['position']}：单位步骤 {data['step']} 审核{verdict}")

from __future__ import annotations

import sys

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer

KINDS = ("units", "tasks", "scores", "findings", "rectifications", "ballots")


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("period")
@click.option("-o", "--output", required=True, help="输出的 .xlsx 文件（- 为标准输出）。")
@click.option(
    "--scheme", "scheme_ref", help="scores、ballots：按此方案的周期出表（本期只有一个方案时可省）。"
)
@json_option
@pass_cli
def template(obj: CliContext, kind: str, period: str, output: str, scheme_ref: str | None) -> None:
    """生成导入用的 Excel 模板：units 单位名册，tasks 月初清单（全部单位一张），scores 指标得分（每个类别一页，每单位一行，每个指标或采分点一列，表头写明 ID、名称、满分和规则，有取值范围和下拉列表校验），findings 督查发现，rectifications 整改交办，ballots 测评票。

    第 1 行为隐藏的列 ID，改动表头不影响导入。填好后用 pdca import 导入。

    \b
    示例:
      pdca template scores 2017 -o 2017得分表.xlsx
      pdca template tasks 2024 -o 2024月初清单.xlsx
    """
    from pdca.application.templates import template_of
    from pdca.reports.output import check_target, write_document
    from pdca.reports.sheet_templates import write_template

    check_target(output)
    spec = template_of(obj.app(), kind, period, scheme_ref)
    write_document(output, lambda binary: write_template(spec, binary), sys.stdout.buffer)
    rows = sum(len(s.rows) for s in spec.sheets)
    data = {
        "kind": kind,
        "period": spec.period,
        "scheme": spec.scheme or None,
        "output": output,
        "sheets": [s.title for s in spec.sheets],
        "rows": rows,
    }
    answer(
        obj.json,
        data,
        f"已生成模板 {output}：{len(spec.sheets)} 页，预填 {rows} 行"
        + (f"（方案 {spec.scheme}）" if spec.scheme else ""),
    )

from __future__ import annotations

import sys

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer

KINDS = ("units", "tasks", "scores", "findings", "rectifications", "ballots")


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="只校验并列出将记录的内容，不记录。")
@click.option("--amend", is_flag=True, help="与已记录值不同的行记为更正（须 --reason）。")
@click.option("--reason", default="", help="更正的理由（--amend 时必填）。")
@json_option
@pass_cli
def import_(obj: CliContext, kind: str, file: str, dry_run: bool, amend: bool, reason: str) -> None:
    """从 Excel（.xlsx）或 CSV（UTF-8、带 BOM 的 UTF-8、GB18030）批量导入，FILE 为 - 时读标准输入。整批校验、一次记录：有一处问题则整批不记录，并一并列出每处问题（工作表、行、列、允许的写法）。

    与已记录相同的行不再记录（计为“已记录”）；不同的行被拒绝，除非加 --amend（记为更正，须 --reason）。公式按 Excel 保存的计算结果读取；小数位数多于指标允许的被拒绝，不四舍五入。

    \b
    示例:
      pdca import scores 2017得分表.xlsx --dry-run
      pdca import scores 2017得分表.xlsx
      pdca import units 单位名册.csv
      pdca import scores 得分表.xlsx --amend --reason 复核更正
    """
    from pdca.application.sheet_files import read_sheets

    label, sheets = read_sheets(file, sys.stdin.buffer)
    outcome = obj.app().import_sheets(
        obj.acting, kind, label, sheets, dry_run=dry_run, amend=amend, reason=reason
    )
    data = {
        "kind": kind,
        "dry_run": dry_run,
        "rows": outcome.rows,
        "recorded": len(outcome.recorded),
        "already": outcome.already,
        "amended": outcome.amended,
        "events": outcome.recorded,
    }
    verb = "将记录" if dry_run else "记录"
    head = (
        f"{'（试运行，未记录）' if dry_run else ''}{label}：{outcome.rows} 行，"
        f"{verb} {len(outcome.recorded)} 条"
        + (f"（其中更正 {outcome.amended} 条）" if outcome.amended else "")
        + f"；已记录 {outcome.already} 项（与记录相同，不再记录）"
    )
    lines = [head, *(f"  {line}" for line in outcome.recorded)] if dry_run else [head]
    answer(obj.json, data, "\n".join(lines))

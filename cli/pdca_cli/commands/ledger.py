from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json, emit_table


@click.command()
@click.argument("period", required=False)
@click.option("--unit", help="只列此单位。")
@json_option
@pass_cli
def ledger(obj: CliContext, period: str | None, unit: str | None) -> None:
    """秋后算账台账：每条发现的发现日期、来源、指标、分值、记录人，以及是否、何时已在处理阶段算账。

    \b
    Example:
      pdca ledger 2024 --unit 市财政局
    """
    rows = obj.app().ledger_of(period, unit)
    if obj.json:
        from pdca.reports.tables import ledger_row

        emit_json([ledger_row(r) for r in rows])
        return
    emit_table(
        ["周期", "事件", "发现日期", "来源", "指标", "分值", "状态", "记录人", "已算账", "证据"],
        [
            [
                r["cycle"],
                f"#{r['position']}",
                r["observed_on"],
                r["source"],
                r["indicator"],
                r["points"],
                r["status"],
                r["actor"],
                str(r["applied_at"])[:10] if r["applied_at"] else "否",
                r["evidence"],
            ]
            for r in rows
        ],
    )

from __future__ import annotations

import click

from pdca_cli._columns import Column, emit, with_keys
from pdca_cli._context import CliContext, json_option, pass_cli

#: What the table shows of a ledger export row; the JSON has the whole row.
SHOWN = (
    Column("cycle", "周期"),
    Column("position", "事件", show=lambda p: f"#{p}"),
    Column("observed_on", "发现日期"),
    Column("source", "来源"),
    Column("indicator", "指标"),
    Column("points", "分值"),
    Column("status", "状态"),
    Column("actor", "记录人"),
    Column("applied_at", "已算账", show=lambda at: str(at)[:10] if at else "否"),
    Column("evidence", "证据"),
)


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
    from pdca.reports.tables import LEDGER_COLUMNS, ledger_row

    findings = with_keys([c.key for c in LEDGER_COLUMNS], SHOWN)
    emit(findings, [ledger_row(r) for r in obj.app().ledger_of(period, unit)], obj.json)

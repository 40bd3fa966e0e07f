from __future__ import annotations

import click

from pdca.application import labels
from pdca_cli._columns import Column, flagged_records, moment, show_table, summary_with_flag
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json

ENTRIES = (
    Column("position", "序号"),
    Column("type", None),
    Column("recorded_at", "记录时间", show=moment),
    Column("actor", "操作人"),
    Column(None, "类型", get=lambda e: labels.event_type(e.type)),
    Column("summary", "摘要", get=summary_with_flag),
)


@click.command()
@click.argument("address", metavar="CYCLE")
@json_option
@pass_cli
def history(obj: CliContext, address: str) -> None:
    """一个周期的全部事件：序号、记录时间、操作人、类型、摘要。

    \b
    示例:
      pdca history 市财政局/2024
    """
    entries = obj.app().history(address)
    if obj.json:
        emit_json(flagged_records(ENTRIES, entries))
    else:
        show_table(ENTRIES, entries)

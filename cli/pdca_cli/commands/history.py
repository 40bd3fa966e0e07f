from __future__ import annotations

import click

from pdca.application import labels
from pdca_cli._columns import Column, emit, moment
from pdca_cli._context import CliContext, json_option, pass_cli

ENTRIES = (
    Column("position", "序号"),
    Column("type", None),
    Column("recorded_at", "记录时间", show=moment),
    # Anonymous ballots and their spent tokens name nobody (issue 13): 不记名, not a blank.
    Column("actor", "操作人", show=lambda actor: actor or "不记名"),
    Column(None, "类型", get=lambda e: labels.event_type(e.type)),
    Column("summary", "摘要"),
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
    emit(ENTRIES, obj.app().history(address), obj.json)

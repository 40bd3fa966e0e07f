from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json, emit_table


@click.command()
@click.argument("address", metavar="CYCLE")
@json_option
@pass_cli
def history(obj: CliContext, address: str) -> None:
    """一个周期的全部事件：序号、记录时间、操作人、类型、摘要。

    \b
    Example:
      pdca history 市财政局/2024
    """
    from pdca.rules.describe import type_label

    entries = obj.app().history(address)
    if obj.json:
        emit_json(
            [
                {
                    "position": e.position,
                    "type": e.type,
                    "recorded_at": e.recorded_at,
                    "actor": e.actor,
                    "summary": e.summary,
                }
                for e in entries
            ]
        )
        return
    emit_table(
        ["序号", "记录时间", "操作人", "类型", "摘要"],
        [
            [
                e.position,
                e.recorded_at[:19].replace("T", " "),
                e.actor,
                type_label(e.type),
                e.summary,
            ]
            for e in entries
        ],
    )

from __future__ import annotations

import click

from pdca.application import labels
from pdca_cli._columns import Column, flagged_records, moment, show_table, summary_with_flag
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json


def who(entry: object) -> str:
    """The person; 声明 when no account vouched for it; who entered it when not the
    person (张三（由 李四 代录）)."""
    person, principal = entry.actor, entry.principal  # type: ignore[attr-defined]
    if not person:
        # An anonymous ballot, or a token spent by one (issue 13): it names nobody here;
        # the login that recorded it (the clerk, the box's closer) is in --json.
        return "不记名"
    notes = ["声明"] if entry.assurance == "declared" else []  # type: ignore[attr-defined]
    if principal != person:
        notes.append(f"由 {principal} 代录")
    return f"{person}（{'，'.join(notes)}）" if notes else person


ENTRIES = (
    Column("position", "序号"),
    Column("type", None),
    Column("recorded_at", "记录时间", show=moment),
    Column("actor", None),
    Column("principal", None),
    Column("assurance", None),
    Column(None, "操作人", get=who),
    Column(None, "类型", get=lambda e: labels.event_type(e.type)),
    Column("summary", "摘要", get=summary_with_flag),
)


@click.command()
@click.argument("address", metavar="CYCLE")
@json_option
@pass_cli
def history(obj: CliContext, address: str) -> None:
    """一个周期的全部事件：序号、记录时间、操作人、类型、摘要（及附件）。

    操作人后注“声明”的，没有账户为其担保（未启用账户的数据库、较早的事件）；
    注“由 某某 代录”的，是该登录名代此人记录。

    \b
    示例:
      pdca history 市财政局/2024
    """
    entries = obj.app().history(address)
    if obj.json:
        found = flagged_records(ENTRIES, entries)
        for record, entry in zip(found, entries, strict=True):
            if entry.attachments:  # a history without attachments answers as before
                record["attachments"] = list(entry.attachments)
        emit_json(found)
    else:
        show_table(ENTRIES, entries)

from __future__ import annotations

import click

from pdca.application import labels
from pdca_cli._columns import Column, emit, records
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json

#: Exit code when tampering is found (README, exit codes).
TAMPERED = 8

HEADS = (
    Column("aggregate", None, get="label"),
    Column("id", None, get=lambda a: str(a.id)),
    Column("events", None),
    Column("digest", None, get="head_digest"),
)
#: One row per tampered position: (the aggregate's check, the tampering found).
PROBLEMS = (
    Column("aggregate", "聚合", get=lambda p: p[0].label),
    Column("id", None, get=lambda p: str(p[0].id)),
    Column("position", "位置", get=lambda p: p[1].position),
    Column("kind", None, get=lambda p: p[1].kind),
    Column("label", "篡改", get=lambda p: labels.tamper_kind(p[1].kind)),
    Column("detail", "说明", get=lambda p: p[1].detail),
)


@click.command()
@click.argument("address", metavar="[CYCLE]", required=False)
@click.option("--all", "everything", is_flag=True, help="校验库中全部事件（不给周期时即如此）。")
@json_option
@pass_cli
def verify(obj: CliContext, address: str | None, everything: bool) -> None:
    """校验历史是否被篡改：重算每个事件的链摘要，并与定稿时发布的摘要比对。只读。

    逐个聚合、逐个位置列出被修改、删除、调换位置或插入的事件；无篡改时退出码 0，
    发现篡改时退出码 8。

    \b
    Example:
      pdca verify 市财政局/2024
      pdca verify --all --json
    """
    if address and everything:
        raise click.UsageError("给出周期时不能再用 --all；二者选一")
    report = obj.app().verify_history(address)
    if obj.json:
        emit_json(
            {
                "clean": report.clean,
                "aggregates": len(report.aggregates),
                "events": report.events,
                "anchors": report.anchors,
                "heads": records(HEADS, report.aggregates),
                "problems": records(PROBLEMS, report.problems),
            }
        )
    else:
        scope = f"已校验 {len(report.aggregates)} 个聚合、{report.events} 个事件、{report.anchors} 个已发布摘要"
        if report.clean:
            click.echo(f"{scope}：未发现篡改")
        else:
            emit(
                PROBLEMS,
                report.problems,
                False,
                title=f"{scope}：发现 {len(report.problems)} 处篡改",
            )
    if not report.clean:
        click.get_current_context().exit(TAMPERED)

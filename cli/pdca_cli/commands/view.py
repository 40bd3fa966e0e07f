from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json, emit_table


@click.command()
@click.argument("name")
@click.option(
    "--where", "filters", multiple=True, metavar="列=值", help="只列此列等于此值的行；可重复。"
)
@click.option("--limit", type=click.IntRange(min=1), help="最多列出几行。")
@json_option
@pass_cli
def view(obj: CliContext, name: str, filters: tuple[str, ...], limit: int | None) -> None:
    """查看任一投影的表（先追上事件日志）。NAME 为表名，或只有一张表的投影名。

    \b
    Example:
      pdca view scores --where period=2024
      pdca view grid_ranking --where grid=第一片 --json
    """
    from pdca.projections.view import read

    table, rows = read(obj.app().projection_runtime(), name, list(filters), limit)
    if obj.json:
        emit_json(rows)
        return
    if not rows:
        click.echo(f"表 {table.name} 中没有符合条件的行")
        return
    columns = list(table.c)
    emit_table(
        [c.comment or c.name for c in columns],
        [["—" if r[c.name] is None else r[c.name] for c in columns] for r in rows],
    )

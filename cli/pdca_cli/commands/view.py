from __future__ import annotations

from typing import Any

import click

from pdca_cli._columns import Column, emit
from pdca_cli._context import CliContext, json_option, pass_cli


@click.command()
@click.argument("name")
@click.option(
    "--where", "filters", multiple=True, metavar="列=值", help="只列此列等于此值的行；可重复。"
)
@click.option("--limit", type=click.IntRange(min=1), help="最多列出几行。")
@json_option
@pass_cli
def view(obj: CliContext, name: str, filters: tuple[str, ...], limit: int | None) -> None:
    """查看任一投影的表（内置投影先追上事件日志）。NAME 为表名，或只有一张表的投影名。

    \b
    示例:
      pdca view scores --where period=2024
      pdca view grid_ranking --where grid=第一片 --json
    """
    from pdca.application import views

    found = views.read(obj.app(), name, list(filters), limit)
    if not found.rows and not obj.json:
        click.echo(f"表 {found.table} 中没有符合条件的行")
        return
    # Any projection's table: its columns are known only now, and say their own headers.
    listing = [Column(c, header, show=_dash) for c, header in found.columns]
    emit(listing, found.rows, obj.json)


def _dash(value: Any) -> Any:
    return "—" if value is None else value

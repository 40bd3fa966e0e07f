from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option
from pdca_cli._output import answer


@click.group()
def snapshots() -> None:
    """快照：长周期折叠后的状态缓存（由 pdca init 建表；没有它一切照常，只是更慢）。"""


@snapshots.command()
@json_option
@click.pass_context
def drop(ctx: click.Context) -> None:
    """删除全部快照（管理员）。周期随后从事件重新加载，并在下次记录时重建快照。

    \b
    示例:
      pdca snapshots drop
    """
    obj = ctx.ensure_object(CliContext)

    def run() -> None:
        from pdca.application.cycle_loading import drop_snapshots

        dropped = drop_snapshots(obj.app(), obj.actor_option)
        answer(obj.json, {"dropped": dropped}, f"已删除 {dropped} 个快照")

    obj.run(ctx, run)

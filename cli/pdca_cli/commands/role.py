"""``pdca role``: which roles may run which writing command (the accounts that hold
them: ``pdca account``)."""

from __future__ import annotations

import click

from pdca_cli._columns import Column, show_table
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json


@click.group()
def role() -> None:
    """角色：各写命令由哪些角色执行（角色由账户持有：pdca account）。"""


@role.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出各写命令需要的角色，及数据库是否已启用账户。

    \b
    示例:
      pdca role list
    """
    from pdca.application import roles

    listed = obj.app().list_accounts()
    if obj.json:
        emit_json(
            {
                "open": listed["open"],
                "owner": listed["owner"],
                "commands": {c: list(r) for c, r in roles.PERMISSIONS.items()},
            }
        )
        return
    if listed["open"]:
        # The owner is named by ``account list`` (and the JSON): this answer is the same
        # whoever runs it.
        click.echo(
            "没有账户：人人可执行所有命令（记为声明）。"
            "由数据库的所有者建立第一个账户：pdca account add（所有者见 pdca account list）"
        )
    else:
        click.echo(f"已启用账户（{len(listed['accounts'])} 个）：pdca account list 查看")
    # The JSON above keeps each command's role codes; people read the roles' names.
    who_may = (
        Column(None, "写命令", get=lambda p: p[0] if p[0] == roles.ACT_FOR else f"pdca {p[0]}"),
        Column(None, "可执行者", get=lambda p: "、".join(roles.LABELS[x] for x in p[1])),
    )
    click.echo("")
    show_table(who_may, roles.PERMISSIONS.items())

"""``pdca role``: who may write what in this workspace (``roles.toml``)."""

from __future__ import annotations

import click

from pdca_cli._columns import Column, records, show_table
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer, emit_json

GRANTS = (
    Column("actor", "操作人"),
    Column("roles", None, get=lambda g: list(g.roles)),
    Column(None, "角色", get=lambda g: g.describe().split("，")[0]),
    Column("unit", "单位"),
)


@click.group()
def role() -> None:
    """角色：谁可以执行哪些写命令（工作区的 roles.toml；没有该文件时人人可写）。"""


@role.command("set")
@click.argument("actor")
@click.argument("roles_", metavar="ROLE...", nargs=-1, required=True)
@click.option("--unit", help="单位填报员（staff）所属单位：只能为本单位报告进度。")
@json_option
@pass_cli
def set_(obj: CliContext, actor: str, roles_: tuple[str, ...], unit: str | None) -> None:
    """给操作人指定角色（覆盖其原有角色）：supervisor、auditor、admin、staff。

    第一次使用时建立 roles.toml，其中必须有一名管理员（admin）。

    \b
    Example:
      pdca role set 张三 admin supervisor
      pdca role set 审计-赵六 auditor
      pdca role set 王五 staff --unit 市财政局
    """
    from pdca.application import roles

    current = roles.load(obj.workspace().root)
    grant = roles.make_grant(actor, roles_, unit)
    roles.save(current, {**(current.grants or {}), grant.actor: grant})
    data = {"actor": grant.actor, "roles": list(grant.roles), "unit": grant.unit}
    answer(obj.json, data, f"{grant.actor}：{grant.describe()}（{current.path}）")


@role.command()
@click.argument("actor")
@json_option
@pass_cli
def remove(obj: CliContext, actor: str) -> None:
    """取消操作人的全部角色。

    \b
    Example:
      pdca role remove 王五
    """
    from pdca.application import roles
    from pdca.errors import NotFound

    current = roles.load(obj.workspace().root)
    grant = current.grant(actor)
    if grant is None:
        raise NotFound(f"操作人 {actor.strip()} 没有角色；pdca role list 查看")
    roles.save(current, {a: g for a, g in (current.grants or {}).items() if a != grant.actor})
    data = {"actor": grant.actor, "removed": list(grant.roles)}
    answer(obj.json, data, f"已取消 {grant.actor} 的角色：{grant.describe()}")


@role.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出操作人及其角色，以及各写命令需要的角色。

    \b
    Example:
      pdca role list
    """
    from pdca.application import roles

    current = roles.load(obj.workspace().root)
    grants = sorted((current.grants or {}).values(), key=lambda g: g.actor)
    if obj.json:
        emit_json(
            {
                "open": current.open,
                "actors": records(GRANTS, grants),
                "commands": {c: list(r) for c, r in roles.PERMISSIONS.items()},
            }
        )
        return
    if current.open:
        click.echo(
            f"没有 {current.path.name}：人人可执行所有命令。建立：pdca role set 你的名字 admin"
        )
    else:
        show_table(GRANTS, grants)
    # The JSON above keeps each command's role codes; people read the roles' names.
    who_may = (
        Column(None, "写命令", get=lambda p: f"pdca {p[0]}"),
        Column(None, "可执行者", get=lambda p: "、".join(roles.LABELS[x] for x in p[1])),
    )
    click.echo("")
    show_table(who_may, roles.PERMISSIONS.items())

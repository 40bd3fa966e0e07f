from __future__ import annotations

import click

from pdca_cli._columns import Column, emit
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer

UNITS = (
    Column("unit", "单位", get="name"),
    Column("category", "类别"),
    Column("grid", "联系片"),
)


@click.group()
def unit() -> None:
    """被考核单位：登记与列出。"""


@unit.command()
@click.argument("name")
@click.option(
    "--category", required=True, help="单位类别，如 党政机关、中直单位、群团组织、企事业单位。"
)
@click.option("--grid", help="党建工作联系片（分片互评用）。")
@json_option
@pass_cli
def add(obj: CliContext, name: str, category: str, grid: str | None) -> None:
    """登记一个被考核单位。

    \b
    Example:
      pdca unit add 市财政局 --category 党政机关 --grid 第一片
    """
    u = obj.app().register_unit(obj.acting, name, category, grid)
    data = {"unit": u.name, "category": u.category, "grid": u.grid}
    answer(obj.json, data, f"已登记单位：{u.name}（{u.category}{'，' + u.grid if u.grid else ''}）")


@unit.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出已登记单位。

    \b
    Example:
      pdca unit list --json
    """
    emit(UNITS, obj.app().list_units(), obj.json)


@unit.command()
@click.argument("name")
@click.option("--category", help="更正后的单位类别。")
@click.option("--grid", help="更正后的联系片（空字符串表示不属任何片）。")
@click.option("--name", "new_name", help="新名称：旧名称仍可使用，并提示已更名。")
@click.option("--reason", required=True, help="更正理由（记入历史）。")
@json_option
@pass_cli
def edit(
    obj: CliContext,
    name: str,
    category: str | None,
    grid: str | None,
    new_name: str | None,
    reason: str,
) -> None:
    """更正单位的类别、联系片或名称（记为事件）。更名后旧名称仍指向该单位。

    \b
    Example:
      pdca unit edit 市财政局 --category 党政机关 --reason 登记时选错类别
      pdca unit edit 市财政局 --name 市财政局（市国资委） --reason 机构改革更名
    """
    u = obj.app().edit_unit(obj.acting, name, category, grid, new_name, reason)
    data = {"unit": u.name, "category": u.category, "grid": u.grid}
    answer(obj.json, data, f"已更正单位：{u.name}（{u.category}{'，' + u.grid if u.grid else ''}）")

"""``pdca account``: the database's accounts — logins, the persons they record, roles,
scopes, teams — recorded as events (whichever workspace folder points at it)."""

from __future__ import annotations

from typing import Any

import click

from pdca_cli._columns import Column, emit
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer

ROLE_CHOICE = click.Choice(["admin", "supervisor", "auditor", "staff", "service"])


def _roles_shown(a: dict[str, Any]) -> str:
    from pdca.application import roles

    return roles.describe(tuple(a["roles"]))


def _scope_shown(a: dict[str, Any]) -> str:
    return "、".join([*a["units"], *a["grids"], *(f"组:{t}" for t in a["teams"])]) or "全部"


ACCOUNTS = (
    Column("login", "登录名"),
    Column("person", "操作人"),
    Column("roles", None),
    Column(None, "角色", get=_roles_shown),
    Column("units", None),
    Column("grids", None),
    Column("teams", None),
    Column(None, "范围", get=_scope_shown),
    Column("enabled", None),
    Column("disabled_reason", None),
    Column(None, "状态", get=lambda a: "可用" if a["enabled"] else f"停用：{a['disabled_reason']}"),
)


def _summary(a: Any) -> dict[str, Any]:
    from pdca.application import roles

    return {
        "login": a.login,
        "person": a.person,
        "roles": [r for r in roles.LABELS if r in a.roles],
        "units": list(a.units),
        "grids": list(a.grids),
        "teams": list(a.teams),
        "enabled": a.enabled,
    }


def _said(a: Any) -> str:
    from pdca.application import roles

    scope = "、".join([*a.units, *a.grids, *(f"组:{t}" for t in a.teams)])
    state = "" if a.enabled else f"，已停用：{a.disabled}"
    return (
        f"{a.login}（{a.person}）：{roles.describe(a.roles)}"
        + (f"，范围：{scope}" if scope else "")
        + state
    )


@click.group()
def account() -> None:
    """账户：登录名、所记录的操作人、角色与范围（记为事件；没有账户时人人可写，记为声明）。"""


def _scope_options(f: Any) -> Any:
    f = click.option("--team", "teams", multiple=True, help="督查员的范围：督查组（可重复）。")(f)
    f = click.option("--grid", "grids", multiple=True, help="督查员的范围：联系片（可重复）。")(f)
    return click.option(
        "--unit", "units", multiple=True, help="单位填报员的单位；督查员的范围：单位（可重复）。"
    )(f)


@account.command()
@click.argument("login")
@click.option("--person", help="所记录的操作人姓名（默认与登录名相同）。")
@click.option(
    "--role", "granted", multiple=True, type=ROLE_CHOICE, required=True, help="角色（可重复）。"
)
@_scope_options
@json_option
@pass_cli
def add(
    obj: CliContext,
    login: str,
    person: str | None,
    granted: tuple[str, ...],
    units: tuple[str, ...],
    grids: tuple[str, ...],
    teams: tuple[str, ...],
) -> None:
    """建立账户：LOGIN 为其登录名（SQLite：操作系统用户名；PostgreSQL：数据库登录名）。

    数据库的第一个账户只能由所有者（pdca init 时的登录名）建立，所有者同时成为第一位管理员。

    \b
    示例:
      pdca account add zhangsan --person 督查组-张三 --role supervisor
      pdca account add wangwu --person 市财政局-王五 --role staff --unit 市财政局
      pdca account add zhaoliu --person 审计-赵六 --role auditor
    """
    app = obj.app()
    created = app.add_account(obj.acting, login, person, granted, units, grids, teams)
    answer(obj.json, _summary(created), f"已建立账户 {_said(created)}")


@account.command()
@click.argument("login")
@click.argument("granted", metavar="ROLE...", nargs=-1, required=True, type=ROLE_CHOICE)
@json_option
@pass_cli
def grant(obj: CliContext, login: str, granted: tuple[str, ...]) -> None:
    """给账户增加角色：admin、supervisor、auditor、staff、service（网页服务，pdca serve 的登录）。

    \b
    示例:
      pdca account grant zhangsan admin
    """
    changed = obj.app().grant_roles(obj.acting, login, granted)
    answer(obj.json, _summary(changed), _said(changed))


@account.command()
@click.argument("login")
@click.argument("revoked", metavar="ROLE...", nargs=-1, required=True, type=ROLE_CHOICE)
@json_option
@pass_cli
def revoke(obj: CliContext, login: str, revoked: tuple[str, ...]) -> None:
    """取消账户的角色（至少保留一名可用的管理员）。

    \b
    示例:
      pdca account revoke zhangsan admin
    """
    changed = obj.app().revoke_roles(obj.acting, login, revoked)
    answer(obj.json, _summary(changed), _said(changed))


@account.command()
@click.argument("login")
@_scope_options
@json_option
@pass_cli
def scope(
    obj: CliContext,
    login: str,
    units: tuple[str, ...],
    grids: tuple[str, ...],
    teams: tuple[str, ...],
) -> None:
    """设定账户的范围（替换原有范围；督查员不给范围即为全部单位）。

    \b
    示例:
      pdca account scope zhangsan --grid 第一片 --team 第二督查组
    """
    changed = obj.app().scope_account(obj.acting, login, units, grids, teams)
    answer(obj.json, _summary(changed), _said(changed))


@account.command()
@click.argument("login")
@click.option("--reason", required=True, help="理由。")
@json_option
@pass_cli
def disable(obj: CliContext, login: str, reason: str) -> None:
    """停用账户：从其下一条命令起拒绝。

    \b
    示例:
      pdca account disable zhangsan --reason 调离
    """
    changed = obj.app().disable_account(obj.acting, login, reason)
    answer(obj.json, _summary(changed), _said(changed))


@account.command()
@click.argument("login")
@json_option
@pass_cli
def enable(obj: CliContext, login: str) -> None:
    """恢复停用的账户。

    \b
    示例:
      pdca account enable zhangsan
    """
    changed = obj.app().enable_account(obj.acting, login)
    answer(obj.json, _summary(changed), _said(changed))


@account.command()
@click.argument("name")
@click.option("--unit", "units", multiple=True, help="组内单位（可重复）。")
@click.option("--grid", "grids", multiple=True, help="组内联系片（可重复）。")
@click.option(
    "--scheme",
    "scheme",
    default=None,
    metavar="方案",
    help="按方案 [[teams]] 中同名（id 或名称）的督查组定义：其联系片及所列类别的现有单位。",
)
@json_option
@pass_cli
def team(
    obj: CliContext,
    name: str,
    units: tuple[str, ...],
    grids: tuple[str, ...],
    scheme: str | None,
) -> None:
    """定义督查组（一组单位与联系片；再次定义即替换），供督查员的范围引用。

    \b
    示例:
      pdca account team 第二督查组 --grid 第二片 --unit 市财政局
      pdca account team group_01 --scheme gansu
    """
    defined = obj.app().define_team(obj.acting, name, units, grids, scheme)
    data = {"name": defined.name, "units": list(defined.units), "grids": list(defined.grids)}
    shown = "、".join([*defined.units, *defined.grids])
    answer(obj.json, data, f"督查组 {defined.name}：{shown}")


@account.command("import")
@json_option
@pass_cli
def import_(obj: CliContext) -> None:
    """把工作区的 roles.toml（旧版的角色文件）导入为账户事件，并改名为 roles.toml.imported。

    每项的登录名取其 login = "…"，没有则与操作人同名。导入之后改动或删除该文件不再有任何作用。

    \b
    示例:
      pdca account import
    """
    created, retired = obj.app().import_roles_file(obj.acting)
    data = {"accounts": [_summary(a) for a in created], "retired": retired}
    lines = [f"已导入 {len(created)} 个账户（原文件改名为 {retired}）"]
    lines += [f"  {_said(a)}" for a in created]
    answer(obj.json, data, "\n".join(lines))


@account.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出账户（登录名、操作人、角色、范围、状态）与督查组。

    \b
    示例:
      pdca account list
    """
    listed = obj.app().list_accounts()
    if obj.json:
        from pdca_cli._output import emit_json

        emit_json(listed)
        return
    if listed["open"]:
        owner = listed["owner"]
        first = (
            f"由所有者 {owner} 建立第一个账户：pdca account add"
            if owner
            else "数据库尚未记录所有者：由其所有者运行一次 pdca init，再建立第一个账户"
        )
        click.echo(f"没有账户：人人可执行所有命令（记为声明）。{first}")
        return
    emit(ACCOUNTS, listed["accounts"], False)
    for t in listed["teams"]:
        click.echo(f"督查组 {t['name']}：{'、'.join([*t['units'], *t['grids']])}")


@account.command()
@click.argument("login")
@json_option
@pass_cli
def password(obj: CliContext, login: str) -> None:
    """设置（或重设）账户的网页登录一次性密码：首次登录须修改；该账户已打开的网页会话随之结束，锁定解除。

    密码只显示这一次，不记入历史（存于凭据表）。

    \b
    示例:
      pdca account password wangwu
    """
    from pdca.application import logins

    secret = logins.reset_password(obj.app(), obj.acting, login)
    answer(
        obj.json,
        {"login": login, "password": secret, "must_change": True},
        f"{login} 的一次性密码：{secret}（首次登录须修改）",
    )

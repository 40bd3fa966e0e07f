from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option(
    "--time-zone",
    "time_zone",
    metavar="ZONE",
    help="数据库的时区（IANA 名称，如 Asia/Urumqi、UTC；默认 Asia/Shanghai）。"
    "不带时差的输入按它解读，显示的时间都用它；建库后不能更改。",
)
@click.option(
    "--print-sql",
    "print_sql",
    is_flag=True,
    help="只打印建立分组角色与授权的 SQL（供数据库管理员执行；仅 PostgreSQL），不做任何改动。",
)
@json_option
@pass_cli
def init(obj: CliContext, directory: str | None, time_zone: str | None, print_sql: bool) -> None:
    """建立工作区：配置、workflows/、projections/ 与数据库表。已有内容保持不变。

    设置了 PDCA_CIPHER_KEY 时，新数据库中的事件加密存放（之后每条命令都要同一密钥）。

    时区保存在数据库中（不在 pdca.toml）：任何目录、任何机器上的 --as-of 都得同一答案。

    PostgreSQL 上由数据库的所有者运行：事件表只可追加（对所有登录拒绝 UPDATE、DELETE、
    TRUNCATE），每行记下写入它的登录；并建立 writer、reader、admin、worker、service 五个分组角色。
    当前登录不能建立角色时，打印供数据库管理员执行的 SQL。其他登录运行时只建工作区目录。

    \b
    示例:
      pdca init 考核2024
      pdca init 考核2024 --time-zone Asia/Urumqi
      PDCA_DB=postgresql+psycopg://postgres@127.0.0.1:5432/pdca pdca init 考核2024
      PDCA_DB=postgresql+psycopg://pdca_owner@db:5432/pdca pdca init 考核2024 --print-sql
      PDCA_CIPHER_KEY=$(openssl rand -base64 32) pdca init 加密工作区
    """
    from pdca.application.initialising import initialise, roles_sql

    if print_sql:
        click.echo(
            roles_sql(Path(directory or obj.workspace_option or "."), obj.db_option), nl=False
        )
        return

    done = initialise(Path(directory or obj.workspace_option or "."), obj.db_option, time_zone)
    obj._app = done.app  # closed with the command
    workspace = done.workspace
    schemes = workspace.schemes()
    refs = [s.ref for s in schemes]
    encrypted = done.key_variable is not None
    lines = [
        f"工作区已就绪：{workspace.root}",
        f"数据库：{workspace.database.describe()}",
        f"时区：{done.time_zone}",
        f"所有者：{done.owner}（只有所有者可建立第一个账户：pdca account add）",
    ]
    if encrypted:
        lines.append(f"事件加密：开启（AES-GCM，密钥取自 {done.key_variable}，请妥善保存）")
    lines.append(f"方案（{len(schemes)} 个）：{'、'.join(refs) or '（无）'}")
    data = {
        "workspace": str(workspace.root),
        "database": workspace.database.describe(),
        "schemes": refs,
        "encrypted": encrypted,
        "time_zone": done.time_zone,
        "owner": done.owner,
    }
    if done.joined_owner is not None or done.safeguards is not None:
        data.update(_postgresql(done, lines))  # SQLite's answer is as it was
    answer(obj.json, data, "\n".join(lines))


def _postgresql(done: Any, lines: list[str]) -> dict[str, Any]:
    """What init says of a PostgreSQL database's safeguards (and adds to ``lines``)."""
    if done.joined_owner is not None:
        lines.append(f"数据库由 {done.joined_owner} 初始化；本工作区只连接它，数据库未作改动")
        return {"joined_owner": done.joined_owner}
    guards = done.safeguards
    lines.append(
        "事件表：只可追加（UPDATE、DELETE、TRUNCATE 一律拒绝），每行记下写入它的数据库登录"
    )
    if guards.roles_ready:
        lines.append("分组角色：" + "、".join(guards.roles.values()))
    else:
        lines.append(
            "分组角色：当前登录不能建立角色；请数据库管理员执行下列 SQL"
            "（也可用 pdca init --print-sql 再次打印）："
        )
        lines.append(guards.sql_for_dba.rstrip("\n"))
    return {
        "group_roles": guards.roles,
        "group_roles_ready": guards.roles_ready,
        "sql_for_dba": guards.sql_for_dba,
    }

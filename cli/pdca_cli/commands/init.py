from __future__ import annotations

from pathlib import Path

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
@json_option
@pass_cli
def init(obj: CliContext, directory: str | None, time_zone: str | None) -> None:
    """建立工作区：配置、workflows/、projections/ 与数据库表。已有内容保持不变。

    设置了 PDCA_CIPHER_KEY 时，新数据库中的事件加密存放（之后每条命令都要同一密钥）。

    时区保存在数据库中（不在 pdca.toml）：任何目录、任何机器上的 --as-of 都得同一答案。

    \b
    示例:
      pdca init 考核2024
      pdca init 考核2024 --time-zone Asia/Urumqi
      PDCA_DB=postgresql+psycopg://postgres@127.0.0.1:5432/pdca pdca init 考核2024
      PDCA_CIPHER_KEY=$(openssl rand -base64 32) pdca init 加密工作区
    """
    from pdca.application.initialising import initialise

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
    answer(
        obj.json,
        {
            "workspace": str(workspace.root),
            "database": workspace.database.describe(),
            "schemes": refs,
            "encrypted": encrypted,
            "time_zone": done.time_zone,
            "owner": done.owner,
        },
        "\n".join(lines),
    )

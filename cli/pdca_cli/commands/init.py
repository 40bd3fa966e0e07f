from __future__ import annotations

from pathlib import Path

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@json_option
@pass_cli
def init(obj: CliContext, directory: str | None) -> None:
    """建立工作区：配置、workflows/、projections/ 与数据库表。已有内容保持不变。

    设置了 PDCA_CIPHER_KEY 时，新数据库中的事件加密存放（之后每条命令都要同一密钥）。

    \b
    Example:
      pdca init 考核2024
      PDCA_DB=postgresql+psycopg://postgres@127.0.0.1:5432/pdca pdca init 考核2024
      PDCA_CIPHER_KEY=$(openssl rand -base64 32) pdca init 加密工作区
    """
    from pdca.application.initialising import initialise

    done = initialise(Path(directory or obj.workspace_option or "."), obj.db_option)
    obj._app = done.app  # closed with the command
    workspace = done.workspace
    schemes = workspace.schemes()
    refs = [s.ref for s in schemes]
    encrypted = done.key_variable is not None
    lines = [f"工作区已就绪：{workspace.root}", f"数据库：{workspace.database.describe()}"]
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
        },
        "\n".join(lines),
    )

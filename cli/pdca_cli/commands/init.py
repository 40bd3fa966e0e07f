from __future__ import annotations

from pathlib import Path

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json


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
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import create_workspace, planned_workspace
    from pdca.storage import meta

    root = Path(directory or obj.workspace_option or ".")
    # A database that cannot be reached or is not ours refuses before any file is written.
    planned = planned_workspace(root, obj.db_option)
    if planned.database_exists():
        PdcaApplication(planned, initialised=False).close()
    workspace = create_workspace(root, obj.db_option)
    app = PdcaApplication(workspace, create_tables=True)
    obj._app = app  # closed with the command
    meta.initialise(app.marker, app.mapper.cipher, app.recorder.max_notification_id() or 0)
    app.projection_runtime().create_tables(include_workspace=True)
    schemes = workspace.schemes()
    if obj.json:
        emit_json(
            {
                "workspace": str(workspace.root),
                "database": workspace.database.describe(),
                "schemes": [s.ref for s in schemes],
                "encrypted": app.mapper.cipher is not None,
            }
        )
        return
    click.echo(f"工作区已就绪：{workspace.root}")
    click.echo(f"数据库：{workspace.database.describe()}")
    if app.mapper.cipher is not None:
        click.echo(f"事件加密：开启（AES-GCM，密钥取自 {meta.KEY_VARIABLE}，请妥善保存）")
    click.echo(f"方案（{len(schemes)} 个）：{'、'.join(s.ref for s in schemes) or '（无）'}")

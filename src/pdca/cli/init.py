from __future__ import annotations

from pathlib import Path

import click

from pdca.cli._context import CliContext, json_option, pass_cli
from pdca.cli._output import emit_json


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@json_option
@pass_cli
def init(obj: CliContext, directory: str | None) -> None:
    """建立工作区：配置、workflows/、projections/ 与数据库表。已有内容保持不变。

    \b
    Example:
      pdca init 考核2024
      PDCA_DB=postgresql+psycopg://postgres@127.0.0.1:5432/pdca pdca init 考核2024
    """
    from pdca.application import PdcaApplication
    from pdca.workspace import create_workspace

    root = Path(directory or obj.workspace_option or ".")
    workspace = create_workspace(root, obj.db_option)
    app = PdcaApplication(workspace, create_tables=True)
    obj._app = app  # closed with the command
    app.projection_runtime().create_tables()
    schemes = workspace.schemes()
    if obj.json:
        emit_json(
            {
                "workspace": str(workspace.root),
                "database": workspace.database.describe(),
                "schemes": [s.ref for s in schemes],
            }
        )
        return
    click.echo(f"工作区已就绪：{workspace.root}")
    click.echo(f"数据库：{workspace.database.describe()}")
    click.echo(f"方案（{len(schemes)} 个）：{'、'.join(s.ref for s in schemes) or '（无）'}")

"""What every command shares: the workspace, the actor, the output mode."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pdca.application import PdcaApplication
    from pdca.workspace import Workspace


@dataclass
class CliContext:
    workspace_option: str | None = None
    db_option: str | None = None
    actor_option: str | None = None
    json: bool = False
    _app: Any = field(default=None, repr=False)

    @property
    def actor(self) -> str:
        return (self.actor_option or getpass.getuser()).strip()

    def workspace(self) -> Workspace:
        from pdca.workspace import open_workspace

        return open_workspace(self.workspace_option, self.db_option)

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None

    def app(self) -> PdcaApplication:
        if self._app is None:
            from pdca.application import PdcaApplication

            workspace = self.workspace()
            database = workspace.database
            if database.kind == "sqlite" and not (
                database.sqlite_path and database.sqlite_path.exists()
            ):
                from pdca.errors import StorageError

                raise StorageError(
                    f"数据库文件 {database.sqlite_path} 不存在；先运行：pdca init {workspace.root}"
                )
            self._app = PdcaApplication(workspace)
        return self._app


pass_cli = click.make_pass_decorator(CliContext, ensure=True)


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(CliContext).json = True


json_option = click.option(
    "--json",
    "json_output",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_json,
    help="以 JSON 输出（供脚本使用）。",
)

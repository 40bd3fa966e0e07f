"""What every command shares: the workspace, the actor, the output mode — and, for
the commands that write, the role check and the request id (``CliContext.run``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import update_wrapper
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from datetime import date

    from pdca.application.acting import Acting
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import Workspace


@dataclass
class CliContext:
    workspace_option: str | None = None
    db_option: str | None = None
    actor_option: str | None = None
    json: bool = False
    request_id: str | None = None
    # A long-running command (``projections run --follow``) keeps a PostgreSQL pool.
    pooled: bool = False
    _app: Any = field(default=None, repr=False)
    _workspace: Any = field(default=None, repr=False)
    _acting: Any = field(default=None, repr=False)

    def workspace(self) -> Workspace:
        if self._workspace is None:
            from pdca.application.workspace import open_workspace

            self._workspace = open_workspace(self.workspace_option, self.db_option)
        return self._workspace

    def workspace_root(self) -> Path | None:
        """The workspace's folder when there is one (for the error log), else ``None``."""
        if self._workspace is not None:
            return self._workspace.root
        return find_workspace_root(self.workspace_option)

    def database_description(self) -> str | None:
        """The database's URL without its password, once the workspace is known."""
        if self._workspace is None:
            return None
        try:
            return self._workspace.database.describe()
        except Exception:  # an unusable URL is refused on its own; here it is only a name
            return None

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None

    def app(self) -> PdcaApplication:
        if self._app is None:
            from pdca.application.service import PdcaApplication

            workspace = self.workspace()
            database = workspace.database
            if database.kind == "sqlite" and not (
                database.sqlite_path and database.sqlite_path.exists()
            ):
                from pdca.errors import StorageError

                raise StorageError(
                    f"数据库文件 {database.sqlite_path} 不存在；先运行：pdca init {workspace.root}"
                )
            self._app = PdcaApplication(workspace, pooled=self.pooled)
            self._app.on_notice = lambda line: click.echo(line, err=True)
        return self._app

    def run(self, ctx: click.Context, call: Callable[[], Any]) -> Any:
        """Run a command: a writing one as an acting context the application checks first
        (so a refused actor learns it before any file is read), and under its request id
        at most once (a repeat prints the first answer and records nothing)."""
        result = self._run(ctx, call)
        if self._app is not None:
            # Beside the answer, never in it: stdout and --json keep their shape.
            self._app.tell_view_notices()
        return result

    def _run(self, ctx: click.Context, call: Callable[[], Any]) -> Any:
        from pdca.application import roles

        command = command_name(ctx)
        if command in roles.READS or command in roles.SETUP:
            return call()
        from pdca.application.identity import acting as acting_of

        app = self.app()
        # Who connected is the database's to say (the OS user, the PostgreSQL login);
        # --actor / PDCA_ACTOR only names on whose behalf (checked by permit).
        acting = self._acting = acting_of(
            app, self.actor_option, command, request_id=self.request_id
        )
        app.permit(acting, command)
        if self.request_id is None or not roles.records_events(command):
            return call()
        from pdca.application import request_ids

        params = {**ctx.params, "--json": self.json}
        acting.request_digest = request_ids.request_digest(command, acting.person, params)
        found = request_ids.previous(app, acting)
        if found is None:
            import contextlib
            import io

            captured = io.StringIO()
            try:
                with contextlib.redirect_stdout(captured):
                    result = call()
            except request_ids.RequestSeen:
                found = request_ids.previous(app, acting)
            else:
                click.echo(captured.getvalue(), nl=False)
                request_ids.keep_answer(app, acting, captured.getvalue())
                return result
        click.echo(request_ids.replay_text(app, found), nl=False)
        return None

    @property
    def acting(self) -> Acting:
        """The running writing command's acting context (built by ``run``)."""
        if self._acting is None:  # pragma: no cover - every writing command runs through run
            raise RuntimeError("no writing command is running")
        return self._acting

    def acting_on(self, day: date) -> Acting:
        """The acting context of a command that acts on a given day (``--today``)."""
        self.acting.today = day
        return self.acting


def find_workspace_root(explicit: str | None) -> Path | None:
    """The workspace folder ``explicit``, ``PDCA_WORKSPACE`` or the current directory
    belongs to, or ``None`` (used only to find where to keep an error log)."""
    import os

    from pdca.application.workspace import find_root

    try:
        return find_root(explicit or os.environ.get("PDCA_WORKSPACE") or None)
    except Exception:
        return None


def command_name(ctx: click.Context) -> str:
    """``finding record`` for ``pdca finding record …``: the key of ``roles.PERMISSIONS``."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def pass_cli(f: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the ``CliContext`` to a command, and run the command through its checks."""

    def new_func(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        obj = ctx.ensure_object(CliContext)
        return obj.run(ctx, lambda: ctx.invoke(f, obj, *args, **kwargs))

    return update_wrapper(new_func, f)


def _set_request_id(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    value = value.strip()
    if not value or len(value) > 200 or not value.isprintable():
        raise click.BadParameter("请求号须为 1–200 个可打印字符，如 UUID")
    ctx.ensure_object(CliContext).request_id = value


def add_request_option(path: str, command: click.Command) -> click.Command:
    """Give every command that records events (``roles.records_events``) ``--request-id``."""
    from pdca.application import roles

    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            add_request_option(f"{path} {name}", sub)
    elif roles.records_events(path) and not any(p.name == "request_id" for p in command.params):
        command.params.append(
            click.Option(
                ["--request-id"],
                expose_value=False,
                callback=_set_request_id,
                help="请求号：重试（如网络错误后）时用同一请求号，不会重复记录，答复与第一次相同。",
            )
        )
    return command


def keep_a_pool(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    """An option's callback: given, the command runs for long, as a server does, and
    keeps a connection pool on PostgreSQL (``--follow``)."""
    if value:
        ctx.ensure_object(CliContext).pooled = True
    return value


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

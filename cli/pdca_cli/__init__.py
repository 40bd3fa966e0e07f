"""The ``pdca`` command line: parse, call the application, render. No domain rule here.

Sub-command modules are imported only when their command runs, so a supervisor's
``pdca cycle advance`` does not pay for SQLAlchemy or the demo.
"""

from __future__ import annotations

import errno
import importlib
import sys
from typing import TYPE_CHECKING, Any

import click

from pdca_cli import _words

_words.install()  # before any command is declared: decorators ask for click's words

from pdca.errors import PdcaError  # noqa: E402
from pdca_cli._context import CliContext, add_request_option, json_option  # noqa: E402

if TYPE_CHECKING:
    from pdca_cli._crash import InternalError

_COMMANDS = {
    "init": "pdca_cli.commands.init:init",
    "anchor": "pdca_cli.commands.anchor:anchor",
    "scheme": "pdca_cli.commands.scheme:scheme",
    "unit": "pdca_cli.commands.unit:unit",
    "cycle": "pdca_cli.commands.cycle:cycle",
    "task": "pdca_cli.commands.task:task",
    "history": "pdca_cli.commands.history:history",
    "demo": "pdca_cli.commands.demo:demo",
    "finding": "pdca_cli.commands.finding:finding",
    "score": "pdca_cli.commands.score:score",
    "ballot": "pdca_cli.commands.ballot:ballot",
    "veto": "pdca_cli.commands.veto:veto",
    "step": "pdca_cli.commands.step:step",
    "appeal": "pdca_cli.commands.appeal:appeal",
    "correct": "pdca_cli.commands.correct:correct",
    "round": "pdca_cli.commands.round:round_",
    "explain": "pdca_cli.commands.explain:explain",
    "ranking": "pdca_cli.commands.ranking:ranking",
    "ledger": "pdca_cli.commands.ledger:ledger",
    "rectify": "pdca_cli.commands.rectify:rectify",
    "verify": "pdca_cli.commands.verify:verify",
    "evidence": "pdca_cli.commands.evidence:evidence",
    "projections": "pdca_cli.commands.projections:projections",
    "view": "pdca_cli.commands.view:view",
    "export": "pdca_cli.commands.export:export",
    "report": "pdca_cli.commands.report:report",
    "board": "pdca_cli.commands.board:board",
    "role": "pdca_cli.commands.role:role",
    "account": "pdca_cli.commands.account:account",
    "snapshots": "pdca_cli.commands.snapshots:snapshots",
    "template": "pdca_cli.commands.template:template",
    "import": "pdca_cli.commands.import_:import_",
    "serve": "pdca_cli.commands.serve:serve",
}


class Refused(click.ClickException):
    """A domain refusal, printed as one ``错误：…`` line with the error's exit code.

    Under ``--json`` the one line on stderr is a JSON object instead, so a script reads
    a refusal as it reads an answer: ``{"error": message, "exit_code": n, …details}``
    (e.g. ``round finalize``'s ``incomplete``: what each cycle lacks)."""

    def __init__(self, error: PdcaError | InternalError, as_json: bool = False) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code
        self.as_json = as_json
        self.details = dict(getattr(error, "details", {}) or {})

    def show(self, file: Any = None) -> None:
        if not self.as_json:
            super().show(file)
            return
        import json

        data = {"error": self.format_message(), "exit_code": self.exit_code, **self.details}
        click.echo(json.dumps(data, ensure_ascii=False), file=file, err=file is None)


def _wants_json(ctx: click.Context | None) -> bool:
    return ctx is not None and isinstance(ctx.obj, CliContext) and ctx.obj.json


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module, _, attr = self.lazy[name].partition(":")
            command = getattr(importlib.import_module(module), attr)
            return _words.localise(add_request_option(name, command))
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, EOFError):
            raise
        except Exception as exc:
            raise _answer(exc, ctx.find_object(CliContext), _wants_json(ctx)) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # What escapes ``invoke`` — closing the database after the command, say — is
        # answered the same way: never a traceback.
        try:
            return super().main(*args, **kwargs)
        except Exception as exc:
            if not kwargs.get("standalone_mode", True):
                raise
            answer = _answer(exc, None, "--json" in sys.argv[1:])
            answer.show()
            sys.exit(answer.exit_code)


def _answer(exc: Exception, obj: CliContext | None, as_json: bool) -> Refused:
    """A refusal for a known failure (exit 1–7); for anything else, one line naming the log
    file that keeps the traceback (exit 9). Under ``--json`` either is a JSON line."""
    from pdca.application.failures import refusal

    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        raise exc  # click's own: the reader of our output went away
    known = refusal(exc, obj.database_description() if obj is not None else None)
    if known is not None:
        return Refused(known, as_json)
    from pdca_cli._crash import report

    root = obj.workspace_root() if obj is not None else _workspace_root()
    return Refused(report(exc, root), as_json)


def _workspace_root() -> Any:
    from pdca_cli._context import find_workspace_root

    return find_workspace_root(None)


@click.group(cls=LazyGroup, lazy=_COMMANDS)
@click.option(
    "--workspace",
    "-w",
    envvar="PDCA_WORKSPACE",
    help="工作区目录（默认：当前目录或其上级中含 pdca.toml 者）。",
)
@click.option(
    "--db",
    envvar="PDCA_DB",
    help="数据库地址，覆盖工作区配置（sqlite:///… 或 postgresql+psycopg://…）。",
)
@click.option(
    "--actor",
    envvar="PDCA_ACTOR",
    help="代谁记录：操作人记入每个事件；默认为本人。建立账户后，代他人记录须有代录权限（督查员），两人都记入。",
)
@json_option
@click.version_option(package_name="pdca")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, db: str | None, actor: str | None) -> None:
    """pdca：机关党建绩效考核 PDCA 闭环（计划—执行—督查—处理）的事件溯源工作流引擎。

    \b
    示例:
      pdca init 考核2024 && cd 考核2024
      pdca unit add 市财政局 --category 党政机关 --grid 第一片
      pdca cycle open 市财政局 2024 --scheme jilin
      pdca cycle advance 市财政局/2024 start_do
    """
    obj = ctx.ensure_object(CliContext)
    ctx.call_on_close(obj.close)
    obj.workspace_option = workspace
    obj.db_option = db
    obj.actor_option = actor


_words.localise(cli)


def main() -> None:
    try:
        cli(prog_name="pdca")
    except SystemExit as done:
        from pdca_cli._exit import leave

        leave(done)

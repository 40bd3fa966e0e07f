"""Every command explains itself with an example."""

from __future__ import annotations

import click
from click.testing import CliRunner
from pdca_cli import cli


def _commands(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, ctx, (*prefix, name))


def test_every_command_has_help_with_an_example() -> None:
    ctx = click.Context(cli)
    found = list(_commands(cli, ctx))
    assert len(found) >= 14
    for path, command in found:
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        if not isinstance(command, click.Group):
            assert "示例:" in result.output, f"pdca {' '.join(path)} has no example (示例:)"

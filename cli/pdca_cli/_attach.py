"""``--attach FILE``, the one option every command recording evidence shares."""

from __future__ import annotations

import click

attach_option = click.option(
    "--attach",
    "attach",
    multiple=True,
    metavar="FILE",
    help="附件（可多次给出）：按内容识别类型与大小上限（见 pdca.toml [attachments]），"
    "其摘要、文件名、大小与类型记入事件。",
)


def noted(line: str, attach: tuple[str, ...]) -> str:
    """A command's answer, saying how many files it attached (none: as before)."""
    return f"{line}（附件 {len(attach)} 个）" if attach else line

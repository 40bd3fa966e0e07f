"""The last resort: an exception nobody expected becomes one line and a log file.

A user never sees a traceback. The traceback goes to ``pdca-error-YYYYMMDD.log`` in
the workspace (appended, one entry per failure), or — when there is no workspace or
it cannot be written — to a new file in the system's temporary folder; the line names
the file, so it can be sent to whoever maintains pdca. The exit code is
``INTERNAL_ERROR_EXIT`` (9), which no refusal uses: a script can tell a bug from a
refused command.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from pdca.errors import INTERNAL_ERROR_EXIT

_PASSWORD = re.compile(r"(://[^:/@\s]*):[^@\s]*@")


class InternalError(Exception):
    """What the user is told of a bug: one line (printed like a refusal), exit 9."""

    exit_code = INTERNAL_ERROR_EXIT


def report(exc: BaseException, workspace_root: Path | None) -> InternalError:
    """Keep the traceback in a log file and say, in one line, where it is."""
    entry = _entry(exc)
    path = _write(entry, workspace_root)
    text = str(exc).strip()
    what = type(exc).__name__ + (f": {text.splitlines()[0][:200]}" if text else "")
    if path is None:
        kept = "详细记录无法写入（工作区与临时目录都不可写）"
    else:
        kept = f"详细记录已写入 {path}，请把该文件交给维护者"
    return InternalError(f"pdca 内部错误（{what}），不是操作问题；{kept}")


def _entry(exc: BaseException) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("pdca")
    except PackageNotFoundError:
        release = "?"
    argv = " ".join(_PASSWORD.sub(r"\1:***@", a) for a in _without_ballots(sys.argv[1:]))
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [
        f"==== {stamp}  pdca {release}  Python {sys.version.split()[0]}",
        f"命令：pdca {argv}",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip(),
        "",
    ]
    return "\n".join(lines) + "\n"


def _without_ballots(args: list[str]) -> list[str]:
    """A ballot's token and marks never reach a log file: side by side they would tell
    whose slip carried which marks. (A ballot file's name is kept; its rows are not read.)"""
    if "ballot" not in args:
        return args
    kept, hide_next = [], False
    for arg in args:
        if hide_next:
            kept.append("***")
            hide_next = False
        elif arg == "--token":
            kept.append(arg)
            hide_next = True
        elif arg.startswith("--token="):
            kept.append("--token=***")
        elif "=" in arg and not arg.startswith("-"):
            kept.append("***")  # ITEM=POINTS
        else:
            kept.append(arg)
    return kept


def _write(entry: str, workspace_root: Path | None) -> Path | None:
    name = f"pdca-error-{datetime.now():%Y%m%d}"
    if workspace_root is not None:
        path = workspace_root / f"{name}.log"
        try:
            # Never through a link someone left in the workspace; readable by its owner only.
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(path, flags, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(entry)
            return path
        except OSError:
            pass
    try:
        # A new file of our own: a shared temporary folder may hold anyone's files.
        fd, temp = tempfile.mkstemp(prefix=f"{name}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(entry)
        return Path(temp)
    except OSError:
        return None

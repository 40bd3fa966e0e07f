"""Where a document goes: ``-`` is standard output; any other name must be a regular
file or a name not yet taken.

A file is written beside its target and renamed over it, so a failed export leaves no
half file. Because a rename replaces whatever the name held, the target is looked at
first (without following it):

* a directory, a device (``/dev/full``), a FIFO or a socket is refused: renaming over
  it would replace a device node or a pipe by a regular file;
* a symbolic link is refused, naming where it points: writing "through" it would
  overwrite a file the user never named, and replacing it would silently cut the
  link. (Symbolic links among the *folders* of the path are followed as usual.)
* an existing regular file is replaced and keeps its permission bits; a new file gets
  the usual ``0666`` less the umask, as any other program's output would.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from pdca.application.failures import cannot_write_file
from pdca.errors import RuleViolation, StorageError

STDOUT = "-"

_KINDS = (
    (stat.S_ISDIR, "目录"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISFIFO, "命名管道（FIFO）"),
    (stat.S_ISSOCK, "套接字"),
)


def write_document(target: str, write: Callable[[BinaryIO], None], stdout: BinaryIO) -> None:
    """Write a document with ``write`` to ``target`` (``-``: ``stdout``)."""
    if target == STDOUT:
        _write_stdout(write, stdout)
        return
    path = Path(target)
    mode = _replaceable_mode(target)
    temp = _temp_beside(path)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
    except OSError as exc:
        raise cannot_write_file(target, exc) from None
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise cannot_write_file(target, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def check_target(target: str) -> None:
    """Refuse a target ``write_document`` would refuse, before a long build."""
    if target != STDOUT:
        _replaceable_mode(target)


def _replaceable_mode(target: str) -> int | None:
    """Refuse a target that is not a regular file; the permission bits of one that is
    (``None``: a new file)."""
    path = Path(target)
    if target.endswith(("/", os.sep)):
        raise RuleViolation(
            f"输出 {target} 是目录；请给出文件名，例如 {target.rstrip('/')}/结果.xlsx"
        )
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise StorageError(f"无法写入 {target}：目录 {path.parent} 不存在") from None
        return None
    except OSError as exc:
        raise cannot_write_file(target, exc) from None
    if stat.S_ISLNK(found.st_mode):
        raise RuleViolation(
            f"输出 {target} 是符号链接（指向 {os.readlink(path)}）；导出不跟随符号链接，"
            "请直接给出要写的文件路径"
        )
    for test, kind in _KINDS:
        if test(found.st_mode):
            raise RuleViolation(
                f"输出 {target} 是{kind}，不是普通文件；导出只写普通文件（写到标准输出用 -o -）"
            )
    return found.st_mode & 0o777


def _temp_beside(path: Path) -> Path:
    import secrets

    # Short and hidden: the target's own name may already be at the length limit.
    return path.parent / f".pdca-{secrets.token_hex(6)}.part"


def _write_stdout(write: Callable[[BinaryIO], None], stdout: BinaryIO) -> None:
    """Whole documents only (xlsx needs a seekable file to finish its zip): build it in
    memory, then write it. A reader that stops early (``| head``) is not an error."""
    import io

    buffer = io.BytesIO()
    write(buffer)
    try:
        stdout.write(buffer.getvalue())
        stdout.flush()
    except BrokenPipeError:
        import contextlib

        # Point the descriptor at /dev/null, or Python's own flush at exit complains.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stdout.fileno())

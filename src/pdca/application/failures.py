"""What went wrong underneath a command, said as a refusal a user can act on.

A database file that is not one, a read-only file system, a login without write
rights, a full disk: none of these is a bug, and none should reach the user as a
traceback. ``refusal`` turns such an exception — from the event store's driver, from
SQLAlchemy, from the file system — into a ``StorageError`` (exit 6) that names the
file or database and what to do; anything it does not recognise stays a bug
(``None``), for the front end's last-resort handler.
"""

from __future__ import annotations

import errno

from pdca.errors import PdcaError, StorageError
from pdca.storage.failures import database_refusal, first_line, is_database_error

_OS_REASONS = {
    errno.EROFS: "文件系统只读",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.ENOENT: "不存在",
    errno.EISDIR: "是目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EIO: "读写出错（磁盘故障？）",
}


def refusal(exc: BaseException, database: str | None = None) -> PdcaError | None:
    """The refusal ``exc`` means, or ``None`` when it is not a known outside failure.

    ``database`` describes the database (``Database.describe()``) for the message."""
    if isinstance(exc, PdcaError):
        return exc
    if is_database_error(exc):
        return database_refusal(exc, database or "数据库")
    if isinstance(exc, OSError) and exc.errno != errno.EPIPE:
        return _file_refusal(exc)
    return None


def cannot_write_file(path: object, exc: OSError) -> StorageError:
    """A file the user asked for (``-o``) could not be written: where, and why in Chinese."""
    return StorageError(f"无法写入 {path}：{os_reason(exc)}（{exc.strerror or exc}）")


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or first_line(exc)


def _file_refusal(exc: OSError) -> StorageError:
    reason = os_reason(exc)
    name = exc.filename if exc.filename is not None else ""
    target = f" {name}" if name else ""
    return StorageError(f"无法读写文件{target}：{reason}（{exc.strerror or exc}）")

"""What went wrong underneath a command, said as a refusal a user can act on.

A database file that is not one, a read-only file system, a login without write
rights, a full disk: none of these is a bug, and none should reach the user as a
traceback. ``refusal`` turns such an exception — from the event store's driver, from
SQLAlchemy, from the file system — into a ``StorageError`` (exit 6) that names the
file or database and what to do; anything it does not recognise stays a bug
(``None``), for the front end's last-resort handler.

Exception classes are matched by the modules that define them, so this module
imports no database driver: a driver's exception can only exist once it is loaded.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator

from pdca.errors import PdcaError, StorageError

#: PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_NO_PRIVILEGE = "42501"
_READ_ONLY_TRANSACTION = "25006"
_UNDEFINED_TABLE = "42P01"
_UNDEFINED_SCHEMA = "3F000"
_DISK_FULL = "53100"

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
    where = database or "数据库"
    if _is_database_error(exc):
        return _database_refusal(exc, where)
    if isinstance(exc, OSError) and exc.errno != errno.EPIPE:
        return _file_refusal(exc)
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError
        current = (
            orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
        )


def _defined_in(exc: BaseException, *roots: str) -> bool:
    return any(
        cls.__module__.split(".")[0] in roots for cls in type(exc).__mro__ if cls is not object
    )


def _is_database_error(exc: BaseException) -> bool:
    if _defined_in(exc, "psycopg", "psycopg_pool"):
        return True
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        return True
    persistence = sys.modules.get("eventsourcing.persistence")
    if persistence is not None and isinstance(exc, persistence.PersistenceError):
        return True
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    return sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.DBAPIError)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _database_refusal(exc: BaseException, where: str) -> StorageError:
    # The driver's own error, deepest first; not an unrelated error it was raised while
    # handling (the library's pool raises from inside ``except IndexError``).
    chain = [e for e in _chain(exc) if _is_database_error(e)] or [exc]
    innermost = chain[-1]
    text = first_line(innermost)
    where = where.removeprefix("sqlite:///")
    lowered = " ".join(first_line(e) for e in chain).lower()
    state = next((e.sqlstate for e in chain if getattr(e, "sqlstate", None)), "")
    unchanged = "本次未做任何改动"
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(
            f"数据库文件 {where} 已损坏，无法读取（{text}）；请从备份恢复该文件，{unchanged}"
        )
    if state == _READ_ONLY_TRANSACTION or "readonly database" in lowered:
        return StorageError(
            f"数据库 {where} 只读（{text}）：查看类命令照常可用，本命令需要写入；"
            f"请用有写权限的账户或可写的位置运行，{unchanged}"
        )
    if state == _NO_PRIVILEGE or "permission denied" in lowered:
        return StorageError(
            f"当前数据库登录对 {where} 没有所需的权限（{text}）：查看类命令照常可用，"
            f"写入需要有写权限的登录，{unchanged}"
        )
    if state in (_UNDEFINED_TABLE, _UNDEFINED_SCHEMA) or "no such table" in lowered:
        return StorageError(f"数据库未初始化（{text}）；先运行：pdca init")
    if "unable to open database file" in lowered:
        return StorageError(
            f"无法打开数据库文件 {where}（{text}）；检查该文件及其所在目录的权限，{unchanged}"
        )
    if state == _DISK_FULL or "disk is full" in lowered or "disk i/o error" in lowered:
        return StorageError(f"数据库 {where} 无法写入：磁盘已满或读写出错（{text}），{unchanged}")
    if "database is locked" in lowered:
        return StorageError(f"数据库 {where} 正被其他进程锁住（{text}）；请稍后重试，{unchanged}")
    return StorageError(f"数据库不可用：{text}")


def _file_refusal(exc: OSError) -> StorageError:
    reason = _OS_REASONS.get(exc.errno or 0) or exc.strerror or first_line(exc)
    name = exc.filename if exc.filename is not None else ""
    target = f" {name}" if name else ""
    return StorageError(f"无法读写文件{target}：{reason}（{exc.strerror or exc}）")

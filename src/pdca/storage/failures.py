"""Database failures in a user's words: what the driver said, what to do about it.

Exception classes are matched by the modules that define them, so this module
imports no database driver: a driver's exception can only exist once it is loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from pdca.errors import StorageError

#: PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_NO_PRIVILEGE = "42501"
_READ_ONLY_TRANSACTION = "25006"
_UNDEFINED_TABLE = "42P01"
_UNDEFINED_SCHEMA = "3F000"
_DISK_FULL = "53100"


def is_database_error(exc: BaseException) -> bool:
    """Raised by a database driver, the event store's recorders or SQLAlchemy."""
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


def cannot_write(exc: BaseException) -> bool:
    """The database refused a write because this connection may only read: a read-only
    SQLite file or file system, a PostgreSQL login without UPDATE rights, a standby."""
    if not is_database_error(exc):
        return False
    state, lowered = _sqlstate(exc), _texts(exc).lower()
    return (
        state in (_NO_PRIVILEGE, _READ_ONLY_TRANSACTION)
        or "readonly database" in lowered
        or "read-only" in lowered
        or "permission denied" in lowered
    )


def is_missing_table(exc: BaseException) -> bool:
    lowered = _texts(exc).lower()
    return _sqlstate(exc) == _UNDEFINED_TABLE or "no such table" in lowered


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


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _sqlstate(exc: BaseException) -> str:
    return next((e.sqlstate for e in _chain(exc) if getattr(e, "sqlstate", None)), "")


def _texts(exc: BaseException) -> str:
    return " ".join(first_line(e) for e in _chain(exc))


def database_refusal(exc: BaseException, where: str) -> StorageError:
    """The refusal a database error means; ``where`` names the database."""
    # The driver's own error, deepest first; not an unrelated error it was raised while
    # handling (the library's pool raises from inside ``except IndexError``).
    chain = [e for e in _chain(exc) if is_database_error(e)] or [exc]
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

"""A workspace's ``roles.toml`` of earlier versions, read once to be imported.

Roles used to live in this ordinary file, which anyone able to edit the folder could
change or delete, and which a second folder on the same database did not have. It is
now read only by ``pdca account import``, turned into account events, and renamed
``roles.toml.imported``: after that, editing or deleting either file changes nothing.

The file named each actor's roles (and a staff member's unit); it named no logins. An
entry may say ``login = "zhangsan"`` before the import; without it the account's login
is the actor's name (whoever connects under that name then acts as that person).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pdca.application.roles import FILE_NAME
from pdca.errors import RuleViolation, StorageError

RETIRED_SUFFIX = ".imported"


@dataclass(frozen=True)
class Entry:
    login: str
    person: str
    roles: tuple[str, ...]
    unit: str | None


@dataclass(frozen=True)
class RolesFile:
    path: Path
    digest: str
    entries: tuple[Entry, ...]


def pending(root: Path) -> Path | None:
    """The workspace's roles file when it is still to be imported."""
    path = root / FILE_NAME
    return path if path.is_file() else None


def read(path: Path) -> RolesFile:
    from pdca.application import roles
    from pdca.domain import names

    try:
        data = path.read_bytes()
    except OSError as exc:
        from pdca.application.failures import os_reason

        raise StorageError(
            f"角色文件 {path} 无法读取：{os_reason(exc)}（{exc.strerror}）"
        ) from None
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StorageError(f"角色文件 {path} 不是有效的 TOML：{exc}") from None
    entries = []
    for actor, entry in (table.get("actors") or {}).items():
        try:
            if not isinstance(entry, dict):
                raise RuleViolation("每个操作人是一个表（[actors.名字]）")
            person = names.check_name(actor, names.ACTOR)
            login = names.check_name(str(entry.get("login") or person), names.ACTOR)
            held = tuple(r for r in roles.LABELS if r in (entry.get("roles") or []))
            unit = entry.get("unit")
            unit = names.check_name(str(unit), names.UNIT) if unit else None
            roles.check_roles(tuple(entry.get("roles") or []), (unit,) if unit else ())
        except RuleViolation as exc:
            raise StorageError(f"角色文件 {path} 中 [actors.{actor}] 有误：{exc}") from None
        entries.append(Entry(login, person, held, unit))
    return RolesFile(path, hashlib.sha256(data).hexdigest(), tuple(entries))


def retire(path: Path) -> Path:
    """Rename the imported file, so nobody takes it for the roles in force."""
    retired = path.with_name(path.name + RETIRED_SUFFIX)
    try:
        path.replace(retired)
    except OSError as exc:
        from pdca.application.failures import os_reason

        raise StorageError(
            f"角色文件 {path} 已导入，但无法改名为 {retired.name}：{os_reason(exc)}；请手动改名"
        ) from None
    return retired

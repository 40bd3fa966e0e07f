"""Who may write what: the one table of commands and roles, and the workspace's
``roles.toml`` that gives actors their roles.

Without ``roles.toml`` the workspace is open: every actor may run every command (a
single user's workspace, and how every workspace starts). With it, each writing
command is checked against ``PERMISSIONS`` before it reads or writes anything.
Reading is not governed here: whoever reaches the database can read it, so roles
say who may *write*. Auditors write nothing; unit staff (单位填报员) report
progress, and only on their own unit.

This module is on the path of every writing command: standard library only.
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path
from typing import NamedTuple

from pdca.errors import NotPermitted, RuleViolation, StorageError, one_of

FILE_NAME = "roles.toml"

SUPERVISOR, AUDITOR, ADMIN, STAFF = "supervisor", "auditor", "admin", "staff"
LABELS = {
    SUPERVISOR: "督查员",
    AUDITOR: "审计员",
    ADMIN: "管理员",
    STAFF: "单位填报员",
}

_SUPERVISORS = (SUPERVISOR,)
_REPORTERS = (SUPERVISOR, STAFF)  # staff: their own unit only (checked on what is saved)

#: Every writing command and the roles that may run it. Admins keep the workspace
#: (units, roles); supervisors record the assessment. Keeping the two apart is the
#: separation of duties an audited score needs; give one actor both roles if needed.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "unit add": (ADMIN, SUPERVISOR),
    "unit edit": (ADMIN, SUPERVISOR),
    "cycle open": _SUPERVISORS,
    "cycle advance": _SUPERVISORS,
    "cycle void": _SUPERVISORS,
    "task add": _SUPERVISORS,
    "task publish": _SUPERVISORS,
    "task report": _REPORTERS,
    "task complete": _SUPERVISORS,
    "finding record": _SUPERVISORS,
    "score record": _SUPERVISORS,
    "score na": _SUPERVISORS,
    "ballot issue": _SUPERVISORS,
    "ballot cast": _SUPERVISORS,
    "ballot import": _SUPERVISORS,
    "veto apply": _SUPERVISORS,
    "correct withdraw": _SUPERVISORS,
    "correct amend": _SUPERVISORS,
    "round open": _SUPERVISORS,
    "round finalize": _SUPERVISORS,
    "rectify order": _SUPERVISORS,
    "rectify report": _REPORTERS,
    "rectify submit": _REPORTERS,
    "rectify verify": _SUPERVISORS,
    "rectify extend": _SUPERVISORS,
    "rectify sweep": _SUPERVISORS,
    "role set": (ADMIN,),
    "role remove": (ADMIN,),
    "projections rebuild": (ADMIN,),
    "projections run": (ADMIN,),
    "projections new": (ADMIN,),
    "anchor": (ADMIN, SUPERVISOR),
}

#: Writing commands that change the workspace's files and views, not its history: they
#: record no event, so they take no ``--request-id`` (doing one twice is harmless).
OUTSIDE_HISTORY = frozenset(
    {"role set", "role remove", "projections rebuild", "projections run", "projections new"}
)

#: Commands that write nothing: open to every actor.
READS = frozenset(
    {
        "scheme list",
        "scheme show",
        "scheme validate",
        "unit list",
        "cycle status",
        "cycle list",
        "round list",
        "round show",
        "task list",
        "history",
        "explain",
        "ranking",
        "ledger",
        "rectify list",
        "rectify show",
        "rectify bulletin",
        "role list",
        "projections list",
        "projections status",
        "projections events",
        "view",
        "export",  # writes a file of the reader's own, not the workspace's
        "report",
        "board",
        "verify",  # the history's tamper check (issue 6, part A): auditors must run it
    }
)

#: Commands that make a workspace rather than act in one: ``init`` only creates what is
#: missing (it is how a workspace, and so its roles file, comes to exist) and ``demo``
#: writes a new workspace of its own. ``anchor keygen`` and ``anchor sign`` are the key
#: holder's, who works on files away from the database and may hold no pdca role.
SETUP = frozenset({"init", "demo", "anchor keygen", "anchor sign"})


def records_events(command: str) -> bool:
    """Does this command append to the history (and so take ``--request-id``)?"""
    return command in PERMISSIONS and command not in OUTSIDE_HISTORY


def _name(actor: str) -> str:
    return unicodedata.normalize("NFC", actor).strip()


class Grant(NamedTuple):
    actor: str
    roles: tuple[str, ...]
    unit: str | None = None

    def describe(self) -> str:
        labels = "、".join(LABELS[r] for r in self.roles)
        return f"{labels}，{self.unit}" if self.unit else labels


class Roles(NamedTuple):
    """The roles file of a workspace; ``grants is None`` when there is none (open)."""

    path: Path
    grants: dict[str, Grant] | None

    @property
    def open(self) -> bool:
        return self.grants is None

    def grant(self, actor: str) -> Grant | None:
        return None if self.grants is None else self.grants.get(_name(actor))

    def permit(self, actor: str, command: str) -> str | None:
        """Refuse unless ``actor`` may run ``command``. Returns the one unit the command
        is limited to (the actor may run it only as that unit's staff), else None."""
        if self.grants is None or command in READS or command in SETUP:
            return None
        # A command missing from every table (a new one nobody classified) is refused to
        # all but admins: an unknown command must not become a hole in the audit trail.
        allowed = PERMISSIONS.get(command, (ADMIN,))
        grant = self.grant(actor)
        held = grant.roles if grant else ()
        if any(r in allowed for r in held if r != STAFF):
            return None
        if STAFF in held and STAFF in allowed and grant is not None:
            return grant.unit
        who = f"（{grant.describe()}）" if grant else f"（未在 {FILE_NAME} 中登记角色）"
        raise NotPermitted(
            f"操作人 {_name(actor)}{who}无权执行 pdca {command}；"
            f"可执行者：{one_of(LABELS[r] for r in allowed)}（角色见 {self.path}）"
        )


def check_unit(actor: str, command: str, limit: str, units: list[str]) -> None:
    """Unit staff write to their own unit only: every unit the command touches is it."""
    others = sorted({u for u in units if _name(u) != _name(limit)})
    if others:
        raise NotPermitted(
            f"操作人 {_name(actor)}（{LABELS[STAFF]}，{limit}）只能为本单位填报；"
            f"pdca {command} 涉及 {one_of(others)}，未记录"
        )


def load(root: Path) -> Roles:
    path = root / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Roles(path, None)
    except OSError as exc:
        from pdca.application.failures import os_reason

        raise StorageError(
            f"角色文件 {path} 无法读取：{os_reason(exc)}（{exc.strerror}）"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StorageError(f"角色文件 {path} 不是有效的 TOML：{exc}") from None
    grants = {}
    for actor, entry in (data.get("actors") or {}).items():
        try:
            grant = make_grant(actor, entry.get("roles", []), entry.get("unit"))
        except (RuleViolation, AttributeError) as exc:
            raise StorageError(f"角色文件 {path} 中 [actors.{actor}] 有误：{exc}") from None
        grants[grant.actor] = grant
    return Roles(path, grants)


def make_grant(actor: str, roles: list[str] | tuple[str, ...], unit: str | None) -> Grant:
    actor = _name(actor)
    unknown = [r for r in roles if r not in LABELS]
    if not actor or not roles or unknown:
        raise RuleViolation(
            f"操作人与角色不能为空，角色只能是：{one_of(f'{k}（{v}）' for k, v in LABELS.items())}"
        )
    if AUDITOR in roles and len(set(roles)) > 1:
        raise RuleViolation("审计员只读不写，不能兼任其他角色")
    if (STAFF in roles) != bool(unit and unit.strip()):
        raise RuleViolation("单位填报员（staff）必须且只有它需要指定所属单位（--unit）")
    ordered = tuple(r for r in LABELS if r in roles)
    from pdca.domain import names

    actor = names.check_name(actor, names.ACTOR)
    return Grant(actor, ordered, names.check_name(unit, names.UNIT) if unit else None)


def save(roles: Roles, grants: dict[str, Grant]) -> None:
    """Write the roles file; a file without an admin would lock everyone out of it."""
    import json

    if not any(ADMIN in g.roles for g in grants.values()):
        raise RuleViolation(
            f"{FILE_NAME} 中至少要有一名管理员；先指定：pdca role set 你的名字 admin"
        )
    lines = [
        "# pdca 角色 (roles): 谁可以执行哪些写命令。删除本文件 = 人人可写（单人工作区）。",
        "# roles: supervisor（督查员）、auditor（审计员，只读）、admin（管理员）、",
        "#        staff（单位填报员，须写 unit，只能为本单位报告进度）",
        "",
    ]
    for g in sorted(grants.values(), key=lambda g: g.actor):
        lines.append(f"[actors.{json.dumps(g.actor, ensure_ascii=False)}]")
        lines.append(f"roles = [{', '.join(json.dumps(r) for r in g.roles)}]")
        if g.unit:
            lines.append(f"unit = {json.dumps(g.unit, ensure_ascii=False)}")
        lines.append("")
    try:
        roles.path.write_text("\n".join(lines), encoding="utf-8")
    except OSError as exc:
        from pdca.application.failures import os_reason

        raise StorageError(
            f"角色文件 {roles.path} 无法写入：{os_reason(exc)}（{exc.strerror}）"
        ) from None

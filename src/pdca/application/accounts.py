"""Accounts and roles as events: who may connect, as whom, and write what.

A database without accounts is open (a single person's workspace): every command is
allowed and every actor recorded as declared. Only the database's owner (the login
that ran ``pdca init``) may create the first account, and doing so makes the owner
its first admin; there is no "whoever sets a role first". Once an account exists:

- the principal (who connected) must be an enabled account's login, else refused;
- ``--actor X`` means "on behalf of X": allowed only to an account holding ``act for``
  (supervisors entering paper forms), X must be an enabled account's person, and both
  must be allowed the command (entering for someone widens neither's rights);
- staff, and supervisors given a scope, write only within it (``scopes``).

The roster is read again by every command, so a change (a role revoked, an account
disabled) is effective on the next command.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pdca.application import roles
from pdca.application.acting import AUTHENTICATED, DECLARED, Acting, writes
from pdca.domain import names
from pdca.domain.account import ACCOUNTS_ID, Account, Accounts
from pdca.errors import Conflict, NotFound, NotPermitted, RuleViolation, one_of

#: Commands the owner may run on a database without accounts (they found the roster).
FOUNDING = frozenset({"account add", "account import", "account team"})


def roster(app: Any) -> Accounts | None:
    """The database's accounts; None while it has none (one read by id)."""
    from eventsourcing.application import AggregateNotFoundError

    try:
        return app.repository.get(ACCOUNTS_ID)
    except AggregateNotFoundError:
        return None


def permit(app: Any, acting: Acting, command: str) -> None:
    """The one permission check (``PdcaApplication.permit``): see the module's docstring.
    Notes the acting context's assurance and the limits its save is checked against."""
    found = roster(app)
    if found is None or not found.accounts:
        acting.assurance = DECLARED
        if command in FOUNDING:
            _require_owner(app, acting, command)
        else:
            _require_no_pending_file(app, command)
        return
    account = found.by_login(acting.principal)
    if account is None:
        raise NotPermitted(
            f"登录名 {acting.principal} 没有账户，本数据库只接受账户登录；"
            f"请管理员建立：pdca account add {acting.principal} --person 姓名 --role 角色"
        )
    if not account.enabled:
        raise NotPermitted(
            f"账户 {account.login}（{account.person}）已停用：{account.disabled}；"
            "请管理员恢复：pdca account enable"
        )
    acting.assurance = AUTHENTICATED
    limits = []
    if acting.person != account.person:
        person = found.by_person(acting.person)
        if not any(r in roles.PERMISSIONS[roles.ACT_FOR] for r in account.roles):
            allowed = one_of(roles.LABELS[r] for r in roles.PERMISSIONS[roles.ACT_FOR])
            raise NotPermitted(
                f"登录名 {account.login}（{account.person}，{roles.describe(account.roles)}）"
                f"无权代 {acting.person} 记录（--actor）；可代录者：{allowed}"
            )
        if person is None or not person.enabled:
            raise NotPermitted(
                f"操作人 {acting.person} 没有可用的账户，不能代其记录；pdca account list 查看账户"
            )
        limits.append(_limit(app, found, person, command))
    limits.append(_limit(app, found, account, command))
    acting.limits = tuple(limit for limit in limits if limit is not None)


def _require_owner(app: Any, acting: Acting, command: str) -> None:
    owner = app.owner
    if owner is None:
        raise NotPermitted(
            "数据库没有记录所有者（由较早版本初始化）；由数据库的所有者运行一次 pdca init 记录，"
            f"然后再 pdca {command}"
        )
    if acting.principal != owner:
        raise NotPermitted(
            f"只有数据库的所有者 {owner} 可以建立第一个账户（并成为第一位管理员）；"
            f"当前登录名 {acting.principal}"
        )


def _require_no_pending_file(app: Any, command: str) -> None:
    from pdca.application import roles_file

    if command in roles.OUTSIDE_HISTORY and command != roles.ACT_FOR:
        return  # rebuilding views writes no fact
    path = roles_file.pending(app.workspace.root)
    if path is not None:
        raise NotPermitted(
            f"工作区的 {path} 尚未导入为账户，写命令暂停（否则该文件所限的人人可写）；"
            f"由数据库所有者 {app.owner or '（未记录）'} 运行：pdca account import"
        )


def _limit(app: Any, found: Accounts, account: Account, command: str) -> Any:
    """Refuse unless ``account`` may run ``command``; the limit of its scope, if any."""
    from pdca.application.scopes import Limit

    allowed = roles.PERMISSIONS.get(command, (roles.ADMIN,))
    held = account.roles
    if roles.ADMIN in held and roles.ADMIN in allowed:
        return None
    if roles.SUPERVISOR in held and roles.SUPERVISOR in allowed:
        units, grids = _scope(found, account)
        if not (units or grids):
            return None
        named = [*account.units, *account.grids, *account.teams]
        return Limit(
            account.person,
            f"{roles.describe(held)}，范围：{one_of(named)}",
            frozenset(app.unit_key(u) for u in units),
            frozenset(grids),
        )
    if roles.STAFF in held and roles.STAFF in allowed and account.units:
        unit = account.units[0]
        return Limit(
            account.person,
            roles.describe(held, unit),
            frozenset({app.unit_key(unit)}),
            frozenset(),
            staff=True,
        )
    shown = roles.describe(
        held, account.units[0] if account.units and roles.STAFF in held else None
    )
    raise roles.refuse(account.person, shown, command)


def _scope(found: Accounts, account: Account) -> tuple[set[str], set[str]]:
    units, grids = set(account.units), set(account.grids)
    for name in account.teams:
        team = found.teams.get(name)
        if team is not None:
            units.update(team.units)
            grids.update(team.grids)
    if account.teams and not (units or grids):
        grids.add("\0")  # a scope of empty teams covers nothing, not everything
    return units, grids


class Accounting:
    """The account use cases (``pdca account …``); methods of the application."""

    def _roster_to_change(self: Any, acting: Acting) -> tuple[Accounts, bool]:
        """The roster, founded by the owner on a database without one (True: new)."""
        found = roster(self)
        if found is not None:
            return found, False
        return Accounts(owner=self.owner, actor=acting.person), True

    def _save_roster(self: Any, acting: Acting, found: Accounts, new: bool) -> None:
        if new:
            self._save_new(acting, found, "账户已由他人同时建立；请重新执行")
        else:
            self._save_changed(acting, found, "账户")

    def _owner_first(self: Any, acting: Acting, found: Accounts) -> None:
        """The first account makes the owner the first admin (its person: whom the owner
        acts as now)."""
        if found.accounts or found.by_login(found.owner):
            return
        found.create(login=found.owner, person=acting.person, actor=acting.person)
        found.grant(login=found.owner, role=roles.ADMIN, actor=acting.person)

    @writes("account add")
    def add_account(
        self: Any,
        acting: Acting,
        login: str,
        person: str | None,
        granted: Iterable[str],
        units: Iterable[str] = (),
        grids: Iterable[str] = (),
        teams: Iterable[str] = (),
    ) -> Account:
        found, new = self._roster_to_change(acting)
        login = names.check_name(login, names.LOGIN)
        person = names.check_name(person or login, names.ACTOR)
        granted = tuple(dict.fromkeys(granted))
        units, grids, teams = _scope_names(found, units, grids, teams)
        was_first = not found.accounts
        if was_first and login == found.owner:
            granted = (*granted, roles.ADMIN) if roles.ADMIN not in granted else granted
        else:
            self._owner_first(acting, found)
        if found.by_login(login) is not None:
            raise Conflict(f"登录名 {login} 已有账户；改角色用 pdca account grant/revoke")
        if found.by_person(person) is not None:
            raise Conflict(f"操作人 {person} 已有账户（{found.by_person(person).login}）")  # type: ignore[union-attr]
        if not granted:
            raise RuleViolation("至少指定一个角色（--role）")
        _check(granted, units, grids, teams)
        found.create(login=login, person=person, actor=acting.person)
        for role in granted:
            found.grant(login=login, role=role, actor=acting.person)
        if units or grids or teams:
            found.set_scope(login=login, units=units, grids=grids, teams=teams, actor=acting.person)
        self._save_roster(acting, found, new)
        return found.accounts[login]

    @writes("account grant")
    def grant_roles(self: Any, acting: Acting, login: str, granted: Iterable[str]) -> Account:
        found, account = _existing(self, login)
        added = [r for r in dict.fromkeys(granted) if r not in account.roles]
        if not added:
            raise RuleViolation(f"{login} 已有这些角色：{roles.describe(account.roles)}")
        _check((*account.roles, *added), account.units, account.grids, account.teams)
        for role in added:
            found.grant(login=login, role=role, actor=acting.person)
        self._save_roster(acting, found, False)
        return account

    @writes("account revoke")
    def revoke_roles(self: Any, acting: Acting, login: str, revoked: Iterable[str]) -> Account:
        found, account = _existing(self, login)
        taken = [r for r in dict.fromkeys(revoked) if r in account.roles]
        if not taken:
            raise RuleViolation(f"{login} 没有这些角色；现有：{roles.describe(account.roles)}")
        for role in taken:
            found.revoke(login=login, role=role, actor=acting.person)
        _keep_an_admin(found)
        self._save_roster(acting, found, False)
        return account

    @writes("account scope")
    def scope_account(
        self: Any,
        acting: Acting,
        login: str,
        units: Iterable[str],
        grids: Iterable[str],
        teams: Iterable[str],
    ) -> Account:
        found, account = _existing(self, login)
        units, grids, teams = _scope_names(found, units, grids, teams)
        _check(tuple(account.roles), units, grids, teams)
        if (tuple(units), tuple(grids), tuple(teams)) == (
            account.units,
            account.grids,
            account.teams,
        ):
            raise RuleViolation(f"{login} 的范围没有变化")
        found.set_scope(login=login, units=units, grids=grids, teams=teams, actor=acting.person)
        self._save_roster(acting, found, False)
        return account

    @writes("account disable")
    def disable_account(self: Any, acting: Acting, login: str, reason: str) -> Account:
        found, account = _existing(self, login)
        if not reason.strip():
            raise RuleViolation("停用账户必须写明理由（--reason）")
        if not account.enabled:
            raise RuleViolation(f"账户 {login} 已停用")
        found.disable(login=login, reason=reason.strip(), actor=acting.person)
        _keep_an_admin(found)
        self._save_roster(acting, found, False)
        return account

    @writes("account enable")
    def enable_account(self: Any, acting: Acting, login: str) -> Account:
        found, account = _existing(self, login)
        if account.enabled:
            raise RuleViolation(f"账户 {login} 未停用")
        found.enable(login=login, actor=acting.person)
        self._save_roster(acting, found, False)
        return account

    @writes("account team")
    def define_team(
        self: Any, acting: Acting, name: str, units: Iterable[str], grids: Iterable[str]
    ) -> Any:
        found, new = self._roster_to_change(acting)
        name = names.check_name(name, names.TEAM)
        units = [names.check_name(u, names.UNIT) for u in dict.fromkeys(units)]
        grids = [names.check_name(g, names.GRID) for g in dict.fromkeys(grids)]
        if not (units or grids):
            raise RuleViolation("督查组至少包含一个单位（--unit）或联系片（--grid）")
        found.define_team(name=name, units=units, grids=grids, actor=acting.person)
        self._save_roster(acting, found, new)
        return found.teams[name]

    @writes("account import")
    def import_roles_file(self: Any, acting: Acting) -> tuple[list[Account], str]:
        """Turn the workspace's ``roles.toml`` into account events, then retire it."""
        from pdca.application import roles_file

        path = roles_file.pending(self.workspace.root)
        if path is None:
            raise NotFound(f"工作区没有 {roles_file.FILE_NAME}（已导入的改名为 *.imported）")
        read = roles_file.read(path)
        found, new = self._roster_to_change(acting)
        if read.digest in found.imported:
            raise Conflict(f"{path} 已导入过；删除或改名该文件即可")
        clashes = [
            e.login
            for e in read.entries
            if found.by_login(e.login) or found.by_person(e.person)
            if not (e.login == found.owner and not found.accounts)
        ]
        if clashes:
            raise Conflict(f"{path} 中的 {one_of(clashes)} 已有账户；未导入任何一项")
        created = []
        owner_entry = next((e for e in read.entries if e.login == found.owner), None)
        if owner_entry is None:
            self._owner_first(acting, found)
        for entry in read.entries:
            granted = entry.roles
            if entry is owner_entry and not found.accounts:
                granted = (*granted, roles.ADMIN) if roles.ADMIN not in granted else granted
            roles.check_roles(granted, (entry.unit,) if entry.unit else ())
            found.create(login=entry.login, person=entry.person, actor=acting.person)
            for role in granted:
                found.grant(login=entry.login, role=role, actor=acting.person)
            if entry.unit:
                found.set_scope(
                    login=entry.login, units=[entry.unit], grids=[], teams=[], actor=acting.person
                )
            created.append(found.accounts[entry.login])
        _keep_an_admin(found)
        found.imported_file(path=str(path), digest=read.digest, actor=acting.person)
        self._save_roster(acting, found, new)
        retired = roles_file.retire(path)
        return created, str(retired)

    def list_accounts(self: Any) -> dict[str, Any]:
        found = roster(self)
        accounts = sorted(found.accounts.values(), key=lambda a: a.login) if found else []
        return {
            "open": not accounts,
            "owner": found.owner if found else self.owner,
            "accounts": [
                {
                    "login": a.login,
                    "person": a.person,
                    "roles": [r for r in roles.LABELS if r in a.roles],
                    "units": list(a.units),
                    "grids": list(a.grids),
                    "teams": list(a.teams),
                    "enabled": a.enabled,
                    "disabled_reason": a.disabled,
                }
                for a in accounts
            ],
            "teams": [
                {"name": t.name, "units": list(t.units), "grids": list(t.grids)}
                for t in (found.teams.values() if found else ())
            ],
        }


def _existing(app: Any, login: str) -> tuple[Accounts, Account]:
    found = roster(app)
    account = found.by_login(login.strip()) if found is not None else None
    if found is None or account is None:
        raise NotFound(f"登录名 {login.strip()} 没有账户；pdca account list 查看账户")
    return found, account


def _scope_names(
    found: Accounts, units: Iterable[str], grids: Iterable[str], teams: Iterable[str]
) -> tuple[list[str], list[str], list[str]]:
    units = [names.check_name(u, names.UNIT) for u in dict.fromkeys(units)]
    grids = [names.check_name(g, names.GRID) for g in dict.fromkeys(grids)]
    teams = [names.check_name(t, names.TEAM) for t in dict.fromkeys(teams)]
    unknown = [t for t in teams if t not in found.teams]
    if unknown:
        raise NotFound(
            f"未知督查组 {one_of(unknown)}；先定义：pdca account team 名称 --unit 单位 --grid 联系片"
        )
    return units, grids, teams


def _check(
    granted: Iterable[str], units: Iterable[str], grids: Iterable[str], teams: Iterable[str]
) -> None:
    granted, units = tuple(granted), tuple(units)
    roles.check_roles(granted, units)
    if roles.STAFF in granted and (tuple(grids) or tuple(teams)):
        raise RuleViolation(
            "单位填报员（staff）的范围只能是一个单位（--unit），不能是联系片或督查组"
        )
    if (units or tuple(grids) or tuple(teams)) and not (
        roles.STAFF in granted or roles.SUPERVISOR in granted
    ):
        raise RuleViolation("只有督查员（supervisor）和单位填报员（staff）有范围")


def _keep_an_admin(found: Accounts) -> None:
    if not any(roles.ADMIN in a.roles and a.enabled for a in found.accounts.values()):
        raise RuleViolation("至少要保留一名可用的管理员（admin）；本次未记录")

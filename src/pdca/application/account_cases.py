"""The use cases of ``pdca account``: accounts, roles, scopes and teams as events of the
database's one ``Accounts`` aggregate (the rules they obey: ``accounts``, ``roles``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pdca.application import roles
from pdca.application.accounts import roster
from pdca.application.acting import Acting, writes
from pdca.domain import names
from pdca.domain.account import Account, Accounts
from pdca.errors import Conflict, InvalidInput, NotFound, RuleViolation, one_of


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
        _one_service(found, login, granted)
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
        _one_service(found, login, added)
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
            raise InvalidInput("停用账户必须写明理由（--reason）")
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
        self: Any,
        acting: Acting,
        name: str,
        units: Iterable[str],
        grids: Iterable[str],
        scheme: str | None = None,
    ) -> Any:
        """Define (or replace) a team; with ``scheme``, the scheme's ``[[teams]]`` entry of
        that id or label: its grids, and the registered units of its categories now (a unit
        registered later is added by defining the team again)."""
        if scheme is not None:
            name, units, grids = _scheme_team(self, scheme, name, units, grids)
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


def _one_service(found: Accounts, login: str, granted: Iterable[str]) -> None:
    """The web server's role is one login's: were two to hold it, either could record
    as the other's web accounts."""
    if roles.SERVICE not in tuple(granted):
        return
    holders = [a.login for a in found.accounts.values() if roles.SERVICE in a.roles]
    others = [h for h in holders if h != login]
    if others:
        raise Conflict(
            f"网页服务（service）已由登录名 {one_of(others)} 持有，只能有一个；"
            "先撤销：pdca account revoke"
        )


def _keep_an_admin(found: Accounts) -> None:
    if not any(roles.ADMIN in a.roles and a.enabled for a in found.accounts.values()):
        raise RuleViolation("至少要保留一名可用的管理员（admin）；本次未记录")


def _scheme_team(
    app: Any, scheme_ref: str, name: str, units: Iterable[str], grids: Iterable[str]
) -> tuple[str, list[str], list[str]]:
    """The scheme team named ``name`` (id or label) as an account team: its label, the
    registered units of its categories now, and its grids."""
    scheme = app.workspace.scheme(scheme_ref)
    team = scheme.team(name)
    if team is None:
        known = one_of(f"{t['id']}（{t['label']}）" for t in scheme.teams)
        raise RuleViolation(
            f"方案 {scheme.id} 没有督查组 {name}；"
            + (f"可用：{known}" if scheme.teams else "该方案未定义督查组（[[teams]]）")
        )
    if list(units) or list(grids):
        raise RuleViolation("--scheme 的督查组取自方案，不能再加 --unit/--grid")
    taken = [u["name"] for u in app.list_units() if u["category"] in team["categories"]]
    if not (taken or team["grids"]):
        raise RuleViolation(
            f"方案 {scheme.id} 的督查组 {team['label']} 只按单位类别 "
            f"{one_of(team['categories'])} 组成，但尚无该类别的单位；请先登记单位（pdca unit add）"
        )
    return team["label"], taken, list(team["grids"])

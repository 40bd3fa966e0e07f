"""The database's accounts (账户): who may connect, as whom, with which roles and where.

One aggregate holds every account, so a database has exactly one roles history,
whichever workspace folder points at it, and it is part of the hash chain like
every other fact. An account is the login it authenticates as (the OS user on
SQLite, the PostgreSQL login) and the person it records (张三). Roles are granted
and revoked one by one; a scope limits where the person may write (staff: one unit;
supervisors: units, grids or teams, a team being a named set of units and grids);
a disabled account is refused from its next command on.

Nothing here checks a rule (``pdca.application.accounts`` does, before recording).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import ACCOUNTS_ID


@dataclass
class Account:
    login: str
    person: str
    roles: set[str] = field(default_factory=set)
    units: tuple[str, ...] = ()
    grids: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    disabled: str | None = None  # the reason, while disabled

    @property
    def enabled(self) -> bool:
        return self.disabled is None


@dataclass(frozen=True)
class Team:
    name: str
    units: tuple[str, ...]
    grids: tuple[str, ...]


class Accounts(Aggregate):
    @staticmethod
    def create_id(owner: str, actor: str) -> UUID:
        return ACCOUNTS_ID

    @event("Founded")
    def __init__(self, owner: str, actor: str) -> None:
        """The first account is being created: by the database's owner, who becomes
        its first admin (``owner`` is the login that initialised the database)."""
        self.owner = owner
        self.accounts: dict[str, Account] = {}
        self.teams: dict[str, Team] = {}
        self.imported: list[str] = []

    @event("AccountCreated")
    def create(self, login: str, person: str, actor: str) -> None:
        self.accounts[login] = Account(login, person)

    @event("RoleGranted")
    def grant(self, login: str, role: str, actor: str) -> None:
        self.accounts[login].roles.add(role)

    @event("RoleRevoked")
    def revoke(self, login: str, role: str, actor: str) -> None:
        self.accounts[login].roles.discard(role)

    @event("ScopeSet")
    def set_scope(
        self, login: str, units: list[str], grids: list[str], teams: list[str], actor: str
    ) -> None:
        account = self.accounts[login]
        account.units, account.grids, account.teams = tuple(units), tuple(grids), tuple(teams)

    @event("AccountDisabled")
    def disable(self, login: str, reason: str, actor: str) -> None:
        self.accounts[login].disabled = reason

    @event("AccountEnabled")
    def enable(self, login: str, actor: str) -> None:
        self.accounts[login].disabled = None

    @event("TeamDefined")
    def define_team(self, name: str, units: list[str], grids: list[str], actor: str) -> None:
        self.teams[name] = Team(name, tuple(units), tuple(grids))

    @event("RolesFileImported")
    def imported_file(self, path: str, digest: str, actor: str) -> None:
        """A workspace's ``roles.toml`` was turned into the events before this one."""
        self.imported.append(digest)

    def by_login(self, login: str) -> Account | None:
        return self.accounts.get(login)

    def by_person(self, person: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.person == person), None)

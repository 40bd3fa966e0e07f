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
disabled) is effective on the next command. The use cases of ``pdca account`` are in
``account_cases``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pdca.application import roles
from pdca.application.acting import ANONYMOUS, AUTHENTICATED, DECLARED, WEB, Acting
from pdca.domain.ids import ACCOUNTS_ID
from pdca.errors import NotPermitted, one_of

if TYPE_CHECKING:
    from pdca.domain.account import Account, Accounts

#: Commands the owner may run on a database without accounts (they found the roster).
FOUNDING = frozenset({"account add", "account import", "account team"})


def roster(app: Any) -> Accounts | None:
    """The database's accounts; None while it has none (one read by id, and nothing
    imported for a database without accounts: this is on every write's path)."""
    if not app.recorder.select_events(ACCOUNTS_ID, limit=1):
        return None
    return app.repository.get(ACCOUNTS_ID)


def current_roster(app: Any) -> Accounts | None:
    """The roster, to read only (``pdca.application.kept``): a server asks on every
    request, and replaying the roster twice each time was a third of a form post."""
    from pdca.application.kept import current

    return current(app, "roster", ACCOUNTS_ID, lambda: roster(app))


def permit(app: Any, acting: Acting, command: str) -> None:
    """The one permission check (``PdcaApplication.permit``): see the module's docstring.
    Notes the acting context's assurance and the limits its save is checked against."""
    if acting.ballot or acting.session is not None:
        # The server's login, first: once a DBA revokes its group role it may read
        # nothing in the schema, the roster included.
        what = "收不记名测评票" if acting.ballot else "代网页账户记录"
        _require_service_role(app, acting.principal, what)
    found = current_roster(app)
    if found is None or not found.accounts:
        acting.assurance = DECLARED
        if command in FOUNDING:
            _require_owner(app, acting, command)
        if command != "account import":
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
    if acting.ballot:
        _permit_ballot(account, acting, command)
        return
    if acting.session is not None:
        _permit_web(app, found, account, acting, command)
        return
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


def _permit_web(app: Any, found: Accounts, server: Account, acting: Acting, command: str) -> None:
    """A web account's command through ``pdca serve``: the server's login must hold the
    service role, the session must be live and the person's, and the person's own role
    and scope decide (the server adds none of its own)."""
    from pdca.application import web_sessions

    if roles.SERVICE not in server.roles:
        raise NotPermitted(
            f"登录名 {server.login}（{roles.describe(server.roles)}）不是网页服务账户，"
            f"不能代网页账户记录；请管理员：pdca account grant {server.login} service"
        )
    person = found.by_person(acting.person)
    if (
        person is None
        or not person.enabled
        or not web_sessions.is_live(app, acting.session, person.login)
    ):
        raise NotPermitted("登录已失效（已退出、超时或账户已停用）；请重新登录")
    acting.assurance = WEB
    limit = _limit(app, found, person, command)
    acting.limits = (limit,) if limit is not None else ()


def _require_service_role(app: Any, login: str, what: str) -> None:
    """The account role is the application's word; the database's own group role is
    what a DBA grants, so a writer login given a service account still cannot."""
    service = _service_role(app)
    if service is not None:
        raise NotPermitted(
            f"数据库登录 {login} 不在网页服务分组角色 {service} 中，不能{what}；"
            f'请 DBA：GRANT "{service}" TO "{login}"'
        )


def _service_role(app: Any) -> str | None:
    """On PostgreSQL, the ``service`` group role's name when this login is NOT a member
    of it (the grants on the credentials tables follow the same role, so the two cannot
    disagree); None when it is, and on SQLite (no logins to tell apart).

    Asked on every web write, not once per process: a DBA's REVOKE takes effect on the
    next write of every server already running. One catalog lookup in one round trip
    (PostgreSQL keeps role memberships cached per connection and drops them when one
    changes); ``bench/service_check.py`` measures its share of a web write."""
    database = app.workspace.database
    if database.kind != "postgresql":
        return None
    from pdca.storage import group_roles

    role = group_roles.names(database.dbname, database.schema or "public")["service"]
    # One statement on an autocommit connection: one round trip, no BEGIN/ROLLBACK.
    with app.recorder.datastore.cursor() as c:
        c.execute(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %s "
            "AND pg_has_role(session_user, oid, 'MEMBER')) AS member",
            (role,),
        )
        member = bool(c.fetchone()["member"])
    return None if member else role


def _permit_ballot(server: Account, acting: Acting, command: str) -> None:
    """An anonymous ballot through ``pdca serve``: only the server's login (the service
    account role, and on PostgreSQL the ``service`` group role) takes one, and only a
    cast; the token it carries is the rater's one right."""
    if command != "ballot cast" or roles.SERVICE not in server.roles:
        raise NotPermitted(
            f"登录名 {server.login}（{roles.describe(server.roles)}）不是网页服务账户，"
            f"不能收不记名测评票；请管理员：pdca account grant {server.login} service"
        )
    acting.assurance = ANONYMOUS
    acting.limits = ()


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
    if command in roles.OUTSIDE_HISTORY and command != roles.ACT_FOR:
        return  # rebuilding views writes no fact
    # A stat, not roles_file (tomllib): this is on the path of every write to an open
    # database.
    path = app.workspace.root / roles.FILE_NAME
    if path.is_file():
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


def teams_covering(app: Any, person: str, unit: str, grid: str | None) -> list[str]:
    """The teams (督查组/考核组) of ``person``'s account whose units or grids take in
    ``unit`` (its registered name) — none in a database without accounts, where no
    team exists."""
    found = roster(app)
    account = found.by_person(person) if found is not None else None
    if found is None or account is None:
        return []
    covering = []
    for name in account.teams:
        team = found.teams.get(name)
        if team is None:
            continue
        if unit in {app.unit_key(u) for u in team.units} or (grid and grid in team.grids):
            covering.append(name)
    return covering

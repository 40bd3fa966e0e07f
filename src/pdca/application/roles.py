"""Who may write what: the one table of commands and roles.

The roles themselves are events of the database's accounts (``pdca.application.accounts``
checks each command against this table). A database without accounts is open: every
actor may run every command, recorded as declared (a single user's workspace, and how
every database starts). Reading is not governed here: whoever reaches the database can
read it, so roles say who may *write*. Auditors write nothing; unit staff (单位填报员)
report progress, and only on their own unit; a supervisor may be limited to units,
grids or teams (scopes), and may enter on a person's behalf (``act for``).

This module is on the path of every writing command: standard library only, and no
file is read here.
"""

from __future__ import annotations

from pdca.errors import NotPermitted, RuleViolation, one_of

#: An older workspace's roles file: imported once into accounts (``roles_file``), never read
#: for permissions.
FILE_NAME = "roles.toml"

SUPERVISOR, AUDITOR, ADMIN, STAFF = "supervisor", "auditor", "admin", "staff"
#: The web server's login (``pdca serve``): records on behalf of the accounts logged in
#: to it, and nothing of its own. One login holds it.
SERVICE = "service"
LABELS = {
    SUPERVISOR: "督查员",
    AUDITOR: "审计员",
    ADMIN: "管理员",
    STAFF: "单位填报员",
    SERVICE: "网页服务",
}

_SUPERVISORS = (SUPERVISOR,)
_REPORTERS = (SUPERVISOR, STAFF)
ACT_FOR = "act for"  # staff: their own unit only (checked on what is saved)

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
    "ballot slips": _SUPERVISORS,  # issues tokens: the same as ballot issue
    "ballot cast": _SUPERVISORS,
    "ballot import": _SUPERVISORS,
    "ballot close": _SUPERVISORS,
    "veto apply": _SUPERVISORS,
    "correct withdraw": _SUPERVISORS,
    "correct amend": _SUPERVISORS,
    # The unit's own steps (自查、重点目标申报、述职报告) and its 申诉: staff, own unit only;
    # the 工委 approves a declaration and decides an appeal.
    "step record": _REPORTERS,
    "step review": _SUPERVISORS,
    "appeal lodge": _REPORTERS,
    "appeal decide": _SUPERVISORS,
    "round open": _SUPERVISORS,
    "round finalize": _SUPERVISORS,
    "rectify order": _SUPERVISORS,
    "rectify report": _REPORTERS,
    "rectify submit": _REPORTERS,
    "rectify verify": _SUPERVISORS,
    "rectify extend": _SUPERVISORS,
    "rectify sweep": _SUPERVISORS,
    "account add": (ADMIN,),
    "account grant": (ADMIN,),
    "account revoke": (ADMIN,),
    "account scope": (ADMIN,),
    "account disable": (ADMIN,),
    "account enable": (ADMIN,),
    "account import": (ADMIN,),
    "account team": (ADMIN,),
    # A web login's one-time password (no event: ``pdca.storage.credentials``).
    "account password": (ADMIN,),
    # Not a command: entering for another person (``--actor``, 代录), e.g. a supervisor
    # typing in a unit's paper reports. The person must be allowed the command too.
    ACT_FOR: _SUPERVISORS,
    "projections rebuild": (ADMIN,),
    "projections run": (ADMIN,),
    "projections new": (ADMIN,),
    "projections register": (ADMIN,),
    "anchor": (ADMIN, SUPERVISOR),
    # A spreadsheet of many rows; each kind also needs its rows' own command.
    "import": (ADMIN, SUPERVISOR),
    # Removing an attachment's bytes (personal data in 暗访 evidence): recorded, the
    # admin's alone — those who record the evidence cannot make it disappear.
    "evidence purge": (ADMIN,),
}

#: Writing commands that change the workspace's files and views, not its history: they
#: record no event, so they take no ``--request-id`` (doing one twice is harmless).
OUTSIDE_HISTORY = frozenset({ACT_FOR, "projections rebuild", "projections run", "account password"})

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
        "account list",
        "projections list",
        "projections status",
        "projections events",
        "view",
        "template",  # writes a file of the reader's own, as export does
        "scheme import",  # writes a scheme file; the database is not touched
        "export",  # writes a file of the reader's own, not the workspace's
        "report",
        "board",
        "verify",  # the history's tamper check (issue 6, part A): auditors must run it
        "evidence show",
        "evidence get",  # writes a file of the reader's own, as export does
    }
)

#: Commands that make a workspace rather than act in one: ``init`` only creates what is
#: missing (it is how a workspace, and so its roles file, comes to exist) and ``demo``
#: writes a new workspace of its own. ``anchor keygen`` and ``anchor sign`` are the key
#: holder's, who works on files away from the database and may hold no pdca role.
#: ``snapshots drop`` empties a cache ``init`` made (it checks the admin role itself).
#: ``serve`` runs a server: each request is checked as its web account, not as the
#: login that started it.
SETUP = frozenset({"init", "demo", "anchor keygen", "anchor sign", "snapshots drop", "serve"})


def records_events(command: str) -> bool:
    """Does this command append to the history (and so take ``--request-id``)?"""
    return command in PERMISSIONS and command not in OUTSIDE_HISTORY


def describe(roles: set[str] | tuple[str, ...], unit: str | None = None) -> str:
    """An account's roles as people read them (督查员、管理员), with a staff member's unit."""
    labels = "、".join(LABELS[r] for r in LABELS if r in roles) or "无角色"
    return f"{labels}，{unit}" if unit else labels


def check_roles(roles: set[str] | tuple[str, ...], units: tuple[str, ...]) -> None:
    """What an account's roles and scope must satisfy, whatever changed them."""
    unknown = [r for r in roles if r not in LABELS]
    if unknown:
        raise RuleViolation(
            f"未知角色 {one_of(unknown)}；角色只能是：{one_of(f'{k}（{v}）' for k, v in LABELS.items())}"
        )
    if AUDITOR in roles and len(set(roles)) > 1:
        raise RuleViolation("审计员只读不写，不能兼任其他角色")
    if SERVICE in roles and set(roles) - {SERVICE, ADMIN}:
        # An admin's own login may serve one office PC; a recording role may not, or
        # whoever holds it could record for others without their password.
        raise RuleViolation("网页服务（service）只能单独授予，或与管理员同授（单机）")
    if STAFF in roles and len(units) != 1:
        raise RuleViolation("单位填报员（staff）须且只能指定一个所属单位（--unit）")


def refuse(person: str, held: str, command: str) -> NotPermitted:
    allowed = PERMISSIONS.get(command, (ADMIN,))
    what = "代录他人（--actor）" if command == ACT_FOR else f"执行 pdca {command}"
    return NotPermitted(
        f"操作人 {person}（{held}）无权{what}；"
        f"可执行者：{one_of(LABELS[r] for r in allowed)}（账户见 pdca account list）"
    )

"""Web logins: one-time passwords, logging in and out, sessions, throttling.

Passwords are argon2 hashes in the credentials table (``pdca.storage.credentials``),
never events. An admin sets a one-time password (``pdca account password``) that must
be changed at the first login, and may reset it; every change ends the login's open
sessions. Five wrong passwords in a row lock the login for 15 minutes; a client
address with too many failures (any logins) is held for a while too (``throttle``).
Every attempt is recorded (time, login typed, outcome, client address). A session is a random id
in an HttpOnly cookie, stored as its digest; it ends after ``timeout`` seconds idle,
after 12 hours in any case, on logout, on a new password, and as soon as its account
is disabled — each checked against the database on every request, so every server
process agrees at once.

argon2 is imported only here, and this module only by the commands that need it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pdca.application import roles, throttle, web_sessions
from pdca.application.acting import Acting, writes
from pdca.errors import InvalidInput, NotFound, NotPermitted, RuleViolation

if TYPE_CHECKING:
    from pdca.domain.account import Account
    from pdca.storage.credentials import CredentialStore

LOCK_AFTER = 5
LOCK_SECONDS = 15 * 60
LONGEST_SESSION = 12 * 3600
#: A session's last-seen time is written at most this often (not on every page).
TOUCH_EVERY = 60
MIN_PASSWORD, MAX_PASSWORD, MAX_LOGIN = 8, 128, 100
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand


class LoginRefused(NotPermitted):
    """Wrong login or password, a locked or disabled account."""


class LockedOut(LoginRefused):
    http_status = 429


@dataclass(frozen=True)
class WebUser:
    """Who a live session belongs to, as pages show and forms act."""

    login: str
    person: str
    roles: tuple[str, ...]
    units: tuple[str, ...]
    must_change: bool
    session: str  # the session id (the cookie's value)

    @property
    def roles_label(self) -> str:
        return roles.describe(self.roles)

    @property
    def unit(self) -> str | None:
        """A staff member's own unit."""
        return self.units[0] if roles.STAFF in self.roles and self.units else None

    def has(self, *wanted: str) -> bool:
        return any(r in self.roles for r in wanted)


def store(app: Any) -> CredentialStore:
    return web_sessions.store(app)  # type: ignore[no-any-return]


def create_tables(app: Any) -> None:
    """``pdca init`` (and a server on an older database): the credentials tables."""
    found = store(app)
    if not found.present():
        found.create_tables()


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


_digest = web_sessions.digest


def _roster_account(app: Any, login: str) -> Account | None:
    from pdca.application.accounts import current_roster

    found = current_roster(app)
    return found.by_login(login) if found is not None else None


def one_time_password() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(chars[i : i + 4] for i in range(0, 12, 4))


@writes("account password")
def reset_password(app: Any, acting: Acting, login: str) -> str:
    """A new one-time password for ``login``'s web login (shown once, to the admin):
    changed at first login; the login's open sessions end and its lock is lifted."""
    account = _roster_account(app, login)
    if account is None:
        raise NotFound(f"未知账户 '{login}'；pdca account list 查看账户")
    if roles.SERVICE in account.roles and len(account.roles) == 1:
        raise RuleViolation(f"{login} 是网页服务账户，不在网页登录，不设密码")
    password = one_time_password()
    create_tables(app)
    store(app).set_password(login, _hasher().hash(password), must_change=True)
    return password


def log_in(app: Any, login: str, password: str, client: str, now: float | None = None) -> str:
    """A new session id for ``login`` when ``password`` is right (refused otherwise);
    the attempt is recorded either way."""
    now = time.time() if now is None else now
    credentials = store(app)
    login = login.strip()[:MAX_LOGIN]
    found = credentials.get(login) if login else None
    account = _roster_account(app, login) if found is not None else None

    def record(outcome: str) -> None:
        credentials.attempt(secrets.token_hex(16), now, login, outcome, client)

    def failed(outcome: str, refused: NotPermitted) -> NotPermitted:
        """Record a failure and count it against the client's address: the refusal the
        client reads (the address's hold, once this failure starts one)."""
        record(outcome)
        held = throttle.miss(app, throttle.LOGIN, client, now)
        return throttle.refusal(app, throttle.LOGIN, client, held) if held else refused

    held = throttle.held_until(app, throttle.LOGIN, client, now)
    if held:  # before the password is checked: a held address costs no hashing
        record("throttled")
        raise throttle.refusal(app, throttle.LOGIN, client, held)
    wrong = LoginRefused(
        f"登录名或密码不正确；连续错 {LOCK_AFTER} 次将锁定 {LOCK_SECONDS // 60} 分钟"
    )
    if found is None or account is None:
        _spend_like_a_check(password)  # an unknown login takes as long as a known one
        raise failed("unknown", wrong)
    if found.locked_until > now:
        raise failed("locked", _locked(app, found.locked_until))
    if not _verify(found.hash, password):
        until = credentials.failed(login, now, LOCK_AFTER, LOCK_SECONDS)
        raise failed("wrong", _locked(app, until) if until > now else wrong)
    if not account.enabled:
        raise failed(
            "disabled", LoginRefused(f"账户 {login} 已停用：{account.disabled}；请联系管理员")
        )
    credentials.succeeded(login)
    session = secrets.token_urlsafe(32)
    credentials.open_session(_digest(session), login, found.generation, now)
    record("ok")
    return session


def _locked(app: Any, until: float) -> LockedOut:
    from datetime import UTC, datetime

    shown = datetime.fromtimestamp(until, UTC).astimezone(app.clock.zone).strftime("%H:%M")
    return LockedOut(
        f"登录失败次数过多，已锁定至 {shown}；请稍后再试，或请管理员重设密码"
        "（pdca account password）"
    )


def _verify(hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(hash, password[:MAX_PASSWORD]))
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: list[str] = []


def _spend_like_a_check(password: str) -> None:
    if not _DUMMY:
        _DUMMY.append(_hasher().hash(secrets.token_hex(8)))
    _verify(_DUMMY[0], password)


def user_of(
    app: Any, session: str | None, timeout: float, now: float | None = None
) -> WebUser | None:
    """The account a live session belongs to, else None (and a dead session is ended)."""
    if not session or len(session) > 100:
        return None
    now = time.time() if now is None else now
    credentials = store(app)
    digest = _digest(session)
    row = credentials.session(digest)
    if row is None:
        return None
    found = credentials.get(row.login)
    account = _roster_account(app, row.login)
    if (
        found is None
        or found.generation != row.generation
        or now - row.seen > timeout
        or now - row.created > LONGEST_SESSION
        or account is None
        or not account.enabled
    ):
        credentials.end_session(digest)
        return None
    if now - row.seen > TOUCH_EVERY:
        credentials.touch(digest, now)
    return WebUser(
        account.login,
        account.person,
        tuple(sorted(account.roles)),
        tuple(account.units),
        found.must_change,
        session,
    )


def change_password(app: Any, user: WebUser, old: str, new: str, again: str) -> str:
    """The user's own new password (the first login's one-time one, or any time): every
    open session of the login ends; the answer is this browser's new session id."""
    credentials = store(app)
    found = credentials.get(user.login)
    if found is None or not _verify(found.hash, old):
        raise LoginRefused("原密码不正确")
    if new != again:
        raise InvalidInput("两次输入的新密码不一致")
    if not MIN_PASSWORD <= len(new) <= MAX_PASSWORD:
        raise InvalidInput(f"新密码须为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符")
    if new == old or new.strip().lower() == user.login.lower():
        raise InvalidInput("新密码不能与原密码或登录名相同")
    credentials.set_password(user.login, _hasher().hash(new), must_change=False)
    fresh = credentials.get(user.login)
    session = secrets.token_urlsafe(32)
    now = time.time()
    credentials.open_session(_digest(session), user.login, fresh.generation if fresh else 1, now)
    return session


def log_out(app: Any, session: str) -> None:
    store(app).end_session(_digest(session))


def acting_for(app: Any, user: WebUser, command: str, principal: str) -> Acting:
    """A web command's acting context: the server's login (``principal``) records on
    behalf of the logged-in person; the session proves the person (``permit``)."""
    return Acting(principal=principal, person=user.person, command=command, session=user.session)


def attempts(app: Any, login: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The latest login attempts (newest first), times in the database's zone."""
    from datetime import UTC, datetime

    rows = store(app).attempts(login, limit)
    for row in rows:
        row["at"] = datetime.fromtimestamp(row["at"], UTC).astimezone(app.clock.zone).isoformat()
    return rows

"""Web logins below the browser, on SQLite and PostgreSQL: the credentials tables made by
``pdca init``, one-time passwords, lockout, sessions ended by a new password or a
disabled account, and the service role's rules. In-process, against the real database."""

from __future__ import annotations

import json

import pytest

from pdca.application import logins
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from tests.conftest import Workspace, group_roles_of


def _app(ws: Workspace) -> PdcaApplication:
    return PdcaApplication(open_workspace(str(ws.root), ws.db_url))


def _accounts(ws: Workspace) -> str:
    owner = ws.owner
    ws.ok("account", "add", owner, "--person", "管理员", "--role", "admin", principal=owner)
    ws.ok("unit", "add", "市财政局", "--category", "党政机关", principal=owner)
    ws.ok(
        "account",
        "add",
        "wangwu",
        "--person",
        "王五",
        "--role",
        "staff",
        "--unit",
        "市财政局",
        principal=owner,
    )
    out = ws.ok("account", "password", "wangwu", "--json", principal=owner).output
    return json.loads(out)["password"]


def test_one_time_password_lockout_and_sessions(workspace: Workspace) -> None:
    ws = workspace
    one_time = _accounts(ws)
    before = ws.event_count()
    app = _app(ws)
    try:
        with pytest.raises(logins.LoginRefused, match="登录名或密码不正确"):
            logins.log_in(app, "wangwu", "wrong-password", "10.0.0.1", now=1000.0)
        with pytest.raises(logins.LoginRefused, match="登录名或密码不正确"):
            logins.log_in(app, "nobody", "x", "10.0.0.1", now=1000.0)
        session = logins.log_in(app, "wangwu", one_time, "10.0.0.1", now=1001.0)
        user = logins.user_of(app, session, timeout=1800, now=1002.0)
        assert user is not None and user.person == "王五" and user.must_change
        assert user.unit == "市财政局"
        # Idle past the timeout: the session is gone, also for a later request.
        assert logins.user_of(app, session, timeout=60, now=1002.0 + 61) is None

        session = logins.log_in(app, "wangwu", one_time, "10.0.0.1")
        user = logins.user_of(app, session, timeout=1800)
        assert user is not None
        with pytest.raises(Exception, match="新密码须为 8–128 个字符"):
            logins.change_password(app, user, one_time, "short", "short")
        fresh = logins.change_password(app, user, one_time, "a-good-password", "a-good-password")
        assert logins.user_of(app, session, timeout=1800) is None  # the old one ended
        assert not logins.user_of(app, fresh, timeout=1800).must_change  # type: ignore[union-attr]

        # Five wrong in a row lock the login; then even the right password is refused.
        for i in range(5):
            with pytest.raises(logins.LoginRefused):
                logins.log_in(app, "wangwu", f"guess-{i}", "10.0.0.2", now=2000.0 + i)
        with pytest.raises(logins.LockedOut, match="已锁定至"):
            logins.log_in(app, "wangwu", "a-good-password", "10.0.0.2", now=2010.0)
        # The lock began at the fifth failure (2004) and lasts 15 minutes (900 s).
        assert logins.log_in(app, "wangwu", "a-good-password", "10.0.0.2", now=2004.0 + 901)

        outcomes = [a["outcome"] for a in logins.attempts(app, "wangwu")]
        # ok at 1001, now and 2905; wrong at 1000 and 2000–2004; locked at 2010.
        assert sorted(outcomes) == ["locked", "ok", "ok", "ok", *["wrong"] * 6]
        assert [a["outcome"] for a in logins.attempts(app, "nobody")] == ["unknown"]
    finally:
        app.close()
    assert ws.event_count() == before  # logins are not events

    # Disabling the account ends its open session at once.
    app = _app(ws)
    try:
        session = logins.log_in(app, "wangwu", "a-good-password", "10.0.0.3")
        assert logins.user_of(app, session, timeout=1800) is not None
        ws.ok("account", "disable", "wangwu", "--reason", "调离", principal=ws.owner)
        assert logins.user_of(app, session, timeout=1800) is None
        with pytest.raises(logins.LoginRefused, match="已停用"):
            logins.log_in(app, "wangwu", "a-good-password", "10.0.0.3")
    finally:
        app.close()


def _refused_as_owner(ws: Workspace, *args: str) -> str:
    before = ws.event_count()
    result = ws.run(*args, principal=ws.owner)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0 and len(lines) == 1, result.output
    assert ws.event_count() == before
    return lines[0]


def test_password_and_service_refusals_write_nothing(workspace: Workspace) -> None:
    ws = workspace
    _accounts(ws)
    owner = ws.owner
    assert _refused_as_owner(ws, "account", "password", "nobody") == (
        "错误：未知账户 'nobody'；pdca account list 查看账户"
    )
    line = _refused_as_owner(ws, "account", "grant", "wangwu", "service")
    assert "网页服务（service）只能单独授予，或与管理员同授" in line
    ws.ok("account", "grant", owner, "service", principal=owner)
    ws.ok("account", "add", "web2", "--person", "服务二", "--role", "admin", principal=owner)
    line = _refused_as_owner(ws, "account", "grant", "web2", "service")
    assert f"网页服务（service）已由登录名 {owner} 持有，只能有一个" in line


def test_only_the_server_reads_the_credentials(workspace: Workspace) -> None:
    ws = workspace
    tables = ("pdca_credentials", "pdca_sessions", "pdca_login_attempts", "pdca_client_throttle")
    if ws.backend == "sqlite":
        found = {r[0] for r in ws.sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(tables) <= found
        return
    roles = group_roles_of(ws.schema)
    for table in tables:
        qualified = f'"{ws.schema}".{table}'
        for kind, may in (
            ("reader", False),
            ("worker", False),
            ("writer", False),
            ("admin", False),
            ("service", True),
        ):
            (granted,) = ws.sql(
                f"SELECT has_table_privilege('{roles[kind]}', '{qualified}', 'SELECT')"
            )[0]
            assert granted is may, (table, kind)


def test_an_address_is_held_for_its_window_and_counts_afresh_after(workspace: Workspace) -> None:
    """The window begins at an address's first failure and lasts 15 minutes (900 s);
    its 30th failure holds the address to the window's end; the first failure after
    it begins a new window. Another address is never held with it."""
    from pdca.application import throttle

    ws = workspace
    password = _accounts(ws)
    app = _app(ws)
    try:
        for i in range(29):  # failures at 5000..5028, each naming another login
            with pytest.raises(logins.LoginRefused):
                logins.log_in(app, f"guess{i}", "x", "10.0.0.7", now=5000.0 + i)
        with pytest.raises(throttle.Throttled) as held:  # the 30th starts the hold
            logins.log_in(app, "guess-last", "x", "10.0.0.7", now=5029.0)
        assert held.value.http_status == 429
        assert throttle.held_until(app, throttle.LOGIN, "10.0.0.7", now=5029.0) == 5000.0 + 900
        with pytest.raises(throttle.Throttled):  # the right password, still held
            logins.log_in(app, "wangwu", password, "10.0.0.7", now=5899.0)
        assert logins.log_in(app, "wangwu", password, "10.0.0.8", now=5899.0)  # another
        # The window is over at 5900: the address logs in, and a failure counts from 1.
        assert logins.log_in(app, "wangwu", password, "10.0.0.7", now=5900.0)
        with pytest.raises(logins.LoginRefused, match="登录名或密码不正确"):
            logins.log_in(app, "guess-again", "x", "10.0.0.7", now=5901.0)
        assert throttle.held_until(app, throttle.LOGIN, "10.0.0.7", now=5901.0) == 0.0
        window = logins.store(app).window("login:10.0.0.7")
        assert (window.misses, window.since) == (1, 5901.0)
    finally:
        app.close()

"""What a long-running server needs of the application: one application for all its
request threads, and one background thread that keeps the built-in views caught up
while request threads only read them (``pdca serve``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pdca.errors import StorageError

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication


def open_application(workspace: str | None, db: str | None) -> PdcaApplication:
    """The workspace's application, its views followed by ``follow_views`` (reads never
    catch up themselves). Refused when the database was never initialised."""
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    found = open_workspace(workspace, db)
    database = found.database
    if database.kind == "sqlite" and not (database.sqlite_path and database.sqlite_path.exists()):
        raise StorageError(
            f"数据库文件 {database.sqlite_path} 不存在；先运行：pdca init {found.root}"
        )
    app = PdcaApplication(found, pooled=True)  # request threads share its pool
    try:
        from pdca.application import logins

        logins.create_tables(app)  # a database made before the web had none
        app.projection_runtime().followed = True
    except BaseException:
        app.close()
        raise
    return app


def await_views(app: PdcaApplication, position: int | None = None, timeout: float = 3.0) -> bool:
    """Wait (at most ``timeout`` seconds) until the follower has brought the built-in
    views up to ``position`` (a write's notification id; None: the newest event), so the
    page after a form shows what it recorded. Reads positions only: never the tracking
    rows' locks. False when the views are still behind."""
    runtime = app.projection_runtime()
    head = runtime.head() if position is None else position
    names = runtime.builtin
    end = time.monotonic() + timeout
    while True:
        positions = runtime.positions()
        if all(positions.get(name, 0) >= head for name in names):
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(0.05)


def server_login(app: PdcaApplication) -> str:
    """Who the server connected as (the principal of every web account's act)."""
    from pdca.application.identity import principal

    return principal(app)


def service_problem(app: PdcaApplication, login: str) -> str | None:
    """Why web accounts cannot record through this server yet, or None."""
    from pdca.application import roles
    from pdca.application.accounts import roster

    found = roster(app)
    account = found.by_login(login) if found is not None else None
    if account is None:
        return (
            f"登录名 {login} 没有账户：网页账户暂不能登录记录；请管理员：pdca account add "
            f"{login} --person 网页服务 --role service"
        )
    if roles.SERVICE not in account.roles:
        return (
            f"登录名 {login} 不是网页服务账户：网页上的记录将被拒绝；请管理员："
            f"pdca account grant {login} service"
        )
    return None


def follow_views(
    app: PdcaApplication,
    should_stop: Callable[[], bool],
    interval: float = 0.5,
    gap: float = 0.0,
) -> None:
    """Catch the built-in views up, then follow new events until ``should_stop`` (a
    store by this process wakes it; ``gap`` apart at least while events keep coming).
    A failed pass (the database restarting) is retried after a pause, never ends the
    thread: pages would silently go stale."""
    from pdca import log

    runtime = app.projection_runtime()
    names = sorted(runtime.builtin)
    while not should_stop():
        try:
            runtime.follow(*names, interval=interval, should_stop=should_stop, gap=gap)
        except Exception as exc:  # logged, and the loop goes on
            log.warning("views_follow_failed", error=str(exc)[:300])
            time.sleep(max(interval, 1.0))

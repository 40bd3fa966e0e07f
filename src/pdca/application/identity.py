"""Who connected: the principal a front end's acting context starts from.

On SQLite, the effective uid's login name: the operating system authenticated it, and
whoever may open the file is that user. Never ``$USER``/``$LOGNAME``, which anyone
sets. On PostgreSQL, the connection's ``session_user``: the login the server
authenticated (``SET ROLE`` does not change it), asked once per command.

In-process tests pretend another principal with ``connected_as``; nothing outside the
process can reach it (no environment variable, no option), so the command line never
takes a principal on trust.

Standard library only at import: this is on the path of every writing command.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdca.application.acting import Acting

_pretended: list[str] = []


def os_login() -> str:
    """The effective uid's login name (its number when the user database has none)."""
    import os
    import pwd

    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a container's uid with no passwd entry
        return str(uid)


def session_user(recorder: Any) -> str:
    """The PostgreSQL login of the event store's connection."""
    with recorder.datastore.transaction(commit=False) as c:
        c.execute("SELECT session_user AS login")
        return str(c.fetchone()["login"])


def principal(app: Any) -> str:
    """Who connected to ``app``'s database (see the module's docstring)."""
    if _pretended:
        return _pretended[-1]
    if app.workspace.database.kind == "postgresql":
        return session_user(app.recorder)
    return os_login()


def database_principal(database: Any, recorder: Any) -> str:
    """As ``principal``, before an application exists (``pdca init``)."""
    if _pretended:
        return _pretended[-1]
    return session_user(recorder) if database.kind == "postgresql" else os_login()


@contextlib.contextmanager
def connected_as(login: str) -> Iterator[None]:
    """For in-process tests only: commands inside run as if ``login`` had connected."""
    _pretended.append(login)
    try:
        yield
    finally:
        _pretended.pop()


def acting(app: Any, declared: str | None, command: str, **kwargs: Any) -> Acting:
    """A front end's acting context: the principal who connected, on behalf of
    ``declared`` (``--actor``) when given, else of the principal's own person (its
    account's, once accounts exist). The application checks both (``permit``)."""
    from pdca.application.acting import Acting
    from pdca.domain import names

    login = principal(app)
    person = declared.strip() if declared and declared.strip() else None
    if person is None or person == login:  # naming one's own login is acting as oneself
        from pdca.application import accounts

        roster = accounts.roster(app)
        account = roster.by_login(login) if roster is not None else None
        person = account.person if account is not None else login
    person = names.check_name(person, names.ACTOR)
    return Acting(principal=login, person=person, command=command, **kwargs)

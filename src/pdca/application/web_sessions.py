"""Is a web session live, and whose? The one question the permission check asks of the
credentials table (``accounts.permit`` for a command sent through ``pdca serve``);
``logins`` opens and ends the sessions."""

from __future__ import annotations

import hashlib
from typing import Any


def digest(session: str) -> str:
    """What the table keeps of a session id: whoever reads it cannot take one over."""
    return hashlib.sha256(session.encode("utf-8")).hexdigest()


def store(app: Any) -> Any:
    from pdca.storage.credentials import CredentialStore

    return CredentialStore(app.recorder, app.workspace.database.kind)


def is_live(app: Any, session: str | None, login: str) -> bool:
    """Is ``session`` an open session of ``login``?"""
    if not session:
        return False
    row = store(app).session(digest(session))
    return row is not None and row.login == login

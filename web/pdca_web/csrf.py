"""CSRF tokens for every form, identical on every process.

Each browser holds a random ``pdca_csrf`` cookie (set by ``CsrfCookie`` on its first
request); a form carries HMAC(secret, cookie). Another site can make the browser send
the cookie but can neither read it nor compute the token, and any process with the
deployment's secret checks it without shared state. Templates write ``csrf_field()``;
a handler calls ``check(request, form)`` before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any

from markupsafe import Markup

from pdca.errors import NotPermitted

COOKIE = "pdca_csrf"
FIELD = "csrf_token"


class CsrfRefused(NotPermitted):
    """A form without its token, or with another browser's: refused before it is read."""


def _cookie_of(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed header is a missing cookie
                return None
            morsel = jar.get(COOKIE)
            if morsel is not None and 16 <= len(morsel.value) <= 128:
                return morsel.value
    return None


class CsrfCookie:
    """ASGI middleware: gives a browser without one its CSRF cookie."""

    def __init__(self, app: Any, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = _cookie_of(scope)
        if value is not None:
            scope.setdefault("state", {})["csrf_cookie"] = value
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_cookie"] = value
        header = f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax"
        if self.secure:
            header += "; Secure"

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"set-cookie", header.encode()))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def token(request: Any) -> str:
    """The CSRF token of this browser (to put in a form)."""
    cookie = request.scope.get("state", {}).get("csrf_cookie", "")
    secret: bytes = request.app.state.settings.secret
    return hmac.new(secret, f"csrf|{cookie}".encode(), hashlib.sha256).hexdigest()


def field(request: Any) -> Markup:
    """The hidden input every form carries."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token(request))


def check(request: Any, form: Any) -> None:
    """Refuse a form whose token is missing or not this browser's."""
    sent = form.get(FIELD) if form is not None else None
    if not isinstance(sent, str) or not hmac.compare_digest(sent, token(request)):
        raise CsrfRefused("表单已失效或缺少安全令牌（CSRF）：请刷新页面后重新提交")

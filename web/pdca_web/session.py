"""Who is asking: the session cookie, checked against the database on every request,
and the one wrapper every page and form goes through.

``endpoint`` reads a posted form on the event loop (the only async part), then runs
everything else in the thread pool: the session check, the CSRF check of a form, the
handler, and a refusal page for whatever the application refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from pdca.errors import PdcaError
from pdca_web import csrf
from pdca_web.refusals import outside_failures, refusal

COOKIE = "pdca_session"

Handler = Callable[[Request], Response]


def office(request: Request) -> Any:
    return request.app.state.office


def user_of(request: Request) -> Any:
    from pdca.application import logins

    found = office(request)
    timeout = found.settings.session_minutes * 60
    return logins.user_of(found.app, request.cookies.get(COOKIE), timeout)


def client_address(request: Request) -> str:
    """Who is asking, by address: the connection's, or — only when ``pdca serve
    --proxy`` names the proxy it came through — the proxy's X-Forwarded-For (uvicorn
    resolves it; a header from anyone else is ignored)."""
    return request.client.host if request.client else ""


def set_session(response: Response, request: Request, session: str) -> None:
    secure = request.app.state.settings.secure_cookies
    response.set_cookie(COOKIE, session, httponly=True, samesite="lax", secure=secure, path="/")


def endpoint(
    login: bool = True, while_changing: bool = False, refused_page: Handler | None = None
) -> Callable[[Handler], Callable[[Request], Any]]:
    """Wrap a handler: the user (``request.state.user``; a page needing ``login`` sends
    a visitor to the login page, and a user who must change the one-time password to the
    password page), a posted form (``request.state.form``) checked for its CSRF token,
    and a refusal rendered by ``refused_page`` (else the plain refusal page)."""

    def wrap(handler: Handler) -> Callable[[Request], Any]:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            form = await request.form() if request.method == "POST" else None
            return await run_in_threadpool(_checked, handler, request, form)

        def _checked(handler: Handler, request: Request, form: Any) -> Response:
            request.state.form = form
            request.state.user = None
            try:
                with outside_failures():
                    request.state.user = user = user_of(request)
                    if form is not None:
                        csrf.check(request, form)
                    if login and user is None:
                        target = quote(request.url.path, safe="/")
                        return RedirectResponse(f"/login?next={target}", status_code=303)
                    if user is not None and user.must_change and not while_changing:
                        return RedirectResponse("/password", status_code=303)
                    return handler(request)
            except PdcaError as exc:
                if refused_page is not None and not isinstance(exc, csrf.CsrfRefused):
                    request.state.refusal = exc
                    try:
                        return refused_page(request)
                    except PdcaError:
                        pass  # the page itself cannot be shown: the plain refusal
                return refusal(request, exc)

        return run

    return wrap


def refused_status(request: Request) -> int:
    """The status a re-rendered form page answers with (200 when nothing was refused)."""
    from pdca_web.refusals import status_of

    error = getattr(request.state, "refusal", None)
    return status_of(error) if error is not None else 200


def refusal_text(request: Request) -> str | None:
    error = getattr(request.state, "refusal", None)
    return str(error) if error is not None else None

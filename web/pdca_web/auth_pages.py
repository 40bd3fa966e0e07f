"""Logging in and out, and changing the password (the first login's one-time one)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pdca_web.pages import render
from pdca_web.session import (
    COOKIE,
    client_address,
    endpoint,
    office,
    refusal_text,
    refused_status,
    set_session,
)


def _safe_next(target: str | None) -> str:
    # Only a path on this server: never an open redirect to another site.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def login_page(request: Request) -> Response:
    form = request.state.form or {}
    context = {
        "title": "登录",
        "login": form.get("login", ""),
        "next": _safe_next(form.get("next") or request.query_params.get("next")),
        "refusal": refusal_text(request),
    }
    return render(request, "login.html", context, status=refused_status(request))


@endpoint(login=False, refused_page=login_page)
def login(request: Request) -> Response:
    if request.method == "GET":
        return login_page(request)
    from pdca.application import logins

    form = request.state.form
    session = logins.log_in(
        office(request).app,
        str(form.get("login", "")),
        str(form.get("password", "")),
        client_address(request),
    )
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    set_session(response, request, session)
    return response


@endpoint(login=False)
def logout(request: Request) -> Response:
    from pdca.application import logins

    session = request.cookies.get(COOKIE)
    if session and request.method == "POST":
        logins.log_out(office(request).app, session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def password_page(request: Request) -> Response:
    user = request.state.user
    context = {
        "title": "修改密码",
        "first": bool(user and user.must_change),
        "refusal": refusal_text(request),
    }
    return render(request, "password.html", context, status=refused_status(request))


@endpoint(while_changing=True, refused_page=password_page)
def password(request: Request) -> Response:
    if request.method == "GET":
        return password_page(request)
    from pdca.application import logins

    form = request.state.form
    session = logins.change_password(
        office(request).app,
        request.state.user,
        str(form.get("old", "")),
        str(form.get("new", "")),
        str(form.get("again", "")),
    )
    response = RedirectResponse("/?notice=password", status_code=303)
    set_session(response, request, session)
    return response


ROUTES = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/password", password, methods=["GET", "POST"]),
]

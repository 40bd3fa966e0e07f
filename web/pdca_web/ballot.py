"""The anonymous ballot page: ``/ballot/TOKEN`` from a printed slip's link or QR code.

GET shows the ballot and never spends its token: chat apps and link scanners fetch a
link before its rater opens it. Only the POST spends it, once, through the one cast
path (the box keeps marks only: no token, no actor, no time).

No CSRF token here, on purpose: CSRF forges a request that rides on a browser's
ambient authority (a session cookie), and a ballot has none — its only authority is the
single-use token in the path, which a forging site would have to know, and whoever
knows it can post it directly anyway. Asking for a cookie would only turn away raters
whose in-app browser drops cookies. The answer after a cast is a redirect to a page
without the token, so a reload never re-posts and the token leaves the address bar.

The token never reaches a log: the access log drops ballot paths
(``pdca_web.access_log``) and the application logs a cast without it.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pdca.application import ballot_page
from pdca.errors import Conflict, NotFound, NotPermitted, PdcaError, StorageError
from pdca_web.pages import render
from pdca_web.refusals import guarded
from pdca_web.session import client_address

#: Not cached anywhere, not sent on as a referrer, not indexed: the path is a credential.
_PRIVATE = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


def _page(request: Any, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response = render(request, template, {"title": "测评票", **context}, status=status)
    response.headers.update(_PRIVATE)
    return response


def _status(error: PdcaError) -> int:
    """404: no such token; 403: this server may not take ballots; 409: spent, or the
    box no longer takes ballots; 429: too many unknown tokens from this address; 503:
    the database; 422: the figures typed in."""
    own = getattr(error, "http_status", None)
    if isinstance(own, int):
        return own
    for kind, status in ((NotFound, 404), (NotPermitted, 403), (Conflict, 409)):
        if isinstance(error, kind):
            return status
    return 503 if isinstance(error, StorageError) else 422


def _closed(request: Any, form: ballot_page.BallotForm) -> Response:
    return _page(request, "ballot_closed.html", {"reason": form.reason, "form": form}, 409)


def show(request: Any) -> Response:
    """The ballot, read only (a prefetch leaves the token as it was)."""
    app = request.app.state.office.app
    try:
        form = guarded(
            ballot_page.opened, app, request.path_params["token"], client_address(request)
        )
    except PdcaError as exc:  # unknown (404), too many unknown (429), the database (503)
        return _page(request, "ballot_closed.html", {"reason": str(exc)}, _status(exc))
    if form.state != ballot_page.OPEN:
        return _closed(request, form)
    return _page(request, "ballot.html", {"form": form, "given": {}})


async def cast(request: Any) -> Response:
    """Spend the token with the marks typed in; a refusal keeps what was typed."""
    token = request.path_params["token"]
    given = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    office = request.app.state.office
    app = office.app
    try:
        await run_in_threadpool(
            guarded, ballot_page.cast, app, office.principal, token, given, client_address(request)
        )
    except PdcaError as exc:
        status = _status(exc)
        if status != 422:
            return _page(request, "ballot_closed.html", {"reason": str(exc)}, status)
        form = await run_in_threadpool(guarded, ballot_page.ballot_form, app, token)
        if form.state != ballot_page.OPEN:  # the box closed meanwhile
            return _closed(request, form)
        context = {"form": form, "given": given, "refusal": str(exc)}
        return _page(request, "ballot.html", context, status)
    return RedirectResponse("/ballot/cast", status_code=303, headers=_PRIVATE)


def done(request: Any) -> Response:
    return _page(request, "ballot_done.html", {})


ROUTES = [
    # Before the token route: "cast" is no token (a token has 28 symbols).
    Route("/ballot/cast", done, methods=["GET"]),
    Route("/ballot/{token}", show, methods=["GET"]),
    Route("/ballot/{token}", cast, methods=["POST"]),
]

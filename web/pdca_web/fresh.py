"""The page after a write shows what it recorded, without the write waiting for it.

A form's POST answers as soon as its events are stored: the redirect names the
position of the last one (``?at=N``, its notification id). The page it leads to —
served by whichever process behind the load balancer gets it — waits (at most
3 seconds) until the views in the shared database have reached that position, and no
further. Nothing is kept in a process: the position travels in the URL.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from pdca_web.session import office

AT = "at"
_LONGEST = 19  # digits of a notification id (a 64-bit integer)


def acting(request: Request, command: str) -> object:
    """A web command's acting context (kept on the request for ``written``)."""
    from pdca.application.logins import acting_for

    found = office(request)
    request.state.acting = context = acting_for(
        found.app, request.state.user, command, found.principal
    )
    return context


def written(request: Request, url: str, **query: str) -> RedirectResponse:
    """The redirect after a write: to ``url`` with ``query`` and the write's position."""
    context = getattr(request.state, "acting", None)
    position = context.recorded if context is not None else 0
    if position:
        query[AT] = str(position)
    shown = f"{url}?{urlencode(query)}" if query else url
    return RedirectResponse(shown, status_code=303)


def await_written(request: Request) -> None:
    """On a page asked for after a write: wait for the views to reach its position
    (never past the newest event, whatever the URL says)."""
    value = request.query_params.get(AT, "")
    if not (value.isascii() and value.isdigit() and len(value) <= _LONGEST):
        return
    from pdca.application.serving import await_views

    app = office(request).app
    await_views(app, min(int(value), app.projection_runtime().head()))

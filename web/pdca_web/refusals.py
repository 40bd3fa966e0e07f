"""Refusals as pages: the application's one-line reason, a status code that matches,
and the form as it was filled in.

403: the role or scope does not allow it (or the form lost its CSRF token); 409: the
history does not allow it now (a stage, four eyes, a change underneath); 422: what
was typed is not usable (an unknown name, a malformed number, a score above its
maximum: ``InvalidInput``, told apart by the error family, not by the message); 503:
the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from starlette.responses import Response

from pdca.application.failures import refusal as outside_refusal
from pdca.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotPermitted,
    PdcaError,
    RuleViolation,
    SchemeInvalid,
    StorageError,
)
from pdca_web.pages import render

_STATUS: tuple[tuple[type[PdcaError], int], ...] = (
    (NotPermitted, 403),
    (Conflict, 409),
    (InvalidInput, 422),  # before RuleViolation: it is one
    (RuleViolation, 409),
    (NotFound, 422),
    (SchemeInvalid, 422),
    (StorageError, 503),
)


T = TypeVar("T")


@contextmanager
def outside_failures() -> Iterator[None]:
    """A failure from underneath (the database busy past the pool's wait, a full disk)
    raised as the refusal it means, so it gets the 503 page with its one line, not a 500
    with a traceback; anything unknown stays a bug."""
    try:
        yield
    except PdcaError:
        raise
    except Exception as exc:
        known = outside_refusal(exc)
        if known is None:
            raise
        raise known from exc


def guarded(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` with ``outside_failures`` (for the thread pool)."""
    with outside_failures():
        return work(*args)


class BadInput(InvalidInput):
    """A form field the web front end could not read (a number that is not one)."""


def status_of(error: PdcaError) -> int:
    """The HTTP status of a refusal (an error may name its own: ``http_status``)."""
    own = getattr(error, "http_status", None)
    if isinstance(own, int):
        return own
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 422


def refusal(
    request: Any,
    error: PdcaError,
    template: str = "refused.html",
    context: dict[str, Any] | None = None,
) -> Response:
    """The page for a refused request: ``template`` (a form page re-rendered with what
    was typed in ``context["form"]``, or the plain refusal page) with the reason."""
    values = {"refusal": str(error), "title": "未能完成", **(context or {})}
    return render(request, template, values, status=status_of(error))

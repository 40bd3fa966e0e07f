"""Rendering a page: one Jinja2 environment for the package's templates, with what every
page needs (the CSRF field, the logged-in account, the workspace's clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from pdca_web import csrf

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(("html",)),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _status_label(code: str) -> str:
    from pdca.application.labels import rectification_status

    return rectification_status(code)


def _event_label(name: str) -> str:
    from pdca.application.labels import event_type

    return event_type(name)


_env.filters["rectification_status"] = _status_label
_env.filters["event_type"] = _event_label
# The 督办 colours the application names (红 overdue, 黄 rejected or behind, 蓝 near).
_COLOURS = {"红": "red", "黄": "yellow", "蓝": "blue"}
_env.filters["colour_class"] = lambda word: _COLOURS.get(word or "", "")


def environment() -> Environment:
    """The package's template environment (another module may add its own filters)."""
    return _env


def render(
    request: Any, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """``template`` rendered with ``context`` and what every page shows."""
    values = {
        "request": request,
        "csrf_field": lambda: csrf.field(request),
        "csrf_token": lambda: csrf.token(request),
        "user": getattr(request.state, "user", None),
        **(context or {}),
    }
    body = _env.get_template(template).render(values)
    return HTMLResponse(body, status_code=status, headers=_NO_STORE)


# Pages show names, scores and evidence: never from a shared cache.
_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

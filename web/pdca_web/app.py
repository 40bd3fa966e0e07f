"""The web application: ``create_app(settings)`` → a Starlette app.

Handlers are plain (synchronous) functions: Starlette runs them in its thread pool,
never on the event loop, because the application layer is synchronous. One
``PdcaApplication`` serves every thread (it keeps nothing about a call). The
anonymous ballot pages (``pdca_web.ballot``) are mounted when that module exists.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from pdca_web import csrf
from pdca_web.office import Office
from pdca_web.pages import STATIC, render
from pdca_web.session import endpoint
from pdca_web.settings import Settings


@endpoint(login=False)
def home(request: Any) -> Any:
    notice = "密码已修改。" if request.query_params.get("notice") == "password" else None
    return render(request, "home.html", {"title": "首页", "notice": notice})


def _ballot_routes() -> list[BaseRoute]:
    if importlib.util.find_spec("pdca_web.ballot") is None:
        return []
    return list(importlib.import_module("pdca_web.ballot").ROUTES)


def _routes() -> list[BaseRoute]:
    from pdca_web import auth_pages, cycle_pages, forms, import_page, reading, uploads

    return [
        Route("/", home),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
        *auth_pages.ROUTES,
        *reading.ROUTES,
        *cycle_pages.ROUTES,
        *forms.ROUTES,
        *uploads.ROUTES,
        *import_page.ROUTES,
        *_ballot_routes(),
    ]


def create_app(settings: Settings, office: Office | None = None) -> Starlette:
    """The application for ``settings``; ``office`` (the opened workspace) is made at
    start-up unless given."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        import anyio.to_thread

        # Handlers and the database pool are sized together (``Settings.threads``).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        opened = office if office is not None else Office.open(settings)
        app.state.office = opened
        if settings.follow:
            opened.start()
        try:
            yield
        finally:
            opened.stop()

    app = Starlette(routes=_routes(), lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(csrf.CsrfCookie, secure=settings.secure_cookies)
    return app

"""A failure from underneath a page (the database busy past the pool's wait) answers
with the 503 page and its one line, not a 500 with a traceback: the benchmark saw
eventsourcing's SQLite pool give up ("Timed out waiting for return of writer") under 32
clients and the server answer 500."""

from __future__ import annotations

import asyncio
import sqlite3
from types import SimpleNamespace
from typing import Any

import pytest
from eventsourcing.persistence import ConnectionUnavailableError
from pdca_web.refusals import guarded
from pdca_web.session import endpoint
from starlette.applications import Starlette
from starlette.routing import Route

from pdca.errors import StorageError


def _get(app: Starlette, path: str) -> tuple[int, str]:
    """One GET through the ASGI interface, as uvicorn would send it."""
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "scheme": "http",
        "root_path": "",
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body.decode()


def _failing(exc: Exception) -> Any:
    def handler(request: Any) -> Any:
        raise exc

    return endpoint(login=False)(handler)


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionUnavailableError("Timed out waiting for return of writer"),
        sqlite3.OperationalError("database is locked"),
    ],
    ids=["pool-timeout", "sqlite-locked"],
)
def test_a_busy_database_is_the_503_page(exc: Exception) -> None:
    app = Starlette(routes=[Route("/page", _failing(exc))])
    # A visitor without a session: the handler is reached without asking the database.
    app.state.office = SimpleNamespace(app=None, settings=SimpleNamespace(session_minutes=30))
    status, body = _get(app, "/page")
    assert status == 503
    assert "数据库" in body
    assert "Traceback" not in body


def test_an_unknown_failure_stays_a_bug() -> None:
    with pytest.raises(ZeroDivisionError):
        guarded(lambda: 1 / 0)


def test_guarded_raises_the_refusal() -> None:
    def busy() -> None:
        raise ConnectionUnavailableError("Timed out waiting for return of writer")

    with pytest.raises(StorageError, match="数据库"):
        guarded(busy)

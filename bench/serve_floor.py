"""The least server the issue's rules allow: what ``pdca serve``'s write throughput is
compared with besides the raw save (``bench/serve.py``).

A Starlette route on uvicorn (the same stack and HTTP parser as ``pdca serve``) that
reads the posted form, then — in the thread pool, as the issue requires of a
synchronous application — does exactly what the raw save does: one ``Application.save``
of one event on a cycle kept in memory, and answers 303. No session, CSRF, roles,
scope, guard, cycle load or views: its rate is the ceiling any server written on this
stack reaches on this machine, so ``pdca serve``'s distance to it is the cost of its
own checks, and the floor's distance to the raw save is the cost of HTTP and the
thread hop alone.

    PDCA_WORKSPACE=... PDCA_DB=... PDCA_POOL_SIZE=8 \
        python -m uvicorn serve_floor:app --app-dir bench --port P
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

ACTOR = "基准-督查员"
_state: dict[str, Any] = {}
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def _save(address: str, task: int, progress: int) -> None:
    from eventsourcing.persistence import IntegrityError

    from pdca.domain.cycle import Cycle

    app, cycles = _state["app"], _state["cycles"]
    with _guard:
        lock = _locks.setdefault(address, threading.Lock())
    with lock:  # one cycle, one writer at a time: the raw saves' threads own theirs
        for _ in range(2):
            cycle = cycles.get(address)
            if cycle is None:
                cycle = cycles[address] = app.get_cycle(address)
            cycle.record(Cycle.TaskReported, task_no=task, progress=progress, note="基准",
                         actor=ACTOR)  # fmt: skip
            try:
                app.save(cycle)
                return
            except IntegrityError:  # moved by another contestant's round: load it again
                cycles.pop(address)
        raise RuntimeError(f"{address}: saved by someone else twice over")


async def task_report(request: Request) -> Response:
    form = await request.form()
    address = f"{request.path_params['unit']}/{request.path_params['period']}"
    try:
        task, progress = int(str(form.get("task"))), int(str(form.get("progress")))
    except ValueError:
        return PlainTextResponse("bad form", status_code=422)
    await run_in_threadpool(_save, address, task, progress)
    return RedirectResponse(f"/cycles/{address}?at=1", status_code=303)


def _load(addresses: list[str]) -> None:
    app, cycles = _state["app"], _state["cycles"]
    for address in addresses:
        cycles[address] = app.get_cycle(address)


async def warm(request: Request) -> Response:
    """Load the cycles named in the body, one address a line, before the clock starts
    (as the raw saves load theirs): the posts then time the save alone."""
    addresses = (await request.body()).decode("utf-8").splitlines()
    await run_in_threadpool(_load, addresses)
    return PlainTextResponse("ok")


@contextlib.asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    import anyio.to_thread

    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    threads = int(os.environ.get("PDCA_POOL_SIZE", "8"))
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    workspace = open_workspace(os.environ["PDCA_WORKSPACE"], os.environ["PDCA_DB"])
    _state["app"] = PdcaApplication(workspace, pooled=True)
    _state["cycles"] = {}
    try:
        yield
    finally:
        _state.pop("app").close()


app = Starlette(
    routes=[
        Route("/cycles/{unit}/{period}/task_report", task_report, methods=["POST"]),
        Route("/warm", warm, methods=["POST"]),
    ],
    lifespan=lifespan,
)

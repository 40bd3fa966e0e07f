"""``pdca serve --workers N``: N processes answer requests, one thread keeps the views.

One process is bound by the interpreter's lock to one core; an office PC or a server
with more cores runs several, as uvicorn runs them: the parent binds the port and
starts the workers, each of which imports ``app_in_worker`` and opens the workspace
itself. The views' follower runs once, in the parent, which otherwise only watches its
workers: the request processes read views and never take the tracking lock, as the
threads of one process do. The workers hold nothing of their own (sessions are rows,
the position after a write travels in the URL), so any of them may answer any request.

What a worker is started with travels in one environment variable, without the
session secret: each worker reads that from the deployment (or the workspace's own
file) as the parent did, so it never sits in the environment twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from pdca_web.settings import Settings, load_secret

ENV = "PDCA_SERVE_WORKER"
#: What ``app_in_worker`` is to uvicorn (an import string: each worker imports it).
FACTORY = "pdca_web.workers:app_in_worker"


def export(settings: Settings, local: Path | None) -> None:
    """Put ``settings`` (not its secret) where the workers will find them; ``local``:
    the workspace's folder when a local secret file may stand in for the deployment's."""
    fields = {k: v for k, v in asdict(settings).items() if k != "secret"}
    fields["local"] = str(local) if local is not None else None
    os.environ[ENV] = json.dumps(fields)


def run(workers: int, options: dict[str, Any]) -> None:
    """uvicorn's multiprocess server, as ``uvicorn.run(FACTORY, workers=N)`` starts it,
    but for its listener: uvicorn binds it without naming the protocol, the accepted
    sockets report protocol 0, and asyncio then leaves Nagle's algorithm on — every
    answer on a kept-alive connection after the first waited ~40 ms for the browser's
    delayed ACK (measured: a unit's page 17 → 60 ms; uvicorn issue #3149). The same
    descriptor, marked TCP, makes asyncio set TCP_NODELAY on each connection as it does
    with one process."""
    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    config = Config(FACTORY, factory=True, workers=workers, **options)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the workers are stopped
        Multiprocess(config, sockets=[listener(config)]).run()


def listener(config: Any) -> socket.socket:
    """The socket uvicorn's ``config`` binds, marked TCP (see ``run``)."""
    bound = config.bind_socket()
    if bound.family not in (socket.AF_INET, socket.AF_INET6):
        return bound
    marked = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
    marked.set_inheritable(True)
    return marked


def for_parent(settings: Settings) -> Settings:
    """The parent's follower: no store of its own wakes it (the workers store), so it
    looks for new events as often as it applies a busy stream of them (``follow_gap``)
    rather than every ``follow_seconds`` — a page after a form waits for it. An idle
    look is a few small reads (the head, the positions)."""
    return replace(settings, follow_seconds=min(settings.follow_seconds, settings.follow_gap))


def app_in_worker() -> Any:
    """A worker's application: the parent's settings, its views followed by the parent."""
    from pdca_web.app import create_app

    fields = json.loads(os.environ[ENV])
    local = fields.pop("local")
    settings = Settings(**fields)
    secret = load_secret(dict(os.environ), Path(local) if local else None)
    return create_app(replace(settings, secret=secret, follow=False))

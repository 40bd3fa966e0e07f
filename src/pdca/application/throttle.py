"""Throttling by client address: a client that misses too often in a window is held
until the window ends — logins (wrong passwords, unknown logins, whatever login they
name) and anonymous ballot links (unknown tokens).

The per-login lock (``logins``) stops guessing one login's password; this stops one
address trying many logins, or guessing ballot tokens. The counters are rows of the
credentials store (``pdca.storage.credentials``), so every server process behind a
load balancer counts together. The address is what the front end says the client is:
``pdca serve`` takes it from the connection, or from the proxy's X-Forwarded-For only
when the deployment names its proxy (``--proxy``).

The limits are generous on purpose: an office behind one NAT address, or a hall of
raters on one Wi-Fi, shares one address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pdca.errors import NotPermitted


@dataclass(frozen=True)
class Limit:
    kind: str
    misses: int  # this many misses in one window hold the address...
    seconds: int  # ...until the window, begun at its first miss, ends
    what: str  # what missed, for the refusal


LOGIN = Limit("login", 30, 15 * 60, "登录失败")
BALLOT = Limit("ballot", 20, 15 * 60, "无效的测评票链接")


class Throttled(NotPermitted):
    """The client's address is held until its window ends."""

    http_status = 429


def _key(limit: Limit, client: str) -> str:
    return f"{limit.kind}:{client[:100]}"


def held_until(app: Any, limit: Limit, client: str, now: float | None = None) -> float:
    """The instant the address is held until, or 0 when it is not held."""
    from pdca.application.web_sessions import store

    now = time.time() if now is None else now
    window = store(app).window(_key(limit, client))
    if window is None or window.misses < limit.misses or window.since + limit.seconds <= now:
        return 0.0
    return window.since + limit.seconds


def miss(app: Any, limit: Limit, client: str, now: float | None = None) -> float:
    """Count one miss of the address; the instant it is held until (0: not held)."""
    from pdca.application.web_sessions import store

    now = time.time() if now is None else now
    window = store(app).miss(_key(limit, client), now, limit.seconds)
    return window.since + limit.seconds if window.misses >= limit.misses else 0.0


def refusal(app: Any, limit: Limit, client: str, until: float) -> Throttled:
    """The one line a held client reads (the time in the workspace's zone)."""
    from datetime import UTC, datetime

    shown = datetime.fromtimestamp(until, UTC).astimezone(app.clock.zone).strftime("%H:%M")
    return Throttled(
        f"来自地址 {client or '（未知）'} 的{limit.what}次数过多，该地址暂停至 {shown}"
        f"（{limit.seconds // 60} 分钟内 {limit.misses} 次即暂停）；请稍后再试"
    )


def check(app: Any, limit: Limit, client: str, now: float | None = None) -> None:
    """Refuse a held address (``Throttled``, 429)."""
    until = held_until(app, limit, client, now)
    if until:
        raise refusal(app, limit, client, until)

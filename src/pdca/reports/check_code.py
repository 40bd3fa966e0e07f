"""The 校验码 printed on exports and the round report: the newest anchor's number and
the first 20 hex digits of its digest (``pdca verify --code`` checks one)."""

from __future__ import annotations

from typing import Any


def line(app: Any) -> str | None:
    """``校验码：12-3f2a-…（第 12 号锚点，…）``, or None when no anchor was ever taken."""
    latest = app.latest_anchor()
    if latest is None:
        return None
    after = (
        f"；其后又记录了 {latest['events_after']} 个事件，未在此锚点内"
        if latest["events_after"]
        else ""
    )
    return (
        f"校验码：{latest['code']}（第 {latest['anchor']} 号锚点，{latest['taken_at']}{after}；"
        f"核对：pdca verify --code {latest['code']}）"
    )


def text(app: Any) -> str:
    """The line, or what to do when there is no anchor yet (the report always says)."""
    return line(app) or "校验码：无（尚未记录锚点；定稿或运行 pdca anchor 后即有）"

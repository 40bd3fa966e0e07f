"""Structured log lines on stderr, paying for ``structlog`` only when a line is emitted.

``import structlog`` costs ~110 ms here (it pulls in ``structlog.dev`` and its
friends); most commands log nothing at the default level, so the import happens
on the first line that passes the level set by ``PDCA_LOG_LEVEL`` (default
``warning``).
"""

from __future__ import annotations

import os
import sys
from typing import Any

_LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40}
_logger: Any = None


def _threshold() -> int:
    return _LEVELS.get(os.environ.get("PDCA_LOG_LEVEL", "warning").lower(), 30)


def _get_logger() -> Any:
    global _logger
    if _logger is None:
        import structlog

        structlog.configure(
            processors=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
            logger_factory=structlog.PrintLoggerFactory(sys.stderr),
            cache_logger_on_first_use=True,
        )
        _logger = structlog.get_logger("pdca")
    return _logger


def _emit(level: str, event: str, fields: dict[str, Any]) -> None:
    if _LEVELS[level] >= _threshold():
        getattr(_get_logger(), level)(event, **fields)


def info(event: str, **fields: Any) -> None:
    _emit("info", event, fields)


def warning(event: str, **fields: Any) -> None:
    _emit("warning", event, fields)

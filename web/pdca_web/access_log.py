"""Uvicorn's access log, less every ballot path: a token in a log would tie a ballot to
whoever holds the log (and to the slip it was printed on)."""

from __future__ import annotations

import logging

BALLOT_PREFIX = "/ballot/"


class NoBallotPaths(logging.Filter):
    """Drops an access-log record whose request line names a ballot path."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        # uvicorn.access: (client, method, full_path, http_version, status)
        if any(isinstance(a, str) and BALLOT_PREFIX in a for a in args):
            return False
        return BALLOT_PREFIX not in record.getMessage()


def log_config() -> dict[str, object]:
    """Uvicorn's logging, with the ballot filter on its access log."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_ballot": {"()": "pdca_web.access_log.NoBallotPaths"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
                "filters": ["no_ballot"],
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }

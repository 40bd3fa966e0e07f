"""The access log keeps no ballot link: a token in a log ties a ballot to its slip."""

from __future__ import annotations

import logging

from pdca_web.access_log import NoBallotPaths


def _record(path: str) -> logging.LogRecord:
    # As uvicorn.access logs a request: (client, method, full path, http version, status).
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", path, "1.1", 200),
        None,
    )


def test_ballot_paths_are_dropped_and_others_kept() -> None:
    keep = NoBallotPaths()
    assert not keep.filter(_record("/ballot/7DKB-WBC2-8SEG"))
    assert not keep.filter(_record("/ballot/7DKB-WBC2-8SEG?x=1"))
    assert keep.filter(_record("/ranking?period=2024"))
    assert keep.filter(_record("/cycles/市财政局/2024"))

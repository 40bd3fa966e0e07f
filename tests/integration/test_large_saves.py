"""A save of several megabytes returns on PostgreSQL (and SQLite).

psycopg's pipeline mode (the library's save, and ``pg_single``'s) hung with a save of
1,000 new cycles (each ``Opened`` carries its scheme's whole text): client and server
waited for each other for ever (``bench/serve.py`` at 1,000 units). Both recorders now
send a save of more than 256 KB statement by statement (``pg_attaching.pipelined``): the
cycles below, through a command's recorder and a server's, and an 8 MB evidence file
(which returned through the pipeline too; it checks that path carries attachments). Each
save runs in a thread the test waits for; one that hung would leave it running (a
liveness bound, minutes long: not a speed figure)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from pdca.application.service import PdcaApplication, new_cycle
from pdca.application.workspace import open_workspace
from tests.conftest import Workspace
from tests.integration.test_evidence import C, open_cycle, pdf, sha

HUNG = 600  # seconds: a save that has not returned by then never will


def finished(call: Callable[[], Any]) -> Any:
    """``call()``'s answer, from a thread; fails when it does not return."""
    answer: list[Any] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            answer.append(call())
        except BaseException as exc:  # said by the test below
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HUNG)
    assert not thread.is_alive(), "the save never returned"
    if failure:
        raise failure[0]
    return answer[0]


@pytest.mark.parametrize("pooled", [False, True], ids=["command", "server"])
def test_eight_megabytes_of_new_cycles_save_at_once(workspace: Workspace, pooled: bool) -> None:
    ws = workspace
    # A command's recorder (PostgreSQL: ``pg_single``) and a server's (the library's pool).
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url), pooled=pooled)
    try:
        scheme = app.workspace.scheme("jilin")
        one = len(scheme.text.encode("utf-8"))  # each Opened event carries the whole text
        count = 8 * 1024 * 1024 // one + 1
        cycles = [new_cycle(f"单位{n:04d}", "2024", scheme, ws.actor) for n in range(count)]
        before = app.recorder.max_notification_id() or 0
        recordings = finished(lambda: app.save(*cycles))
        ids = [r.notification.id for r in recordings]
        assert len(ids) == count and ids == sorted(ids) and ids[0] > before
        assert app.recorder.max_notification_id() == ids[-1]
        assert app.get_cycle(f"单位{count - 1:04d}/2024").scheme_digest == scheme.digest
    finally:
        app.close()
    assert ws.event_count() == count + before


def test_an_eight_megabyte_evidence_file_is_stored(workspace: Workspace) -> None:
    ws = workspace
    open_cycle(ws)
    data = pdf(bytes(range(256)) * (8 * 4096))  # 8 MiB and a few bytes, not compressible
    path = ws.root.parent / "扫描件.pdf"
    path.write_bytes(data)
    args = ("task", "report", C, "1", "--progress", "50", "--attach", str(path))
    assert finished(lambda: ws.ok(*args).output) == "任务 #1 进度：50%（附件 1 个）\n"
    shown = json.loads(ws.ok("evidence", "show", sha(data), "--json").output)
    assert (shown["name"], shown["size"]) == ("扫描件.pdf", len(data))
    got = ws.root.parent / "取回.pdf"
    ws.ok("evidence", "get", sha(data), "-o", str(got))
    assert got.read_bytes() == data

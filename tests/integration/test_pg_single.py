"""PostgreSQL: one plain connection for a one-shot command, the library's pool for a
long-running process (issue 17, item 3; ``pdca.storage.pg_single``).

* A command (a read and a write, as the installed program) imports no ``psycopg_pool``
  and no ``eventsourcing.postgres``, and opens one connection.
* ``pdca serve``'s application and a projection worker (``--follow``) keep the pool, the
  server's sized to its threads.
* The one-shot recorder reads what the library's reads, row for row; a conflict is the
  library's ``IntegrityError`` and writes nothing; a lost connection is opened again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.storage import pg_connection
from tests.conftest import Workspace, _pg_connect

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
PG = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
CYCLE = "市财政局/2024"

#: Runs the installed ``pdca`` script as it runs, then says which modules it loaded.
_WATCHED = """
import atexit, json, runpy, sys
watched = ("psycopg", "psycopg_pool", "eventsourcing.postgres", "pdca.storage.pg_single")
atexit.register(lambda: print(json.dumps({m: m in sys.modules for m in watched}), file=sys.stderr))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def a_cycle(ws: Workspace) -> None:
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", CYCLE, "三会一课", "--deadline", "2024-12-31")


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    """A PostgreSQL workspace with one cycle of three events (``a_cycle``)."""
    a_cycle(workspace)
    return workspace


def watched(ws: Workspace, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, bool]]:
    done = subprocess.run(
        [sys.executable, "-c", _WATCHED, PDCA, *args],
        env={**os.environ, **ws.env},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return done, json.loads(done.stderr.strip().splitlines()[-1])


def made_from_now(monkeypatch: pytest.MonkeyPatch) -> list[pg_connection.Datastore]:
    """The one-shot datastores made from now on (one per command's application)."""
    made: list[pg_connection.Datastore] = []
    init = pg_connection.Datastore.__init__

    def noted(self: pg_connection.Datastore, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(pg_connection.Datastore, "__init__", noted)
    return made


def application(ws: Workspace, pooled: bool = False) -> PdcaApplication:
    return PdcaApplication(open_workspace(str(ws.root), ws.db_url), pooled=pooled)


def stored_again(recorder: Any) -> tuple[Any, StoredEvent]:
    """The newest stored row, and the same event as a second insert would send it."""
    last = recorder.select_notifications(None, 10)[-1]
    return last, StoredEvent(last.originator_id, last.originator_version, last.topic, last.state)


@PG
def test_a_command_on_postgresql_imports_no_pool(ws: Workspace) -> None:
    before = ws.event_count()
    status, loaded = watched(ws, "cycle", "status", CYCLE, "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["stage"] == "plan"
    assert loaded == {
        "psycopg": True,
        "psycopg_pool": False,
        "eventsourcing.postgres": False,
        "pdca.storage.pg_single": True,
    }
    added, loaded = watched(ws, "task", "add", CYCLE, "党费收缴", "--deadline", "2024-12-31")
    assert added.returncode == 0, added.stderr
    assert ws.event_count() == before + 1
    assert loaded["psycopg_pool"] is False and loaded["eventsourcing.postgres"] is False
    assert loaded["pdca.storage.pg_single"] is True


@PG
def test_a_writing_command_opens_one_connection(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = made_from_now(monkeypatch)
    ws.ok("task", "add", CYCLE, "党费收缴", "--deadline", "2024-12-31")
    ws.ok("cycle", "status", CYCLE)
    # One connection each, closed when the command ended.
    assert [(datastore.opened, datastore.connections()) for datastore in made] == [(1, 0)] * 2
    assert [row[0] for row in ws.sql("SELECT topic FROM pdca_events ORDER BY notification_id")][
        -1
    ].endswith("TaskAdded")


@PG
def test_the_server_keeps_a_pool_sized_to_its_threads(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.application.serving import open_application

    monkeypatch.setenv("PDCA_POOL_SIZE", "3")  # as ``pdca serve --threads 3`` sets it
    app = open_application(str(ws.root), ws.db_url)
    try:
        datastore = app.recorder.datastore
        assert type(datastore).__module__ == "eventsourcing.postgres"
        assert (datastore.pool.min_size, datastore.pool.max_size) == (3, 3 + 10)
        assert app.recorder.max_notification_id() == ws.event_count() == 3
    finally:
        app.close()


@PG
def test_a_projection_worker_keeps_a_pool(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from pdca.application import views

    follow, used = views.follow, []

    def once(app: Any, acting: Any, names: Any, interval: float, _stop: Any, tell: Any) -> int:
        used.append(type(app.recorder.datastore).__module__)
        return follow(app, acting, names, interval, lambda: True, tell)  # one pass, then stop

    monkeypatch.setattr(views, "follow", once)
    made = made_from_now(monkeypatch)
    done = json.loads(ws.ok("projections", "run", "catalog", "--follow", "--json").stdout)
    assert used == ["eventsourcing.postgres"] and made == []
    assert done["projections"] == ["catalog"]
    # Without --follow the same command is a one-shot one.
    ws.ok("projections", "run", "catalog")
    assert len(made) == 1 and made[0].opened == 1


@PG
def test_the_one_shot_recorder_reads_what_the_librarys_reads(ws: Workspace) -> None:
    ws.ok("task", "publish", CYCLE)
    ws.ok("cycle", "advance", CYCLE, "start_do")
    single, pooled = application(ws), application(ws, pooled=True)
    try:
        ours, library = single.recorder, pooled.recorder
        assert type(ours.datastore) is pg_connection.Datastore
        assert ours.max_notification_id() == library.max_notification_id() == 5
        topics = ["pdca.domain.cycle:Cycle.TaskAdded", "pdca.domain.unit:Unit.Registered"]
        for start, limit, stop, chosen, inclusive in [
            (None, 10, None, (), True),
            (1, 2, None, (), True),
            (2, 10, 4, (), False),
            (None, 10, None, topics, True),
            (3, 10, 5, topics[:1], True),
        ]:
            args = (start, limit, stop, chosen)
            mine = ours.select_notifications(*args, inclusive_of_start=inclusive)
            assert mine == library.select_notifications(*args, inclusive_of_start=inclusive)
            assert mine  # every case finds rows
        cycle = mine[0].originator_id
        for options in [{}, {"gt": 1}, {"lte": 2}, {"gt": 1, "lte": 3, "desc": True}, {"limit": 1}]:
            found = ours.select_events(cycle, **options)
            assert found == library.select_events(cycle, **options) and found
        assert [e.originator_version for e in ours.select_events(cycle, desc=True)] == [4, 3, 2, 1]
        # The same statements as the library's, where both build one.
        for name in ("select_events_statement", "max_notification_id_statement"):
            assert getattr(ours, name).as_string() == getattr(library, name).as_string()
        assert [s.as_string() for s in ours.lock_table_statements] == [
            s.as_string() for s in library.lock_table_statements
        ]
        assert ours.channel_name == library.channel_name
    finally:
        single.close()
        pooled.close()


@PG
def test_a_conflict_is_the_librarys_integrity_error_and_writes_nothing(
    ws: Workspace,
) -> None:
    app = application(ws)
    try:
        recorder = app.recorder
        last, again = stored_again(recorder)
        with pytest.raises(IntegrityError):
            recorder.insert_events([again])
        assert ws.event_count() == 3
        # The connection is still good: the next insert lands, after the others.
        ids = recorder.insert_events([StoredEvent(last.originator_id, 99, last.topic, last.state)])
        assert ids is not None and len(ids) == 1 and ids[0] > last.id
        assert recorder.datastore.connections() == 1
    finally:
        app.close()
    assert ws.event_count() == 4


@PG
def test_a_lost_connection_is_opened_again(ws: Workspace) -> None:
    app = application(ws)
    try:
        datastore = app.recorder.datastore
        with datastore.transaction() as c:
            c.execute("SELECT pg_backend_pid() AS pid")
            pid = c.fetchone()["pid"]
        with _pg_connect() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert app.recorder.max_notification_id() == 3  # retried on a new connection
        assert (datastore.opened, datastore.connections()) == (2, 1)
    finally:
        app.close()
    assert datastore.connections() == 0

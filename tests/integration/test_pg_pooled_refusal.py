"""The pooled PostgreSQL recorder (``pdca serve``) reports a refused save by the
statement that failed, as the one-shot recorder does (``pipeline_failures``): psycopg
raises ``PipelineAborted`` over the real error from its sync now and then, by the order
results arrive in, and the library's save handed that on — 「数据库不可用：pipeline
aborted」 for a conflict. Here the statement fails that way on purpose, on a real server;
a real conflict is still the library's ``IntegrityError`` and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, ProgrammingError, StoredEvent
from psycopg import errors

from pdca.application.service import PdcaApplication
from pdca.storage.postgres_recorder import Recorder
from tests.conftest import Workspace
from tests.integration.test_pg_single import application, stored_again

PG = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _pooled(ws: Workspace) -> PdcaApplication:
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    return application(ws, pooled=True)


def _as_the_pipeline_raises_it(*_: Any, **__: Any) -> None:
    try:
        raise errors.InsufficientPrivilege("permission denied for table pdca_events")
    finally:
        raise errors.PipelineAborted("pipeline aborted")  # over it, as psycopg does


@PG
def test_a_refusal_under_pipeline_aborted_is_the_statement_that_failed(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _pooled(workspace)
    try:
        recorder = app.recorder
        assert isinstance(recorder, Recorder)
        last = recorder.select_notifications(None, 10)[-1]
        monkeypatch.setattr(Recorder, "_insert_stored_events", _as_the_pipeline_raises_it)
        event = StoredEvent(last.originator_id, 99, last.topic, last.state)
        with pytest.raises(ProgrammingError, match="permission denied"):
            recorder.insert_events([event])
        monkeypatch.undo()
        assert workspace.event_count() == 2
        # The pooled connection is still good: the next save lands.
        assert recorder.insert_events([event])
    finally:
        app.close()
    assert workspace.event_count() == 3


@PG
def test_a_conflict_through_the_pool_is_the_librarys_integrity_error(
    workspace: Workspace,
) -> None:
    app = _pooled(workspace)
    try:
        _, again = stored_again(app.recorder)
        with pytest.raises(IntegrityError):
            app.recorder.insert_events([again])
    finally:
        app.close()
    assert workspace.event_count() == 2

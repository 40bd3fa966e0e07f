"""A rebuild built aside writes each changed cycle's rows once, at the batch holding
its last event, however small its batches (``Batch.settled``): the same tables as a
rebuild in one batch and as the views kept live by the commands, with each cycle
scored as often as the one-batch rebuild scores it (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.projections import scores
from tests.conftest import Workspace

TABLES = ("scores", "scores_units", "ledger")


def _dump(ws: Workspace) -> dict[str, list[tuple[str, ...]]]:
    return {t: sorted(tuple(map(str, r)) for r in ws.sql(f"SELECT * FROM {t}")) for t in TABLES}


def _rebuilt(ws: Workspace, batch_events: int) -> None:
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        runtime = app.projection_runtime()
        runtime.batch_events = batch_events
        runtime.rebuild("scores", "ledger")
    finally:
        app.close()


def test_a_rebuild_in_small_batches_scores_each_cycle_once_and_ends_the_same(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    ws.ok("demo", "--units", "8", "--seed", "3")
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:  # the views kept live, as a read catches them up: here 11 events a batch
        runtime = app.projection_runtime()
        runtime.batch_events = 11
        runtime.refresh("scores", "ledger")
    finally:
        app.close()
    live = _dump(ws)
    assert live["scores"] and live["ledger"]
    scored: Counter[str] = Counter()
    real = scores.scoring.score

    def counted(facts: Any, scheme: Any, context: Any) -> Any:
        scored[f"{facts.unit}/{facts.period}"] += 1
        return real(facts, scheme, context)

    monkeypatch.setattr(scores.scoring, "score", counted)
    _rebuilt(ws, 10**6)  # the whole history in one batch
    once = Counter(scored)
    assert _dump(ws) == live
    scored.clear()
    _rebuilt(ws, 7)  # a batch every 7 events: hundreds of batches
    assert _dump(ws) == live
    # Each cycle is scored as often as in one batch (a cycle changes in dozens of the
    # small batches: scored at each, it would count dozens).
    assert scored == once
    assert max(once.values()) <= 2, once
    events = ws.event_count()
    assert events > 7 * 100 and len(once) >= 8

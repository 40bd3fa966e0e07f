"""Replaying a cycle's history gives the state the live aggregate had."""

from __future__ import annotations

from datetime import date

from pdca.application.acting import Acting
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.domain.cycle import Cycle
from tests.conftest import Workspace


def state(cycle: Cycle) -> dict:
    return {k: v for k, v in vars(cycle).items() if k != "_pending_events"}


def test_replay_equals_live_aggregate_after_restart(workspace: Workspace) -> None:
    app = PdcaApplication(open_workspace(str(workspace.root), workspace.db_url))
    try:
        app.register_unit(Acting.declared("甲"), "市委办", "党政机关", None)
        app.open_cycle(Acting.declared("甲"), "市委办", "2024-H1", "gansu")
        app.add_task(
            Acting.declared("甲"), "市委办/2024-H1", "三会一课", date(2024, 6, 30), "基本制度"
        )
        app.publish_task_list(Acting.declared("乙"), "市委办/2024-H1")
        for trigger in ("start_do", "start_self_check", "start_on_site"):
            live = app.advance(Acting.declared("丙"), "市委办/2024-H1", trigger, None)
    finally:
        app.close()

    restarted = PdcaApplication(open_workspace(str(workspace.root), workspace.db_url))
    try:
        replayed = restarted.get_cycle("市委办/2024-H1")
        assert state(replayed) == state(live)
        assert replayed.stage == "check.on_site"
        assert replayed.tasks[1].deadline == date(2024, 6, 30)
        assert replayed.version == 6
        # Folding the stored events one by one, with no application, gives the same.
        events = list(restarted.repository.event_store.get(replayed.id))
        folded = None
        for event in events:
            folded = event.mutate(folded)
        assert state(folded) == state(replayed)
    finally:
        restarted.close()

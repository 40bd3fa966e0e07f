"""``pdca.application.kept``: a copy read before is used again only while no event of its
aggregate has been stored since — by this process or any other — and copies kept under
different kinds never stand in for each other (a round kept by the ranking page once
answered a unit page that wanted the round with its events)."""

from __future__ import annotations

from pdca.application.kept import current
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.domain.ids import cycle_id
from tests.conftest import Workspace

C = "市财政局/2024"


def test_a_kept_copy_serves_until_its_aggregate_moves(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "dazhou")
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        ident = cycle_id("市财政局", "2024")
        loads: list[str] = []

        def cycle() -> object:
            loads.append("cycle")
            return app.get_cycle(C)

        def versions() -> object:
            loads.append("versions")
            found = app.get_cycle(C)
            return type("Read", (), {"version": found.version, "stage": found.stage})()

        first = current(app, "cycle", ident, cycle)
        assert current(app, "cycle", ident, cycle) is first
        other = current(app, "versions", ident, versions)
        assert other is not first and other.stage == first.stage  # type: ignore[attr-defined]
        assert loads == ["cycle", "versions"]

        ws.ok("task", "add", C, "三会一课", "--deadline", "2024-12-31")  # another process
        moved = current(app, "cycle", ident, cycle)
        assert moved is not first and moved.version == first.version + 1  # type: ignore[attr-defined]
        assert current(app, "cycle", ident, cycle) is moved
        assert loads == ["cycle", "versions", "cycle"]
    finally:
        app.close()

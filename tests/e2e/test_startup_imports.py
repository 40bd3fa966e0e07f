"""What a supervisor's everyday commands import, locked in (issue 17, the start-up cost).

Each command runs as the real program in a fresh process (bytecode written, as on a
user's machine); just before the process leaves, it writes down which modules were
imported and which of ``Cycle``'s declared events were defined. No timing here: the
figures are ``bench/startup.py``'s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import Workspace

C = "市财政局/2024"
# Run the program's own entry point; when it leaves (pdca_cli._exit.leave), print what the
# process holds on stderr's last line, then leave as it would have.
PROBE = """
import json, sys
import pdca_cli._exit as ending
leave = ending.leave
def noted(done):
    cycle = sys.modules.get("pdca.domain.cycle")
    declared = cycle.Cycle.__dict__["_declared_events"] if cycle else {}
    defined = sorted(n for n in declared if n in cycle.Cycle.__dict__) if cycle else []
    facts = sys.modules.get("pdca.domain.facts")
    made = facts.later.made() if facts else []
    held = {"modules": sorted(sys.modules), "events": defined, "facts": made}
    sys.stderr.write("\\n" + json.dumps(held))
    leave(done)
ending.leave = noted
sys.argv = ["pdca", *sys.argv[1:]]
from pdca_cli import main
main()
"""
# Never on these commands' path: the views' SQL toolkit, the logger (nothing is logged at
# the default level), the web front end, OpenSSL's hashlib (``pdca.sha256`` digests).
NEVER = ("sqlalchemy", "structlog", "pdca_web", "starlette", "psycopg", "hashlib")


def imported(ws: Workspace, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    env = {**os.environ, **ws.env}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done, json.loads(done.stderr.strip().splitlines()[-1])


def _tops(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


# A cycle in 执行 with one task published.
IN_DO = (
    ("unit", "add", "市财政局", "--category", "党政机关"),
    ("cycle", "open", "市财政局", "2024", "--scheme", "jilin"),
    ("task", "add", C, "三会一课", "--deadline", "2024-12-31"),
    ("task", "publish", C),
    ("cycle", "advance", C, "start_do"),
)


@pytest.fixture
def cycle_in_do(sqlite_workspace: Workspace) -> Workspace:
    for step in IN_DO:
        sqlite_workspace.ok(*step)
    return sqlite_workspace


def test_cycle_status_reads_the_file_without_the_event_store_library(
    cycle_in_do: Workspace,
) -> None:
    done, held = imported(cycle_in_do, "cycle", "status", C)
    assert "阶段：执行（do）" in done.stdout
    modules = held["modules"]
    assert "eventsourcing" not in _tops(modules)
    for module in (
        "pdca.application.service",
        "pdca.domain.cycle",
        "pdca.domain.unit",
        "pdca.storage.chain",
        *NEVER,
    ):
        assert module not in modules
    # What it does use: the one fold and the stage machine of the pinned scheme.
    assert {"pdca.projections.folds", "pdca.rules.machine", "transitions"} <= set(modules)
    # A cycle with tasks only: no finding, score or ballot type is made a dataclass.
    assert held["facts"] == []


def test_a_write_defines_only_the_event_it_records_and_no_stage_machine(
    cycle_in_do: Workspace,
) -> None:
    done, held = imported(cycle_in_do, "task", "add", C, "述职", "--deadline", "2024-12-31")
    assert "已添加任务 #2" in done.stdout
    assert held["events"] == ["TaskAdded"]
    # Nor a fact type its cycle does not hold (pdca.domain.later), the retry copy and the
    # snapshot codec included.
    assert held["facts"] == []
    # No trigger is checked: the stage machine (transitions, with logging) stays out; the
    # unit is found by its rows (pdca.application.unit_names), not its aggregate.
    # The deadline is read without strptime (pdca_cli._parse.Day); no day is asked for,
    # so the zone database is not read (Acting.zone_of).
    left_out = {"transitions", "pdca.rules.machine", "pdca.domain.unit", "_strptime", *NEVER}
    left_out |= {"zoneinfo", "pdca.application.clock"}
    assert not left_out & set(held["modules"])
    assert (
        cycle_in_do.sql("SELECT count(*) FROM stored_events WHERE topic LIKE '%TaskAdded'")[0][0]
        == 2
    )


def test_advancing_checks_the_trigger_and_defines_only_its_event(
    cycle_in_do: Workspace,
) -> None:
    done, held = imported(cycle_in_do, "cycle", "advance", C, "start_check")
    assert "执行 → 督查（start_check）" in done.stdout
    assert held["events"] == ["StageAdvanced"]
    assert held["facts"] == []
    assert "transitions" in _tops(held["modules"])
    assert not set(NEVER) & set(held["modules"])

"""The acting context is passed in, not kept on the application: one application
instance serves two people's commands at once, each recorded as its own person and
checked against its own role."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from pdca.application.acting import Acting
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.errors import NotPermitted
from tests.conftest import Workspace

A, B = "市财政局/2024", "市税务局/2024"
STAFF = "市财政局-王五"
SUPERVISOR = "督查组-李四"
ROUNDS = 12


def _two_cycles_in_do(ws: Workspace) -> None:
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", SUPERVISOR, "--role", "supervisor")
    ws.ok("account", "add", STAFF, "--role", "staff", "--unit", "市财政局")
    for address in (A, B):
        unit, period = address.split("/")
        ws.ok("unit", "add", unit, "--category", "党政机关")
        ws.ok("cycle", "open", unit, period, "--scheme", "jilin")
        ws.ok("task", "add", address, "专题学习", "--deadline", "2024-12-31")
        ws.ok("task", "publish", address)
        ws.ok("cycle", "advance", address, "start_do")


def _together(*calls: Callable[[], None]) -> list[BaseException]:
    """Run the calls in threads released at the same moment; what each raised."""
    start = threading.Barrier(len(calls))
    raised: list[BaseException] = []

    def run(call: Callable[[], None]) -> None:
        start.wait()
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            raised.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return raised


def test_one_application_serves_two_people_at_once(workspace: Workspace) -> None:
    ws = workspace
    _two_cycles_in_do(ws)
    before = ws.event_count()
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:

        def staff_reports() -> None:
            for n in range(ROUNDS):
                app.report_task(Acting.declared(STAFF, "task report"), A, 1, n, f"第{n}次")

        def supervisor_records() -> None:
            for n in range(ROUNDS):
                app.record_finding(
                    Acting.declared(SUPERVISOR, "finding record"),
                    B,
                    "暗访",
                    "discipline",
                    Decimal("-1"),
                    date(2024, 5, 12),
                    f"第{n}次暗访",
                )

        assert _together(staff_reports, supervisor_records) == []
    finally:
        app.close()

    assert ws.event_count() == before + 2 * ROUNDS
    # Each fact carries the person who recorded it, never the other thread's.
    actors = {
        address: {e["actor"] for e in json.loads(ws.ok("history", address, "--json").stdout)[4:]}
        for address in (A, B)
    }
    assert actors == {A: {STAFF}, B: {SUPERVISOR}}


def test_a_staff_limit_never_leaks_into_another_call(workspace: Workspace) -> None:
    # The staff member's unit limit is noted on the staff member's own context: the
    # supervisor's concurrent write to another unit is not refused by it, and the staff
    # member's write to another unit is refused whatever the other thread does.
    ws = workspace
    _two_cycles_in_do(ws)
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        raised = _together(
            lambda: app.report_task(Acting.declared(STAFF, "task report"), B, 1, 10, None),
            lambda: app.report_task(Acting.declared(SUPERVISOR, "task report"), B, 1, 20, None),
        )
    finally:
        app.close()
    assert len(raised) == 1 and isinstance(raised[0], NotPermitted), raised
    assert "只能为本单位填报" in str(raised[0])
    progress = [e for e in json.loads(ws.ok("history", B, "--json").stdout) if e["position"] > 4]
    assert [(e["actor"], e["type"]) for e in progress] == [(SUPERVISOR, "TaskReported")]


def test_a_use_case_checks_its_own_permission(workspace: Workspace) -> None:
    # Whatever a front end names as its command, the use case checks its own row of the
    # role table: an auditor calling record_finding under a reading command's name is
    # refused, and nothing is written.
    ws = workspace
    _two_cycles_in_do(ws)
    ws.ok("account", "add", "审计-赵六", "--role", "auditor")
    before = ws.event_count()
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        with pytest.raises(NotPermitted) as refused:
            app.record_finding(
                Acting.declared("审计-赵六", "ranking"),
                A,
                "暗访",
                "discipline",
                Decimal("-1"),
                date(2024, 5, 12),
                "e",
            )
    finally:
        app.close()
    assert "无权执行 pdca finding record" in str(refused.value)
    assert ws.event_count() == before

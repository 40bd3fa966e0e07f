"""Idempotent commands (``--request-id``) and concurrent modification, on SQLite and
PostgreSQL: a repeat records nothing and answers as the first time did; a commuting
command is retried after another writer got there first; a command that depended on
what it read is refused with what changed."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from pdca.application import request_ids
from pdca.application.acting import Acting
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.errors import Conflict
from tests.conftest import Workspace

C = "市财政局/2024"
FINDING = [
    *("finding", "record", C, "--source", "暗访", "--indicator", "discipline"),
    *("--points", "-2", "--observed-on", "2024-05-12", "--evidence", "工作时间网购"),
]


def _cycle_in(ws: Workspace, *triggers: str) -> None:
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", C, "三会一课", "--deadline", "2024-12-31")
    ws.ok("task", "publish", C)
    for trigger in triggers:
        ws.ok("cycle", "advance", C, trigger)


def _app(ws: Workspace) -> PdcaApplication:
    return PdcaApplication(open_workspace(str(ws.root), ws.db_url))


def test_a_repeated_request_records_nothing_and_answers_the_same(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do")
    before = ws.event_count()
    first = ws.ok(*FINDING, "--request-id", "req-1")
    assert first.stdout == "已记录发现 #5：暗访 discipline -2（发现于 2024-05-12）\n"
    assert ws.event_count() == before + 3  # the finding, the request, its answer
    again = ws.ok(*FINDING, "--request-id", "req-1")
    assert again.stdout == first.stdout
    assert ws.event_count() == before + 3

    # A non-commuting command, repeated: the stage moves once.
    moved = ws.ok("cycle", "advance", C, "start_check", "--request-id", "req-2")
    count = ws.event_count()
    assert ws.ok("cycle", "advance", C, "start_check", "--request-id", "req-2").stdout == (
        moved.stdout
    )
    assert ws.event_count() == count
    history = json.loads(ws.ok("history", C, "--json").stdout)
    assert [h["type"] for h in history].count("StageAdvanced") == 2  # start_do, start_check


def test_the_same_request_id_for_another_command_is_refused(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do")
    ws.ok(*FINDING, "--request-id", "req-1")
    other = [*FINDING[:-1], "上班时间打游戏"]
    line = ws.refused(*other, "--request-id", "req-1")
    assert line.startswith("错误：请求号 req-1 已于 ") and line.endswith(
        f"由 {ws.actor} 用于 pdca finding record，参数不同；本次未记录，请换一个请求号"
    ), line
    assert ws.run(*other, "--request-id", "req-1").exit_code == 4
    before = ws.event_count()
    assert ws.run(*FINDING, "--request-id", "req-1", actor="督查组-李四").exit_code == 4
    assert ws.event_count() == before
    ws.ok(*other, "--request-id", "req-3")  # a fresh id records it


def test_a_refused_request_leaves_its_id_unused(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do")
    too_much = [*FINDING[:8], "-99", *FINDING[9:]]
    assert "超出范围" in ws.refused(*too_much, "--request-id", "req-9")
    ws.ok(*FINDING, "--request-id", "req-9")


def test_ballot_tokens_are_shown_once_and_never_stored(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do", "start_check")
    issue = ["ballot", "issue", C, "--group", "masses", "--count", "2", "--request-id", "b-1"]
    tokens = ws.ok(*issue).stdout.splitlines()[1:]
    assert len(tokens) == 2
    before = ws.event_count()
    again = ws.ok(*issue).stdout
    assert again == "令牌只在第一次答复中显示，不保存；如已遗失，请另行发放（换一个请求号）\n"
    assert ws.event_count() == before
    stored = b"".join(bytes(row[0]) for row in ws.sql(f"SELECT state FROM {ws.events_table}"))
    assert tokens[0].encode() not in stored and tokens[1].encode() not in stored


def test_an_accepted_request_whose_answer_was_lost_says_so(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    _cycle_in(ws, "start_do")

    def power_cut(*_: Any) -> None:
        raise RuntimeError("power cut after the save")

    monkeypatch.setattr(request_ids, "keep_answer", power_cut)
    # Not a refusal: the internal-error line (exit 9), the traceback kept in a log file.
    cut = ws.run(*FINDING, "--request-id", "req-1")
    assert cut.exit_code == 9 and "RuntimeError: power cut after the save" in cut.output
    monkeypatch.undo()
    count = ws.event_count()
    again = ws.ok(*FINDING, "--request-id", "req-1").stdout
    assert again.startswith("请求 req-1 已于 ")
    assert again.endswith("记录（pdca finding record，1 个事件），原答复未保存；本次未重复记录\n")
    assert ws.event_count() == count


def _record(app: PdcaApplication, evidence: str, actor: Acting | str = "督查组-李四") -> int:
    acting = Acting.declared(actor) if isinstance(actor, str) else actor
    return app.record_finding(
        acting, C, "暗访", "discipline", Decimal("-1"), date(2024, 5, 12), evidence
    )


def _interleave(app: PdcaApplication, method: str, other: Any) -> list[int]:
    """Make ``other()`` run right after ``app`` reads through ``method`` (once): another
    writer saving between this command's read and its save."""
    original = getattr(app, method)
    calls = []

    def read_then_someone_writes(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            other()
        return result

    setattr(app, method, read_then_someone_writes)
    return calls


def test_a_commuting_command_is_retried_after_a_concurrent_write(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do")
    mine, theirs = _app(ws), _app(ws)
    try:
        reads = _interleave(mine, "get_cycle", lambda: _record(theirs, "李四所见"))
        assert _record(mine, "张三所见", actor=ws.actor) == 6  # after theirs, #5
        assert len(reads) == 2  # read, collided, read again
    finally:
        mine.close()
        theirs.close()
    ledger = json.loads(ws.ok("ledger", "2024", "--json").stdout)
    assert sorted((r["position"], r["evidence"]) for r in ledger) == [
        (5, "李四所见"),
        (6, "张三所见"),
    ]


def test_a_stage_advance_is_refused_naming_what_changed(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do")
    mine, theirs = _app(ws), _app(ws)
    try:
        _interleave(mine, "get_cycle", lambda: _record(theirs, "李四所见"))
        with pytest.raises(Conflict) as refused:
            mine.advance(Acting.declared(ws.actor), C, "start_check", None)
    finally:
        mine.close()
        theirs.close()
    message = str(refused.value)
    assert refused.value.exit_code == 4
    assert message.startswith(
        f"'{C}' 在本命令读取之后被他人修改，本次命令未记录；其间记录了：#5 督查发现（督查组-李四，"
    ), message
    assert message.endswith("）；请确认后重新执行")
    status = json.loads(ws.ok("cycle", "status", C, "--json").stdout)
    assert (status["stage"], status["version"]) == ("do", 5)


def test_finalising_a_round_is_refused_when_a_cycle_moved_on(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do", "start_check")
    ws.ok("score", "na", C, "ballot", "--reason", "未组织述职评议")
    ws.ok("step", "record", C, "report", "--text", "述职报告", "--evidence", "述职材料")
    ws.ok("cycle", "advance", C, "start_act")
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    mine, theirs = _app(ws), _app(ws)
    before = ws.event_count()
    try:
        _interleave(
            mine,
            "_round_cycles",
            lambda: theirs.mark_not_applicable(
                Acting.declared("督查组-李四"), C, "tasks", "任务未下达"
            ),
        )
        with pytest.raises(Conflict) as refused:
            mine.finalize_round(Acting.declared(ws.actor), "2024", None, None)
    finally:
        mine.close()
        theirs.close()
    assert "考核轮次 2024 的周期 在本命令读取之后被他人修改" in str(refused.value)
    assert f"{C} #9 不适用认定（督查组-李四，" in str(refused.value)  # #8: the 述职报告
    assert ws.event_count() == before + 1  # theirs; no Finalized


def test_an_identical_request_that_raced_is_answered_not_recorded(workspace: Workspace) -> None:
    ws = workspace
    _cycle_in(ws, "start_do")
    digest = request_ids.request_digest("finding record", ws.actor, {"evidence": "x"})

    def acting() -> Acting:  # each command its own context, under one request id
        return Acting.declared(
            ws.actor, "finding record", request_id="req-1", request_digest=digest
        )

    first, second = _app(ws), _app(ws)
    try:
        _record(first, "x", actor=acting())
        before = ws.event_count()
        with pytest.raises(request_ids.RequestSeen):
            _record(second, "x", actor=acting())  # both read before either saved
        assert ws.event_count() == before
    finally:
        first.close()
        second.close()

"""Accounts and request ids in the installed ``pdca`` program, as a script would meet
them: the OS user running it is the owner's account (an admin and supervisor), entering
on behalf of the auditor (--actor), who may not open a cycle."""

from __future__ import annotations

from tests.conftest import Workspace
from tests.e2e.test_subprocess import pdca


def test_a_refusal_and_a_repeat_in_real_processes(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "zhaoliu", "--person", "审计-赵六", "--role", "auditor")
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    before = ws.event_count()

    ws.actor = "审计-赵六"
    refused = pdca(ws, "cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    assert refused.returncode == 7 and refused.stdout == ""
    assert refused.stderr == (
        "错误：操作人 审计-赵六（审计员）无权执行 pdca cycle open；可执行者：督查员"
        "（账户见 pdca account list）\n"
    )
    assert ws.event_count() == before

    ws.actor = "督查组-张三"
    opened = [
        pdca(ws, "cycle", "open", "市财政局", "2024", "--scheme", "jilin", "--request-id", "x1")
    ]
    opened.append(
        pdca(ws, "cycle", "open", "市财政局", "2024", "--scheme", "jilin", "--request-id", "x1")
    )
    assert [o.returncode for o in opened] == [0, 0], opened[1].stderr
    assert opened[1].stdout == opened[0].stdout and "市财政局/2024" in opened[0].stdout
    assert ws.event_count() == before + 3  # Opened, the request and its answer, once

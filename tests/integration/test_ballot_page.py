"""The ballot page's use cases (issue 15, item 6) on SQLite and PostgreSQL: a slip's
token alone finds its cycle (the ``ballot_slips`` view), showing the ballot writes
nothing, the cast spends the token once, and every refusal writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest

from pdca.application import ballot_page
from pdca.application.identity import principal
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.errors import Conflict, NotFound, NotPermitted, RuleViolation
from tests.conftest import Workspace
from tests.integration.test_ballot_slips import in_check_stage
from tests.integration.test_scoring_refusals import CYCLE

#: 吉林's ballot: 5 items of 20, 19 采分点 (4 + 4 + 4 + 4 + 3).
POINTS = 19


def full_marks(form: ballot_page.BallotForm) -> dict[str, str]:
    return {f.id: str(f.max) for item in form.items for f in item.fields}


@pytest.fixture
def opened(workspace: Workspace) -> Iterator[tuple[Workspace, PdcaApplication, list[str]]]:
    in_check_stage(workspace)
    issued = workspace.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "2", "--json")
    # A second issue on the same cycle: its tokens digest under another salt.
    other = workspace.ok("ballot", "issue", CYCLE, "--group", "leaders", "--count", "1", "--json")
    tokens = json.loads(issued.output)["tokens"] + json.loads(other.output)["tokens"]
    app = PdcaApplication(open_workspace(str(workspace.root), workspace.db_url))
    try:
        yield workspace, app, tokens
    finally:
        app.close()


def test_a_token_alone_opens_its_ballot_and_showing_it_spends_nothing(opened) -> None:
    ws, app, tokens = opened
    before = ws.event_count()
    form = ballot_page.ballot_form(app, tokens[0])
    assert (form.cycle, form.unit, form.period) == (CYCLE, "甲局", "2024")
    assert form.group == "党员群众代表" and form.state == ballot_page.OPEN
    assert [i.id for i in form.items] == [
        "duty",
        "report",
        "answers",
        "daily_work",
        "rectification",
    ]
    assert sum(len(i.fields) for i in form.items) == POINTS
    assert [f.max for f in form.items[4].fields] == [Decimal(7), Decimal(7), Decimal(6)]
    # Typed as a rater might copy it off the slip: lower case, spaces for hyphens.
    typed = tokens[2].lower().replace("-", " ")
    assert ballot_page.ballot_form(app, typed).group == "党组（党委）班子成员"
    ballot_page.ballot_form(app, tokens[0])  # opened twice, as a prefetch then the rater
    assert ws.event_count() == before


def test_a_cast_spends_the_token_once(opened) -> None:
    ws, app, tokens = opened
    form = ballot_page.ballot_form(app, tokens[0])
    before = ws.event_count()
    ballot_page.cast(app, principal(app), tokens[0], full_marks(form))
    assert ws.event_count() == before + 1  # the spent token; the ballot waits in the box
    assert ballot_page.ballot_form(app, tokens[0]).state == ballot_page.USED
    with pytest.raises(Conflict, match="已经投过"):
        ballot_page.cast(app, principal(app), tokens[0], full_marks(form))
    assert ws.event_count() == before + 1
    ballot_page.cast(app, principal(app), tokens[1], full_marks(form))
    # Closed: 2 ballots of 100 each (5 items × 20) counted, none missing.
    assert "计入 2 张" in ws.ok("ballot", "close", CYCLE, "--group", "masses").output


#: (what is typed over full marks, what the refusal says)
WRONG = [
    ({"duty_lead": ""}, "亲自抓党建、带头履责 未填写"),
    ({"duty_lead": "五"}, "不是数值"),
    ({"duty_lead": "５"}, "不是数值"),  # a full-width digit
    ({"duty_lead": "NaN"}, "不是有限数值"),
    ({"duty_lead": "5.5"}, "超出范围；允许 0 至 5"),
    ({"rect_accountable": "-1"}, "超出范围；允许 0 至 6"),
]


def test_a_wrong_figure_is_refused_and_the_token_stays_usable(opened) -> None:
    ws, app, tokens = opened
    form = ballot_page.ballot_form(app, tokens[0])
    before = ws.event_count()
    for change, said in WRONG:
        with pytest.raises(RuleViolation, match=said):
            ballot_page.cast(app, principal(app), tokens[0], {**full_marks(form), **change})
    assert ws.event_count() == before
    assert ballot_page.ballot_form(app, tokens[0]).state == ballot_page.OPEN


def test_an_unknown_token_is_not_found(opened) -> None:
    ws, app, _ = opened
    before = ws.event_count()
    for token in ["", "X" * 65, "7DKB-WBC2-8SEG-CP6N-ZJRX-1YWC-WCN0", "cast"]:
        with pytest.raises(NotFound, match="令牌无效"):
            ballot_page.ballot_form(app, token)
        with pytest.raises(NotFound):
            ballot_page.cast(app, principal(app), token, {})
    assert ws.event_count() == before


def test_a_ballot_is_closed_once_the_cycle_left_its_check(opened) -> None:
    ws, app, tokens = opened
    form = ballot_page.ballot_form(app, tokens[0])
    ws.ok("cycle", "advance", CYCLE, "start_act")
    # Past 督查 the view no longer tries the cycle's issues: the token is not found.
    with pytest.raises(NotFound, match="本次测评已结束"):
        ballot_page.ballot_form(app, tokens[0])
    before = ws.event_count()
    with pytest.raises(NotFound, match="本次测评已结束"):
        ballot_page.cast(app, principal(app), tokens[0], full_marks(form))
    assert ws.event_count() == before


def test_with_accounts_only_the_servers_service_login_takes_an_anonymous_ballot(
    workspace: Workspace,
) -> None:
    ws = workspace
    in_check_stage(ws)
    owner = ws.owner
    ws.ok("account", "add", owner, "--person", "管理员", "--role", "admin", principal=owner)
    ws.ok("account", "add", "zhangsan", "--person", "督查组-张三", "--role", "supervisor",
          principal=owner)  # fmt: skip
    issued = ws.ok(
        "ballot", "issue", CYCLE, "--group", "masses", "--count", "1", "--json",
        principal="zhangsan",
    )  # fmt: skip
    (token,) = json.loads(issued.output)["tokens"]
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        marks = full_marks(ballot_page.ballot_form(app, token))
        before = ws.event_count()
        for login in (owner, "zhangsan", "nosuch"):  # an admin, a supervisor, no account
            with pytest.raises(NotPermitted):
                ballot_page.cast(app, login, token, marks)
        assert ws.event_count() == before
        ws.ok("account", "grant", owner, "service", principal=owner)
        ballot_page.cast(app, owner, token, marks)
    finally:
        app.close()
    assert ws.event_count() == before + 2  # the grant; the spent token
    order = "rowid" if ws.backend == "sqlite" else "notification_id"
    topic, state = ws.sql(f"SELECT topic, state FROM {ws.events_table} ORDER BY {order} DESC")[0]
    spent = json.loads(bytes(state))
    assert topic.endswith("Cycle.BallotTokensUsed")
    # The server's login connected; nobody is named, and the marks are not here.
    assert (spent["principal"], spent["assurance"], spent["actor"]) == (owner, "anonymous", "")
    assert "scores" not in spent

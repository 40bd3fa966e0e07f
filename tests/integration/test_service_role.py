"""The web server's PostgreSQL login (issue 15 item 2): the ``service`` group role is the
only one that reads or writes the credentials tables, and the application records on
behalf of a web account only through a login in it. Real non-superuser logins, one per
group role (``test_database_safeguards.office``), in-process applications on their URLs."""

from __future__ import annotations

import json

import psycopg
import pytest

from pdca.application import ballot_page, logins
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.errors import NotPermitted, PdcaError
from tests.conftest import Workspace, _pg_connect
from tests.integration.test_ballot_slips import in_check_stage
from tests.integration.test_database_safeguards import PG, Office, login_url, office
from tests.integration.test_input_files import issue
from tests.integration.test_scoring_refusals import CYCLE

__all__ = ["office"]  # the fixture, used by name below
TABLES = ("pdca_credentials", "pdca_sessions", "pdca_login_attempts", "pdca_client_throttle")


def _app(office: Office, kind: str) -> PdcaApplication:
    url = login_url(office.logins[kind], office.ws.schema)
    return PdcaApplication(open_workspace(str(office.ws.root), url))


def _accounts(ws: Workspace, writer: str, unit: str) -> str:
    """The owner as admin, 王五 on ``unit`` (his one-time password is the answer), and
    the service account role given to ``writer`` — a login outside the group role."""
    owner = ws.owner
    for args in (
        ("account", "add", owner, "--person", "管理员", "--role", "admin"),
        ("account", "add", "wangwu", "--person", "王五", "--role", "staff", "--unit", unit),
        ("account", "add", writer, "--person", "服务甲", "--role", "service"),
    ):
        ws.ok(*args, principal=owner)
    out = ws.ok("account", "password", "wangwu", "--json", principal=owner).output
    return str(json.loads(out)["password"])


@PG
def test_only_the_service_login_reads_credentials_and_records_for_web_accounts(
    office: Office,
) -> None:
    ws, owner = office.ws, office.ws.owner
    writer, service = office.logins["writer"], office.logins["service"]
    for args in (
        # Before the first account: the cycle, as the owner (declared).
        ("unit", "add", "市财政局", "--category", "党政机关"),
        ("cycle", "open", "市财政局", "2024", "--scheme", "jilin"),
        ("task", "add", "市财政局/2024", "学习", "--deadline", "2024-06-30"),
        ("task", "publish", "市财政局/2024"),
        ("cycle", "advance", "市财政局/2024", "start_do"),
    ):
        ws.ok(*args, principal=owner)
    # The writer login is even given the service account role: the database refuses.
    password = _accounts(ws, writer, "市财政局")

    # psql as each login: the credentials tables are the service login's alone.
    for kind in ("writer", "reader", "admin", "worker"):
        with office.session(kind) as session:
            for table in TABLES:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    session.execute(f"SELECT * FROM {table}")
    with office.session("service") as session:
        for table in TABLES:
            session.execute(f"SELECT count(*) FROM {table}")

    served = _app(office, "service")
    as_writer = _app(office, "writer")
    try:
        user = logins.user_of(
            served, logins.log_in(served, "wangwu", password, "10.0.0.1"), timeout=1800
        )
        assert user is not None and user.person == "王五"
        before = ws.event_count()
        with pytest.raises(PdcaError) as refused:
            as_writer.report_task(
                logins.acting_for(as_writer, user, "task report", writer),
                "市财政局/2024",
                1,
                50,
                None,
            )
        role = office.groups["service"]
        assert str(refused.value) == (
            f"数据库登录 {writer} 不在网页服务分组角色 {role} 中，不能代网页账户记录；"
            f'请 DBA：GRANT "{role}" TO "{writer}"'
        )
        assert ws.event_count() == before  # nothing written

        # The service account role moves to the service login: it records as 王五.
        ws.ok("account", "revoke", writer, "service", principal=owner)
        ws.ok(
            "account", "add", service, "--person", "网页服务", "--role", "service", principal=owner
        )
        before = ws.event_count()
        served.report_task(
            logins.acting_for(served, user, "task report", service),
            "市财政局/2024",
            1,
            50,
            None,
        )
        assert ws.event_count() == before + 1
    finally:
        served.close()
        as_writer.close()
    ((stamp, state),) = ws.sql(
        "SELECT principal_stamp, state FROM pdca_events ORDER BY notification_id DESC LIMIT 1"
    )
    recorded = json.loads(bytes(state))
    assert stamp == service
    assert (recorded["actor"], recorded["principal"], recorded["assurance"]) == (
        "王五",
        service,
        "web",
    )


def _ballot(app: PdcaApplication, token: str) -> dict[str, str]:
    """Every box of the ballot ``token`` opens at its maximum, as a rater types it."""
    form = ballot_page.ballot_form(app, token)
    return {f.id: str(f.max) for item in form.items for f in item.fields}


@PG
def test_ballots_need_the_service_group_role_and_a_revoke_takes_effect_at_once(
    office: Office,
) -> None:
    """Anonymous ballots are held to the same group role as records on behalf of web
    accounts; and a DBA's REVOKE stops a server already running on its next write (no
    restart), for ballots and for web accounts alike."""
    ws, owner = office.ws, office.ws.owner
    writer, service = office.logins["writer"], office.logins["service"]
    in_check_stage(ws)
    tokens = issue(ws, 3)
    password = _accounts(ws, writer, "甲局")
    role = office.groups["service"]

    def box() -> int:
        return int(ws.sql("SELECT count(*) FROM pdca_ballot_box")[0][0])

    served, as_writer = _app(office, "service"), _app(office, "writer")
    try:
        # A writer login holding the service *account* role: the database says no.
        before = (ws.event_count(), box())
        with pytest.raises(NotPermitted) as refused:
            ballot_page.cast(as_writer, writer, tokens[0], _ballot(as_writer, tokens[0]))
        assert str(refused.value) == (
            f"数据库登录 {writer} 不在网页服务分组角色 {role} 中，不能收不记名测评票；"
            f'请 DBA：GRANT "{role}" TO "{writer}"'
        )
        assert (ws.event_count(), box()) == before  # nothing written

        # The service account role moves to the service login: it takes the same ballot,
        # and records for 王五.
        ws.ok("account", "revoke", writer, "service", principal=owner)
        ws.ok(
            "account", "add", service, "--person", "网页服务", "--role", "service", principal=owner
        )
        before = (ws.event_count(), box())
        ballot_page.cast(served, service, tokens[0], _ballot(served, tokens[0]))
        assert (ws.event_count(), box()) == (before[0] + 1, before[1] + 1)
        user = logins.user_of(
            served, logins.log_in(served, "wangwu", password, "10.0.0.1"), timeout=1800
        )
        assert user is not None
        acting = logins.acting_for(served, user, "task report", service)
        served.report_task(acting, CYCLE, 1, 40, None)
        assert ws.event_count() == before[0] + 2

        # The DBA revokes the group role; the same running application is refused next
        # (before it reads anything: the login reads no view any more either).
        given = _ballot(served, tokens[1])
        with _pg_connect() as conn:
            conn.execute(f'REVOKE "{role}" FROM "{service}"')
        before = (ws.event_count(), box())
        with pytest.raises(NotPermitted) as refused:
            ballot_page.cast(served, service, tokens[1], given)
        assert str(refused.value) == (
            f"数据库登录 {service} 不在网页服务分组角色 {role} 中，不能收不记名测评票；"
            f'请 DBA：GRANT "{role}" TO "{service}"'
        )
        with pytest.raises(NotPermitted) as refused:
            served.report_task(
                logins.acting_for(served, user, "task report", service), CYCLE, 1, 60, None
            )
        assert str(refused.value).startswith(f"数据库登录 {service} 不在网页服务分组角色 {role}")
        assert (ws.event_count(), box()) == before  # nothing written

        # Granted back: the next ballot is taken, again without a restart.
        with _pg_connect() as conn:
            conn.execute(f'GRANT "{role}" TO "{service}"')
        ballot_page.cast(served, service, tokens[1], given)
        assert (ws.event_count(), box()) == (before[0] + 1, before[1] + 1)
    finally:
        served.close()
        as_writer.close()

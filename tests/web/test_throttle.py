"""Throttling by client address against a real ``pdca serve`` subprocess, over plain
HTTP (issue 15 item 2; ``pdca.application.throttle``), on SQLite and PostgreSQL:

- a client hammering many logins is held (429, one Chinese line) after
  ``throttle.LOGIN.misses`` failures, even with a right password next; every attempt is
  recorded as before, the held one too;
- the address is the connection's: an X-Forwarded-For header is ignored unless the
  deployment names its proxy (``--proxy``), and then only the proxy's own entry counts;
- unknown ``/ballot/TOKEN`` links: after ``throttle.BALLOT.misses`` misses the address
  gets the 429 page for every token; a used token's page stays as it was and counts
  nothing; another address is not held.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from pdca.application import throttle
from tests.conftest import Workspace
from tests.integration.test_ballot_slips import MARKS
from tests.integration.test_input_files import issue
from tests.integration.test_scoring_refusals import CYCLE
from tests.web._office import STAFF, ballots_taken, free_port, furnish
from tests.web._serving import SECRET, Server, served
from tests.web.test_ballot import following

CSRF_COOKIE = "c" * 32
CSRF = hmac.new(SECRET.encode(), f"csrf|{CSRF_COOKIE}".encode(), hashlib.sha256).hexdigest()
UNKNOWN_TOKEN = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-{:04d}"


@dataclass
class Setting:
    ws: Workspace
    folder: Path
    passwords: dict[str, str]
    tokens: list[str]  # issued: [0] used (cast from the CLI), the others open


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def setting(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Setting]:
    with ballots_taken(request, tmp_path_factory, "throttle") as (ws, folder):
        tokens = issue(ws, 3)
        ws.ok("ballot", "cast", CYCLE, "--token", tokens[0], *MARKS)
        office = furnish(ws)
        yield Setting(ws, folder, office.passwords, tokens)


def ask(
    server: Server, method: str, path: str, form: dict[str, str] | None = None, **headers: str
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    sent = {"Cookie": f"pdca_csrf={CSRF_COOKIE}", **headers}
    body = None
    if form is not None:
        body = urlencode({**form, "csrf_token": CSRF})
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=sent)
        answer = conn.getresponse()
        return answer.status, answer.read().decode("utf-8")
    finally:
        conn.close()


def log_in(server: Server, login: str, password: str, **headers: str) -> tuple[int, str]:
    return ask(server, "POST", "/login", {"login": login, "password": password}, **headers)


def refusal(page: str) -> str:
    found = re.search(r'class="refusal"[^>]*>(.*?)<', page, re.S)
    assert found, page
    return found.group(1).strip()


def attempts(ws: Workspace) -> list[tuple[str, str, str]]:
    table = (
        "pdca_login_attempts" if ws.backend == "sqlite" else f'"{ws.schema}".pdca_login_attempts'
    )
    return [tuple(r) for r in ws.sql(f"SELECT login, outcome, client FROM {table} ORDER BY at")]


HELD = re.compile(
    r"来自地址 (\S+) 的(登录失败|无效的测评票链接)次数过多，该地址暂停至 \d\d:\d\d"
    r"（15 分钟内 (\d+) 次即暂停）；请稍后再试"
)


def test_a_client_hammering_logins_is_held_and_a_forwarded_header_is_ignored(
    setting: Setting,
) -> None:
    ws, limit = setting.ws, throttle.LOGIN.misses
    before = len(attempts(ws))
    with served(ws, setting.folder, free_port()) as server:
        # Each failure names another login (the per-login lock never starts) and claims
        # another address: no proxy is named, so the header is nobody's word.
        for n in range(limit - 1):
            status, page = log_in(
                server, f"guess{n}", "猜的密码", **{"X-Forwarded-For": f"10.1.0.{n}"}
            )
            assert status == 403 and refusal(page).startswith("登录名或密码不正确")
        status, page = log_in(server, "guess-last", "猜的密码")
        assert status == 429  # the failure that starts the hold says so
        assert HELD.fullmatch(refusal(page)).groups() == ("127.0.0.1", "登录失败", str(limit))
        # Held: even the right password of a real login, before it is checked.
        status, page = log_in(server, STAFF, setting.passwords[STAFF])
        assert status == 429 and HELD.fullmatch(refusal(page))
    recorded = attempts(ws)[before:]
    assert len(recorded) == limit + 1  # every attempt, the held one too
    assert {client for _, _, client in recorded} == {"127.0.0.1"}
    assert [outcome for _, outcome, _ in recorded] == ["unknown"] * limit + ["throttled"]
    assert recorded[-1][0] == STAFF


def test_behind_a_named_proxy_the_address_is_the_proxys_word(setting: Setting) -> None:
    ws, limit = setting.ws, throttle.LOGIN.misses
    before = len(attempts(ws))
    with served(ws, setting.folder, free_port(), "--proxy", "127.0.0.1") as server:
        for n in range(limit):
            # The leftmost entry is the client's own claim; the proxy's (last) one counts.
            forwarded = f"10.2.0.{n}, 10.9.9.9"
            status, _ = log_in(server, f"guess{n}", "猜的密码", **{"X-Forwarded-For": forwarded})
            assert status == (403 if n < limit - 1 else 429)
        status, page = log_in(server, STAFF, "猜的密码", **{"X-Forwarded-For": "10.9.9.9"})
        assert status == 429
        assert HELD.fullmatch(refusal(page)).group(1) == "10.9.9.9"
        # Another address behind the same proxy logs in (a one-time password: the
        # password page next).
        status, _ = log_in(
            server, STAFF, setting.passwords[STAFF], **{"X-Forwarded-For": "10.9.9.8"}
        )
        assert status == 303
    recorded = attempts(ws)[before:]
    assert [c for _, _, c in recorded] == ["10.9.9.9"] * (limit + 1) + ["10.9.9.8"]
    assert [o for _, o, _ in recorded][-2:] == ["throttled", "ok"]


def test_unknown_ballot_links_hold_the_address_and_a_used_token_counts_nothing(
    setting: Setting,
) -> None:
    ws, limit = setting.ws, throttle.BALLOT.misses
    used, open_token, other = setting.tokens
    a, b = {"X-Forwarded-For": "10.3.0.1"}, {"X-Forwarded-For": "10.3.0.2"}
    with served(ws, setting.folder, free_port(), "--proxy", "127.0.0.1") as server:
        following(server, f"{server.base}/ballot/{open_token}")
        # A used token's page, as before, as often as it is opened: never a miss.
        for _ in range(limit + 5):
            status, page = ask(server, "GET", f"/ballot/{used}", **a)
            assert status == 409 and "这张测评票已经投过，每张票只能投一次" in page
        for n in range(limit - 1):
            status, page = ask(server, "GET", "/ballot/" + UNKNOWN_TOKEN.format(n), **a)
            assert status == 404 and "测评票令牌无效" in page
        status, page = ask(server, "GET", f"/ballot/{open_token}", **a)
        assert status == 200  # one miss short of the limit: still open
        before = ws.event_count()
        status, page = ask(server, "POST", "/ballot/" + UNKNOWN_TOKEN.format(99), {}, **a)
        assert status == 429  # the miss that starts the hold (a cast counts as one)
        assert "该地址暂停至" in page and "10.3.0.1" in page
        # Held: every token, an open one too, read or cast; nothing written.
        for method in ("GET", "POST"):
            status, page = ask(
                server, method, f"/ballot/{open_token}", {} if method == "POST" else None, **a
            )
            assert status == 429 and "无效的测评票链接次数过多" in page
        assert ws.event_count() == before
        # Another address opens its ballot.
        assert ask(server, "GET", f"/ballot/{other}", **b)[0] == 200


@pytest.mark.parametrize("given", ["localhost", "*", "10.0.0.1,", "10.0.0.300"])
def test_a_proxy_that_is_no_address_is_refused(sqlite_workspace: Workspace, given: str) -> None:
    line = sqlite_workspace.refused("serve", "--port", str(free_port()), "--proxy", given)
    part = given.split(",")[-1]
    assert line == (
        f"错误：--proxy 的 '{part}' 不是 IP 地址或网段；应为如 127.0.0.1、"
        "10.0.0.5,10.0.0.6 或 10.0.0.0/24"
    )

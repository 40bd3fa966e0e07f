"""The office in a real browser: a real ``pdca serve`` subprocess on SQLite and on
PostgreSQL, driven by Debian's headless Chromium (one browser per module; each test
opens its own context, so its cookies are its own).

Logging in and out, a wrong password, lockout, the first login's password change, a
staff member reporting on their own unit and refused on another, a supervisor
advancing a stage, the four-eyes refusal, a form posted without its CSRF token, a
disabled account's open session, the explain tree against ``explain --json``, every
page at 390 and 1,280 px, and not one request leaving the server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web._office import (
    LOCKED,
    OTHER,
    PERSONS,
    SECOND,
    STAFF,
    SUPERVISOR,
    C,
    Office,
    chromium,
    furnish,
    serving,
    workspace_for,
)

NEW_PASSWORD = "我的新密码-2024"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def office(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Office]:
    root = tmp_path_factory.mktemp(f"web-{request.param}")
    with workspace_for(request.param, root / "ws") as ws:
        found = furnish(ws)
        with serving(found, root) as served:
            yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=path, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def visit(office: Office, browser: Any) -> Iterator[Any]:
    """A new browser context (its own cookies) whose every request is recorded: none
    may go anywhere but the server."""
    contexts: list[Any] = []
    seen: list[str] = []

    def open_page(width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 844})
        context.on("request", lambda r: seen.append(r.url))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    outside = [u for u in seen if not u.startswith(office.base + "/")]
    assert not outside, outside
    assert seen  # the recorder saw the pages


def alert(page: Any) -> str:
    return page.locator(".refusal").inner_text()


def log_in(page: Any, office: Office, login: str, password: str | None = None) -> Any:
    """Log in (changing a one-time password first when it is one); returns the answer."""
    page.goto(f"{office.base}/login")
    page.fill("#login", login)
    page.fill("#password", password or office.passwords[login])
    with page.expect_navigation():
        page.click("button[type=submit]")
    if page.url.endswith("/password"):
        page.fill("#old", office.passwords[login])
        page.fill("#new", NEW_PASSWORD)
        page.fill("#again", NEW_PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        office.passwords[login] = NEW_PASSWORD
    return page


def post_from_page(page: Any, path: str, fields: dict[str, str]) -> dict[str, Any]:
    """Post a form from the page's own origin with its CSRF token (a crafted post)."""
    return page.evaluate(
        """async ([path, fields]) => {
            const body = new URLSearchParams(fields);
            body.set('csrf_token', document.querySelector('input[name=csrf_token]').value);
            const r = await fetch(path, {method: 'POST', body, redirect: 'manual'});
            return {status: r.status, text: await r.text()};
        }""",
        [path, fields],
    )


def test_log_in_wrong_password_first_login_change_and_log_out(office: Office, visit: Any) -> None:
    page = visit()
    page.goto(f"{office.base}/board")
    assert page.url.startswith(f"{office.base}/login")  # no session: the login page
    page.fill("#login", SUPERVISOR)
    page.fill("#password", "不是这个密码")
    with page.expect_response(lambda r: r.url.endswith("/login")) as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 403
    assert alert(page) == "登录名或密码不正确；连续错 5 次将锁定 15 分钟"
    assert page.input_value("#login") == SUPERVISOR  # the form kept what was typed

    page.fill("#password", office.passwords[SUPERVISOR])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{office.base}/password"  # the one-time password must go first
    page.goto(f"{office.base}/ranking")
    assert page.url == f"{office.base}/password"
    page.fill("#old", office.passwords[SUPERVISOR])
    page.fill("#new", NEW_PASSWORD)
    page.fill("#again", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "密码已修改" in page.inner_text("main")
    assert PERSONS[SUPERVISOR] in page.inner_text("header")
    one_time, office.passwords[SUPERVISOR] = office.passwords[SUPERVISOR], NEW_PASSWORD

    with page.expect_navigation():
        page.click("header button[type=submit]")  # 退出
    assert page.url == f"{office.base}/login"
    page.goto(f"{office.base}/board")
    assert page.url.startswith(f"{office.base}/login")
    page.fill("#login", SUPERVISOR)
    page.fill("#password", one_time)  # the one-time password is spent
    page.click("button[type=submit]")
    assert alert(page).startswith("登录名或密码不正确")
    log_in(page, office, SUPERVISOR)
    assert page.url == f"{office.base}/" and PERSONS[SUPERVISOR] in page.inner_text("header")
    attempts = office.ws.sql(
        "SELECT outcome FROM pdca_login_attempts WHERE login = 'zhangsan' ORDER BY at"
        if office.ws.backend == "sqlite"
        else f'SELECT outcome FROM "{office.ws.schema}".pdca_login_attempts '
        "WHERE login = 'zhangsan' ORDER BY at"
    )
    assert [a[0] for a in attempts] == ["wrong", "ok", "wrong", "ok"]


def test_repeated_failures_lock_the_login(office: Office, visit: Any) -> None:
    page = visit()
    page.goto(f"{office.base}/login")
    for _ in range(5):
        page.fill("#login", LOCKED)
        page.fill("#password", "猜的密码")
        page.click("button[type=submit]")
    assert alert(page).startswith("登录失败次数过多，已锁定至 ")
    page.fill("#password", office.passwords[LOCKED])  # even the right one, now
    with page.expect_response(lambda r: r.url.endswith("/login")) as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 429
    assert alert(page).startswith("登录失败次数过多")
    # The admin's reset lifts the lock (and sets a new one-time password).
    out = office.ws.ok("account", "password", LOCKED, "--json", principal=office.ws.owner).output
    office.passwords[LOCKED] = json.loads(out)["password"]
    log_in(page, office, LOCKED)
    assert page.url.startswith(f"{office.base}/?") and PERSONS[LOCKED] in page.inner_text("header")


def test_staff_report_on_their_own_unit_and_are_refused_on_another(
    office: Office, visit: Any
) -> None:
    page = log_in(visit(), office, STAFF)
    page.goto(f"{office.base}/cycles/{C}")
    page.select_option("#task", "1")
    # Past the browser's own check (as an older browser would send it): the server
    # refuses, and the form comes back as typed.
    page.eval_on_selector("#form-task_report", "f => { f.noValidate = true; }")
    page.fill("#progress", "150")
    page.fill("#note", "已完成两次专题学习")
    before = office.ws.event_count()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#form-task_report button")
    assert answer.value.status == 422  # what was typed, not a rule of the history
    assert alert(page) == "进度 150% 超出范围；允许 0 至 100"
    assert page.input_value("#progress") == "150"
    assert page.input_value("#note") == "已完成两次专题学习"
    assert office.ws.event_count() == before

    page.fill("#progress", "60")
    with page.expect_navigation():
        page.click("#form-task_report button")
    assert "已记录" in page.inner_text(".notice")
    assert office.ws.event_count() == before + 1
    last = page.locator("section:has(h2:text('历史')) tbody tr").last.inner_text()
    assert PERSONS[STAFF] in last and f"{office.ws.owner}（网页）" in last  # person, server

    page.goto(f"{office.base}/cycles/{OTHER}")
    assert page.locator("#form-task_report").count() == 0  # no form on another unit
    answer = post_from_page(
        page, f"/cycles/{OTHER}/task_report", {"task": "1", "progress": "50", "note": ""}
    )
    assert answer["status"] == 403
    assert "单位填报员，市财政局" in answer["text"] and "市民政局" in answer["text"]
    assert office.ws.event_count() == before + 1


def test_a_supervisor_advances_a_stage(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/cycles/{OTHER}")
    assert page.inner_text("#stage") == "执行"
    assert "可推进" in page.inner_text("li[data-trigger=start_check]")
    page.select_option("#trigger", "start_check")
    page.fill("#reason", "年终述职评议")
    with page.expect_navigation():
        page.click("#form-advance button")
    assert page.inner_text("#stage") == "督查"
    assert "阶段已推进" in page.inner_text(".notice")
    line = office.ws.ok("history", OTHER).output.splitlines()[-1]
    assert PERSONS[SUPERVISOR] in line


def test_the_ledger_page_shows_the_ledger(office: Office, visit: Any) -> None:
    """The 台账 page lists what ``pdca ledger`` lists (until this test its template's
    macro import hid the table it was given: an empty grid on every period)."""
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/ledger?period=2024")
    headers = page.eval_on_selector_all("main th", "cells => cells.map(c => c.innerText)")
    assert headers[:3] == ["周期", "事件号", "发现日期"] and headers[-1] == "证据"
    rows = page.eval_on_selector_all(
        "main tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
    )
    listed = json.loads(office.ws.ok("ledger", "2024", "--json").output)
    found = [r for r in listed if r["evidence"] == "工作时间网购"]
    assert len(found) == 1  # the finding the office was furnished with
    cells = [r for r in rows if r[-1] == "工作时间网购"]
    assert len(cells) == 1
    assert cells[0][:3] == [C, str(found[0]["position"]), "2024-05-12"]


def test_a_units_page_names_each_cycles_stage_in_chinese(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/units/市财政局")
    # The cycle was advanced start_do in furnish: the scheme's stage do is 执行 (it
    # showed the id, do).
    assert page.inner_text("main li") == f"{C} 执行"


def test_a_finding_above_the_indicators_maximum_is_bad_input(office: Office, visit: Any) -> None:
    """A value outside the scheme's range is what was typed (422, the form kept), not a
    conflict with the history (409)."""
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/cycles/{C}")
    page.select_option("#indicator", "discipline")
    page.fill("#points", "3")  # jilin's discipline: -25 to 0 per finding
    page.fill("#observed_on", "2024-05-20")
    page.fill("#fevidence", "会议记录缺页")
    before = office.ws.event_count()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#form-finding button")
    assert answer.value.status == 422
    assert alert(page).endswith("单条记录的分值 3 超出范围；允许 -25 至 0")
    assert page.input_value("#points") == "3"
    assert page.input_value("#fevidence") == "会议记录缺页"
    assert office.ws.event_count() == before


def test_four_eyes_hold_through_the_server(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    ref = office.rectification
    page.goto(f"{office.base}/rectifications/{ref}")
    page.fill("#rnote", "已补齐记录")
    with page.expect_navigation():
        page.click("#form-rect-report button")
    with page.expect_navigation():
        page.click("#form-rect-submit button")
    before = office.ws.event_count()
    page.fill("#vreason", "自己验收")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#form-rect-verify button")
    assert answer.value.status == 409
    assert alert(page).startswith("验收人不能是提交人")
    assert page.input_value("#vreason") == "自己验收"
    assert office.ws.event_count() == before

    # Another supervisor through the same server login: a different person.
    other = log_in(visit(), office, SECOND)
    other.goto(f"{office.base}/rectifications/{ref}")
    with other.expect_navigation():
        other.click("#form-rect-verify button")
    assert other.get_attribute("#rect-status", "data-status") == "closed"
    assert other.inner_text("#rect-status") == "已销号"
    assert office.ws.event_count() == before + 1


def test_a_form_without_its_csrf_token_is_refused(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/cycles/{C}")
    before = office.ws.event_count()
    answer = page.request.post(
        f"{office.base}/cycles/{C}/advance", form={"trigger": "start_check", "reason": "x"}
    )
    assert answer.status == 403
    assert "安全令牌（CSRF）" in answer.text()
    forged = page.request.post(
        f"{office.base}/cycles/{C}/advance",
        form={"trigger": "start_check", "csrf_token": "0" * 64},
    )
    assert forged.status == 403
    assert office.ws.event_count() == before


# What a page looks like does not depend on the database: on SQLite only.
@pytest.mark.parametrize("office", ["sqlite"], indirect=True)
def test_the_explain_tree_shows_the_cli_figures(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/cycles/{C}")
    shown = page.eval_on_selector_all(
        "#explain details.node",
        "nodes => nodes.map(n => [n.dataset.label, n.dataset.value, n.dataset.position || ''])",
    )
    data = json.loads(office.ws.ok("explain", C, "--json").output)

    def walk(node: dict[str, Any]) -> list[list[str]]:
        value = "" if node["value"] is None else str(node["value"])
        own = [node["label"], value, str(node.get("position", ""))]
        return [own] + [row for child in node.get("children", []) for row in walk(child)]

    expected = walk(data["tree"])
    assert shown == expected
    assert any(position for _, _, position in shown)  # drills down to recorded events
    # Drill down: open each level down to the first recorded fact, as a reader clicks.
    first = page.locator("#explain details.node[data-position]").first
    chain = first.evaluate_handle(
        "n => { const a = []; for (let p = n; p; p = p.parentElement.closest('details')) "
        "a.unshift(p); return a; }"
    )
    for handle in chain.get_properties().values():
        level = handle.as_element()
        if not level.evaluate("n => n.open"):
            level.query_selector(":scope > summary").click()
    fact = first.locator("> .fact").inner_text()
    assert "记录人 督查组-张三" in fact and "记录于" in fact and "发现于 2024-05-12" in fact


@pytest.mark.parametrize("office", ["sqlite"], indirect=True)
def test_every_page_fits_390_px_and_is_shot_at_1280(
    office: Office, visit: Any, tmp_path: Path
) -> None:
    pages = [
        "/login",
        "/",
        "/board",
        "/ranking",
        "/ledger",
        "/rectifications",
        f"/rectifications/{office.rectification}",
        "/rounds",
        "/verify",
        "/units",
        "/units/市财政局",
        f"/cycles/{C}",
        "/password",
    ]
    for width in (390, 1280):
        page = log_in(visit(width), office, SUPERVISOR)
        for path in pages:
            page.goto(f"{office.base}{path}")
            assert page.locator("main").count() == 1, path
            name = path.strip("/").replace("/", "_") or "home"
            page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
            if width == 390:
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= 390, (path, wide)


def test_a_disabled_accounts_open_session_ends(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, STAFF)
    page.goto(f"{office.base}/board")
    assert page.url == f"{office.base}/board"
    office.ws.ok("account", "disable", STAFF, "--reason", "调离", principal=office.ws.owner)
    page.goto(f"{office.base}/board")
    assert page.url.startswith(f"{office.base}/login")
    page.fill("#login", STAFF)
    page.fill("#password", office.passwords[STAFF])
    page.click("button[type=submit]")
    assert alert(page).startswith(f"账户 {STAFF} 已停用")

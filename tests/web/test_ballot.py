"""The anonymous ballot page in real headless Chromium against a real ``pdca serve``
(issue 15, item 6), on SQLite and PostgreSQL: a ballot cast from a 390×844 phone and
the same token refused; a prefetch (plain HTTP and the browser) that leaves the token
usable; every page at 390 and 1,280 px without horizontal scroll at 390; nothing
fetched from outside the server; the printed slips' codes scanned off the screen; and
no log, no output and no database row holding a used token."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from pdca.application.ballot_tokens import normalised
from tests.conftest import Workspace
from tests.integration.test_ballot_privacy import every_row
from tests.integration.test_ballot_slips import Slips
from tests.integration.test_scoring_refusals import CYCLE
from tests.web._office import ballots_taken, chromium, free_port
from tests.web._serving import Server, served

SLIPS = 5
#: 吉林's 19 采分点 at their maxima: 4 items of 5+5+5+5 and 7+7+6 — 100 in all.
NO_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@dataclass
class Hall:
    ws: Workspace
    server: Server
    slips: Path
    links: list[str]  # each slip's link, as printed
    folder: Path
    used: list[str]  # tokens cast so far, for the log test


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hall(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hall]:
    with ballots_taken(request, tmp_path_factory, "hall") as (ws, folder):
        port = free_port()
        slips = folder / "slips.html"
        ws.ok(
            "ballot", "slips", CYCLE, "--group", "masses", "--count", str(SLIPS),
            "-o", str(slips), "--base-url", f"http://127.0.0.1:{port}",
        )  # fmt: skip
        page = Slips()
        page.feed(slips.read_text(encoding="utf-8"))
        links = [s["link"] for s in page.slips]
        with served(ws, folder, port) as server:
            following(server, links[-1])
            yield Hall(ws, server, slips, links, folder, [])


def following(server: Server, link: str) -> None:
    """Wait for the server's follower to reach the slips issued before it started (a
    slip printed a moment ago says so until then)."""
    path = link.removeprefix(server.base)
    for _ in range(600):
        status, _, text = server.request("GET", path)
        if status == 200:
            return
        assert "暂未生效" in text, text
        time.sleep(0.1)
    raise AssertionError("the server's views never reached the slips")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@dataclass
class Visit:
    page: Any
    fetched: list[str]  # every URL the page asked for


def visit(browser: Any, width: int, height: int = 844) -> Visit:
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    return Visit(page, fetched)


def fill_ballot(page: Any, overrides: dict[str, str] | None = None) -> int:
    """Each box at its maximum (as the page shows it: "（0–5）"), or as overridden."""
    boxes = page.locator("form.ballot input[inputmode=decimal]")
    for n in range(boxes.count()):
        box = boxes.nth(n)
        name = box.get_attribute("name")
        label = page.locator(f"label[for='f-{name}'] .max").inner_text()
        top = label.strip("（）").split("–")[1]
        box.fill((overrides or {}).get(name, top))
    return boxes.count()


def from_server(hall: Hall, fetched: list[str]) -> list[str]:
    return [u for u in fetched if not u.startswith(hall.server.base + "/")]


def test_a_ballot_cast_from_a_phone_and_the_same_token_refused(hall: Hall, browser: Any) -> None:
    link = hall.links[0]
    path = link.removeprefix(hall.server.base)
    v = visit(browser, 390)
    shown = v.page.goto(link)
    assert shown.status == 200
    assert v.page.evaluate(NO_SCROLL)
    v.page.screenshot(path=str(hall.folder / "ballot-390.png"), full_page=True)
    assert fill_ballot(v.page) == 19
    before = hall.ws.event_count()
    v.page.get_by_role("button", name="提交测评票").click()
    v.page.wait_for_url(f"{hall.server.base}/ballot/cast")
    hall.used.append(link.rsplit("/", 1)[1])
    assert "测评票已提交" in v.page.inner_text("h1")
    assert v.page.evaluate(NO_SCROLL)
    v.page.screenshot(path=str(hall.folder / "done-390.png"), full_page=True)
    assert hall.ws.event_count() == before + 1  # the token spent; the marks in the box
    again = v.page.goto(link)
    assert again.status == 409 and "已经投过" in v.page.inner_text("main")
    assert v.page.locator("form.ballot").count() == 0
    # The same token posted straight to the server, without a browser: refused alike.
    status, _, text = hall.server.request("POST", path, "duty_lead=5")
    assert status == 409 and "已经投过" in text
    assert hall.ws.event_count() == before + 1
    assert from_server(hall, v.fetched) == []
    v.page.context.close()


def test_a_prefetch_leaves_the_token_usable(hall: Hall, browser: Any) -> None:
    link = hall.links[1]
    path = link.removeprefix(hall.server.base)
    before = hall.ws.event_count()
    # A chat app's link preview and a scanner: HEAD and GET without a browser.
    assert hall.server.request("HEAD", path)[0] == 200
    status, headers, text = hall.server.request("GET", path)
    assert status == 200 and "提交测评票" in text
    assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
    v = visit(browser, 1280, 900)
    assert v.page.goto(link).status == 200  # and a browser that opens it, then leaves
    assert hall.ws.event_count() == before
    v.page.reload()
    fill_ballot(v.page)
    v.page.get_by_role("button", name="提交测评票").click()
    v.page.wait_for_url(f"{hall.server.base}/ballot/cast")
    hall.used.append(link.rsplit("/", 1)[1])
    assert hall.ws.event_count() == before + 1
    assert from_server(hall, v.fetched) == []
    v.page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_every_ballot_page_fits_the_width(hall: Hall, browser: Any, width: int) -> None:
    v = visit(browser, width, 844 if width == 390 else 900)
    shots = []
    link = hall.links[2]
    assert v.page.goto(link).status == 200
    shots.append("form")
    v.page.screenshot(path=str(hall.folder / f"form-{width}.png"), full_page=True)
    assert v.page.evaluate(NO_SCROLL)
    # A mark above its maximum: refused with the reason, the figures kept, token usable.
    fill_ballot(v.page, {"duty_lead": "6"})
    v.page.get_by_role("button", name="提交测评票").click()
    v.page.wait_for_load_state()
    assert "超出范围；允许 0 至 5" in v.page.inner_text(".refusal")
    assert v.page.input_value("#f-duty_lead") == "6"
    assert v.page.input_value("#f-rect_accountable") == "6"
    v.page.screenshot(path=str(hall.folder / f"refused-{width}.png"), full_page=True)
    assert v.page.evaluate(NO_SCROLL)
    unknown = v.page.goto(f"{hall.server.base}/ballot/{'0' * 28}")
    assert unknown.status == 404 and "令牌无效" in v.page.inner_text(".refusal")
    v.page.screenshot(path=str(hall.folder / f"unknown-{width}.png"), full_page=True)
    assert v.page.evaluate(NO_SCROLL)
    assert v.page.goto(f"{hall.server.base}/ballot/cast").status == 200
    v.page.screenshot(path=str(hall.folder / f"done-{width}.png"), full_page=True)
    assert v.page.evaluate(NO_SCROLL)
    assert all(p.stat().st_size > 5_000 for p in hall.folder.glob(f"*-{width}.png"))
    assert from_server(hall, v.fetched) == []
    v.page.context.close()


def test_the_printed_slips_scan_to_their_links(hall: Hall, browser: Any) -> None:
    import zxingcpp
    from PIL import Image

    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(hall.slips.as_uri())
    codes = page.locator("section.slip svg")
    assert codes.count() == SLIPS
    scanned = []
    for n in range(SLIPS):
        shot = Image.open(io.BytesIO(codes.nth(n).screenshot()))
        (found,) = zxingcpp.read_barcodes(shot)
        scanned.append(found.text)
    assert scanned == hall.links
    page.emulate_media(media="print")
    page.screenshot(path=str(hall.folder / "slips-print.png"), full_page=True)
    assert [u for u in fetched if not u.startswith("file:")] == []
    context.close()


def full_marks(html: str) -> str:
    """The form's boxes at their maxima, as a browser would post them."""
    names = re.findall(r'<input type="text" id="f-\w+" name="(\w+)"', html)
    tops = re.findall(r'<span class="max">（0–([\d.]+)）</span>', html)
    assert len(names) == len(tops) == 19
    return urlencode(dict(zip(names, tops, strict=True)))


def test_no_log_output_or_row_holds_a_used_token(hall: Hall) -> None:
    # One more cast without a browser, so this test stands on its own; it runs last in
    # the module and also checks the tokens the browser cast above.
    path = hall.links[3].removeprefix(hall.server.base)
    status, _, html = hall.server.request("GET", path)
    assert status == 200
    status, headers, _ = hall.server.request("POST", path, full_marks(html))
    assert status == 303 and headers["location"] == "/ballot/cast"
    used = [*hall.used, path.rsplit("/", 1)[1]]
    spelled = [form for t in used for form in (t, normalised(t), t.lower())]
    out, err = (p.read_text(encoding="utf-8") for p in hall.server.logs)
    # The logs are on: the application logs each cast (without its token), and the
    # access log names the requests that are not ballots.
    assert err.count("ballot_boxed") == len(used)
    assert hall.server.request("GET", "/static/pdca.css")[0] == 200
    out, err = (p.read_text(encoding="utf-8") for p in hall.server.logs)
    assert "/static/pdca.css" in out + err
    files = [p for p in hall.ws.root.rglob("*") if p.is_file()]
    texts = {str(p): p.read_bytes().decode("utf-8", "replace") for p in files}
    texts |= {"serve.out": out, "serve.err": err}
    for name, text in texts.items():
        assert not any(s in text for s in spelled), name
    rows = every_row(hall.ws)  # every column of every table, the ballot box too
    assert not any(s in row for row in rows for s in spelled)

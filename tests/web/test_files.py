"""Files through the browser (issue 15 item 5, "with evidence upload and Excel import"):
a finding recorded with a PDF attached and listed on the cycle page; a program renamed
``.pdf`` refused (422) with the form kept and nothing written. One ``pdca serve`` on
SQLite for the module; the browser and helpers are ``test_pages``'s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web._office import PERSONS, SUPERVISOR, C, Office, furnish, serving, workspace_for
from tests.web.test_pages import alert, browser, log_in, visit

__all__ = ["browser", "visit"]  # fixtures, used by name

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    root = tmp_path_factory.mktemp("web-files")
    with workspace_for("sqlite", root / "ws") as ws:
        found = furnish(ws)
        with serving(found, root) as served:
            yield served


def fill_finding(page: Any, evidence: str, name: str, data: bytes, mime: str) -> Any:
    page.goto(f"{page.url.split('/cycles/')[0]}/cycles/{C}")
    page.select_option("#indicator", "discipline")
    page.fill("#points", "-1")
    page.fill("#observed_on", "2024-05-20")
    page.fill("#fevidence", evidence)
    page.set_input_files("#fattach", files=[{"name": name, "mimeType": mime, "buffer": data}])
    with page.expect_navigation() as answer:
        page.click("#form-finding button")
    return answer.value


def test_a_finding_with_a_pdf_is_listed_and_fetched_back(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/cycles/{C}")
    before = office.ws.event_count()
    answer = fill_finding(page, "会议记录缺页", "暗访记录.pdf", PDF, "application/pdf")
    assert answer.status == 200 and "/cycles/" in page.url
    assert office.ws.event_count() == before + 1
    listed = page.locator("#attachments li")
    assert listed.count() == 1
    assert "暗访记录.pdf" in listed.inner_text() and PERSONS[SUPERVISOR] in listed.inner_text()
    # What the page links to is the file itself, byte for byte.
    fetched = page.request.get(office.base + listed.locator("a").get_attribute("href"))
    assert fetched.status == 200 and fetched.body() == PDF
    assert fetched.headers["content-type"] == "application/pdf"
    # The CLI sees the same attachment on the finding's event.
    history = json.loads(office.ws.ok("history", C, "--json").output)
    assert [a["name"] for h in history for a in h.get("attachments", ())] == ["暗访记录.pdf"]


def test_a_program_renamed_pdf_is_refused_and_the_form_kept(office: Office, visit: Any) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/cycles/{C}")
    before = office.ws.event_count()
    answer = fill_finding(page, "值班表", "值班表.pdf", EXE, "application/pdf")
    assert answer.status == 422
    assert "值班表.pdf" in alert(page) and "按内容识别，不看扩展名" in alert(page)
    assert "\n" not in alert(page).strip()
    assert page.input_value("#fevidence") == "值班表"  # the form as it was filled in
    assert page.input_value("#points") == "-1"
    assert office.ws.event_count() == before  # nothing written

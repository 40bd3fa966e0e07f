"""Files through the browser (issue 15 item 5, "with evidence upload and Excel import"):
a finding recorded with a PDF attached and listed on the cycle page; a program renamed
``.pdf`` refused (422) with the form kept and nothing written; findings imported from
the downloaded template, a bad row listed by the dry run, the good file confirmed. One ``pdca serve`` on
SQLite for the module; the browser and helpers are ``test_pages``'s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

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

    # A 整改 monthly report with the same file: listed on the item's page.
    page.goto(f"{office.base}/rectifications/{office.rectification}")
    page.fill("#rnote", "一月月报")
    page.set_input_files(
        "#rattach", files=[{"name": "整改月报.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with page.expect_navigation():
        page.click("#form-rect-report button")
    assert "整改月报.pdf" in page.inner_text("#attachments")


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


def test_a_supervisor_imports_findings_from_the_template(
    office: Office, visit: Any, tmp_path: Path
) -> None:
    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/import")
    page.select_option("#tkind", "findings")
    page.fill("#tperiod", "2024")
    with page.expect_download() as got:
        page.click("#form-template button")
    template = tmp_path / "督查发现.xlsx"
    got.value.save_as(template)
    book = load_workbook(template)
    sheet = book.active
    assert [c.value for c in sheet[1]][:3] == ["unit", "period", "source"]  # the hidden ids
    # One good row and one whose indicator is unknown: the dry run lists the problem with
    # its sheet, row and column, and nothing is recorded.
    sheet.append(["市财政局", "2024", "暗访", "discipline", -1, "2024-06-03", "值班脱岗"])
    sheet.append(["市财政局", "2024", "暗访", "没有这个指标", -1, "2024-06-04", "迟到"])
    wrong = sheet.max_row  # the row number Excel shows for the bad row
    bad = tmp_path / "有错.xlsx"
    book.save(bad)
    before = office.ws.event_count()
    page.select_option("#kind", "findings")
    page.set_input_files("#file", str(bad))
    with page.expect_navigation() as answer:
        page.click("#form-import button")
    assert answer.value.status == 422
    assert "1 处问题，整批未记录" in alert(page)
    problems = page.locator("#problems li").all_inner_texts()
    assert len(problems) == 1 and "未知台账指标 '没有这个指标'" in problems[0]
    assert f"工作表「督查发现」 第 {wrong} 行 D 列（indicator）" in problems[0]
    assert page.locator("#form-confirm").count() == 0
    assert office.ws.event_count() == before

    sheet.delete_rows(sheet.max_row)
    good = tmp_path / "督查发现-已填.xlsx"
    book.save(good)
    page.select_option("#kind", "findings")
    page.set_input_files("#file", str(good))
    with page.expect_navigation():
        page.click("#form-import button")
    assert page.get_attribute("#outcome", "data-done") == "no"
    assert page.inner_text("#recorded") == "1"
    assert "市财政局/2024 发现 暗访 discipline -1（2024-06-03）" in page.inner_text("#outcome")
    assert office.ws.event_count() == before  # a dry run records nothing
    with page.expect_navigation():
        page.click("#form-confirm button")
    assert page.get_attribute("#outcome", "data-done") == "yes"
    assert page.inner_text("#recorded") == "1"
    assert office.ws.event_count() == before + 1
    assert "值班脱岗" in office.ws.ok("ledger", "--json").output


def test_a_form_answers_with_its_position_and_the_page_shows_the_views_at_it(
    office: Office, visit: Any
) -> None:
    """A form's POST answers once its event is stored, not once the views have it: the
    redirect names the event's position (``?at=N``), and the page it leads to waits
    until every built-in view has reached it."""
    from urllib.parse import parse_qs, urlsplit

    from pdca.projections import builtin

    page = log_in(visit(), office, SUPERVISOR)
    page.goto(f"{office.base}/cycles/{C}")
    answer = fill_finding(page, "会后未及时归档签到表", "签到表.pdf", PDF, "application/pdf")
    assert answer.status == 200
    at = int(parse_qs(urlsplit(page.url).query)["at"][0])
    assert at == office.ws.sql(f"SELECT max(rowid) FROM {office.ws.events_table}")[0][0]
    names = {p.name for p in builtin()}
    positions = [p for n, p in office.ws.sql("SELECT projection, position FROM pdca_tracking")
                 if n in names]  # fmt: skip
    assert len(positions) == len(names) and min(positions) >= at

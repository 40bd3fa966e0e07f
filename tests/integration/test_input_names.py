"""Names and periods normalised at the edge (issue 12, item 5), on SQLite and PostgreSQL.

Seen on main: a 201-character unit name was accepted and then broke every read model on
PostgreSQL for good; names with a newline, TAB, BEL, a right-to-left override or a
zero-width space were stored and printed raw; ``cycle open 甲单位 20２４`` opened a
second 2024 cycle.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import Workspace

# The read models' unit column is String(200), category and grid String(100).
LONGEST_UNIT = "甲" * 200
TOO_LONG_UNIT = "甲" * 201


def test_a_unit_name_longer_than_its_column_is_refused_and_every_read_still_works(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    line = ws.refused("unit", "add", TOO_LONG_UNIT, "--category", "党政机关")
    assert "单位名称太长：201 个字符；最多 200 个" in line
    line = ws.refused("unit", "add", "乙局", "--category", "党政机关", "--grid", "片" * 101)
    assert "联系片太长：101 个字符；最多 100 个" in line
    # The longest name the columns hold is accepted, and every read model takes it.
    ws.ok("unit", "add", LONGEST_UNIT, "--category", "党政机关", "--grid", "片" * 100)
    ws.ok("cycle", "open", LONGEST_UNIT, "2024", "--scheme", "jilin")
    units = json.loads(ws.ok("unit", "list", "--json").stdout)
    assert [u["unit"] for u in units] == [LONGEST_UNIT]
    cycles = json.loads(ws.ok("cycle", "list", "--json").stdout)
    assert [c["unit"] for c in cycles] == [LONGEST_UNIT]
    ws.ok("ranking", "2024")
    ws.ok("board", "2024", "--today", "2025-05-01")
    assert LONGEST_UNIT in ws.ok("export", "scores", "2024", "--format", "csv").stdout
    ws.ok("export", "ledger", "2024", "--format", "json")
    ws.ok("export", "rectifications", "2024", "--format", "json", "--today", "2025-05-01")
    report = tmp_path / "r.html"
    ws.ok("report", "2024", "-o", str(report), "--today", "2025-05-01")
    assert LONGEST_UNIT in report.read_text(encoding="utf-8")


# What the brief lists: control characters, bidi controls and zero-width characters.
INVISIBLE = {
    "\n": "U+000A",
    "\t": "U+0009",
    "\x07": "U+0007",
    "\x7f": "U+007F",
    "\u202e": "U+202E（RIGHT-TO-LEFT OVERRIDE）",
    "\u202a": "U+202A",
    "\u2066": "U+2066",
    "\u2069": "U+2069",
    "\u200e": "U+200E",
    "\u200f": "U+200F",
    "\u061c": "U+061C",
    "\u200b": "U+200B（ZERO WIDTH SPACE）",
    "\u200c": "U+200C",
    "\u200d": "U+200D",
    "\u2060": "U+2060",
    "\ufeff": "U+FEFF",
    "\u2028": "U+2028",
}


@pytest.mark.parametrize("ch", list(INVISIBLE), ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_a_name_with_an_invisible_character_is_refused_naming_it(
    sqlite_workspace: Workspace, ch: str
) -> None:
    ws = sqlite_workspace
    line = ws.refused("unit", "add", f"甲{ch}单位", "--category", "党政机关")
    assert f"单位名称第 2 个字符是 {INVISIBLE[ch]}" in line


def test_every_kind_of_name_is_checked(workspace: Workspace) -> None:
    ws = workspace
    rlo = "\u202e"
    assert "联系片第 3 个字符是 U+202E" in ws.refused(
        "unit", "add", "乙局", "--category", "党政机关", "--grid", f"第一{rlo}片"
    )
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    # The actor is recorded in every event: --actor / PDCA_ACTOR is a name too.
    before = ws.event_count()
    result = ws.run("task", "add", "甲局/2024", "任务", "--deadline", "2024-06-30", actor="张\t三")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "错误：操作人第 2 个字符是 U+0009（控制字符）；"
        "名称不能含控制字符、双向控制字符或零宽字符，请重新输入（勿从别处复制带格式的文字）"
    )
    assert ws.event_count() == before
    assert (
        "操作人太长：101 个字符；最多 100 个"
        in ws.run(
            "task", "add", "甲局/2024", "任务", "--deadline", "2024-06-30", actor="张" * 101
        ).output
    )
    assert ws.event_count() == before
    # A rectification's owner.
    ws.ok("task", "add", "甲局/2024", "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", "甲局/2024")
    ws.ok("cycle", "advance", "甲局/2024", "start_do")
    ws.ok("cycle", "advance", "甲局/2024", "start_check")
    order = ["rectify", "order", "甲局/2024", "--problem", "记录不全", "--due", "2024-12-31"]
    assert "整改责任人第 2 个字符是 U+200B" in ws.refused(
        *order, "--owner", "王\u200b五", "--today", "2024-06-01"
    )
    # An account's person.
    assert "操作人第 2 个字符是 U+2066" in ws.refused(
        "account", "add", "zhaoliu", "--person", "赵\u2066六", "--role", "admin"
    )


def test_names_are_stored_nfc_and_found_in_either_form(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    decomposed = "Cafe\u0301局"  # e + combining acute: NFC makes it one character, é
    ws.ok("unit", "add", f"  {decomposed} ", "--category", "党政机关")
    composed = unicodedata.normalize("NFC", decomposed)
    assert composed != decomposed
    assert [u["unit"] for u in json.loads(ws.ok("unit", "list", "--json").stdout)] == [composed]
    ws.ok("cycle", "open", decomposed, "2024", "--scheme", "jilin")
    assert json.loads(ws.ok("cycle", "status", f"{composed}/2024", "--json").stdout)["unit"] == (
        composed
    )


@pytest.mark.parametrize(
    "period",
    ["20２４", "２０２４", "٢٠٢٤", "۲۰۲۴", "2024-Ｑ1", "2024-Q１", "2024\n", "20 24", "2024-Q5"],
)
def test_a_period_in_other_digits_is_refused(workspace: Workspace, period: str) -> None:
    ws = workspace
    ws.ok("unit", "add", "甲单位", "--category", "党政机关")
    ws.ok("cycle", "open", "甲单位", "2024", "--scheme", "jilin")
    if period == "2024\n":  # surrounding whitespace is trimmed: this IS 2024, and it exists
        assert "已存在" in ws.refused("cycle", "open", "甲单位", period, "--scheme", "jilin")
        return
    line = ws.refused("cycle", "open", "甲单位", period, "--scheme", "jilin")
    assert "格式不对；允许：YYYY（年度）" in line
    if not period.isascii():
        assert line.endswith("（只用半角数字和字母）")
    assert [c["period"] for c in json.loads(ws.ok("cycle", "list", "--json").stdout)] == ["2024"]
    # Addressing a cycle with such a period says what is wrong with it.
    assert "格式不对" in ws.refused(
        "task", "add", f"甲单位/{period}", "任务", "--deadline", "2024-06-30"
    )


def test_a_refusal_echoing_odd_input_stays_one_line(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    # An unknown unit whose name holds a newline: the name's own fault is told, on one line.
    line = ws.refused("cycle", "open", "无此\n单位", "2024", "--scheme", "jilin")
    assert "单位名称第 3 个字符是 U+000A" in line
    # An unknown scheme echoed with its newline escaped.
    ws.ok("unit", "add", "甲单位", "--category", "党政机关")
    line = ws.refused("cycle", "open", "甲单位", "2024", "--scheme", "jil\nin")
    assert "'jil\\u000ain'" in line
    # The rectification id is matched as typed: % and _ are not wildcards.
    assert "未知整改事项 '%%%%%%'" in ws.refused("rectify", "show", "%%%%%%")


def test_a_name_stored_before_names_were_checked_is_still_found(
    sqlite_workspace: Workspace,
) -> None:
    """Lookups take a name as typed; only a miss is explained by the name's characters.
    (An old workspace may hold such a name: its unit and cycles stay reachable.)"""
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace
    from pdca.domain.unit import Unit
    from tests._round import acting

    ws = sqlite_workspace
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:
        # As main recorded it: straight through the aggregate, no check.
        app.save(Unit(name="旧\u200b单位", category="党政机关", grid=None, actor="张三"))
        app.open_cycle(acting(), "旧\u200b单位", "2024", "jilin")
    finally:
        app.close()
    status = json.loads(ws.ok("cycle", "status", "旧\u200b单位/2024", "--json").stdout)
    assert status["unit"] == "旧\u200b单位"


def test_free_text_with_a_line_break_or_an_override_is_refused_and_nothing_written(
    sqlite_workspace: Workspace,
) -> None:
    """Evidence, reasons, notes, task titles and rectification problems are printed in
    one-line rows: a newline once split a ledger row in two, an override reordered it."""
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    before = ws.event_count()
    title = ws.refused("task", "add", "甲局/2024", "学习\n制度", "--deadline", "2024-06-30")
    assert title == (
        "错误：任务名称第 3 个字符是 U+000A（控制字符）；"
        "文字须写成一行，不能含换行、制表符、控制字符、双向控制字符或零宽字符"
    )
    assert ws.event_count() == before
    ws.ok("task", "add", "甲局/2024", "学习制度", "--deadline", "2024-06-30")
    ws.ok("task", "publish", "甲局/2024")
    before = ws.event_count()
    reason = ws.refused("cycle", "advance", "甲局/2024", "start_do", "--reason", "已\u202e发布")
    assert "理由第 2 个字符是 U+202E（RIGHT-TO-LEFT OVERRIDE）" in reason
    assert ws.event_count() == before
    ws.ok("cycle", "advance", "甲局/2024", "start_do")
    ws.ok("cycle", "advance", "甲局/2024", "start_check")
    before = ws.event_count()
    finding = [
        "finding", "record", "甲局/2024", "--source", "暗访", "--indicator", "discipline",
        "--points", "-1", "--observed-on", "2024-05-12",
    ]  # fmt: skip
    assert "证据第 5 个字符是 U+0009（控制字符）" in ws.refused(
        *finding, "--evidence", "工作时间\t网购"
    )
    order = ["rectify", "order", "甲局/2024", "--owner", "王五", "--due", "2024-12-31"]
    assert "整改问题第 3 个字符是 U+200B" in ws.refused(
        *order, "--problem", "记录\u200b不全", "--today", "2024-06-01"
    )
    assert ws.event_count() == before
    ws.ok(*finding, "--evidence", "工作时间网购")
    assert ws.event_count() == before + 1

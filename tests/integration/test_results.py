"""Exports, the round report and the board over the demo's scored year (30 units, two
rounds), on SQLite; the key export runs again on PostgreSQL.

Every figure is checked against what the other commands say (``ranking``, ``ledger``,
``rectify list``, ``rectify bulletin``): the exports and the report must show the
projections' figures, not figures of their own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Workspace

TODAY = "2025-05-01"  # the demo settles early 2025; some rectifications are overdue by May
PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("results") / "ws"
    ws = Workspace(root=root, db_url="sqlite:///pdca.sqlite3", backend="sqlite")
    # Seed 8: its year leaves rectifications open past their deadline and escalated (what
    # the board and the exports are checked on); since 达州's 56 指标 draw their own marks,
    # seed 7's year closes out all five of its items.
    ws.ok("demo", "--seed", "8")
    return ws


def js(ws: Workspace, *args: str) -> Any:
    return json.loads(ws.ok(*args, "--json").stdout)


def ranking(ws: Workspace) -> dict[str, dict[str, Any]]:
    return {r["unit"]: r for r in js(ws, "ranking", "2024")}


# ---- exports -------------------------------------------------------------------------------


def test_scores_xlsx_reads_back_with_the_rankings_totals(demo: Workspace, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "考核结果.xlsx"
    out = demo.ok("export", "scores", "2024", "-o", str(target)).stdout
    # The demo's finalisations took anchors: the newest one's 校验码 follows.
    done, code = out.strip().splitlines()
    assert done == f"已导出 30 行到 {target}（xlsx）" and code.startswith("校验码：")
    sheet = load_workbook(target).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    for column in ("名次", "单位", "类别", "片区", "加分", "扣分", "一票否决", "总分", "等次"):
        assert column in header
    # 吉林's round records how results are used (考用结合): its column ends the sheet.
    assert header[-3:] == ["发布时事件号", "链头摘要", "结果运用"]
    assert "述职现场群众评议（折算）" in header and "实地考核（折算）" in header
    col = {name: i for i, name in enumerate(header)}
    rows = [[c for c in r] for r in sheet.iter_rows(min_row=2)]
    expected = ranking(demo)
    assert len(rows) == len(expected) == 30
    for row in rows:
        unit = row[col["单位"]].value
        total = row[col["总分"]]
        # A number in the sheet, shown at the scheme's precision (0.01), equal to the ranking.
        assert isinstance(total.value, int | float) and total.number_format == "0.00"
        assert Decimal(str(total.value)) == Decimal(expected[unit]["total"]), unit
        assert row[col["名次"]].value == expected[unit]["rank"]
        assert row[col["等次"]].value == expected[unit]["grade"]
        assert row[col["档次"]].value == expected[unit]["tier"]
        assert isinstance(row[col["发布时事件号"]].value, int)
    # Each cycle's head digest as its round published it: the one explain shows.
    digests = {row[col["单位"]].value: row[col["链头摘要"]].value for row in rows}
    explained = json.loads(demo.ok("explain", "市财政局/2024", "--json").output)
    assert digests["市财政局"] == explained["outcome"]["digest"]
    assert all(len(d) == 64 for d in digests.values())
    # Widths follow the content: the unit column is wider than the rank column.
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_csv_reimports_to_the_same_figures_and_json_matches_ranking(
    demo: Workspace, tmp_path: Path
) -> None:
    exported = js(demo, "export", "scores", "2024", "--format", "json")
    expected = js(demo, "ranking", "2024")
    keys = ("unit", "category", "total", "grade", "rank", "tier", "scheme", "current_total", "veto")
    # The ranking also says how each result was used (结果运用, the round's consequences):
    # the export's column says the same.
    assert [{k: r[k] for k in (*keys, "results_used")} for r in exported] == expected

    target = tmp_path / "scores.csv"
    demo.ok("export", "scores", "2024", "-o", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a spreadsheet program reads the Chinese right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(exported)
    for row, data in zip(rows, exported, strict=True):
        assert row["单位"] == data["unit"]
        assert Decimal(row["总分"]) == Decimal(data["total"])
        assert Decimal(row["当前得分"]) == Decimal(data["current_total"])
        assert Decimal(row["扣分"]) == Decimal(data["deduction"])
        components = [k for k in data if k.startswith("component.") and data[k] is not None]
        assert components, data["unit"]
        for key in components:
            assert Decimal(row[f"{key.removeprefix('component.')}（折算）"]) == Decimal(data[key])


def test_ledger_and_rectification_exports_have_a_row_per_finding_and_per_item(
    demo: Workspace, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    ledger = js(demo, "ledger", "2024")
    assert ledger, "the demo records findings"
    demo.ok("export", "ledger", "2024", "-o", str(tmp_path / "ledger.xlsx"))
    sheet = load_workbook(tmp_path / "ledger.xlsx").active
    header = [c.value for c in sheet[1]]
    got = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert [(g["周期"], g["事件号"], Decimal(str(g["分值"]))) for g in got] == [
        (r["cycle"], r["position"], Decimal(r["points"])) for r in ledger
    ]
    assert {g["已算账"] for g in got} == {"是"}  # every demo cycle reached 处理

    items = js(demo, "rectify", "list", "--today", TODAY)
    out = demo.ok("export", "rectifications", "2024", "--format", "csv", "--today", TODAY).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted((r["编号"], int(r["逾期天数"]), r["督办颜色"]) for r in rows) == sorted(
        (i["id"], i["days_overdue"], i["colour"]) for i in items
    )
    assert any(int(r["逾期天数"]) > 0 for r in rows)


def test_a_refused_export_report_or_board_writes_nothing(demo: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    line = demo.refused("export", "scores", "2023", "-o", str(target))
    assert line == "错误：考核期 2023 没有任何周期；pdca cycle list 查看已有周期"
    assert demo.run("export", "scores", "2023").exit_code == 3
    assert "必须用 -o 指定输出文件" in demo.refused("export", "scores", "2024", "--format", "xlsx")
    assert "格式不对" in demo.refused("export", "ledger", "24x", "--format", "csv")
    missing = tmp_path / "no-such-folder" / "x.csv"
    assert "无法写入" in demo.refused("export", "scores", "2024", "-o", str(missing))
    assert demo.run("export", "scores", "2024", "-o", str(missing)).exit_code == 6
    assert "没有任何周期" in demo.refused("report", "2023", "-o", str(tmp_path / "r.html"))
    assert "格式不对" in demo.refused("board", "20x4")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, not even a half one


def test_export_in_a_real_subprocess(demo: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "成绩.xlsx"
    done = subprocess.run(
        [PDCA, "export", "scores", "2024", "-o", str(target)],
        env={**os.environ, **demo.env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    # Nothing on stderr but progress lines (how many depends on how long the export took
    # on this machine: one every two seconds when stderr is not a terminal).
    assert all("/秒" in line for line in done.stderr.splitlines()), done.stderr
    from openpyxl import load_workbook

    assert load_workbook(target).active.max_row == 31  # header + 30 units


# ---- the board -------------------------------------------------------------------------------


def test_the_board_counts_cycles_by_stage_and_marks_the_overdue(demo: Workspace) -> None:
    data = js(demo, "board", "2024", "--today", TODAY)
    cycles = js(demo, "cycle", "list", "--period", "2024")
    by_phase = Counter(c["stage"].split(".")[0] for c in cycles)
    assert [(lane["label"], lane["count"]) for lane in data["lanes"]] == [
        ("计划", by_phase["plan"]),
        ("执行", by_phase["do"]),
        ("督查", by_phase["check"]),
        ("处理", by_phase["act"]),
        ("已结束", by_phase["closed"]),
    ]
    overdue = js(demo, "rectify", "list", "--overdue", "--today", TODAY)
    assert overdue, "the demo leaves rectifications open past their deadline"
    assert sorted(i["id"] for i in data["overdue"]) == sorted(i["id"] for i in overdue)
    marked = {c["cycle"]: c["overdue"] for lane in data["lanes"] for c in lane["cycles"]}
    assert {c: n for c, n in marked.items() if n} == dict(Counter(i["cycle"] for i in overdue))

    text = demo.ok("board", "2024", "--today", TODAY).stdout
    assert f"处理（{by_phase['act']}）" in text and f"已结束（{by_phase['closed']}）" in text
    for cycle, n in Counter(i["cycle"] for i in overdue).items():
        assert f"⚠ {cycle.split('/')[0]} 逾期{n}" in text
    assert f"逾期整改 {len(overdue)} 项" in text


# ---- what people look at: ranking by category, figures at the scheme's precision ---------------

CATEGORIES = ("党政机关", "中直单位", "群团组织", "企事业单位")  # the workspace's, in its order


def test_ranking_is_grouped_by_category(demo: Workspace) -> None:
    # 吉林 ranks per category: before, its 1st of 党政机关, 中直单位 and 群团组织 interleaved.
    rows = js(demo, "ranking", "2024")
    groups = [(r["scheme"], CATEGORIES.index(r["category"])) for r in rows]
    assert groups == sorted(groups)
    for scheme, category in set(groups):
        ranks = [
            r["rank"]
            for r in rows
            if (r["scheme"], CATEGORIES.index(r["category"])) == (scheme, category)
        ]
        assert ranks == sorted(ranks)
    text = demo.ok("ranking", "2024").stdout
    titles = [line for line in text.splitlines() if "（方案 " in line]
    assert len(titles) == len(set(groups))
    # By scheme (dazhou, gansu, jilin, nantong, soe), then by category within a scheme.
    assert titles[0].startswith("党政机关（方案 dazhou，")
    assert titles[1].startswith("企事业单位（方案 gansu，")
    assert titles[2].startswith("党政机关（方案 jilin，")
    exported = list(csv.reader(io.StringIO(demo.ok("export", "scores", "2024").stdout)))
    assert [r[1] for r in exported[1:]] == [r["unit"] for r in rows]  # the export follows


def test_explain_shows_worked_figures_at_the_schemes_precision(demo: Workspace) -> None:
    figure = re.compile(r" = (-?[0-9.]+)")
    exact_kept = False
    for row in js(demo, "ranking", "2024")[::5]:
        cycle = f"{row['unit']}/2024"
        data = js(demo, "explain", cycle)
        assert data["precision"] == "0.01"
        text = demo.ok("explain", cycle).stdout
        tree = [line for line in text.splitlines() if "└" in line or "总分（方案" in line]
        for line in tree:
            if "[事件 #" in line:
                continue  # a recorded fact, shown as recorded
            found = figure.search(line)
            if found:
                assert re.fullmatch(r"-?\d+\.\d{2}", found.group(1)), line
        unrounded = re.search(r"未舍入 ≈?(-?[0-9.]+)", text).group(1)  # type: ignore[union-attr]
        assert len(unrounded.partition(".")[2]) <= 6, text
        values = json.dumps(data["tree"])
        exact_kept |= bool(re.search(r'"value": "-?\d+\.\d{10,}"', values))
    assert exact_kept, "--json keeps the exact figures (a mean of three tasks: 28 digits)"


def test_rectify_show_speaks_chinese_as_history_does(demo: Workspace) -> None:
    items = js(demo, "rectify", "list", "--today", TODAY)
    closed = next(i for i in items if i["status"] == "closed")
    escalated = next(i for i in items if i["escalation"])
    for item in (closed, escalated):
        text = demo.ok("rectify", "show", item["id"]).stdout
        header = text.splitlines()[1]
        assert header.split() == ["序号", "记录时间", "操作人", "类型", "摘要"]
        for english in ("Ordered", "Verified", "Escalated", "problem=", "owner=", "on="):
            assert english not in text, (english, text)
        assert f"交办整改  交办「{item['problem']}」" in text
        shown = js(demo, "rectify", "show", item["id"])
        assert [e["type"] for e in shown["history"]][0] == "Ordered"  # JSON keeps the codes
        assert all(e["summary"] and e["detail"] for e in shown["history"])
    assert "验收通过，销号" in demo.ok("rectify", "show", closed["id"]).stdout
    assert "逾期督办第 1 级：提醒" in demo.ok("rectify", "show", escalated["id"]).stdout


# ---- the round report ------------------------------------------------------------------------


class _Tables(HTMLParser):
    """The text of every table in the page, by the id of its section."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[list[str]]]] = {}
        self.headings: list[str] = []
        self._section = ""
        self._cell: list[str] | None = None
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._section = dict(attrs)["id"] or ""
        elif tag == "table":
            self.sections.setdefault(self._section, []).append([])
        elif tag == "tr":
            self.sections[self._section][-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.sections[self._section][-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_h2:
            self.headings[-1] += data


HEADINGS = [
    "排名",
    "各类别得分分布",
    "各单位分项得分构成",
    "等次、档次与配额",
    "整改销号进度（按月）",
    "秋后算账后名次变化最大的单位",
]


@pytest.fixture(scope="module")
def report(demo: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    out = demo.ok("report", "2024", "-o", str(path), "--today", TODAY).stdout
    assert out.startswith(f"已生成报告 {path}")
    return path


def test_the_reports_figures_are_the_projections(demo: Workspace, report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html.replace('xmlns="http://www.w3.org', "").replace(
        'xmlns:xlink="http://www.w3.org', ""
    ), "the page must not fetch anything"
    assert "<script" not in html
    page = _Tables()
    page.feed(html)
    assert page.headings == HEADINGS
    expected = ranking(demo)

    # One ranking table per scheme, its cells the scores export's (a digest's first 12 hex
    # digits), the published outcome in the first columns; in the export's order.
    tables = page.sections["ranking"]
    exported = list(csv.reader(io.StringIO(demo.ok("export", "scores", "2024").stdout)))
    header, exported = exported[0], [dict(zip(exported[0], r, strict=True)) for r in exported[1:]]
    assert len(tables) == len({r["方案"] for r in exported}) == 5
    shown = []
    for table in tables:
        assert table[0][:7] == ["名次", "单位", "类别", "总分", "等次", "档次", "一票否决"]
        assert set(table[0]) <= set(header)
        for row in table[1:]:
            cells = dict(zip(table[0], row, strict=True))
            export_row = next(r for r in exported if r["单位"] == cells["单位"])
            digest = export_row.pop("链头摘要")
            assert cells.pop("链头摘要") == digest[:12]
            assert cells == {h: export_row[h] for h in cells}
            assert cells["总分"] == expected[cells["单位"]]["total"]
            shown.append(cells["单位"])
    assert shown == [r["单位"] for r in exported]

    # Grades and tiers: the counts of the published outcome, per scheme.
    grade_tables = page.sections["grades"]
    jilin = [r for r in expected.values() if r["scheme"].startswith("jilin")]
    # dazhou's grades, gansu's grades, then jilin's two tables (grades and tiers).
    counts = {r[0]: int(r[1]) for t in grade_tables[2:4] for r in t[1:]}
    assert counts["较好"] == sum(r["grade"] == "较好" for r in jilin)
    assert counts["一档"] == sum(r["tier"] == "一档" for r in jilin)
    assert counts["三档"] == sum(r["tier"] == "三档" for r in jilin)

    # Close-out by month: the sums of each month's 整改月报.
    months = page.sections["closeout"][0]
    assert months[0] == [
        "月份",
        "本月交办",
        "本月销号",
        "累计交办",
        "累计销号",
        "月末未销号",
        "月末逾期",
    ]
    assert len(months) > 2
    for month, *figures in months[1:]:
        bulletin = js(demo, "rectify", "bulletin", month)
        sums = [
            sum(u[k] for u in bulletin)
            for k in ("opened", "closed", "ordered", "closed_total", "open", "overdue")
        ]
        assert [int(f) for f in figures] == sums, month

    # 秋后算账: "after" is the published rank and the projection's total.
    moves = page.sections["moves"][0]
    mcol = {h: i for i, h in enumerate(moves[0])}
    assert len(moves) > 1
    for row in moves[1:]:
        unit = row[mcol["单位"]]
        assert row[mcol["计入台账总分"]] == expected[unit]["current_total"]
        assert int(row[mcol["计入台账名次"]]) == expected[unit]["rank"]
        # Signed as people read a change of rank: a fall is negative.
        assert int(row[mcol["名次变化"]]) == int(row[mcol["不计台账名次"]]) - int(
            row[mcol["计入台账名次"]]
        )
        assert row[mcol["名次变化"]] != "+0"
    assert any(int(row[mcol["名次变化"]]) < 0 for row in moves[1:]), "the demo has a fall"


def _chromium() -> str:
    from tests.conftest import chromium_path

    return chromium_path()


def test_the_report_renders_its_charts_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    shot = tmp_path / "report.png"
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
            viewport={"width": 1400, "height": 900},
        )
        page = browser.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "request",
            lambda r: None if r.url.startswith(("file:", "data:")) else problems.append(r.url),
        )
        page.goto(report.as_uri())
        headings = page.locator("h2").all_inner_texts()
        charts = page.locator("figure svg")
        sizes = [charts.nth(i).bounding_box() for i in range(charts.count())]
        marks = [charts.nth(i).locator("path, rect, use").count() for i in range(charts.count())]
        labels = page.locator("figure svg text").all_text_contents()
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert problems == []
    assert headings == HEADINGS
    # distribution, five breakdowns (one per scheme), the grades of dazhou, gansu and soe,
    # the grades and tiers of jilin and nantong, close-out, moves
    assert len(sizes) == 1 + 5 + 3 + 4 + 2
    assert all(s is not None and s["width"] > 200 and s["height"] > 150 for s in sizes), sizes
    assert all(n > 10 for n in marks), marks
    assert "党政机关" in "".join(labels)  # Chinese labels are text the browser draws
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


#: Per ranking table: the right edges of the 总分, 等次 and 档次 headers and of the table.
EDGES = """() => [...document.querySelectorAll('#ranking table')].map(t => {
  const edge = (h) => [...t.querySelectorAll('th')].find(th => th.textContent === h)
    .getBoundingClientRect().right;
  return {总分: edge('总分'), 等次: edge('等次'), 档次: edge('档次'),
          table: t.getBoundingClientRect().right};
})"""


def test_the_totals_are_seen_at_1280_px_and_on_a4(report: Path, tmp_path: Path) -> None:
    # The ranking table was 2,418 px wide: 总分, 等次 and 档次 were off-screen at 1,280 px
    # and cut off on an A4 page. Now each scheme's table fits, on screen and in print
    # (A4 is 794 px wide at 96 dpi).
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for media, width in (("screen", 1280), ("print", 794)):
            page = browser.new_page(viewport={"width": width, "height": 1000})
            page.emulate_media(media=media)
            page.goto(report.as_uri())
            edges = page.evaluate(EDGES)
            page.locator("#ranking").screenshot(path=str(tmp_path / f"ranking-{media}.png"))
            assert len(edges) == 5, edges
            for table in edges:
                assert all(0 < right <= width for right in table.values()), (media, table)
            if media == "print":  # the page's wider columns are left out, charts shrink
                widest = page.evaluate(
                    "Math.max(...[...document.querySelectorAll('table, figure svg')]"
                    ".map(e => e.getBoundingClientRect().right))"
                )
                assert widest <= width
                assert page.locator("#ranking th.wide").first.is_hidden()
        browser.close()


def test_overdue_is_red_and_a_fall_in_rank_is_red_and_negative() -> None:
    from pdca.reports import charts

    months = ["2025-01", "2025-02", "2025-03"]
    svg = charts.closeout(
        months,
        {
            "累计交办": [3, 3, 3],
            "累计销号": [0, 1, 2],
            "月末未销号": [3, 2, 1],
            "月末逾期": [0, 1, 1],
        },
        "整改",
    )

    def shapes(svg: str, colour: str) -> int:
        """Bars and legend keys filled with ``colour`` (not a line's markers)."""
        return len(re.findall(rf'<path [^>]*style="fill: {colour}', svg))

    # Three overdue bars and their legend key in red; no bar green (closed-out is a green
    # line). On main the overdue bars were green.
    assert shapes(svg, charts.RED) == len(months) + 1
    assert shapes(svg, charts.GREEN) == 0
    fell = charts.moves(["甲局"], [-2], "名次变化")
    assert (shapes(fell, charts.RED), shapes(fell, charts.GREEN)) == (1, 0)
    assert "负数：名次下降" in fell
    rose = charts.moves(["乙局"], [1], "名次变化")
    assert (shapes(rose, charts.RED), shapes(rose, charts.GREEN)) == (0, 1)


# ---- PostgreSQL: the key export once ---------------------------------------------------------


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_scores_xlsx_on_postgresql(workspace: Workspace, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    workspace.ok("demo", "--units", "10", "--seed", "3")
    target = tmp_path / "pg.xlsx"
    workspace.ok("export", "scores", "2024", "-o", str(target))
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    totals = {
        r[header.index("单位")]: Decimal(str(r[header.index("总分")]))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert totals == {u: Decimal(r["total"]) for u, r in ranking(workspace).items()}
    assert len(totals) == 10

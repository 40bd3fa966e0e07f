"""``pdca template`` → a workbook filled by the test with openpyxl → ``pdca import``:
the round trip, a dry run that writes nothing, re-imports, corrections, every problem of
a bad file listed at once, and CSV in the encodings a Chinese office saves.

The scheme is ``data/mini.toml``: one items component (weight 100) of 100 points —
a1 direct (max 30), a2 a count (4 required, 5 points off each missing, max 20), a3 by
its 采分点 p1 (max 10) and p2 (max 20), b1 an opinion (好 20, 较好 15, 一般 10).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import Workspace

DATA = Path(__file__).parent / "data"
PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


def _set_up(ws: Workspace, units_csv: bytes) -> None:
    shutil.copy(DATA / "mini.toml", ws.root / "workflows" / "mini.toml")
    (ws.root / "units.csv").write_bytes(units_csv)
    ws.ok("import", "units", str(ws.root / "units.csv"))
    for unit in ("甲局", "乙局"):
        ws.ok("cycle", "open", unit, "2024", "--scheme", "mini")
        ws.ok("cycle", "advance", f"{unit}/2024", "start_do")
        ws.ok("cycle", "advance", f"{unit}/2024", "start_check")


def _fill(path: Path, values: dict[str, dict[str, object]]) -> None:
    """Fill the template's rows: ``{unit: {column id: value}}``, by the hidden id row."""
    book = load_workbook(path)
    for sheet in book.worksheets:
        ids = [c.value for c in sheet[1]]
        if "unit" not in ids:
            continue
        for row in sheet.iter_rows(min_row=3):
            unit = row[ids.index("unit")].value
            for cid, value in values.get(unit, {}).items():
                if cid in ids:
                    row[ids.index(cid)].value = value
    book.save(path)


def _totals(ws: Workspace) -> dict[str, str]:
    rows = json.loads(ws.ok("ranking", "2024", "--json").stdout)
    return {r["unit"]: r["total"] for r in rows}


def test_a_filled_template_imports_in_one_save_and_ranks_as_computed_by_hand(
    workspace: Workspace,
) -> None:
    ws = workspace
    # The units come in as Excel's plain "CSV" on Chinese Windows writes them: GB18030.
    _set_up(ws, "单位名称,类别,联系片\n甲局,党政机关,第一片\n乙局,党政机关,\n".encode("gb18030"))
    assert [u["unit"] for u in json.loads(ws.ok("unit", "list", "--json").stdout)] == [
        "乙局",
        "甲局",
    ]
    sheet = ws.root / "得分.xlsx"
    ws.ok("template", "scores", "2024", "-o", str(sheet))
    book = load_workbook(sheet)
    assert book.sheetnames == ["基础工作", "综合评议", "填写说明"]
    basic = book["基础工作"]
    assert basic.row_dimensions[1].hidden
    assert [c.value for c in basic[1]] == [
        "unit",
        "period",
        "evidence",
        "a1",
        "a2",
        "a3.p1",
        "a3.p2",
    ]
    assert basic["D2"].value.startswith("制度落实\na1\n直接计分，满分 30")
    ranges = {
        str(v.sqref): (v.type, v.formula1, v.formula2)
        for v in basic.data_validations.dataValidation
    }
    assert ranges["D3:D10004"] == ("decimal", "0", "30")
    assert ranges["E3:E10004"] == ("whole", "0", None)
    opinions = book["综合评议"].data_validations.dataValidation
    assert [(v.type, v.formula1) for v in opinions] == [("list", '"好,较好,一般"')]
    # A person renames a header: the hidden ids still map it.
    basic["D2"].value = "制度（改过的表头）"
    book.save(sheet)
    _fill(
        sheet,
        {
            "甲局": {"a1": 27.5, "a2": 3, "a3.p1": 8, "a3.p2": 19.5, "b1": "较好"},
            "乙局": {
                "a1": 30,
                "a2": 4,
                "a3.p1": 10,
                "a3.p2": 12,
                "b1": "好",
                "evidence": "现场核查",
            },
        },
    )
    before = ws.event_count()
    dry = ws.ok("import", "scores", str(sheet), "--dry-run").stdout
    assert ws.event_count() == before  # a dry run writes nothing
    assert (
        "将记录 10 条" in dry and "  甲局/2024 a3.p2 = 19.5" in dry and "乙局/2024 b1 = 好" in dry
    )
    done = ws.ok("import", "scores", str(sheet)).stdout
    assert "记录 10 条" in done
    assert ws.event_count() == before + 10
    # 甲局: 27.5 + (20 − (4 − 3) × 5 = 15) + 8 + 19.5 + 较好 15 = 85
    # 乙局: 30 + (20 − 0 × 5 = 20) + 10 + 12 + 好 20 = 92; weight 100 of a 100-point scale.
    assert _totals(ws) == {"甲局": "85.00", "乙局": "92.00"}

    # Again: nothing recorded, each value counted as already recorded.
    again = ws.ok("import", "scores", str(sheet)).stdout
    assert "记录 0 条；已记录 10 项" in again and ws.event_count() == before + 10

    # A changed value is refused unless amended, with a reason.
    _fill(sheet, {"甲局": {"a1": 29.5, "b1": "好"}})
    result = ws.run("import", "scores", str(sheet))
    assert result.exit_code == 1 and ws.event_count() == before + 10
    assert "a1 已记录为 27.5" in result.output and "--amend" in result.output
    ws.ok("import", "scores", str(sheet), "--amend", "--reason", "复核更正")
    # 甲局: 29.5 + 15 + 8 + 19.5 + 好 20 = 92; a tie with 乙局
    assert _totals(ws) == {"甲局": "92.00", "乙局": "92.00"}
    # a1 amended (1 event), b1 withdrawn and recorded again (2 events)
    assert ws.event_count() == before + 13


def test_a_file_with_problems_in_several_rows_is_refused_listing_each(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    _set_up(ws, "单位名称,类别\n甲局,党政机关\n乙局,党政机关\n".encode())
    sheet = ws.root / "得分.xlsx"
    ws.ok("template", "scores", "2024", "-o", str(sheet))
    _fill(
        sheet,
        {
            "甲局": {"a1": 31, "a2": 2.5, "a3.p1": 8.005},
            "乙局": {"a1": "=10+5", "b1": "优", "a3.p2": 19.125},
        },
    )
    book = load_workbook(sheet)
    book["基础工作"].append(["丙局", "2024", None, 3])
    book.save(sheet)
    before = ws.event_count()
    result = ws.run("import", "scores", str(sheet))
    assert result.exit_code == 1 and ws.event_count() == before
    lines = result.output.strip().splitlines()
    assert lines[0] == f"错误：文件 {sheet} 有 7 处问题，整批未记录（允许的写法见各行）："
    problems = "\n".join(lines[1:])
    # The template lists the units in name order: 乙局 on row 3, 甲局 on row 4.
    assert "工作表「基础工作」 D3 单元格：公式没有计算结果" in problems
    assert (
        "工作表「基础工作」 第 4 行 D 列（a1）：指标 a1（制度落实）的得分 31 超出范围；允许 0 至 30"
        in problems
    )
    assert "第 4 行 E 列（a2）：2.5 的小数位数多于允许的（整数）；不会四舍五入" in problems
    assert "第 4 行 F 列（a3.p1）：8.005 的小数位数多于允许的（至多 2 位小数）" in problems
    assert "第 3 行 G 列（a3.p2）：19.125 的小数位数多于允许的（至多 2 位小数）" in problems
    assert (
        "工作表「综合评议」 第 3 行 D 列（b1）：指标 b1（述职评议）按意见计分，'优' 不可用"
        in problems
    )
    assert "第 5 行 A 列（unit）：未知周期 '丙局/2024'" in problems
    assert len(lines) == 8
    # An old binary workbook is refused in one line.
    (ws.root / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    line = ws.refused("import", "scores", str(ws.root / "old.xls"))
    assert "旧版 Excel/WPS 表格（.xls/.et）；请另存为 .xlsx" in line


def test_findings_come_as_gb18030_from_standard_input_in_a_subprocess(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    _set_up(ws, "\ufeff单位名称,类别\n甲局,党政机关\n乙局,党政机关\n".encode())
    env = {**os.environ, **ws.env}
    findings = (
        "单位,考核期,来源,台账指标,分值,发现日期,证据\n"
        "甲局,2024,暗访,纪律性,-2,2024-05-12,上班时间网购\n"
        "乙局,2024,督查,discipline,-1.5,2024-06-01,会议记录缺失\n"
    ).encode("gb18030")

    def run(*args: str, data: bytes) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [PDCA, *args], input=data, capture_output=True, env=env, timeout=120, check=False
        )
        return subprocess.CompletedProcess(
            done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
        )

    before = ws.event_count()
    done = run("import", "findings", "-", data=findings)
    assert done.returncode == 0, done.stderr
    assert "标准输入：2 行，记录 2 条" in done.stdout
    assert ws.event_count() == before + 2
    ledger = json.loads(ws.ok("ledger", "2024", "--json").stdout)
    assert sorted(Decimal(r["points"]) for r in ledger) == [Decimal("-2"), Decimal("-1.5")]
    again = run("import", "findings", "-", data=findings)
    assert "记录 0 条；已记录 2 项" in again.stdout and ws.event_count() == before + 2


def test_a_months_tasks_rectifications_and_ballots_import_from_their_templates(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    (ws.root / "units.csv").write_text(
        "单位名称,类别\n甲局,党政机关\n乙局,党政机关\n", encoding="utf-8"
    )
    ws.ok("import", "units", str(ws.root / "units.csv"))
    for unit in ("甲局", "乙局"):
        ws.ok("cycle", "open", unit, "2024", "--scheme", "jilin")
    # One 月初清单 for all units; a prefilled row left blank is not a row.
    tasks = ws.root / "清单.xlsx"
    ws.ok("template", "tasks", "2024", "-o", str(tasks))
    book = load_workbook(tasks)
    sheet = book.active
    assert [c.value for c in sheet[3]][:2] == ["乙局", "2024"]
    sheet["C4"], sheet["D4"] = "落实三会一课", "2024-12-31"
    sheet.append(["甲局", "2024", "主题党日", "2024-06-30"])
    sheet.append(["乙局", "2024", "党建述职", "2024-12-20"])
    book.save(tasks)
    assert "记录 3 条" in ws.ok("import", "tasks", str(tasks)).stdout
    assert "记录 0 条；已记录 3 项" in ws.ok("import", "tasks", str(tasks)).stdout
    listed = json.loads(ws.ok("task", "list", "甲局/2024", "--json").stdout)
    assert [t["title"] for t in listed["tasks"]] == ["落实三会一课", "主题党日"]
    for unit in ("甲局", "乙局"):
        ws.ok("task", "publish", f"{unit}/2024")
        ws.ok("cycle", "advance", f"{unit}/2024", "start_do")
        ws.ok("cycle", "advance", f"{unit}/2024", "start_check")

    orders = ws.root / "整改.xlsx"
    ws.ok("template", "rectifications", "2024", "-o", str(orders))
    book = load_workbook(orders)
    book.active["C3"], book.active["D3"], book.active["E3"] = "学习记录不全", "王五", "2099-06-30"
    book.save(orders)
    assert "记录 1 条" in ws.ok("import", "rectifications", str(orders)).stdout
    assert "已记录 1 项" in ws.ok("import", "rectifications", str(orders)).stdout
    items = json.loads(ws.ok("rectify", "list", "--json").stdout)
    assert [(i["unit"], i["owner"]) for i in items] == [("乙局", "王五")]

    issued = ws.ok("ballot", "issue", "甲局/2024", "--group", "masses", "--count", "2", "--json")
    tokens = json.loads(issued.stdout)["tokens"]
    slips = ws.root / "测评票.xlsx"
    ws.ok("template", "ballots", "2024", "-o", str(slips))
    book = load_workbook(slips)
    sheet = book.active
    ids = [c.value for c in sheet[1]]
    items_count = len(ids) - 3
    sheet.append(["甲局", "2024", tokens[0], *[3] * items_count])
    sheet.append(["甲局", "2024", tokens[1], *[2] * items_count])
    book.save(slips)
    before = ws.event_count()
    assert "甲局/2024 测评票 2 张" in ws.ok("import", "ballots", str(slips), "--dry-run").stdout
    assert ws.event_count() == before
    ws.ok("import", "ballots", str(slips))
    # One event spends the tokens, one per ballot follows (shuffled, no token, no actor).
    assert ws.event_count() == before + 3
    assert "已记录 2 项" in ws.ok("import", "ballots", str(slips)).stdout
    assert ws.event_count() == before + 3


def test_a_unit_whose_row_differs_is_refused_unless_amended(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    roster = ws.root / "名册.csv"
    roster.write_text(
        "单位名称,类别,联系片\n甲局,党政机关,第一片\n乙局,党政机关,\n", encoding="utf-8"
    )
    ws.ok("import", "units", str(roster))
    roster.write_text(
        "单位名称,类别,联系片\n甲局,群团组织,第一片\n乙局,党政机关,\n", encoding="utf-8"
    )
    before = ws.event_count()
    result = ws.run("import", "units", str(roster))
    assert result.exit_code == 1 and ws.event_count() == before
    assert (
        "单位 甲局 已记录为 党政机关，第一片，此行为 群团组织，第一片；如确需更正" in result.output
    )
    line = ws.refused("import", "units", str(roster), "--amend")
    assert line == "错误：--amend 更正已记录的值，必须写明理由（--reason）"
    done = ws.ok("import", "units", str(roster), "--amend", "--reason", "机构改革").stdout
    assert "记录 1 条（其中更正 1 条）；已记录 1 项" in done
    units = {u["unit"]: u["category"] for u in json.loads(ws.ok("unit", "list", "--json").stdout)}
    assert units == {"甲局": "群团组织", "乙局": "党政机关"}


def test_ten_thousand_rows_import_in_one_command(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    _set_up(ws, "单位名称,类别\n甲局,党政机关\n乙局,党政机关\n".encode())
    lines = ["单位,考核期,来源,台账指标,分值,发现日期,证据"]
    for n in range(10_000):
        unit = "甲局" if n % 2 else "乙局"
        lines.append(f"{unit},2024,督查,discipline,-{n % 5},2024-{n % 12 + 1:02d}-15,第 {n} 次抽查")
    (ws.root / "台账.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = ws.event_count()
    done = ws.ok("import", "findings", str(ws.root / "台账.csv")).stdout
    assert "10000 行，记录 10000 条" in done
    assert ws.event_count() == before + 10_000
    again = ws.ok("import", "findings", str(ws.root / "台账.csv")).stdout
    assert "记录 0 条；已记录 10000 项" in again and ws.event_count() == before + 10_000


def test_a_dry_run_is_refused_where_the_import_would_be(sqlite_workspace: Workspace) -> None:
    # A supervisor whose team covers 第一片 (甲局) previews a tasks sheet that also adds
    # to 乙局 (第二片): the preview is refused with the very line the import gets, not
    # shown as "将记录 2 条", and neither writes anything.
    ws = sqlite_workspace
    roster = ws.root / "名册.csv"
    roster.write_text(
        "单位名称,类别,联系片\n甲局,党政机关,第一片\n乙局,党政机关,第二片\n", encoding="utf-8"
    )
    ws.ok("import", "units", str(roster))
    for unit in ("甲局", "乙局"):
        ws.ok("cycle", "open", unit, "2024", "--scheme", "jilin")
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "lisi", "--person", "督查组-李四", "--role", "supervisor")
    ws.ok("account", "team", "第一组", "--grid", "第一片")
    ws.ok("account", "scope", "lisi", "--team", "第一组")
    tasks = ws.root / "清单.csv"
    tasks.write_text(
        "单位,考核期,任务,截止日期\n甲局,2024,主题党日,2024-06-30\n乙局,2024,党建述职,2024-12-20\n",
        encoding="utf-8",
    )
    before = ws.event_count()
    lines = []
    for dry in (["--dry-run"], []):
        result = ws.run("import", "tasks", str(tasks), *dry, principal="lisi")
        shown = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code != 0 and len(shown) == 1, result.output
        lines.append(shown[0])
        assert ws.event_count() == before
    assert lines[0] == lines[1]
    assert "督查组-李四" in lines[0] and "只能在其范围内记录" in lines[0] and "乙局" in lines[0]
    # Within its scope the preview passes, as the import does.
    tasks.write_text("单位,考核期,任务,截止日期\n甲局,2024,主题党日,2024-06-30\n", encoding="utf-8")
    dry = ws.ok("import", "tasks", str(tasks), "--dry-run", principal="lisi").stdout
    assert "将记录 1 条" in dry and ws.event_count() == before

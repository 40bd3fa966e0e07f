"""``pdca export notice``: the 通报 as a Word document. The test opens it with
python-docx: its ranking tables equal ``ranking --json``, the East-Asian font slots hold
小标宋 / 仿宋_GB2312, the 校验码 is at the foot; LibreOffice headless converts it and the
Chinese text survives (CI installs LibreOffice; locally the conversion is skipped
without it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import Workspace
from tests.integration.test_import_sheets import DATA


def _round(ws: Workspace) -> None:
    shutil.copy(DATA / "mini.toml", ws.root / "workflows" / "mini.toml")
    (ws.root / "u.csv").write_text(
        "单位名称,类别\n甲局,党政机关\n乙局,党政机关\n丙局,群团组织\n", encoding="utf-8"
    )
    ws.ok("import", "units", str(ws.root / "u.csv"))
    for unit in ("甲局", "乙局", "丙局"):
        ws.ok("cycle", "open", unit, "2024", "--scheme", "mini")
        ws.ok("cycle", "advance", f"{unit}/2024", "start_do")
        ws.ok("cycle", "advance", f"{unit}/2024", "start_check")
    (ws.root / "s.csv").write_text(
        "单位,考核期,a1,a2,a3.p1,a3.p2,b1\n"
        "甲局,2024,30,4,10,20,好\n"
        "乙局,2024,28,4,10,19,较好\n"
        "丙局,2024,20,2,5,10,一般\n",
        encoding="utf-8",
    )
    ws.ok("import", "scores", str(ws.root / "s.csv"))
    for unit in ("甲局", "乙局", "丙局"):
        ws.ok("cycle", "advance", f"{unit}/2024", "start_act")
    ws.ok("round", "open", "2024", "--scheme", "mini")
    ws.ok("round", "finalize", "2024")


def test_the_notice_holds_the_ranking_in_gbt9704_fonts_and_the_check_code(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    _round(ws)
    out = ws.root / "通报.docx"
    letters = ws.root / "结果函"
    done = ws.ok(
        "export", "notice", "2024", "-o", str(out), "--doc-number", "机党〔2025〕3号",
        "--per-unit", str(letters),
    ).output  # fmt: skip
    assert f"已导出通报到 {out}（3 个单位）" in done and "已写出 3 份结果函" in done
    code = done.strip().splitlines()[-1]
    assert code.startswith("校验码：1-")
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "中共机关工作委员会文件" and texts[1] == "机党〔2025〕3号"
    assert texts[2] == "关于2024年度机关党建工作考核结果的通报"
    assert "一、考核排名" in texts and "二、秋后算账" in texts
    assert texts[-1] == code  # the anchor's 校验码 at the foot
    # 甲局 30+20+10+20+好20 = 100; 乙局 28+20+10+19+较好15 = 92; 丙局 20+(20−2×5=10)+5+10+一般10 = 55
    ranking = json.loads(ws.ok("ranking", "2024", "--json").stdout)
    assert [(r["unit"], r["total"]) for r in ranking] == [
        ("甲局", "100.00"),
        ("乙局", "92.00"),
        ("丙局", "55.00"),
    ]
    shown = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows[1:]]
    expected = [
        [str(r["rank"]), r["unit"], r["total"], r["grade"] or "", r["tier"] or ""] for r in ranking
    ]
    assert shown == expected
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["名次", "单位", "总分", "等次", "档次"]
    # The fonts sit in the East-Asian slot, where Word looks for Chinese.
    title = doc.paragraphs[2].runs[0]._element.rPr.rFonts
    assert title.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = doc.paragraphs[3].runs[0]._element.rPr.rFonts
    assert body.get(qn("w:eastAsia")) == "仿宋_GB2312"
    letter = Document(str(letters / "乙局-2024考核结果.docx"))
    said = "\n".join(p.text for p in letter.paragraphs)
    assert "考核总分 92.00，在党政机关中列第 2 名" in said and code in said

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("CI: soffice (libreoffice-writer-nogui) is missing")
        pytest.skip("LibreOffice (soffice) is not installed here")
    converted = ws.root / "converted"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{ws.root / 'lo-profile'}",
         "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(converted), str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = (converted / "通报.txt").read_text(encoding="utf-8-sig")
    for phrase in (
        "中共机关工作委员会文件",
        "关于2024年度机关党建工作考核结果的通报",
        "乙局",
        "校验码",
    ):
        assert phrase in text

"""The 通报 as a Word document (``pdca export notice``), laid out after GB/T 9704
(党政机关公文格式): A4 with its margins, the 版头 (issuer in red, 发文字号, a red rule),
the title in 小标宋 and the body in 仿宋_GB2312 — set in the East-Asian font slot, which
is where Word looks for Chinese text — numbered sections, and the anchor's 校验码 at the
foot. ``--per-unit`` writes each unit its own result letter. python-docx is imported
only here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

RED = "C00000"
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class NoticeStyle:
    issuer: str = "中共机关工作委员会"
    number: str = ""  # 发文字号; "" → 〔PERIOD〕1号 under the issuer's short form
    title_font: str = "方正小标宋简体"
    body_font: str = "仿宋_GB2312"
    heading_font: str = "黑体"


def notice_data(app: Any, period: str) -> dict[str, Any]:
    """What the 通报 says, from the projections (as ``ranking`` reads them)."""
    from pdca.domain.ids import check_period
    from pdca.reports import check_code
    from pdca.reports.tables import ranked, ranking_json, results_used_text, score_row

    period = check_period(period)
    rows = [
        {**ranking_json(score_row(r)), "scheme_id": r["scheme_id"]}
        for r in ranked(app.scores_of(period), None, app.workspace.categories)
    ]
    used = app.results_used(period)
    for r in rows:
        record = used.get(f"{r['unit']}/{period}")
        r["results_used"] = results_used_text(record) if record else None
    moves = [m for m in app.ledger_moves(period) if m["rank_change"]]
    return {
        "period": period,
        "rows": rows,
        "moves": moves,
        "code": check_code.text(app),
        "today": app.clock.today().isoformat(),
    }


def groups(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The ranking by scheme and unit category, as the ranking command lists it."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        found.setdefault((r["scheme_id"], r["category"] or "（未分类）"), []).append(r)
    return found


def write_notice(data: dict[str, Any], style: NoticeStyle, target: BinaryIO) -> None:
    doc = _document(style)
    period = data["period"]
    _head(doc, style, period)
    _title(doc, style, f"关于{period}年度机关党建工作考核结果的通报")
    _para(doc, style, "各单位：", indent=False)
    _para(
        doc,
        style,
        f"根据考核方案，{period}年度机关党建工作考核已完成计划、执行、督查、处理各环节，"
        "现将考核结果通报如下。",
    )
    section = 0

    def heading(text: str) -> None:
        nonlocal section
        _para(doc, style, f"{NUMERALS[section]}、{text}", font=style.heading_font)
        section += 1

    heading("考核排名")
    for n, ((scheme, category), members) in enumerate(groups(data["rows"]).items()):
        _para(
            doc, style, f"（{NUMERALS[n % 10]}）{category}（方案 {scheme}，{len(members)} 个单位）"
        )
        _table(
            doc,
            style,
            ["名次", "单位", "总分", "等次", "档次"],
            [[r["rank"], r["unit"], r["total"], r["grade"], r["tier"]] for r in members],
        )
    used = [r for r in data["rows"] if r.get("results_used")]
    if used:
        heading("结果运用")
        for r in used:
            _para(doc, style, f"{r['unit']}：{r['results_used']}。")
    heading("秋后算账")
    if data["moves"]:
        for m in data["moves"]:
            turn = "上升" if m["rank_change"] > 0 else "下降"
            _para(
                doc,
                style,
                f"{m['unit']}：平时台账发现 {m['findings']} 条，不计台账第 {m['rank_before']} 名"
                f"（{m['total_before']} 分），计入后第 {m['rank_after']} 名（{m['total_after']} 分），"
                f"名次{turn} {abs(m['rank_change'])} 位。",
            )
    else:
        _para(doc, style, "平时台账发现没有改变任何单位的名次。")
    _closing(doc, style, data)
    doc.save(target)


def write_letters(data: dict[str, Any], style: NoticeStyle, directory: Path) -> list[Path]:
    """One result letter per unit: its place, grade, tier, consequences and ledger."""
    directory.mkdir(parents=True, exist_ok=True)
    moves = {m["unit"]: m for m in data["moves"]}
    written = []
    for r in data["rows"]:
        doc = _document(style)
        _head(doc, style, data["period"])
        _title(doc, style, f"关于{r['unit']}{data['period']}年度机关党建工作考核结果的函")
        _para(doc, style, f"{r['unit']}：", indent=False)
        place = f"在{r['category'] or '本类'}中列第 {r['rank']} 名" if r["rank"] else "尚未定稿排名"
        _para(
            doc,
            style,
            f"你单位{data['period']}年度机关党建工作考核总分 {r['total'] if r['total'] is not None else '（尚不能计分）'}，"
            f"{place}，等次：{r['grade'] or '无'}，档次：{r['tier'] or '无'}。",
        )
        if r.get("results_used"):
            _para(doc, style, f"结果运用：{r['results_used']}。")
        move = moves.get(r["unit"])
        if move:
            _para(
                doc,
                style,
                f"平时台账发现 {move['findings']} 条，名次由不计台账的第 {move['rank_before']} 名"
                f"变为第 {move['rank_after']} 名。",
            )
        _closing(doc, style, data)
        path = directory / f"{r['unit']}-{data['period']}考核结果.docx"
        doc.save(str(path))
        written.append(path)
    return written


# ---- GB/T 9704 ---------------------------------------------------------------------------


def _document(style: NoticeStyle) -> Any:
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)  # 三号
    _east_asian(normal.element.get_or_add_rPr(), style.body_font)
    _page_number(section)
    return doc


def _east_asian(rpr: Any, font: str) -> None:
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        from docx.oxml import OxmlElement

        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), font)


def _run(paragraph: Any, text: str, font: str, size: float, color: str | None = None) -> Any:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    _east_asian(run._element.get_or_add_rPr(), font)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _head(doc: Any, style: NoticeStyle, period: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(mark, f"{style.issuer}文件", style.title_font, 36, RED)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(number, style.number or f"〔{period[:4]}〕1号", style.body_font, 16)
    _red_rule(number)


def _red_rule(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "8"), ("w:color", RED)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _title(doc: Any, style: NoticeStyle, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, text, style.title_font, 22)  # 二号


def _para(
    doc: Any, style: NoticeStyle, text: str, indent: bool = True, font: str | None = None
) -> Any:
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.line_spacing = Pt(28)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters
    _run(paragraph, text, font or style.body_font, 16)
    return paragraph


def _table(doc: Any, style: NoticeStyle, headers: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = ""
        _run(cell.paragraphs[0], text, style.heading_font, 14)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _run(cell.paragraphs[0], "" if value is None else str(value), style.body_font, 14)


def _closing(doc: Any, style: NoticeStyle, data: dict[str, Any]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for text in (style.issuer, data["today"]):
        paragraph = _para(doc, style, text, indent=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot = _para(doc, style, data["code"], indent=False)
    for run in foot.runs:
        from docx.shared import Pt

        run.font.size = Pt(10.5)


def _page_number(section: Any) -> None:
    """``— 1 —`` centred in the footer (GB/T 9704: 4号 半角数字, a dash either side)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        else:
            instr = OxmlElement("w:instrText")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run(" —")

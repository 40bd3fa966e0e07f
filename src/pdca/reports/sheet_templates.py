"""An import template as an .xlsx workbook: a hidden first row of column ids (so a
renamed header still maps), the Chinese headers with each column's rule, data
validation for ranges and lists, and a notes sheet. openpyxl is imported here only."""

from __future__ import annotations

from typing import Any, BinaryIO

from pdca.application.templates import SheetSpec, TemplateSpec

NOTES_TITLE = "填写说明"
_MAX_ROWS = 10_000  # how far down a column's validation reaches


def write_template(spec: TemplateSpec, target: BinaryIO) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    for n, sheet in enumerate(spec.sheets):
        ws = first if n == 0 else book.create_sheet()
        _sheet(ws, sheet)
    notes = book.create_sheet(NOTES_TITLE)
    for line in spec.notes:
        notes.append([line])
    if spec.scheme:
        notes.append([f"方案：{spec.scheme}"])
    notes.column_dimensions["A"].width = 100
    book.save(target)


def _sheet(ws: Any, spec: SheetSpec) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.title = spec.title
    ws.append([c.id for c in spec.columns])
    ws.row_dimensions[1].hidden = True
    ws.append([f"{c.header}\n{c.id}" + (f"\n{c.note}" if c.note else "") for c in spec.columns])
    ws.row_dimensions[2].height = 60
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in ws[2]:
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
    for values in spec.rows:
        ws.append(list(values))
    ws.freeze_panes = "C3"
    last = max(len(spec.rows) + 2, 3) + _MAX_ROWS
    for at, column in enumerate(spec.columns, 1):
        letter = get_column_letter(at)
        ws.column_dimensions[letter].width = 14 if at > 2 else 18
        where = f"{letter}3:{letter}{last}"
        if column.id == "period":
            for row in ws.iter_rows(min_row=3, min_col=at, max_col=at):
                for cell in row:
                    cell.number_format = "@"  # 2024 stays text, not a number
        rule = None
        if column.choices:
            listed = ",".join(column.choices)
            rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            rule.error = f"只能选：{'、'.join(column.choices)}"
        elif column.low is not None:
            kind = "whole" if column.whole else "decimal"
            if column.high is not None:
                rule = DataValidation(
                    type=kind,
                    operator="between",
                    formula1=str(column.low),
                    formula2=str(column.high),
                    allow_blank=True,
                )
                rule.error = f"允许 {column.low} 至 {column.high}"
            else:
                rule = DataValidation(
                    type=kind,
                    operator="greaterThanOrEqual",
                    formula1=str(column.low),
                    allow_blank=True,
                )
                rule.error = f"不能小于 {column.low}"
        elif column.is_date:
            rule = DataValidation(
                type="date", operator="greaterThan", formula1="1", allow_blank=True
            )
            rule.error = "应为日期，如 2024-12-31"
        if rule is not None:
            rule.showErrorMessage = True
            ws.add_data_validation(rule)
            rule.add(where)

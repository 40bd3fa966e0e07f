"""The tables a person hands to ``pdca import``: an .xlsx workbook (every visible sheet)
or a CSV file (UTF-8, UTF-8 with its mark, GB18030), from a file or standard input.

Cells keep what the spreadsheet meant: a number is the ``Decimal`` of the float Excel
stored (``Decimal(repr(0.1))`` is ``0.1``, never ``0.1000000000000000055…``), so a value
with more decimals than an item allows is seen and refused, never rounded away. A formula
is read by the value Excel cached when it last saved; a formula without one (a file
written by a program that never calculated it) is refused naming the cell. openpyxl is
imported only here, when a workbook is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from pdca.application import input_files as inputs
from pdca.errors import RuleViolation

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls, and WPS's .et

Value = str | Decimal | date | None


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet numbers it (1-based; a CSV's line)
    cells: tuple[Value, ...]


@dataclass(frozen=True)
class Sheet:
    name: str  # the sheet's title; a CSV file's label
    rows: tuple[Row, ...]
    uncached: tuple[str, ...] = ()  # cells whose formula has no cached value (``B7``)

    @property
    def where(self) -> str:
        """How a problem names the sheet: ``工作表「得分」``, or a CSV file's label."""
        return self.name if self.name.startswith(("文件", "标准输入")) else f"工作表「{self.name}」"


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheets(name: str, stdin: BinaryIO) -> tuple[str, list[Sheet]]:
    """The label of the source and its sheets (a CSV file is one sheet)."""
    label = inputs.source_label(name)
    lowered = name.lower()
    if lowered.endswith((".xls", ".et")):
        raise RuleViolation(f"{label} 是旧版 Excel/WPS 表格（.xls/.et）；请另存为 .xlsx 后再导入")
    data = inputs.read_bytes(name, stdin)
    if data.startswith(_OLE_MAGIC):
        raise RuleViolation(f"{label} 是旧版 Excel/WPS 表格（.xls/.et）；请另存为 .xlsx 后再导入")
    if data.startswith(_XLSX_MAGIC):
        return label, _workbook(data, label)
    table = inputs.read_csv(inputs.decode_text(data, label), label)
    rows = (Row(1, table.header), *(Row(line, fields) for line, fields in table.rows))
    return label, [Sheet(label, tuple(_csv_row(r) for r in rows))]


def _csv_row(row: Row) -> Row:
    return Row(row.number, tuple(c if c else None for c in row.cells))  # type: ignore[misc]


def _workbook(data: bytes, label: str) -> list[Sheet]:
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # Formulas are read a second time only when the sheets hold any (``<f>``): a
        # sheet of typed values, the usual case, is parsed once.
        formulas = (
            load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if _has_formulas(data)
            else None
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RuleViolation(
            f"{label} 不是可读的 .xlsx 工作簿（{exc}）；请用 Excel 另存为 .xlsx"
        ) from None
    sheets = []
    for title in values.sheetnames:
        shown = values[title]
        if getattr(shown, "sheet_state", "visible") != "visible":
            continue  # a hidden sheet is the template's own (notes), not data
        written_rows = formulas[title].iter_rows() if formulas is not None else None
        uncached: list[str] = []
        rows = []
        for cached in shown.iter_rows():
            written = next(written_rows, ()) if written_rows is not None else ()
            cells = []
            number = None
            for at, cell in enumerate(cached):
                number = getattr(cell, "row", number)
                value = _value(getattr(cell, "value", None))
                formula = getattr(written[at], "value", None) if at < len(written) else None
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    uncached.append(f"{column_letter(at)}{number}")
                cells.append(value)
            if number is not None and any(c is not None for c in cells):
                rows.append(Row(number, tuple(cells)))
        sheets.append(Sheet(title, tuple(rows), tuple(uncached)))
    values.close()
    if formulas is not None:
        formulas.close()
    return sheets


def _has_formulas(data: bytes) -> bool:
    import io
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(
            re.search(rb"<(?:\w+:)?f[ >]", archive.read(name))
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _value(value: Any) -> Value:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip()
    return text or None

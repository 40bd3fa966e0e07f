"""Write an export table as csv, json or xlsx.

The table (``exports``) decides the columns and the figures; this module only spells
them. CSV: UTF-8 with a byte-order mark, so a spreadsheet program opens the Chinese
headers right, and decimals written exactly as held ("85.30"), so reading the file back
gives the same figures. JSON: the project's convention for scripts, decimals as
strings. XLSX: numbers as numbers shown at their precision, a frozen header row.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from pdca.reports.tables import NotScored, Table

FORMATS = ("xlsx", "csv", "json")


def text_of(value: Any) -> str:
    """How a cell reads in a CSV file and in the report."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def write_csv(table: Table, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(c.header for c in table.columns)
    for row in table.rows:
        writer.writerow(text_of(v) for v in table.values(row))


def _json_value(value: Any) -> Any:
    if isinstance(value, NotScored):
        return None  # no number where there is no score; the reason is in explain
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def json_rows(table: Table) -> list[dict[str, Any]]:
    return [{c.key: _json_value(row.get(c.key)) for c in table.columns} for row in table.rows]


def write_json(table: Table, out: TextIO) -> None:
    json.dump(json_rows(table), out, ensure_ascii=False, indent=2)
    out.write("\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _number_format(value: Decimal) -> str:
    places = -int(value.as_tuple().exponent)  # type: ignore[arg-type]
    return "0." + "0" * places if places > 0 else "0"


def write_xlsx(table: Table, out: BinaryIO | Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    # Excel refuses sheet titles over 31 characters or with []:*?/\.
    sheet.title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31]
    sheet.append([c.header for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_width(c.header) for c in table.columns]
    for r, row in enumerate(table.rows, start=2):
        for i, value in enumerate(table.values(row)):
            cell = sheet.cell(row=r, column=i + 1)
            if isinstance(value, bool):
                cell.value = "是" if value else "否"
            elif isinstance(value, NotScored):
                cell.value = str(value)  # text, so no sum or chart takes it for a score
            elif isinstance(value, Decimal):
                cell.value = value  # written exactly; read back as a number
                cell.number_format = _number_format(value)
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = value
            widths[i] = max(widths[i], _width(text_of(value)))
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 60)
    sheet.freeze_panes = "A2"
    if table.check_code:
        # Its own sheet: a line under the rows would be read as one more row.
        note = book.create_sheet("校验码")
        note.append([table.check_code])
        note.column_dimensions["A"].width = min(_width(table.check_code) + 2, 120)
    book.save(out)


def write(table: Table, fmt: str, out: TextIO | BinaryIO | Path) -> None:
    """Write ``table`` as ``fmt`` to a text stream (csv, json) or a path / binary stream (xlsx)."""
    if fmt == "xlsx":
        write_xlsx(table, out)  # type: ignore[arg-type]
    elif fmt == "csv":
        write_csv(table, out)  # type: ignore[arg-type]
    else:
        write_json(table, out)  # type: ignore[arg-type]

"""Files people hand to a command: ``-`` for standard input; text in the encodings a
Chinese office saves (UTF-8, UTF-8 with a byte-order mark, GB18030 — a superset of the
GBK that Excel's plain "CSV" writes on Chinese Windows); CSV tables whose header names
every column exactly once (a repeated ``duty`` column used to let the last one win).

Every problem is refused in one line naming the file and, where it has one, the line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from pdca.domain.ids import shown
from pdca.errors import RuleViolation, one_of

if TYPE_CHECKING:
    from pdca.rules.schemes import Scheme

STDIN = "-"
#: A ballot file of a whole province is well under a megabyte; a bigger "file" is a
#: mistake (``/dev/zero``, a binary), refused before it fills the memory.
MAX_BYTES = 32 * 1024 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def source_label(name: str) -> str:
    return "标准输入" if name == STDIN else f"文件 {name}"


def read_bytes(name: str, stdin: BinaryIO) -> bytes:
    """The bytes of file ``name``, or of ``stdin`` when ``name`` is ``-``."""
    label = source_label(name)
    try:
        if name == STDIN:
            data = stdin.read(MAX_BYTES + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise RuleViolation(f"{label} 是目录；请给出一个文件，或用 - 表示标准输入") from None
    except OSError as exc:
        raise RuleViolation(f"无法读取{label}：{exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise RuleViolation(f"{label} 超过 {MAX_BYTES // (1024 * 1024)} MB，不像是要导入的表格")
    return data


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (with or without its byte-order mark), else GB18030; anything else refused."""
    if data.startswith(_UTF16_BOMS):
        raise RuleViolation(
            f"{label} 是 UTF-16 编码（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”或“CSV（逗号分隔）”"
        )
    if data.startswith(_UTF8_BOM):
        text = _decode(data[len(_UTF8_BOM) :], "utf-8", label, "UTF-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode(data, "gb18030", label, "UTF-8 和 GB18030（GBK）")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise RuleViolation(f"{label} 第 {line} 行含 NUL 字节，不是文本表格")
    return text


def _decode(data: bytes, encoding: str, label: str, tried: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RuleViolation(
            f"{label} 第 {line} 行有无法识别的字节（按 {tried} 都读不通）；请另存为“CSV UTF-8”"
        ) from None


def load_scheme(name: str, stdin: BinaryIO) -> Scheme:
    """A scheme file to validate (``-``: standard input). TOML is UTF-8 by definition."""
    from pdca.application.workspace import check_scheme_file

    if name != STDIN:
        from pathlib import Path

        return check_scheme_file(Path(name))
    from pdca.errors import SchemeInvalid
    from pdca.rules.schemes import parse

    try:
        text = read_bytes(name, stdin).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemeInvalid(f"无法读取方案文件 标准输入：不是 UTF-8（{exc.reason}）") from None
    return parse(text, origin="标准输入")


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's header (trimmed, each name once) and its non-blank rows, each with
    its line number and exactly one field per column."""

    label: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def read_csv(text: str, label: str) -> CsvTable:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for record in reader:
            line = reader.line_num
            fields = tuple(f.strip() for f in record)
            if not any(fields):
                continue  # blank lines, and rows of empty cells a spreadsheet leaves
            if header is None:
                header = _header(fields, label)
            elif len(fields) != len(header):
                raise RuleViolation(
                    f"{label} 第 {line} 行有 {len(fields)} 个字段，表头有 {len(header)} 列"
                )
            else:
                rows.append((line, fields))
    except csv.Error as exc:
        raise RuleViolation(f"{label} 第 {reader.line_num} 行不是有效的 CSV：{exc}") from None
    if header is None:
        raise RuleViolation(f"{label} 是空的：首行应为表头")
    return CsvTable(label, header, tuple(rows))


def _header(fields: tuple[str, ...], label: str) -> tuple[str, ...]:
    blank = [str(n) for n, f in enumerate(fields, 1) if not f]
    if blank:
        raise RuleViolation(f"{label} 表头第 {'、'.join(blank)} 列没有列名")
    seen: dict[str, list[int]] = {}
    for n, name in enumerate(fields, 1):
        seen.setdefault(name, []).append(n)
    repeated = [
        f"{shown(name)}（第 {'、'.join(map(str, at))} 列）"
        for name, at in seen.items()
        if len(at) > 1
    ]
    if repeated:
        raise RuleViolation(f"{label} 表头有重复的列：{one_of(repeated)}；每列只能出现一次")
    return fields

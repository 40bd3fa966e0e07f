"""A scheme's text → its TOML table, refusing what would hurt to parse.

The limits are checked before anything goes deep. ``tomllib`` recurses once per nested
array or inline table, so ``x = [[[[…`` 5,000 deep stopped it with RecursionError and,
with it, every command that lists the workspace's schemes; a dotted key 5,000 parts
long parses, and would stop whatever walked the table next. Library-free: a pinned
text is read here on every ``cycle status``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pdca.errors import SchemeInvalid

#: The largest shipped scheme is about 30 KB.
MAX_BYTES = 1 << 20
#: A shipped scheme nests 7 deep (catalog.categories[].items[].points[].id).
MAX_DEPTH = 32
#: Format 1: a text without ``format`` (everything written before issue 12).
#: Format 2: the declared schema of ``scheme_format``.
#: Format 3: scored 采分点, opinion tables, catalogue areas and per-level counts.
FORMATS = (1, 2, 3)

# Strings and comments may hold brackets that nest nothing.
_INERT = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*', re.S
)
_BRACKET = re.compile(r"[\[\]{}]")


def read_file(path: Path) -> str:
    """A scheme file's text, refused unread when it is too large or not a file (a FIFO
    named ``x.toml`` would block the read forever)."""
    if path.exists() and not path.is_file():
        raise SchemeInvalid(f"无法读取方案文件 {path}：不是普通文件")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SchemeInvalid(f"无法读取方案文件 {path}：{exc}") from None
    if len(raw) > MAX_BYTES:
        raise SchemeInvalid(f"方案文件无效 {path}：文件过大（超过 {MAX_BYTES // 1024} KB）")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemeInvalid(f"无法读取方案文件 {path}：不是 UTF-8 文本（{exc}）") from None


def read_table(text: str, origin: str) -> dict[str, Any]:
    """The TOML table of a scheme text; ``SchemeInvalid`` for anything unreadable."""
    refuse = f"方案文件无效 {origin}："
    if len(text) > MAX_BYTES:
        raise SchemeInvalid(f"{refuse}文件过大（超过 {MAX_BYTES // 1024} KB）")
    too_deep = f"{refuse}嵌套过深（超过 {MAX_DEPTH} 层）"
    if _bracket_depth(text) > MAX_DEPTH:
        raise SchemeInvalid(too_deep)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeInvalid(f"{refuse}TOML 语法错误：{exc}") from None
    except RecursionError:  # nesting the scan above could not see
        raise SchemeInvalid(too_deep) from None
    if _table_depth(data) > MAX_DEPTH:
        raise SchemeInvalid(too_deep)
    return data


def format_of(data: dict[str, Any], origin: str) -> int:
    """The format a text declares; one this pdca does not know cannot be read."""
    version = data.get("format", 1)
    if type(version) is not int or version not in FORMATS:
        known = "、".join(str(f) for f in FORMATS)
        raise SchemeInvalid(
            f"方案文件无效 {origin}：format: 方案格式 {version!r} 不可读；本版 pdca 读格式 {known}"
        )
    return version


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for match in _BRACKET.finditer(_INERT.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _table_depth(data: Any) -> int:
    """How deep tables and arrays nest, measured without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value
        pending.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return deepest

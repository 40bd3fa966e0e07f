"""Names people type — units, categories, grids, actors, owners — checked at the edge.

A name is kept as typed after Unicode NFC normalisation and trimming (``ids.clean_name``,
which also derives aggregate ids and so never changes). A *new* name is refused

* when it holds a character that is invisible or reorders text — a control character
  (newline, TAB, BEL…), a bidirectional control (U+202A–E, U+2066–9, U+200E/F,
  U+061C) or a zero-width one (U+200B–D, U+2060, U+FEFF): ``甲单位`` with a zero-width
  space is a second unit nobody can tell from the first, and a newline splits every
  table it is printed in;
* when it is longer than the read models' columns hold: PostgreSQL refuses a longer
  value (SQLite does not), and every read model then stops at that event for good.
  The columns are declared with these same constants.

Private-use characters stay allowed: GB18030 maps rare characters (生僻字) there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pdca.errors import RuleViolation

# Unicode general categories refused in a name: control (Cc), format (Cf: every bidi
# control and zero-width character above is one), unpaired surrogates (Cs: undecodable
# bytes on a command line arrive as these) and the line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True)
class NameKind:
    """One kind of name: how a refusal calls it, and how long it may be (characters,
    as PostgreSQL's ``varchar(n)`` counts them)."""

    label: str
    max_length: int


UNIT = NameKind("单位名称", 200)
CATEGORY = NameKind("单位类别", 100)
GRID = NameKind("联系片", 100)
# Actors and owners live in ``Private`` text columns, which have no length; 100 keeps a
# person's name a name, and every table it is printed in readable.
PERSON_MAX = 100
ACTOR = NameKind("操作人", PERSON_MAX)
OWNER = NameKind("整改责任人", PERSON_MAX)
# A login: an OS user name or a PostgreSQL role (63 bytes there; 100 characters here).
LOGIN = NameKind("登录名", PERSON_MAX)
TEAM = NameKind("督查组名称", 100)
# ``YYYY-Qn`` is 7 characters; the columns allow 20.
PERIOD_COLUMN = 20
# ``UNIT/PERIOD``: the columns holding a cycle's address.
ADDRESS_COLUMN = 240


def describe_character(ch: str) -> str:
    """``U+202E（RIGHT-TO-LEFT OVERRIDE）``; control characters have no Unicode name."""
    name = unicodedata.name(ch, "") or {"Cc": "控制字符", "Cs": "无法解码的字节"}.get(
        unicodedata.category(ch), "无名称字符"
    )
    return f"U+{ord(ch):04X}（{name}）"


def first_refused(text: str) -> tuple[int, str] | None:
    """The first character a name may not hold, with its 1-based position."""
    if text.isprintable():  # the common case; isprintable is False for every refused one
        return None
    for position, ch in enumerate(text, 1):
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            return position, ch
    return None


def _refuse_first(text: str, label: str, rule: str) -> None:
    """Refuse ``text`` naming its first refused character and where it is, then ``rule``."""
    found = first_refused(text)
    if found is not None:
        position, ch = found
        raise RuleViolation(f"{label}第 {position} 个字符是 {describe_character(ch)}；{rule}")


def refuse_invisible(text: str, kind: NameKind) -> None:
    """Refuse ``text`` naming its first invisible or reordering character, if any."""
    _refuse_first(
        text,
        kind.label,
        "名称不能含控制字符、双向控制字符或零宽字符，请重新输入（勿从别处复制带格式的文字）",
    )


#: The free-text fields of events and how a refusal calls them. They are not names (no
#: length of a column, not looked up), but they are printed in one-line tables, history
#: summaries, exports and the report, so the same characters are refused: a newline
#: would break a row, a right-to-left override would reorder what an auditor reads.
FREE_TEXT = {
    "evidence": "证据",
    "note": "说明",
    "reason": "理由",
    "title": "任务名称",
    "problem": "整改问题",
}


def refuse_invisible_text(field: str, text: str) -> None:
    """Refuse free text (``FREE_TEXT``) holding a character it may not hold, naming it."""
    _refuse_first(
        text,
        FREE_TEXT.get(field, field),
        "文字须写成一行，不能含换行、制表符、控制字符、双向控制字符或零宽字符",
    )


def check_name(text: str, kind: NameKind) -> str:
    """A new name as it will be stored: NFC, trimmed, visible, not empty, not too long."""
    name = unicodedata.normalize("NFC", text).strip()
    refuse_invisible(name, kind)
    if not name:
        raise RuleViolation(f"{kind.label}不能为空")
    if len(name) > kind.max_length:
        raise RuleViolation(
            f"{kind.label}太长：{len(name)} 个字符；最多 {kind.max_length} 个（{name[:20]}…）"
        )
    return name

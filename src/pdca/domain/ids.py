"""Natural keys → aggregate ids, so a unit or cycle named twice is the same aggregate."""

from __future__ import annotations

import re
import unicodedata
from uuid import UUID

from pdca.errors import RuleViolation
from pdca.hashes import uuid5

NAMESPACE = UUID("6c1b3f0e-2f1a-5d7e-9a41-5043a2b7d0c1")
#: The database's one ``Accounts`` aggregate (``pdca.domain.account``).
ACCOUNTS_ID = uuid5(NAMESPACE, "accounts")
# re.ASCII: without it ``\d`` also matches full-width and Arabic-Indic digits, and
# ``20２４`` opened a second 2024 cycle beside the round's.
_PERIOD = re.compile(r"(19|20)\d\d(-(H[12]|Q[1-4]))?", re.ASCII)
PERIOD_FORMS = "YYYY（年度）、YYYY-H1/H2（半年）、YYYY-Q1…Q4（季度）"


def clean_name(name: str) -> str:
    """Names may be Chinese; compare them after Unicode normalisation and trimming."""
    return unicodedata.normalize("NFC", name).strip()


def check_period(period: str) -> str:
    period = period.strip()
    if not _PERIOD.fullmatch(period):
        hint = "（只用半角数字和字母）" if not period.isascii() else ""
        raise RuleViolation(f"考核期 '{shown(period)}' 格式不对；允许：{PERIOD_FORMS}{hint}")
    return period


def shown(text: str, limit: int = 40) -> str:
    """Typed text echoed in a refusal: long input cut short (the refusal stays one line;
    ``PdcaError`` escapes what cannot be printed)."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


def unit_id(name: str) -> UUID:
    return uuid5(NAMESPACE, f"unit:{clean_name(name)}")


def cycle_id(unit: str, period: str, generation: int = 0) -> UUID:
    """A cycle's id. A cycle opened again after a void is another generation of the
    same address (found by walking from generation 0); generation 0 keeps the old id."""
    key = f"cycle:{clean_name(unit)}/{period.strip()}"
    return uuid5(NAMESPACE, key if generation == 0 else f"{key}#{generation}")


def round_id(period: str, scheme_id: str) -> UUID:
    """A round's id (``pdca.domain.round``): here, so a reader that only looks a round up
    (``explain`` of a cycle whose period has none) does not import the aggregate."""
    return uuid5(NAMESPACE, f"round:{period.strip()}/{scheme_id}")


def split_address(address: str) -> tuple[str, str]:
    """``市财政局/2024`` → (unit, period). The unit is everything before the last slash."""
    unit, sep, period = address.strip().rpartition("/")
    if not sep or not unit.strip() or not period.strip():
        raise RuleViolation(f"周期地址 '{address}' 格式不对；应为 单位/考核期，例如 市财政局/2024")
    return clean_name(unit), period.strip()

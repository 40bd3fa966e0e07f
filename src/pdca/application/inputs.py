"""The forms of input the use cases accept, for a front end that acts on its input
before any use case runs (``pdca report`` names its file after the period)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from pdca.domain.ids import check_period
from pdca.errors import InvalidInput


def period(text: str) -> str:
    """The period ``text`` names (``2024``, ``2024-H1``, ``2024-Q3``), stripped; a
    malformed one is refused (``RuleViolation``) saying which forms are allowed."""
    return check_period(text)


def decimal(text: str, what: str) -> Decimal:
    """``text`` as an exact decimal (a ballot file's cell, a web form's field); refused
    (``InvalidInput``) when it is none, naming ``what`` and the allowed form."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"{what} '{text}' 不是数值；应为如 2、-0.5、87.5 的小数") from None
    if not value.is_finite():
        raise InvalidInput(f"{what} '{text}' 不是有限数值")
    return value

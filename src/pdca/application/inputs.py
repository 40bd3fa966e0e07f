"""The forms of input the use cases accept, for a front end that acts on its input
before any use case runs (``pdca report`` names its file after the period)."""

from __future__ import annotations

from pdca.domain.ids import check_period


def period(text: str) -> str:
    """The period ``text`` names (``2024``, ``2024-H1``, ``2024-Q3``), stripped; a
    malformed one is refused (``RuleViolation``) saying which forms are allowed."""
    return check_period(text)

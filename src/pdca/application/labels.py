"""The Chinese words a front end shows for stored codes (a rectification's status, an
event's type, a kind of tampering), gathered here from the rooms that define them so a
front end imports only the application.

Each is looked up on first use: a command pays only for the labels it shows.
"""

from __future__ import annotations


def rectification_status(code: str) -> str:
    """``closed`` → 已销号."""
    from pdca.domain.rectification import STATUS_LABELS

    return STATUS_LABELS[code]


def event_type(name: str) -> str:
    """``FindingRecorded`` → 督查发现; a type without a label keeps its name."""
    from pdca.rules.describe import type_label

    return type_label(name)


def tamper_kind(code: str) -> str:
    """``changed`` → 被修改."""
    from pdca.storage.tamper import KIND_LABELS

    return KIND_LABELS[code]

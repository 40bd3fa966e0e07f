"""The lifecycle of a rectification item as a ``transitions`` machine: which move is
allowed from which status, and the four-eyes guard on acceptance.

    ordered ─report→ in_progress ─submit→ submitted ─accept→ closed (销号)
       └────────────submit──────────────↗      └─reject→ in_progress
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from transitions import Machine

from pdca.domain.rectification import STATUS_LABELS
from pdca.errors import RuleViolation, one_of

MOVES = [
    {"trigger": "report", "source": ["ordered", "in_progress"], "dest": "in_progress"},
    {"trigger": "submit", "source": ["ordered", "in_progress"], "dest": "submitted"},
    {"trigger": "accept", "source": "submitted", "dest": "closed", "conditions": ["four_eyes"]},
    {"trigger": "reject", "source": "submitted", "dest": "in_progress"},
    {"trigger": "extend", "source": ["ordered", "in_progress", "submitted"], "dest": None},
]
MOVE_LABELS = {
    "report": "报告进展",
    "submit": "提交验收",
    "accept": "验收销号",
    "reject": "退回整改",
    "extend": "延期",
}


class _Probe:
    def __init__(self, submitted_by: frozenset[str], actor: frozenset[str]) -> None:
        self.submitted_by = submitted_by
        self.actor = actor

    def four_eyes(self, *_: Any, **__: Any) -> bool:
        return not (self.actor & self.submitted_by)


@lru_cache(maxsize=1)
def _machine() -> Machine:
    return Machine(
        model=None,
        states=list(STATUS_LABELS),
        transitions=MOVES,
        initial=None,
        auto_transitions=False,
    )


def check(
    status: str,
    move: str,
    submitted_by: frozenset[str] = frozenset(),
    actor: frozenset[str] = frozenset(),
) -> None:
    """Refuse ``move`` from ``status`` with what is allowed, or when four eyes fail:
    ``submitted_by`` and ``actor`` are the names each act counts as (the person, and
    whoever recorded on the person's behalf), and must not share one."""
    machine = _machine()
    allowed = [t for t in MOVE_LABELS if machine.get_transitions(t, source=status)]
    if move not in allowed:
        names = one_of(f"{t}（{MOVE_LABELS[t]}）" for t in allowed)
        raise RuleViolation(
            f"整改事项当前为{STATUS_LABELS[status]}，不能{MOVE_LABELS[move]}；可以：{names}"
        )
    probe = _Probe(submitted_by, actor)
    machine.add_model(probe, initial=status)
    try:
        if not getattr(probe, f"may_{move}")():
            same = one_of(sorted(actor & submitted_by))
            raise RuleViolation(f"验收人不能是提交人（{same}）：整改须由另一人验收销号")
    finally:
        machine.remove_model(probe)

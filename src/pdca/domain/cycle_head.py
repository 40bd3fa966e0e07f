"""A cycle's head: what a command that needs no facts reads of a snapshotted cycle (its
stage, tasks, guard inputs), and which events change only the head or only the body.

``pdca.application.cycle_loading`` loads a head for a write's checks; the quick read of
``cycle status`` (``pdca.application.quick_status``) folds one from the snapshot's head
and the events after it, without the event-store library.
"""

from __future__ import annotations

from typing import Any

from pdca.domain.facts import CycleFacts

#: Events whose fold touches only the body (the facts by position, the ballot tokens).
BODY_ONLY = frozenset(
    {
        "FindingRecorded",
        "ItemScored",
        "PointScored",
        "OpinionRecorded",
        "BallotTokensUsed",
        "BallotCounted",
        "BallotCast",
        "VetoApplied",
        "ComponentNotApplicable",
        "ItemNotApplicable",
        "UnitStepRecorded",
        "UnitStepReviewed",
        "FactWithdrawn",
        "FactAmended",
    }
)
#: Events whose fold touches only the head.
HEAD_ONLY = frozenset(
    {
        "Opened",
        "StageAdvanced",
        "TaskAdded",
        "TaskListPublished",
        "TaskReported",
        "TaskCompleted",
        "ProblemsCarriedIn",
        "CarriedProblemClosed",
        "AppealLodged",
        "AppealDecided",
        "Voided",
    }
)


class HeadFacts(CycleFacts):
    """A cycle's head without its body: the facts by position, the ballot tokens and the
    files the events name are not there (and the events that only add to them are not
    folded)."""

    def apply(self, kind: str, position: int, recorded_at: Any, data: Any) -> None:
        if kind not in BODY_ONLY:
            super().apply(kind, position, recorded_at, data)

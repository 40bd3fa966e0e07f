"""An assessment round (考核轮次): the cycles of one period under one scheme, ranked
and placed together when the round is finalised.

Each finalisation records the whole outcome; a later one (after a correction)
records the outcome again with what changed, so a published result is never
silently replaced.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import NAMESPACE


def round_id(period: str, scheme_id: str) -> UUID:
    return uuid5(NAMESPACE, f"round:{period.strip()}/{scheme_id}")


class Round(Aggregate):
    @staticmethod
    def create_id(period: str, scheme_id: str) -> UUID:
        return round_id(period, scheme_id)

    @event("Opened")
    def __init__(self, period: str, scheme_id: str, actor: str) -> None:
        self.period = period
        self.scheme_id = scheme_id
        self.finalisations: list[dict[str, Any]] = []

    @event("Finalized")
    def finalize(
        self,
        outcomes: list[dict[str, Any]],
        changes: list[dict[str, Any]],
        actor: str,
        reason: str | None,
    ) -> None:
        self.finalisations.append(
            {"outcomes": outcomes, "changes": changes, "actor": actor, "reason": reason}
        )

    @property
    def published(self) -> list[dict[str, Any]] | None:
        return self.finalisations[-1]["outcomes"] if self.finalisations else None

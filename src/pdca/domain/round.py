"""An assessment round (考核轮次): the cycles of one period under one scheme, ranked
and placed together when the round is finalised.

Each finalisation records the whole outcome; a later one (after a correction)
records the outcome again with what changed, so a published result is never
silently replaced.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import round_id


class Round(Aggregate):
    @staticmethod
    def create_id(period: str, scheme_id: str) -> UUID:
        return round_id(period, scheme_id)

    @event("Opened")
    def __init__(self, period: str, scheme_id: str, actor: str) -> None:
        self.period = period
        self.scheme_id = scheme_id
        self.finalisations: list[dict[str, Any]] = []
        #: Per unit, what its published result brings now (考用结合): conversions and
        #: consequences, and the earlier years' publications they read.
        self.consequences: dict[str, dict[str, Any]] = {}

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

    @event("ConsequencesRecorded")
    def record_consequences(
        self,
        unit: str,
        cycle: str,
        conversions: list[dict[str, Any]],
        consequences: list[dict[str, Any]],
        read: list[dict[str, Any]],
        actor: str,
    ) -> None:
        """One unit's results used, recorded with each finalisation (one event per unit)."""
        self.consequences[unit] = {
            "cycle": cycle,
            "conversions": conversions,
            "consequences": consequences,
            "read": read,
            "finalisation": len(self.finalisations),
        }

    @event("ConsequencesRevised")
    def revise_consequences(
        self,
        period: str,
        changes: list[dict[str, Any]],
        records: list[dict[str, Any]],
        actor: str,
        reason: str | None,
    ) -> None:
        """An earlier year this round read was re-finalised: the consequences that read
        it change (listed in ``changes``); the published totals never do."""
        for record in records:
            self.consequences[record["unit"]] = {
                **{k: v for k, v in record.items() if k != "unit"},
                "finalisation": len(self.finalisations),
                "revised_by": period,
            }

    @property
    def published(self) -> list[dict[str, Any]] | None:
        return self.finalisations[-1]["outcomes"] if self.finalisations else None

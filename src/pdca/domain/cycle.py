"""An assessment cycle (考核周期): one unit, one period, one pinned scheme.

The events are declared as data (and defined on first use: ``pdca.domain.declared``);
each one's ``apply`` hands it to the one fold in ``CycleFacts``. Nothing here checks a
rule: the application checks the command (stage machine, guards, scheme, input) before
an event is triggered.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain import upcasts
from pdca.domain.declared import Declared, DeclaredEvents
from pdca.domain.facts import CycleFacts, Task
from pdca.domain.ids import cycle_id


class Cycle(Aggregate, metaclass=DeclaredEvents):
    #: The events below are declared (``pdca.domain.declared``): each is defined, as a
    #: subclass of ``Recorded``, when a command first names it.
    declared_base = "Recorded"

    class Event(Aggregate.Event):
        """The base of the cycle's events (the library would define it alike)."""

    class Recorded(Event):
        """Every event after opening: folded into the cycle's facts."""

        def apply(self, aggregate: Any) -> None:
            aggregate.facts.apply(
                type(self).__name__, self.originator_version, self.timestamp, vars(self)
            )

    class StageAdvanced(Declared):
        trigger: str
        from_stage: str
        to_stage: str
        actor: str
        reason: str | None

    class TaskAdded(Declared):
        task_no: int
        title: str
        deadline: date
        indicator: str | None
        actor: str

    class TaskListPublished(Declared):
        task_count: int
        actor: str

    class TaskReported(Declared):
        task_no: int
        progress: int
        note: str | None
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class TaskCompleted(Declared):
        task_no: int
        quality: str | None
        actor: str

    class FindingRecorded(Declared):
        source: str
        indicator: str
        points: Decimal
        observed_on: date
        evidence: str
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class ItemScored(Declared):
        item: str
        value: Decimal
        evidence: str
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class PointScored(Declared):
        # One 采分点 of a catalogue item whose scheme (format 3) scores it by its points.
        item: str
        point: str
        value: Decimal
        evidence: str
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class OpinionRecorded(Declared):
        # The opinion on a qualitative item (好/较好/一般/差); the pinned scheme's
        # table turns it into points, so the event keeps the word, not a number.
        item: str
        opinion: str
        evidence: str
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class BallotsIssued(Declared):
        class_version = 2  # v1: digests unsalted, in the order the slips were printed
        upcast_v1_v2 = staticmethod(upcasts.salt_v1_v2)
        group: str
        # Keyed digests (HMAC under ``salt``), sorted: the print order is not kept.
        token_digests: list[str]
        salt: str | None  # None for v1 issues: plain SHA-256 of the token
        actor: str

    class BallotsIssuedToRater(Declared):
        # 分片互评: ballots of a group whose raters are units (or grids), issued to one
        # rater unit (or grid). The rater unit is stored, never a rater person; the
        # application refuses a rater unit's ballots for its own cycle.
        # Its digests are keyed and sorted as ``BallotsIssued`` v2's.
        group: str
        rater_unit: str | None
        rater_grid: str | None
        token_digests: list[str]
        salt: str
        actor: str

    class BallotCast(Declared):
        # Recorded before issue 13: the ballot beside its token's digest and whoever
        # entered it. Still read (old cycles score as they did); no longer recorded.
        token_digest: str
        group: str
        scores: dict[str, Decimal]
        actor: str

    class BallotTokensUsed(Declared):
        # Tokens spent, recorded the moment they are used so a repeat is refused at once;
        # the ballots they carried are not here. ``boxed``: the ballot waits in the
        # ballot box (``ballot cast``) until the box is closed; otherwise its ballot is
        # recorded in the same save (a clerk's paper batch, ``ballot import``).
        # ``actor`` names the clerk of a batch and is empty for a single cast.
        token_digests: list[str]  # sorted
        boxed: bool
        actor: str

    class BallotCounted(Declared):
        # One anonymous ballot: no token, no actor. Recorded in a shuffled batch (a
        # closed box, a clerk's file), so its place in the log says nothing of its slip.
        group: str
        scores: dict[str, Decimal]

    class BallotBoxClosed(Declared):
        # The group's box opened and its ballots counted (the ``BallotCounted`` events
        # just before). ``missing``: tokens spent whose ballot never reached the box.
        group: str
        count: int
        missing: int
        actor: str

    class VetoApplied(Declared):
        class_version = 2  # v1 had no observed_on
        upcast_v1_v2 = staticmethod(upcasts.observed_on_v1_v2)
        rule: str
        reason: str
        evidence: str
        # When the facts behind the decision happened or were established (an 通报 of
        # 3 June recorded on 20 June); None for vetoes recorded before v2.
        observed_on: date | None
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class ComponentNotApplicable(Declared):
        component: str
        reason: str
        actor: str

    class ItemNotApplicable(Declared):
        # One catalogue item does not apply to this unit: excluded from its
        # category's maximum, so the round can be complete without a score for it.
        item: str
        reason: str
        actor: str

    class ProblemsCarriedIn(Declared):
        # Last period's open rectification items (老毛病), checked again this period.
        items: list[dict[str, Any]]
        actor: str

    class CarriedProblemClosed(Declared):
        item: str
        on: date
        actor: str

    class UnitStepRecorded(Declared):
        # The unit's own step (format 3 ``[[unit_steps]]``): 自查、重点目标申报、述职报告.
        step: str
        text: str
        evidence: str
        actor: str

    class UnitStepReviewed(Declared):
        # The 工委's decision on a step that needs approval (南通's 重点目标 审核).
        fact_position: int
        approved: bool
        reason: str
        actor: str

    class AppealLodged(Declared):
        # 申诉/复核 of a published score (吉林's 讨说法): the request.
        reason: str
        evidence: str
        actor: str

    class AppealDecided(Declared):
        appeal_position: int
        upheld: bool
        reason: str
        actor: str

    class FactWithdrawn(Declared):
        class_version = 2  # v1 named fact_position "fact"
        upcast_v1_v2 = staticmethod(upcasts.fact_position_v1_v2)
        fact_position: int
        reason: str
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class FactAmended(Declared):
        class_version = 2  # v1 named fact_position "fact"
        upcast_v1_v2 = staticmethod(upcasts.fact_position_v1_v2)
        fact_position: int
        value: Decimal
        reason: str
        actor: str
        attachments: tuple[dict[str, Any], ...] = ()  # pdca.domain.evidence

    class Voided(Declared):
        # Opened by mistake: the cycle leaves rounds, the board and lists; its address
        # may be opened again (the next generation of its id).
        reason: str
        actor: str

    @staticmethod
    def create_id(unit: str, period: str) -> UUID:
        return cycle_id(unit, period)

    @event("Opened")
    def __init__(
        self,
        unit: str,
        period: str,
        scheme_id: str,
        scheme_version: str,
        scheme_digest: str,
        scheme_text: str,
        stage: str,
        actor: str,
    ) -> None:
        self.facts = CycleFacts()
        self.facts.apply(
            "Opened",
            self.version,
            self.created_on,
            {
                "unit": unit,
                "period": period,
                "scheme_id": scheme_id,
                "scheme_version": scheme_version,
                "scheme_digest": scheme_digest,
                "scheme_text": scheme_text,
                "stage": stage,
                "actor": actor,
            },
        )

    def record(self, event_class: type[Recorded], **data: Any) -> None:
        """Record one of the events above (the command was checked by the caller)."""
        self.trigger_event(event_class, **data)

    # ---- read-only views ---------------------------------------------------------------

    @property
    def unit(self) -> str:
        return self.facts.unit

    @property
    def period(self) -> str:
        return self.facts.period

    @property
    def stage(self) -> str:
        return self.facts.stage

    @property
    def scheme_id(self) -> str:
        return self.facts.scheme_id

    @property
    def scheme_version(self) -> str:
        return self.facts.scheme_version

    @property
    def scheme_digest(self) -> str:
        return self.facts.scheme_digest

    @property
    def scheme_text(self) -> str:
        return self.facts.scheme_text

    @property
    def voided(self) -> bool:
        return self.facts.voided is not None

    @property
    def tasks(self) -> dict[int, Task]:
        return self.facts.tasks

    @property
    def task_list_published(self) -> bool:
        return self.facts.task_list_published

    @property
    def address(self) -> str:
        return f"{self.unit}/{self.period}"

    def next_task_no(self) -> int:
        return max(self.tasks, default=0) + 1

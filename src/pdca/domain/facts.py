"""What a cycle's history says, folded into plain data.

``CycleFacts.apply`` is the one fold of a cycle's events. The ``Cycle`` aggregate
calls it from its events' ``apply``; projections call it with events decoded
straight from storage. Scoring, explain and the scores projection all read the
same ``CycleFacts``, so there is one notion of "the facts of a cycle".

Applying never checks a rule: the application checked the command before the event
existed, and old history must replay whatever today's rules say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from pdca.domain.later import Later

#: The facts a cycle without them never builds (findings, scores, ballots, …) are made
#: dataclasses on first use: ``later.Finding`` here, ``facts.Finding`` elsewhere.
later = Later(globals())


@dataclass(frozen=True)
class Provenance:
    """Which event a figure comes from: its place in the cycle, when, who."""

    position: int
    recorded_at: datetime
    actor: str


@later.dataclass
class Correction:
    kind: str  # "withdrawn" | "amended"
    value: Decimal | None
    reason: str
    provenance: Provenance


@later.dataclass
class Fact:
    """A correctable fact: a finding, an item score, a ballot, a veto."""

    kind: str
    provenance: Provenance
    corrections: list[Correction] = field(default_factory=list)

    @property
    def withdrawn(self) -> bool:
        return any(c.kind == "withdrawn" for c in self.corrections)

    def amended_value(self, original: Decimal) -> Decimal:
        value = original
        for correction in self.corrections:
            if correction.kind == "amended" and correction.value is not None:
                value = correction.value
        return value


@dataclass
class Task:
    no: int
    title: str
    deadline: date
    indicator: str | None
    provenance: Provenance
    progress: int = 0
    completed: bool = False
    quality: str | None = None
    reports: list[tuple[int, str | None, Provenance]] = field(default_factory=list)
    completion: Provenance | None = None


@later.dataclass
class Finding(Fact):
    source: str = ""
    indicator: str = ""
    recorded_points: Decimal = Decimal(0)
    observed_on: date | None = None
    evidence: str = ""

    @property
    def points(self) -> Decimal:
        return self.amended_value(self.recorded_points)


@later.dataclass
class ItemScore(Fact):
    item: str = ""
    recorded_value: Decimal = Decimal(0)
    evidence: str = ""
    #: Recorded in 处理 (补记): only an item still missing may be, and explain says so.
    late: bool = False

    @property
    def value(self) -> Decimal:
        return self.amended_value(self.recorded_value)


@later.dataclass
class PointScore(Fact):
    """A scoring point (采分点) of a catalogue item, recorded on its own (format 3)."""

    item: str = ""
    point: str = ""
    recorded_value: Decimal = Decimal(0)
    evidence: str = ""
    late: bool = False

    @property
    def value(self) -> Decimal:
        return self.amended_value(self.recorded_value)


@later.dataclass
class Opinion(Fact):
    """The opinion (好/较好/…) recorded for a qualitative item; its scheme's table scores it."""

    item: str = ""
    opinion: str = ""
    evidence: str = ""
    late: bool = False


@later.dataclass
class Ballot(Fact):
    group: str = ""
    scores: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.scores.values(), Decimal(0))


@later.dataclass
class VetoRecord(Fact):
    rule: str = ""
    reason: str = ""
    evidence: str = ""
    observed_on: date | None = None


@later.dataclass
class NotApplicable(Fact):
    component: str = ""
    reason: str = ""


@later.dataclass
class ItemNotApplicable(Fact):
    item: str = ""
    reason: str = ""


@later.dataclass
class UnitStep(Fact):
    """A step the unit itself took (format 3 ``[[unit_steps]]``); one that needs approval
    counts only once reviewed and approved."""

    step: str = ""
    text: str = ""
    evidence: str = ""
    approved: bool | None = None  # None: not reviewed
    review_reason: str = ""
    review: Provenance | None = None


@later.dataclass
class Appeal:
    """申诉/复核 of a published score: the request and, once decided, the decision."""

    position: int
    reason: str
    evidence: str
    provenance: Provenance
    upheld: bool | None = None
    decision_reason: str = ""
    decision: Provenance | None = None


@later.dataclass
class CarriedProblem:
    item: str
    problem: str
    from_cycle: str
    due: date
    provenance: Provenance
    closed: Provenance | None = None


@dataclass
class CycleFacts:
    unit: str = ""
    period: str = ""
    scheme_id: str = ""
    scheme_version: str = ""
    scheme_digest: str = ""
    scheme_text: str = ""
    stage: str = ""
    opened: Provenance | None = None
    entered_act: Provenance | None = None
    stages: list[tuple[str, str, str, str | None, Provenance]] = field(default_factory=list)
    tasks: dict[int, Task] = field(default_factory=dict)
    task_list_published: bool = False
    facts: dict[int, Fact] = field(default_factory=dict)
    issued_tokens: dict[str, str] = field(default_factory=dict)  # token digest -> group
    issue_salts: list[str | None] = field(default_factory=list)  # one per issue, in order
    used_tokens: set[str] = field(default_factory=set)
    boxed: dict[str, int] = field(default_factory=dict)  # group -> ballots in its open box
    #: 分片互评: group -> the rater units (or grids) its tokens were issued to, in order.
    raters: dict[str, list[str]] = field(default_factory=dict)
    boxes_closed: dict[str, int] = field(default_factory=dict)  # group -> boxes closed
    carried: dict[str, CarriedProblem] = field(default_factory=dict)  # item id (hex) -> problem
    appeals: list[Appeal] = field(default_factory=list)
    voided: Provenance | None = None  # opened by mistake: out of rounds, board and lists
    void_reason: str = ""
    #: The files the events name (``pdca.domain.evidence``), in their order: one
    #: (position, event type, references) per event that names any.
    attachments: list[tuple[int, str, list[dict[str, Any]]]] = field(default_factory=list)

    # ---- views the rules read ---------------------------------------------------------

    def active(self, kind: type[Fact]) -> list[Any]:
        return [f for f in self._of_kind(kind) if not f.withdrawn]

    def _of_kind(self, kind: type[Fact]) -> list[Any]:
        """The facts of one type, withdrawn ones included, in their order (not to be
        changed: it is the index's own list). Scoring a long cycle asks a dozen times,
        each over thousands of facts; an import asks once per cell of a growing cycle.
        Facts are only ever added to ``facts`` (a withdrawal or a review changes a fact
        in place), so the index follows by taking in the ones added since it was built;
        a new ``facts`` dict (a snapshot's body) is indexed anew."""
        facts = self.facts
        index = self.__dict__.get("_by_type")
        if index is None or index[0] is not facts or index[1] > len(facts):
            index = self.__dict__["_by_type"] = [facts, 0, {}]
        by_type: dict[type, list[Any]] = index[2]
        if index[1] < len(facts):
            added = list(islice(reversed(facts.values()), len(facts) - index[1]))
            for fact in reversed(added):
                by_type.setdefault(type(fact), []).append(fact)
            index[1] = len(facts)
        if any(t is not kind and issubclass(t, kind) for t in by_type):
            return [f for f in facts.values() if isinstance(f, kind)]  # a base type asked
        return by_type.get(kind, [])

    def findings(self) -> list[Finding]:
        return self.active(later.Finding)

    def ballots(self) -> list[Ballot]:
        return self.active(later.Ballot)

    def vetoes(self) -> list[VetoRecord]:
        return self.active(later.VetoRecord)

    def item_score(self, item: str) -> ItemScore | None:
        for fact in self._of_kind(later.ItemScore):
            if fact.item == item and not fact.withdrawn:
                return fact
        return None

    def point_score(self, item: str, point: str) -> PointScore | None:
        for fact in self._of_kind(later.PointScore):
            if fact.item == item and fact.point == point and not fact.withdrawn:
                return fact
        return None

    def points_of(self, item: str) -> list[PointScore]:
        return [s for s in self.active(later.PointScore) if s.item == item]

    def opinion(self, item: str) -> Opinion | None:
        return next((o for o in self.active(later.Opinion) if o.item == item), None)

    def unit_step(self, step: str) -> UnitStep | None:
        """The step's latest active record (a withdrawn one may be submitted again)."""
        found = [f for f in self.active(later.UnitStep) if f.step == step]
        return found[-1] if found else None

    def not_applicable(self, component: str) -> NotApplicable | None:
        return next((n for n in self.active(later.NotApplicable) if n.component == component), None)

    def item_not_applicable(self, item: str) -> ItemNotApplicable | None:
        for fact in self._of_kind(later.ItemNotApplicable):
            if fact.item == item and not fact.withdrawn:
                return fact
        return None

    # ---- the fold -----------------------------------------------------------------------

    def apply(
        self, kind: str, position: int, recorded_at: datetime, data: Mapping[str, Any]
    ) -> None:
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(Provenance(position, recorded_at, data.get("actor", "")), data)
        refs = data.get("attachments")
        if refs:
            self.attachments.append((position, kind, [dict(r) for r in refs]))

    def _on_Opened(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.unit, self.period = d["unit"], d["period"]
        self.scheme_id, self.scheme_version = d["scheme_id"], d["scheme_version"]
        self.scheme_digest, self.scheme_text = d["scheme_digest"], d["scheme_text"]
        self.stage = d["stage"]
        self.opened = p

    def _on_StageAdvanced(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.stages.append((d["from_stage"], d["to_stage"], d["trigger"], d.get("reason"), p))
        self.stage = d["to_stage"]
        if self.entered_act is None and self.stage.split(".")[0] == "act":
            self.entered_act = p

    def _on_TaskAdded(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.tasks[d["task_no"]] = Task(
            d["task_no"], d["title"], d["deadline"], d.get("indicator"), p
        )

    def _on_TaskListPublished(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.task_list_published = True

    def _on_TaskReported(self, p: Provenance, d: Mapping[str, Any]) -> None:
        task = self.tasks[d["task_no"]]
        task.progress = d["progress"]
        task.reports.append((d["progress"], d.get("note"), p))

    def _on_TaskCompleted(self, p: Provenance, d: Mapping[str, Any]) -> None:
        task = self.tasks[d["task_no"]]
        task.completed, task.progress, task.quality, task.completion = (
            True,
            100,
            d.get("quality"),
            p,
        )

    def _on_FindingRecorded(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.Finding(
            "finding",
            p,
            source=d["source"],
            indicator=d["indicator"],
            recorded_points=d["points"],
            observed_on=d["observed_on"],
            evidence=d["evidence"],
        )

    def _on_ItemScored(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.ItemScore(
            "score",
            p,
            item=d["item"],
            recorded_value=d["value"],
            evidence=d["evidence"],
            late=self.stage.split(".")[0] == "act",
        )

    def _on_PointScored(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.PointScore(
            "point",
            p,
            item=d["item"],
            point=d["point"],
            recorded_value=d["value"],
            evidence=d["evidence"],
            late=self.stage.split(".")[0] == "act",
        )

    def _on_OpinionRecorded(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.Opinion(
            "opinion",
            p,
            item=d["item"],
            opinion=d["opinion"],
            evidence=d["evidence"],
            late=self.stage.split(".")[0] == "act",
        )

    def _on_BallotsIssued(self, p: Provenance, d: Mapping[str, Any]) -> None:
        if d.get("salt") not in self.issue_salts:
            self.issue_salts.append(d.get("salt"))
        for digest in d["token_digests"]:
            self.issued_tokens[digest] = d["group"]

    def _on_BallotsIssuedToRater(self, p: Provenance, d: Mapping[str, Any]) -> None:
        # Its tokens are issued like any (salted digests); the rater unit is kept for the
        # group, never beside a ballot: a counted ballot carries no token.
        self._on_BallotsIssued(p, d)
        rater = d["rater_unit"] or d["rater_grid"]
        self.raters.setdefault(d["group"], []).append(rater)

    def _on_BallotTokensUsed(self, p: Provenance, d: Mapping[str, Any]) -> None:
        for digest in d["token_digests"]:
            self.used_tokens.add(digest)
            if d["boxed"]:
                group = self.issued_tokens[digest]
                self.boxed[group] = self.boxed.get(group, 0) + 1

    def _on_BallotCounted(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.Ballot(
            "ballot", p, group=d["group"], scores=dict(d["scores"])
        )

    def _on_BallotBoxClosed(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.boxed.pop(d["group"], None)
        self.boxes_closed[d["group"]] = self.boxes_closed.get(d["group"], 0) + 1

    def _on_BallotCast(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.used_tokens.add(d["token_digest"])
        self.facts[p.position] = later.Ballot(
            "ballot", p, group=d["group"], scores=dict(d["scores"])
        )

    def _on_VetoApplied(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.VetoRecord(
            "veto",
            p,
            rule=d["rule"],
            reason=d["reason"],
            evidence=d["evidence"],
            observed_on=d.get("observed_on"),
        )

    def _on_ComponentNotApplicable(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.NotApplicable(
            "not_applicable", p, component=d["component"], reason=d["reason"]
        )

    def _on_ItemNotApplicable(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.ItemNotApplicable(
            "item_not_applicable", p, item=d["item"], reason=d["reason"]
        )

    def _on_ProblemsCarriedIn(self, p: Provenance, d: Mapping[str, Any]) -> None:
        for item in d["items"]:
            self.carried[item["item"]] = later.CarriedProblem(
                item["item"], item["problem"], item["from_cycle"], item["due"], p
            )

    def _on_CarriedProblemClosed(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.carried[d["item"]].closed = p

    def _on_UnitStepRecorded(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[p.position] = later.UnitStep(
            "unit_step", p, step=d["step"], text=d["text"], evidence=d["evidence"]
        )

    def _on_UnitStepReviewed(self, p: Provenance, d: Mapping[str, Any]) -> None:
        step = self.facts[d["fact_position"]]
        assert isinstance(step, later.UnitStep)
        step.approved, step.review_reason, step.review = d["approved"], d["reason"], p

    def _on_AppealLodged(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.appeals.append(later.Appeal(p.position, d["reason"], d["evidence"], p))

    def _on_AppealDecided(self, p: Provenance, d: Mapping[str, Any]) -> None:
        appeal = next(a for a in self.appeals if a.position == d["appeal_position"])
        appeal.upheld, appeal.decision_reason, appeal.decision = d["upheld"], d["reason"], p

    def _on_Voided(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.voided, self.void_reason = p, d["reason"]

    def open_carried(self) -> list[CarriedProblem]:
        return [c for c in self.carried.values() if c.closed is None]

    def _on_FactWithdrawn(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[d["fact_position"]].corrections.append(
            later.Correction("withdrawn", None, d["reason"], p)
        )

    def _on_FactAmended(self, p: Provenance, d: Mapping[str, Any]) -> None:
        self.facts[d["fact_position"]].corrections.append(
            later.Correction("amended", d["value"], d["reason"], p)
        )


later.hide()
__getattr__ = later.define

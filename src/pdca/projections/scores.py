"""The scores projection: every cycle's score by the one scoring function, with its
component breakdown, beside the published rank, grade and tier of its round.

Handlers only note which cycles changed; at the end of a batch each changed cycle
is folded from its whole history and scored. A ratio-to-best scheme makes every
cycle of the round depend on the others, so then the whole round is rescored.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

from pdca import scoring
from pdca.domain.facts import CycleFacts
from pdca.domain.ids import cycle_id
from pdca.projections.api import Batch, History, Projection, handles
from pdca.projections.facts import Fact
from pdca.schemes import pinned

metadata = MetaData()

scores = Table(
    "scores",
    metadata,
    Column("cycle_id", String(36), primary_key=True),
    Column("cycle", String(240), nullable=False),
    Column("unit", String(200), nullable=False, index=True),
    Column("category", String(100)),
    Column("grid", String(100)),
    Column("period", String(20), nullable=False, index=True),
    Column("scheme_id", String(100), nullable=False),
    Column("scheme", String(200), nullable=False),
    Column("stage", String(100), nullable=False),
    Column("total", String(40)),  # decimals as text: exact on every database
    Column("unrounded", String(60)),
    Column("components", Text),
    Column("bonus", String(40)),
    Column("deduction", String(40)),
    Column("vetoes", Text),
    Column("refused", Text),
    Column("published_total", String(40)),
    Column("rank", Integer),
    Column("grade", String(40)),
    Column("tier", String(40)),
    Column("published_head", Integer),
    Column("published_digest", String(64)),  # the cycle's chain head digest, as published
)

units = Table(
    "scores_units",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("category", String(100)),
    Column("grid", String(100)),
)


def fold(facts: list[Fact]) -> CycleFacts:
    folded = CycleFacts()
    for fact in facts:
        folded.apply(fact.type.rpartition(".")[2], fact.version, fact.recorded_at, fact.state)
    return folded


class Scores(Projection):
    name = "scores"
    version = 2
    tables = (scores, units)

    def __init__(self) -> None:
        self._dirty: set[UUID] = set()
        self._published: dict[str, dict[str, Any]] = {}

    @handles("Unit.Registered")
    def unit_registered(self, fact: Fact, batch: Batch) -> None:
        batch.put(units, {"name": fact["name"], "category": fact["category"], "grid": fact["grid"]})

    @handles(
        "Cycle.Opened",
        "Cycle.StageAdvanced",
        "Cycle.TaskAdded",
        "Cycle.TaskReported",
        "Cycle.TaskCompleted",
        "Cycle.FindingRecorded",
        "Cycle.ItemScored",
        "Cycle.BallotCast",
        "Cycle.VetoApplied",
        "Cycle.ComponentNotApplicable",
        "Cycle.ProblemsCarriedIn",
        "Cycle.CarriedProblemClosed",
        "Cycle.FactWithdrawn",
        "Cycle.FactAmended",
    )
    def cycle_changed(self, fact: Fact, batch: Batch) -> None:
        self._dirty.add(fact.originator_id)

    @handles("Round.Finalized")
    def round_finalized(self, fact: Fact, batch: Batch) -> None:
        # Applied in end_batch, after the cycles of this batch have their rows.
        for o in fact["outcomes"]:
            unit, _, period = o["cycle"].rpartition("/")
            self._published[str(cycle_id(unit, period))] = {
                "published_total": str(o["total"]),
                "rank": o["rank"],
                "grade": o["grade"] or None,
                "tier": o["tier"] or None,
                "published_head": o["head"],
                "published_digest": o.get("digest"),  # absent before chained history
            }

    def end_batch(self, batch: Batch, history: History) -> None:
        dirty, self._dirty = self._dirty, set()
        folded = {oid: fold(history.facts_of(oid)) for oid in dirty}
        groups: dict[tuple[str, str], list[UUID]] = {}
        for oid, facts in folded.items():
            groups.setdefault((facts.period, facts.scheme_id), []).append(oid)
        for (period, scheme_id), members in groups.items():
            scheme = pinned(folded[members[0]].scheme_text)
            everyone = dict(folded)
            if scoring.needs_round_context(scheme):
                for row in batch.rows_where(scores, "period", period):
                    oid = UUID(row["cycle_id"])
                    if row["scheme_id"] == scheme_id and oid not in everyone:
                        everyone[oid] = fold(history.facts_of(oid))
                members = [
                    o
                    for o, f in everyone.items()
                    if f.period == period and f.scheme_id == scheme_id
                ]
            context = scoring.round_context([everyone[o] for o in members], scheme)
            for oid in members:
                self._write(batch, oid, everyone[oid], context)
        published, self._published = self._published, {}
        for key, values in published.items():
            batch.update(scores, key, **values)

    def _write(
        self, batch: Batch, oid: UUID, facts: CycleFacts, context: scoring.RoundContext
    ) -> None:
        scheme = pinned(facts.scheme_text)
        row: dict[str, Any] = batch.get(scores, str(oid)) or {
            "cycle_id": str(oid),
            "published_total": None,
            "rank": None,
            "grade": None,
            "tier": None,
            "published_head": None,
            "published_digest": None,
        }
        unit = batch.get(units, facts.unit) or {}
        row.update(
            cycle=f"{facts.unit}/{facts.period}",
            unit=facts.unit,
            category=unit.get("category"),
            grid=unit.get("grid"),
            period=facts.period,
            scheme_id=facts.scheme_id,
            scheme=f"{facts.scheme_id}@{facts.scheme_version}",
            stage=facts.stage,
        )
        if scheme.rules.scored:
            b = scoring.score(facts, scheme, context)
            row.update(
                total=str(b.total),
                unrounded=str(b.unrounded),
                components=json.dumps(
                    [
                        {
                            "id": c.id,
                            "label": c.label,
                            "weight": str(c.weight),
                            "score": str(c.score),
                            "weighted": str(c.weighted),
                        }
                        for c in b.components
                    ],
                    ensure_ascii=False,
                ),
                bonus=str(b.bonus),
                deduction=str(b.deduction),
                vetoes="；".join(label for _, label, _ in b.vetoes) or None,
                refused=b.refused or None,
            )
        batch.put(scores, row)

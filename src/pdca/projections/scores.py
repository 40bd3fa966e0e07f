"""The scores projection: every cycle's score by the one scoring function, with its
component breakdown, beside the published rank, grade and tier of its round.

Each cycle event advances the cycle's fold (``batch.cycle``); at the end of a batch
each changed cycle is scored once, however many of its events the batch held. A
ratio-to-best scheme makes every cycle of the round depend on the others, so then
the whole round is rescored.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

from pdca.domain import names
from pdca.domain.facts import CycleFacts
from pdca.domain.ids import cycle_id
from pdca.projections.api import Batch, Projection, handles
from pdca.projections.decoding import Fact
from pdca.rules import scoring
from pdca.rules.schemes import pinned

metadata = MetaData()

scores = Table(
    "scores",
    metadata,
    Column("cycle_id", String(36), primary_key=True),
    Column("cycle", String(names.ADDRESS_COLUMN), nullable=False),
    Column("unit", String(names.UNIT.max_length), nullable=False, index=True),
    Column("category", String(names.CATEGORY.max_length)),
    Column("grid", String(names.GRID.max_length)),
    Column("period", String(names.PERIOD_COLUMN), nullable=False, index=True),
    Column("scheme_id", String(100), nullable=False),
    Column("scheme", String(200), nullable=False),
    Column("stage", String(100), nullable=False),
    Column("total", String(40)),  # decimals as text: exact on every database; null: not scored
    Column("unrounded", String(60)),
    Column("precision", String(40)),  # the scheme's rounding step, e.g. "0.01"
    Column("components", Text),
    Column("bonus", String(40)),
    Column("deduction", String(40)),
    Column("vetoes", Text),
    # JSON: each veto with its event, actor, times, evidence; its ``recorded_at`` is a UTC
    # instant, which readers show in the database's time zone.
    Column("veto_facts", Text, info={"instants_in_json": ("recorded_at",)}),
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
    Column("name", String(names.UNIT.max_length), primary_key=True),
    Column("category", String(names.CATEGORY.max_length)),
    Column("grid", String(names.GRID.max_length)),
)


class Scores(Projection):
    name = "scores"
    title = "各周期得分（唯一计分函数）及所在轮次公布的名次、等次、档次"
    # 4: no total while a cycle cannot be scored; precision; each veto's facts.
    version = 4
    tables = (scores, units)

    def begin_batch(self) -> None:
        self._dirty: dict[UUID, int] = {}  # cycle → its last version in this batch
        self._published: dict[str, dict[str, Any]] = {}
        #: Year cycles whose roll-up reads a quarter or half-year published in this batch.
        self._rollups: set[UUID] = set()
        #: Year cycles of a roll-up that changed in this batch: scored once, at the end,
        #: with the published totals (never first without them and then again).
        self._changed_rollups: set[UUID] = set()
        #: Changed cycles a rebuild scores in a later batch (``Batch.settled``).
        self._later: set[UUID] = set()

    @handles("Unit.Registered")
    def unit_registered(self, fact: Fact, batch: Batch) -> None:
        batch.put(units, {"name": fact["name"], "category": fact["category"], "grid": fact["grid"]})

    @handles("Unit.Edited")
    def unit_edited(self, fact: Fact, batch: Batch) -> None:
        # Cycles name their unit by its registered name: the row stays under it.
        batch.update(units, fact["registered_name"], category=fact["category"], grid=fact["grid"])

    @handles("Cycle.*")
    def cycle_changed(self, fact: Fact, batch: Batch) -> None:
        batch.cycle(fact)
        self._dirty[fact.originator_id] = fact.version

    @handles("Round.Finalized")
    def round_finalized(self, fact: Fact, batch: Batch) -> None:
        # Applied in end_batch, after the cycles of this batch have their rows.
        self._published.update(published_values(fact))
        # A quarter (re-)published: the year that rolls it up is scored again.
        for o in fact["outcomes"]:
            unit, period = o["cycle"].rsplit("/", 1)
            if "-" in period:
                self._rollups.add(cycle_id(unit, period.split("-")[0]))

    def end_batch(self, batch: Batch) -> None:
        # The rows of every changed cycle in one read, not one query per cycle.
        batch.prefetch(scores, [(str(oid),) for oid in self._dirty])
        folded = {oid: batch.cycle_at(oid, version) for oid, version in self._dirty.items()}
        for oid in [o for o, facts in folded.items() if facts.voided is not None]:
            # A voided cycle leaves the scores (and so ranking, exports and the report).
            batch.delete(scores, str(oid))
            del folded[oid]
        # A rebuild scores a cycle at its last event, once: until then it holds a row
        # without a score (where a round's publication lands), never read before the swap.
        self._later = set(folded) - batch.settled(self._dirty)
        for oid in self._later:
            if batch.get(scores, str(oid)) is None:
                self._write(batch, oid, folded.pop(oid), None)
            else:
                del folded[oid]
        groups: dict[tuple[str, str], list[UUID]] = {}
        for oid, facts in folded.items():
            groups.setdefault((facts.period, facts.scheme_id), []).append(oid)
        for (period, scheme_id), members in groups.items():
            scheme = pinned(folded[members[0]].scheme_text)
            everyone = dict(folded)
            if scoring.needs_round_context(scheme):
                # 第一名满分、其余按比例: every cycle of the round depends on the others.
                for row in batch.rows_where(scores, "period", period):
                    oid = UUID(row["cycle_id"])
                    if row["scheme_id"] == scheme_id and oid not in everyone:
                        everyone[oid] = batch.cycle_at(oid)
                members = [
                    o
                    for o, f in everyone.items()
                    if f.period == period and f.scheme_id == scheme_id
                ]
            if scoring.rolls_up(scheme) and "-" not in period:
                self._rollups.update(members)
                self._changed_rollups.update(members)
                continue
            context = scoring.round_context([everyone[o] for o in members], scheme)
            for oid in members:
                self._write(batch, oid, everyone[oid], context)
        for key, values in self._published.items():
            batch.update(scores, key, **values)
        self._rescore_rollups(batch)

    def _rescore_rollups(self, batch: Batch) -> None:
        """Year cycles rolling up their quarters: scored with the published totals as
        they stand after this batch (the one scoring function, as ``explain`` does)."""
        # Each quarter's published totals, read once for all the years that roll it up
        # (the quarters' rows do not change here: only the years' are written).
        quarters: dict[tuple[str, str], dict[tuple[str, str], Decimal | None]] = {}
        for oid in self._rollups - self._later:
            if oid not in self._changed_rollups and batch.get(scores, str(oid)) is None:
                continue  # a quarter published before its year's cycle was opened
            facts = batch.cycle_at(oid)
            scheme = pinned(facts.scheme_text)
            subs = scoring.rolls_up(scheme)
            if not subs or facts.voided is not None:
                continue
            published: dict[tuple[str, str], Decimal | None] = {}
            for sub in dict.fromkeys(subs):
                period = f"{facts.period}-{sub}"
                key = (period, facts.scheme_id)
                if key not in quarters:
                    quarters[key] = {
                        (row["unit"], period): (
                            Decimal(row["published_total"]) if row["published_total"] else None
                        )
                        for row in batch.rows_where(scores, "period", period)
                        if row["scheme_id"] == facts.scheme_id
                    }
                published.update(quarters[key])
            self._write(batch, oid, facts, scoring.RoundContext(published=published))

    def _write(
        self, batch: Batch, oid: UUID, facts: CycleFacts, context: scoring.RoundContext | None
    ) -> None:
        """The cycle's row; with no ``context``, its row without a score (``end_batch``)."""
        stored = batch.get(scores, str(oid)) or dict.fromkeys(PUBLISHED)
        # What this batch published for it counts even before its row exists (a year
        # of a roll-up is written only after the batch's publications are applied).
        published = {**{k: stored[k] for k in PUBLISHED}, **self._published.get(str(oid), {})}
        unit = batch.get(units, facts.unit) or {}
        row = score_row(oid, facts, context, unit.get("category"), unit.get("grid"))
        batch.put(scores, {**row, **published})


#: The columns a finalised round sets; scoring a cycle again leaves them as published.
PUBLISHED = ("published_total", "rank", "grade", "tier", "published_head", "published_digest")


def score_row(
    oid: UUID,
    facts: CycleFacts,
    context: scoring.RoundContext | None,
    category: str | None,
    grid: str | None,
) -> dict[str, Any]:
    """A cycle's row of the scores table, but for the published columns: the one
    scoring function's result with its component breakdown (none without ``context``)."""
    row: dict[str, Any] = {
        "cycle_id": str(oid),
        "cycle": f"{facts.unit}/{facts.period}",
        "unit": facts.unit,
        "category": category,
        "grid": grid,
        "period": facts.period,
        "scheme_id": facts.scheme_id,
        "scheme": f"{facts.scheme_id}@{facts.scheme_version}",
        "stage": facts.stage,
        "total": None,
        "unrounded": None,
        "precision": None,
        "components": None,
        "bonus": None,
        "deduction": None,
        "vetoes": None,
        "veto_facts": None,
        "refused": None,
    }
    scheme = pinned(facts.scheme_text)
    if scheme.rules.scored and context is not None:
        b = scoring.score(facts, scheme, context)
        row.update(
            total=_text(b.total),
            unrounded=_text(b.unrounded),
            precision=str(scheme.rules.precision),
            components=json.dumps(
                [
                    {
                        "id": c.id,
                        "label": c.label,
                        "weight": str(c.weight),
                        "score": _text(c.score),
                        "weighted": _text(c.weighted),
                    }
                    for c in b.components
                ],
                ensure_ascii=False,
            ),
            bonus=str(b.bonus),
            deduction=str(b.deduction),
            vetoes="；".join(v.label for v in b.vetoes) or None,
            veto_facts=json.dumps([v.to_json(row["cycle"]) for v in b.vetoes], ensure_ascii=False)
            if b.vetoes
            else None,
            refused=b.refused or None,
        )
    return row


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def published_values(fact: Fact) -> dict[str, dict[str, Any]]:
    """The published columns of every cycle a ``Round.Finalized`` event ranked."""
    return {
        str(cycle_id(*o["cycle"].rsplit("/", 1))): {
            "published_total": str(o["total"]),
            "rank": o["rank"],
            "grade": o["grade"] or None,
            "tier": o["tier"] or None,
            "published_head": o["head"],
            "published_digest": o.get("digest"),  # absent before chained history
        }
        for o in fact["outcomes"]
    }

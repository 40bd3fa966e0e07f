"""Rounds, explain and the figures derived from the one scoring function.

``explain`` and round finalisation both call ``scoring.score`` on facts folded from
history; the scores projection does the same. Nothing else computes a score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from pdca import log
from pdca.application import cycle_loading, saving
from pdca.application.acting import Acting, writes
from pdca.application.clock import Clock
from pdca.domain.cycle import Cycle
from pdca.domain.facts import CycleFacts
from pdca.domain.ids import check_period, cycle_id, round_id
from pdca.errors import Conflict, NotFound, RuleViolation, one_of
from pdca.rules.schemes import Scheme, pinned

if TYPE_CHECKING:  # these load with the commands that use them
    from pdca.domain.round import Round
    from pdca.rules import ranking, scoring

READY_PHASES = ("act", "closed")


@dataclass(frozen=True)
class Explanation:
    cycle: str
    scheme: str
    scheme_digest: str
    as_of: datetime | None
    head: int
    breakdown: scoring.Breakdown
    outcome: dict[str, Any] | None
    head_digest: str | None = None
    precision: Decimal = Decimal("0.01")  # the scheme's: how people are shown figures
    clock: Clock = Clock()  # the database's: spells every instant
    #: What the published result brings (考用结合), with the round's events behind it;
    #: None (and no key in the JSON) for a round whose scheme uses no results.
    results_used: dict[str, Any] | None = None
    #: 申诉/复核 of the published score (None, and no key, when there are none).
    appeals: list[dict[str, Any]] | None = None
    #: The files the cycle's events name (position, type, digest, name, size, media
    #: type), as of the moment explained; None (and no key) when there are none.
    attachments: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        b = self.breakdown
        data: dict[str, Any] = {
            "cycle": self.cycle,
            "scheme": self.scheme,
            "scheme_digest": self.scheme_digest,
            "as_of": self.clock.iso(self.as_of) if self.as_of else None,
            "head_position": self.head,
            "head_digest": self.head_digest,
            # A cycle that cannot be scored has no total: null, never a number.
            "total": _text(b.total),
            "unrounded": _text(b.unrounded),
            # JSON keeps exact figures (the tree's values unrounded); a table shows them
            # at this precision, the scheme's.
            "precision": str(self.precision),
            "refused": b.refused or None,
            "components": [
                {
                    "id": c.id,
                    "label": c.label,
                    "weight": str(c.weight),
                    "score": _text(c.score),
                    "weighted": _text(c.weighted),
                    "status": c.status,
                }
                for c in b.components
            ],
            "bonus": str(b.bonus),
            "deduction": str(b.deduction),
            "vetoes": [v.to_json(self.cycle, self.clock.iso) for v in b.vetoes],
            "outcome": self.outcome,
            "tree": b.tree.to_json(self.cycle, self.clock.iso),
        }
        if self.results_used is not None:
            data["results_used"] = self.results_used
        if b.steps_missing:
            data["steps_missing"] = [m.to_json() for m in b.steps_missing]
        if self.appeals:
            data["appeals"] = [_appeal_json(a, self.clock) for a in self.appeals]
        if self.attachments:
            data["attachments"] = self.attachments
        return data


def _appeal_json(appeal: Any, clock: Clock) -> dict[str, Any]:
    def event(p: Any) -> dict[str, Any]:
        return {"position": p.position, "actor": p.actor, "recorded_at": clock.iso(p.recorded_at)}

    return {
        "reason": appeal.reason,
        "evidence": appeal.evidence,
        "lodged": event(appeal.provenance),
        "upheld": appeal.upheld,
        "decision_reason": appeal.decision_reason or None,
        "decided": event(appeal.decision) if appeal.decision else None,
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def facts_of(
    events: list[Any], as_of: datetime | None = None, head: int | None = None
) -> CycleFacts:
    """Fold a cycle's domain events (as stored) into facts, up to ``as_of`` (a moment)
    or ``head`` (an event version)."""
    facts = CycleFacts()
    for e in events:
        if as_of is not None and e.timestamp > as_of:
            break
        if head is not None and e.originator_version > head:
            break
        data = vars(e)
        facts.apply(type(e).__name__, e.originator_version, e.timestamp, data)
    return facts


class Results:
    """Mixed into ``PdcaApplication``."""

    repository: Any
    workspace: Any
    mapper: Any
    clock: Clock
    get_cycle: Callable[[str], Cycle]
    get_unit: Callable[[str], Any]
    list_cycles: Callable[..., list[dict[str, Any]]]
    list_rounds: Callable[..., list[dict[str, Any]]]
    save: Callable[..., Any]
    _save_new: Callable[..., None]
    _save_changed: Callable[..., None]
    anchor_after: Callable[..., dict[str, Any] | None]

    # ---- rounds -------------------------------------------------------------------------

    @writes("round open")
    def open_round(self, acting: Acting, period: str, scheme_ref: str) -> Round:
        period = check_period(period)
        scheme = self.workspace.scheme(scheme_ref)
        if not scheme.rules.scored:
            raise RuleViolation(
                f"方案 {scheme.ref} 没有计分内容（[[components]]），不能组织考核轮次"
            )
        if self._round_or_none(period, scheme.id) is not None:
            raise Conflict(f"考核轮次 {period}（方案 {scheme.id}）已开启")
        from pdca.domain.round import Round

        new = Round(period=period, scheme_id=scheme.id, actor=acting.person)
        self._save_new(acting, new, f"考核轮次 {period}（方案 {scheme.id}）已开启")
        log.info("round_opened", actor=acting.person, period=period, scheme=scheme.id)
        return new

    def _round_or_none(self, period: str, scheme_id: str) -> Round | None:
        try:
            return self.repository.get(round_id(period, scheme_id))
        except AggregateNotFoundError:
            return None

    def get_round(self, period: str, scheme_id: str | None = None) -> Round:
        period = check_period(period)
        rounds = [r for r in self.list_rounds() if r["period"] == period]
        if scheme_id is not None:
            rounds = [r for r in rounds if r["scheme_id"] == scheme_id]
        if not rounds:
            raise NotFound(
                f"考核期 {period} 没有{'方案 ' + scheme_id + ' 的' if scheme_id else ''}考核轮次；先开启：pdca round open {period} --scheme 方案"
            )
        if len(rounds) > 1:
            raise RuleViolation(
                f"考核期 {period} 有多个轮次，请用 --scheme 指定：{one_of(r['scheme_id'] for r in rounds)}"
            )
        return self.repository.get(round_id(period, rounds[0]["scheme_id"]))

    def _round_cycles(
        self, rnd: Round, as_of: datetime | None = None
    ) -> list[tuple[Cycle, CycleFacts]]:
        result = []
        for row in self.list_cycles(rnd.period):
            if row["scheme"].split("@")[0] != rnd.scheme_id:
                continue
            # Read once: the cycle as loaded is its facts now; a past moment is folded.
            cycle = cycle_loading.load(self, UUID(row["cycle_id"]))
            if as_of is None:
                result.append((cycle, cycle.facts))
            else:
                events = list(self.repository.event_store.get(cycle.id))
                result.append((cycle, facts_of(events, as_of)))
        return result

    def _entries(self, pairs: list[tuple[Cycle, CycleFacts]]) -> tuple[list[ranking.Entry], Scheme]:
        from pdca.rules import ranking, scoring

        digests = {facts.scheme_digest for _, facts in pairs}
        if len(digests) > 1:
            versions = one_of(sorted({f"{f.scheme_id}@{f.scheme_version}" for _, f in pairs}))
            raise RuleViolation(
                f"轮次内的周期使用了不同版本的方案：{versions}；同一轮次只能用同一版本排名"
            )
        scheme = pinned(pairs[0][1].scheme_text)
        context = scoring.round_context([f for _, f in pairs], scheme)
        context = self._with_rolled_up(context, scheme, pairs[0][1].period)
        entries = [
            ranking.Entry(
                c.address,
                c.unit,
                self.get_unit(c.unit, tell=False).category,
                scoring.score(f, scheme, context),
            )
            for c, f in pairs
        ]
        return entries, scheme

    def round_summaries(self, period: str | None = None) -> list[dict[str, Any]]:
        """Every round (of ``period``): its cycles per stage and its last publication."""
        period = check_period(period) if period else None
        rows = [r for r in self.list_rounds() if period is None or r["period"] == period]
        return [
            self._summary(self.repository.get(round_id(r["period"], r["scheme_id"])))
            for r in sorted(rows, key=lambda r: (r["period"], r["scheme_id"]))
        ]

    def round_details(self, period: str, scheme_id: str | None = None) -> dict[str, Any]:
        """One round's summary with what it last published and what that changed."""
        rnd = self.get_round(period, scheme_id)
        last = rnd.finalisations[-1] if rnd.finalisations else None
        return {
            **self._summary(rnd),
            "reason": last["reason"] if last else None,
            "outcomes": [_jsonable(o) for o in last["outcomes"]] if last else [],
            "changes": [_jsonable(c) for c in last["changes"]] if last else [],
        }

    def _summary(self, rnd: Round) -> dict[str, Any]:
        stages: dict[str, int] = {}
        for row in self.list_cycles(rnd.period):
            if row["scheme"].split("@")[0] == rnd.scheme_id:
                stages[row["stage"]] = stages.get(row["stage"], 0) + 1
        finalised = self._round_events(rnd)
        last = finalised[-1] if finalised else None
        return {
            "period": rnd.period,
            "scheme": rnd.scheme_id,
            "cycles": sum(stages.values()),
            "stages": dict(sorted(stages.items())),
            "published": last is not None,
            "published_at": self.clock.iso(last.timestamp) if last else None,
            "published_by": last.actor if last else None,
            "finalisations": len(finalised),
            "units": len(last.outcomes) if last else None,
        }

    @writes("round finalize")
    def finalize_round(
        self,
        acting: Acting,
        period: str,
        scheme_id: str | None,
        reason: str | None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Rank and record the round; with ``dry_run``, the same outcome and diff a
        finalisation would record, recording nothing."""
        rnd = self.get_round(period, scheme_id)
        pairs = self._round_cycles(rnd)
        if not pairs:
            raise RuleViolation(f"考核轮次 {rnd.period}（方案 {rnd.scheme_id}）没有任何周期")
        not_ready = [
            f"{c.address}（{c.stage}）"
            for c, _ in pairs
            if c.stage.split(".")[0] not in READY_PHASES
        ]
        if not_ready:
            raise RuleViolation(f"还有周期未进入处理阶段，不能定稿：{one_of(not_ready)}")
        entries, scheme = self._entries(pairs)
        _require_complete(entries)
        from pdca.rules import ranking

        heads = {c.address: (c.version, self.mapper.digest_at(c.id, c.version)) for c, _ in pairs}
        # A cycle opened again after a void is not the one its address's id names: say which.
        reopened = {c.address: c.id.hex for c, _ in pairs if c.id != cycle_id(c.unit, c.period)}
        outcomes = [
            # The head digest anchors the cycle's hash chain outside the database.
            {
                **asdict(o),
                "head": heads[o.cycle][0],
                "digest": heads[o.cycle][1],
                **({"cycle_id": reopened[o.cycle]} if o.cycle in reopened else {}),
            }
            for o in ranking.rank(entries, scheme.rules)
        ]
        outcomes.sort(
            key=lambda o: (
                o["category"] if scheme.rules.rank_by == "category" else "",
                o["rank"],
                o["unit"],
            )
        )
        changes = _changes(rnd.published, outcomes)
        if dry_run:
            return {
                "period": rnd.period,
                "scheme": rnd.scheme_id,
                "recorded": False,
                "dry_run": True,
                "published": rnd.published is not None,
                "outcomes": outcomes,
                "changes": changes,
            }
        if rnd.published is not None and not changes:
            return {
                "period": rnd.period,
                "scheme": rnd.scheme_id,
                "recorded": False,
                "outcomes": outcomes,
                "changes": [],
            }
        if rnd.published is not None and not (reason or "").strip():
            raise RuleViolation(
                f"考核结果已发布，重新定稿会改变 {len(changes)} 处结果，必须写明理由（--reason）"
            )
        # The outcome depends on every cycle read: refuse if one moved on meanwhile.
        saving.require_unchanged(
            self,
            {c.id: c.version for c, _ in pairs},
            {c.id: f"{c.address} " for c, _ in pairs},
            f"考核轮次 {rnd.period} 的周期",
        )
        rnd.finalize(outcomes=outcomes, changes=changes, actor=acting.person, reason=reason)
        records = self._record_results_used(acting, rnd, scheme)
        revised = self._revise_later_rounds(acting, rnd, reason)
        self._save_changed(acting, rnd, f"考核轮次 {rnd.period}", *(r for r, _ in revised))
        log.info(
            "round_finalized",
            actor=acting.person,
            period=rnd.period,
            scheme=rnd.scheme_id,
            units=len(outcomes),
        )
        # The published result, anchored outside the database at once (unsigned: the
        # key holder signs it later with pdca anchor sign).
        anchor = self.anchor_after(acting, f"考核轮次 {rnd.period}（{rnd.scheme_id}）定稿")
        return {
            "period": rnd.period,
            "scheme": rnd.scheme_id,
            "recorded": True,
            "outcomes": outcomes,
            "changes": changes,
            **({"consequences": records} if records else {}),
            **(
                {"revised": [{"period": r.period, "changes": c} for r, c in revised]}
                if revised
                else {}
            ),
            "anchor": anchor,
        }

    def _with_rolled_up(
        self,
        context: scoring.RoundContext,
        scheme: Scheme,
        period: str,
        as_of: datetime | None = None,
    ) -> scoring.RoundContext:
        """A year that rolls up its quarters or half-years reads their rounds' *published*
        totals (a period not finalised is missing, and so the year is incomplete), as
        published by ``as_of`` when given."""
        from dataclasses import replace

        from pdca.rules import scoring

        subs = scoring.rolls_up(scheme)
        if not subs or "-" in period:
            return context
        published: dict[tuple[str, str], Decimal | None] = {}
        published_from: dict[tuple[str, str], str] = {}
        for sub in dict.fromkeys(subs):
            part = f"{period}-{sub}"
            for row in self.list_cycles(part):
                if row["scheme"].split("@")[0] == scheme.id:
                    published[(row["unit"], part)] = None
            rnd = self._round_or_none(part, scheme.id)
            if rnd is None:
                continue
            source = self._publication(rnd, as_of)
            for o in self._published_by(rnd, as_of):
                published[(o["unit"], part)] = Decimal(str(o["total"]))
                published_from[(o["unit"], part)] = source
        return replace(context, published=published, published_from=published_from)

    def _publication(self, rnd: Round, as_of: datetime | None) -> str:
        """A roll-up's source in words: the round's finalisation it reads, by its event
        (explain shows where each period's total came from)."""
        events = [e for e in self._round_events(rnd) if as_of is None or e.timestamp <= as_of]
        if not events:
            return f"考核轮次 {rnd.period} 定稿发布"
        last = events[-1]
        return (
            f"考核轮次 {rnd.period} 定稿发布（第 {len(events)} 次定稿：轮次 "
            f"{rnd.period}/{rnd.scheme_id} 第 {last.originator_version} 号事件 Finalized，"
            f"{last.actor}，{self.clock.shown(last.timestamp)}）"
        )

    def _published_by(self, rnd: Round, as_of: datetime | None) -> list[dict[str, Any]]:
        """The outcomes a round last published by ``as_of`` (now: its last)."""
        if as_of is None:
            return rnd.published or []
        events = self._round_events(rnd)
        known = [f for f, e in zip(rnd.finalisations, events, strict=True) if e.timestamp <= as_of]
        return known[-1]["outcomes"] if known else []

    # ---- results used (考用结合) ----------------------------------------------------------

    def _record_results_used(
        self, acting: Acting, rnd: Round, scheme: Scheme
    ) -> list[dict[str, Any]]:
        """At finalisation: each unit's conversions and consequences, one event per unit,
        reading the earlier years' published outcomes its rules across years need."""
        rules = scheme.rules
        if not (rules.consequences or rules.conversions):
            return []
        from pdca.rules import consequences as used

        assert rnd.published is not None
        records = used.evaluate(rules, rnd.period, rnd.published, self._history(rnd, rules))
        for record in records:
            rnd.record_consequences(**record, actor=acting.person)
        return records

    def _history(
        self, rnd: Round, rules: Any, fresh: Round | None = None
    ) -> dict[str, tuple[int, list[dict[str, Any]]]]:
        """The published outcomes of the years before ``rnd`` that its rules read
        (``fresh``: a round finalised in this command, not yet saved)."""
        from pdca.rules import consequences as used

        history = {}
        for back in range(1, used.read_back(rules) + 1):
            period = used.earlier_period(rnd.period, back)
            earlier = (
                fresh
                if fresh is not None and fresh.period == period
                else self._round_or_none(period, rnd.scheme_id)
            )
            if earlier is not None and earlier.published is not None:
                history[period] = (len(earlier.finalisations), earlier.published)
        return history

    def _revise_later_rounds(
        self, acting: Acting, rnd: Round, reason: str | None
    ) -> list[tuple[Round, list[dict[str, Any]]]]:
        """Re-finalising a year: every later finalised round that read it evaluates its
        consequences again and records one ``ConsequencesRevised`` listing what changed.
        Its published totals are never touched."""
        if len(rnd.finalisations) < 2:
            return []
        from pdca.rules import consequences as used

        revised = []
        for row in self.list_rounds():
            period = row["period"]
            if row["scheme_id"] != rnd.scheme_id or period[4:] != rnd.period[4:]:
                continue
            if period <= rnd.period:
                continue
            later = self.repository.get(round_id(period, rnd.scheme_id))
            if later.published is None or not any(
                r["period"] == rnd.period
                for record in later.consequences.values()
                for r in record.get("read", [])
            ):
                continue
            rules = self._published_rules(later)
            records = used.evaluate(
                rules, later.period, later.published, self._history(later, rules, fresh=rnd)
            )
            changes = used.differences(later.consequences, records)
            if not changes:
                continue
            changed = {c["unit"] for c in changes}
            later.revise_consequences(
                period=rnd.period,
                changes=changes,
                records=[r for r in records if r["unit"] in changed],
                actor=acting.person,
                reason=reason,
            )
            revised.append((later, changes))
        return revised

    def _published_rules(self, rnd: Round) -> Any:
        """The rules a round was published under: its cycles' pinned scheme text."""
        assert rnd.published
        first = rnd.published[0]
        ident = UUID(first["cycle_id"]) if first.get("cycle_id") else None
        cycle = self.repository.get(ident) if ident else self.get_cycle(first["cycle"])
        events = list(self.repository.event_store.get(cycle.id))
        return pinned(facts_of(events).scheme_text).rules

    def results_used(self, period: str) -> dict[str, dict[str, Any]]:
        """Per cycle of ``period``'s rounds: what its published result brings now."""
        period = check_period(period)
        used: dict[str, dict[str, Any]] = {}
        for row in self.list_rounds():
            if row["period"] != period:
                continue
            # Read on every ranking page: a round of 1,000 cycles took a quarter second
            # to replay, so the copy read last serves while the round has not moved.
            read = _round_read(self, period, row["scheme_id"])
            if read is None:
                continue
            for record in read.round.consequences.values():
                used[record["cycle"]] = record
        return used

    def round_completeness(self, period: str, scheme_id: str | None = None) -> dict[str, Any]:
        """Which cycles of a round are incomplete now, and — for a round published before
        finalisation checked completeness — which published cycles had something missing
        at the event the round published (each scored as it stood then)."""
        from pdca.rules import scoring

        rnd = self.get_round(period, scheme_id)
        pairs = self._round_cycles(rnd)
        incomplete = []
        if pairs:
            entries, _ = self._entries(pairs)
            incomplete = [_incomplete(e.cycle, e.breakdown) for e in entries if _lacks(e.breakdown)]
        finalised = self._round_events(rnd)
        published_incomplete: list[dict[str, Any]] = []
        if finalised:
            event = finalised[-1]
            at_publication = []
            for o in event.outcomes:
                cycle = self.get_cycle(o["cycle"])
                events = list(self.repository.event_store.get(cycle.id))
                head = o.get("head")
                at_publication.append(
                    (o["cycle"], facts_of(events, None if head else event.timestamp, head))
                )
            if at_publication:
                scheme = pinned(at_publication[0][1].scheme_text)
                context = scoring.round_context([f for _, f in at_publication], scheme)
                context = self._with_rolled_up(context, scheme, rnd.period, event.timestamp)
                for address, facts in at_publication:
                    breakdown = scoring.score(facts, scheme, context)
                    if breakdown.refused:
                        published_incomplete.append(_incomplete(address, breakdown))
        return {
            "period": rnd.period,
            "scheme": rnd.scheme_id,
            "cycles": len(pairs),
            "published": bool(finalised),
            "published_at": self.clock.iso(finalised[-1].timestamp) if finalised else None,
            "published_by": finalised[-1].actor if finalised else None,
            "finalisations": len(finalised),
            "incomplete": incomplete,
            "published_incomplete": published_incomplete,
        }

    # ---- explain --------------------------------------------------------------------------

    def explain(self, address: str, as_of: datetime | None = None) -> Explanation:
        from pdca.rules import scoring

        cycle = self.get_cycle(address)
        # The cycle as loaded is its facts now, the files its events name included; a
        # past moment is folded from its events.
        events = [] if as_of is None else list(self.repository.event_store.get(cycle.id))
        facts = cycle.facts if as_of is None else facts_of(events, as_of)
        if facts.opened is None:
            when = self.clock.shown(as_of) if as_of else ""
            raise NotFound(f"{when} 时周期 {address} 尚未开启")
        scheme = pinned(facts.scheme_text)
        read = _round_read(self, cycle.period, cycle.scheme_id)
        round_ = read.round if read is not None else None
        context = scoring.RoundContext()
        if round_ is not None and scoring.needs_round_context(scheme):
            others = [f for _, f in self._round_cycles(round_, as_of) if f.opened is not None]
            context = scoring.round_context(others, scheme)
        context = self._with_rolled_up(context, scheme, facts.period, as_of)
        breakdown = scoring.score(facts, scheme, context)
        outcome = None
        results_used = None
        if read is not None and round_ is not None:
            finalised = [e for e in read.events if type(e).__name__ == "Finalized"]
            published = [
                f
                for f, e in zip(round_.finalisations, finalised, strict=True)
                if as_of is None or e.timestamp <= as_of
            ]
            if published:
                outcome = next(
                    (o for o in published[-1]["outcomes"] if o["cycle"] == cycle.address), None
                )
            results_used = self._results_used_at(round_, cycle.address, as_of, read.events)
        head = (
            cycle.version
            if as_of is None
            else max((e.originator_version for e in events if e.timestamp <= as_of), default=0)
        )
        return Explanation(
            cycle.address,
            f"{facts.scheme_id}@{facts.scheme_version}",
            facts.scheme_digest,
            as_of,
            head,
            breakdown,
            _jsonable(outcome),
            self.mapper.digest_at(cycle.id, head),
            clock=self.clock,
            precision=scheme.rules.precision,
            results_used=results_used,
            appeals=list(facts.appeals) or None,
            attachments=[
                {"position": position, "type": kind, **r}
                for position, kind, refs in facts.attachments
                for r in refs
            ]
            or None,
        )

    def _results_used_at(
        self,
        rnd: Round,
        address: str,
        as_of: datetime | None,
        events: Sequence[Any] | None = None,
    ) -> dict[str, Any] | None:
        """The unit's conversions and consequences as recorded by ``as_of``, with the
        events they came from (the recording and every revision since); ``events``: the
        round's, when read already."""
        found: dict[str, Any] | None = None
        for e in events if events is not None else self.repository.event_store.get(rnd.id):
            if as_of is not None and e.timestamp > as_of:
                break
            name = type(e).__name__
            if name == "ConsequencesRecorded" and e.cycle == address:
                found = {
                    "conversions": e.conversions,
                    "consequences": e.consequences,
                    "read": e.read,
                    "events": [self._event_ref(rnd, e, "记录")],
                }
            elif name == "ConsequencesRevised" and found is not None:
                record = next((r for r in e.records if r["cycle"] == address), None)
                if record is not None:
                    found = {
                        **found,
                        "conversions": record["conversions"],
                        "consequences": record["consequences"],
                        "read": record["read"],
                        "events": [
                            *found["events"],
                            self._event_ref(rnd, e, f"因 {e.period} 重新定稿而修订"),
                        ],
                    }
        return found

    def _event_ref(self, rnd: Round, e: Any, what: str) -> dict[str, Any]:
        return {
            "event": type(e).__name__,
            "round": f"{rnd.period}/{rnd.scheme_id}",
            "position": e.originator_version,
            "recorded_at": self.clock.iso(e.timestamp),
            "actor": e.actor,
            "what": what,
        }

    def _round_events(self, rnd: Round) -> list[Any]:
        return [
            e for e in self.repository.event_store.get(rnd.id) if type(e).__name__ == "Finalized"
        ]


@dataclass(frozen=True)
class _RoundRead:
    """A round and its events as of one version (kept between reads: ``kept``)."""

    round: Round
    events: list[Any]

    @property
    def version(self) -> int:
        return int(self.round.version)


def _round_read(app: Any, period: str, scheme_id: str) -> _RoundRead | None:
    """The round of ``period`` and ``scheme_id`` with its events, None when there is
    none: every unit page explains its cycle with it, and replaying a round of 1,000
    cycles (three times) was most of the page."""
    from pdca.application.kept import current

    ident = round_id(period, scheme_id)

    def load() -> _RoundRead | None:
        events = list(app.repository.event_store.get(ident))
        if not events:
            return None
        version = events[-1].originator_version
        return _RoundRead(app.repository.get(ident, version=version), events)

    return current(app, "round", ident, load)


def _incomplete(cycle: str, breakdown: scoring.Breakdown) -> dict[str, Any]:
    data = {
        "cycle": cycle,
        "refused": breakdown.refused,
        "missing": [m.to_json() for m in breakdown.missing],
    }
    if breakdown.steps_missing:
        data["steps_missing"] = [m.to_json() for m in breakdown.steps_missing]
    return data


def _lacks(breakdown: scoring.Breakdown) -> str:
    """What a cycle lacks before final, one phrase: its scoring's refusal, then the
    unit's required steps not taken."""
    steps = "；".join(
        f"单位步骤 {m.component_label}（{m.component}）{m.reason}" for m in breakdown.steps_missing
    )
    return "；".join(x for x in (breakdown.refused, steps) if x)


def _require_complete(entries: list[ranking.Entry]) -> None:
    """Complete before final: refuse, naming what each incomplete cycle lacks."""
    incomplete = [e for e in entries if _lacks(e.breakdown)]
    if not incomplete:
        return
    listed = "；".join(f"{e.cycle}（{_lacks(e.breakdown)}）" for e in incomplete)
    items = any(m.item for e in incomplete for m in e.breakdown.missing)
    hint = (
        "；缺项请补记（pdca score record 周期 指标 值，处理阶段也可补记缺项）"
        "或认定不适用（pdca score na 周期 指标 --reason 理由）"
        if items
        else ""
    )
    raise RuleViolation(
        f"有 {len(incomplete)} 个周期不完整，不能定稿：{listed}{hint}",
        details={"incomplete": [_incomplete(e.cycle, e.breakdown) for e in incomplete]},
    )


def _jsonable(outcome: dict[str, Any] | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in outcome.items()}


def _changes(
    before: list[dict[str, Any]] | None, after: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Who moves, by how much: every published field that differs."""
    if before is None:
        return []
    old = {o["cycle"]: o for o in before}
    now = {o["cycle"] for o in after}
    changes = [
        # A cycle voided since: it leaves the round.
        {"cycle": c, "field": "移出", "before": _s(o["total"]), "after": None}
        for c, o in old.items()
        if c not in now
    ]
    for o in after:
        previous = old.get(o["cycle"])
        if previous is None:
            changes.append(
                {"cycle": o["cycle"], "field": "新增", "before": None, "after": str(o["total"])}
            )
            continue
        for field in ("total", "rank", "grade", "tier", "veto"):
            if previous.get(field) != o.get(field):
                changes.append(
                    {
                        "cycle": o["cycle"],
                        "field": field,
                        "before": _s(previous.get(field)),
                        "after": _s(o.get(field)),
                    }
                )
    return changes


def _s(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value
